-- Version 1: records with revisions, the change sequence, and the source files' bytes.

-- One row per record id ever stored. A deleted record keeps its row as a tombstone
-- (`deleted_at` set), so its id is never given to another record.
CREATE TABLE records (
    id            TEXT PRIMARY KEY NOT NULL,
    title         TEXT NOT NULL,
    date_printed  TEXT NOT NULL,
    date_edtf     TEXT,
    date_min      TEXT,               -- earliest day the date can mean, YYYY-MM-DD
    date_max      TEXT,               -- latest day, YYYY-MM-DD
    doc_type      TEXT,
    body          TEXT NOT NULL,      -- the record's content as JSON (see src/stored.rs)
    body_version  INTEGER NOT NULL,   -- version of that JSON shape
    source_path   TEXT,
    source_sha256 TEXT,
    source_format TEXT,
    imported_at   TEXT,
    revision      INTEGER NOT NULL,   -- 1 for the first version, +1 per update
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT
) STRICT;

CREATE INDEX records_by_date ON records (date_min, id);

-- Every superseded version of a record, newest revision last.
CREATE TABLE record_revisions (
    record_id     TEXT NOT NULL REFERENCES records (id),
    revision      INTEGER NOT NULL,
    body          TEXT NOT NULL,
    body_version  INTEGER NOT NULL,
    source_path   TEXT,
    source_sha256 TEXT,
    source_format TEXT,
    imported_at   TEXT,
    superseded_at TEXT NOT NULL,
    PRIMARY KEY (record_id, revision)
) STRICT;

-- The change sequence: monotonically increasing, never reused (AUTOINCREMENT), one row per
-- created, updated or deleted record. The search index follows it.
CREATE TABLE changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'deleted')),
    revision  INTEGER NOT NULL,
    at        TEXT NOT NULL
) STRICT;

CREATE INDEX changes_by_record ON changes (record_id, seq);

-- The exact bytes of every imported source file, by SHA-256, for fixity and exact export.
CREATE TABLE sources (
    sha256     TEXT PRIMARY KEY NOT NULL,
    path       TEXT NOT NULL,
    format     TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    first_seen TEXT NOT NULL
) STRICT;
