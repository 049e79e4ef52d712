#!/usr/bin/env bash
# Starts a real Chancery server over the FRUS corpus, the people data, the demo letter and a record of script
# payloads, then runs the browser test (Chromium + playwright-core + axe-core) and a whole OAI-PMH
# harvest with Sickle and schemathesis against its OpenAPI document. Stops the server it started,
# whatever happens.
#
# Needs: target/debug/chancery built, /usr/bin/chromium and xmllint installed, e2e/node_modules
# (npm ci), and a Python with sickle and schemathesis (PYTHON, default python3; schemathesis is
# run from the same bin folder). Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$PWD/target/debug/chancery"
shared="${CHANCERY_SHARED:-$PWD/../shared}"
python="${PYTHON:-python3}"
data="$(mktemp -d)"
log="$data/server.log"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

"$bin" --data "$data/store" import "$shared/corpus/frus" "$shared/corpus/hsg/people" "$shared/corpus/hsg/pocom" demo crates/web/tests/data/xss.txt >/dev/null 2>"$data/import.log" \
  || { cat "$data/import.log"; exit 1; }

port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
CHANCERY_LOG=warn "$bin" --data "$data/store" serve --addr "127.0.0.1:$port" --oai-page-size 50 >"$log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "$base/robots.txt" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done
curl -sf "$base/robots.txt" >/dev/null || { echo "the server did not start"; cat "$log"; exit 1; }

echo "-- every OAI-PMH verb validates against ../shared/schemas (xmllint)"
schema="$shared/schemas/OAI-PMH_oai_dc.xsd"
for query in "verb=Identify" "verb=ListMetadataFormats" "verb=ListSets" \
  "verb=ListRecords&metadataPrefix=oai_dc" "verb=ListIdentifiers&metadataPrefix=oai_dc&set=frus1955-57v26" \
  "verb=GetRecord&identifier=oai:127.0.0.1:wcda-112970&metadataPrefix=oai_dc" \
  "verb=GetRecord&identifier=oai:127.0.0.1:xss-probe&metadataPrefix=oai_dc" "verb=Nonsense"; do
  curl -sf "$base/oai?$query" >"$data/oai.xml"
  xmllint --noout --nonet --schema "$schema" "$data/oai.xml" 2>/dev/null || {
    echo "OAI-PMH response does not validate: $query"; xmllint --noout --nonet --schema "$schema" "$data/oai.xml"; exit 1; }
done

echo "-- OAI-PMH harvest with Sickle"
"$python" crates/web/tests/interop/oai_harvest.py "$base" "$bin" "$data/store"

echo "-- the JSON API against its own OpenAPI document (schemathesis)"
"$(dirname "$python")/schemathesis" run "$base/api/v1/openapi.json" --url "$base" \
  --max-examples 50 --seed 1 --suppress-health-check=all \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

echo "-- browser test (Chromium, playwright-core, axe-core)"
CHANCERY_URL="$base" node e2e/browser.mjs
