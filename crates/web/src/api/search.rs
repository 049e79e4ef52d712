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
    /// `relevance`, `date` (oldest first) or `newest`.
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
    /// Counts by facet: decade, year, language, type, archive, collection, author, recipient.
    facets: std::collections::BTreeMap<String, Vec<FacetValueJson>>,
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
    let context = crate::people::Context::load(&archive).await?;
    let mut facets = std::collections::BTreeMap::new();
    for facet in ran.results.facets {
        let names = matches!(facet.name, FacetName::Author | FacetName::Recipient);
        let mut values = Vec::with_capacity(facet.values.len());
        for (n, (value, count)) in facet.values.into_iter().enumerate() {
            let person = if names && n < crate::search::MAX_PERSON_FACET_VALUES {
                let resolution =
                    crate::people::resolve(&archive, &value, "author", &context).await?;
                resolution.person.filter(|_| resolution.confidence != "none")
            } else {
                None
            };
            values.push(FacetValueJson { value, count, person });
        }
        facets.insert(facet.name.key().to_string(), values);
    }
    let body = serde_json::to_string(&SearchResponse {
        total: ran.results.total,
        offset,
        hits,
        facets,
        person: ran.expansion.map(|e| ExpandedJson {
            id: e.person.to_string(),
            name: e.display,
            names: e.names,
        }),
    })
    .map_err(|e| Problem::internal(&e))?;
    Ok(json_response(body))
}
