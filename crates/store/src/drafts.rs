//! Curated writes: drafts kept apart from published records, publishing, unpublishing, and an
//! editor's direct save. Every one checks the revision (and draft version) it was made from, so
//! that a save over a newer version is refused rather than silently undoing it; every one appends
//! its audit entry and records who made the change and why in the same transaction.
//!
//! A draft is not a record: it lives in `drafts` only, so nothing that reads records (pages,
//! search, OAI-PMH, the sitemap, the API, the preservation copy) can show it before it is
//! published.

use chancery_model::id::RecordId;
use chancery_model::record::Record;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::audit::{append, check_comment};
use crate::changes::record_change;
use crate::imports::{Action, Outcome, replace_current, write_new};
use crate::records::parse_id;
use crate::{Error, Result, Store, parse_time, stored, timestamp};

/// The most drafts one listing gives (the curators' dashboard).
pub const MAX_DRAFTS_LISTED: u32 = 1000;

/// A record not yet published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The record as the draft has it.
    pub record: Record,
    /// The published revision it was made from; `None` for a new record.
    pub base_revision: Option<i64>,
    /// How many times it was saved: a save must name the version it was made from.
    pub version: i64,
    /// Who saved it last.
    pub account: String,
    /// Why, as they said.
    pub comment: String,
    /// When.
    pub saved_at: OffsetDateTime,
}

/// Which version of a record an edit was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base {
    /// The published revision (`None`: a new record).
    pub revision: Option<i64>,
    /// The draft version (`None`: no draft).
    pub draft: Option<i64>,
}

impl Store {
    /// The draft of a record, if there is one.
    pub async fn draft(&self, id: &RecordId) -> Result<Option<Draft>> {
        let row = sqlx::query(
            "SELECT d.record_id, d.body, d.body_version, d.base_revision, d.version, d.comment,
                    d.saved_at, a.name FROM drafts d JOIN accounts a ON a.id = d.account_id
             WHERE d.id_key = $1",
        )
        .bind(id.key())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(draft).transpose()
    }

    /// The drafts, most recently saved first (at most [`MAX_DRAFTS_LISTED`]).
    pub async fn drafts(&self) -> Result<Vec<Draft>> {
        let rows = sqlx::query(
            "SELECT d.record_id, d.body, d.body_version, d.base_revision, d.version, d.comment,
                    d.saved_at, a.name FROM drafts d JOIN accounts a ON a.id = d.account_id
             ORDER BY d.saved_at DESC LIMIT $1",
        )
        .bind(i64::from(MAX_DRAFTS_LISTED))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(draft).collect()
    }

    /// Saves a draft of `record`, made from `base`. Refused when the record was published or
    /// the draft saved since `base` (with [`Error::Stale`]), or when a new record's id is taken.
    pub async fn save_draft(
        &self,
        record: &Record,
        base: Base,
        comment: &str,
        now: OffsetDateTime,
    ) -> Result<Draft> {
        let comment = check_comment(comment)?;
        let account = self
            .actor
            .account
            .ok_or_else(|| Error::Rejected("drafts are saved by a curator's account".into()))?;
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        check_base(&mut tx, &record.id, base).await?;
        let version = base.draft.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO drafts (id_key, record_id, body, body_version, base_revision, version,
                                 account_id, comment, saved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id_key) DO UPDATE SET body = excluded.body,
                 body_version = excluded.body_version, version = excluded.version,
                 account_id = excluded.account_id, comment = excluded.comment,
                 saved_at = excluded.saved_at",
        )
        .bind(record.id.key())
        .bind(record.id.as_str())
        .bind(stored::pack(&stored::to_body(record)))
        .bind(stored::PACKED_BODY_VERSION)
        .bind(base.revision)
        .bind(version)
        .bind(account)
        .bind(comment)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        let detail = format!("draft version {version}");
        append(
            &mut tx,
            &self.actor,
            "draft-save",
            Some(record.id.as_str()),
            Some(comment),
            Some(&detail),
            &at,
        )
        .await?;
        tx.commit().await?;
        self.draft(&record.id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no draft of `{}`", record.id)))
    }

    /// Throws a draft away (the published record, if any, is untouched).
    pub async fn discard_draft(
        &self,
        id: &RecordId,
        version: i64,
        now: OffsetDateTime,
    ) -> Result<()> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM drafts WHERE id_key = $1 AND version = $2")
            .bind(id.key())
            .bind(version)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(Error::NotFound(format!(
                "no draft of `{id}` at version {version}: it was saved or discarded since"
            )));
        }
        append(&mut tx, &self.actor, "draft-discard", Some(id.as_str()), None, None, &at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a record's draft (at draft version `version`): it becomes the record's newest
    /// revision, with the draft's comment, and the draft is gone.
    pub async fn publish(
        &self,
        id: &RecordId,
        version: i64,
        now: OffsetDateTime,
    ) -> Result<Outcome> {
        let found = self
            .draft(id)
            .await?
            .filter(|d| d.version == version)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "no draft of `{id}` at version {version}: it was saved, published or discarded since"
                ))
            })?;
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        check_base(&mut tx, id, Base { revision: found.base_revision, draft: Some(version) })
            .await?;
        let outcome =
            write_curated(&mut tx, self, &found.record, found.base_revision, &found.comment, &at)
                .await?;
        sqlx::query("DELETE FROM drafts WHERE id_key = $1")
            .bind(id.key())
            .execute(&mut *tx)
            .await?;
        let detail = format!("revision {}, draft by {}", outcome.revision, found.account);
        append(
            &mut tx,
            &self.actor,
            "publish",
            Some(outcome.id.as_str()),
            Some(&found.comment),
            Some(&detail),
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// An editor's save that publishes at once: `record` becomes the newest revision, if the
    /// record is still at `base_revision` (`None`: a new record). A draft of it is refused over
    /// (publish or discard it first).
    pub async fn save_published(
        &self,
        record: &Record,
        base_revision: Option<i64>,
        comment: &str,
        now: OffsetDateTime,
    ) -> Result<Outcome> {
        let comment = check_comment(comment)?;
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        check_base(&mut tx, &record.id, Base { revision: base_revision, draft: None }).await?;
        let outcome = write_curated(&mut tx, self, record, base_revision, comment, &at).await?;
        let detail = format!("revision {}", outcome.revision);
        append(
            &mut tx,
            &self.actor,
            "edit",
            Some(outcome.id.as_str()),
            Some(comment),
            Some(&detail),
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Withdraws a published record: harvesters see it deleted (its tombstone), and its last
    /// version becomes a draft, to be published again when ready.
    pub async fn unpublish(
        &self,
        id: &RecordId,
        revision: i64,
        comment: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        let comment = check_comment(comment)?;
        let account = self.actor.account.ok_or_else(|| {
            Error::Rejected("records are unpublished by a curator's account".into())
        })?;
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT version FROM drafts WHERE id_key = $1")
                .bind(id.key())
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_some() {
            return Err(Error::Rejected(format!(
                "`{id}` has a draft: publish or discard it before unpublishing"
            )));
        }
        // The revision is checked inside the write: a save that came first is not deleted unseen.
        let stored_id =
            crate::records::tombstone(&mut tx, id, Some(revision), &at, &self.actor, Some(comment))
                .await?
                .ok_or_else(|| Error::NotFound(format!("no published record `{id}`")))?;
        sqlx::query(
            "INSERT INTO drafts (id_key, record_id, body, body_version, base_revision, version,
                                 account_id, comment, saved_at)
             SELECT id_key, id, body, body_version, NULL, 1, $2, $3, $4 FROM records WHERE id_key = $1",
        )
        .bind(id.key())
        .bind(account)
        .bind(comment)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            &self.actor,
            "unpublish",
            Some(stored_id.as_str()),
            Some(comment),
            None,
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Refuses an edit made from a version that is no longer the newest.
async fn check_base(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &RecordId,
    base: Base,
) -> Result<()> {
    let current = sqlx::query("SELECT revision, deleted_at FROM records WHERE id_key = $1")
        .bind(id.key())
        .fetch_optional(&mut **tx)
        .await?;
    let published = match &current {
        Some(row) if row.try_get::<Option<String>, _>("deleted_at")?.is_none() => {
            Some(row.try_get::<i64, _>("revision")?)
        }
        _ => None,
    };
    match (base.revision, published, &current) {
        (Some(made_from), Some(now), _) if made_from != now => {
            return Err(Error::Stale { id: id.to_string(), made_from, current: now });
        }
        (Some(made_from), None, _) => {
            return Err(Error::Stale { id: id.to_string(), made_from, current: 0 });
        }
        (None, Some(now), _) => {
            return Err(Error::Stale { id: id.to_string(), made_from: 0, current: now });
        }
        // A deleted id is never given to another record; an unpublished one comes back
        // through its draft.
        (None, None, Some(_)) if base.draft.is_none() => {
            return Err(Error::Rejected(format!(
                "`{id}` belongs to a deleted record; a deleted id is not reused: choose another"
            )));
        }
        _ => {}
    }
    let draft: Option<i64> = sqlx::query_scalar("SELECT version FROM drafts WHERE id_key = $1")
        .bind(id.key())
        .fetch_optional(&mut **tx)
        .await?;
    if draft != base.draft {
        return Err(Error::StaleDraft {
            id: id.to_string(),
            made_from: base.draft,
            current: draft,
        });
    }
    Ok(())
}

/// Writes a curated version of a record: created, or the next revision of `base_revision`.
async fn write_curated(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    store: &Store,
    record: &Record,
    base_revision: Option<i64>,
    comment: &str,
    at: &str,
) -> Result<Outcome> {
    let stored_id: Option<(String, i64)> =
        sqlx::query_as("SELECT id, revision FROM records WHERE id_key = $1")
            .bind(record.id.key())
            .fetch_optional(&mut **tx)
            .await?;
    let by = Some((&*store.actor, Some(comment)));
    match (base_revision, stored_id) {
        (Some(_), Some((id, revision))) | (None, Some((id, revision))) => {
            // A record keeps the spelling of its id; an unpublished one comes back.
            let record = Record { id: parse_id(&id)?, ..record.clone() };
            let body = stored::to_body(&record);
            let new_revision = replace_current(tx, &record, &body, revision, at).await?;
            let kind = if base_revision.is_some() { "updated" } else { "created" };
            record_change(tx, &record.id, kind, new_revision, at, by).await?;
            let action = if kind == "created" { Action::Created } else { Action::Updated };
            Ok(Outcome { id: record.id, action, revision: new_revision })
        }
        (_, None) => {
            write_new(tx, record, at).await?;
            record_change(tx, &record.id, "created", 1, at, by).await?;
            Ok(Outcome { id: record.id.clone(), action: Action::Created, revision: 1 })
        }
    }
}

fn draft(row: &AnyRow) -> Result<Draft> {
    let id = parse_id(&row.try_get::<String, _>("record_id")?)?;
    let body: Vec<u8> = row.try_get("body")?;
    let record = stored::from_body(&id, row.try_get("body_version")?, &body)
        .map_err(|message| Error::corrupt(&id, message))?;
    Ok(Draft {
        record,
        base_revision: row.try_get("base_revision")?,
        version: row.try_get("version")?,
        account: row.try_get("name")?,
        comment: row.try_get("comment")?,
        saved_at: parse_time(id.as_str(), &row.try_get::<String, _>("saved_at")?)?,
    })
}
