#!/usr/bin/env bash
# Makes the pnpm pinned in package.json's "packageManager" the one every script runs.
# Source it: afterwards "$PNPM" runs that exact version, and so does a plain `pnpm` in anything it
# starts (package.json scripts call `pnpm -r …`), because the pinned binary's folder is put first on
# PATH. A pnpm already on PATH is never trusted: it may be missing, broken or another major.
pinned=$(node -p "require('./package.json').packageManager.split('@')[1]")
prefix="${TOKENGATE_PNPM_HOME:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/tokengate-pnpm-$pinned}"
if [ "$("$prefix/bin/pnpm" --version 2>/dev/null)" != "$pinned" ]; then
  echo "Installing pnpm $pinned (one time) ..." >&2
  npm install --silent --no-audit --no-fund --prefix "$prefix" -g "pnpm@$pinned" >&2 ||
    { echo "could not install pnpm $pinned with npm" >&2; return 1; }
fi
PNPM="$prefix/bin/pnpm"
PATH="$prefix/bin:$PATH"
# The pinned version is the point: no "update available" banner suggesting otherwise.
export npm_config_update_notifier=false
export PNPM PATH
