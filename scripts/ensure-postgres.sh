#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 with a database `test` for the
# ledger tests: use a running server, else start an installed cluster, else
# install Debian's postgresql and start it. Never skips: the tests need it.
set -euo pipefail
host=127.0.0.1
port=5432
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi

ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$host" -p "$port"; }

if ! ready; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "Installing PostgreSQL for the ledger tests..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do ready && break; sleep 0.5; done
  ready || { echo "PostgreSQL did not start on $host:$port." >&2; exit 1; }
fi

# A fresh Debian install asks TCP clients for a password: give postgres the one
# the tests use (harmless where auth is trust).
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
if ! psql -w -h "$host" -p "$port" -U postgres -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
  as_postgres "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
fi
export PGPASSWORD=postgres
if ! psql -h "$host" -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
  createdb -h "$host" -p "$port" -U postgres test
fi
echo "PostgreSQL ready on $host:$port (database test)."
