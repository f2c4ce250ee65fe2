#!/usr/bin/env bash
# Starts the local PostgreSQL cluster when it is installed but stopped, so that the suite's
# PostgreSQL tests run (with CI=true they must). Does nothing where PostgreSQL is not installed.
set -u
command -v pg_lsclusters >/dev/null 2>&1 || { echo "postgresql: not installed here"; exit 0; }
pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _port status _rest; do
  if [ "$status" != "online" ]; then
    echo "postgresql: starting cluster $version/$cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
  fi
done
exit 0
