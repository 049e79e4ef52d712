-- Version 5: where each record of an edition stands in its volume, in the order the volume prints
-- them: the volume's table of contents, and a document's previous and next, are read from here
-- (an index on volume and position) without reading the records' bodies. A deleted record has no
-- place. Records stored before this version had no position: they are placed by their number
-- (front and back matter first, then the documents by number) until the volume is imported again.

CREATE TABLE edition_places (
    record_id     TEXT PRIMARY KEY NOT NULL REFERENCES records (id),
    volume_id     TEXT NOT NULL,      -- the volume's collection id (`frus1955-57v26`)
    collection_id TEXT NOT NULL,      -- the innermost collection holding the record (a chapter)
    position      INTEGER NOT NULL,   -- the volume's order, from 1
    number        TEXT,               -- the number the edition gives the document
    kind          TEXT NOT NULL       -- document, calendar-entry or front-matter
) STRICT;

CREATE INDEX edition_places_by_volume ON edition_places (volume_id, position);

INSERT INTO edition_places (record_id, volume_id, collection_id, position, number, kind)
SELECT id, volume_id, collection_id,
       row_number() OVER (PARTITION BY volume_id ORDER BY CAST(number AS INTEGER), id),
       number, kind
FROM (
    SELECT id, collection_id,
           CASE WHEN instr(collection_id, '/') > 0
                THEN substr(collection_id, 1, instr(collection_id, '/') - 1)
                ELSE collection_id END AS volume_id,
           json_extract(body, '$.number') AS number,
           coalesce(json_extract(body, '$.kind'), 'document') AS kind
    FROM records
    WHERE deleted_at IS NULL AND collection_id IS NOT NULL
      AND json_extract(body, '$.edition') IS NOT NULL
);
