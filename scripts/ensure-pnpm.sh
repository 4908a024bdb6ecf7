#!/usr/bin/env bash
# Makes the pnpm pinned in package.json's "packageManager" available, installing it with npm if needed.
# Source it: afterwards "$PNPM" runs that exact version.
pinned=$(node -p "require('./package.json').packageManager.split('@')[1]")
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$pinned" ]; then
  PNPM=pnpm
else
  prefix="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/tokengate-pnpm-$pinned"
  if [ ! -x "$prefix/bin/pnpm" ]; then
    echo "Installing pnpm $pinned (one time) ..." >&2
    npm install --silent --no-audit --no-fund --prefix "$prefix" -g "pnpm@$pinned" >&2
  fi
  PNPM="$prefix/bin/pnpm"
fi
export PNPM
