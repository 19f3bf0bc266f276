#!/usr/bin/env bash
# Make sure Redis answers on 127.0.0.1:6379 for the shared rate-limit tests: use a
# running server, else start an installed one, else install Debian's redis-server
# and start it. Never skips: the tests need it.
set -euo pipefail
host=127.0.0.1
port=6379
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi

ready() { command -v redis-cli >/dev/null && [ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = PONG ]; }

if ! ready; then
  if ! command -v redis-server >/dev/null; then
    echo "Installing Redis for the rate-limit tests..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
  fi
  $sudo redis-server --bind "$host" --port "$port" --daemonize yes --save "" --appendonly no
  for _ in $(seq 1 60); do ready && break; sleep 0.5; done
  ready || { echo "Redis did not start on $host:$port." >&2; exit 1; }
fi
echo "Redis ready on $host:$port."
