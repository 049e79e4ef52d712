#!/usr/bin/env bash
# The soak test: SECONDS (default 600) of mixed traffic at 256 connections — document, search
# and home pages, API records and searches, OAI-PMH GetRecord and ListRecords — while an import
# of five FRUS volumes runs, then re-imports of the seed. Passes with 0 failed requests (non-2xx,
# socket errors, timeouts), every import complete, `chancery check` clean, and the server's
# anonymous memory (RssAnon) at the end within MAX_GROWTH_MIB of what it was after warming up.
#   cargo build --release -p chancery-cli && bash bench/soak.sh [SECONDS]
# Needs wrk. Prints the server's memory every 30 s and a summary; RELIABILITY.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
bin="${CHANCERY_BIN:-$PWD/target/release/chancery}"
shared="${CHANCERY_SHARED:-$PWD/../shared}"
# The page cache (64 MiB by default) fills and starts over; the index's readers are reopened
# after each import. What is allowed to stay: the cache's worth and as much again.
MAX_GROWTH_MIB=128
. bench/common.sh
work_folder

volumes=("$shared"/corpus/frus/*.xml)
held_back=("${volumes[@]:0:5}")
mkdir -p "$work/first"
for volume in "${volumes[@]:5}"; do ln -s "$volume" "$work/first/"; done
"$bin" --data "$work/data" import "$work/first" demo >/dev/null 2>&1
"$bin" --data "$work/data" list --json | python3 -c '
import json, sys, random
ids = [json.loads(line)["id"] for line in sys.stdin]
random.seed(1954)
for id in random.sample(ids, 400):
    print("/records/" + id)
    print("/api/v1/records/" + id)
    print("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:" + id)
print("/")
print("/oai?verb=ListRecords&metadataPrefix=oai_dc")
print("/api/v1/records?limit=100")' >"$work/paths.txt"
query_paths "$shared/bench/peers/queries/frus-q.jsonl" "/search?q=" | sed -n "1,200p" >>"$work/paths.txt"
query_paths "$shared/bench/peers/queries/frus-q.jsonl" "/api/v1/search?q=" | sed -n "1,200p" >>"$work/paths.txt"
paths_lua >"$work/paths.lua"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
CHANCERY_LOG=warn "$bin" --data "$work/data" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "$base/robots.txt" >/dev/null && break; sleep 0.1; done
anon() { awk '/RssAnon/ {print int($2 / 1024)}' "/proc/$server/status"; }
# Warm up: every path once (pages cached, index readers warm).
wrk -t2 -c64 -d20s -s "$work/paths.lua" "$base" -- "$work/paths.txt" >/dev/null
warm=$(anon)
echo "## soak: ${seconds} s at 256 connections, $(wc -l <"$work/paths.txt") paths, $(nproc) cores; server RssAnon after warm-up ${warm} MiB"

wrk -t2 -c256 -d"${seconds}s" --timeout 10s --latency -s "$work/paths.lua" "$base" -- "$work/paths.txt" >"$work/wrk.txt" &
load=$!
(
  sleep 30
  mkdir -p "$work/second"
  for volume in "${held_back[@]}"; do ln -s "$volume" "$work/second/"; done
  t=$(date +%s)
  "$bin" --data "$work/data" import "$work/second" >"$work/import.log" 2>&1
  echo "import of ${#held_back[@]} volumes during the load: $(tail -1 "$work/import.log" | sed 's/^indexed //') in $(( $(date +%s) - t )) s"
  # Then the seed edited and put back, again and again, until the load ends.
  n=0
  while kill -0 "$load" 2>/dev/null; do
    sed "s/normalization/normalisation/" demo/000_5e4392f9da7ebfc5.txt >"$work/seed.txt"
    "$bin" --data "$work/data" import "$work/seed.txt" --replace >/dev/null 2>&1
    "$bin" --data "$work/data" import demo/000_5e4392f9da7ebfc5.txt --replace >/dev/null 2>&1
    n=$((n + 2))
    sleep 5
  done
  echo "then $n re-imports of the seed, each complete"
) &
writer=$!
peak=$warm
while kill -0 "$load" 2>/dev/null; do
  sleep 30
  now=$(anon)
  [ "$now" -gt "$peak" ] && peak=$now
  echo "  RssAnon ${now} MiB"
done
wait "$load"
wait "$writer"
end=$(anon)
grep -E "requests in|Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors" "$work/wrk.txt"
"$bin" --data "$work/data" check
growth=$((end - warm))
echo "server RssAnon: ${warm} MiB after warm-up, peak ${peak} MiB, ${end} MiB at the end (growth ${growth} MiB; bound ${MAX_GROWTH_MIB})"
if grep -qE "Non-2xx|Socket errors" "$work/wrk.txt"; then echo "FAIL: failed requests" >&2; exit 1; fi
if [ "$growth" -gt "$MAX_GROWTH_MIB" ]; then echo "FAIL: memory grew by ${growth} MiB" >&2; exit 1; fi
echo "soak passed"
