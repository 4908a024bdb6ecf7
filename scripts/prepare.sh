#!/usr/bin/env bash
# Source it: the pinned pnpm (ensure-pnpm.sh), then install and build, quiet unless they fail.
# The build is skipped when every package's dist/ is newer than its sources.

source scripts/ensure-pnpm.sh || return 1

quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "failed: $*" >&2
    return 1
  fi
  rm -f "$log"
}

built() {
  local package
  for package in packages/*/; do
    [ -f "$package/dist/index.js" ] || return 1
    [ -z "$(find "$package/src" "$package/package.json" -newer "$package/dist/index.js" -print -quit)" ] || return 1
  done
}

echo "Installing and building (quiet unless something fails) ..." >&2
quietly "$PNPM" install --frozen-lockfile || return 1
built || quietly "$PNPM" run build || return 1
