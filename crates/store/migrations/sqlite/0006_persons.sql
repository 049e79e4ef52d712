-- Version 6: persons across the archive. A person has our own readable id (kept for good once
-- given: an import of the same person, known by its HSG id, finds it again), the Office of the
-- Historian's id beside it, and its names, dates and remarks as JSON (`body`, in the shape of
-- src/persons.rs). `person_entries` links the persons-list entries of the volumes
-- (`frus1955-57v26#p_tmjb1`, lowercase) to their person; `person_keys` holds the keys every name
-- of a person is matched by (model::person::name_keys).

CREATE TABLE persons (
    id         TEXT PRIMARY KEY NOT NULL,
    hsg_id     TEXT UNIQUE,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
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
