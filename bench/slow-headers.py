#!/usr/bin/env python3
"""Slow-header flood against a running Chancery server, with a probe that keeps asking.

Usage: python3 bench/slow-headers.py PORT SERVER_PID [CONNECTIONS] [SECONDS]

Opens CONNECTIONS (default 5,000) connections that each send a request line and then one header
line every 3 seconds, never finishing the headers (a slowloris), and keeps them for SECONDS
(default 60). Meanwhile a probe asks for /robots.txt every 100 ms on its own connection and
records whether and how fast it is answered. Prints the server's resident memory (VmRSS, and the
anonymous part RssAnon) before, at the peak and after the flood has ended and the server has
been idle for 10 s, how many flood connections the server closed itself, and the probe's
answers. Needs only the Python standard library.
"""

import asyncio
import sys
import time


def rss(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "VmHWM"):
                fields[key] = int(value.split()[0]) // 1024
    return fields


async def slow_client(port, stats, stop):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        stats["refused"] += 1
        return
    stats["opened"] += 1
    try:
        writer.write(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n")
        await writer.drain()
        n = 0
        while not stop.is_set():
            # Anything the server sends (a 408, a 503) or a close ends this client.
            try:
                data = await asyncio.wait_for(reader.read(1024), timeout=3)
            except asyncio.TimeoutError:
                data = None
            if data is not None:
                if data.startswith(b"HTTP/1.1 503"):
                    stats["shed"] += 1
                else:
                    stats["closed_by_server"] += 1
                return
            n += 1
            writer.write(f"X-Slow-{n}: {n}\r\n".encode())
            await writer.drain()
    except (ConnectionError, OSError):
        stats["closed_by_server"] += 1
    finally:
        writer.close()


async def probe(port, results, stop):
    while not stop.is_set():
        started = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), timeout=2
            )
            writer.write(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), timeout=2)
            writer.close()
            ok = data.startswith(b"HTTP/1.1 200")
            results.append((ok, time.monotonic() - started, data[:12]))
        except (asyncio.TimeoutError, OSError) as error:
            results.append((False, time.monotonic() - started, repr(error)[:40]))
        await asyncio.sleep(0.1)


async def main():
    port = int(sys.argv[1])
    pid = int(sys.argv[2])
    n_connections = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 60
    before = rss(pid)
    print(f"server before: RSS {before['VmRSS']} MiB (anonymous {before['RssAnon']} MiB)")
    stats = {"opened": 0, "refused": 0, "closed_by_server": 0, "shed": 0}
    stop = asyncio.Event()
    probes = []
    probe_task = asyncio.create_task(probe(port, probes, stop))
    clients = []
    started = time.monotonic()
    for _ in range(n_connections):
        clients.append(asyncio.create_task(slow_client(port, stats, stop)))
        await asyncio.sleep(0.0005)
    peak = rss(pid)
    while time.monotonic() - started < seconds:
        await asyncio.sleep(1)
        now = rss(pid)
        if now["VmRSS"] > peak["VmRSS"]:
            peak = now
    still_open = sum(1 for c in clients if not c.done())
    stop.set()
    await asyncio.gather(*clients, return_exceptions=True)
    await probe_task
    flood_probes = list(probes)
    await asyncio.sleep(10)
    after = rss(pid)
    ok = sum(1 for p in flood_probes if p[0])
    slowest = max((p[1] for p in flood_probes if p[0]), default=0)
    print(
        f"flood: {n_connections} connections asked, {stats['opened']} opened, "
        f"{stats['refused']} refused at connect, {stats['shed']} answered 503, "
        f"{stats['closed_by_server']} closed by the server, {still_open} still held after {seconds:.0f} s"
    )
    print(f"server peak during the flood: RSS {peak['VmRSS']} MiB (anonymous {peak['RssAnon']} MiB)")
    print(
        f"server 10 s after the flood: RSS {after['VmRSS']} MiB (anonymous {after['RssAnon']} MiB); "
        f"{100 * (after['VmRSS'] - before['VmRSS']) / max(before['VmRSS'], 1):+.0f}% against before"
    )
    print(
        f"probe during the flood: {ok} of {len(flood_probes)} answered 200, slowest {1000 * slowest:.0f} ms"
    )
    failures = [p for p in flood_probes if not p[0]]
    if failures:
        print(f"first probe failures: {failures[:3]}")


asyncio.run(main())
