//! An editor's decisions about persons from the browser: merging a person into another, or
//! giving a volume's persons-list entry to a person, as `chancery authority merge` does. The
//! decision is recorded with its reason, kept through reimports, and audited.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chancery_model::person::PersonId;
use chancery_store::Role;

use crate::Shared;
use crate::auth::{Curator, Refused};
use crate::curate::edit::refusal;
use crate::error::PageError;

fn person(text: &str) -> Result<PersonId, Refused> {
    PersonId::parse(text.trim()).map_err(|e| {
        Refused::Failed(PageError::bad_request(format!(
            "`{}` is not a person id: {e}",
            text.trim()
        )))
    })
}

/// Merges a person (or assigns an entry) into another (editors).
pub(crate) async fn merge(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let fields = curator.form(&archive, &headers, &body, Role::Editor)?;
    let into = person(fields.text("into"))?;
    let from = fields.text("from").trim();
    let reason = fields.text("reason");
    let store = curator.store(&archive);
    let now = archive.config.clock.now();
    if from.contains('#') {
        store.assign_entry(from, &into, reason, now).await.map_err(refusal)?;
    } else {
        store.merge_persons(&person(from)?, &into, reason, now).await.map_err(refusal)?;
    }
    Ok(Redirect::to(&format!("/people/{into}")).into_response())
}
