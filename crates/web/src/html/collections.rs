//! The volumes page (`/collections`) and a volume's or chapter's page (`/collections/{id}`): its
//! editors and year, front and back matter, and the table of contents in the volume's order.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chancery_store::Placed;

use crate::Shared;
use crate::collections::{self, Contents, set_spec};
use crate::error::{PageError, PagePath};
use crate::html::chrome::{
    Chrome, accepts_gzip, cached_html, collection_path, keep, record_path, search_href,
};
use crate::html::markup::query_value;

struct VolumeRow {
    href: String,
    title: String,
    editors: String,
    published: Option<String>,
    documents: usize,
    span: String,
}

struct NamedRow {
    href: String,
    name: String,
    records: u64,
}

#[derive(Template)]
#[template(path = "collections.html")]
struct VolumesPage {
    chrome: Chrome,
    volumes: Vec<VolumeRow>,
    named: Vec<NamedRow>,
}

pub(crate) async fn list(
    State(archive): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let key = "collections|";
    if let Some(page) = archive.cached_page(key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let volumes = collections::volumes(&archive)
        .await?
        .into_iter()
        .map(|v| VolumeRow {
            href: collection_path(&v.collection.id),
            title: v.collection.title,
            editors: v.collection.editors.join(", "),
            published: v.collection.published,
            documents: v.documents,
            span: v.span.text(),
        })
        .collect();
    let named = collections::named(&archive)
        .await
        .map_err(|e| PageError::internal(&e))?
        .into_iter()
        .map(|n| NamedRow {
            href: collection_path(&format!("{}{}", collections::NAMED_PREFIX, n.slug)),
            name: n.name,
            records: n.records,
        })
        .collect();
    let mut chrome = Chrome::plain("Volumes and collections");
    chrome.canonical = Some(format!("{}/collections", archive.config.base_url));
    let html = VolumesPage { chrome, volumes, named }.render()?;
    Ok(keep(&archive, key, html, accepts_gzip(&headers), generation))
}

struct Link {
    href: String,
    text: String,
}

struct Entry {
    href: String,
    number: Option<String>,
    title: String,
    date: String,
}

struct PartView {
    heading: Option<Link>,
    depth: usize,
    documents: usize,
    span: String,
    entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "collection.html")]
struct CollectionPage {
    chrome: Chrome,
    title: String,
    kind: String,
    kind_noun: &'static str,
    trail: Vec<Link>,
    facts: Vec<(&'static str, String)>,
    documents: usize,
    span: String,
    search_href: String,
    oai_href: String,
    set_spec: String,
    jsonl_href: String,
    tei_href: Option<String>,
    api: String,
    matter: Vec<Entry>,
    parts: Vec<PartView>,
}

fn entry(placed: Placed) -> Entry {
    Entry {
        href: record_path(&placed.id),
        number: placed.number,
        title: placed.title,
        date: placed.date_printed,
    }
}

pub(crate) async fn show(
    State(archive): State<Shared>,
    PagePath(id): PagePath<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let id = id.trim_end_matches('/');
    let key = format!("collection|{}", id.to_lowercase());
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    if let Some(slug) = id.strip_prefix(collections::NAMED_PREFIX) {
        let html = render_named(&archive, slug).await?;
        return Ok(keep(&archive, &key, html, accepts_gzip(&headers), generation));
    }
    let Some(contents) = collections::contents(&archive, id).await? else {
        return Err(PageError::not_found(format!(
            "There is no collection `{id}`. The list of volumes is at /collections."
        )));
    };
    let html = render(&archive, contents).await?;
    Ok(keep(&archive, &key, html, accepts_gzip(&headers), generation))
}

async fn render(archive: &Shared, contents: Contents) -> Result<String, PageError> {
    let Contents { collection, trail, volume, matter, parts, documents, span } = contents;
    let is_volume = collection.parent.is_none();
    let mut facts = Vec::new();
    if !volume.editors.is_empty() {
        facts.push(("Edited by", volume.editors.join(", ")));
    }
    if let Some(year) = &volume.published {
        facts.push(("Published", year.clone()));
    }
    if !is_volume {
        facts.push(("In", volume.title.clone()));
    }
    // A source file holds the whole volume: any of its records names it.
    let tei_href = match matter.first().or_else(|| parts.iter().flat_map(|p| &p.entries).next()) {
        Some(first) => archive
            .store
            .get(&first.id)
            .await?
            .and_then(|stored| stored.record.provenance)
            .filter(|p| p.format == "tei")
            .map(|_| format!("/api/v1/collections/{}/tei", volume.id)),
        None => None,
    };
    let set = set_spec(&collection.id);
    let mut chrome = Chrome::plain(&collection.title);
    chrome.canonical =
        Some(format!("{}{}", archive.config.base_url, collection_path(&collection.id)));
    chrome.description = Some(format!(
        "{}: {} document{}{}.",
        collection.title,
        documents,
        if documents == 1 { "" } else { "s" },
        if span.text().is_empty() { String::new() } else { format!(", {}", span.text()) }
    ));
    let page = CollectionPage {
        chrome,
        kind: capitalized(&collection.kind),
        kind_noun: if is_volume { "volume" } else { "part" },
        trail: trail
            .iter()
            .map(|c| Link { href: collection_path(&c.id), text: c.title.clone() })
            .collect(),
        facts,
        documents,
        span: span.text(),
        search_href: format!(
            "{}&sort=edition",
            search_href(&crate::facets::clause(
                chancery_search::FacetName::Collection,
                &collection.id
            ))
        ),
        oai_href: format!("/oai?verb=ListRecords&metadataPrefix=oai_dc&set={}", query_value(&set)),
        set_spec: set,
        jsonl_href: format!("/api/v1/collections/{}/records", collection.id),
        tei_href,
        api: format!("/api/v1/collections/{}", collection.id),
        matter: matter.into_iter().map(entry).collect(),
        parts: parts
            .into_iter()
            .map(|part| PartView {
                heading: part
                    .collection
                    .map(|c| Link { href: collection_path(&c.id), text: c.title }),
                depth: part.depth,
                documents: part.documents,
                span: part.span.text(),
                entries: part.entries.into_iter().map(entry).collect(),
            })
            .collect(),
        title: collection.title,
    };
    Ok(page.render()?)
}

fn capitalized(kind: &str) -> String {
    let mut chars = kind.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "named_collection.html")]
struct NamedPage {
    chrome: Chrome,
    name: String,
    span: String,
    total: usize,
    entries: Vec<Entry>,
    search_href: String,
}

/// A collection that records name themselves part of: its records by date.
async fn render_named(archive: &Shared, slug: &str) -> Result<String, PageError> {
    let missing = || {
        PageError::not_found(format!(
            "There is no collection `{}{slug}`. The list of volumes and collections is at /collections.",
            collections::NAMED_PREFIX
        ))
    };
    let named = collections::named(archive).await.map_err(|e| PageError::internal(&e))?;
    let Some(found) = named.into_iter().find(|n| n.slug == slug) else {
        return Err(missing());
    };
    let clause = crate::facets::clause(chancery_search::FacetName::Collection, &found.name);
    let params = crate::search::SearchParams {
        q: Some(clause.clone()),
        sort: Some("date".into()),
        page: None,
    };
    let ran =
        crate::search::run_with(archive, &params, 0, collections::MAX_NAMED_RECORDS, false).await?;
    let ids: Vec<_> = ran.results.hits.iter().map(|h| h.id.clone()).collect();
    let mut stored = archive.store.get_many_without_tei(&ids).await?;
    stored.sort_by_key(|s| ids.iter().position(|id| *id == s.record.id));
    // The search matches the name's words; the collection is the records that name it exactly.
    stored.retain(|s| s.record.collections.contains(&found.name));
    let span = collections::Span::of_dates(stored.iter().filter_map(|s| s.record.date.edtf));
    let entries = stored
        .iter()
        .map(|s| Entry {
            href: record_path(&s.record.id),
            number: None,
            title: s.record.title.clone(),
            date: s.record.date.printed.clone(),
        })
        .collect::<Vec<_>>();
    let mut chrome = Chrome::plain(&found.name);
    chrome.canonical = Some(format!(
        "{}{}",
        archive.config.base_url,
        collection_path(&format!("{}{slug}", collections::NAMED_PREFIX))
    ));
    Ok(NamedPage {
        chrome,
        total: entries.len(),
        span: span.text(),
        entries,
        search_href: search_href(&clause),
        name: found.name,
    }
    .render()?)
}
