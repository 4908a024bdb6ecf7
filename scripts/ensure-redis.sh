#!/usr/bin/env bash
# Makes sure `redis-server` is installed: the Redis tests start (and stop) their own servers with it
# (startRedisServer of packages/testing/src/redis-server.ts), so nothing has to run in the background.
# Source it. When redis-server is missing it installs it quietly as root where apt-get exists
# (running `apt-get update` only if the first attempt fails); otherwise it prints one line saying
# what to install and returns non-zero.
_tokengate_has_redis() {
  command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]
}
if ! _tokengate_has_redis; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing redis-server (one time) ..." >&2
    _tokengate_apt() { DEBIAN_FRONTEND=noninteractive apt-get "$@" >/dev/null 2>&1; }
    _tokengate_apt install -y -q redis-server || { _tokengate_apt update -q && _tokengate_apt install -y -q redis-server; }
    unset -f _tokengate_apt
  fi
  if ! _tokengate_has_redis; then
    unset -f _tokengate_has_redis
    echo "tests need redis-server: apt-get install -y redis-server (Debian/Ubuntu), brew install redis (macOS)" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
unset -f _tokengate_has_redis
