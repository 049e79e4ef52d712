//! The site's pages: home, search, document, about, errors, robots.txt and the sitemap.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chancery_model::id::RecordId;
use chancery_model::record::{Record, RecordKind, SpanKind};
use chancery_search::{FacetName, SearchResults};
use time::OffsetDateTime;

use crate::assets::ASSETS;
use crate::error::{PageError, PagePath, PageQuery};
use crate::html::{escape, json_for_script, query_value, text_body, text_notes};
use crate::search::{self, Histogram, SearchParams};
use crate::{Shared, cite};

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
        }
    }
}

fn html_response(body: String) -> Response {
    Html(body).into_response()
}

// ---------------------------------------------------------------------------------------------
// Home

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
    languages: Vec<search::FacetValue>,
    types: Vec<search::FacetValue>,
    histogram: Option<Histogram>,
    newest: Vec<Newest>,
}

pub(crate) async fn home(
    State(archive): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let key = format!("{}|/", OffsetDateTime::now_utc().date());
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let html = render_home(&archive).await?;
    Ok(keep(&archive, &key, html, accepts_gzip(&headers), generation))
}

async fn render_home(archive: &Shared) -> Result<String, PageError> {
    let total = archive.store.count().await?;
    let everything = search::run(archive, &SearchParams::default(), 0, false).await?;
    let results = &everything.results;
    let years = facet(results, FacetName::Year);
    let first_year = years.first().map(|(y, _)| y.clone());
    let last_year = years.last().map(|(y, _)| y.clone());
    let last = archive.store.last_change().await?;
    let mut newest = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for change in archive.store.changes_after((last - 200).max(0), 200).await?.iter().rev() {
        if change.kind == chancery_store::ChangeKind::Deleted
            || !seen.insert(change.record_id.clone())
        {
            continue;
        }
        if let Some(stored) = archive.store.get(&change.record_id).await? {
            newest.push(Newest {
                href: record_path(&stored.record.id),
                title: stored.record.title.clone(),
                date: stored.record.date.printed.clone(),
            });
        }
        if newest.len() == 8 {
            break;
        }
    }
    let mut chrome = Chrome::plain(&archive.config.name);
    chrome.canonical = Some(format!("{}/", archive.config.base_url));
    chrome.description = Some(format!(
        "{} primary sources of international history, searchable and citable.",
        total
    ));
    let page = HomePage {
        chrome,
        name: archive.config.name.clone(),
        total,
        total_text: crate::html::grouped(total.max(0) as u64),
        first_year,
        last_year,
        languages: search::facet_values(&everything, FacetName::Language, ""),
        types: search::facet_values(&everything, FacetName::Type, ""),
        histogram: Histogram::from_results(results, ""),
        newest,
    };
    Ok(page.render()?)
}

fn facet(results: &SearchResults, name: FacetName) -> Vec<(String, u64)> {
    results.facets.iter().find(|f| f.name == name).map(|f| f.values.clone()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Search

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

// ---------------------------------------------------------------------------------------------
// Document

struct Link {
    href: String,
    text: String,
}

struct Field {
    label: &'static str,
    value: String,
    href: Option<String>,
}

struct TextView {
    label: String,
    lang: Option<String>,
    body: String,
    notes: String,
}

struct Meta {
    name: &'static str,
    content: String,
}

struct Mention {
    name: String,
    description: String,
    href: String,
}

/// Where a record came from, in archival terms: the source file's name (never its path on the
/// importing machine), format, checksum and import date.
struct ProvenanceView {
    file: String,
    format: String,
    sha256: String,
    imported: String,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    chrome: Chrome,
    record: &'a Record,
    permalink: String,
    doc_type: Option<&'static str>,
    date_iso: Option<String>,
    people: Vec<Field>,
    languages: Vec<String>,
    citation_parts: Vec<Field>,
    summary: Vec<String>,
    tei_html: Option<String>,
    texts: Vec<TextView>,
    trail: Vec<Link>,
    topics: Vec<Link>,
    mentions: Vec<Mention>,
    related: Vec<search::HitView>,
    cites: Vec<cite::CiteView>,
    citation_api: String,
    meta: Vec<Meta>,
    json_ld: String,
    revision: i64,
    updated: String,
    /// The record's source URL, where it is a web address a link may point to.
    source_link: Option<String>,
    provenance: Option<ProvenanceView>,
    /// What the record is, where it is not a document: a calendar entry, front matter.
    kind_label: Option<&'static str>,
    /// How its date was supplied, where the document does not print it.
    date_supplied: Option<&'static str>,
    /// The source note's paragraphs.
    source_note: Vec<String>,
    /// Where the original is, as the source note states it (for a document of an edition, whose
    /// citation is the edition's).
    source_parts: Vec<Field>,
}

pub(crate) async fn document(
    State(archive): State<Shared>,
    PagePath(id): PagePath<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let gzip = accepts_gzip(&headers);
    let id = id.trim_end_matches('/');
    let asked = RecordId::parse(id)
        .map_err(|error| PageError::bad_request(format!("`{id}` is not a record id: {error}.")))?;
    // Ids are looked up without regard to case, and earlier ids resolve too: any other
    // spelling is sent to the record's own address.
    let Some(record_id) = archive.store.resolve(&asked).await? else {
        return Err(PageError::not_found(format!(
            "There is no record `{id}`. Search the archive for its title, signature or permalink."
        )));
    };
    if !record_id.spelled_as(&asked) {
        return Ok(redirect(&record_path(&record_id)));
    }
    let today = OffsetDateTime::now_utc().date();
    let key = format!("{today}|{id}");
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, gzip));
    }
    let generation = archive.generation();
    let Some(stored) = archive.store.get(&record_id).await? else {
        let gone = archive.store.latest_change_of(&record_id).await?.is_some();
        return Err(if gone {
            PageError {
                status: StatusCode::GONE,
                title: "This record was withdrawn".into(),
                detail: format!(
                    "The record `{id}` was in the archive but has been deleted. Its id is never given to another record."
                ),
            }
        } else {
            PageError::not_found(format!(
                "There is no record `{id}`. Search the archive for its title, signature or permalink."
            ))
        });
    };
    let html = render_document(&archive, &stored, today).await?;
    Ok(keep(&archive, &key, html, gzip, generation))
}

/// Answers with a freshly rendered page and keeps it, compressed, for the next request (unless
/// the cache is off).
fn keep(archive: &Shared, key: &str, html: String, gzip: bool, generation: i64) -> Response {
    if archive.config.page_cache_bytes == 0 {
        return Html(html).into_response();
    }
    let gzipped = Bytes::from(gzip_bytes(html.as_bytes()));
    archive.cache_page(key, gzipped.clone(), generation);
    cached_html(gzipped, gzip)
}

/// Whether the client takes gzip (`Accept-Encoding: gzip` or `*`, not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
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

fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
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
fn cached_html(gzipped: Bytes, gzip: bool) -> Response {
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

fn search_href(clause: &str) -> String {
    format!("/search?q={}", query_value(clause))
}

fn phrase(field: &str, value: &str) -> String {
    format!("{field}:\"{}\"", value.replace('"', " "))
}

/// The BCP 47 tag for an ISO 639-3 code: the two-letter code where ISO 639-1 has one.
pub(crate) fn bcp47(code: &str) -> Option<String> {
    if code == chancery_model::language::UNDETERMINED {
        return None;
    }
    let language = isolang::Language::from_639_3(code)?;
    Some(language.to_639_1().map_or_else(|| code.to_string(), str::to_string))
}

async fn render_document(
    archive: &Shared,
    stored: &chancery_store::StoredRecord,
    today: time::Date,
) -> Result<String, PageError> {
    let record = &stored.record;
    let base = &archive.config.base_url;
    let permalink = format!("{base}{}", record_path(&record.id));
    let date_iso = record.date.edtf.map(|e| e.to_string());

    let mut people = Vec::new();
    for author in &record.authors {
        people.push(Field {
            label: "From",
            value: author.clone(),
            href: Some(search_href(&phrase("author", author))),
        });
    }
    for recipient in &record.recipients {
        people.push(Field {
            label: "To",
            value: recipient.clone(),
            href: Some(search_href(&phrase("recipient", recipient))),
        });
    }
    for participant in &record.participants {
        people.push(Field {
            label: "Participant",
            value: participant.clone(),
            href: Some(search_href(&format!("\"{}\"", participant.replace('"', " ")))),
        });
    }
    if let Some(place) = &record.place {
        people.push(Field { label: "Place", value: place.clone(), href: None });
    }
    if let Some(time) = &record.time {
        people.push(Field { label: "Time", value: time.clone(), href: None });
    }
    if let Some(number) = &record.number {
        people.push(Field { label: "Number", value: number.clone(), href: None });
    }
    if let Some(pages) = record.page_count {
        people.push(Field { label: "Pages", value: pages.to_string(), href: None });
    }

    let mut citation_parts = Vec::new();
    if let Some(citation) = &record.citation {
        let p = &citation.parts;
        let mut part = |label: &'static str, value: &Option<String>, field: Option<&str>| {
            if let Some(value) = value {
                citation_parts.push(Field {
                    label,
                    value: value.clone(),
                    href: field.map(|f| search_href(&phrase(f, value))),
                });
            }
        };
        part("Published by", &p.publisher, None);
        part("Holding archive", &p.archive, Some("archive"));
        part("Archive (English)", &p.archive_english, None);
        part("Fonds", &p.fonds, Some("archive"));
        part("Signature", &p.signature, None);
        part("Translator", &p.translator, None);
        part("Classification", &p.classification, None);
        // A signature is searched as a known item: the whole string, quoted.
        if let Some(field) = citation_parts.iter_mut().find(|f| f.label == "Signature") {
            field.href = Some(search_href(&format!("\"{}\"", field.value.replace('"', " "))));
        }
    }

    // A document of an edition is cited as the edition prints it; where its original is kept is
    // what its source note says, and shows there.
    let source_parts = if record.edition.is_some() {
        let (kept, source): (Vec<Field>, Vec<Field>) =
            citation_parts.into_iter().partition(|f| f.label == "Published by");
        citation_parts = kept;
        source
    } else {
        Vec::new()
    };

    let summary = record
        .summary
        .as_deref()
        .map(|s| s.split("\n\n").map(str::to_string).collect())
        .unwrap_or_default();
    let targets: Vec<&str> = record
        .texts
        .iter()
        .flat_map(|t| &t.spans)
        .filter_map(|s| match &s.kind {
            SpanKind::Reference(target) => Some(target.as_str()),
            _ => None,
        })
        .collect();
    let links = chancery_ingest::tei::Links {
        volume: record.id.as_str().split('/').next().unwrap_or_default(),
        records: "/records/",
        source_note_apart: record.source_note.is_some(),
        targets: &targets,
    };
    let tei_html = record
        .tei
        .as_deref()
        .and_then(|tei| chancery_ingest::tei::to_html(tei, &links).ok())
        .filter(|html| !html.trim().is_empty());
    let texts = record
        .texts
        .iter()
        .enumerate()
        .map(|(n, text)| {
            let prefix = format!("t{n}");
            TextView {
                label: text.label.clone(),
                lang: text.language.as_ref().and_then(|l| bcp47(&l.code)),
                body: text_body(text, &prefix),
                notes: text_notes(text, &prefix),
            }
        })
        .collect();

    let mut trail = Vec::new();
    let mut next = record.collection_id.clone();
    while let Some(id) = next.take() {
        if trail.len() > 8 {
            break;
        }
        match archive.store.collection(&id).await? {
            Some(collection) => {
                trail.push(Link {
                    href: search_href(&phrase("collection", &collection.title)),
                    text: collection.title.clone(),
                });
                next = collection.parent.clone();
            }
            None => break,
        }
    }
    trail.reverse();
    let mut topics: Vec<Link> = Vec::new();
    for collection in &record.collections {
        if trail.iter().any(|t| &t.text == collection) {
            continue;
        }
        topics.push(Link {
            href: search_href(&phrase("collection", collection)),
            text: collection.clone(),
        });
    }
    for subject in record.subjects.iter().chain(&record.places) {
        topics.push(Link {
            href: search_href(&format!("\"{}\"", subject.replace('"', " "))),
            text: subject.clone(),
        });
    }

    let keys = &record.entities[..record.entities.len().min(60)];
    let mentions = archive
        .store
        .authorities(keys)
        .await?
        .into_iter()
        .map(|authority| Mention {
            href: search_href(&format!("\"{}\"", authority.name.replace('"', " "))),
            name: authority.name,
            description: authority.description,
        })
        .collect();

    let related = search::related(archive, record).await;
    let day =
        chancery_cite::Day { year: today.year(), month: today.month() as u8, day: today.day() };
    let cites = cite::views(record, day);
    let meta = highwire(record, &permalink);
    let json_ld = json_for_script(&json_ld(record, &permalink, base));
    let languages = record.original_languages.iter().map(|l| l.name.clone()).collect();

    let mut chrome = Chrome::plain(&record.title);
    chrome.canonical = Some(permalink.clone());
    chrome.description = record.summary.as_deref().map(|s| truncate(s, 300));
    let page = DocumentPage {
        chrome,
        record,
        citation_api: format!("/api/v1/records/{}/citation", record.id.as_str()),
        permalink,
        doc_type: record.doc_type.map(|t| t.label()),
        date_iso,
        people,
        languages,
        citation_parts,
        summary,
        tei_html,
        texts,
        trail,
        topics,
        mentions,
        related,
        cites,
        meta,
        json_ld,
        revision: stored.revision,
        updated: stored.updated_at.date().to_string(),
        source_link: record
            .citation
            .as_ref()
            .and_then(|c| c.parts.source_url.as_deref())
            .and_then(web_address)
            .map(str::to_string),
        provenance: record.provenance.as_ref().map(|p| ProvenanceView {
            file: chancery_ingest::json::file_name(&p.source_path).to_string(),
            format: p.format.clone(),
            sha256: p.sha256.clone(),
            imported: p.imported_at.date().to_string(),
        }),
        kind_label: (record.kind != RecordKind::Document).then(|| record.kind.label()),
        date_supplied: record.date.supplied.map(|s| s.description()),
        source_note: record
            .source_note
            .as_deref()
            .map(|n| n.split("\n\n").map(str::to_string).collect())
            .unwrap_or_default(),
        source_parts,
    };
    Ok(page.render()?)
}

/// A URL a link may point to: `http:` or `https:`, nothing else (a record's source URL comes
/// from an import and could say `javascript:`).
pub(crate) fn web_address(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme_end = url.find(':')?;
    let scheme = &url[..scheme_end];
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let clean = !url.chars().any(|c| c.is_control() || c.is_whitespace());
    (web && clean && url[scheme_end..].starts_with("://")).then_some(url)
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text[..end].trim_end())
}

/// Highwire Press tags (Google Scholar, Zotero) and Dublin Core for the document.
fn highwire(record: &Record, permalink: &str) -> Vec<Meta> {
    let mut meta = vec![Meta { name: "citation_title", content: record.title.clone() }];
    for author in &record.authors {
        meta.push(Meta { name: "citation_author", content: author.clone() });
    }
    if let Some(edtf) = record.date.edtf
        && let (Some(start), _) = edtf.bounds()
    {
        let date = match edtf {
            chancery_model::date::Edtf::Date(d) if d.day.is_some() => {
                format!("{:04}/{:02}/{:02}", start.year, start.month, start.day)
            }
            chancery_model::date::Edtf::Date(d) if d.month.is_some() => {
                format!("{:04}/{:02}", start.year, start.month)
            }
            _ => format!("{:04}", start.year),
        };
        meta.push(Meta { name: "citation_date", content: date.clone() });
        meta.push(Meta { name: "citation_publication_date", content: date });
    }
    if let Some(citation) = &record.citation {
        let parts = &citation.parts;
        if let Some(publisher) = parts.publisher.as_ref().or(parts.archive.as_ref()) {
            meta.push(Meta { name: "citation_publisher", content: publisher.clone() });
        }
        if let Some(archive) = &parts.archive {
            meta.push(Meta { name: "citation_archive", content: archive.clone() });
        }
        let location: Vec<&str> =
            [&parts.fonds, &parts.signature].iter().filter_map(|p| p.as_deref()).collect();
        if !location.is_empty() {
            meta.push(Meta { name: "citation_archive_location", content: location.join(", ") });
        }
    }
    for language in &record.original_languages {
        if let Some(tag) = bcp47(&language.code) {
            meta.push(Meta { name: "citation_language", content: tag });
        }
    }
    meta.push(Meta { name: "citation_public_url", content: permalink.to_string() });
    meta.push(Meta { name: "citation_abstract_html_url", content: permalink.to_string() });
    meta.push(Meta { name: "DC.title", content: record.title.clone() });
    for author in &record.authors {
        meta.push(Meta { name: "DC.creator", content: author.clone() });
    }
    if let Some(edtf) = record.date.edtf {
        meta.push(Meta { name: "DC.date", content: edtf.to_string() });
    }
    meta.push(Meta { name: "DC.type", content: "Text".into() });
    meta.push(Meta { name: "DC.identifier", content: permalink.to_string() });
    if let Some(citation) = &record.citation {
        meta.push(Meta { name: "DC.source", content: citation.text.clone() });
    }
    meta
}

/// schema.org description of the document as an archival item.
fn json_ld(record: &Record, permalink: &str, base: &str) -> serde_json::Value {
    use serde_json::json;
    let mut item = json!({
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        "@id": permalink,
        "url": permalink,
        "name": record.title,
        "identifier": record.id.as_str(),
    });
    if let Some(edtf) = record.date.edtf {
        item["dateCreated"] = json!(edtf.to_string());
    }
    // A person or a body (a committee, a ministry), as CMIF tells them apart.
    let agent = |name: &String| {
        let kind =
            if chancery_cite::cmif::is_organization(name) { "Organization" } else { "Person" };
        json!({"@type": kind, "name": name})
    };
    if !record.authors.is_empty() {
        item["author"] = record.authors.iter().map(agent).collect();
    }
    if !record.recipients.is_empty() {
        item["recipient"] = record.recipients.iter().map(agent).collect();
    }
    if let Some(summary) = &record.summary {
        item["description"] = json!(summary);
    }
    let languages: Vec<String> =
        record.original_languages.iter().filter_map(|l| bcp47(&l.code)).collect();
    if !languages.is_empty() {
        item["inLanguage"] = json!(languages);
    }
    if let Some(citation) = &record.citation {
        item["citation"] = json!(citation.text);
        if let Some(archive) = &citation.parts.archive {
            item["holdingArchive"] = json!({"@type": "ArchiveOrganization", "name": archive});
        }
        if let Some(translator) = &citation.parts.translator {
            item["translator"] = json!({"@type": "Person", "name": translator});
        }
        if let Some(url) = citation.parts.source_url.as_deref().and_then(web_address) {
            item["sameAs"] = json!(url);
        }
    }
    item["isPartOf"] = json!({"@type": "ArchiveOrganization", "url": format!("{base}/")});
    item
}

// ---------------------------------------------------------------------------------------------
// About, robots, sitemap, 404

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
            "User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /api/\nDisallow: /oai\n\nSitemap: {}/sitemap.xml\n",
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
