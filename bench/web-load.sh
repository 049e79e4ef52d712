#!/usr/bin/env bash
# Load test of the web server: throughput and latency of the document and search pages under wrk
# at 64 connections, on the shared FRUS corpus. Usage (from the repository root):
#   cargo build --release -p chancery-cli && bash bench/web-load.sh [SECONDS]
# (CHANCERY_BIN=path runs another build, e.g. an earlier commit's, for a before/after pair)
# Needs wrk (apt-get install wrk); with nginx installed, nginx serving the same letter page as a
# static file runs beside it as the ceiling. The server, nginx and wrk share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
bin="${CHANCERY_BIN:-$PWD/target/release/chancery}"
shared="${CHANCERY_SHARED:-$PWD/../shared}"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; sleep 0.5; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" --data "$work/data" import "$shared/corpus/frus" demo >/dev/null 2>&1
"$bin" --data "$work/data" list --json | python3 -c '
import json, sys
for line in sys.stdin:
    print("/records/" + json.loads(line)["id"])' >"$work/documents.txt"
. bench/common.sh
query_paths "$shared/bench/peers/queries/frus-q.jsonl" "/search?q=" >"$work/searches.txt"
paths_lua >"$work/paths.lua"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
run() {
  local label="$1"; shift
  echo "### $label"
  wrk -t2 -c64 -d"${seconds}s" --latency "$@" | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors"
}

# The default server (pages cached, compressed, until the store changes), then every request
# rendered afresh (--page-cache-mib 0): the cold path a first visitor meets.
for cache in 64 0; do
  "$bin" --data "$work/data" serve --addr "127.0.0.1:$port" --page-cache-mib "$cache" >"$work/server-$cache.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$base/robots.txt" >/dev/null && break; sleep 0.1; done
  echo "## page cache: $cache MiB ($(wc -l <"$work/documents.txt") documents, $(wc -l <"$work/searches.txt") queries, $(nproc) cores, request logs on)"
  run "document page, the letter" "$base/records/wcda-112970"
  run "document pages, all of them in random order" -s "$work/paths.lua" "$base" -- "$work/documents.txt"
  run "search pages, the benchmark queries in random order" -s "$work/paths.lua" "$base" -- "$work/searches.txt"
  if [ "$cache" != 0 ]; then
    run "document pages again (the cache now warm)" -s "$work/paths.lua" "$base" -- "$work/documents.txt"
    run "search pages again (the cache now warm)" -s "$work/paths.lua" "$base" -- "$work/searches.txt"
  fi
  run "home page" "$base/"
  echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2, $3}')"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
done

# A revision's first render: no page cache and no citation memo (a build that has the memo).
if "$bin" serve --help | grep -q citation-memo-mib; then
  "$bin" --data "$work/data" serve --addr "127.0.0.1:$port" --page-cache-mib 0 --citation-memo-mib 0 >"$work/server-nomemo.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$base/robots.txt" >/dev/null && break; sleep 0.1; done
  echo "## page cache: 0 MiB, citation memo: 0 MiB (every page cites afresh)"
  run "document page, the letter" "$base/records/wcda-112970"
  run "document pages, all of them in random order" -s "$work/paths.lua" "$base" -- "$work/documents.txt"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
fi

if command -v nginx >/dev/null; then
  # The peer: the letter's page, as Chancery renders it, served by nginx as a static file.
  mkdir -p "$work/www"
  "$bin" --data "$work/data" serve --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$base/robots.txt" >/dev/null && break; sleep 0.1; done
  curl -sf "$base/records/wcda-112970" >"$work/www/letter.html"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work;
  proxy_temp_path $work;
  fastcgi_temp_path $work;
  uwsgi_temp_path $work;
  scgi_temp_path $work;
  server { listen 127.0.0.1:$port; root $work/www; }
}
NGINX
  nginx -c "$work/nginx.conf"
  sleep 0.5
  echo "## peer: nginx $(nginx -v 2>&1 | sed 's/.*\///'), the same letter page as a static file, access log on"
  run "static letter page (nginx)" "$base/letter.html"
fi
