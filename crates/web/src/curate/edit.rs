//! Editing a record in the browser: the form, saving a draft or publishing, and the actions on
//! a record (publish a draft, discard it, unpublish, delete).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chancery_model::doc_type::DocType;
use chancery_model::id::RecordId;
use chancery_model::record::{Record, RecordKind};
use chancery_store::{Base, Role};
use serde::Deserialize;

use crate::Shared;
use crate::auth::forms::Fields;
use crate::auth::{Curator, Refused};
use crate::curate::diff::{FieldChange, record_diff};
use crate::curate::record_form::{RecordForm, TextForm};
use crate::curate::{Desk, history_path, record_id};
use crate::error::{PageError, PageQuery};

#[derive(Deserialize)]
pub(crate) struct IdQuery {
    id: String,
}

#[derive(Template)]
#[template(path = "curate/edit.html")]
struct EditPage {
    desk: Desk,
    form: RecordForm,
    is_new: bool,
    base_revision: Option<i64>,
    draft_version: Option<i64>,
    comment: String,
    problem: Option<String>,
    /// For a refused stale save: what changed since the edit began, and the edit itself.
    since: Vec<FieldChange>,
    mine: Vec<FieldChange>,
    doc_types: Vec<(&'static str, &'static str)>,
    record_kinds: Vec<(&'static str, &'static str)>,
    text_kinds: Vec<&'static str>,
    shown_from_tei: bool,
    /// How the archive reads the record's correspondents: the persons, organizations and
    /// countries of its authorities each name resolves to (as saved; shown on opening).
    names: Vec<crate::people::Resolution>,
}

impl EditPage {
    fn new(curator: &Curator, form: RecordForm, is_new: bool) -> EditPage {
        let title = if is_new { "New record".to_string() } else { format!("Edit {}", form.id) };
        EditPage {
            desk: Desk::new(&title, curator),
            form,
            is_new,
            base_revision: None,
            draft_version: None,
            comment: String::new(),
            problem: None,
            since: Vec::new(),
            mine: Vec::new(),
            doc_types: DocType::ALL.iter().map(|t| (t.key(), t.label())).collect(),
            record_kinds: RecordKind::ALL.iter().map(|k| (k.key(), k.label())).collect(),
            text_kinds: ["translation", "transcript", "original", "other"].to_vec(),
            shown_from_tei: false,
            names: Vec::new(),
        }
    }

    fn respond(self, status: StatusCode) -> Result<Response, Refused> {
        Ok((status, Html(self.render()?)).into_response())
    }
}

fn with_empty_text(mut form: RecordForm) -> RecordForm {
    form.texts.push(TextForm { kind: "translation".into(), ..TextForm::default() });
    form
}

/// The form for a new record.
pub(crate) async fn new_form(curator: Curator) -> Result<Response, Refused> {
    let form = with_empty_text(RecordForm { kind: "document".into(), ..RecordForm::default() });
    EditPage::new(&curator, form, true).respond(StatusCode::OK)
}

/// The form for a record: its draft if it has one, else its published version.
pub(crate) async fn form(
    State(archive): State<Shared>,
    curator: Curator,
    PageQuery(query): PageQuery<IdQuery>,
) -> Result<Response, Refused> {
    let id = record_id(&query.id)?;
    let (record, base_revision, draft_version) = match archive.store.draft(&id).await? {
        Some(draft) => (draft.record, draft.base_revision, Some(draft.version)),
        None => match archive.store.get(&id).await? {
            Some(stored) => (stored.record, Some(stored.revision), None),
            None => {
                return Err(
                    PageError::not_found(format!("There is no record or draft `{id}`.")).into()
                );
            }
        },
    };
    let mut page =
        EditPage::new(&curator, with_empty_text(RecordForm::from_record(&record)), false);
    page.base_revision = base_revision;
    page.draft_version = draft_version;
    page.shown_from_tei = record.tei.is_some();
    page.names = crate::people::resolve_record(&archive, &record).await?;
    page.respond(StatusCode::OK)
}

/// Saves the form: as a draft, or (an editor) published at once.
pub(crate) async fn save(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let fields = curator.form(&archive, &headers, &body, Role::Contributor)?;
    let publish = fields.get("action") == Some("publish");
    if publish {
        curator.require(Role::Editor)?;
    }
    let is_new = fields.get("new") == Some("1");
    let base_revision = fields.number("base_revision");
    let draft_version = fields.number("draft_version");
    let comment = fields.text("comment").to_string();
    let form = RecordForm::from_fields(&fields);
    // The version the form was made from: the draft, or the published revision.
    let base: Option<Record> = if is_new {
        None
    } else {
        let id = record_id(fields.text("id"))?;
        let from_draft = match draft_version {
            Some(_) => archive.store.draft(&id).await?.map(|d| d.record),
            None => None,
        };
        match (from_draft, base_revision) {
            (Some(record), _) => Some(record),
            (None, Some(revision)) => archive.store.at_revision(&id, revision).await?,
            (None, None) => None,
        }
    };
    if !is_new && base.is_none() {
        return Err(
            PageError::not_found("The record or draft this form was made from is gone.").into()
        );
    }
    let page_for = |form: RecordForm| {
        let mut page = EditPage::new(&curator, with_empty_text(form), is_new);
        page.base_revision = base_revision;
        page.draft_version = draft_version;
        page.comment = comment.clone();
        page
    };
    let record = match form.into_record(base.as_ref()) {
        Ok(record) => record,
        Err(form) => {
            let mut page = page_for(*form);
            page.problem = Some("Nothing was saved: correct what is marked below.".into());
            return page.respond(StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let store = curator.store(&archive);
    let now = archive.config.clock.now();
    let revision_base = if is_new { None } else { base_revision };
    let saved = if publish && draft_version.is_none() {
        store.save_published(&record, revision_base, &comment, now).await.map(|_| ())
    } else {
        let base = Base { revision: revision_base, draft: draft_version };
        match store.save_draft(&record, base, &comment, now).await {
            Ok(draft) if publish => store.publish(&record.id, draft.version, now).await.map(|_| ()),
            Ok(_) => Ok(()),
            Err(error) => Err(error),
        }
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&history_path(&record.id)).into_response()),
        // A new record whose id is taken, by a record or a draft: a problem of the id field.
        Err(chancery_store::Error::Stale { .. } | chancery_store::Error::StaleDraft { .. })
            if is_new =>
        {
            let mut form = RecordForm::from_record(&record);
            form.errors.insert(
                "id".to_string(),
                format!("`{}` is taken by a record or a draft: choose another id", record.id),
            );
            let mut page = page_for(form);
            page.problem = Some("Nothing was saved: correct what is marked below.".into());
            page.respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(chancery_store::Error::Stale { .. } | chancery_store::Error::StaleDraft { .. }) => {
            // What changed since the edit began, and what this edit changes, side by side.
            let newest = match archive.store.draft(&record.id).await? {
                Some(draft) => Some(draft.record),
                None => archive.store.get(&record.id).await?.map(|s| s.record),
            };
            let mut page = page_for(RecordForm::from_record(&record));
            page.problem = Some(format!(
                "Nothing was saved: `{}` was changed since you began this edit. Below is what changed since, and what your edit changes; open the newest version and make your edit again.",
                record.id
            ));
            page.since = record_diff(base.as_ref(), newest.as_ref());
            page.mine = record_diff(base.as_ref(), Some(&record));
            page.respond(StatusCode::CONFLICT)
        }
        Err(chancery_store::Error::Rejected(message)) => {
            let mut form = RecordForm::from_record(&record);
            let field = if message.contains("comment") { "comment" } else { "id" };
            form.errors.insert(field.to_string(), message);
            let mut page = page_for(form);
            page.problem = Some("Nothing was saved: correct what is marked below.".into());
            page.respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => Err(error.into()),
    }
}

/// A store refusal as a page with the right status.
pub(crate) fn refusal(error: chancery_store::Error) -> Refused {
    let (status, title) = match &error {
        chancery_store::Error::Stale { .. } | chancery_store::Error::StaleDraft { .. } => {
            (StatusCode::CONFLICT, "Changed since")
        }
        chancery_store::Error::NotFound(_) => (StatusCode::NOT_FOUND, "Not found"),
        chancery_store::Error::Rejected(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "Nothing was changed")
        }
        _ => return error.into(),
    };
    Refused::Failed(PageError { status, title: title.into(), detail: error.to_string() })
}

/// Checks an action's form and role; returns its fields and the record id.
async fn action(
    archive: &Shared,
    curator: &Curator,
    headers: &HeaderMap,
    body: &Bytes,
    role: Role,
) -> Result<(Fields, RecordId), Refused> {
    let fields = curator.form(archive, headers, body, role)?;
    let id = record_id(fields.text("id"))?;
    Ok((fields, id))
}

fn required(fields: &Fields, name: &str) -> Result<i64, Refused> {
    fields
        .number(name)
        .ok_or_else(|| Refused::Failed(PageError::bad_request(format!("the form has no `{name}`"))))
}

/// Publishes a draft (editors).
pub(crate) async fn publish(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let (fields, id) = action(&archive, &curator, &headers, &body, Role::Editor).await?;
    let version = required(&fields, "draft_version")?;
    let now = archive.config.clock.now();
    let outcome = curator.store(&archive).publish(&id, version, now).await.map_err(refusal)?;
    Ok(Redirect::to(&history_path(&outcome.id)).into_response())
}

/// Throws a draft away.
pub(crate) async fn discard(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let (fields, id) = action(&archive, &curator, &headers, &body, Role::Contributor).await?;
    let version = required(&fields, "draft_version")?;
    let now = archive.config.clock.now();
    curator.store(&archive).discard_draft(&id, version, now).await.map_err(refusal)?;
    Ok(Redirect::to("/curate").into_response())
}

/// Withdraws a published record; it shows as deleted to harvesters and waits as a draft.
pub(crate) async fn unpublish(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let (fields, id) = action(&archive, &curator, &headers, &body, Role::Editor).await?;
    let revision = required(&fields, "revision")?;
    let now = archive.config.clock.now();
    curator
        .store(&archive)
        .unpublish(&id, revision, fields.text("comment"), now)
        .await
        .map_err(refusal)?;
    Ok(Redirect::to(&history_path(&id)).into_response())
}

/// Deletes a published record (its tombstone stays; its revisions are kept).
pub(crate) async fn delete(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let (fields, id) = action(&archive, &curator, &headers, &body, Role::Editor).await?;
    let revision = required(&fields, "revision")?;
    let now = archive.config.clock.now();
    let deleted = curator
        .store(&archive)
        .delete_at(&id, revision, now, fields.text("comment"))
        .await
        .map_err(refusal)?;
    if !deleted {
        return Err(PageError::not_found(format!("There is no published record `{id}`.")).into());
    }
    Ok(Redirect::to(&history_path(&id)).into_response())
}
