#!/usr/bin/env python3
"""What a historian can trust in an export: dates, translations, parts and archive names.

Reads one or more Chancery JSON-lines exports (`chancery export --format jsonl`) and prints, for
each, a Markdown table of: records without a usable EDTF date (none, or wider than 366 days),
dates by how they were supplied, texts recognised as translations by original language, records
per volume by kind, and distinct archive names. Give `label=path` pairs to compare runs side by
side, e.g. `bench/record-trust.py before=/tmp/before.jsonl after=/tmp/after.jsonl`.
"""
import collections
import datetime
import json
import re
import sys

MAX_DATED_SPAN_DAYS = 366


def bounds(date):
    """The first and last day of a record's date, from the export's `min` and `max`."""
    if not date.get("edtf") or not date.get("min") or not date.get("max"):
        return None
    return (datetime.date.fromisoformat(date["min"]), datetime.date.fromisoformat(date["max"]))


def summarize(path):
    stats = {
        "records": 0,
        "undated": 0,
        "undated_documents": 0,
        "supplied": collections.Counter(),
        "translations": collections.Counter(),
        "kinds": collections.Counter(),
        "volumes": collections.defaultdict(collections.Counter),
        "archives": set(),
        "yearless": 0,
        "dulles": collections.Counter(),
    }
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            stats["records"] += 1
            kind = record.get("kind", "document")
            stats["kinds"][kind] += 1
            volume = record["id"].split("/")[0] if "/" in record["id"] else "(other)"
            volume = volume.lower()
            stats["volumes"][volume][kind] += 1
            span = bounds(record["date"])
            dated = span is not None and (span[1] - span[0]).days < MAX_DATED_SPAN_DAYS
            if not dated:
                stats["undated"] += 1
                if kind == "document":
                    stats["undated_documents"] += 1
            printed = record["date"]["printed"]
            if printed != "Undated" and not re.search(r"\d{4}", printed):
                stats["yearless"] += 1
            for name in record.get("authors", []) + record.get("recipients", []) + record.get("participants", []):
                if "Dulles" in name:
                    stats["dulles"][name] += 1
            supplied = record["date"].get("supplied")
            if supplied:
                stats["supplied"][supplied] += 1
            for text in record.get("texts", []):
                if text.get("kind") == "translation":
                    languages = [l["name"] for l in record.get("original_languages", []) if l.get("name") != "English"]
                    stats["translations"][", ".join(languages) or "(language not named)"] += 1
            archive = (record.get("citation") or {}).get("archive")
            if archive:
                stats["archives"].add(archive)
    return stats


def main(arguments):
    runs = []
    for argument in arguments:
        label, _, path = argument.partition("=")
        runs.append((label, summarize(path or label)))
    labels = [label for label, _ in runs]
    print("| measure | " + " | ".join(labels) + " |")
    print("| --- | " + " | ".join("---:" for _ in labels) + " |")

    def row(name, values):
        print(f"| {name} | " + " | ".join(str(v) for v in values) + " |")

    row("records", [s["records"] for _, s in runs])
    row("records without a usable EDTF date", [f"{s['undated']} ({100 * s['undated'] / max(s['records'], 1):.1f}%)" for _, s in runs])
    row("… of them documents", [s["undated_documents"] for _, s in runs])
    row("printed dates without a year", [s["yearless"] for _, s in runs])
    ways = sorted({w for _, s in runs for w in s["supplied"]})
    for way in ways:
        row(f"dates supplied: {way}", [s["supplied"][way] for _, s in runs])
    languages = sorted({l for _, s in runs for l in s["translations"]})
    for language in languages:
        row(f"translations from {language}", [s["translations"][language] for _, s in runs])
    kinds = sorted({k for _, s in runs for k in s["kinds"]})
    for kind in kinds:
        row(f"records of kind {kind}", [s["kinds"][kind] for _, s in runs])
    row("distinct archive names", [len(s["archives"]) for _, s in runs])
    row("“Dulles” as author, recipient or participant", ["; ".join(f"{n} {c}" for n, c in s["dulles"].most_common(4)) for _, s in runs])
    print()
    volumes = sorted({v for _, s in runs for v in s["volumes"]})
    print("| volume | " + " | ".join(f"{label}: documents / calendar entries / front matter" for label in labels) + " |")
    print("| --- | " + " | ".join("---:" for _ in labels) + " |")
    for volume in volumes:
        cells = []
        for _, s in runs:
            counts = s["volumes"][volume]
            cells.append(f"{counts['document']} / {counts['calendar-entry']} / {counts['front-matter']}")
        row(volume, cells)


if __name__ == "__main__":
    main(sys.argv[1:])
