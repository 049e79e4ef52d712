-- Version 2: collections (volumes and their parts), authority entries (persons, terms), and which
-- records refer to which entries.

CREATE TABLE collections (
    id        TEXT PRIMARY KEY NOT NULL,
    parent_id TEXT,
    kind      TEXT NOT NULL,
    title     TEXT NOT NULL,
    editors   TEXT NOT NULL,   -- JSON array of names
    published TEXT,
    position  INTEGER NOT NULL
) STRICT;

CREATE INDEX collections_by_parent ON collections (parent_id, position);

CREATE TABLE authorities (
    key         TEXT PRIMARY KEY NOT NULL,   -- `<source>#<id>`
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'term')),
    name        TEXT NOT NULL,
    description TEXT NOT NULL
) STRICT;

-- Rebuilt from `records.body` (`entities`) whenever a record is written.
CREATE TABLE record_entities (
    record_id     TEXT NOT NULL REFERENCES records (id),
    authority_key TEXT NOT NULL,
    PRIMARY KEY (record_id, authority_key)
) STRICT;

CREATE INDEX record_entities_by_authority ON record_entities (authority_key, record_id);
