#!/usr/bin/env bash
# One command on a fresh machine: gets the pinned pnpm, installs, builds, and starts the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh || exit 1
exec node --import tsx scripts/demo.ts "$@"
