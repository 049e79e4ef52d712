//! The about page, robots.txt, the sitemap and the 404 page.

use askama::Template;
use axum::extract::{OriginalUri, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::Shared;
use crate::error::{PageError, PagePath};
use crate::html::chrome::{Chrome, html_response, record_path};
use crate::html::markup::escape;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    chrome: Chrome,
    base: String,
}

pub(crate) async fn about(State(archive): State<Shared>) -> Result<Response, PageError> {
    let mut chrome = Chrome::plain("About this archive and how to search it");
    chrome.canonical = Some(format!("{}/about", archive.config.base_url));
    Ok(html_response(AboutPage { chrome, base: archive.config.base_url.clone() }.render()?))
}

pub(crate) async fn robots(State(archive): State<Shared>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /api/\nDisallow: /oai\nDisallow: /curate\n\nSitemap: {}/sitemap.xml\n",
            archive.config.base_url
        ),
    )
        .into_response()
}

fn xml_response(xml: String) -> Response {
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response()
}

/// `sitemap.xml`: every record's page in one file while they fit the protocol's limit; past it,
/// an index of numbered sitemaps (`/sitemaps/1.xml`, …) of that many records each.
pub(crate) async fn sitemap(State(archive): State<Shared>) -> Result<Response, PageError> {
    let base = &archive.config.base_url;
    let per_file = u64::from(archive.config.sitemap_urls.max(1));
    let total = archive.store.count().await?.max(0) as u64;
    if total < per_file {
        return sitemap_file(&archive, 0, per_file, true).await;
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=total.div_ceil(per_file) {
        xml.push_str(&format!("<sitemap><loc>{}/sitemaps/{n}.xml</loc></sitemap>\n", escape(base)));
    }
    xml.push_str("</sitemapindex>\n");
    Ok(xml_response(xml))
}

/// One numbered sitemap of the index.
pub(crate) async fn sitemap_part(
    State(archive): State<Shared>,
    PagePath(name): PagePath<String>,
) -> Result<Response, PageError> {
    let per_file = u64::from(archive.config.sitemap_urls.max(1));
    let n = name
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| PageError::not_found(format!("There is no sitemap {name}.")))?;
    let total = archive.store.count().await?.max(0) as u64;
    if (n - 1) * per_file >= total {
        return Err(PageError::not_found(format!("There is no sitemap {name}.")));
    }
    sitemap_file(&archive, (n - 1) * per_file, per_file, n == 1).await
}

async fn sitemap_file(
    archive: &Shared,
    offset: u64,
    limit: u64,
    home: bool,
) -> Result<Response, PageError> {
    let base = &archive.config.base_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    if home {
        xml.push_str(&format!("<url><loc>{}/</loc></url>\n", escape(base)));
    }
    for summary in archive.store.summaries_at(offset, limit).await? {
        xml.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            escape(&format!("{base}{}", record_path(&summary.id)))
        ));
    }
    xml.push_str("</urlset>\n");
    Ok(xml_response(xml))
}

pub(crate) async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::Problem::not_found(format!(
            "no API route at {}; see /api/v1/openapi.json",
            uri.path()
        ))
        .into_response();
    }
    PageError::not_found(format!(
        "There is no page at {}. Try the search, or start from the home page.",
        uri.path()
    ))
    .into_response()
}
