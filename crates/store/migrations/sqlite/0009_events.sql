-- Version 9: curated events between two parties (model::event), kept with revisions as records
-- are. `events` holds each event's current version (the body is JSON: date, kind, parties,
-- statement, evidence, sources); `event_revisions` every version it replaced, with when and by
-- whom. The parties are kept as the file names them, in the order given.

CREATE TABLE events (
    id         TEXT PRIMARY KEY NOT NULL,
    party_a    TEXT NOT NULL,
    party_b    TEXT NOT NULL,
    date_edtf  TEXT NOT NULL,
    date_min   TEXT,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    actor      TEXT
) STRICT;

CREATE INDEX events_by_parties ON events (party_a, party_b);

CREATE TABLE event_revisions (
    event_id    TEXT NOT NULL REFERENCES events (id),
    revision    INTEGER NOT NULL,
    body        TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    actor       TEXT,
    PRIMARY KEY (event_id, revision)
) STRICT;

-- The Office of the Historian's visits data (model::visit): foreign leaders' visits to the
-- United States and U.S. Presidents' and Secretaries of State's trips abroad, by country.
CREATE TABLE visits (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('visit', 'president', 'secretary')),
    who        TEXT NOT NULL,
    who_id     TEXT,
    country    TEXT NOT NULL,
    locale     TEXT,
    start_day  TEXT NOT NULL,
    end_day    TEXT,
    note       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX visits_by_country ON visits (country, start_day);
