-- Version 9 on PostgreSQL: curated events between two parties and the visits data, as
-- ../sqlite/0009_events.sql.

CREATE TABLE events (
    id         TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    party_a    TEXT COLLATE "C" NOT NULL,
    party_b    TEXT COLLATE "C" NOT NULL,
    date_edtf  TEXT COLLATE "C" NOT NULL,
    date_min   TEXT COLLATE "C",
    kind       TEXT COLLATE "C" NOT NULL,
    body       TEXT NOT NULL,
    revision   BIGINT NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    actor      TEXT COLLATE "C"
);

CREATE INDEX events_by_parties ON events (party_a, party_b);

CREATE TABLE event_revisions (
    event_id    TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    revision    BIGINT NOT NULL,
    body        TEXT NOT NULL,
    replaced_at TEXT COLLATE "C" NOT NULL,
    actor       TEXT COLLATE "C",
    PRIMARY KEY (event_id, revision)
);

CREATE TABLE visits (
    id         TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('visit', 'president', 'secretary')),
    who        TEXT COLLATE "C" NOT NULL,
    who_id     TEXT COLLATE "C",
    country    TEXT COLLATE "C" NOT NULL,
    locale     TEXT COLLATE "C",
    start_day  TEXT COLLATE "C" NOT NULL,
    end_day    TEXT COLLATE "C",
    note       TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);

CREATE INDEX visits_by_country ON visits (country, start_day);
