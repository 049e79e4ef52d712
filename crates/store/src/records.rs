//! Records: their current versions, superseded revisions and tombstones, read one at a time or
//! a page at a time; deleting and reverting.

use chancery_model::id::RecordId;
use chancery_model::record::{Provenance, Record};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::audit::append;
use crate::changes::record_change;
use crate::imports::{Action, Outcome, replace_current};
use crate::{Error, Result, Store, parse_time, stored, timestamp};

/// The columns every query that reads whole records selects, in the order the mappers expect.
const RECORD_COLUMNS: &str = "id, body, body_version, source_path, source_sha256, source_format, \
     imported_at, revision, created_at, updated_at, deleted_at, oai_id";

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
    /// When it was deleted, for a tombstone.
    pub deleted_at: Option<OffsetDateTime>,
    /// The id it was first published under: its OAI-PMH identifier, whatever its id became.
    pub oai_id: String,
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

impl Store {
    /// The id a record is stored under, for an id in any case or one it was known by before
    /// (an alias); `None` if no record ever had it.
    pub async fn resolve(&self, id: &RecordId) -> Result<Option<RecordId>> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT id FROM records WHERE id_key = $1
             UNION ALL SELECT record_id FROM record_aliases WHERE alias_key = $1 LIMIT 1",
        )
        .bind(id.key())
        .fetch_optional(&self.pool)
        .await?;
        found.map(|id| parse_id(&id)).transpose()
    }

    /// The current version of a record, looked up without regard to case (`record.id` is spelled
    /// as stored); `None` if there is none or it was deleted.
    pub async fn get(&self, id: &RecordId) -> Result<Option<StoredRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE id_key = $1 AND deleted_at IS NULL"
        )))
        .bind(id.key())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| stored_record(&row)).transpose()
    }

    /// Several current records in one query, in no particular order; ids not stored (or
    /// deleted) are left out. At most 1,000 ids.
    pub async fn get_many(&self, ids: &[RecordId]) -> Result<Vec<StoredRecord>> {
        self.read_many(ids, Tei::Kept).await
    }

    /// [`Store::get_many`] for lists of records (search hits, a volume's contents, the newest
    /// records): each record without its TEI fragment (`tei` is `None`), which is most of a FRUS
    /// body and which no list shows; everything else is read as `get_many` reads it.
    pub async fn get_many_without_tei(&self, ids: &[RecordId]) -> Result<Vec<StoredRecord>> {
        self.read_many(ids, Tei::Skipped).await
    }

    async fn read_many(&self, ids: &[RecordId], tei: Tei) -> Result<Vec<StoredRecord>> {
        let ids = &ids[..ids.len().min(1000)];
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        // Only numbered placeholders are formatted into the statement; the ids are bound.
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE deleted_at IS NULL AND id_key IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id.key());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|row| stored_record_read(row, tei)).collect()
    }

    /// A deleted record as it was when deleted (its tombstone keeps the last version), for
    /// harvesters that must learn of the deletion in the record's sets.
    pub async fn withdrawn(&self, id: &RecordId) -> Result<Option<StoredRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE id_key = $1 AND deleted_at IS NOT NULL"
        )))
        .bind(id.key())
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
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM records
             WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2"
        )))
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
             FROM record_revisions
             WHERE record_id = (SELECT id FROM records WHERE id_key = $1) ORDER BY revision",
        )
        .bind(id.key())
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

    /// The record as it was at revision `revision`: a superseded one, or the current version
    /// (also of a deleted record, which its tombstone keeps). `None` if there is no such
    /// revision.
    pub async fn at_revision(&self, id: &RecordId, revision: i64) -> Result<Option<Record>> {
        if let Some(current) = self.current_or_withdrawn(id).await?
            && current.revision == revision
        {
            return Ok(Some(current.record));
        }
        Ok(self.revisions(id).await?.into_iter().find(|r| r.revision == revision).map(|r| r.record))
    }

    /// The record's newest version, current or deleted; `None` if the id was never stored.
    pub async fn current_or_withdrawn(&self, id: &RecordId) -> Result<Option<StoredRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE id_key = $1"
        )))
        .bind(id.key())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| stored_record(&row)).transpose()
    }

    /// Deletes a record, leaving a tombstone and its revisions. Returns whether it existed.
    pub async fn delete(
        &self,
        id: &RecordId,
        now: OffsetDateTime,
        comment: Option<&str>,
    ) -> Result<bool> {
        let comment = comment.map(crate::audit::check_comment).transpose()?;
        let now = timestamp(now);
        let mut tx = self.begin_write().await?;
        let Some(stored_id) = tombstone(&mut tx, id, None, &now, &self.actor, comment).await?
        else {
            return Ok(false);
        };
        append(&mut tx, &self.actor, "delete", Some(stored_id.as_str()), comment, None, &now)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Replays a deletion made before (a rebuild from the preservation copy): the change names
    /// `actor` and `comment` as the original did; the audit entry is a `replay` by this handle's
    /// actor.
    pub async fn replay_delete(
        &self,
        id: &RecordId,
        now: OffsetDateTime,
        actor: Option<&str>,
        comment: Option<&str>,
    ) -> Result<bool> {
        let now = timestamp(now);
        let original = actor.map(|name| crate::audit::Actor::new(name.to_string(), None));
        let by = original.as_ref().unwrap_or(&self.actor);
        let mut tx = self.begin_write().await?;
        let Some(stored_id) = tombstone(&mut tx, id, None, &now, by, comment).await? else {
            return Ok(false);
        };
        append(
            &mut tx,
            &self.actor,
            "replay",
            Some(stored_id.as_str()),
            comment,
            Some("deleted"),
            &now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes a record if it is still at `revision` (the revision the deletion was decided on):
    /// [`Error::Stale`] if it changed since, `false` if there is no current record. A comment is
    /// required.
    pub async fn delete_at(
        &self,
        id: &RecordId,
        revision: i64,
        now: OffsetDateTime,
        comment: &str,
    ) -> Result<bool> {
        let comment = crate::audit::check_comment(comment)?;
        let now = timestamp(now);
        let mut tx = self.begin_write().await?;
        let Some(stored_id) =
            tombstone(&mut tx, id, Some(revision), &now, &self.actor, Some(comment)).await?
        else {
            return Ok(false);
        };
        append(&mut tx, &self.actor, "delete", Some(stored_id.as_str()), Some(comment), None, &now)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Brings revision `revision` of a record back as its newest version (a new revision; the
    /// current one is kept as a revision too). A deleted record comes back. Reverting to the
    /// current revision of a current record changes nothing.
    pub async fn revert(
        &self,
        id: &RecordId,
        revision: i64,
        now: OffsetDateTime,
        comment: Option<&str>,
    ) -> Result<Outcome> {
        let comment = comment.map(crate::audit::check_comment).transpose()?;
        let current = self
            .current_or_withdrawn(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no record `{id}`")))?;
        if current.revision == revision && current.deleted_at.is_none() {
            return Ok(Outcome { id: id.clone(), action: Action::Unchanged, revision });
        }
        let id = &current.record.id;
        let record = self.at_revision(id, revision).await?.ok_or_else(|| {
            Error::NotFound(format!(
                "record `{id}` has no revision {revision}; `chancery history {id}` lists them"
            ))
        })?;
        let now = timestamp(now);
        let mut tx = self.begin_write().await?;
        let body = stored::to_body(&record);
        let kind = if current.deleted_at.is_some() { "created" } else { "updated" };
        let new_revision = replace_current(&mut tx, &record, &body, current.revision, &now).await?;
        record_change(&mut tx, id, kind, new_revision, &now, Some((&self.actor, comment))).await?;
        let detail = format!("revision {revision} brought back as revision {new_revision}");
        append(&mut tx, &self.actor, "restore", Some(id.as_str()), comment, Some(&detail), &now)
            .await?;
        tx.commit().await?;
        let action = if kind == "created" { Action::Created } else { Action::Updated };
        Ok(Outcome { id: id.clone(), action, revision: new_revision })
    }
}

/// Marks a current record deleted (its tombstone) and records the change; the record's stored
/// id, or `None` if there was no current record.
/// With `expected`, the record must be at that revision ([`Error::Stale`] otherwise).
pub(crate) async fn tombstone(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &RecordId,
    expected: Option<i64>,
    now: &str,
    actor: &crate::audit::Actor,
    comment: Option<&str>,
) -> Result<Option<RecordId>> {
    if let Some(made_from) = expected {
        let current: Option<i64> = sqlx::query_scalar(
            "SELECT revision FROM records WHERE id_key = $1 AND deleted_at IS NULL",
        )
        .bind(id.key())
        .fetch_optional(&mut **tx)
        .await?;
        match current {
            None => return Ok(None),
            Some(current) if current != made_from => {
                return Err(Error::Stale { id: id.to_string(), made_from, current });
            }
            Some(_) => {}
        }
    }
    let deleted = sqlx::query(
        "UPDATE records SET deleted_at = $1, updated_at = $1 WHERE id_key = $2 AND deleted_at IS NULL
         RETURNING id, revision",
    )
    .bind(now)
    .bind(id.key())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(deleted) = deleted else { return Ok(None) };
    let stored_id = parse_id(&deleted.try_get::<String, _>("id")?)?;
    crate::editions::unplace(tx, &stored_id).await?;
    let revision = deleted.try_get("revision")?;
    record_change(tx, &stored_id, "deleted", revision, now, Some((actor, comment))).await?;
    Ok(Some(stored_id))
}

pub(crate) fn summary(row: &AnyRow) -> Result<Summary> {
    let id: String = row.try_get("id")?;
    Ok(Summary {
        id: parse_id(&id)?,
        title: row.try_get("title")?,
        date_printed: row.try_get("date_printed")?,
        date_edtf: row.try_get("date_edtf")?,
    })
}

fn stored_record(row: &AnyRow) -> Result<StoredRecord> {
    stored_record_read(row, Tei::Kept)
}

/// Whether a read keeps a record's TEI fragment.
#[derive(Clone, Copy)]
enum Tei {
    Kept,
    Skipped,
}

fn stored_record_read(row: &AnyRow, tei: Tei) -> Result<StoredRecord> {
    let id: String = row.try_get("id")?;
    let deleted_at: Option<String> = row.try_get("deleted_at")?;
    Ok(StoredRecord {
        record: record_read(row, tei)?,
        revision: row.try_get("revision")?,
        created_at: parse_time(&id, &row.try_get::<String, _>("created_at")?)?,
        updated_at: parse_time(&id, &row.try_get::<String, _>("updated_at")?)?,
        deleted_at: deleted_at.map(|at| parse_time(&id, &at)).transpose()?,
        oai_id: row.try_get::<Option<String>, _>("oai_id")?.unwrap_or_else(|| id.clone()),
    })
}

/// A record from a row of `records` or `record_revisions` (body and provenance columns).
pub(crate) fn record_from_row(row: &AnyRow) -> Result<Record> {
    record_read(row, Tei::Kept)
}

fn record_read(row: &AnyRow, tei: Tei) -> Result<Record> {
    let id = parse_id(&row.try_get::<String, _>("id")?)?;
    let version: i64 = row.try_get("body_version")?;
    let body: Vec<u8> = row.try_get("body")?;
    let read = match tei {
        Tei::Kept => stored::from_body(&id, version, &body),
        Tei::Skipped => stored::from_body_without_tei(&id, version, &body),
    };
    let mut record = read.map_err(|message| Error::corrupt(&id, message))?;
    let path: Option<String> = row.try_get("source_path")?;
    let sha256: Option<String> = row.try_get("source_sha256")?;
    let format: Option<String> = row.try_get("source_format")?;
    let imported_at: Option<String> = row.try_get("imported_at")?;
    if let (Some(source_path), Some(sha256), Some(format), Some(imported_at)) =
        (path, sha256, format, imported_at)
    {
        record.provenance = Some(Provenance {
            source_path,
            sha256,
            format,
            imported_at: parse_time(id.as_str(), &imported_at)?,
        });
    }
    Ok(record)
}

/// A stored id, read back; a bad one is corruption, not the caller's mistake.
pub(crate) fn parse_id(id: &str) -> Result<RecordId> {
    RecordId::parse(id).map_err(|e| Error::Corrupt { id: id.to_string(), message: e.to_string() })
}
