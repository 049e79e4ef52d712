-- Version 10: the current records (not deleted) in id order, as an index of their own. A row's
-- `deleted_at` is stored after its body, so without it counting the current records (the home
-- page, the sitemap, health) read every record's body; with it a count reads the index alone, and
-- listing current records in id order (OAI-PMH, the sitemap, exports) walks it.
CREATE INDEX records_current ON records (id) WHERE deleted_at IS NULL;
