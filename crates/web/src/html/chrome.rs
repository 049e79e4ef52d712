//! The frame every page shares (title, assets, canonical URL), and how pages are answered:
//! compressed and cached, redirected, linked. A leaf: it imports no page module.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chancery_model::id::RecordId;

use crate::Shared;
use crate::assets::ASSETS;
use crate::error::PageError;
use crate::html::markup::query_value;

/// What every page's frame needs: its title, the assets and the canonical URL.
pub(crate) struct Chrome {
    pub(crate) title: String,
    pub(crate) css: String,
    pub(crate) js: String,
    pub(crate) icon: String,
    pub(crate) canonical: Option<String>,
    pub(crate) description: Option<String>,
    /// The search box's current text.
    pub(crate) query: String,
    /// Whether the header shows the search box (not where the page has its own).
    pub(crate) searchbox: bool,
}

impl Chrome {
    pub(crate) fn plain(title: &str) -> Chrome {
        Chrome {
            title: title.to_string(),
            css: ASSETS.css(),
            js: ASSETS.js(),
            icon: ASSETS.icon(),
            canonical: None,
            description: None,
            query: String::new(),
            searchbox: true,
        }
    }
}

pub(crate) fn html_response(body: String) -> Response {
    Html(body).into_response()
}

/// Answers with a freshly rendered page and keeps it, compressed, for the next request (unless
/// the cache is off).
pub(crate) fn keep(
    archive: &Shared,
    key: &str,
    html: String,
    gzip: bool,
    generation: i64,
) -> Response {
    if archive.config.page_cache_bytes == 0 {
        return Html(html).into_response();
    }
    let gzipped = Bytes::from(gzip_bytes(html.as_bytes()));
    archive.cache_page(key, gzipped.clone(), generation);
    cached_html(gzipped, gzip)
}

/// Whether the client takes gzip (`Accept-Encoding: gzip` or `*`, not with `q=0`).
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|value| {
        value.split(',').any(|item| {
            let mut parts = item.split(';').map(|p| p.trim().replace(' ', ""));
            let coding = parts.next().unwrap_or_default();
            let refused = parts
                .any(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0));
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
    })
}

pub(crate) fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::fast(),
    );
    // Writing to memory cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// A cached page: as stored (gzip) for clients that take it, unpacked for the others.
pub(crate) fn cached_html(gzipped: Bytes, gzip: bool) -> Response {
    let html = (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip {
        let encoding = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        return ([html, vary, encoding], gzipped).into_response();
    }
    let mut body = Vec::with_capacity(gzipped.len() * 4);
    let mut decoder = flate2::read::GzDecoder::new(&gzipped[..]);
    match std::io::Read::read_to_end(&mut decoder, &mut body) {
        Ok(_) => ([html, vary], body).into_response(),
        Err(error) => PageError::internal(&error).into_response(),
    }
}

/// A permanent redirect to another address of the site.
pub(crate) fn redirect(location: &str) -> Response {
    let location =
        HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response()
}

pub(crate) fn record_path(id: &RecordId) -> String {
    format!("/records/{}", id.as_str())
}

/// The address of a collection's page.
pub(crate) fn collection_path(id: &str) -> String {
    format!("/collections/{id}")
}

/// The address of a person's page.
pub(crate) fn person_path(id: &chancery_model::person::PersonId) -> String {
    format!("/people/{id}")
}

/// The address of an organization's page.
pub(crate) fn organization_path(id: &str) -> String {
    format!("/organizations/{id}")
}

/// The address of a country's page.
pub(crate) fn country_path(id: &str) -> String {
    format!("/countries/{id}")
}

pub(crate) fn search_href(clause: &str) -> String {
    format!("/search?q={}", query_value(clause))
}

pub(crate) fn phrase(field: &str, value: &str) -> String {
    format!("{field}:\"{}\"", value.replace('"', " "))
}
