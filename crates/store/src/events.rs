//! Curated events between two parties (`model::event`), kept with revisions: an import writes a
//! new event, leaves an identical one as it is, and moves a changed one's last version to
//! `event_revisions` before writing the new one, with when and by whom.

use chancery_model::event::{Event, EventKind};
use chancery_model::id::RecordId;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Error, Result, Store};

/// An event as stored: the event, its revision and when it was last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The event.
    pub event: Event,
    /// 1 for the first version, +1 per change.
    pub revision: i64,
    /// When its current version was written (`YYYY-MM-DDThh:mm:ssZ`).
    pub updated_at: String,
    /// Who wrote it.
    pub actor: Option<String>,
}

/// An event's earlier version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRevision {
    /// The event as it was.
    pub event: Event,
    /// Its revision then.
    pub revision: i64,
    /// When a later version replaced it.
    pub replaced_at: String,
    /// Who had written it.
    pub actor: Option<String>,
}

/// What one event's import did (in this order: the audit entry counts them by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// A new event.
    Created,
    /// A changed event: its last version kept as a revision.
    Updated,
    /// The same event: nothing written.
    Unchanged,
}

/// The stored shape of an event (the id and revision are columns).
#[derive(Serialize, Deserialize)]
struct Body {
    date: String,
    kind: String,
    parties: [String; 2],
    statement: String,
    evidence: Vec<String>,
    sources: Vec<String>,
}

fn body(event: &Event) -> String {
    serde_json::to_string(&Body {
        date: event.date.to_string(),
        kind: event.kind.key().to_string(),
        parties: event.parties.clone(),
        statement: event.statement.clone(),
        evidence: event.evidence.iter().map(|e| e.as_str().to_string()).collect(),
        sources: event.sources.clone(),
    })
    .expect("bodies serialize")
}

fn from_body(id: &str, text: &str) -> Result<Event> {
    let corrupt = |why: String| Error::corrupt_row(&format!("event {id}"), why);
    let body: Body = serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
    Ok(Event {
        id: id.to_string(),
        date: body.date.parse().map_err(|e| corrupt(format!("date: {e}")))?,
        kind: EventKind::from_key(&body.kind)
            .ok_or_else(|| corrupt(format!("kind `{}`", body.kind)))?,
        parties: body.parties,
        statement: body.statement,
        evidence: body
            .evidence
            .iter()
            .map(|e| RecordId::parse(e).map_err(|err| corrupt(format!("evidence: {err}"))))
            .collect::<Result<_>>()?,
        sources: body.sources,
    })
}

fn stored_event(row: &AnyRow) -> Result<StoredEvent> {
    let id: String = row.try_get("id")?;
    Ok(StoredEvent {
        event: from_body(&id, &row.try_get::<String, _>("body")?)?,
        revision: row.try_get("revision")?,
        updated_at: row.try_get("updated_at")?,
        actor: row.try_get("actor")?,
    })
}

/// Writes events inside an import's transaction.
pub(crate) async fn write_events(
    tx: &mut Transaction<'static, Any>,
    events: &[Event],
    now: &str,
    actor: &str,
) -> Result<Vec<EventOutcome>> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let text = body(event);
        let old: Option<(String, i64, String, Option<String>)> =
            sqlx::query("SELECT body, revision, updated_at, actor FROM events WHERE id = $1")
                .bind(&event.id)
                .fetch_optional(&mut **tx)
                .await?
                .map(|row| -> Result<_> {
                    Ok((
                        row.try_get("body")?,
                        row.try_get("revision")?,
                        row.try_get("updated_at")?,
                        row.try_get("actor")?,
                    ))
                })
                .transpose()?;
        let revision = match &old {
            Some((old_body, _, _, _)) if *old_body == text => {
                out.push(EventOutcome::Unchanged);
                continue;
            }
            Some((old_body, revision, _, old_actor)) => {
                sqlx::query(
                    "INSERT INTO event_revisions (event_id, revision, body, replaced_at, actor)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&event.id)
                .bind(*revision)
                .bind(old_body)
                .bind(now)
                .bind(old_actor.as_deref())
                .execute(&mut **tx)
                .await?;
                out.push(EventOutcome::Updated);
                revision + 1
            }
            None => {
                out.push(EventOutcome::Created);
                1
            }
        };
        let date_min = event.date.bounds().0.map(|d| d.to_string());
        sqlx::query(
            "INSERT INTO events (id, party_a, party_b, date_edtf, date_min, kind, body, revision,
                 updated_at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET party_a = excluded.party_a,
                 party_b = excluded.party_b, date_edtf = excluded.date_edtf,
                 date_min = excluded.date_min, kind = excluded.kind, body = excluded.body,
                 revision = excluded.revision, updated_at = excluded.updated_at,
                 actor = excluded.actor",
        )
        .bind(&event.id)
        .bind(&event.parties[0])
        .bind(&event.parties[1])
        .bind(event.date.to_string())
        .bind(date_min)
        .bind(event.kind.key())
        .bind(text)
        .bind(revision)
        .bind(now)
        .bind(actor)
        .execute(&mut **tx)
        .await?;
    }
    Ok(out)
}

impl Store {
    /// Every curated event, by date (then id).
    pub async fn events(&self) -> Result<Vec<StoredEvent>> {
        let rows = sqlx::query(
            "SELECT id, body, revision, updated_at, actor FROM events
             ORDER BY date_min, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_event).collect()
    }

    /// The curated events between two parties as a file names them (either order), by date.
    pub async fn events_between(&self, a: &str, b: &str) -> Result<Vec<StoredEvent>> {
        let rows = sqlx::query(
            "SELECT id, body, revision, updated_at, actor FROM events
             WHERE (party_a = $1 AND party_b = $2) OR (party_a = $2 AND party_b = $1)
             ORDER BY date_min, id",
        )
        .bind(a)
        .bind(b)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_event).collect()
    }

    /// An event's earlier versions, oldest first.
    pub async fn event_revisions(&self, id: &str) -> Result<Vec<EventRevision>> {
        let rows = sqlx::query(
            "SELECT event_id, body, revision, replaced_at, actor FROM event_revisions
             WHERE event_id = $1 ORDER BY revision",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("event_id")?;
                Ok(EventRevision {
                    event: from_body(&id, &row.try_get::<String, _>("body")?)?,
                    revision: row.try_get("revision")?,
                    replaced_at: row.try_get("replaced_at")?,
                    actor: row.try_get("actor")?,
                })
            })
            .collect()
    }
}
