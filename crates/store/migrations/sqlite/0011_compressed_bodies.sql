-- Version 11: record bodies and kept source files compressed at rest (src/codec.rs). A body column
-- holds bytes now: body_version 1 is the JSON's UTF-8 bytes, 2 the same JSON as one zstd frame. The
-- migration's code (migrate.rs) compresses the rows already stored; new rows are written
-- compressed. A source's `encoding` says how its bytes are kept ('identity' or 'zstd'); its
-- sha256 stays that of the bytes as imported.
--
-- SQLite cannot change a column's type: each body moves to a new BLOB column, which takes the old
-- one's name. The new column is the table's last, so reading the columns before it (ids, dates,
-- `deleted_at`) no longer walks a long body's overflow pages.

ALTER TABLE records ADD COLUMN body_bytes BLOB NOT NULL DEFAULT x'';
UPDATE records SET body_bytes = CAST(body AS BLOB);
ALTER TABLE records DROP COLUMN body;
ALTER TABLE records RENAME COLUMN body_bytes TO body;

ALTER TABLE record_revisions ADD COLUMN body_bytes BLOB NOT NULL DEFAULT x'';
UPDATE record_revisions SET body_bytes = CAST(body AS BLOB);
ALTER TABLE record_revisions DROP COLUMN body;
ALTER TABLE record_revisions RENAME COLUMN body_bytes TO body;

ALTER TABLE drafts ADD COLUMN body_bytes BLOB NOT NULL DEFAULT x'';
UPDATE drafts SET body_bytes = CAST(body AS BLOB);
ALTER TABLE drafts DROP COLUMN body;
ALTER TABLE drafts RENAME COLUMN body_bytes TO body;

ALTER TABLE sources ADD COLUMN encoding TEXT NOT NULL DEFAULT 'identity';
