//! Records in Chancery JSON: one at a time, or every record a page at a time.

use axum::extract::State;
use axum::response::Response;
use chancery_model::id::RecordId;
use serde::{Deserialize, Serialize};

use crate::Shared;
use crate::api::json_response;
use crate::cite::{self, CitationParams};
use crate::error::{ApiPath, ApiQuery, Problem};

/// `/records/{id}` and `/records/{id}/citation` share one route, because ids may contain `/`.
pub(super) async fn record_or_citation(
    State(archive): State<Shared>,
    ApiPath(rest): ApiPath<String>,
    ApiQuery(params): ApiQuery<CitationParams>,
) -> Result<Response, Problem> {
    if let Some(id) = rest.strip_suffix("/citation") {
        return cite::citation(&archive, id, params).await;
    }
    if let Some(id) = rest.strip_suffix("/people") {
        return super::people::record_people(&archive, id).await;
    }
    record(State(archive), ApiPath(rest)).await
}

/// One record, in Chancery JSON (the format `chancery export` writes and `chancery import` reads).
#[utoipa::path(
    get,
    path = "/api/v1/records/{id}",
    params(("id" = String, Path, description = "Record id, such as `wcda-112970` or `frus1955-57v26/d249` (case does not matter)", pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160)),
    responses(
        (status = 200, description = "The record in Chancery JSON; its `ETag` is its revision (`\"3\"`), for a replacement's `If-Match`", body = Object, content_type = "application/json"),
        (status = 301, description = "The record's own id is spelled otherwise (ids ignore case) or was another one before: see `Location`"),
        (status = 400, description = "Not a record id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The record was deleted", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "records"
)]
pub(super) async fn record(
    State(archive): State<Shared>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let asked = RecordId::parse(&id).map_err(|e| Problem::bad_request(e.to_string()))?;
    let Some(record_id) = archive.store.resolve(&asked).await? else {
        return Err(Problem::not_found(format!("no record `{id}`")));
    };
    if !record_id.spelled_as(&asked) {
        return Ok(crate::html::chrome::redirect(&format!(
            "/api/v1/records/{}",
            record_id.as_str()
        )));
    }
    match archive.store.get(&record_id).await? {
        Some(stored) => {
            let mut response = json_response(chancery_ingest::json::write(&stored.record));
            // The revision, for a write's `If-Match`.
            if let Ok(etag) = axum::http::HeaderValue::from_str(&format!("\"{}\"", stored.revision))
            {
                response.headers_mut().insert(axum::http::header::ETAG, etag);
            }
            Ok(response)
        }
        None if archive.store.latest_change_of(&record_id).await?.is_some() => Err(Problem {
            kind: "/api/v1/problems/gone".into(),
            title: "Gone".into(),
            status: 410,
            detail: format!("record `{id}` was deleted"),
        }),
        None => Err(Problem::not_found(format!("no record `{id}`"))),
    }
}

/// Query string of the record list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// The `next` cursor of the previous page; absent for the first page.
    #[serde(default)]
    #[param(pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160)]
    after: Option<String>,
    /// Records per page, 1 to 1000 (default 100).
    #[serde(default)]
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// A page of the record list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RecordList {
    records: Vec<RecordLine>,
    /// Pass as `after` to get the next page; `null` on the last page.
    next: Option<String>,
}

/// A record in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RecordLine {
    id: String,
    title: String,
    /// The date as printed.
    date: String,
    /// The date in EDTF.
    edtf: Option<String>,
    /// Its page on the site.
    url: String,
}

/// Every record, in id order, a page at a time. The cursor is stable: records added or deleted
/// while a client pages through do not shift the pages.
#[utoipa::path(
    get,
    path = "/api/v1/records",
    params(ListParams),
    responses(
        (status = 200, description = "A page of records", body = RecordList),
        (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "records"
)]
pub(super) async fn list(
    State(archive): State<Shared>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, Problem> {
    let limit = params.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(Problem::bad_request("limit is a number from 1 to 1000"));
    }
    let after = match params.after.as_deref() {
        Some(cursor) => Some(
            RecordId::parse(cursor)
                .map_err(|e| Problem::bad_request(format!("bad cursor: {e}")))?,
        ),
        None => None,
    };
    let page = archive.store.summaries_after(after.as_ref(), limit + 1).await?;
    let more = page.len() > limit as usize;
    let records: Vec<RecordLine> = page
        .into_iter()
        .take(limit as usize)
        .map(|s| RecordLine {
            url: format!("{}/records/{}", archive.config.base_url, s.id.as_str()),
            id: s.id.as_str().to_string(),
            title: s.title,
            date: s.date_printed,
            edtf: s.date_edtf,
        })
        .collect();
    let next = if more { records.last().map(|r| r.id.clone()) } else { None };
    let body =
        serde_json::to_string(&RecordList { records, next }).map_err(|e| Problem::internal(&e))?;
    Ok(json_response(body))
}
