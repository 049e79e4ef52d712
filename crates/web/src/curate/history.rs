//! A record's history: its revisions with who made each, when and why; a field-by-field diff of
//! any two; the record as it was at a time; and restoring an earlier revision as a new one.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chancery_model::record::Record;
use chancery_store::{ChangeKind, Draft, Role, StoredRecord};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::Shared;
use crate::auth::{Curator, Refused};
use crate::curate::diff::{FieldChange, record_diff};
use crate::curate::edit::refusal;
use crate::curate::{Desk, history_path, record_id};
use crate::error::{PageError, PageQuery};

/// One line of the history.
pub(crate) struct Line {
    pub(crate) revision: i64,
    pub(crate) what: &'static str,
    pub(crate) at: String,
    pub(crate) actor: String,
    pub(crate) comment: String,
}

#[derive(Template)]
#[template(path = "curate/history.html")]
struct HistoryPage {
    desk: Desk,
    id: String,
    title: String,
    lines: Vec<Line>,
    current: Option<i64>,
    deleted: bool,
    draft: Option<Draft>,
    public_path: String,
}

#[derive(Deserialize)]
pub(crate) struct HistoryQuery {
    id: String,
}

/// The history page.
pub(crate) async fn history(
    State(archive): State<Shared>,
    curator: Curator,
    PageQuery(query): PageQuery<HistoryQuery>,
) -> Result<Response, Refused> {
    let id = record_id(&query.id)?;
    let stored = archive.store.current_or_withdrawn(&id).await?;
    let draft = archive.store.draft(&id).await?;
    if stored.is_none() && draft.is_none() {
        return Err(PageError::not_found(format!("There is no record or draft `{id}`.")).into());
    }
    let lines = archive
        .store
        .changes_of(&id)
        .await?
        .into_iter()
        .rev()
        .map(|c| Line {
            revision: c.revision,
            what: match c.kind {
                ChangeKind::Created => "created",
                ChangeKind::Updated => "updated",
                ChangeKind::Deleted => "deleted",
            },
            at: c.at.format(&Rfc3339).unwrap_or_default(),
            actor: c.actor.unwrap_or_else(|| "(not recorded)".into()),
            comment: c.comment.unwrap_or_default(),
        })
        .collect();
    let title = stored
        .as_ref()
        .map(|s| s.record.title.clone())
        .or_else(|| draft.as_ref().map(|d| d.record.title.clone()))
        .unwrap_or_default();
    let id = stored.as_ref().map_or(id, |s| s.record.id.clone());
    let page = HistoryPage {
        desk: Desk::new(&format!("History of {id}"), &curator),
        public_path: crate::html::chrome::record_path(&id),
        id: id.to_string(),
        title,
        lines,
        current: stored.as_ref().map(|s| s.revision),
        deleted: stored.as_ref().is_some_and(|s| s.deleted_at.is_some()),
        draft,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "curate/diff.html")]
struct DiffPage {
    desk: Desk,
    id: String,
    from: String,
    to: String,
    changes: Vec<FieldChange>,
    history: String,
}

#[derive(Deserialize)]
pub(crate) struct DiffQuery {
    id: String,
    from: String,
    to: String,
}

/// A version by name: a revision number, or `draft`.
async fn version(
    archive: &Shared,
    id: &chancery_model::id::RecordId,
    which: &str,
) -> Result<Option<Record>, Refused> {
    if which == "draft" {
        return Ok(archive.store.draft(id).await?.map(|d| d.record));
    }
    let Ok(revision) = which.parse::<i64>() else {
        return Err(PageError::bad_request(format!(
            "`{which}` is not a revision number or `draft`"
        ))
        .into());
    };
    Ok(archive.store.at_revision(id, revision).await?)
}

/// The diff of two versions.
pub(crate) async fn diff(
    State(archive): State<Shared>,
    curator: Curator,
    PageQuery(query): PageQuery<DiffQuery>,
) -> Result<Response, Refused> {
    let id = record_id(&query.id)?;
    let (Some(old), Some(new)) =
        (version(&archive, &id, &query.from).await?, version(&archive, &id, &query.to).await?)
    else {
        return Err(PageError::not_found(format!(
            "`{id}` has no version `{}` or `{}`.",
            query.from, query.to
        ))
        .into());
    };
    let page = DiffPage {
        desk: Desk::new(&format!("Changes to {id}"), &curator),
        changes: record_diff(Some(&old), Some(&new)),
        history: history_path(&id),
        id: id.to_string(),
        from: query.from,
        to: query.to,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "curate/view.html")]
struct ViewPage {
    desk: Desk,
    id: String,
    at: String,
    revision: Option<i64>,
    withdrawn: bool,
    fields: Vec<FieldChange>,
    history: String,
}

#[derive(Deserialize)]
pub(crate) struct ViewQuery {
    id: String,
    at: String,
}

/// Reads `2026-12-01`, `2026-12-01T10:00` or a full RFC 3339 time (UTC unless it says), as the
/// end of what it names.
fn moment(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at);
    }
    let full = match text.len() {
        10 => format!("{text}T23:59:59Z"),
        16 => format!("{text}:59Z"),
        19 => format!("{text}Z"),
        _ => return None,
    };
    OffsetDateTime::parse(&full, &Rfc3339).ok()
}

/// The record as it was at a time (`?at=`): its newest change then, shown field by field.
pub(crate) async fn view(
    State(archive): State<Shared>,
    curator: Curator,
    PageQuery(query): PageQuery<ViewQuery>,
) -> Result<Response, Refused> {
    let id = record_id(&query.id)?;
    let at = moment(&query.at).ok_or_else(|| {
        Refused::Failed(PageError::bad_request(format!(
            "`{}` is not a time: write 2026-12-01, 2026-12-01T10:00 or an RFC 3339 time",
            query.at
        )))
    })?;
    let then = archive.store.changes_of(&id).await?.into_iter().rev().find(|c| c.at <= at);
    let (revision, withdrawn, record) = match &then {
        Some(change) => (
            Some(change.revision),
            change.kind == ChangeKind::Deleted,
            archive.store.at_revision(&id, change.revision).await?,
        ),
        None => (None, false, None),
    };
    let fields = record_diff(None, record.as_ref().filter(|_| !withdrawn));
    let page = ViewPage {
        desk: Desk::new(&format!("{id} as it was"), &curator),
        history: history_path(&id),
        id: id.to_string(),
        at: query.at,
        revision,
        withdrawn,
        fields,
    };
    Ok(Html(page.render()?).into_response())
}

/// Brings an earlier revision back as the newest (editors).
pub(crate) async fn restore(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let fields = curator.form(&archive, &headers, &body, Role::Editor)?;
    let id = record_id(fields.text("id"))?;
    let Some(revision) = fields.number("revision") else {
        return Err(PageError::bad_request("the form has no `revision`").into());
    };
    let current: Option<StoredRecord> = archive.store.current_or_withdrawn(&id).await?;
    if current.as_ref().map(|c| c.revision) != fields.number("current") {
        return Err(refusal(chancery_store::Error::Stale {
            id: id.to_string(),
            made_from: fields.number("current").unwrap_or(0),
            current: current.map_or(0, |c| c.revision),
        }));
    }
    if archive.store.draft(&id).await?.is_some() {
        return Err(refusal(chancery_store::Error::Rejected(format!(
            "`{id}` has a draft: publish or discard it before restoring a revision"
        ))));
    }
    let now = archive.config.clock.now();
    curator
        .store(&archive)
        .revert(&id, revision, now, Some(fields.text("comment")))
        .await
        .map_err(refusal)?;
    Ok(Redirect::to(&history_path(&id)).into_response())
}
