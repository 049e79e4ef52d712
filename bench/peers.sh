#!/usr/bin/env bash
# Runs the peer search engines (../shared/bench/peers) and Chancery on the same FRUS corpus and
# query file, one after the other in one run, and leaves both reports in target/bench/peers/.
#
#   bash bench/peers.sh            # installs the peers first if needed (apt + a venv)
#
# Environment: PEERS_VENV (default /tmp/chancery-peers-venv), ENGINES (default: all eight).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=$(cd ../shared && pwd)
venv=${PEERS_VENV:-/tmp/chancery-peers-venv}
out=$root/target/bench/peers
corpus=$shared/corpus/frus-docs.jsonl
queries=$shared/bench/peers/queries/frus-q.jsonl
mkdir -p "$out"

if [ ! -x "$venv/bin/python" ]; then
    VENV=$venv bash "$shared/bench/peers/setup.sh"
fi

echo "== peers"
"$venv/bin/python" "$shared/bench/peers/run.py" --corpus "$corpus" --queries "$queries" \
    --engines "${ENGINES:-sqlite,postgres,xapian,lucene,tantivy,whoosh,typesense,sphinx}" \
    --warmup 1 --repeat 3 --out "$out/peers"

echo "== chancery"
cargo bench -p chancery-search --bench peers -- --corpus "$corpus" --queries "$queries" \
    --warmup 1 --repeat 3 --json "$out/chancery.json" | tee "$out/chancery.md"
echo "reports: $out/peers/results.md and $out/chancery.md"
