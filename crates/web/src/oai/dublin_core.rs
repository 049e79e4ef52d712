//! A record in simple Dublin Core (`oai_dc`), the metadata format every OAI-PMH repository
//! must offer.

use chancery_model::record::Record;

use super::{DC_SCHEMA, Xml};
use crate::Shared;

/// The record in simple Dublin Core.
pub(super) fn dublin_core(archive: &Shared, out: &mut Xml, record: &Record) {
    out.start(
        "oai_dc:dc",
        &[
            ("xmlns:oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", DC_SCHEMA),
        ],
    );
    out.element("dc:title", &[], &record.title);
    for author in &record.authors {
        out.element("dc:creator", &[], author);
    }
    let parts = record.citation.as_ref().map(|c| &c.parts);
    if let Some(translator) = parts.and_then(|p| p.translator.as_deref()) {
        out.element("dc:contributor", &[], translator);
    }
    for subject in &record.subjects {
        out.element("dc:subject", &[], subject);
    }
    if let Some(summary) = &record.summary {
        out.element("dc:description", &[], summary);
    }
    for recipient in &record.recipients {
        out.element("dc:description", &[], &format!("Addressed to: {recipient}"));
    }
    for participant in &record.participants {
        out.element("dc:contributor", &[], participant);
    }
    if let Some(how) = record.date.supplied {
        out.element("dc:description", &[], &format!("Date {}.", how.description()));
    }
    if let Some(publisher) = parts.and_then(|p| p.publisher.as_deref()) {
        out.element("dc:publisher", &[], publisher);
    }
    match record.date.edtf {
        Some(edtf) => out.element("dc:date", &[], &edtf.to_string()),
        None if !record.date.printed.is_empty() => {
            out.element("dc:date", &[], &record.date.printed)
        }
        None => {}
    }
    out.element("dc:type", &[], "Text");
    if let Some(doc_type) = record.doc_type {
        out.element("dc:type", &[], doc_type.label());
    }
    out.element("dc:format", &[], "text/html");
    out.element(
        "dc:identifier",
        &[],
        &format!("{}/records/{}", archive.config.base_url, record.id),
    );
    if let Some(url) =
        parts.and_then(|p| p.source_url.as_deref()).and_then(crate::html::markup::web_address)
    {
        out.element("dc:identifier", &[], url);
    }
    if let Some(citation) = &record.citation {
        out.element("dc:source", &[], &citation.text);
    }
    if let Some(note) = &record.source_note {
        out.element("dc:source", &[], note);
    }
    for language in &record.original_languages {
        if language.is_determined() {
            out.element("dc:language", &[], &language.code);
        }
    }
    for collection in &record.collections {
        out.element("dc:relation", &[], collection);
    }
    if let Some(place) = &record.place {
        out.element("dc:coverage", &[], place);
    }
    for section in &record.extra_sections {
        if matches!(
            section.label.to_lowercase().as_str(),
            "rights" | "license" | "licence" | "copyright"
        ) {
            out.element("dc:rights", &[], &section.body);
        }
    }
    out.end("oai_dc:dc");
}
