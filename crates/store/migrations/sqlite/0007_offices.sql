-- Version 7: the chiefs-of-mission data (model::office). Office holders keep the data's ids;
-- `titles` holds principal offices, missions to organizations and chiefs' titles by id;
-- `positions` holds each appointment with its dates as ISO days (text, as the data gives them).
-- A person of the archive is an office holder where its sources name the holder's page
-- (`person_office_holders`, written with the person and filled here for persons already stored).
-- Countries are the posts of kind `country`; their names are the model's.

CREATE TABLE office_holders (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,            -- other names, birth, death, career (JSON)
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE titles (
    id       TEXT PRIMARY KEY NOT NULL,
    singular TEXT NOT NULL
) STRICT;

CREATE TABLE positions (
    id           TEXT PRIMARY KEY NOT NULL,
    holder       TEXT NOT NULL,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('country', 'principal', 'organization')),
    post         TEXT NOT NULL,
    contemporary TEXT,
    appointed    TEXT,
    started      TEXT,
    ended        TEXT,
    ended_note   TEXT,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX positions_by_holder ON positions (holder);
CREATE INDEX positions_by_post ON positions (kind, post);

CREATE TABLE person_office_holders (
    holder    TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    PRIMARY KEY (holder, person_id)
) STRICT;

CREATE INDEX person_office_holders_by_person ON person_office_holders (person_id);

INSERT OR IGNORE INTO person_office_holders (holder, person_id)
SELECT substr(s.value, length('https://history.state.gov/departmenthistory/people/') + 1), p.id
FROM persons p, json_each(p.body, '$.variants') v, json_each(v.value, '$[1]') s
WHERE s.value LIKE 'https://history.state.gov/departmenthistory/people/_%';
