#!/usr/bin/env python3
"""The store on PostgreSQL beside the embedded store, and three serving nodes beside one.

    cargo build --release -p chancery-cli && python3 bench/postgres.py [SECONDS]

On the shared FRUS corpus (plus the demo letter), in one run on this machine:

1. import end to end (parse, store, index) into a data folder and into PostgreSQL: seconds,
   records/s, peak RSS of the importer;
2. the read path uncached (`--page-cache-mib 0`) on each backend under wrk (64 connections):
   document pages in random order and search API queries, with the CPU each request cost the
   server and, on PostgreSQL, the database;
3. three nodes on one PostgreSQL behind nginx (round-robin) beside one node behind the same nginx:
   requests/s, whether the nodes answer alike, and the CPU per request from which capacity on
   more cores is estimated;
4. the follow lag: a record imported with the command line, and the time until each node's search
   finds it (10 times).

Needs wrk, nginx and PostgreSQL (e2e/pg-cluster.sh); starts and stops all of them itself.
"""

import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("CHANCERY_BIN", os.path.join(ROOT, "target/release/chancery"))
SHARED = os.environ.get("CHANCERY_SHARED", os.path.join(ROOT, "..", "shared"))
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pids, reaped=False):
    """User plus system CPU seconds used so far by these processes; with `reaped`, the first
    one's children that have exited too (PostgreSQL's postmaster reaps the backends of closed
    connections, whose CPU would otherwise drop out of the sum)."""
    total = 0
    for n, pid in enumerate(pids):
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            if reaped and n == 0:
                total += int(fields[13]) + int(fields[14])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / TICKS


def postgres_pids(cluster):
    master = int(open(os.path.join(cluster, "postmaster.pid")).readline())
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                              text=True).stdout.split()
    return [master] + [int(c) for c in children]


def wrk(url, seconds, paths=None, lua=None):
    command = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency"]
    if paths:
        command += ["-s", lua, url, "--", paths]
    else:
        command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "requests": total, "p50": p50, "p99": p99,
            "errors": int(errors.group(1)) if errors else 0}


def timed(command, env=None):
    """Runs a command under /usr/bin/time: (seconds, peak RSS MiB)."""
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command], capture_output=True,
                          text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    seconds, kib = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib) / 1024


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def wait_up(url):
    for _ in range(600):
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{url} did not start")


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    work = tempfile.mkdtemp(prefix="chancery-pg-bench-")
    os.chmod(work, 0o755)
    cluster = os.path.join(work, "pg")
    processes = []
    try:
        run(seconds, work, cluster, processes)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(["bash", os.path.join(ROOT, "e2e/pg-cluster.sh"), "stop", cluster],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def serve(processes, data, port, database=None, cache="0", base_url=None):
    args = [BIN, "--data", data]
    if database:
        args += ["--database", database]
    args += ["serve", "--addr", f"127.0.0.1:{port}", "--page-cache-mib", cache]
    if base_url:
        args += ["--base-url", base_url]
    log = open(data + ".log", "ab")
    process = subprocess.Popen(args, stdout=log, stderr=log)
    processes.append(process)
    wait_up(f"http://127.0.0.1:{port}/api/v1/health")
    return process


def stop(processes, process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    processes.remove(process)


def run(seconds, work, cluster, processes):
    pg_port = free_port()
    url = subprocess.run(["bash", os.path.join(ROOT, "e2e/pg-cluster.sh"), "start", cluster,
                          str(pg_port)], capture_output=True, text=True, check=True).stdout.strip()
    corpus = os.path.join(SHARED, "corpus/frus")
    demo = os.path.join(ROOT, "demo")
    cores = os.cpu_count()
    print(f"# Chancery on PostgreSQL beside the embedded store ({cores} cores; wrk, the servers, "
          f"nginx and PostgreSQL share them; {seconds} s per load)\n")

    # 1. Import.
    print("## import of the FRUS corpus and the demo letter, end to end (parse, store, index)\n")
    print("| store | seconds | records/s | importer peak RSS |")
    print("|---|---|---|---|")
    sqlite_data = os.path.join(work, "sqlite")
    pg_data = os.path.join(work, "pg-node")
    results = {}
    for label, data, database in [("SQLite (data folder)", sqlite_data, None),
                                  ("PostgreSQL 15 (same machine)", pg_data, url)]:
        command = [BIN, "--data", data] + (["--database", database] if database else [])
        elapsed, rss = timed(command + ["import", corpus, demo])
        count = int(subprocess.run(command + ["list", "--json"], capture_output=True, text=True,
                                   check=True).stdout.count("\n"))
        results[label] = count / elapsed
        print(f"| {label} | {elapsed:.1f} | {count / elapsed:.0f} | {rss:.0f} MiB |")
    ids = [json.loads(line)["id"] for line in subprocess.run(
        [BIN, "--data", sqlite_data, "list", "--json"], capture_output=True, text=True,
        check=True).stdout.splitlines()]
    print(f"\nPostgreSQL/SQLite import rate: "
          f"{results['PostgreSQL 15 (same machine)'] / results['SQLite (data folder)']:.2f}\n")

    documents = os.path.join(work, "documents.txt")
    with open(documents, "w") as out:
        out.writelines(f"/records/{urllib.parse.quote(i)}\n" for i in ids)
    searches = os.path.join(work, "searches.txt")
    with open(searches, "w") as out:
        for line in open(os.path.join(SHARED, "bench/peers/queries/frus-q.jsonl")):
            out.write("/api/v1/search?q=" + urllib.parse.quote_plus(json.loads(line)["text"]) + "\n")
    lua = os.path.join(work, "paths.lua")
    lua_text = subprocess.run(["bash", "-c", f". {ROOT}/bench/common.sh; paths_lua"],
                              capture_output=True, text=True, check=True).stdout
    open(lua, "w").write(lua_text)

    # 2. Reads, uncached, on each backend.
    print("## reads rendered every time (`--page-cache-mib 0`), one server, 64 connections\n")
    print("| store | load | requests/s | p50 | p99 | non-2xx | server CPU ms/request "
          "| PostgreSQL CPU ms/request |")
    print("|---|---|---|---|---|---|---|---|")
    for label, data, database in [("SQLite", sqlite_data, None), ("PostgreSQL", pg_data, url)]:
        port = free_port()
        server = serve(processes, data, port, database)
        base = f"http://127.0.0.1:{port}"
        for load, paths in [("document pages", documents), ("search API", searches)]:
            before = cpu_seconds([server.pid]), cpu_seconds(postgres_pids(cluster), reaped=True)
            result = wrk(base, seconds, paths, lua)
            after = cpu_seconds([server.pid]), cpu_seconds(postgres_pids(cluster), reaped=True)
            server_ms = (after[0] - before[0]) * 1000 / result["requests"]
            pg_ms = (after[1] - before[1]) * 1000 / result["requests"]
            pg_cell = f"{pg_ms:.3f}" if database else "–"
            print(f"| {label} | {load} | {result['rate']:.0f} | {result['p50']} | {result['p99']} "
                  f"| {result['errors']} | {server_ms:.3f} | {pg_cell} |")
        stop(processes, server)

    # 3. Three nodes behind nginx, beside one: all with nginx's address as their base URL.
    nginx_port = free_port()
    nodes = {}
    for name in ["a", "b", "c"]:
        data = os.path.join(work, f"node-{name}")
        shutil.copytree(os.path.join(pg_data, "index"), os.path.join(data, "index"))
        port = free_port()
        nodes[name] = (serve(processes, data, port, url, base_url=f"http://127.0.0.1:{nginx_port}"),
                       port)
    sample = random.Random(7).sample(ids, 50)
    alike = all(len({get(f"http://127.0.0.1:{p}/records/{urllib.parse.quote(i)}")
                     for _, p in nodes.values()}) == 1 for i in sample)
    prefix = os.path.join(work, "nginx")
    os.makedirs(prefix)
    os.chmod(prefix, 0o777)

    def nginx(names):
        servers = "\n".join(f"server 127.0.0.1:{nodes[n][1]};" for n in names)
        user = "user root;\n" if os.geteuid() == 0 else ""
        open(os.path.join(prefix, "nginx.conf"), "w").write(f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/f; uwsgi_temp_path {prefix}/u; scgi_temp_path {prefix}/s;
  upstream chancery {{ {servers} keepalive 64; }}
  server {{
    listen 127.0.0.1:{nginx_port};
    location / {{ proxy_pass http://chancery; proxy_http_version 1.1;
                  proxy_set_header Connection ""; }}
  }}
}}
""")
        process = subprocess.Popen(["nginx", "-p", prefix, "-c", os.path.join(prefix, "nginx.conf")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(process)
        wait_up(f"http://127.0.0.1:{nginx_port}/api/v1/health")
        return process

    print(f"\n## one node and three nodes on one PostgreSQL behind nginx (round-robin), uncached\n")
    print(f"The three nodes gave byte-identical pages for 50 documents sampled at random: "
          f"{'yes' if alike else 'NO'}.\n")
    print("| nodes | load | requests/s | p50 | p99 | non-2xx | nodes' CPU ms/request "
          "| PostgreSQL CPU ms/request |")
    print("|---|---|---|---|---|---|---|---|")
    for names in [["a"], ["a", "b", "c"]]:
        proxy = nginx(names)
        pids = [nodes[n][0].pid for n in names]
        for load, paths in [("document pages", documents), ("search API", searches)]:
            before = cpu_seconds(pids), cpu_seconds(postgres_pids(cluster), reaped=True)
            result = wrk(f"http://127.0.0.1:{nginx_port}", seconds, paths, lua)
            after = cpu_seconds(pids), cpu_seconds(postgres_pids(cluster), reaped=True)
            node_ms = (after[0] - before[0]) * 1000 / result["requests"]
            pg_ms = (after[1] - before[1]) * 1000 / result["requests"]
            print(f"| {len(names)} | {load} | {result['rate']:.0f} | {result['p50']} "
                  f"| {result['p99']} | {result['errors']} | {node_ms:.3f} | {pg_ms:.3f} |")
        stop(processes, proxy)

    # 4. Follow lag.
    lags = {name: [] for name in nodes}
    for n in range(10):
        word = f"lagword{n}x"
        path = os.path.join(work, f"lag-{n}.txt")
        open(path, "w").write(f"**1955**\n\n**Lag test {n}**\n\n**Identifier:**\n\nlag-test-{n}\n\n"
                              f"**Summary:**\n\n{word}\n")
        subprocess.run([BIN, "--data", os.path.join(work, "cli"), "--database", url, "import",
                        path], capture_output=True, check=True)
        done = time.monotonic()
        for name, (_, port) in nodes.items():
            while True:
                body = get(f"http://127.0.0.1:{port}/api/v1/search?q={word}")
                if b"lag-test-" in body:
                    lags[name].append(time.monotonic() - done)
                    break
                if time.monotonic() - done > 20:
                    sys.exit(f"node {name} did not follow within 20 s")
                time.sleep(0.01)
    every = [lag for values in lags.values() for lag in values]
    print(f"\n## follow lag: a record imported on the command line, found by each node's search\n")
    print(f"10 imports × 3 nodes: median {statistics.median(every):.2f} s, "
          f"max {max(every):.2f} s (nodes poll the feed every second; the import command itself "
          "returns after indexing its own data folder).")
    for name, (process, _) in nodes.items():
        rss = [line for line in open(f"/proc/{process.pid}/status") if line.startswith("RssAnon")]
        print(f"node {name}: {rss[0].split(':')[1].strip()} anonymous resident memory")


if __name__ == "__main__":
    main()
