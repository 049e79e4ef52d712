//! People: `/people` (find a person by any of their names) and `/people/{id}` (a person across
//! every volume that names them: the persons lists' entries, the documents by year, the names
//! and what the sources say).

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chancery_model::date::Edtf;
use chancery_model::person::{Person, PersonId};
use chancery_store::{MAX_PERSON_QUERY_CHARS, MAX_PERSONS_FOUND};
use serde::Deserialize;

use crate::Shared;
use crate::error::{PageError, PagePath, PageQuery};
use crate::html::chrome::{
    Chrome, accepts_gzip, cached_html, collection_path, html_response, keep, person_path,
    record_path, redirect,
};
use crate::html::markup::{json_for_script, query_value};
use crate::search::Histogram;

/// The most documents a person's page lists.
pub(crate) const MAX_PERSON_DOCUMENTS: u32 = 2000;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PeopleParams {
    #[serde(default)]
    q: Option<String>,
}

struct Found {
    href: String,
    name: String,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    q: String,
    total_text: String,
    found: Vec<Found>,
}

pub(crate) async fn index(
    State(archive): State<Shared>,
    PageQuery(params): PageQuery<PeopleParams>,
) -> Result<Response, PageError> {
    let q: String =
        params.q.unwrap_or_default().trim().chars().take(MAX_PERSON_QUERY_CHARS).collect();
    let found = if q.is_empty() {
        Vec::new()
    } else {
        archive
            .store
            .find_persons(&q, MAX_PERSONS_FOUND)
            .await?
            .into_iter()
            .map(|p| Found { href: person_path(&p.id), name: p.name })
            .collect()
    };
    let total = archive.store.person_count().await?;
    let mut chrome = Chrome::plain(
        if q.is_empty() { "People".into() } else { format!("{q} — people") }.as_str(),
    );
    chrome.canonical = Some(format!("{}/people", archive.config.base_url));
    let page = PeoplePage {
        chrome,
        q,
        total_text: crate::html::markup::grouped(total.max(0) as u64),
        found,
    };
    Ok(html_response(page.render()?))
}

struct Role {
    href: String,
    volume: String,
    name: String,
    description: String,
}

struct DocumentLine {
    href: String,
    title: String,
    date: String,
}

struct Year {
    year: Option<i32>,
    anchor: String,
    label: String,
    documents: Vec<DocumentLine>,
}

/// The most parties a person's page lists the person corresponded with.
const MAX_PERSON_PARTNERS: usize = 16;

struct Partner {
    href: Option<String>,
    name: String,
    count: usize,
}

struct NameLine {
    name: String,
    sources: String,
    /// The language of a generated form, BCP 47 (`lang` for screen readers and fonts).
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    id: String,
    display: String,
    name: String,
    life: Option<String>,
    hsg_id: Option<String>,
    roles: Vec<Role>,
    positions: Vec<crate::offices::PositionLine>,
    histogram: Option<Histogram>,
    years: Vec<Year>,
    total: usize,
    shown: usize,
    names: Vec<NameLine>,
    generated: Vec<NameLine>,
    remarks: Vec<NameLine>,
    written: Vec<DocumentLine>,
    received: Vec<DocumentLine>,
    partners: Vec<Partner>,
    /// The persons, organizations and countries the person corresponded with, each linked to
    /// the relation.
    relations: Vec<crate::relations::PartnerLink>,
    search_href: String,
    api: String,
    json_ld: String,
}

pub(crate) async fn show(
    State(archive): State<Shared>,
    PagePath(id): PagePath<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let id = PersonId::parse(id.trim_end_matches('/'))
        .map_err(|message| PageError::not_found(format!("{message}. Find people at /people.")))?;
    let key = format!("person|{id}");
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    // A person a curator merged into another is that other person now.
    if let Some(now) = archive.store.person_now(&id).await?
        && now != id
    {
        return Ok(redirect(&person_path(&now)));
    }
    let Some(person) = archive.store.person(&id).await? else {
        return Err(PageError::not_found(format!(
            "There is no person `{id}`. Find people by any of their names at /people."
        )));
    };
    let html = render(&archive, &person).await?;
    Ok(keep(&archive, &key, html, accepts_gzip(&headers), generation))
}

/// Where a name or remark comes from, in few words: the volumes whose persons lists give it, or
/// the Office of the Historian.
fn sources_text(urls: &[String]) -> String {
    let mut volumes = BTreeSet::new();
    let mut other = false;
    for url in urls {
        match chancery_ingest::persons::persons_list_entry(url) {
            Some(entry) => {
                volumes.insert(entry.split('#').next().unwrap_or_default().to_string());
            }
            None => other = true,
        }
    }
    let mut parts: Vec<String> = volumes.into_iter().collect();
    if other {
        parts.push("Office of the Historian".into());
    }
    parts.join(", ")
}

async fn render(archive: &Shared, person: &Person) -> Result<String, PageError> {
    let display = person.display_name();
    let mut roles = Vec::new();
    for (key, name, description) in archive.store.person_entries(&person.id).await? {
        let volume_id = key.split('#').next().unwrap_or_default().to_lowercase();
        let volume = match archive.store.collection(&volume_id).await? {
            Some(collection) => collection.title,
            None => volume_id.clone(),
        };
        roles.push(Role { href: collection_path(&volume_id), volume, name, description });
    }
    let documents = archive.store.records_naming_person(&person.id, MAX_PERSON_DOCUMENTS).await?;
    let mut years: Vec<Year> = Vec::new();
    for summary in &documents {
        let year = summary
            .date_edtf
            .as_deref()
            .and_then(|d| d.parse::<Edtf>().ok())
            .and_then(|e| e.bounds().0)
            .map(|d| d.year);
        if years.last().is_none_or(|y| y.year != year) {
            years.push(Year {
                year,
                anchor: year.map_or_else(|| "undated".to_string(), |y| format!("y{y}")),
                label: year.map_or_else(|| "Undated".to_string(), |y| y.to_string()),
                documents: Vec::new(),
            });
        }
        if let Some(last) = years.last_mut() {
            last.documents.push(DocumentLine {
                href: record_path(&summary.id),
                title: summary.title.clone(),
                date: summary.date_printed.clone(),
            });
        }
    }
    let counts: Vec<(i32, u64)> =
        years.iter().filter_map(|y| Some((y.year?, y.documents.len() as u64))).collect();
    let histogram =
        Histogram::from_years(&counts, "Documents naming the person per year", |year| {
            format!("#y{year}")
        });
    // The names and remarks of the persons a curator merged into this one are this one's too.
    let merged = archive.store.merged_persons(&person.id).await?;
    let mut seen = BTreeSet::new();
    seen.insert(person.name.clone());
    let mut names = Vec::new();
    let mut remarks = Vec::new();
    for one in std::iter::once(person).chain(&merged) {
        if one.id != person.id && seen.insert(one.name.clone()) {
            names.push(NameLine { name: one.name.clone(), sources: String::new(), lang: None });
        }
        for v in &one.variants {
            if seen.insert(v.name.clone()) {
                names.push(NameLine {
                    name: v.name.clone(),
                    sources: sources_text(&v.sources),
                    lang: None,
                });
            }
        }
        remarks.extend(one.remarks.iter().map(|r| NameLine {
            name: r.text.clone(),
            sources: sources_text(&r.sources),
            lang: None,
        }));
    }
    let generated = chancery_model::transliterate::person_generated_names(person)
        .into_iter()
        .filter(|g| seen.insert(g.name.clone()))
        .map(|g| NameLine {
            name: g.name,
            sources: format!("generated: {}", g.system),
            lang: crate::html::markup::bcp47(g.language),
        })
        .collect::<Vec<_>>();
    let correspondence = crate::people::correspondence(archive, person).await?;
    let letters = |letters: Vec<crate::people::Letter>| -> Vec<DocumentLine> {
        letters
            .into_iter()
            .map(|l| DocumentLine { href: record_path(&l.id), title: l.title, date: l.date })
            .collect()
    };
    let partners = correspondence
        .partners
        .into_iter()
        .map(|p| Partner { href: p.person.as_ref().map(person_path), name: p.name, count: p.count })
        .collect();
    let relations = crate::relations::partner_links(
        archive,
        &crate::parties::Party::Person(person.id.clone()),
        &["person", "organization", "country"],
        MAX_PERSON_PARTNERS,
    )
    .await
    .map_err(|e| PageError::internal(&e))?;
    let written = letters(correspondence.written);
    let received = letters(correspondence.received);
    let held = archive.store.positions_of_person(&person.id).await?;
    // The chiefs-of-mission data knows years of birth and death the people data may not.
    let holder = held.iter().find_map(|h| h.holder.as_ref());
    let birth = person.birth.clone().or_else(|| holder.and_then(|h| h.birth.clone()));
    let death = person.death.clone().or_else(|| holder.and_then(|h| h.death.clone()));
    let positions = held.iter().map(crate::offices::PositionLine::of).collect();
    let life = match (&birth, &death) {
        (None, None) => None,
        (birth, death) => {
            Some(format!("{}–{}", birth.as_deref().unwrap_or("?"), death.as_deref().unwrap_or("")))
        }
    };
    let base = &archive.config.base_url;
    let url = format!("{base}{}", person_path(&person.id));
    let mut json_ld = crate::people::json_ld(person, base);
    json_ld["@context"] = serde_json::json!("https://schema.org");
    let mut chrome = Chrome::plain(&display);
    chrome.canonical = Some(url);
    chrome.description = Some(format!("{display}: named in {} documents.", documents.len()));
    let page = PersonPage {
        chrome,
        id: person.id.to_string(),
        name: person.name.clone(),
        life,
        hsg_id: person.hsg_id.clone(),
        roles,
        positions,
        histogram,
        years,
        total: documents.len(),
        shown: documents.len(),
        names,
        generated,
        remarks,
        written,
        received,
        partners,
        relations,
        search_href: format!(
            "/search?q={}",
            query_value(&format!("\"{}\"", display.replace('"', " ")))
        ),
        api: format!("/api/v1/people/{}", person.id),
        json_ld: json_for_script(&json_ld),
        display,
    };
    Ok(page.render()?)
}
