#!/usr/bin/env python3
"""Known items as people look for them, and what a ranker can do on the peers' known queries.

  python3 bench/known-items.py make [--per-kind 100]      # writes bench/known-items.jsonl
  python3 bench/known-items.py eval http://127.0.0.1:8080  # MRR@10 per kind through /api/v1/search
  python3 bench/known-items.py cap                          # the MRR@10 cap of the peers' file

`make` reads the FRUS TEI volumes in ../shared/corpus/frus (not Chancery's import of them) and
writes three kinds of query, each with the document it must find:
  title      the title with its dateline place and printed date
             ("Memorandum for the Record, Washington, May 5, 1954")
  citation   the document cited in the forms the edition and its readers use
             ("FRUS, 1955–1957, vol. XXVI, Document 249", "Foreign Relations of the United
             States, 1955–57, Volume XXVI, Document 249", "FRUS 1955–1957, vol. XXVI, doc. 249")
  telegram   a telegram by its number, direction, post and date
             ("Telegram 590 to Belgrade, January 17, 1957", "Telegram 1006 from Belgrade, June 3,
             1955"); the post of an outgoing telegram is the place most of that embassy's own
             telegrams in the volume are dated from
The sample is seeded, so the file is the same on every run.

`eval` runs every query through the ordinary search API (top 10, relevance) and prints MRR@10
and p50 latency per kind.

`cap` reads the peers' query file (../shared/bench/peers/queries/frus-q.jsonl) and corpus: a
known query there is a title's content words, and every document whose title has exactly those
content words is indistinguishable to a ranker that sees only them. Ranked at random among those
k documents (and above all others), the target's expected reciprocal rank is
(1/k)·Σ_{i=1..min(k,10)} 1/i; the cap is the mean over the queries.
"""
import glob
import json
import os
import random
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
OUT = os.path.join(HERE, "known-items.jsonl")
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
MONTHS = ("January February March April May June July August September October November "
          "December").split()
PRINTED_DATE = re.compile(r"\b(%s) (\d{1,2}), (\d{4})\b" % "|".join(MONTHS))


def text_of(element, skip_notes=True):
    """The text of an element, footnotes left out, whitespace collapsed."""
    parts = []

    def walk(e):
        if skip_notes and e.tag == TEI + "note":
            if e.tail:
                parts.append(e.tail)
            return
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
        if e.tail and e is not element:
            parts.append(e.tail)

    walk(element)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def volume_facts(root):
    titles = {}
    for t in root.iter(TEI + "title"):
        kind = t.get("type")
        if kind and kind not in titles:
            titles[kind] = text_of(t)
    years = None
    for key in ("subseries", "series", "complete"):
        m = re.search(r"(\d{4})(?:\s*[–-]\s*(\d{4}))?", titles.get(key, ""))
        if m:
            years = m.group(1) + ("–" + m.group(2) if m.group(2) else "")
            break
    number = titles.get("volumenumber") or (
        titles.get("subseries") if titles.get("subseries", "").startswith("Volume") else None)
    vol, part = None, None
    if number and number.startswith("Volume "):
        m = re.match(r"Volume ([^,]+)(?:, Part (\d+))?", number)
        vol, part = m.group(1), m.group(2)
    return {"years": years, "vol": vol, "part": part, "title": titles.get("volume", "")}


def short_years(years):
    m = re.match(r"(\d{4})–(\d{4})$", years or "")
    return "%s–%s" % (m.group(1), m.group(2)[2:]) if m else years


def citations(facts, n, variant):
    years = facts["years"]
    if not years:
        return None
    if facts["vol"]:
        vol = "vol. %s" % facts["vol"] + (", pt. %s" % facts["part"] if facts["part"] else "")
        volume = "Volume %s" % facts["vol"] + (", Part %s" % facts["part"] if facts["part"] else "")
    else:
        vol = volume = facts["title"]
    if variant == 0:
        return "FRUS, %s, %s, Document %s" % (years, vol, n)
    if variant == 1:
        return "Foreign Relations of the United States, %s, %s, Document %s" % (
            short_years(years), volume, n)
    return "FRUS %s, %s, doc. %s" % (years, vol, n)


def documents(path):
    root = ET.parse(path).getroot()
    facts = volume_facts(root)
    stem = os.path.splitext(os.path.basename(path))[0]
    for div in root.iter(TEI + "div"):
        if div.get("type") != "document" or not (div.get("n") or "").isdigit():
            continue
        head = div.find(TEI + "head")
        if head is None:
            continue
        title = re.sub(r"^\d+\.\s*", "", text_of(head))
        dateline = div.find(".//" + TEI + "dateline")
        place = date = None
        if dateline is not None:
            p = dateline.find(".//" + TEI + "placeName")
            d = dateline.find(".//" + TEI + "date")
            place = text_of(p) if p is not None else None
            date = text_of(d) if d is not None else None
        first = None
        for p in div.iter(TEI + "p"):
            first = text_of(p)
            break
        yield {
            "id": "%s/%s" % (stem, div.get(XML_ID)),
            "n": div.get("n"),
            "title": title,
            "place": place,
            "date": date,
            "first": first or "",
            "facts": facts,
        }


def make(per_kind):
    rng = random.Random(13)
    docs = []
    for path in sorted(glob.glob(os.path.join(SHARED, "corpus", "frus", "*.xml"))):
        docs.extend(documents(path))
    # The post an embassy's telegrams are dated from, per volume.
    posts = {}
    for d in docs:
        m = re.search(r"Telegram From the (?:Embassy|Legation|Mission) in (.+?) to the Department", d["title"])
        if m and d["place"]:
            key = (d["id"].split("/")[0], m.group(1))
            posts.setdefault(key, {}).setdefault(d["place"], 0)
            posts[key][d["place"]] += 1
    made = {"title": [], "citation": [], "telegram": []}
    for d in rng.sample(docs, len(docs)):
        printed = PRINTED_DATE.search(d["date"] or "")
        if len(made["title"]) < per_kind and printed and d["place"] and len(d["title"]) > 8:
            if printed.group(0) in d["title"]:
                q = d["title"]  # the title prints its place and date already
            else:
                q = "%s, %s, %s" % (d["title"], d["place"], printed.group(0))
            made["title"].append((q, d["id"]))
    for d in rng.sample(docs, len(docs)):
        printed = PRINTED_DATE.search(d["date"] or "")
        if len(made["citation"]) < per_kind:
            q = citations(d["facts"], d["n"], len(made["citation"]) % 3)
            if q:
                made["citation"].append((q, d["id"]))
    for d in rng.sample(docs, len(docs)):
        printed = PRINTED_DATE.search(d["date"] or "")
        number = re.match(r"(\d{1,5})\. ", d["first"])
        if len(made["telegram"]) < per_kind and "Telegram" in d["title"] and number and printed:
            out = re.search(r"Telegram From the Department of State to the (?:Embassy|Legation|Mission) in (.+?)$", d["title"])
            inc = re.search(r"Telegram From the (?:Embassy|Legation|Mission) in (.+?) to the Department", d["title"])
            q = None
            if out:
                post = posts.get((d["id"].split("/")[0], out.group(1)))
                if post:
                    city = max(post.items(), key=lambda kv: kv[1])[0]
                    q = "Telegram %s to %s, %s" % (number.group(1), city, printed.group(0))
            elif inc and d["place"]:
                q = "Telegram %s from %s, %s" % (number.group(1), d["place"], printed.group(0))
            if q:
                made["telegram"].append((q, d["id"]))
    with open(OUT, "w", encoding="utf-8") as f:
        for kind, queries in made.items():
            for i, (q, target) in enumerate(queries):
                f.write(json.dumps({"qid": "%s-%04d" % (kind, i), "type": kind, "text": q,
                                    "target": target}, ensure_ascii=False) + "\n")
    print("wrote %s: %s" % (OUT, {k: len(v) for k, v in made.items()}))


def evaluate(base):
    queries = [json.loads(line) for line in open(OUT, encoding="utf-8")]
    by_kind = {}
    for q in queries:
        url = "%s/api/v1/search?limit=10&q=%s" % (base, urllib.parse.quote(q["text"]))
        started = time.perf_counter()
        with urllib.request.urlopen(url) as reply:
            found = json.load(reply)
        elapsed = (time.perf_counter() - started) * 1000
        ids = [h["id"] for h in found["hits"]]
        rr = 1.0 / (ids.index(q["target"]) + 1) if q["target"] in ids else 0.0
        kind = by_kind.setdefault(q["type"], {"rr": [], "ms": [], "missed": []})
        kind["rr"].append(rr)
        kind["ms"].append(elapsed)
        if rr < 1:
            kind["missed"].append((q["text"], q["target"], ids[:3]))
    all_rr = [r for k in by_kind.values() for r in k["rr"]]
    print("| kind | queries | MRR@10 | first | p50 ms |")
    print("|---|---|---|---|---|")
    for kind, k in by_kind.items():
        print("| %s | %d | %.3f | %d | %.1f |" % (kind, len(k["rr"]), statistics.mean(k["rr"]),
                                               sum(1 for r in k["rr"] if r == 1.0),
                                               statistics.median(k["ms"])))
    print("| all | %d | %.3f | %d | |" % (len(all_rr), statistics.mean(all_rr),
                                         sum(1 for r in all_rr if r == 1.0)))
    if "-v" in sys.argv:
        for kind, k in by_kind.items():
            for missed in k["missed"]:
                print(kind, missed, file=sys.stderr)


def cap():
    sys.path.insert(0, os.path.join(SHARED, "bench", "peers"))
    from common import STOPWORDS, read_corpus  # noqa: E402
    word = re.compile(r"[A-Za-z]+")

    def content(title):
        out = []
        for w in word.findall(title):
            w = w.lower()
            if len(w) >= 3 and w not in STOPWORDS and w not in out:
                out.append(w)
        return frozenset(out[:12])

    groups = {}
    for d in read_corpus(os.path.join(SHARED, "corpus", "frus-docs.jsonl")):
        groups.setdefault(content(d["title"]), []).append(d["id"])
    queries = [json.loads(line) for line in
               open(os.path.join(SHARED, "bench", "peers", "queries", "frus-q.jsonl"))]
    rrs = []
    for q in queries:
        if q["type"] != "known":
            continue
        k = len(groups.get(frozenset(q["text"].split()), [])) or 1
        rrs.append(sum(1.0 / i for i in range(1, min(k, 10) + 1)) / k)
    print("known queries: %d; MRR@10 cap: %.3f; queries with a unique title: %d" % (
        len(rrs), statistics.mean(rrs), sum(1 for r in rrs if r == 1.0)))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "make":
        per = int(sys.argv[sys.argv.index("--per-kind") + 1]) if "--per-kind" in sys.argv else 100
        make(per)
    elif command == "eval" and len(sys.argv) > 2:
        evaluate(sys.argv[2].rstrip("/"))
    elif command == "cap":
        cap()
    else:
        print(__doc__)
        sys.exit(2)
