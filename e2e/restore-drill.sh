#!/usr/bin/env bash
# The restore drill: a backup taken while a large import runs, the data folder wiped, the backup
# restored; then `check` must pass and the restored export must equal the export from before
# that import or the one from after it — never a mix (an import is one batch, and the backup one
# read transaction). The restored preservation copy is then validated by the OCFL Python
# validator (PyPI ocfl-py, through e2e/ocfl-validate.py), and a store rebuilt from it alone must
# export the same records. Last, the archive and a search's results are exported as BagIt bags,
# validated by the Library of Congress `bagit` (PyPI), and the whole bag imported into a new
# archive, which must hold the same records.
#
#   PYTHON=venv/bin/python bash e2e/restore-drill.sh target/debug/chancery [CORPUS_DIR]
#   (CORPUS_DIR: ../shared/corpus/frus; PYTHON: a Python with ocfl-py and bagit installed)
set -euo pipefail
bin=$(realpath "$1")
corpus=$(realpath "${2:-../shared/corpus/frus}")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"

"$bin" --data "$data" import "$root/demo/000_5e4392f9da7ebfc5.txt" >/dev/null 2>&1
"$bin" --data "$data" export --format jsonl "$work/before.jsonl" 2>/dev/null

"$bin" --data "$data" import "$corpus" >"$work/import.log" 2>&1 &
importer=$!
# Back up every second while the import runs (its reading, its one write, its indexing): the
# first backups hold the archive from before it, the last ones, typically, the one after.
n=0
while kill -0 "$importer" 2>/dev/null && [ "$n" -lt 120 ]; do
    n=$((n + 1))
    "$bin" --data "$data" backup "$work/backup-$n" >/dev/null
    sleep 1
done
wait "$importer"
[ "$n" -ge 2 ] || { echo "FAIL: the import ended before two backups were taken" >&2; exit 1; }
"$bin" --data "$data" export --format jsonl "$work/after.jsonl" 2>/dev/null
before=$(wc -l <"$work/before.jsonl")
after=$(wc -l <"$work/after.jsonl")
[ "$before" != "$after" ] || { echo "FAIL: the import changed nothing; the drill proves nothing" >&2; exit 1; }

# Every backup holds one of the two archives whole: its record count is one of theirs.
for k in $(seq 1 "$n"); do
    held=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["records"])' "$work/backup-$k/backup.json")
    if [ "$held" != "$before" ] && [ "$held" != "$after" ]; then
        echo "FAIL: backup $k holds $held records: neither the archive before the import ($before) nor after it ($after)" >&2
        exit 1
    fi
done
# The first and the last backup, each restored into a wiped data folder.
for k in 1 "$n"; do
    rm -rf "$data"
    "$bin" --data "$data" restore "$work/backup-$k" >/dev/null 2>&1
    "$bin" --data "$data" check
    "$bin" --data "$data" export --format jsonl "$work/restored.jsonl" 2>/dev/null
    if cmp -s "$work/restored.jsonl" "$work/before.jsonl"; then
        echo "backup $k of $n (taken during the import) restored: the archive from before the import ($before records)"
    elif cmp -s "$work/restored.jsonl" "$work/after.jsonl"; then
        echo "backup $k of $n (taken during the import) restored: the archive from after the import ($after records)"
    else
        echo "FAIL: backup $k restored $(wc -l <"$work/restored.jsonl") records: neither the archive before the import ($before) nor after it ($after)" >&2
        exit 1
    fi
done
# The last restore's preservation copy: valid OCFL, and enough to rebuild the archive alone.
"${PYTHON:-python3}" "$root/e2e/ocfl-validate.py" "$data/ocfl"
"$bin" --data "$work/rebuilt" rebuild --from-ocfl "$data/ocfl" >/dev/null 2>&1
"$bin" --data "$work/rebuilt" check
"$bin" --data "$work/rebuilt" export --format jsonl "$work/rebuilt.jsonl" 2>/dev/null
cmp -s "$work/rebuilt.jsonl" "$work/restored.jsonl" || {
    echo "FAIL: the store rebuilt from the preservation copy exports other records than the restored one" >&2
    exit 1
}
echo "rebuilt from the preservation copy alone: $(wc -l <"$work/rebuilt.jsonl") records, the same export"

# Bags: every record, and a search's results, validated by the Library of Congress bagit.
"$bin" --data "$work/rebuilt" export --format bagit --archive-name "Restore drill" "$work/bag-all" 2>/dev/null
"$bin" --data "$work/rebuilt" export --format bagit --query "Tito Khrushchev" "$work/bag-search" 2>/dev/null
"${PYTHON:-python3}" "$root/e2e/bag-validate.py" "$work/bag-all" "$work/bag-search"
"$bin" --data "$work/received" import "$work/bag-all" >/dev/null 2>&1
"$bin" --data "$work/received" export --format jsonl "$work/received.jsonl" 2>/dev/null
strip_provenance() { python3 -c 'import json, sys
for line in open(sys.argv[1]):
    record = json.loads(line); record.pop("provenance", None); print(json.dumps(record, sort_keys=True))' "$1"; }
cmp -s <(strip_provenance "$work/received.jsonl") <(strip_provenance "$work/rebuilt.jsonl") || {
    echo "FAIL: the archive imported from the bag holds other records" >&2
    exit 1
}
echo "the bag of every record imported into a new archive: $(wc -l <"$work/received.jsonl") records, the same"

# A deletion, then a revert that brings the record back unchanged (a version with no new
# content): the copy stays valid OCFL.
"$bin" --data "$work/rebuilt" delete wcda-112970 >/dev/null 2>&1
"$bin" --data "$work/rebuilt" history wcda-112970 --revert 1 >/dev/null 2>&1
"${PYTHON:-python3}" "$root/e2e/ocfl-validate.py" "$work/rebuilt/ocfl"
echo "restore drill passed: $n backups during the import, each holding $before or $after records"
