//! The write path of imports: batches committed all or nothing, and the rules that keep an import
//! from silently replacing what a record held.

use std::collections::HashMap;
use std::fmt;

use chancery_model::authority::{Authority, Collection};
use chancery_model::id::RecordId;
use chancery_model::loss::{Loss, losses};
use chancery_model::record::Record;
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::audit::{Actor, append};
use crate::changes::record_change;
use crate::dialect;
use crate::editions;
use crate::entities::{link_entities, write_entities};
use crate::sources::{SourceFile, write_source};
use crate::{Error, Result, Store, parse_time, stored, timestamp};

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

/// What an import may do to records that are already stored. By default it may update a record
/// with content that keeps what the stored version held, and nothing else: a replacement that
/// would lose fields or text (see `chancery_model::loss`) or that comes from another kind of
/// source (a JSON record over a TEI document) needs `replace`, and a deleted id stays deleted
/// unless `undelete` is given. A byte-identical source is never a loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportPolicy {
    /// Replace stored records even where something would be lost.
    pub replace: bool,
    /// Bring deleted records back.
    pub undelete: bool,
}

/// A record an import would not write under its policy, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The id belongs to a deleted record.
    Deleted {
        /// The record.
        id: RecordId,
        /// The file the import read it from.
        source: String,
        /// When it was deleted.
        deleted_at: OffsetDateTime,
    },
    /// The import would replace the stored version and lose something of it.
    Replace {
        /// The record.
        id: RecordId,
        /// The file the import read it from.
        source: String,
        /// The file the stored version came from.
        stored_from: String,
        /// The stored version's source format and the new one's, when they differ.
        formats: Option<(String, String)>,
        /// What would be lost.
        losses: Vec<Loss>,
    },
    /// The stored version is a curator's edit, which the import would undo.
    Curated {
        /// The record.
        id: RecordId,
        /// The file the import read it from.
        source: String,
        /// Who edited it (`web:<account>`, `api:<account>`).
        actor: String,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Deleted { id, source, deleted_at } => write!(
                f,
                "{source}: record `{id}` was deleted on {}; a deleted id is not reused. If this is the same record, import with --undelete to bring it back",
                deleted_at.date()
            ),
            Refusal::Replace { id, source, stored_from, formats, losses } => {
                write!(
                    f,
                    "{source}: record `{id}` would replace the version stored from {stored_from}"
                )?;
                if let Some((stored, given)) = formats {
                    write!(f, ", a {stored} source, with a {given} one")?;
                }
                if !losses.is_empty() {
                    let listed: Vec<String> = losses.iter().map(ToString::to_string).collect();
                    write!(f, ", and lose {}", listed.join("; "))?;
                }
                write!(f, ". If that is meant, import with --replace")
            }
            Refusal::Curated { id, source, actor } => write!(
                f,
                "{source}: record `{id}` was last changed by {actor} (an edit in Chancery), and this import would undo that edit. If that is meant, import with --replace"
            ),
        }
    }
}

/// An import in progress: one write transaction (see [`Store::begin_import`]).
pub struct ImportBatch {
    tx: Transaction<'static, Any>,
    now: String,
    policy: ImportPolicy,
    /// Ids written so far, with where they came from, to refuse duplicates within the batch.
    seen: HashMap<RecordId, String>,
    refusals: Vec<Refusal>,
    /// Who imports, for the change sequence and the audit log.
    actor: std::sync::Arc<Actor>,
    /// Records created, updated and left unchanged so far.
    counts: [usize; 3],
    /// Events created, updated and left unchanged so far.
    event_counts: [usize; 3],
    /// The comment kept with each change.
    comment: Option<String>,
    /// Who each change names, where not the batch's actor (a replay).
    change_actor: Option<Actor>,
    /// The audit entry's action: `import`, or `replay`.
    audit_action: &'static str,
}

impl ImportBatch {
    /// Adds records (and their source files' bytes) to the batch. Records the policy refuses
    /// are not written and are listed by [`ImportBatch::refusals`]; the others' outcomes are
    /// returned, in order.
    pub async fn add(
        &mut self,
        records: &[Record],
        sources: &[SourceFile],
    ) -> Result<Vec<Outcome>> {
        for record in records {
            let path = source_path(record);
            if let Some(first) = self.seen.insert(record.id.clone(), path.clone()) {
                return Err(Error::DuplicateId { id: record.id.to_string(), first, second: path });
            }
        }
        for source in sources {
            write_source(&mut self.tx, source, &self.now).await?;
        }
        let mut outcomes = Vec::with_capacity(records.len());
        for record in records {
            let actor = self.change_actor.as_ref().unwrap_or(&self.actor);
            let by = (actor, self.comment.as_deref());
            match upsert(&mut self.tx, record, &self.now, self.policy, by).await? {
                Ok(outcome) => {
                    self.counts[outcome.action as usize] += 1;
                    outcomes.push(outcome);
                }
                Err(refusal) => self.refusals.push(refusal),
            }
        }
        Ok(outcomes)
    }

    /// Adds (or replaces) authority entries and collections.
    pub async fn add_entities(
        &mut self,
        authorities: &[Authority],
        collections: &[Collection],
    ) -> Result<()> {
        write_entities(&mut self.tx, authorities, collections).await
    }

    /// Adds or updates persons (see the `persons` module); returns the ids they are stored
    /// under, in order.
    pub async fn add_persons(
        &mut self,
        persons: &[chancery_model::person::Person],
    ) -> Result<Vec<chancery_model::person::PersonId>> {
        let ids = crate::persons::write_persons(&mut self.tx, persons, &self.now).await?;
        // A curator's decisions outlive the import.
        crate::curation::apply_decisions(&mut self.tx).await?;
        Ok(ids)
    }

    /// Adds or updates office holders, posts and appointments (the chiefs-of-mission data).
    pub async fn add_offices(&mut self, offices: &chancery_model::office::Offices) -> Result<()> {
        crate::offices::write_offices(&mut self.tx, offices, &self.now).await
    }

    /// Adds curated events: new ones are created, changed ones keep their last version as a
    /// revision, identical ones are left as they are.
    pub async fn add_events(
        &mut self,
        events: &[chancery_model::event::Event],
    ) -> Result<Vec<crate::EventOutcome>> {
        let outcomes =
            crate::events::write_events(&mut self.tx, events, &self.now, &self.actor.name).await?;
        for outcome in &outcomes {
            self.event_counts[*outcome as usize] += 1;
        }
        Ok(outcomes)
    }

    /// Adds visits and trips (the visits data); one already stored is replaced.
    pub async fn add_visits(&mut self, visits: &[chancery_model::visit::Visit]) -> Result<()> {
        crate::visits::write_visits(&mut self.tx, visits, &self.now).await
    }

    /// Makes this batch a replay of changes made before (a rebuild from the preservation
    /// copy): its changes name `actor` (where the copy kept one) and `comment`, as the original
    /// change did, and its audit entry is a `replay` by the one rebuilding.
    pub fn replaying(&mut self, actor: Option<String>, comment: Option<String>) {
        self.change_actor = actor.map(|name| Actor::new(name, None));
        self.comment = comment;
        self.audit_action = "replay";
    }

    /// The records refused so far; a batch with any cannot be committed.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }

    /// Commits everything added; refused if any record was refused (nothing is written then).
    pub async fn commit(mut self) -> Result<()> {
        if !self.refusals.is_empty() {
            return Err(Error::Refused { count: self.refusals.len() });
        }
        let [created, updated, unchanged] = self.counts;
        let mut detail = format!("{created} created, {updated} updated, {unchanged} unchanged");
        if let [new, changed, same] = self.event_counts
            && new + changed + same > 0
        {
            detail
                .push_str(&format!("; events: {new} created, {changed} updated, {same} unchanged"));
        }
        let (action, comment) = (self.audit_action, self.comment.clone());
        append(
            &mut self.tx,
            &self.actor,
            action,
            None,
            comment.as_deref(),
            Some(&detail),
            &self.now,
        )
        .await?;
        dialect::refresh_statistics(&mut self.tx, created + updated).await?;
        self.tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Imports a batch in one transaction under the default [`ImportPolicy`]: every record is
    /// created, updated or left unchanged, and the source files' bytes are kept; on any error or
    /// refusal nothing is written.
    pub async fn import(
        &self,
        records: &[Record],
        sources: &[SourceFile],
        now: OffsetDateTime,
    ) -> Result<Vec<Outcome>> {
        let mut batch = self.begin_import(now, ImportPolicy::default()).await?;
        let outcomes = batch.add(records, sources).await?;
        batch.commit().await?;
        Ok(outcomes)
    }

    /// Starts an import that may be fed file by file (so that a large corpus never sits in
    /// memory at once) and commits all or nothing: dropping the batch without
    /// [`ImportBatch::commit`] writes nothing.
    pub async fn begin_import(
        &self,
        now: OffsetDateTime,
        policy: ImportPolicy,
    ) -> Result<ImportBatch> {
        let tx = self.begin_write().await?;
        Ok(ImportBatch {
            tx,
            now: timestamp(now),
            policy,
            seen: HashMap::new(),
            refusals: Vec::new(),
            actor: self.actor.clone(),
            counts: [0; 3],
            event_counts: [0; 3],
            comment: None,
            change_actor: None,
            audit_action: "import",
        })
    }
}

/// Writes one record under the policy: its outcome, or why it was refused.
async fn upsert(
    tx: &mut Transaction<'static, Any>,
    record: &Record,
    now: &str,
    policy: ImportPolicy,
    by: (&Actor, Option<&str>),
) -> Result<Result<Outcome, Refusal>> {
    let by = Some(by);
    let body = stored::to_body(record);
    let existing = sqlx::query(
        "SELECT id, body, body_version, revision, deleted_at, source_path, source_sha256, source_format
         FROM records WHERE id_key = $1",
    )
    .bind(record.id.key())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(existing) = existing else {
        write_new(tx, record, now).await?;
        record_change(tx, &record.id, "created", 1, now, by).await?;
        return Ok(Ok(Outcome { id: record.id.clone(), action: Action::Created, revision: 1 }));
    };
    // An id is spelled as it was first stored: the same id in another case is the same record.
    let stored_id: String = existing.try_get("id")?;
    let respelled;
    let record = if stored_id == record.id.as_str() {
        record
    } else {
        respelled = Record { id: crate::records::parse_id(&stored_id)?, ..record.clone() };
        &respelled
    };
    let old_body: Vec<u8> = existing.try_get("body")?;
    let old_version: i64 = existing.try_get("body_version")?;
    let revision: i64 = existing.try_get("revision")?;
    let deleted: Option<String> = existing.try_get("deleted_at")?;
    if let Some(deleted_at) = &deleted
        && !policy.undelete
    {
        return Ok(Err(Refusal::Deleted {
            id: record.id.clone(),
            source: source_path(record),
            deleted_at: parse_time(record.id.as_str(), deleted_at)?,
        }));
    }
    // Compared as JSON, not as stored bytes: a body kept uncompressed (before schema 11) or by
    // another zstd build is unchanged if its content is.
    let unchanged = stored::unpack(old_version, &old_body).is_ok_and(|old| old == body);
    if deleted.is_none() && unchanged {
        return Ok(Ok(Outcome { id: record.id.clone(), action: Action::Unchanged, revision }));
    }
    let stored_sha256: Option<String> = existing.try_get("source_sha256")?;
    let same_source =
        record.provenance.as_ref().is_some_and(|p| Some(&p.sha256) == stored_sha256.as_ref());
    if deleted.is_none() && !policy.replace {
        // A curator's edit is not undone by an import of the file it was made from.
        let last: Option<Option<String>> = sqlx::query_scalar(
            "SELECT actor FROM changes WHERE record_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(record.id.as_str())
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(actor) =
            last.flatten().filter(|a| a.starts_with("web:") || a.starts_with("api:"))
        {
            return Ok(Err(Refusal::Curated {
                id: record.id.clone(),
                source: source_path(record),
                actor,
            }));
        }
    }
    if deleted.is_none() && !policy.replace && !same_source {
        let old = stored::from_body(&record.id, old_version, &old_body)
            .map_err(|message| Error::corrupt(&record.id, message))?;
        let stored_format: Option<String> = existing.try_get("source_format")?;
        let formats = match (stored_format, record.provenance.as_ref()) {
            (Some(stored), Some(given)) if stored != given.format => {
                Some((stored, given.format.clone()))
            }
            _ => None,
        };
        let losses = losses(&old, record);
        if formats.is_some() || !losses.is_empty() {
            let stored_from: Option<String> = existing.try_get("source_path")?;
            return Ok(Err(Refusal::Replace {
                id: record.id.clone(),
                source: source_path(record),
                stored_from: stored_from.unwrap_or_else(|| "(no source)".into()),
                formats,
                losses,
            }));
        }
    }
    let new_revision = replace_current(tx, record, &body, revision, now).await?;
    let (kind, action) =
        if deleted.is_some() { ("created", Action::Created) } else { ("updated", Action::Updated) };
    record_change(tx, &record.id, kind, new_revision, now, by).await?;
    Ok(Ok(Outcome { id: record.id.clone(), action, revision: new_revision }))
}

/// Writes a record that was never stored, as revision 1.
pub(crate) async fn write_new(
    tx: &mut Transaction<'static, Any>,
    record: &Record,
    now: &str,
) -> Result<()> {
    write_row(tx, record, &stored::to_body(record), 1, now).await?;
    link_entities(tx, record, false).await
}

/// Moves a record's current version (revision `revision`) to its revisions and writes `record`
/// as the next one, clearing a tombstone. Returns the new revision.
pub(crate) async fn replace_current(
    tx: &mut Transaction<'static, Any>,
    record: &Record,
    body: &str,
    revision: i64,
    now: &str,
) -> Result<i64> {
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
    write_row(tx, record, body, new_revision, now).await?;
    link_entities(tx, record, true).await?;
    Ok(new_revision)
}

/// Writes a record's row: inserts it, or replaces the current version (clearing a tombstone) and
/// keeps its creation time. `body` is the record's JSON ([`stored::to_body`]); it is stored packed.
async fn write_row(
    tx: &mut Transaction<'static, Any>,
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
                              revision, created_at, updated_at, collection_id, id_key, oai_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $1)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, date_printed = excluded.date_printed,
             date_edtf = excluded.date_edtf, date_min = excluded.date_min, date_max = excluded.date_max,
             doc_type = excluded.doc_type, body = excluded.body, body_version = excluded.body_version,
             source_path = excluded.source_path, source_sha256 = excluded.source_sha256,
             source_format = excluded.source_format, imported_at = excluded.imported_at,
             revision = excluded.revision, updated_at = excluded.updated_at, deleted_at = NULL,
             collection_id = excluded.collection_id",
    )
    .bind(record.id.as_str())
    .bind(&record.title)
    .bind(&record.date.printed)
    .bind(record.date.edtf.map(|e| e.to_string()))
    .bind(min.map(|d| d.to_string()))
    .bind(max.map(|d| d.to_string()))
    .bind(record.doc_type.map(|t| t.key()))
    .bind(stored::pack(body))
    .bind(stored::PACKED_BODY_VERSION)
    .bind(provenance.map(|p| p.source_path.as_str()))
    .bind(provenance.map(|p| p.sha256.as_str()))
    .bind(provenance.map(|p| p.format.as_str()))
    .bind(provenance.map(|p| timestamp(p.imported_at)))
    .bind(revision)
    .bind(now)
    .bind(record.collection_id.as_deref())
    .bind(record.id.key())
    .execute(&mut **tx)
    .await?;
    editions::place(tx, record).await
}

fn source_path(record: &Record) -> String {
    record.provenance.as_ref().map_or_else(|| "(no source)".to_string(), |p| p.source_path.clone())
}
