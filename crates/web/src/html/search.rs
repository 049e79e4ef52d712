//! The search page: results, facets, the year histogram, and a page that says how to fix a bad
//! query.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::Shared;
use crate::error::{PageError, PageQuery};
use crate::html::chrome::{Chrome, accepts_gzip, cached_html, keep};
use crate::search;
use crate::search::SearchParams;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    sort: String,
    advanced_href: String,
    error: Option<String>,
    view: Option<search::View>,
}

pub(crate) async fn search_page(
    State(archive): State<Shared>,
    PageQuery(params): PageQuery<SearchParams>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    // Result pages are cached like document pages (the store's next change empties the cache).
    let key = format!(
        "search|{}|{}|{}",
        params.sort.as_deref().unwrap_or(""),
        params.page.as_deref().unwrap_or(""),
        params.q()
    );
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let mut chrome = Chrome::plain(
        if params.q().is_empty() {
            "Browse the archive".into()
        } else {
            format!("{} — search", params.q())
        }
        .as_str(),
    );
    chrome.query = params.q().to_string();
    // The page has its own search box: one is enough.
    chrome.searchbox = false;
    let sort = params.sort_key().to_string();
    match search::view(&archive, &params).await {
        Ok(view) => {
            let page = SearchPage {
                chrome,
                q: params.q().to_string(),
                sort,
                advanced_href: advanced_href(params.q()),
                error: None,
                view: Some(view),
            };
            Ok(keep(&archive, &key, page.render()?, accepts_gzip(&headers), generation))
        }
        Err(search::Failure::Bad(message)) => {
            chrome.title = "Search: the query needs fixing".into();
            let page = SearchPage {
                chrome,
                q: params.q().to_string(),
                sort,
                advanced_href: advanced_href(params.q()),
                error: Some(message),
                view: None,
            };
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
        Err(search::Failure::Internal(message)) => Err(PageError::internal(&message)),
    }
}

/// The advanced search form's address, starting from a query.
fn advanced_href(q: &str) -> String {
    format!("/search/advanced?start={}", crate::html::markup::query_value(q))
}

/// The query string of a facet's page.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct FacetPageParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "facet_values.html")]
struct FacetPage {
    chrome: Chrome,
    label: &'static str,
    q: String,
    back: String,
    total: usize,
    first: usize,
    values: Vec<crate::facets::FacetValue>,
    previous: Option<String>,
    next: Option<String>,
}

/// Every value of one facet for a query, a hundred a page, each with the links the search
/// page gives its first twelve.
pub(crate) async fn facet_page(
    State(archive): State<Shared>,
    axum::extract::Path(key): axum::extract::Path<String>,
    PageQuery(params): PageQuery<FacetPageParams>,
) -> Result<Response, PageError> {
    use crate::facets::{FACET_PAGE_SIZE, Labeller, atom, by_key, value_links};
    let Some(name) = by_key(&key) else {
        return Err(PageError::not_found(format!("There is no facet `{key}`.")));
    };
    let search_params = SearchParams { q: params.q.clone(), sort: params.sort.clone(), page: None };
    let sort = search_params.sort_key();
    let page: usize = match params.page.as_deref().unwrap_or("1").parse() {
        Ok(page) if page >= 1 => page,
        _ => return Err(PageError::bad_request("page is a number from 1")),
    };
    let typed = chancery_search::query::parse(search_params.q())
        .map_err(|e| PageError::bad_request(e.to_string()))?;
    let all = search::facet_values(&archive, &search_params, name).await?;
    let first = (page - 1).saturating_mul(FACET_PAGE_SIZE);
    let labeller = Labeller::new(&archive).await?;
    let mut values = Vec::new();
    for (value, count) in all.iter().skip(first).take(FACET_PAGE_SIZE) {
        let label = labeller.label(name, value);
        values.push(value_links(&typed, name, &[atom(name, value)], label, *count, sort));
    }
    let q = search_params.q().to_string();
    let page_href = |n: usize| {
        format!(
            "/search/facets/{}?q={}&sort={sort}&page={n}",
            name.key(),
            crate::html::markup::query_value(&q)
        )
    };
    let label = crate::facets::label(name);
    let mut chrome = Chrome::plain(&format!("{label}: all values"));
    chrome.query = q.clone();
    let page = FacetPage {
        chrome,
        label,
        back: format!("/search?q={}&sort={sort}", crate::html::markup::query_value(&q)),
        total: all.len(),
        first: first + 1,
        previous: (page > 1).then(|| page_href(page - 1)),
        next: (first + FACET_PAGE_SIZE < all.len()).then(|| page_href(page + 1)),
        q: q.clone(),
        values,
    };
    Ok(Html(page.render()?).into_response())
}
