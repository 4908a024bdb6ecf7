#!/usr/bin/env bash
# Starts one example API (express, koa, fastify or hono) against your own issuer:
#   TOKENGATE_ISSUER=… TOKENGATE_AUDIENCE=… bash scripts/example.sh express
# or the MCP example (mcp) against a local test issuer, printing a token to try, or the cluster
# example (cluster: redis-server, a local test issuer, three API processes behind a proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  express | koa | fastify | hono | mcp | cluster) ;;
  *) echo "usage: bash scripts/example.sh express|koa|fastify|hono|mcp|cluster" >&2; exit 2 ;;
esac
source scripts/prepare.sh || exit 1
# The cluster starts its own redis-server: installed first when missing (as root), or one line says how.
if [ "$1" = cluster ]; then source scripts/ensure-redis.sh || exit 1; fi
exec "$PNPM" --silent --filter "@tokengate/example-$1" start
