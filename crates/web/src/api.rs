//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document, generated from these handlers'
//! annotations and types.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chancery_model::id::RecordId;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use crate::Shared;
use crate::cite::{self, CitationParams};
use crate::error::{ApiPath, ApiQuery, Problem};
use crate::search::{SearchParams, run_with};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chancery API",
        version = "1",
        description = "Read access to the archive's records, search and citations. Errors are RFC 9457 problem documents (application/problem+json)."
    ),
    paths(record, list, search, cite::citation, cite::export, cmif),
    components(schemas(Problem, RecordList, RecordLine, SearchResponse, SearchHit, SnippetJson, FacetValueJson)),
    tags(
        (name = "records", description = "Records in Chancery JSON"),
        (name = "search", description = "The query language of the site and the command line"),
        (name = "citations", description = "Citations in every style, and search results for reference managers")
    )
)]
struct ApiDoc;

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".to_string())
}

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/records", get(list))
        .route("/records/{*id}", get(record_or_citation))
        .route("/search", get(search))
        .route("/search/export", get(cite::export))
        .route("/cmif", get(cmif))
        .route("/openapi.json", get(openapi))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

/// `/records/{id}` and `/records/{id}/citation` share one route, because ids may contain `/`.
async fn record_or_citation(
    State(archive): State<Shared>,
    ApiPath(rest): ApiPath<String>,
    ApiQuery(params): ApiQuery<CitationParams>,
) -> Result<Response, Problem> {
    if let Some(id) = rest.strip_suffix("/citation") {
        return cite::citation(&archive, id, params).await;
    }
    record(State(archive), ApiPath(rest)).await
}

/// One record, in Chancery JSON (the format `chancery export` writes and `chancery import` reads).
#[utoipa::path(
    get,
    path = "/api/v1/records/{id}",
    params(("id" = String, Path, description = "Record id, such as `wcda-112970` or `frus1955-57v26/d249` (case does not matter)", pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160)),
    responses(
        (status = 200, description = "The record in Chancery JSON", body = Object, content_type = "application/json"),
        (status = 301, description = "The record's own id is spelled otherwise (ids ignore case) or was another one before: see `Location`"),
        (status = 400, description = "Not a record id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The record was deleted", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "records"
)]
async fn record(
    State(archive): State<Shared>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let asked = RecordId::parse(&id).map_err(|e| Problem::bad_request(e.to_string()))?;
    let Some(record_id) = archive.store.resolve(&asked).await? else {
        return Err(Problem::not_found(format!("no record `{id}`")));
    };
    if !record_id.spelled_as(&asked) {
        return Ok(crate::pages::redirect(&format!("/api/v1/records/{}", record_id.as_str())));
    }
    match archive.store.get(&record_id).await? {
        Some(stored) => Ok(json_response(chancery_ingest::json::write(&stored.record))),
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
struct ListParams {
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
struct RecordList {
    records: Vec<RecordLine>,
    /// Pass as `after` to get the next page; `null` on the last page.
    next: Option<String>,
}

/// A record in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RecordLine {
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
async fn list(
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

/// Query string of the search API.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ApiSearchParams {
    /// The query, in the query language (see /about).
    #[serde(default)]
    q: Option<String>,
    /// `relevance` or `date`.
    #[serde(default)]
    sort: Option<String>,
    /// Hits to return, 0 to 100 (default 20).
    #[serde(default)]
    #[param(maximum = 100)]
    limit: Option<usize>,
    /// Hits to skip.
    #[serde(default)]
    offset: Option<usize>,
}

/// Search results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SearchResponse {
    total: usize,
    offset: usize,
    hits: Vec<SearchHit>,
    /// Counts by facet: decade, year, language, type, archive, collection, author, recipient.
    facets: std::collections::BTreeMap<String, Vec<FacetValueJson>>,
}

/// One hit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SearchHit {
    id: String,
    title: String,
    date: String,
    edtf: Option<String>,
    score: f32,
    url: String,
    snippet: Option<SnippetJson>,
}

/// A passage with its matches as byte ranges `[start, end)`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct SnippetJson {
    text: String,
    highlights: Vec<[usize; 2]>,
}

/// A facet value and how many matching records have it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct FacetValueJson {
    value: String,
    count: u64,
}

/// Searches the archive with the query language of the site and the command line.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    params(ApiSearchParams),
    responses(
        (status = 200, description = "Hits, total and facet counts", body = SearchResponse),
        (status = 400, description = "The query does not parse, or a parameter is out of range", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "search"
)]
async fn search(
    State(archive): State<Shared>,
    ApiQuery(params): ApiQuery<ApiSearchParams>,
) -> Result<Response, Problem> {
    let limit = params.limit.unwrap_or(20);
    if limit > 100 {
        return Err(Problem::bad_request("limit is at most 100"));
    }
    let offset = params.offset.unwrap_or(0);
    let search = SearchParams { q: params.q, sort: params.sort, page: None };
    let ran = run_with(&archive, &search, offset, limit, true).await?;
    let hits = ran
        .results
        .hits
        .into_iter()
        .map(|hit| SearchHit {
            url: format!("{}/records/{}", archive.config.base_url, hit.id),
            snippet: hit.snippet.map(|s| SnippetJson {
                highlights: s.highlights.iter().map(|r| [r.start, r.end]).collect(),
                text: s.text,
            }),
            id: hit.id.to_string(),
            title: hit.title,
            date: hit.date_printed,
            edtf: hit.date_edtf,
            score: hit.score,
        })
        .collect();
    let facets = ran
        .results
        .facets
        .into_iter()
        .map(|facet| {
            let values = facet
                .values
                .into_iter()
                .map(|(value, count)| FacetValueJson { value, count })
                .collect();
            (facet.name.key().to_string(), values)
        })
        .collect();
    let body =
        serde_json::to_string(&SearchResponse { total: ran.results.total, offset, hits, facets })
            .map_err(|e| Problem::internal(&e))?;
    Ok(json_response(body))
}

/// Every letter's correspondence metadata (sender, recipient, date, place) as one CMIF file, the
/// TEI format that correspSearch harvests from a stable URL.
#[utoipa::path(
    get,
    path = "/api/v1/cmif",
    responses((status = 200, description = "A CMIF (TEI) document", content_type = "application/tei+xml")),
    tag = "records"
)]
async fn cmif(State(archive): State<Shared>) -> Result<Response, Problem> {
    let base = &archive.config.base_url;
    let writer = chancery_cite::cmif::Cmif::new(chancery_cite::cmif::CmifHeader {
        title: format!("{}: correspondence metadata", archive.config.name),
        editor: archive.config.name.clone(),
        editor_email: archive.config.admin_email.clone(),
        publisher: archive.config.name.clone(),
        url: format!("{base}/api/v1/cmif"),
        date: time::OffsetDateTime::now_utc().date().to_string(),
        base_url: base.clone(),
    });
    let mut out = writer.header();
    let mut after: Option<RecordId> = None;
    loop {
        let page = archive.store.records_after(after.as_ref(), 500).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.record.id.clone());
        for stored in &page {
            if let Some(letter) = writer.letter(&stored.record) {
                out.push_str(&letter);
            }
        }
    }
    out.push_str(writer.footer());
    Ok(([(header::CONTENT_TYPE, "application/tei+xml; charset=utf-8")], out).into_response())
}
