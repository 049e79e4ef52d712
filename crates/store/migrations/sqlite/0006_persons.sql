-- Version 6: persons across the archive. A person has our own readable id (kept for good once
-- given: an import of the same person, known by its HSG id, finds it again), the Office of the
-- Historian's id beside it, and its names, dates and remarks as JSON (`body`, in the shape of
-- src/persons.rs). `person_entries` links the persons-list entries of the volumes
-- (`frus1955-57v26#p_tmjb1`, lowercase) to their person; `person_keys` holds the keys every name
-- of a person is matched by (model::person::name_keys, and `w:` + the skeleton of each word).
-- A curator's decisions (`person_decisions`: merge a person into another, assign a volume's
-- entry to a person, split entries off into a new person) are recorded with their reason and
-- applied again, in order, after every import of persons, so that they survive it; a merged
-- person keeps its row (`merged_into`) so that its id redirects and its data stays updatable.

CREATE TABLE persons (
    id         TEXT PRIMARY KEY NOT NULL,
    hsg_id     TEXT UNIQUE,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    merged_into TEXT                    -- the person it was merged into, by a curator
) STRICT;

CREATE TABLE person_decisions (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('merge', 'assign', 'split')),
    subject    TEXT NOT NULL,           -- merge: the person merged; assign: the entry; split: the person split
    target     TEXT NOT NULL,           -- the person merged into, assigned to, or split off
    entries    TEXT NOT NULL,           -- split: the entries moved (JSON array)
    name       TEXT,                    -- split: the new person's name
    reason     TEXT NOT NULL,
    decided_at TEXT NOT NULL
) STRICT;

CREATE TABLE person_entries (
    entry_key TEXT PRIMARY KEY NOT NULL,   -- a persons-list entry, lowercase
    person_id TEXT NOT NULL REFERENCES persons (id)
) STRICT;

CREATE INDEX person_entries_by_person ON person_entries (person_id);

CREATE TABLE person_keys (
    key       TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    PRIMARY KEY (key, person_id)
) STRICT;

-- Entries are named in any case by the people data (frus1917-72pubdip): look them up lowercase.
CREATE INDEX authorities_by_lower_key ON authorities (lower(key));
CREATE INDEX record_entities_by_lower_key ON record_entities (lower(authority_key), record_id);
