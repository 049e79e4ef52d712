//! Countries: `/countries` (every country with U.S. chiefs of mission) and `/countries/{id}`
//! (its names, its years where the state no longer exists, its U.S. chiefs of mission with
//! their dates, the documents from and to the U.S. mission there and the documents naming it).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::Shared;
use crate::error::{PageError, PagePath};
use crate::html::chrome::{
    Chrome, accepts_gzip, cached_html, country_path, html_response, keep, organization_path,
    record_path,
};
use crate::html::markup::query_value;
use crate::offices::{PositionLine, country_queries};
use crate::search::{SearchParams, run_with};

/// The most documents each list of a country's page shows (the search holds the rest).
pub(crate) const MAX_COUNTRY_DOCUMENTS: usize = 10;
/// The most countries a country's page lists it corresponded with.
const MAX_COUNTRY_PARTNERS: usize = 24;

struct CountryRow {
    href: String,
    name: String,
    former: String,
    chiefs: i64,
    years: String,
}

#[derive(Template)]
#[template(path = "countries.html")]
struct CountriesPage {
    chrome: Chrome,
    rows: Vec<CountryRow>,
}

pub(crate) async fn list(State(archive): State<Shared>) -> Result<Response, PageError> {
    let rows = archive
        .store
        .countries()
        .await?
        .into_iter()
        .map(|line| CountryRow {
            href: country_path(&line.country.id),
            former: line
                .country
                .former
                .map(|f| match f.name {
                    Some(name) => format!("the {name} {}–{}", f.from, f.until),
                    None => format!("{}–{}, no longer exists", f.from, f.until),
                })
                .unwrap_or_default(),
            name: line.country.name,
            chiefs: line.chiefs,
            years: line.years.map(|(a, b)| format!("{a}–{b}")).unwrap_or_default(),
        })
        .collect();
    let mut chrome = Chrome::plain("Countries");
    chrome.canonical = Some(format!("{}/countries", archive.config.base_url));
    Ok(html_response(CountriesPage { chrome, rows }.render()?))
}

struct DocumentLine {
    href: String,
    title: String,
    date: String,
}

/// A list of documents: the first few by date, how many there are, and the search for all.
struct DocumentList {
    heading: String,
    total: usize,
    documents: Vec<DocumentLine>,
    search_href: String,
}

/// One of a country's organizations.
struct BodyLine {
    href: String,
    name: String,
    count: u64,
}

#[derive(Template)]
#[template(path = "country.html")]
struct CountryPage {
    chrome: Chrome,
    name: String,
    other_names: String,
    former: Option<String>,
    chiefs: Vec<PositionLine>,
    lists: Vec<DocumentList>,
    bodies: Vec<BodyLine>,
    /// The countries it corresponded with, each linked to the relation.
    relations: Vec<crate::relations::PartnerLink>,
    /// Whether it is the United States (which has no U.S. mission of its own).
    home: bool,
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
    let key = format!("country|{id}");
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let Some(country) =
        crate::parties::country(&archive, &id).await.map_err(|e| PageError::internal(&e))?
    else {
        return Err(PageError::not_found(
            "The archive knows no country by that id. The countries are listed at /countries.",
        ));
    };
    let party = crate::parties::Party::Country(country.id.clone());
    let relations =
        crate::relations::partner_links(&archive, &party, &["country"], MAX_COUNTRY_PARTNERS)
            .await
            .map_err(|e| PageError::internal(&e))?;
    let chiefs =
        archive.store.chiefs_of_mission(&country.id).await?.iter().map(PositionLine::of).collect();
    let mut lists = Vec::new();
    let home = country.id == crate::people::UNITED_STATES;
    for (heading, q) in country_queries(&country).into_iter().filter(|_| !home) {
        let params = SearchParams { q: Some(q.clone()), sort: Some("date".into()), page: None };
        let ran = run_with(&archive, &params, 0, MAX_COUNTRY_DOCUMENTS, false).await?;
        lists.push(DocumentList {
            heading,
            total: ran.results.total,
            documents: ran
                .results
                .hits
                .iter()
                .map(|hit| DocumentLine {
                    href: record_path(&hit.id),
                    title: hit.title.clone(),
                    date: hit.date_printed.clone(),
                })
                .collect(),
            search_href: format!("/search?q={}&sort=date", query_value(&q)),
        });
    }
    let bodies = crate::organizations::organizations(&archive)
        .await
        .map_err(|e| PageError::internal(&e))?
        .into_iter()
        .filter(|line| line.organization.country.as_deref() == Some(country.id.as_str()))
        .map(|line| BodyLine {
            href: organization_path(&line.organization.id),
            name: line.organization.name,
            count: line.by + line.to,
        })
        .collect();
    let mut chrome = Chrome::plain(&country.name);
    chrome.canonical = Some(format!("{}{}", archive.config.base_url, country_path(&country.id)));
    chrome.description = Some(format!(
        "{}: U.S. chiefs of mission and the documents from, to and about it.",
        country.name
    ));
    let page = CountryPage {
        chrome,
        name: country.name.clone(),
        other_names: country.other_names.join(", "),
        former: country.former.map(|f| format!("{}–{}: {}", f.from, f.until, f.note)),
        chiefs,
        lists,
        bodies,
        relations,
        home,
        network: format!("/network?party={}", country.id),
        api: format!("/api/v1/countries/{}", country.id),
    };
    Ok(keep(&archive, &key, page.render()?, accepts_gzip(&headers), generation))
}
