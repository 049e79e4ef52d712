//! Search over the API, with the query language of the site and the command line.

use axum::extract::State;
use axum::response::Response;
use chancery_search::FacetName;
use serde::{Deserialize, Serialize};

use crate::Shared;
use crate::api::json_response;
use crate::error::{ApiQuery, Problem};
use crate::search::{SearchParams, run_with};

/// Query string of the search API.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ApiSearchParams {
    /// The query, in the query language (see /about).
    #[serde(default)]
    q: Option<String>,
    /// `relevance`, `date` (oldest first), `newest` or `edition` (volume, then place in it).
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
pub(super) struct SearchResponse {
    total: usize,
    offset: usize,
    hits: Vec<SearchHit>,
    /// Counts by facet: decade, year, language, type, archive, collection, author, recipient
    /// (at most 50 values each; `/api/v1/search/facets/{facet}` pages through all of them).
    /// Where the query selects values of a facet (`type=letter`), that facet's counts are each
    /// value's alone with the query's other clauses.
    facets: std::collections::BTreeMap<String, Vec<FacetValueJson>>,
    /// How many distinct values each facet has for this query.
    facet_totals: std::collections::BTreeMap<String, usize>,
    /// A query with the misspelt words replaced that finds more, when this one finds fewer
    /// than 3 records.
    did_you_mean: Option<String>,
    /// Where the query's words name one person of the archive: that person's id, and the other
    /// forms of the name that were searched too (put the words in quotes to search only them).
    person: Option<ExpandedJson>,
}

/// The person a query named, and the forms of the name searched besides the words as typed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ExpandedJson {
    id: String,
    name: String,
    names: Vec<String>,
}

/// One hit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct SearchHit {
    id: String,
    title: String,
    date: String,
    edtf: Option<String>,
    score: f32,
    url: String,
    snippet: Option<SnippetJson>,
    /// Its type (`telegram`), when known.
    #[serde(rename = "type")]
    doc_type: Option<String>,
    /// Where it is printed ("FRUS 1955–1957, vol. XXVI, Document 249") or held (archive, fonds,
    /// signature).
    source: Option<String>,
    /// The edition's number for it ("249").
    number: Option<String>,
    authors: Vec<String>,
    recipients: Vec<String>,
    /// For a conversation: who took part.
    participants: Vec<String>,
}

/// A passage with its matches as byte ranges `[start, end)`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct SnippetJson {
    text: String,
    highlights: Vec<[usize; 2]>,
}

/// A facet value and how many matching records have it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct FacetValueJson {
    value: String,
    count: u64,
    /// The query-language clause that selects it (`type=letter`): add it to the query to get
    /// exactly `count` records (OR it with a selected value of the same facet to add them).
    clause: String,
    /// For one of the 30 most frequent authors or recipients, the person of the archive the
    /// name is, where one person answers (`/api/v1/records/{id}/people` gives the rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<String>,
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
pub(super) async fn search(
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
    let did_you_mean =
        crate::search::suggestion(&archive, &ran).await.map_err(|e| Problem::internal(&e))?;
    let hits = ran
        .results
        .hits
        .into_iter()
        .map(|hit| {
            let record = hit.record.as_deref();
            let details = record.map(crate::search::HitDetails::of).unwrap_or_default();
            SearchHit {
                doc_type: record.and_then(|r| r.doc_type).map(|t| t.key().to_string()),
                source: Some(details.source).filter(|s| !s.is_empty()),
                number: record.and_then(|r| r.number.clone()),
                authors: record.map(|r| r.authors.clone()).unwrap_or_default(),
                recipients: record.map(|r| r.recipients.clone()).unwrap_or_default(),
                participants: record.map(|r| r.participants.clone()).unwrap_or_default(),
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
            }
        })
        .collect();
    let context = crate::people::Context::load(&archive).await?;
    let mut facets = std::collections::BTreeMap::new();
    let mut facet_totals = std::collections::BTreeMap::new();
    for facet in ran.results.facets {
        facet_totals.insert(facet.name.key().to_string(), facet.distinct);
        let names = matches!(facet.name, FacetName::Author | FacetName::Recipient);
        let mut values = Vec::with_capacity(facet.values.len());
        for (n, (value, count)) in facet.values.into_iter().enumerate() {
            let person = if names && n < crate::facets::MAX_PERSON_FACET_VALUES {
                let resolution =
                    crate::people::resolve(&archive, &value, "author", &context).await?;
                resolution.person.filter(|_| resolution.confidence != "none")
            } else {
                None
            };
            let clause = crate::facets::clause(facet.name, &value);
            values.push(FacetValueJson { value, count, clause, person });
        }
        facets.insert(facet.name.key().to_string(), values);
    }
    let body = serde_json::to_string(&SearchResponse {
        total: ran.results.total,
        offset,
        hits,
        facets,
        facet_totals,
        did_you_mean: did_you_mean.map(|(q, _)| q),
        person: ran.expansion.map(|e| ExpandedJson {
            id: e.person.to_string(),
            name: e.display,
            names: e.names,
        }),
    })
    .map_err(|e| Problem::internal(&e))?;
    Ok(json_response(body))
}

/// Query string of the facet values API.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FacetParams {
    /// The query, in the query language.
    #[serde(default)]
    q: Option<String>,
    /// Values to return, 1 to 100 (default 100).
    #[serde(default)]
    #[param(maximum = 100)]
    limit: Option<usize>,
    /// Values to skip.
    #[serde(default)]
    offset: Option<usize>,
}

/// Every value of one facet for a query, a page at a time.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct FacetPageJson {
    facet: String,
    /// How many distinct values there are.
    total: usize,
    offset: usize,
    values: Vec<FacetValueJson>,
}

/// All values of one facet for a query (decades and years in order, the others most frequent
/// first), with their counts and the clause that selects each.
#[utoipa::path(
    get,
    path = "/api/v1/search/facets/{facet}",
    params(
        ("facet" = String, Path, description = "decade, year, language, type, archive, collection, author or recipient"),
        FacetParams
    ),
    responses(
        (status = 200, description = "A page of the facet's values", body = FacetPageJson),
        (status = 400, description = "The query does not parse, or a parameter is out of range", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facet", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "search"
)]
pub(super) async fn facet(
    State(archive): State<Shared>,
    axum::extract::Path(facet): axum::extract::Path<String>,
    ApiQuery(params): ApiQuery<FacetParams>,
) -> Result<Response, Problem> {
    let Some(name) = crate::facets::by_key(&facet) else {
        return Err(Problem::not_found(format!(
            "no facet `{facet}`: the facets are decade, year, language, type, archive, collection, author, recipient"
        )));
    };
    let limit = params.limit.unwrap_or(crate::facets::FACET_PAGE_SIZE);
    if !(1..=crate::facets::FACET_PAGE_SIZE).contains(&limit) {
        return Err(Problem::bad_request("limit is from 1 to 100"));
    }
    let offset = params.offset.unwrap_or(0);
    let search = SearchParams { q: params.q, sort: None, page: None };
    let all = crate::search::facet_values(&archive, &search, name).await?;
    let values = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|(value, count)| FacetValueJson {
            clause: crate::facets::clause(name, value),
            value: value.clone(),
            count: *count,
            person: None,
        })
        .collect();
    let body = serde_json::to_string(&FacetPageJson {
        facet: name.key().to_string(),
        total: all.len(),
        offset,
        values,
    })
    .map_err(|e| Problem::internal(&e))?;
    Ok(json_response(body))
}
