#!/usr/bin/env bash
# The whole test pipeline: redis-server for the Redis tests, install (frozen lockfile), build,
# typecheck, lint, tests.
# Prints `tests: N passed, N failed` last and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-pnpm.sh || exit 1

step() {
  echo "::: $*" >&2
  if ! "$@"; then
    echo "step failed: $*" >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
}

export CI="${CI:-true}"
# The Redis tests need redis-server installed (they start their own); checked first, to fail fast.
step source scripts/ensure-redis.sh
step "$PNPM" install --frozen-lockfile
step "$PNPM" run build
step "$PNPM" run typecheck
step "$PNPM" run lint
step "$PNPM" run check:packaging
node scripts/run-tests.mjs
