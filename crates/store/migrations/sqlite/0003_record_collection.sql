-- Version 3: each record's innermost collection as a column, so that a collection's records (an
-- OAI-PMH set, a volume's table of contents) are found by an index instead of a scan of bodies.
-- Tombstones keep theirs, so that deletions reach the harvesters of the record's sets.

ALTER TABLE records ADD COLUMN collection_id TEXT;
UPDATE records SET collection_id = json_extract(body, '$.collection_id');
CREATE INDEX records_by_collection ON records (collection_id, id);
