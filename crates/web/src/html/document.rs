//! A record's page: everything the record holds, its citation in every style, its place in its
//! collection, and machine-readable descriptions (Highwire, Dublin Core, schema.org).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chancery_model::id::RecordId;
use chancery_model::person::PersonId;
use chancery_model::record::{Record, RecordKind, SpanKind};
use chancery_store::Placed;

use crate::error::{PageError, PagePath};
use crate::html::chrome::{
    Chrome, accepts_gzip, cached_html, collection_path, country_path, keep, organization_path,
    person_path, phrase, record_path, redirect, search_href,
};
use crate::html::markup::{bcp47, json_for_script, text_body, text_notes, web_address};
use crate::{Shared, cite};
use chancery_search::FacetName;

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
    /// The relation between the first author and the first recipient (or the first two
    /// participants) where both are persons or organizations of the archive.
    relation: Option<Link>,
    languages: Vec<String>,
    citation_parts: Vec<Field>,
    summary: Vec<String>,
    tei_html: Option<String>,
    texts: Vec<TextView>,
    trail: Vec<Link>,
    topics: Vec<Link>,
    mentions: Vec<Mention>,
    related: Vec<crate::related::RelatedView>,
    cites: std::sync::Arc<[cite::CiteView]>,
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
    /// Where the record stands in its volume.
    place: Option<PlaceView>,
}

/// A record's place in its volume: "Document 12 of 250", previous and next.
struct PlaceView {
    volume_href: String,
    ordinal: u32,
    of: u32,
    previous: Option<Neighbour>,
    next: Option<Neighbour>,
}

struct Neighbour {
    href: String,
    label: String,
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
    let today = archive.config.clock.today();
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
            href: Some(search_href(&crate::facets::clause(FacetName::Author, author))),
        });
    }
    for recipient in &record.recipients {
        people.push(Field {
            label: "To",
            value: recipient.clone(),
            href: Some(search_href(&crate::facets::clause(FacetName::Recipient, recipient))),
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
        // The archive itself, as its facet counts it (not every archive with its words).
        if let (Some(field), Some(archive)) =
            (citation_parts.iter_mut().find(|f| f.label == "Holding archive"), &p.archive)
        {
            field.href = Some(search_href(&crate::facets::clause(FacetName::Archive, archive)));
        }
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
    // Names the TEI marks (`<persName corresp="#p_TMJB1">`) link to their persons.
    let keys = &record.entities[..record.entities.len().min(60)];
    let persons = archive.store.persons_of_entries(keys).await?;
    let person_links: Vec<(String, String)> = persons
        .iter()
        .filter_map(|(key, person)| Some((key.split_once('#')?.1.to_string(), person_path(person))))
        .collect();
    let people_links: Vec<(&str, &str)> =
        person_links.iter().map(|(id, href)| (id.as_str(), href.as_str())).collect();
    let links = chancery_ingest::tei::Links {
        volume: record.id.as_str().split('/').next().unwrap_or_default(),
        records: "/records/",
        source_note_apart: record.source_note.is_some(),
        targets: &targets,
        people: &people_links,
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
                    href: collection_path(&collection.id),
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
        // A collection the record names itself part of has its own page.
        let slug = crate::collections::named_slug(collection);
        topics.push(Link {
            href: if slug.is_empty() {
                search_href(&crate::facets::clause(FacetName::Collection, collection))
            } else {
                collection_path(&format!("{}{slug}", crate::collections::NAMED_PREFIX))
            },
            text: collection.clone(),
        });
    }
    for subject in record.subjects.iter().chain(&record.places) {
        topics.push(Link {
            href: search_href(&format!("\"{}\"", subject.replace('"', " "))),
            text: subject.clone(),
        });
    }

    let mentions = archive
        .store
        .authorities(keys)
        .await?
        .into_iter()
        .map(|authority| Mention {
            href: match persons.get(&authority.key) {
                Some(person) => person_path(person),
                None => search_href(&format!("\"{}\"", authority.name.replace('"', " "))),
            },
            name: authority.name,
            description: authority.description,
        })
        .collect();
    // Correspondents and participants who are persons of the archive link to their pages.
    let resolved = crate::people::resolve_record(archive, record).await?;
    let relation = relation_link(&resolved);
    for resolution in resolved {
        let label = match resolution.role {
            "author" => "From",
            "recipient" => "To",
            _ => "Participant",
        };
        // A person's page, or for a U.S. mission its country's.
        let href = match (&resolution.person, &resolution.organization, &resolution.country) {
            (Some(person), _, _) => PersonId::parse(person).ok().map(|p| person_path(&p)),
            (None, Some(organization), _) => Some(organization_path(organization)),
            (None, None, Some(country)) => Some(country_path(country)),
            (None, None, None) => None,
        };
        let Some(href) = href else { continue };
        if let Some(field) =
            people.iter_mut().find(|f| f.label == label && f.value == resolution.name)
        {
            field.href = Some(href);
        }
    }

    let place = archive.store.edition_place(&record.id).await?.map(|place| {
        let neighbour = |p: Placed| Neighbour {
            href: record_path(&p.id),
            label: match &p.number {
                Some(number) => format!("{number}. {}", p.title),
                None => p.title,
            },
        };
        PlaceView {
            volume_href: collection_path(&place.volume_id),
            ordinal: place.ordinal,
            of: place.of,
            previous: place.previous.map(neighbour),
            next: place.next.map(neighbour),
        }
    });
    let related = crate::related::related(archive, record);
    let day =
        chancery_cite::Day { year: today.year(), month: today.month() as u8, day: today.day() };
    let cites = archive.cites.views(stored, day);
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
        relation,
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
        place,
    };
    Ok(page.render()?)
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

/// The relation page between a record's first correspondents who resolve to a person or an
/// organization: its first such author and recipient, or for a conversation its first two such
/// participants.
fn relation_link(resolved: &[crate::people::Resolution]) -> Option<Link> {
    let of = |role: &'static str| -> Vec<(String, String)> {
        resolved
            .iter()
            .filter(|r| r.role == role)
            .filter_map(|r| {
                r.person.clone().or_else(|| r.organization.clone()).map(|id| (id, r.name.clone()))
            })
            .collect()
    };
    let (authors, recipients) = (of("author"), of("recipient"));
    let (a, b) = match (authors.first(), recipients.first()) {
        (Some(a), Some(b)) => (a.clone(), b.clone()),
        _ => {
            let with = of("participant");
            let a = with.first()?.clone();
            let b = with.iter().find(|p| p.0 != a.0)?.clone();
            (a, b)
        }
    };
    (a.0 != b.0).then(|| Link {
        href: format!("/relations/{}/{}", a.0, b.0),
        text: format!("{} and {}: every document between them", a.1, b.1),
    })
}
