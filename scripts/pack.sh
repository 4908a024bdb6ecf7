#!/usr/bin/env bash
# Packs every package into installable tarballs (workspace:^ rewritten to real versions), after
# a build. Usage: bash scripts/pack.sh [destination]   (default: ./packs)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-pnpm.sh || exit 1
destination="$(mkdir -p "${1:-packs}" && cd "${1:-packs}" && pwd)"
if [ "${TOKENGATE_SKIP_BUILD:-}" != "1" ]; then "$PNPM" run build >/dev/null; fi
for package in packages/*/; do
  (cd "$package" && "$PNPM" pack --pack-destination "$destination" >/dev/null)
done
ls "$destination"/*.tgz
