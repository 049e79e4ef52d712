//! Organizations: `/organizations` (every body that wrote or received a record, with its
//! counts) and `/organizations/{id}` (its names, its country, the records it wrote and received,
//! and the records naming it).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chancery_model::organization::is_organization_id;

use crate::Shared;
use crate::error::{PageError, PagePath};
use crate::html::chrome::{
    Chrome, accepts_gzip, cached_html, country_path, keep, organization_path, record_path,
};
use crate::html::markup::query_value;
use crate::organizations::{OrganizationRecord, organization, organizations, records};

/// The most organizations the list shows (the rest are reached from their records).
pub(crate) const MAX_ORGANIZATIONS_LISTED: usize = 500;
/// The most records each list of an organization's page shows.
pub(crate) const MAX_ORGANIZATION_DOCUMENTS: usize = 100;
/// The most parties an organization's page lists it corresponded with.
const MAX_ORGANIZATION_PARTNERS: usize = 16;

/// A country's name and page, where the archive has one.
fn country_link(id: &str) -> (String, Option<String>) {
    if id == crate::people::UNITED_STATES {
        return ("United States".to_string(), None);
    }
    (chancery_model::office::Country::from_id(id).name, Some(country_path(id)))
}

struct Row {
    href: String,
    name: String,
    country: String,
    by: u64,
    to: u64,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct ListPage {
    chrome: Chrome,
    total: usize,
    rows: Vec<Row>,
}

pub(crate) async fn list(
    State(archive): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let key = "organizations";
    if let Some(page) = archive.cached_page(key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let lines = organizations(&archive).await.map_err(|e| PageError::internal(&e))?;
    let total = lines.len();
    let rows = lines
        .into_iter()
        .take(MAX_ORGANIZATIONS_LISTED)
        .map(|line| Row {
            href: organization_path(&line.organization.id),
            country: line
                .organization
                .country
                .as_deref()
                .map(|c| country_link(c).0)
                .unwrap_or_default(),
            name: line.organization.name,
            by: line.by,
            to: line.to,
        })
        .collect();
    let mut chrome = Chrome::plain("Organizations");
    chrome.canonical = Some(format!("{}/organizations", archive.config.base_url));
    let html = ListPage { chrome, total, rows }.render()?;
    Ok(keep(&archive, key, html, accepts_gzip(&headers), generation))
}

struct DocumentLine {
    href: String,
    title: String,
    date: String,
}

fn lines(records: Vec<OrganizationRecord>) -> Vec<DocumentLine> {
    records
        .into_iter()
        .take(MAX_ORGANIZATION_DOCUMENTS)
        .map(|r| DocumentLine { href: record_path(&r.id), title: r.title, date: r.date })
        .collect()
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage {
    chrome: Chrome,
    name: String,
    other_names: String,
    written: String,
    country: Option<(String, Option<String>)>,
    by_total: usize,
    by: Vec<DocumentLine>,
    to_total: usize,
    to: Vec<DocumentLine>,
    naming_href: String,
    /// The parties it corresponded with, each linked to the relation.
    relations: Vec<crate::relations::PartnerLink>,
    /// Its correspondence network's page.
    network: String,
    api: String,
}

pub(crate) async fn show(
    State(archive): State<Shared>,
    PagePath(id): PagePath<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let id = id.trim_end_matches('/').to_string();
    let missing = || {
        PageError::not_found(
            "The archive knows no organization by that id. The organizations are listed at /organizations.",
        )
    };
    if !is_organization_id(&id) {
        return Err(missing());
    }
    let key = format!("organization|{id}");
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let Some(line) = organization(&archive, &id).await.map_err(|e| PageError::internal(&e))? else {
        return Err(missing());
    };
    let (by, to) = records(&archive, &line).await.map_err(|e| PageError::internal(&e))?;
    let relations = crate::relations::partner_links(
        &archive,
        &crate::parties::Party::Organization(line.organization.id.clone()),
        &["person", "organization", "country"],
        MAX_ORGANIZATION_PARTNERS,
    )
    .await
    .map_err(|e| PageError::internal(&e))?;
    let organization = &line.organization;
    let mut names: Vec<String> = organization.names().map(str::to_string).collect();
    names.extend(line.written.iter().cloned());
    let naming = names
        .iter()
        .map(|n| format!("\"{}\"", n.replace('"', " ")))
        .take(12)
        .collect::<Vec<_>>()
        .join(" OR ");
    let mut chrome = Chrome::plain(&organization.name);
    chrome.canonical =
        Some(format!("{}{}", archive.config.base_url, organization_path(&organization.id)));
    chrome.description =
        Some(format!("{}: the records it wrote and received in the archive.", organization.name));
    let page = OrganizationPage {
        chrome,
        name: organization.name.clone(),
        other_names: organization.other_names.join(", "),
        written: line.written.join("; "),
        country: organization.country.as_deref().map(country_link),
        by_total: by.len(),
        by: lines(by),
        to_total: to.len(),
        to: lines(to),
        naming_href: format!("/search?q={}", query_value(&naming)),
        relations,
        network: format!("/network?party={}", organization.id),
        api: format!("/api/v1/organizations/{}", organization.id),
    };
    Ok(keep(&archive, &key, page.render()?, accepts_gzip(&headers), generation))
}
