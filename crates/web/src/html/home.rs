//! The home page: what the archive holds, by year, language and kind, and its newest records.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chancery_model::id::RecordId;
use chancery_search::query::{Atom, Clause, Query};
use chancery_search::{FacetName, SearchRequest, SearchResults, Sort};

use crate::Shared;
use crate::error::PageError;
use crate::html::chrome::{Chrome, accepts_gzip, cached_html, keep, record_path};
use crate::search::{self, Histogram};

/// How many of the newest records the home page lists.
const NEWEST_SHOWN: usize = 8;
/// How many of the latest changed records are read for them (some may have been deleted since).
const NEWEST_READ: usize = 2 * NEWEST_SHOWN;

struct Newest {
    href: String,
    title: String,
    date: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    name: String,
    total: i64,
    total_text: String,
    first_year: Option<String>,
    last_year: Option<String>,
    languages: Vec<crate::facets::FacetValue>,
    types: Vec<crate::facets::FacetValue>,
    histogram: Option<Histogram>,
    newest: Vec<Newest>,
}

pub(crate) async fn home(
    State(archive): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let key = format!("{}|/", archive.config.clock.today());
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let html = render_home(&archive).await?;
    Ok(keep(&archive, &key, html, accepts_gzip(&headers), generation))
}

async fn render_home(archive: &Shared) -> Result<String, PageError> {
    // What the archive holds, from the index's summary (counted once per segment and kept up to
    // date from what changed), not from a search over every record.
    let summary = archive.index.summary().map_err(|error| PageError::internal(&error))?;
    let everything = search::Ran {
        q: String::new(),
        typed: Query::default(),
        searched: Query::default(),
        sort: Sort::Date,
        results: SearchResults {
            total: summary.total as usize,
            hits: Vec::new(),
            facets: summary.facets.clone(),
        },
        expansion: None,
    };
    let total = summary.total as i64;
    let results = &everything.results;
    let years = facet(results, FacetName::Year);
    let first_year = years.first().map(|(y, _)| y.clone());
    let last_year = years.last().map(|(y, _)| y.clone());
    let last = archive.store.last_change().await?;
    // The newest records: the latest changes' records, newest first, read in one query. A
    // record's newest change decides: one updated and then deleted is left out, even while the
    // index (which the titles come from) still holds it.
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<_> = archive
        .store
        .changes_after((last - 200).max(0), 200)
        .await?
        .into_iter()
        .rev()
        .filter(|change| seen.insert(change.record_id.clone()))
        .filter(|change| change.kind != chancery_store::ChangeKind::Deleted)
        .map(|change| change.record_id)
        .take(NEWEST_READ)
        .collect();
    let newest = newest(archive, &ids).await?;
    let mut chrome = Chrome::plain(&archive.config.name);
    chrome.canonical = Some(format!("{}/", archive.config.base_url));
    chrome.searchbox = false;
    chrome.description = Some(format!(
        "{} primary sources of international history, searchable and citable.",
        total
    ));
    let page = HomePage {
        chrome,
        name: archive.config.name.clone(),
        total,
        total_text: crate::html::markup::grouped(total.max(0) as u64),
        first_year,
        last_year,
        languages: crate::facets::plain_values(&everything, FacetName::Language, "date"),
        types: crate::facets::plain_values(&everything, FacetName::Type, "date"),
        histogram: Histogram::from_results(results, &everything.typed, "date"),
        newest,
    };
    Ok(page.render()?)
}

/// The newest records, in the order of `ids` (newest first): their titles and dates as the index
/// keeps them, so that no record's body is read; one the index does not hold yet (written a
/// moment ago, before the index caught up) from the store.
async fn newest(archive: &Shared, ids: &[RecordId]) -> Result<Vec<Newest>, PageError> {
    let query = Query {
        clauses: vec![Clause {
            negated: false,
            alternatives: vec![Atom::Records(
                ids.iter().map(|id| id.as_str().to_string()).collect(),
            )],
        }],
    };
    let mut request = SearchRequest::new(query, "");
    request.limit = ids.len();
    request.count = false;
    request.facets = false;
    let hits = archive.index.search(&request).map_err(|error| PageError::internal(&error))?.hits;
    let mut found: Vec<(RecordId, Newest)> = hits
        .into_iter()
        .map(|hit| {
            let newest =
                Newest { href: record_path(&hit.id), title: hit.title, date: hit.date_printed };
            (hit.id, newest)
        })
        .collect();
    let missing: Vec<RecordId> =
        ids.iter().filter(|id| !found.iter().any(|(f, _)| f == *id)).cloned().collect();
    if !missing.is_empty() {
        for stored in archive.store.get_many_without_tei(&missing).await? {
            let record = stored.record;
            let newest = Newest {
                href: record_path(&record.id),
                title: record.title,
                date: record.date.printed,
            };
            found.push((record.id, newest));
        }
    }
    found.sort_by_key(|(id, _)| ids.iter().position(|i| i == id));
    Ok(found.into_iter().take(NEWEST_SHOWN).map(|(_, newest)| newest).collect())
}

fn facet(results: &SearchResults, name: FacetName) -> Vec<(String, u64)> {
    results.facets.iter().find(|f| f.name == name).map(|f| f.values.clone()).unwrap_or_default()
}
