//! The change sequence: one entry per created, updated or deleted record, strictly increasing
//! and never reused, which the search index and OAI-PMH harvesters follow.

use chancery_model::id::RecordId;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::audit::Actor;
use crate::records::parse_id;
use crate::{Error, Result, Store, parse_time};

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
    pub record_id: RecordId,
    /// What happened.
    pub kind: ChangeKind,
    /// The record's revision after the change.
    pub revision: i64,
    /// When.
    pub at: OffsetDateTime,
    /// Who made it (`web:<account>`, `api:<account>`, `cli:<user>`); `None` before schema 8.
    pub actor: Option<String>,
    /// Why, as they said.
    pub comment: Option<String>,
}

impl Store {
    /// Up to `limit` changes after sequence number `after`, in order.
    pub async fn changes_after(&self, after: i64, limit: u32) -> Result<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, record_id, kind, revision, at, actor, comment FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change).collect()
    }

    /// Each record's newest change (so each record at most once, deleted ones as tombstones),
    /// after sequence number `after`, in sequence order, optionally only those made from
    /// `from` to `until` (inclusive, UTC, `YYYY-MM-DDThh:mm:ss`) and only those of records in
    /// collection `collection` or one of its parts. A record changed while a client pages
    /// through this list moves to the end of it: the client sees it again, in its new state, and
    /// never misses it. This is what OAI-PMH harvesters page through.
    pub async fn latest_changes(
        &self,
        after: i64,
        from: Option<&str>,
        until: Option<&str>,
        collection: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Change>> {
        // A collection's parts have ids below it (`v/ch1` under `v`): a range on the indexed
        // column finds them, `/` being followed by `0` in code point order.
        let rows = sqlx::query(
            "SELECT seq, record_id, kind, revision, at, actor, comment FROM changes c
             WHERE seq > $1
               AND NOT EXISTS (SELECT 1 FROM changes d WHERE d.record_id = c.record_id AND d.seq > c.seq)
               AND ($2 IS NULL OR substr(at, 1, 19) >= $2)
               AND ($3 IS NULL OR substr(at, 1, 19) <= $3)
               AND ($4 IS NULL OR EXISTS (SELECT 1 FROM records r WHERE r.id = c.record_id
                      AND (r.collection_id = $4
                           OR (r.collection_id >= $4 || '/' AND r.collection_id < $4 || '0'))))
             ORDER BY seq LIMIT $5",
        )
        .bind(after)
        .bind(from)
        .bind(until)
        .bind(collection)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change).collect()
    }

    /// A record's newest change: its current state, or its tombstone. `None` if the id was
    /// never stored.
    pub async fn latest_change_of(&self, id: &RecordId) -> Result<Option<Change>> {
        let row = sqlx::query(
            "SELECT seq, record_id, kind, revision, at, actor, comment FROM changes
             WHERE record_id = (SELECT id FROM records WHERE id_key = $1)
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(id.key())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(change).transpose()
    }

    /// Every change of one record, oldest first: who made each revision, when and why.
    pub async fn changes_of(&self, id: &RecordId) -> Result<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, record_id, kind, revision, at, actor, comment FROM changes
             WHERE record_id = (SELECT id FROM records WHERE id_key = $1) ORDER BY seq",
        )
        .bind(id.key())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change).collect()
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
}

/// Appends a change inside a write transaction.
pub(crate) async fn record_change(
    tx: &mut Transaction<'static, Any>,
    id: &RecordId,
    kind: &str,
    revision: i64,
    now: &str,
    by: Option<(&Actor, Option<&str>)>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO changes (record_id, kind, revision, at, actor, comment)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.as_str())
    .bind(kind)
    .bind(revision)
    .bind(now)
    .bind(by.map(|(actor, _)| actor.name.as_str()))
    .bind(by.and_then(|(_, comment)| comment))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn change(row: &AnyRow) -> Result<Change> {
    let record_id = parse_id(&row.try_get::<String, _>("record_id")?)?;
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "created" => ChangeKind::Created,
        "updated" => ChangeKind::Updated,
        "deleted" => ChangeKind::Deleted,
        other => return Err(Error::corrupt(&record_id, format!("unknown change kind `{other}`"))),
    };
    let at = parse_time(record_id.as_str(), &row.try_get::<String, _>("at")?)?;
    Ok(Change {
        seq: row.try_get("seq")?,
        record_id,
        kind,
        revision: row.try_get("revision")?,
        at,
        actor: row.try_get("actor")?,
        comment: row.try_get("comment")?,
    })
}
