#!/usr/bin/env bash
# The server under hostile and heavy connection loads, for one or more builds side by side:
#   1. a slow-header flood (bench/slow-headers.py: 5,000 connections trickling a header line
#      every 3 s for 60 s) against a server warmed by 10 s of search load, with a probe asking
#      for a page every 100 ms, and the server's resident memory before, at the peak and 10 s
#      after;
#   2. 256 connections on the search API for 30 s (wrk, the benchmark queries in random order).
# Usage (from the repository root; wrk from Debian's packages):
#   cargo build --release -p chancery-cli
#   bash bench/connections.sh [BINARY...]       # default: target/release/chancery
# To compare with an earlier commit, build it apart and pass both binaries, e.g.
#   git worktree add /tmp/before f76f592 && (cd /tmp/before && cargo build --release -p chancery-cli)
#   bash bench/connections.sh /tmp/before/target/release/chancery target/release/chancery
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${CHANCERY_SHARED:-$PWD/../shared}"
binaries=("$@")
[ "${#binaries[@]}" -gt 0 ] || binaries=("$PWD/target/release/chancery")
. bench/common.sh
work_folder

query_paths "$shared/bench/peers/queries/frus-q.jsonl" "/api/v1/search?q=" >"$work/api-searches.txt"
paths_lua >"$work/paths.lua"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
start() {
  "$1" --data "$2" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$base/robots.txt" >/dev/null && return; sleep 0.1; done
  echo "the server did not start"; cat "$work/server.log"; exit 1
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

for bin in "${binaries[@]}"; do
  data="$work/data-$(basename "$(dirname "$(dirname "$(dirname "$bin")")")")-$RANDOM"
  "$bin" --data "$data" import "$shared/corpus/frus" demo >/dev/null 2>&1
  echo "## $bin ($(nproc) cores; the store: the FRUS corpus and the demo letter)"
  start "$bin" "$data"
  wrk -t2 -c64 -d10s -s "$work/paths.lua" "$base" -- "$work/api-searches.txt" >/dev/null
  sleep 5
  echo "### slow-header flood, 5,000 connections for 60 s, after 10 s of search load"
  python3 bench/slow-headers.py "$port" "$server" 5000 60
  stop
  start "$bin" "$data"
  echo "### 256 connections on the search API, 30 s"
  wrk -t2 -c256 -d30s --latency -s "$work/paths.lua" "$base" -- "$work/api-searches.txt" \
    | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors"
  echo "server RSS after: $(grep VmRSS /proc/$server/status | awk '{print $2, $3}')"
  stop
done
