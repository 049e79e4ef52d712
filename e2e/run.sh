#!/usr/bin/env bash
# Starts a real Chancery server over the FRUS corpus, the people data, the demo letter and a record of script
# payloads, then runs the browser test (Chromium + playwright-core + axe-core) and a whole OAI-PMH
# harvest with Sickle and schemathesis against its OpenAPI document. Stops the server it started,
# whatever happens.
#
# Needs: target/debug/chancery built, /usr/bin/chromium and xmllint installed, e2e/node_modules
# (npm ci), and a Python with sickle, schemathesis and networkx (PYTHON, default python3; schemathesis is
# run from the same bin folder). Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$PWD/target/debug/chancery"
shared="${CHANCERY_SHARED:-$PWD/../shared}"
python="${PYTHON:-python3}"
data="$(mktemp -d)"
log="$data/server.log"
server=""
scratch_server=""
cleanup() {
  for pid in $server $scratch_server; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT

"$bin" --data "$data/store" import "$shared/corpus/frus" "$shared/corpus/hsg/people" "$shared/corpus/hsg/pocom" "$shared/corpus/hsg/visits" "$shared/corpus/hsg/travels" demo crates/web/tests/data/xss.txt >/dev/null 2>"$data/import.log" \
  || { cat "$data/import.log"; exit 1; }

# Curators: an administrator and an editor (passwords from standard input, as an operator would
# give them). The log of the whole session is read afterwards for the passwords and the token.
admin_password="admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
editor_password="editor-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$admin_password" | "$bin" --data "$data/store" user add ada --role admin 2>>"$data/import.log"
printf '%s\n' "$editor_password" | "$bin" --data "$data/store" user add eve --role editor 2>>"$data/import.log"

port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
CHANCERY_LOG=info "$bin" --data "$data/store" serve --addr "127.0.0.1:$port" --oai-page-size 50 >"$log" 2>&1 &
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

echo "-- the write API too, with an editor's token, on a server of its own (schemathesis writes and deletes)"
scratch="$data/scratch"
"$bin" --data "$scratch" import demo crates/ingest/test_data/tei/frus_2014_style.xml >/dev/null 2>>"$data/import.log"
printf '%s\n' "$editor_password" | "$bin" --data "$scratch" user add eve --role editor 2>>"$data/import.log"
token="$("$bin" --data "$scratch" user token add eve --role editor --label schemathesis 2>>"$data/import.log")"
scratch_port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
CHANCERY_LOG=info "$bin" --data "$scratch" serve --addr "127.0.0.1:$scratch_port" >"$data/scratch.log" 2>&1 &
scratch_server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$scratch_port/robots.txt" >/dev/null && break
  sleep 0.2
done
"$(dirname "$python")/schemathesis" run "http://127.0.0.1:$scratch_port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$scratch_port" --header "Authorization: Bearer $token" \
  --max-examples 50 --seed 1 --suppress-health-check=all \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  || exit 1
writes="$(grep -c 'uri=/api/v1/records' "$data/scratch.log" || true)"
kill "$scratch_server"; wait "$scratch_server" 2>/dev/null || true
echo "ok   the write API took $writes requests on /api/v1/records with the token"

echo "-- a correspondence network read by networkx (GEXF and GraphML)"
"$python" crates/web/tests/interop/network_graph.py "$base" yugoslavia
"$python" crates/web/tests/interop/network_graph.py "$base" tito

echo "-- browser test (Chromium, playwright-core, axe-core)"
CHANCERY_URL="$base" CURATOR_ADMIN="ada:$admin_password" CURATOR_EDITOR="eve:$editor_password" \
  node e2e/browser.mjs

echo "-- no password or token in the server's log of the whole session"
grep -q "signed in" "$log" || { echo "the log does not show the session's sign-ins: this check would prove nothing"; exit 1; }
grep -q "/api/v1/records" "$data/scratch.log" || { echo "the log does not show the write API's requests"; exit 1; }
for secret in "$admin_password" "$editor_password" "$token"; do
  if grep -qF "$secret" "$log" "$data/scratch.log" "$data/import.log"; then
    echo "a secret (${secret:0:6}…) appears in a log"; exit 1
  fi
done
echo "ok   $(cat "$log" "$data/scratch.log" | wc -l) log lines, none with a password or token"
