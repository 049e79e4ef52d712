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
                error: Some(message),
                view: None,
            };
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
        Err(search::Failure::Internal(message)) => Err(PageError::internal(&message)),
    }
}
