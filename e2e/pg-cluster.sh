#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's `postgresql` package:
#   e2e/pg-cluster.sh start DIR PORT   makes (if needed) and starts a cluster in DIR on
#                                      127.0.0.1:PORT, trusting local connections, and prints
#                                      the URL of its `chancery` database;
#   e2e/pg-cluster.sh replica DIR PORT PRIMARY_PORT
#                                      makes DIR a streaming replica of the cluster on
#                                      PRIMARY_PORT (pg_basebackup) and starts it;
#   e2e/pg-cluster.sh stop DIR         stops it (the caller deletes DIR).
# As root, the cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

settings() {
  local dir=$1 port=$2
  cat >> "$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
max_connections = 200
wal_level = replica
max_wal_senders = 5
logging_collector = off
CONF
}

case "${1:-}" in
  start)
    dir=$2 port=$3
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
      as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >/dev/null
      settings "$dir" "$port"
      echo "host replication postgres 127.0.0.1/32 trust" >> "$dir/pg_hba.conf"
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w start >/dev/null
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qtAc \
      "SELECT 1 FROM pg_database WHERE datname = 'chancery'" | grep -q 1 \
      || "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres chancery
    echo "postgres://postgres@127.0.0.1:$port/chancery"
    ;;
  replica)
    dir=$2 port=$3 primary=$4
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres -D "$dir" -R -X stream
    sed -i "s/^port = .*/port = $port/; s|^unix_socket_directories = .*|unix_socket_directories = '$dir'|" \
      "$dir/postgresql.conf"
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/chancery"
    ;;
  stop)
    dir=$2
    [ ! -f "$dir/postmaster.pid" ] || as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: $0 start DIR PORT | replica DIR PORT PRIMARY_PORT | stop DIR" >&2
    exit 2
    ;;
esac
