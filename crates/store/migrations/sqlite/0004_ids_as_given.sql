-- Version 4: ids kept as their sources spell them (`frus1917-72PubDip/d1`) and looked up without
-- regard to case (`id_key`, lowercase, unique); the id a record was first published under, which
-- stays its OAI-PMH identifier whatever its id becomes (`oai_id`); and the ids a record was
-- known by before, which keep resolving to it (`record_aliases`). The records whose ids the
-- earlier rules spelled otherwise are renamed by the migration's code (see migrate.rs).

ALTER TABLE records ADD COLUMN id_key TEXT;
ALTER TABLE records ADD COLUMN oai_id TEXT;
UPDATE records SET id_key = lower(id), oai_id = id;
CREATE UNIQUE INDEX records_by_key ON records (id_key);

CREATE TABLE record_aliases (
    alias_key TEXT PRIMARY KEY NOT NULL,   -- an earlier id, lowercase
    record_id TEXT NOT NULL                -- the record's id now
) STRICT;
