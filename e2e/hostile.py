#!/usr/bin/env python3
"""Hostile records against the real binary: imports at and past every input limit, then a crawl
of every page, API answer and OAI-PMH record of the store that holds what was accepted (and a
record written straight into the database, as an older Chancery without the limits could have
stored it). The server must answer every request without a 5xx and still be up at the end.

    python3 e2e/hostile.py target/debug/chancery

Standard library only. The limits are Chancery's named constants (crates/ingest/src/limits.rs).
"""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

MAX_XML_DEPTH = 100
MAX_FIELD_BYTES = 4 * 1024
VOLUME_DEPTH = 4  # TEI, text, body, div above a document's content

binary = os.path.abspath(sys.argv[1])
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
work = tempfile.mkdtemp(prefix="chancery-hostile-")
data = os.path.join(work, "data")
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        raise SystemExit(f"FAILED: {message}")


def chancery(*args, expect):
    started = time.monotonic()
    done = subprocess.run([binary, "--data", data, *args], capture_output=True, text=True, timeout=120)
    check(done.returncode == expect, f"chancery {' '.join(args)} exited {done.returncode}, not {expect}\n{done.stderr[-2000:]}")
    return done, time.monotonic() - started


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)
    return path


def volume(volume_id, documents):
    divs = "".join(
        f'<div type="document" xml:id="d{n}" n="{n}"><head>{n}. Telegram {n}</head>{body}</div>'
        for n, body in enumerate(documents, 1)
    )
    return (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="%s"><teiHeader><fileDesc><titleStmt>'
        '<title type="complete">Hostile volume</title></titleStmt></fileDesc></teiHeader>'
        "<text><body>%s</body></text></TEI>" % (volume_id, divs)
    )


def nested(name, n, word="deep"):
    return f"<{name}>" * n + word + f"</{name}>" * n


# -- Imports at the limits are accepted ------------------------------------------------------
at_limit = MAX_XML_DEPTH - VOLUME_DEPTH
accepted = volume(
    "hostile-at-limit",
    [
        nested("hi", at_limit),
        nested("note", at_limit),
        nested("quote", at_limit),
        "<list>" + nested("item", at_limit - 1) + "</list>",
        "<p>" + "&amp;&lt;script&gt;" * 500 + "</p>",
    ],
)
chancery("import", write("at-limit.xml", accepted), expect=0)
entity_ok = '<!DOCTYPE TEI [<!ENTITY mdash "—">]>' + volume(
    "hostile-entities-ok", ["<p>" + "a&mdash;b " * 2000 + "</p>"]
)
chancery("import", write("entities-ok.xml", entity_ok), expect=0)
deep_fragment = '<div type="document">' + nested("hi", MAX_XML_DEPTH - 2) + "</div>"
json_ok = {
    "id": "hostile-json-at-limit",
    "title": "T" * MAX_FIELD_BYTES,
    "tei": deep_fragment,
    "citation": {"text": "Somewhere.", "source_url": "javascript:alert(1)"},
}
chancery("import", write("json-ok.json", json.dumps(json_ok)), expect=0)

# -- Imports past the limits are refused, with the file, the line and the limit ----------------
past = [
    ("past-depth.xml", volume("hostile-past", [nested("hi", at_limit + 1)]), "MAX_XML_DEPTH"),
    ("notes-2500.xml", volume("hostile-notes", [nested("note", 2500)]), "MAX_XML_DEPTH"),
    ("hi-8000.xml", volume("hostile-hi", [nested("hi", 8000)]), "MAX_XML_DEPTH"),
    ("levels-20000.xml", volume("hostile-levels", [nested("hi", 20000)]), "MAX_XML_DEPTH"),
    (
        "amplified-20k.xml",
        '<!DOCTYPE TEI [<!ENTITY big "%s">]>\n' % ("x" * 20_000)
        + volume("hostile-amp", ["<p>" + "&big;" * 5000 + "</p>"]),
        "ENTITY_EXPANSION_FLOOR",
    ),
    (
        "amplified-100k.xml",
        '<!DOCTYPE TEI [<!ENTITY big "%s">]>\n' % ("x" * 100_000)
        + volume("hostile-amp2", ["<p>" + "&big;" * 10_000 + "</p>"]),
        "ENTITY_EXPANSION_FLOOR",
    ),
    (
        "laughs.xml",
        "<!DOCTYPE TEI [" + '<!ENTITY l0 "lol">'
        + "".join('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10))
        + "]>" + volume("hostile-laughs", ["<p>&l9;</p>"]),
        "entity",
    ),
    (
        "json-past.json",
        json.dumps({"title": "Deep", "tei": '<div>' + nested("hi", MAX_XML_DEPTH) + "</div>"}),
        "MAX_XML_DEPTH",
    ),
    ("json-long-field.json", json.dumps({"title": "T" * (MAX_FIELD_BYTES + 1)}), "MAX_FIELD_BYTES"),
]
for name, text, limit in past:
    done, seconds = chancery("import", write(name, text), expect=1)
    check(name in done.stderr and limit in done.stderr, f"{name}: the error names the file and {limit}\n{done.stderr[-600:]}")
    check(re.search(re.escape(name) + r":\d+:", done.stderr), f"{name}: the error names the line\n{done.stderr[-600:]}")
    check("nothing was imported" in done.stderr, f"{name}: nothing was imported")
    check(seconds < 20, f"{name}: refused in {seconds:.1f} s")

# Truncated copies of the seed never replace it unasked.
seed_path = os.path.join(repo, "demo", "000_5e4392f9da7ebfc5.txt")
chancery("import", seed_path, expect=0)
seed = open(seed_path, "rb").read()
for percent in (10, 50, 90, 99):
    path = os.path.join(work, f"seed-{percent}.txt")
    open(path, "wb").write(seed[: len(seed) * percent // 100])
    done, _ = chancery("import", path, expect=1)
    check("--replace" in done.stderr or "error" in done.stderr, f"truncated seed {percent}%: refused")

# -- A record stored as an older Chancery could have: TEI past every limit ---------------------
database = sqlite3.connect(os.path.join(data, "chancery.sqlite3"))
row = database.execute(
    "SELECT title, date_printed, revision, created_at FROM records WHERE id = 'wcda-112970'"
).fetchone()
# The stored body's shape (crates/store/src/stored.rs), as JSON (body_version 1: what a store kept
# before bodies were compressed, and still reads).
body = {
    "title": "A legacy record with 20,000 nested notes",
    "date_printed": row[1],
    "date_edtf": None,
    "doc_type": None,
    "authors": [],
    "recipients": [],
    "citation": None,
    "summary": "Stored by an older Chancery.",
    "credits": None,
    "original_languages": [],
    "texts": [
        {
            "kind": "translation",
            "language": ["eng", "English"],
            "label": "Translation - English",
            "body": "The plain text of a legacy record, shown when its TEI is past the limits.",
        }
    ],
    "subjects": [],
    "places": [],
    "collections": [],
    "extra_sections": [],
    "tei": '<div type="document">' + nested("note", 20_000) + "</div>",
}
for legacy_id in ("legacy-deep-tei",):
    database.execute(
        "INSERT INTO records (id, id_key, oai_id, title, date_printed, body, body_version, revision, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?, ?)",
        (legacy_id, legacy_id.lower(), legacy_id, body["title"], row[1], json.dumps(body).encode(), row[3], row[3]),
    )
    database.execute(
        "INSERT INTO changes (record_id, kind, revision, at) VALUES (?, 'created', 1, ?)", (legacy_id, row[3])
    )
database.commit()
database.close()

# -- The crawl ----------------------------------------------------------------------------------
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
base = f"http://127.0.0.1:{port}"
log = open(os.path.join(work, "server.log"), "w")
server = subprocess.Popen(
    [binary, "--data", data, "serve", "--addr", f"127.0.0.1:{port}", "--no-demo", "--oai-page-size", "3"],
    stdout=log,
    stderr=log,
    env={**os.environ, "CHANCERY_LOG": "warn"},
)
statuses = {}


def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            status, content = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read().decode("utf-8", "replace")
    statuses[status] = statuses.get(status, 0) + 1
    check(status < 500, f"{path} answered {status}")
    check(server.poll() is None, f"the server stopped after {path}")
    return status, content


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    time.sleep(1.5)  # the follower picks up the record written into the database
    _, sitemap = get("/sitemap.xml")
    pages = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    check(any(p.endswith("/records/legacy-deep-tei") for p in pages), "the legacy record is listed")
    ids = []
    for page in pages:
        path = urllib.parse.urlsplit(page).path
        status, html = get(path)
        check(status == 200, f"{path}: {status}")
        if path.startswith("/records/"):
            record_id = path[len("/records/"):]
            ids.append(record_id)
            check("<script>alert" not in html and "href=\"javascript:" not in html, f"{path}: no script")
    check("legacy-deep-tei" in ids and "hostile-json-at-limit" in ids, "every record was crawled")
    for record_id in ids:
        get(f"/api/v1/records/{record_id}")
        for style in ("chicago", "mla", "apa", "bibtex", "ris", "csl-json"):
            get(f"/api/v1/records/{record_id}/citation?style={style}")
        get(f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:{record_id}")
    _, legacy = get("/records/legacy-deep-tei")
    check("The plain text of a legacy record" in legacy, "the legacy record shows its plain text")
    token = None
    harvested = 0
    while True:
        query = f"resumptionToken={urllib.parse.quote(token)}" if token else "metadataPrefix=oai_dc"
        _, xml = get(f"/oai?verb=ListRecords&{query}")
        harvested += xml.count("<record>")
        found = re.search(r"<resumptionToken[^>]*>([^<]+)</resumptionToken>", xml)
        if not found:
            break
        token = found.group(1).replace("&amp;", "&")
    check(harvested == len(ids), f"the harvest has every record once ({harvested} of {len(ids)})")
    for query in ["deep", "Telegram", "T" * 200, '"&<script>', "-\"deep deep\"", "lang:Russian date:1954"]:
        get("/search?q=" + urllib.parse.quote_plus(query))
        get("/api/v1/search?q=" + urllib.parse.quote_plus(query))
    for path in ["/", "/about", "/api/v1/records?limit=1000", "/api/v1/cmif", "/oai?verb=ListSets"]:
        get(path)
    check(server.poll() is None, "the server is still up")
finally:
    server.terminate()
    server.wait(timeout=30)
    log.close()

print(
    f"hostile records: {len(past)} refused at the limits, {len(ids)} records crawled, "
    f"{sum(statuses.values())} requests ({', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}), "
    f"{checks} checks, the server up throughout"
)
