//! The write API: records created, replaced, published and deleted, and imports, by programs
//! holding an API token (`Authorization: Bearer …`). The same rules as the browser: a
//! contributor's token writes drafts, an editor's publishes; every write carries a comment; a
//! replacement names the revision it was made from (`If-Match`), and one made from an older
//! revision is refused (412) rather than undoing what came since.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chancery_model::id::RecordId;
use chancery_model::record::Record;
use chancery_store::{Base, ImportPolicy, Role};
use serde::{Deserialize, Serialize};

use crate::Shared;
use crate::auth::TokenHolder;
use crate::error::{ApiPath, ApiQuery, Problem};

/// What a write did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct Written {
    /// The record.
    id: String,
    /// `published` or `draft`.
    state: &'static str,
    /// The published revision, for a published record.
    revision: Option<i64>,
    /// The draft's version, for a draft (give it to publish it).
    draft_version: Option<i64>,
}

impl Written {
    fn draft(id: &RecordId, version: i64) -> Written {
        Written { id: id.to_string(), state: "draft", revision: None, draft_version: Some(version) }
    }

    fn published(outcome: &chancery_store::Outcome) -> Written {
        Written {
            id: outcome.id.to_string(),
            state: "published",
            revision: Some(outcome.revision),
            draft_version: None,
        }
    }
}

/// The query of a record write.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct WriteParams {
    /// Why: kept with the revision and in the audit log (required, at most 4,096 bytes).
    #[param(min_length = 1, max_length = 4096)]
    comment: String,
    /// Keep the write as a draft even with an editor's token (a contributor's token always
    /// writes drafts).
    #[serde(default)]
    draft: Option<bool>,
}

fn problem(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Problem {
    Problem {
        kind: format!("/api/v1/problems/{kind}"),
        title: title.into(),
        status: status.as_u16(),
        detail: detail.into(),
    }
}

/// A store refusal as a problem document.
fn refused(error: chancery_store::Error) -> Problem {
    match error {
        error
        @ (chancery_store::Error::Stale { .. } | chancery_store::Error::StaleDraft { .. }) => {
            problem(StatusCode::PRECONDITION_FAILED, "stale", "Changed since", error.to_string())
        }
        chancery_store::Error::NotFound(message) => Problem::not_found(message),
        chancery_store::Error::Rejected(message) => {
            problem(StatusCode::UNPROCESSABLE_ENTITY, "rejected", "Not accepted", message)
        }
        chancery_store::Error::ReadOnly => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "read-only",
            "Served read-only",
            "this archive's data folder cannot be written; nothing was changed",
        ),
        error => Problem::internal(&error),
    }
}

/// The one record a request body holds, read by the rules of `chancery import`.
fn record_from_body(body: &Bytes, archive: &Shared) -> Result<Record, Problem> {
    let parsed = chancery_ingest::parse(&chancery_ingest::Source {
        path: "request body",
        bytes: body,
        imported_at: archive.config.clock.now(),
    });
    if parsed.has_errors() {
        let listed: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
        return Err(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-record",
            "Not a valid record",
            listed.join("\n"),
        ));
    }
    let mut records = parsed.records;
    if records.len() != 1 {
        return Err(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-record",
            "Not one record",
            format!(
                "the body holds {} records; send one (import many with POST /api/v1/imports)",
                records.len()
            ),
        ));
    }
    Ok(records.remove(0))
}

/// The revision `If-Match` names (`"3"` or `3`).
fn if_match(headers: &HeaderMap) -> Option<i64> {
    headers.get(header::IF_MATCH)?.to_str().ok()?.trim().trim_matches('"').parse().ok()
}

fn written(status: StatusCode, body: &Written) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(revision) = body.revision
        && let Ok(etag) = HeaderValue::from_str(&format!("\"{revision}\""))
    {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// Creates a record.
#[utoipa::path(
    post,
    path = "/api/v1/records",
    params(WriteParams),
    request_body(content = Object, description = "One record in Chancery JSON (as `GET /api/v1/records/{id}` gives it), the text format or TEI", content_type = "application/json",
        example = json!({"id": "api-example-letter", "title": "Letter from Tito to Khrushchev", "date": {"printed": "August 11, 1954"}})),
    responses(
        (status = 201, description = "Created: published, or kept as a draft", body = Written),
        (status = 400, description = "A bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The id is a record's already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not one valid record, or no comment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])),
    tag = "writing"
)]
pub(super) async fn create(
    State(archive): State<Shared>,
    holder: TokenHolder,
    ApiQuery(params): ApiQuery<WriteParams>,
    body: Bytes,
) -> Result<Response, Problem> {
    holder.require(Role::Contributor)?;
    let mut record = record_from_body(&body, &archive)?;
    record.provenance = None;
    let store = holder.store(&archive);
    let now = archive.config.clock.now();
    if holder.role < Role::Editor || params.draft == Some(true) {
        let draft = store
            .save_draft(&record, Base { revision: None, draft: None }, &params.comment, now)
            .await
            .map_err(refused)?;
        let body = Written::draft(&record.id, draft.version);
        return Ok(written(StatusCode::CREATED, &body));
    }
    let outcome =
        store.save_published(&record, None, &params.comment, now).await.map_err(refused)?;
    let body = Written::published(&outcome);
    Ok(written(StatusCode::CREATED, &body))
}

/// Replaces a record (or its draft).
#[utoipa::path(
    put,
    path = "/api/v1/records/{id}",
    params(
        ("id" = String, Path, description = "Record id", pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160),
        ("If-Match" = String, Header, description = "The revision the new version was made from, as the record's `ETag` gives it (`\"3\"`)"),
        WriteParams
    ),
    request_body(content = Object, description = "The record in Chancery JSON; its id must be the path's", content_type = "application/json",
        example = json!({"id": "wcda-112970", "title": "Letter from Tito to Khrushchev", "date": {"printed": "August 11, 1954"}})),
    responses(
        (status = 200, description = "Replaced: published, or kept as a draft", body = Written),
        (status = 400, description = "A bad id or query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The record changed since the revision `If-Match` names", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not one valid record, another id, or no comment", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No `If-Match`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])),
    tag = "writing"
)]
pub(super) async fn replace(
    State(archive): State<Shared>,
    holder: TokenHolder,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<WriteParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    holder.require(Role::Contributor)?;
    let id = RecordId::parse(&id).map_err(|e| Problem::bad_request(e.to_string()))?;
    let Some(revision) = if_match(&headers) else {
        return Err(problem(
            StatusCode::PRECONDITION_REQUIRED,
            "if-match",
            "If-Match required",
            "send `If-Match` with the revision the new version was made from (the record's ETag)",
        ));
    };
    let Some(current) = archive.store.get(&id).await? else {
        return Err(Problem::not_found(format!("no published record `{id}`")));
    };
    let mut record = record_from_body(&body, &archive)?;
    if record.id.key() != id.key() {
        return Err(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-record",
            "Another id",
            format!("the body's record is `{}`, the path's `{id}`", record.id),
        ));
    }
    // The source the record came from stays its source.
    record.provenance = current.record.provenance.clone();
    let store = holder.store(&archive);
    let now = archive.config.clock.now();
    let draft = archive.store.draft(&id).await?.map(|d| d.version);
    if holder.role < Role::Editor || params.draft == Some(true) || draft.is_some() {
        let saved = store
            .save_draft(&record, Base { revision: Some(revision), draft }, &params.comment, now)
            .await
            .map_err(refused)?;
        let body = Written::draft(&current.record.id, saved.version);
        return Ok(written(StatusCode::OK, &body));
    }
    let outcome = store
        .save_published(&record, Some(revision), &params.comment, now)
        .await
        .map_err(refused)?;
    let body = Written::published(&outcome);
    Ok(written(StatusCode::OK, &body))
}

/// The query of a deletion.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DeleteParams {
    /// Why: kept with the change and in the audit log (required).
    #[param(min_length = 1, max_length = 4096)]
    comment: String,
}

/// Deletes a record (editors): harvesters see it deleted; its id stays reserved and its
/// revisions are kept.
#[utoipa::path(
    delete,
    path = "/api/v1/records/{id}",
    params(
        ("id" = String, Path, description = "Record id", pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160),
        ("If-Match" = Option<String>, Header, description = "The revision the deletion was decided on (`\"3\"`); refused if the record changed since"),
        DeleteParams
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A bad id or query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role is below editor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The record changed since the revision `If-Match` names", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No comment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])),
    tag = "writing"
)]
pub(super) async fn delete(
    State(archive): State<Shared>,
    holder: TokenHolder,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    holder.require(Role::Editor)?;
    let id = RecordId::parse(&id).map_err(|e| Problem::bad_request(e.to_string()))?;
    let now = archive.config.clock.now();
    let store = holder.store(&archive);
    // Without `If-Match`, the revision now is the one deleted.
    let revision = match if_match(&headers) {
        Some(revision) => revision,
        None => match archive.store.get(&id).await? {
            Some(current) => current.revision,
            None => return Err(Problem::not_found(format!("no published record `{id}`"))),
        },
    };
    if !store.delete_at(&id, revision, now, &params.comment).await.map_err(refused)? {
        return Err(Problem::not_found(format!("no published record `{id}`")));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The query of a publication.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PublishParams {
    /// The draft's version (as the write that saved it answered).
    #[param(minimum = 1)]
    draft_version: i64,
}

/// Publishes a record's draft (editors).
#[utoipa::path(
    post,
    path = "/api/v1/records/{id}/publish",
    params(
        ("id" = String, Path, description = "Record id", pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160),
        PublishParams
    ),
    responses(
        (status = 200, description = "Published", body = Written),
        (status = 400, description = "A bad id or query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role is below editor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft at that version", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The record changed since the draft was made", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])),
    tag = "writing"
)]
pub(super) async fn publish(
    archive: Shared,
    holder: TokenHolder,
    id: &str,
    params: PublishParams,
) -> Result<Response, Problem> {
    holder.require(Role::Editor)?;
    let id = RecordId::parse(id).map_err(|e| Problem::bad_request(e.to_string()))?;
    let now = archive.config.clock.now();
    let outcome =
        holder.store(&archive).publish(&id, params.draft_version, now).await.map_err(refused)?;
    let body = Written::published(&outcome);
    Ok(written(StatusCode::OK, &body))
}

/// `POST /api/v1/records/{id}/publish`: the only POST under a record.
pub(super) async fn record_action(
    State(archive): State<Shared>,
    holder: TokenHolder,
    ApiPath(rest): ApiPath<String>,
    ApiQuery(params): ApiQuery<PublishParams>,
) -> Result<Response, Problem> {
    match rest.strip_suffix("/publish") {
        Some(id) => publish(archive, holder, id, params).await,
        None => Err(problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "method",
            "Method not allowed",
            "POST a record to /api/v1/records, or publish a draft at /api/v1/records/{id}/publish",
        )),
    }
}

/// The query of an import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ImportParams {
    /// The file's name, kept as its source's (`upload/<name>`).
    #[param(min_length = 1, max_length = 200)]
    name: String,
    /// Replace stored records even where something would be lost (as `chancery import --replace`).
    #[serde(default)]
    replace: Option<bool>,
    /// Bring deleted records back (as `--undelete`).
    #[serde(default)]
    undelete: Option<bool>,
}

/// Imports one file (editors), by the rules of `chancery import`: all its records or none.
#[utoipa::path(
    post,
    path = "/api/v1/imports",
    params(ImportParams),
    request_body(content = String, description = "The file: the text format, Chancery JSON (one record, an array, or JSON lines) or TEI", content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Imported: each record's outcome", body = Object),
        (status = 400, description = "A bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role is below editor", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than MAX_UPLOAD_BYTES (64 MiB)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing imported: the diagnostics and refusals say why", body = Object),
    ),
    security(("token" = [])),
    tag = "writing"
)]
pub(super) async fn import(
    State(archive): State<Shared>,
    holder: TokenHolder,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: Bytes,
) -> Result<Response, Problem> {
    holder.require(Role::Editor)?;
    let policy = ImportPolicy {
        replace: params.replace == Some(true),
        undelete: params.undelete == Some(true),
    };
    let now = archive.config.clock.now();
    let report = crate::imports::import(
        &holder.store(&archive),
        vec![(params.name, body.to_vec())],
        policy,
        now,
    )
    .await?;
    let status = if report.imported { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, axum::Json(report)).into_response())
}
