#!/usr/bin/env python3
"""How the archive's names resolve to persons, measured through a running server's API.

Usage: python3 bench/people-resolution.py BASE_URL DATA_DIR [SAMPLE]

Walks every record (`/api/v1/records`, cursor by cursor), asks `/api/v1/records/{id}/people`
for each, and prints: records whose every author and recipient resolved to a person, names by
confidence, the most frequent unresolved names, and a random sample of SAMPLE (default 20)
resolutions (seed 12) to check by hand. From the store in DATA_DIR (read only) it counts the
volumes' persons-list entries linked to a cross-volume person and the persons reached from two
volumes or more. Standard library only.
"""

import collections
import json
import random
import sqlite3
import sys
import urllib.parse
import urllib.request


def get(url):
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def main():
    base, data = sys.argv[1].rstrip("/"), sys.argv[2]
    sample_size = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    db = sqlite3.connect(f"file:{data}/chancery.sqlite3?mode=ro", uri=True)
    entries = db.execute("SELECT count(*) FROM authorities WHERE kind = 'person'").fetchone()[0]
    linked = db.execute(
        "SELECT count(*) FROM authorities a JOIN person_entries p ON lower(a.key) = p.entry_key "
        "WHERE a.kind = 'person'").fetchone()[0]
    persons = db.execute("SELECT count(*) FROM persons").fetchone()[0]
    joined = db.execute(
        "SELECT count(*) FROM (SELECT p.person_id FROM authorities a "
        "JOIN person_entries p ON lower(a.key) = p.entry_key "
        "GROUP BY p.person_id HAVING count(DISTINCT substr(a.key, 1, instr(a.key, '#'))) > 1)"
    ).fetchone()[0]

    records = 0
    with_names = 0
    all_resolved = 0
    all_placed = 0
    confidence = collections.Counter()
    rules = collections.Counter()
    unresolved = collections.Counter()
    resolutions = []
    after = None
    while True:
        query = {"limit": 1000}
        if after:
            query["after"] = after
        page = get(f"{base}/api/v1/records?{urllib.parse.urlencode(query)}")
        for line in page["records"]:
            records += 1
            people = get(f"{base}/api/v1/records/{urllib.parse.quote(line['id'])}/people")
            names = [n for n in people["names"] if n["role"] in ("author", "recipient")]
            if not names:
                continue
            with_names += 1
            if all(n["person"] for n in names):
                all_resolved += 1
            if all(n["person"] or n.get("country") or n.get("organization") for n in names):
                all_placed += 1
            for n in people["names"]:
                confidence[n["confidence"]] += 1
                rule = n["rule"].split(":")[0].split("`")[0].strip()
                if n.get("country") and not n.get("organization") and not n["person"]:
                    rule = "the U.S. mission in a country"
                rules[rule] += 1
                if not (n["person"] or n.get("country") or n.get("organization")):
                    unresolved[n["name"]] += 1
                resolutions.append((line["id"], n))
        after = page["next"]
        if not after:
            break

    print(f"persons-list entries linked to a cross-volume person: {linked} of {entries} "
          f"({100 * linked / max(entries, 1):.1f}%)")
    print(f"persons: {persons}; reached from two volumes or more: {joined}")
    print(f"records: {records}; with authors or recipients: {with_names}; "
          f"every author and recipient resolved: {all_resolved} "
          f"({100 * all_resolved / max(with_names, 1):.1f}%); "
          f"to a person, a U.S. mission or an organization: {all_placed} "
          f"({100 * all_placed / max(with_names, 1):.1f}%)")
    print("names by confidence: " + ", ".join(f"{k} {v}" for k, v in confidence.most_common()))
    print("names by rule:")
    for rule, count in rules.most_common():
        print(f"  {count:5}  {rule}")
    print("most frequent names resolved to no person, mission or organization:")
    for name, count in unresolved.most_common(15):
        print(f"  {count:5}  {name}")
    resolved = [r for r in resolutions if r[1]["person"]]
    random.Random(12).shuffle(resolved)
    print(f"sample of {sample_size} resolutions (seed 12):")
    for record, n in resolved[:sample_size]:
        print(f"  {record}  {n['role']:<11} {n['name']!r} -> {n['person']} ({n['confidence']})")


if __name__ == "__main__":
    main()
