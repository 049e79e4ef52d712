#!/usr/bin/env python3
"""A synthetic archive of a million records: import, index, serve, measure.

    cargo build --release -p chancery-cli && \
        python3 bench/scale.py [RECORDS] [--deadline MINUTES] [--embedded] [--keep DIR]
    CHANCERY_BIN=... python3 bench/scale.py RECORDS --measure DIR

Makes a FRUS-shaped synthetic archive (bench/synthetic.py, learnt from the shared corpus's own
export) in files of PER_FILE records, imports each into a fresh PostgreSQL cluster with one
node's data folder (`--no-preservation-copy`: the copy is another machine's), or with
`--embedded` into the embedded store (SQLite) of one data folder, deleting each file once
imported; then serves it uncached and measures document pages and search. Prints: the import
rate as it goes and in all, the importer's peak RSS, the index build, the database's and the
index's size on disk, the server's anonymous resident memory, and p50/p99 of the document page
and of the search API (at 1, 16 and 256 connections). Stops importing at the deadline (default:
none) and measures what it has, saying so. Deletes everything it made at the end, except with
`--keep DIR` (embedded store only): the data folder is made in DIR and kept, so that
`--measure DIR` can serve it again with another build (CHANCERY_BIN) and take only the loads,
builds alternated in one session. Keep one such folder at a time and delete it afterwards.
"""

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic import Model  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("CHANCERY_BIN", os.path.join(ROOT, "target/release/chancery"))
SHARED = os.environ.get("CHANCERY_SHARED", os.path.join(ROOT, "..", "shared"))
PER_FILE = 10_000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def du(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True,
                              check=True).stdout.split()[0])


def wrk(url, seconds, paths, lua, connections):
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua,
                          url, "--", paths], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(errors.group(1)) if errors else 0
    # Connections that failed or timed out (wrk's default timeout: 2 s) count as errors too.
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if failed:
        errors += sum(int(n) for n in failed.groups())
    return rate, p50, p99, errors


def watched(cmd):
    """Runs `cmd`, sampling its memory every 0.1 s: (the completed process, its peak resident
    memory as the kernel kept it (VmHWM, the index's mapped file pages included), and the most
    anonymous resident memory (RssAnon) seen in a sample: what the process itself holds)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, anon = 0, 0
    while True:
        try:
            out, err = proc.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            try:
                status = open(f"/proc/{proc.pid}/status").read()
            except OSError:
                continue
            for key, value in re.findall(r"(VmHWM|RssAnon):\s+(\d+) kB", status):
                if key == "VmHWM":
                    peak = max(peak, int(value) // 1024)
                else:
                    anon = max(anon, int(value) // 1024)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), peak, anon


def main():
    args = sys.argv[1:]
    deadline = None
    if "--deadline" in args:
        at = args.index("--deadline")
        deadline = time.monotonic() + float(args[at + 1]) * 60
        del args[at:at + 2]
    folders = {}
    for flag in ["--keep", "--measure"]:
        if flag in args:
            at = args.index(flag)
            if at + 1 >= len(args):
                sys.exit(f"{flag} needs a folder: {flag} DIR")
            folders[flag] = os.path.abspath(args[at + 1])
            del args[at:at + 2]
    keep, measure = folders.get("--keep"), folders.get("--measure")
    if keep and measure:
        sys.exit("give --keep DIR (import and keep) or --measure DIR (serve a kept one), not both")
    embedded = "--embedded" in args or keep is not None
    if "--embedded" in args:
        args.remove("--embedded")
    if keep and os.path.exists(keep):
        sys.exit(f"--keep {keep}: it exists already; give a folder that does not")
    if measure and not os.path.isfile(os.path.join(measure, "chancery.sqlite3")):
        sys.exit(f"--measure {measure}: no embedded store there (chancery.sqlite3); give a folder "
                 "that --keep made")
    records = int(args[0]) if args else 1_000_000
    work = tempfile.mkdtemp(prefix="chancery-scale-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    servers = []
    try:
        if measure:
            serve_and_measure(measure, [], records, work, servers)
        else:
            run(records, deadline, work, None if embedded else cluster, servers, keep)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        subprocess.run(["bash", os.path.join(ROOT, "e2e/pg-cluster.sh"), "stop", cluster],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def run(records, deadline, work, cluster, servers, keep):
    """Imports, indexes, serves and measures; on PostgreSQL in `cluster`, or when it is None on
    the embedded store (in `keep` when it is given)."""
    url = cluster and subprocess.run(["bash", os.path.join(ROOT, "e2e/pg-cluster.sh"), "start",
                                      cluster, str(free_port())], capture_output=True, text=True,
                                     check=True).stdout.strip()
    model_data = os.path.join(work, "model")
    subprocess.run([BIN, "--data", model_data, "--no-preservation-copy", "import",
                    os.path.join(SHARED, "corpus/frus")], capture_output=True, check=True)
    export = os.path.join(work, "frus.jsonl")
    with open(export, "w") as out:
        subprocess.run([BIN, "--data", model_data, "export", "--format", "jsonl"], stdout=out,
                       check=True)
    shutil.rmtree(model_data)
    model = Model.learn(export)
    where = "PostgreSQL" if url else "the embedded store (SQLite)"
    print(f"# {records:,} synthetic records on {where} ({os.cpu_count()} cores, "
          f"files of {PER_FILE:,} records; the model: {len(model.templates):,} FRUS documents)\n")
    node = keep or os.path.join(work, "node")
    database_args = ["--database", url] if url else []
    base = [BIN, "--data", node, *database_args, "--no-preservation-copy"]
    started, done, peak_rss, peak_anon, generating = time.monotonic(), 0, 0, 0, 0.0
    while done < records:
        if deadline and time.monotonic() > deadline:
            print(f"deadline reached: stopping at {done:,} records")
            break
        count = min(PER_FILE, records - done)
        path = os.path.join(work, f"part-{done // PER_FILE:04d}.jsonl")
        t = time.monotonic()
        model.write(path, done, count)
        generating += time.monotonic() - t
        result, peak, anon = watched([*base, "import", path])
        if result.returncode != 0:
            sys.exit(f"import failed at {done}: {result.stderr[-2000:]}")
        peak_rss, peak_anon = max(peak_rss, peak), max(peak_anon, anon)
        os.remove(path)
        done += count
        if done % (PER_FILE * 10) == 0 or done == records:
            importing = time.monotonic() - started - generating
            print(f"  {done:>9,} records: {done / importing:,.0f} records/s importing "
                  f"(generation apart), importer peak RSS so far {peak_rss} MiB "
                  f"({peak_anon} MiB anonymous)", flush=True)
    importing = time.monotonic() - started - generating
    if url:
        database = int(subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", url.split(":")[-1].split("/")[0], "-U", "postgres",
             "-qtAc", "SELECT pg_database_size('chancery')", "chancery"],
            capture_output=True, text=True, check=True).stdout.strip())
    else:
        database = sum(du(os.path.join(node, name)) for name in os.listdir(node)
                       if name.startswith("chancery.sqlite3"))
    print(f"\nimported {done:,} records in {importing:,.0f} s ({done / importing:,.0f} records/s, "
          f"store and index, generation not counted); importer peak RSS {peak_rss} MiB, "
          f"{peak_anon} MiB anonymous")
    print(f"disk: {'PostgreSQL database' if url else 'SQLite store'} {database / 2**30:.2f} GiB, "
          f"the index {du(os.path.join(node, 'index')) / 2**30:.2f} GiB")

    # A fresh node's index build, from the database alone.
    rebuilt = os.path.join(work, "rebuilt")
    if not url:
        # The embedded store's index is rebuilt in place, from a copy of the data folder's store.
        os.makedirs(rebuilt)
        for name in os.listdir(node):
            if name.startswith("chancery.sqlite3"):
                shutil.copy(os.path.join(node, name), rebuilt)
    t = time.monotonic()
    result, peak, anon = watched([BIN, "--data", rebuilt, *database_args, "--no-preservation-copy",
                                  "reindex"])
    if result.returncode != 0:
        sys.exit(f"reindex failed: {result.stderr[-2000:]}")
    print(f"the index built again from the store (`reindex`): {time.monotonic() - t:,.0f} s, peak RSS "
          f"{peak} MiB ({anon} MiB anonymous)")
    shutil.rmtree(rebuilt)
    serve_and_measure(node, database_args, done, work, servers)


def serve_and_measure(node, database_args, done, work, servers):
    """Serves the data folder `node` (of `done` records) uncached and takes the loads."""
    base = [BIN, "--data", node, *database_args, "--no-preservation-copy"]
    port = free_port()
    log = open(os.path.join(work, "server.log"), "ab")
    server = subprocess.Popen(base + ["serve", "--addr", f"127.0.0.1:{port}", "--page-cache-mib",
                                      "0", "--no-demo"], stdout=log, stderr=log)
    servers.append(server)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5).read()
            break
        except OSError:
            time.sleep(0.5)
    rng = random.Random(1)
    documents = os.path.join(work, "documents.txt")
    with open(documents, "w") as out:
        out.writelines(f"/records/syn-{rng.randrange(done)}\n" for _ in range(20_000))
    searches = os.path.join(work, "searches.txt")
    with open(searches, "w") as out:
        for line in open(os.path.join(SHARED, "bench/peers/queries/frus-q.jsonl")):
            out.write("/api/v1/search?q=" + urllib.parse.quote_plus(json.loads(line)["text"]) + "\n")
    lua = os.path.join(work, "paths.lua")
    with open(lua, "w") as out:
        out.write(subprocess.run(["bash", "-c", f". {ROOT}/bench/common.sh; paths_lua"],
                                 capture_output=True, text=True, check=True).stdout)
    print("\n| load (uncached) | connections | requests/s | p50 | p99 | errors |")
    print("|---|---|---|---|---|---|")
    for label, paths in [("document pages, random", documents), ("search API, the peer queries",
                                                                  searches)]:
        for connections in [1, 16, 256]:
            rate, p50, p99, errors = wrk(f"http://127.0.0.1:{port}", 15, paths, lua, connections)
            print(f"| {label} | {connections} | {rate:,.0f} | {p50} | {p99} | {errors} |")
    status = open(f"/proc/{server.pid}/status").read()
    anon = re.search(r"RssAnon:\s+(\d+) kB", status).group(1)
    hwm = re.search(r"VmHWM:\s+(\d+) kB", status).group(1)
    print(f"\nthe server: {int(anon) // 1024} MiB anonymous resident memory after the loads "
          f"(peak RSS, file-backed index pages included: {int(hwm) // 1024} MiB)")


if __name__ == "__main__":
    main()
