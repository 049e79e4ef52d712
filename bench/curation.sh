#!/usr/bin/env bash
# What curation costs, on the release build over the FRUS corpus and the seed: a sign-in (one
# Argon2id hash), a public page beside it, and a write through the API (a PUT that publishes),
# with how long the public page takes to show it (the server follows the store once a second).
#
#   bash bench/curation.sh [ROUNDS]       (default 30)
#
# Needs: cargo, curl, python3. Prints medians and 95th percentiles in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
rounds="${1:-30}"
shared="${CHANCERY_SHARED:-$PWD/../shared}"
cargo build --release -q
bin="$PWD/target/release/chancery"
work_folder
"$bin" --data "$work/data" import "$shared/corpus/frus" demo >/dev/null 2>&1
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$password" | "$bin" --data "$work/data" user add eve --role editor 2>/dev/null
token="$("$bin" --data "$work/data" user token add eve --role editor --label bench 2>/dev/null)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
CHANCERY_LOG=warn "$bin" --data "$work/data" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/robots.txt" >/dev/null && break; sleep 0.2; done
python3 - "http://127.0.0.1:$port" "$password" "$token" "$rounds" <<'PY'
import http.cookiejar, json, re, statistics, sys, time, urllib.parse, urllib.request

base, password, token, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def ms(samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"median {statistics.median(samples) * 1000:7.1f} ms, p95 {p95 * 1000:7.1f} ms ({len(samples)} runs)"

def sign_in():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/curate/sign-in").read().decode()
    form_token = re.search(r'name="form_token" value="([0-9a-f]+)"', form).group(1)
    body = urllib.parse.urlencode({"form_token": form_token, "name": "eve", "password": password}).encode()
    started = time.perf_counter()
    opener.open(urllib.request.Request(f"{base}/curate/sign-in", data=body)).read()
    return time.perf_counter() - started

def page(path):
    started = time.perf_counter()
    urllib.request.urlopen(f"{base}{path}").read()
    return time.perf_counter() - started

record = json.loads(urllib.request.urlopen(f"{base}/api/v1/records/wcda-112970").read())
revision = 1

def put(n):
    global revision
    record["summary"] = f"Benchmark revision {n}."
    request = urllib.request.Request(
        f"{base}/api/v1/records/wcda-112970?comment=bench", data=json.dumps(record).encode(), method="PUT",
        headers={"Authorization": f"Bearer {token}", "If-Match": f'"{revision}"', "Content-Type": "application/json"})
    started = time.perf_counter()
    answer = json.loads(urllib.request.urlopen(request).read())
    took = time.perf_counter() - started
    revision = answer["revision"]
    shown = time.perf_counter()
    while f"Benchmark revision {n}." not in urllib.request.urlopen(f"{base}/records/wcda-112970").read().decode():
        time.sleep(0.02)
    return took, time.perf_counter() - shown

page("/records/wcda-112970")
print("sign-in (one Argon2id hash, a session written):", ms([sign_in() for _ in range(rounds)]))
print("the letter's page, cached:                      ", ms([page("/records/wcda-112970") for _ in range(rounds)]))
writes = [put(n) for n in range(rounds)]
print("PUT /api/v1/records/{id}, published:            ", ms([w[0] for w in writes]))
print("from the PUT's answer to the public page showing it:", ms([w[1] for w in writes]))
PY
