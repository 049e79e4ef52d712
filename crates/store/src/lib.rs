//! Chancery's embedded store: the only source of truth.
//!
//! [`Store`] keeps records in SQLite (WAL mode) in a data folder: the current version of each
//! record, every superseded version as a revision, a tombstone for each deleted record, the exact
//! bytes of every imported source file, and a change sequence that derived indexes follow.
//! Imports are atomic: [`Store::import`] writes a whole batch in one transaction or nothing.
//!
//! The schema is versioned by numbered migrations in `migrations/sqlite/`, applied in order on
//! open. A database written by a newer Chancery is refused rather than misread.

mod migrate;
mod stored;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chancery_model::authority::{Authority, AuthorityKind, Collection};
use chancery_model::id::RecordId;
use chancery_model::record::Record;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The database file inside the data folder.
pub const DATABASE_FILE: &str = "chancery.sqlite3";

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be opened, read or written.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A migration failed; the database is left at the previous version.
    #[error("migration {version} ({description}) failed: {source}")]
    Migration {
        /// The migration's version.
        version: i64,
        /// What it does.
        description: &'static str,
        /// Why it failed.
        source: sqlx::Error,
    },
    /// The database was written by a newer Chancery.
    #[error(
        "the database is at schema version {found}, but this Chancery knows only up to {supported}: upgrade Chancery"
    )]
    NewerSchema {
        /// The database's version.
        found: i64,
        /// The newest version we know.
        supported: i64,
    },
    /// Two records of one batch have the same id.
    #[error(
        "two records in this import have the id `{id}`: {first} and {second}; give one of them its own **Identifier:**"
    )]
    DuplicateId {
        /// The id.
        id: String,
        /// Where the first came from.
        first: String,
        /// Where the second came from.
        second: String,
    },
    /// A stored row cannot be read back; the message names the record.
    #[error("record `{id}` is stored in a form this Chancery cannot read: {message}")]
    Corrupt {
        /// The record.
        id: String,
        /// What is wrong.
        message: String,
    },
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What an import did to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new record (or one that had been deleted) was stored.
    Created,
    /// The record existed with other content; the old version became a revision.
    Updated,
    /// The record existed with the same content; nothing was written.
    Unchanged,
}

impl Action {
    /// Stable lowercase name.
    pub fn key(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Unchanged => "unchanged",
        }
    }
}

/// The outcome of importing one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The record.
    pub id: RecordId,
    /// What happened.
    pub action: Action,
    /// The record's revision after the import.
    pub revision: i64,
}

/// A source file's exact bytes, kept for fixity.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The path it was imported from.
    pub path: String,
    /// Its format (`text`, `json`, `tei`).
    pub format: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A record with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// The record, with its provenance.
    pub record: Record,
    /// 1 for the first version, +1 per update.
    pub revision: i64,
    /// When the record was first stored.
    pub created_at: OffsetDateTime,
    /// When its current version was stored.
    pub updated_at: OffsetDateTime,
}

/// One superseded version of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// Its revision number.
    pub revision: i64,
    /// The record as it was.
    pub record: Record,
    /// When a newer version replaced it.
    pub superseded_at: OffsetDateTime,
}

/// A line of a listing: enough to show a record in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The id.
    pub id: RecordId,
    /// The title.
    pub title: String,
    /// The date as printed.
    pub date_printed: String,
    /// The EDTF date, if any.
    pub date_edtf: Option<String>,
}

/// What happened to a record, in the change sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Stored for the first time (or again after a deletion).
    Created,
    /// Replaced by a new version.
    Updated,
    /// Deleted (a tombstone remains).
    Deleted,
}

/// One entry of the change sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Position in the sequence; strictly increasing, never reused.
    pub seq: i64,
    /// The record.
    pub record_id: String,
    /// What happened.
    pub kind: ChangeKind,
    /// The record's revision after the change.
    pub revision: i64,
    /// When.
    pub at: OffsetDateTime,
}

/// An import in progress: one write transaction (see [`Store::begin_import`]).
pub struct ImportBatch {
    tx: Transaction<'static, Sqlite>,
    now: String,
    /// Ids written so far, with where they came from, to refuse duplicates within the batch.
    seen: std::collections::HashMap<String, String>,
}

impl ImportBatch {
    /// Adds records (and their source files' bytes) to the batch.
    pub async fn add(
        &mut self,
        records: &[Record],
        sources: &[SourceFile],
    ) -> Result<Vec<Outcome>> {
        for record in records {
            let path = source_path(record);
            if let Some(first) = self.seen.insert(record.id.to_string(), path.clone()) {
                return Err(Error::DuplicateId { id: record.id.to_string(), first, second: path });
            }
        }
        for source in sources {
            sqlx::query(
                "INSERT INTO sources (sha256, path, format, bytes, first_seen) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(&source.sha256)
            .bind(&source.path)
            .bind(&source.format)
            .bind(&source.bytes)
            .bind(&self.now)
            .execute(&mut *self.tx)
            .await?;
        }
        let mut outcomes = Vec::with_capacity(records.len());
        for record in records {
            outcomes.push(upsert(&mut self.tx, record, &self.now).await?);
        }
        Ok(outcomes)
    }

    /// Adds (or replaces) authority entries and collections.
    pub async fn add_entities(
        &mut self,
        authorities: &[Authority],
        collections: &[Collection],
    ) -> Result<()> {
        // One statement for a volume's thousands of entries.
        let rows: Vec<[&str; 4]> = authorities
            .iter()
            .map(|a| [a.key.as_str(), a.kind.key(), a.name.as_str(), a.description.as_str()])
            .collect();
        if !rows.is_empty() {
            sqlx::query(
                "INSERT INTO authorities (key, kind, name, description)
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each($1) WHERE true
                 ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                 description = excluded.description",
            )
            .bind(serde_json::to_string(&rows).expect("strings serialize"))
            .execute(&mut *self.tx)
            .await?;
        }
        for collection in collections {
            sqlx::query(
                "INSERT INTO collections (id, parent_id, kind, title, editors, published, position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, kind = excluded.kind,
                 title = excluded.title, editors = excluded.editors, published = excluded.published,
                 position = excluded.position",
            )
            .bind(&collection.id)
            .bind(&collection.parent)
            .bind(&collection.kind)
            .bind(&collection.title)
            .bind(serde_json::to_string(&collection.editors).expect("names serialize"))
            .bind(&collection.published)
            .bind(i64::from(collection.position))
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Commits everything added.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// The embedded store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the store in a data folder and brings its schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| Error::DataDir { path: data_dir.display().to_string(), source })?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join(DATABASE_FILE))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        Store::ready(pool).await
    }

    /// A private in-memory store, for tests.
    pub async fn open_in_memory() -> Result<Store> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        // One connection that never closes: each in-memory connection is its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Store::ready(pool).await
    }

    async fn ready(pool: SqlitePool) -> Result<Store> {
        migrate::run(&pool).await?;
        Ok(Store { pool })
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<i64> {
        migrate::current_version(&self.pool).await
    }

    /// Closes the store, checkpointing the WAL.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Imports a batch in one transaction: every record is created, updated or left unchanged, and
    /// the source files' bytes are kept; on any error nothing is written.
    pub async fn import(
        &self,
        records: &[Record],
        sources: &[SourceFile],
        now: OffsetDateTime,
    ) -> Result<Vec<Outcome>> {
        let mut batch = self.begin_import(now).await?;
        let outcomes = batch.add(records, sources).await?;
        batch.commit().await?;
        Ok(outcomes)
    }

    /// Starts an import that may be fed file by file (so that a large corpus never sits in
    /// memory at once) and commits all or nothing: dropping the batch without
    /// [`ImportBatch::commit`] writes nothing.
    pub async fn begin_import(&self, now: OffsetDateTime) -> Result<ImportBatch> {
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(ImportBatch { tx, now: timestamp(now), seen: std::collections::HashMap::new() })
    }

    /// The current version of a record; `None` if there is none or it was deleted.
    pub async fn get(&self, id: &RecordId) -> Result<Option<StoredRecord>> {
        let row = sqlx::query(
            "SELECT id, body, body_version, source_path, source_sha256, source_format, imported_at,
                    revision, created_at, updated_at
             FROM records WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| stored_record(&row)).transpose()
    }

    /// Several current records in one query, in no particular order; ids not stored (or
    /// deleted) are left out. At most 1,000 ids.
    pub async fn get_many(&self, ids: &[RecordId]) -> Result<Vec<StoredRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> =
            (1..=ids.len().min(1000)).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT id, body, body_version, source_path, source_sha256, source_format, imported_at,
                    revision, created_at, updated_at
             FROM records WHERE deleted_at IS NULL AND id IN ({})",
            placeholders.join(", ")
        );
        // Only numbered placeholders are formatted into the statement; the ids are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids.iter().take(1000) {
            query = query.bind(id.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(stored_record).collect()
    }

    /// A deleted record as it was when deleted (its tombstone keeps the last version), for
    /// harvesters that must learn of the deletion in the record's sets.
    pub async fn withdrawn(&self, id: &RecordId) -> Result<Option<StoredRecord>> {
        let row = sqlx::query(
            "SELECT id, body, body_version, source_path, source_sha256, source_format, imported_at,
                    revision, created_at, updated_at
             FROM records WHERE id = $1 AND deleted_at IS NOT NULL",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| stored_record(&row)).transpose()
    }

    /// Up to `limit` current records with ids after `after`, in id order: a cursor for paging
    /// through everything.
    pub async fn records_after(
        &self,
        after: Option<&RecordId>,
        limit: u32,
    ) -> Result<Vec<StoredRecord>> {
        let rows = sqlx::query(
            "SELECT id, body, body_version, source_path, source_sha256, source_format, imported_at,
                    revision, created_at, updated_at
             FROM records WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.map_or("", RecordId::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_record).collect()
    }

    /// Up to `limit` summaries of current records with ids after `after`, in id order.
    pub async fn summaries_after(
        &self,
        after: Option<&RecordId>,
        limit: u32,
    ) -> Result<Vec<Summary>> {
        let rows = sqlx::query(
            "SELECT id, title, date_printed, date_edtf FROM records
             WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.map_or("", RecordId::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary).collect()
    }

    /// Up to `limit` current records from position `offset` in id order (for numbered pages such
    /// as sitemaps; use [`Store::summaries_after`] to walk everything).
    pub async fn summaries_at(&self, offset: u64, limit: u64) -> Result<Vec<Summary>> {
        let rows = sqlx::query(
            "SELECT id, title, date_printed, date_edtf FROM records
             WHERE deleted_at IS NULL ORDER BY id LIMIT $1 OFFSET $2",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary).collect()
    }

    /// How many current (not deleted) records there are.
    pub async fn count(&self) -> Result<i64> {
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM records WHERE deleted_at IS NULL")
                .fetch_one(&self.pool)
                .await?;
        Ok(count)
    }

    /// A record's superseded versions, oldest first.
    pub async fn revisions(&self, id: &RecordId) -> Result<Vec<Revision>> {
        let rows = sqlx::query(
            "SELECT record_id AS id, revision, body, body_version, source_path, source_sha256,
                    source_format, imported_at, superseded_at
             FROM record_revisions WHERE record_id = $1 ORDER BY revision",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Revision {
                    revision: row.try_get("revision")?,
                    record: record_from_row(row)?,
                    superseded_at: parse_time(
                        id.as_str(),
                        &row.try_get::<String, _>("superseded_at")?,
                    )?,
                })
            })
            .collect()
    }

    /// Deletes a record, leaving a tombstone and its revisions. Returns whether it existed.
    pub async fn delete(&self, id: &RecordId, now: OffsetDateTime) -> Result<bool> {
        let now = timestamp(now);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let revision: Option<i64> = sqlx::query_scalar(
            "UPDATE records SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL
             RETURNING revision",
        )
        .bind(&now)
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(revision) = revision else { return Ok(false) };
        record_change(&mut tx, id.as_str(), "deleted", revision, &now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Up to `limit` changes after sequence number `after`, in order.
    pub async fn changes_after(&self, after: i64, limit: u32) -> Result<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, record_id, kind, revision, at FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change).collect()
    }

    /// Each record's newest change (so each record at most once, deleted ones as tombstones),
    /// after sequence number `after`, in sequence order, optionally only those made from
    /// `from` to `until` (inclusive, UTC, `YYYY-MM-DDThh:mm:ss`). A record changed while a
    /// client pages through this list moves to the end of it: the client sees it again, in its
    /// new state, and never misses it. This is what OAI-PMH harvesters page through.
    pub async fn latest_changes(
        &self,
        after: i64,
        from: Option<&str>,
        until: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, record_id, kind, revision, at FROM changes c
             WHERE seq > $1
               AND NOT EXISTS (SELECT 1 FROM changes d WHERE d.record_id = c.record_id AND d.seq > c.seq)
               AND ($2 IS NULL OR substr(at, 1, 19) >= $2)
               AND ($3 IS NULL OR substr(at, 1, 19) <= $3)
             ORDER BY seq LIMIT $4",
        )
        .bind(after)
        .bind(from)
        .bind(until)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change).collect()
    }

    /// A record's newest change: its current state, or its tombstone. `None` if the id was
    /// never stored.
    pub async fn latest_change_of(&self, id: &RecordId) -> Result<Option<Change>> {
        let row = sqlx::query(
            "SELECT seq, record_id, kind, revision, at FROM changes WHERE record_id = $1
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(change).transpose()
    }

    /// When the first change was made, if any (the OAI-PMH earliest datestamp).
    pub async fn first_change_at(&self) -> Result<Option<OffsetDateTime>> {
        let at: Option<String> =
            sqlx::query_scalar("SELECT min(at) FROM changes").fetch_one(&self.pool).await?;
        at.map(|at| parse_time("(first change)", &at)).transpose()
    }

    /// The newest change's sequence number, 0 if there is none.
    pub async fn last_change(&self) -> Result<i64> {
        let seq: Option<i64> =
            sqlx::query_scalar("SELECT max(seq) FROM changes").fetch_one(&self.pool).await?;
        Ok(seq.unwrap_or(0))
    }

    /// An authority entry by key (`frus1955-57v26#p_TMJB1`).
    pub async fn authority(&self, key: &str) -> Result<Option<Authority>> {
        let row =
            sqlx::query("SELECT key, kind, name, description FROM authorities WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(authority).transpose()
    }

    /// Several authority entries in one query, in the order of `keys`; unknown keys are left
    /// out. At most 1,000 keys.
    pub async fn authorities(&self, keys: &[String]) -> Result<Vec<Authority>> {
        let keys = &keys[..keys.len().min(1000)];
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=keys.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT key, kind, name, description FROM authorities WHERE key IN ({})",
            placeholders.join(", ")
        );
        // Only numbered placeholders are formatted into the statement; the keys are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for key in keys {
            query = query.bind(key.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut found: Vec<Authority> = rows.iter().map(authority).collect::<Result<_>>()?;
        found.sort_by_key(|a| keys.iter().position(|k| *k == a.key));
        Ok(found)
    }

    /// Current records that refer to an authority entry, in id order.
    pub async fn records_mentioning(&self, key: &str, limit: u32) -> Result<Vec<Summary>> {
        let rows = sqlx::query(
            "SELECT r.id, r.title, r.date_printed, r.date_edtf FROM record_entities e
             JOIN records r ON r.id = e.record_id
             WHERE e.authority_key = $1 AND r.deleted_at IS NULL ORDER BY r.id LIMIT $2",
        )
        .bind(key)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary).collect()
    }

    /// A collection by id.
    pub async fn collection(&self, id: &str) -> Result<Option<Collection>> {
        let row = sqlx::query("SELECT id, parent_id, kind, title, editors, published, position FROM collections WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| collection(&row)).transpose()
    }

    /// The parts of a collection (or the top-level collections, for `None`), in order.
    pub async fn collection_parts(&self, parent: Option<&str>) -> Result<Vec<Collection>> {
        let rows = sqlx::query(
            "SELECT id, parent_id, kind, title, editors, published, position FROM collections
             WHERE parent_id IS $1 ORDER BY position, id",
        )
        .bind(parent)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(collection).collect()
    }

    /// Every collection, in id order (a parent before its parts).
    pub async fn collections(&self) -> Result<Vec<Collection>> {
        let rows = sqlx::query(
            "SELECT id, parent_id, kind, title, editors, published, position FROM collections ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(collection).collect()
    }

    /// The exact bytes of an imported source file, by SHA-256.
    pub async fn source(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let bytes = sqlx::query_scalar("SELECT bytes FROM sources WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(bytes)
    }
}

async fn upsert(
    tx: &mut Transaction<'static, Sqlite>,
    record: &Record,
    now: &str,
) -> Result<Outcome> {
    let body = stored::to_body(record);
    let existing =
        sqlx::query("SELECT body, body_version, revision, deleted_at FROM records WHERE id = $1")
            .bind(record.id.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    let Some(existing) = existing else {
        write_row(tx, record, &body, 1, now).await?;
        link_entities(tx, record, false).await?;
        record_change(tx, record.id.as_str(), "created", 1, now).await?;
        return Ok(Outcome { id: record.id.clone(), action: Action::Created, revision: 1 });
    };
    let old_body: String = existing.try_get("body")?;
    let old_version: i64 = existing.try_get("body_version")?;
    let revision: i64 = existing.try_get("revision")?;
    let deleted: Option<String> = existing.try_get("deleted_at")?;
    if deleted.is_none() && old_version == stored::BODY_VERSION && old_body == body {
        return Ok(Outcome { id: record.id.clone(), action: Action::Unchanged, revision });
    }
    sqlx::query(
        "INSERT INTO record_revisions (record_id, revision, body, body_version, source_path, source_sha256,
                                       source_format, imported_at, superseded_at)
         SELECT id, revision, body, body_version, source_path, source_sha256, source_format, imported_at, $2
         FROM records WHERE id = $1",
    )
    .bind(record.id.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let new_revision = revision + 1;
    write_row(tx, record, &body, new_revision, now).await?;
    link_entities(tx, record, true).await?;
    let (kind, action) =
        if deleted.is_some() { ("created", Action::Created) } else { ("updated", Action::Updated) };
    record_change(tx, record.id.as_str(), kind, new_revision, now).await?;
    Ok(Outcome { id: record.id.clone(), action, revision: new_revision })
}

/// Writes a record's row: inserts it, or replaces the current version (clearing a tombstone) and
/// keeps its creation time.
async fn write_row(
    tx: &mut Transaction<'static, Sqlite>,
    record: &Record,
    body: &str,
    revision: i64,
    now: &str,
) -> Result<()> {
    let (min, max) = record.date.edtf.map(|e| e.bounds()).unwrap_or((None, None));
    let provenance = record.provenance.as_ref();
    sqlx::query(
        "INSERT INTO records (id, title, date_printed, date_edtf, date_min, date_max, doc_type, body,
                              body_version, source_path, source_sha256, source_format, imported_at,
                              revision, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, date_printed = excluded.date_printed,
             date_edtf = excluded.date_edtf, date_min = excluded.date_min, date_max = excluded.date_max,
             doc_type = excluded.doc_type, body = excluded.body, body_version = excluded.body_version,
             source_path = excluded.source_path, source_sha256 = excluded.source_sha256,
             source_format = excluded.source_format, imported_at = excluded.imported_at,
             revision = excluded.revision, updated_at = excluded.updated_at, deleted_at = NULL",
    )
    .bind(record.id.as_str())
    .bind(&record.title)
    .bind(&record.date.printed)
    .bind(record.date.edtf.map(|e| e.to_string()))
    .bind(min.map(|d| d.to_string()))
    .bind(max.map(|d| d.to_string()))
    .bind(record.doc_type.map(|t| t.key()))
    .bind(body)
    .bind(stored::BODY_VERSION)
    .bind(provenance.map(|p| p.source_path.as_str()))
    .bind(provenance.map(|p| p.sha256.as_str()))
    .bind(provenance.map(|p| p.format.as_str()))
    .bind(provenance.map(|p| timestamp(p.imported_at)))
    .bind(revision)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Rewrites the record's links to authority entries (one statement for all of them: a bulk import
/// writes tens of thousands of links).
async fn link_entities(
    tx: &mut Transaction<'static, Sqlite>,
    record: &Record,
    existed: bool,
) -> Result<()> {
    if existed {
        sqlx::query("DELETE FROM record_entities WHERE record_id = $1")
            .bind(record.id.as_str())
            .execute(&mut **tx)
            .await?;
    }
    if record.entities.is_empty() {
        return Ok(());
    }
    sqlx::query("INSERT OR IGNORE INTO record_entities (record_id, authority_key) SELECT $1, value FROM json_each($2)")
        .bind(record.id.as_str())
        .bind(serde_json::to_string(&record.entities).expect("strings serialize"))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn record_change(
    tx: &mut Transaction<'static, Sqlite>,
    id: &str,
    kind: &str,
    revision: i64,
    now: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO changes (record_id, kind, revision, at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(kind)
        .bind(revision)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn summary(row: &sqlx::sqlite::SqliteRow) -> Result<Summary> {
    let id: String = row.try_get("id")?;
    Ok(Summary {
        id: parse_id(&id)?,
        title: row.try_get("title")?,
        date_printed: row.try_get("date_printed")?,
        date_edtf: row.try_get("date_edtf")?,
    })
}

fn collection(row: &sqlx::sqlite::SqliteRow) -> Result<Collection> {
    let id: String = row.try_get("id")?;
    let editors: String = row.try_get("editors")?;
    let position: i64 = row.try_get("position")?;
    Ok(Collection {
        editors: serde_json::from_str(&editors)
            .map_err(|e| Error::Corrupt { id: id.clone(), message: format!("bad editors: {e}") })?,
        parent: row.try_get("parent_id")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        published: row.try_get("published")?,
        position: u32::try_from(position).unwrap_or(0),
        id,
    })
}

fn source_path(record: &Record) -> String {
    record.provenance.as_ref().map_or_else(|| "(no source)".to_string(), |p| p.source_path.clone())
}

fn stored_record(row: &sqlx::sqlite::SqliteRow) -> Result<StoredRecord> {
    let id: String = row.try_get("id")?;
    Ok(StoredRecord {
        record: record_from_row(row)?,
        revision: row.try_get("revision")?,
        created_at: parse_time(&id, &row.try_get::<String, _>("created_at")?)?,
        updated_at: parse_time(&id, &row.try_get::<String, _>("updated_at")?)?,
    })
}

fn record_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Record> {
    let id: String = row.try_get("id")?;
    let version: i64 = row.try_get("body_version")?;
    let body: String = row.try_get("body")?;
    let mut record = stored::from_body(&parse_id(&id)?, version, &body)
        .map_err(|message| Error::Corrupt { id: id.clone(), message })?;
    let path: Option<String> = row.try_get("source_path")?;
    let sha256: Option<String> = row.try_get("source_sha256")?;
    let format: Option<String> = row.try_get("source_format")?;
    let imported_at: Option<String> = row.try_get("imported_at")?;
    if let (Some(source_path), Some(sha256), Some(format), Some(imported_at)) =
        (path, sha256, format, imported_at)
    {
        record.provenance = Some(chancery_model::record::Provenance {
            source_path,
            sha256,
            format,
            imported_at: parse_time(&id, &imported_at)?,
        });
    }
    Ok(record)
}

fn parse_id(id: &str) -> Result<RecordId> {
    RecordId::parse(id).map_err(|e| Error::Corrupt { id: id.to_string(), message: e.to_string() })
}

fn authority(row: &sqlx::sqlite::SqliteRow) -> Result<Authority> {
    let key: String = row.try_get("key")?;
    let kind: String = row.try_get("kind")?;
    Ok(Authority {
        kind: AuthorityKind::from_key(&kind).ok_or_else(|| Error::Corrupt {
            id: key.clone(),
            message: format!("unknown authority kind `{kind}`"),
        })?,
        key,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
    })
}

fn change(row: &sqlx::sqlite::SqliteRow) -> Result<Change> {
    let record_id: String = row.try_get("record_id")?;
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "created" => ChangeKind::Created,
        "updated" => ChangeKind::Updated,
        "deleted" => ChangeKind::Deleted,
        other => {
            return Err(Error::Corrupt {
                id: record_id,
                message: format!("unknown change kind `{other}`"),
            });
        }
    };
    let at = parse_time(&record_id, &row.try_get::<String, _>("at")?)?;
    Ok(Change { seq: row.try_get("seq")?, record_id, kind, revision: row.try_get("revision")?, at })
}

fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).expect("UTC timestamps format as RFC 3339")
}

fn parse_time(id: &str, text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| Error::Corrupt {
        id: id.to_string(),
        message: format!("bad timestamp `{text}`: {e}"),
    })
}
