#!/usr/bin/env python3
"""Two Chancery servers side by side on the same queries: uncached search pages, API searches
and document pages, alternating which server goes first, so that a noisy machine weighs on both
alike. Start both with `--page-cache-mib 0`.

usage: python3 bench/ab-pages.py BEFORE_URL AFTER_URL DATA_DIR [N_QUERIES]

The queries are the first N (default 300) of ../shared/bench/peers/queries/frus-q.jsonl, each
asked twice of each server; the document pages are 100 records of frus1955-57v26 (DATA_DIR is
either server's data folder, to list them). Prints medians, p90 and the after/before ratio.
"""
import json
import pathlib
import sqlite3
import statistics
import sys
import time
import urllib.parse
import urllib.request


def timed(url):
    start = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def main():
    before, after, data = sys.argv[1], sys.argv[2], sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    queries_file = pathlib.Path(__file__).resolve().parents[2] / "shared/bench/peers/queries/frus-q.jsonl"
    queries = [json.loads(line)["text"] for line in open(queries_file)][:n]
    db = sqlite3.connect(f"file:{data}/chancery.sqlite3?mode=ro", uri=True)
    records = [r[0] for r in db.execute(
        "SELECT id FROM records WHERE id LIKE 'frus1955-57v26/%' ORDER BY id LIMIT 100")]
    runs = {
        "search page": [f"/search?q={urllib.parse.quote(q)}" for q in queries] * 2,
        "API search": [f"/api/v1/search?q={urllib.parse.quote(q)}" for q in queries] * 2,
        "document page": [f"/records/{r}" for r in records] * 2,
    }
    for label, paths in runs.items():
        times = {before: [], after: []}
        for i, path in enumerate(paths):
            for base in ((before, after) if i % 2 == 0 else (after, before)):
                times[base].append(timed(base + path))
        b, a = sorted(times[before]), sorted(times[after])
        print(f"{label:14} before median {statistics.median(b):6.2f} ms p90 {b[int(.9 * len(b))]:6.2f}"
              f" | after median {statistics.median(a):6.2f} ms p90 {a[int(.9 * len(a))]:6.2f}"
              f" | after/before {statistics.median(a) / statistics.median(b):.2f} (n={len(a)})")


if __name__ == "__main__":
    main()
