#!/usr/bin/env python3
"""Real parsers read Chancery's citations: RIS with rispy, BibTeX with bibtexparser (PyPI).

Usage: citations.py PATH/TO/chancery REPO_ROOT

Imports the demo record and the TEI fixtures into a temporary data folder, then parses the
`show --format ris` and `--format bibtex` output of every record and checks the fields.
"""
import json
import os
import subprocess
import sys
import tempfile

import bibtexparser
import rispy


def main():
    binary, root = sys.argv[1], sys.argv[2]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        def run(*args):
            return subprocess.run([binary, "--data", os.path.join(tmp, "data"), *args],
                                  check=True, capture_output=True, text=True).stdout

        tei = os.path.join(root, "crates", "ingest", "test_data", "tei")
        run("import", os.path.join(root, "demo"), os.path.join(tei, "frus_2014_style.xml"),
            os.path.join(tei, "frus_vendor_style.xml"), os.path.join(tei, "frus_newer_style.xml"))
        ids = [line.split("\t")[0] for line in run("list").splitlines()]
        assert len(ids) >= 9, ids
        for record_id in ids:
            record = json.loads(run("show", record_id, "--format", "json"))
            problems = []
            entries = rispy.loads(run("show", record_id, "--format", "ris"))
            if len(entries) != 1:
                problems.append("RIS: %d entries" % len(entries))
            else:
                entry = entries[0]
                if entry.get("title") != record["title"]:
                    problems.append("RIS title %r" % entry.get("title"))
                if entry.get("type_of_reference") not in ("PCOMM", "MANSCPT"):
                    problems.append("RIS type %r" % entry.get("type_of_reference"))
                if record["authors"] and entry.get("authors") != record["authors"]:
                    problems.append("RIS authors %r" % entry.get("authors"))
                url = (record.get("citation") or {}).get("source_url")
                if url and entry.get("urls") != [url]:
                    problems.append("RIS urls %r" % entry.get("urls"))
            library = bibtexparser.parse_string(run("show", record_id, "--format", "bibtex"))
            if library.failed_blocks or len(library.entries) != 1:
                problems.append("BibTeX: %d entries, %d failed blocks" % (len(library.entries), len(library.failed_blocks)))
            else:
                fields = library.entries[0].fields_dict
                title = fields["title"].value.strip("{}")
                if "\\" not in title and title != record["title"]:
                    problems.append("BibTeX title %r" % title)
                if record["date"].get("edtf") and "date" not in fields:
                    problems.append("BibTeX has no date")
            if problems:
                failed += 1
                print("%s: %s" % (record_id, "; ".join(problems)))
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
