-- Version 11: record bodies and kept source files compressed at rest (src/codec.rs). A body column
-- holds bytes now: body_version 1 is the JSON's UTF-8 bytes, 2 the same JSON as one zstd frame. The
-- migration's code (migrate.rs) compresses the rows already stored; new rows are written
-- compressed. A source's `encoding` says how its bytes are kept ('identity' or 'zstd'); its
-- sha256 stays that of the bytes as imported. Compressed values are stored out of line without
-- PostgreSQL's own compression (STORAGE EXTERNAL), which would spend time finding nothing to gain.

ALTER TABLE records ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');
ALTER TABLE records ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE record_revisions ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');
ALTER TABLE record_revisions ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE drafts ALTER COLUMN body TYPE BYTEA USING convert_to(body, 'UTF8');
ALTER TABLE drafts ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE sources ADD COLUMN encoding TEXT COLLATE "C" NOT NULL DEFAULT 'identity';
ALTER TABLE sources ALTER COLUMN bytes SET STORAGE EXTERNAL;
