"""Harvests a running Chancery over OAI-PMH with a real harvester (Sickle) and checks that
every record arrives exactly once, with the right Dublin Core fields.

Usage: python oai_harvest.py BASE_URL CHANCERY_BINARY DATA_DIR
(the server must be serving DATA_DIR with a small --oai-page-size, so the harvest needs many
resumption tokens).
"""

import json
import subprocess
import sys
from collections import Counter
from urllib.parse import urlparse

from sickle import Sickle

base, binary, data = sys.argv[1:4]
host = urlparse(base).hostname
listed = subprocess.run(
    [binary, "--data", data, "list", "--json"], check=True, capture_output=True, text=True
).stdout.splitlines()
expected = {r["id"]: r for r in map(json.loads, listed)}
assert expected, "the store is empty"

sickle = Sickle(f"{base}/oai", max_retries=0)
identify = sickle.Identify()
assert identify.protocolVersion == "2.0", identify.protocolVersion
assert identify.deletedRecord == "persistent"

records = sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False)
seen = Counter()
tokens = set()
checked = 0
for record in records:
    token = records.resumption_token
    if token is not None and token.token:
        tokens.add(token.token)
    header = record.header
    prefix = f"oai:{host}:"
    assert header.identifier.startswith(prefix), header.identifier
    rid = header.identifier[len(prefix):]
    seen[rid] += 1
    assert not header.deleted, f"{rid} is deleted, but the store lists it"
    want = expected.get(rid)
    assert want is not None, f"harvested {rid}, which the store does not list"
    dc = record.metadata
    assert dc["title"] == [want["title"]], (rid, dc["title"], want["title"])
    assert f"{base}/records/{rid}" in dc["identifier"], (rid, dc["identifier"])
    if want.get("edtf"):
        assert dc["date"] == [want["edtf"]], (rid, dc["date"], want["edtf"])
    assert "Text" in dc["type"]
    assert header.datestamp.endswith("Z") and len(header.datestamp) == 20, header.datestamp
    checked += 1

duplicates = [rid for rid, n in seen.items() if n > 1]
missing = sorted(set(expected) - set(seen))
assert not duplicates, f"harvested more than once: {duplicates[:10]}"
assert not missing, f"never harvested: {missing[:10]} ({len(missing)} in all)"
assert len(tokens) >= 10, f"the harvest should need many resumption tokens, used {len(tokens)}"

# The seed letter's Dublin Core, field by field.
letter = sickle.GetRecord(identifier=f"oai:{host}:wcda-112970", metadataPrefix="oai_dc").metadata
assert letter["creator"] == ["Tito", "Executive Committee [Politburo] of the CC LCY"], letter["creator"]
assert letter["contributor"] == ["Svetozar Rajak"], letter["contributor"]
assert letter["date"] == ["1954-08-11"], letter["date"]
assert letter["language"] == ["hbs"], letter["language"]
assert letter["description"][0].startswith("Yugoslav response to Soviet approaches"), letter["description"]
assert "507 / IX, 119/I-50" in letter["source"][0], letter["source"]
assert letter["publisher"] == ["Wilson Center Digital Archive"], letter["publisher"]

# A set harvest: one FRUS volume, every one of its documents once.
volume = "frus1955-57v26"
in_volume = [rid for rid in expected if rid.startswith(volume + "/")]
assert in_volume, f"the corpus should hold {volume}"
set_ids = Counter(
    h.identifier[len(f"oai:{host}:"):]
    for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set=volume, ignore_deleted=False)
)
assert sorted(set_ids) == sorted(in_volume), (len(set_ids), len(in_volume))
assert max(set_ids.values()) == 1

print(
    f"sickle harvested {checked} records exactly once through {len(tokens)} resumption tokens; "
    f"set {volume}: {len(in_volume)} records"
)
