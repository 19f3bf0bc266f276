#!/usr/bin/env bash
# Make sure the `wrk` load generator for `make bench` exists (Debian's package).
# WVH_BENCH_WRK names another binary; the default is whatever `wrk` is on PATH.
set -euo pipefail
wrk="${WVH_BENCH_WRK:-wrk}"
if command -v "$wrk" >/dev/null; then
  exit 0
fi
if [ "$wrk" != "wrk" ]; then
  echo "WVH_BENCH_WRK=$wrk is not an executable file." >&2
  exit 1
fi
echo "Installing Debian's wrk for the load benchmark..."
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "wrk is missing and this user cannot install it: run 'apt-get install wrk' as root," >&2
  echo "or set WVH_BENCH_WRK to a wrk binary." >&2
  exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null
