-- Version 10: the current records (not deleted) in id order, as an index of their own: counting
-- them (the home page, the sitemap, health) and listing them in id order read the index, not the
-- table (see migrations/sqlite/0010_current_records.sql).
CREATE INDEX records_current ON records (id) WHERE deleted_at IS NULL;
