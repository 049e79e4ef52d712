//! The JSON shape of a record's content in the `records.body` column, and how it is kept there
//! (compressed since schema 11: [`pack`], [`unpack`]).
//!
//! This is the store's own on-disk format, versioned by [`BODY_VERSION`] and independent of the
//! JSON that `chancery-ingest` reads and writes for people: an interchange format may change
//! freely, stored data must stay readable. The id and provenance live in columns, not here.

use chancery_model::date::{DateSupplied, DocDate, Edtf};
use chancery_model::doc_type::DocType;
use chancery_model::id::RecordId;
use chancery_model::language::Language;
use chancery_model::record::{
    Citation, CitationParts, Edition, Note, PageBreak, Record, RecordKind, Section, Span, SpanKind,
    Text, TextKind,
};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::codec;

/// The version of the body shape (its JSON) this build writes.
pub(crate) const BODY_VERSION: i64 = 1;

/// `body_version` of a row whose body is shape [`BODY_VERSION`] compressed as one zstd frame
/// (`codec`), as every body is written since schema 11; version 1 rows are the JSON's UTF-8 bytes.
pub(crate) const PACKED_BODY_VERSION: i64 = 2;

/// The stored body; `Tei` is what its TEI fragment is read as: a `String`, or `IgnoredAny` for a
/// read that skips it ([`from_json_without_tei`]: the fragment is most of a FRUS body, and lists of
/// records never show it).
#[derive(Serialize, Deserialize)]
struct Body<Tei = String> {
    title: String,
    date_printed: String,
    date_edtf: Option<String>,
    doc_type: Option<String>,
    authors: Vec<String>,
    recipients: Vec<String>,
    citation: Option<StoredCitation>,
    summary: Option<String>,
    credits: Option<String>,
    original_languages: Vec<(String, String)>,
    texts: Vec<StoredText>,
    subjects: Vec<String>,
    places: Vec<String>,
    collections: Vec<String>,
    extra_sections: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tei: Option<Tei>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    collection_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    entities: Vec<String>,
    // Since issue 11; absent from older bodies, which read with the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date_supplied: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    participants: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edition: Option<StoredEdition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    page_images: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredEdition {
    series: String,
    subseries: Option<String>,
    volume: Option<String>,
    volume_title: Option<String>,
    editors: Vec<String>,
    publisher: Option<String>,
    place: Option<String>,
    year: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    position: Option<u32>,
}

#[derive(Serialize, Deserialize)]
struct StoredCitation {
    text: String,
    publisher: Option<String>,
    archive: Option<String>,
    archive_english: Option<String>,
    fonds: Option<String>,
    signature: Option<String>,
    translator: Option<String>,
    source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    classification: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredText {
    kind: String,
    language: Option<(String, String)>,
    label: String,
    body: String,
    /// (label, kind, anchor, text)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<(String, Option<String>, Option<usize>, String)>,
    /// (label, offset)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pages: Vec<(String, usize)>,
    /// (kind, start, end, reference target)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    spans: Vec<(String, usize, usize, Option<String>)>,
}

fn language_pair(language: &Language) -> (String, String) {
    (language.code.clone(), language.name.clone())
}

fn language_from((code, name): (String, String)) -> Language {
    Language { code, name }
}

/// The record's content as stored JSON.
pub(crate) fn to_body(record: &Record) -> String {
    let body = Body {
        title: record.title.clone(),
        date_printed: record.date.printed.clone(),
        date_edtf: record.date.edtf.map(|e| e.to_string()),
        doc_type: record.doc_type.map(|t| t.key().to_string()),
        authors: record.authors.clone(),
        recipients: record.recipients.clone(),
        citation: record.citation.as_ref().map(|c| StoredCitation {
            text: c.text.clone(),
            publisher: c.parts.publisher.clone(),
            archive: c.parts.archive.clone(),
            archive_english: c.parts.archive_english.clone(),
            fonds: c.parts.fonds.clone(),
            signature: c.parts.signature.clone(),
            translator: c.parts.translator.clone(),
            source_url: c.parts.source_url.clone(),
            classification: c.parts.classification.clone(),
        }),
        summary: record.summary.clone(),
        credits: record.credits.clone(),
        original_languages: record.original_languages.iter().map(language_pair).collect(),
        texts: record
            .texts
            .iter()
            .map(|t| StoredText {
                kind: t.kind.key().to_string(),
                language: t.language.as_ref().map(language_pair),
                label: t.label.clone(),
                body: t.body.clone(),
                notes: t
                    .notes
                    .iter()
                    .map(|n| (n.label.clone(), n.kind.clone(), n.anchor, n.text.clone()))
                    .collect(),
                pages: t.pages.iter().map(|p| (p.label.clone(), p.offset)).collect(),
                spans: t
                    .spans
                    .iter()
                    .map(|s| {
                        let target = match &s.kind {
                            SpanKind::Reference(target) => Some(target.clone()),
                            _ => None,
                        };
                        (s.kind.key().to_string(), s.start, s.end, target)
                    })
                    .collect(),
            })
            .collect(),
        subjects: record.subjects.clone(),
        places: record.places.clone(),
        collections: record.collections.clone(),
        extra_sections: record
            .extra_sections
            .iter()
            .map(|s| (s.label.clone(), s.body.clone()))
            .collect(),
        number: record.number.clone(),
        place: record.place.clone(),
        time: record.time.clone(),
        tei: record.tei.clone(),
        collection_id: record.collection_id.clone(),
        entities: record.entities.clone(),
        kind: (record.kind != RecordKind::Document).then(|| record.kind.key().to_string()),
        date_supplied: record.date.supplied.map(|s| s.key().to_string()),
        participants: record.participants.clone(),
        source_note: record.source_note.clone(),
        edition: record.edition.as_ref().map(|e| StoredEdition {
            series: e.series.clone(),
            subseries: e.subseries.clone(),
            volume: e.volume.clone(),
            volume_title: e.volume_title.clone(),
            editors: e.editors.clone(),
            publisher: e.publisher.clone(),
            place: e.place.clone(),
            year: e.year.clone(),
            position: e.position,
        }),
        page_count: record.page_count,
        page_images: record.page_images.clone(),
    };
    serde_json::to_string(&body).expect("bodies always serialize")
}

/// A body's JSON as stored: compressed, to be written with `body_version`
/// [`PACKED_BODY_VERSION`].
pub(crate) fn pack(json: &str) -> Vec<u8> {
    codec::compress(json.as_bytes())
}

/// The JSON of a stored body (`body_version` 1 or [`PACKED_BODY_VERSION`]), or why not.
pub(crate) fn unpack(version: i64, stored: &[u8]) -> Result<String, String> {
    let bytes = match version {
        BODY_VERSION => stored.to_vec(),
        PACKED_BODY_VERSION => codec::decompress(stored, codec::MAX_BODY_BYTES)
            .map_err(|e| format!("the compressed body cannot be read: {e}"))?,
        other => {
            return Err(format!(
                "body version {other} is neither {BODY_VERSION} nor {PACKED_BODY_VERSION}"
            ));
        }
    };
    String::from_utf8(bytes).map_err(|e| format!("the body is not UTF-8: {e}"))
}

/// Reads a stored body (as [`unpack`] takes it) back into a record (without provenance).
pub(crate) fn from_body(id: &RecordId, version: i64, stored: &[u8]) -> Result<Record, String> {
    from_json(id, &unpack(version, stored)?)
}

/// Reads a body's JSON back into a record (without provenance).
pub(crate) fn from_json(id: &RecordId, json: &str) -> Result<Record, String> {
    read_json::<String>(id, json)
}

/// [`from_body`], leaving the record's TEI fragment out (`tei` is `None`): the JSON is still
/// checked whole, the fragment's string is only stepped over.
pub(crate) fn from_body_without_tei(
    id: &RecordId,
    version: i64,
    stored: &[u8],
) -> Result<Record, String> {
    read_json::<IgnoredAny>(id, &unpack(version, stored)?)
}

/// How a body's TEI fragment is read: kept, or stepped over.
trait TeiRead: for<'de> Deserialize<'de> + Default {
    fn kept(self) -> Option<String>;
}

impl TeiRead for String {
    fn kept(self) -> Option<String> {
        Some(self)
    }
}

impl TeiRead for IgnoredAny {
    fn kept(self) -> Option<String> {
        None
    }
}

fn read_json<Tei: TeiRead>(id: &RecordId, json: &str) -> Result<Record, String> {
    let body: Body<Tei> = serde_json::from_str(json).map_err(|e| format!("bad body JSON: {e}"))?;
    let edtf = body
        .date_edtf
        .map(|e| e.parse::<Edtf>())
        .transpose()
        .map_err(|e| format!("bad EDTF date: {e}"))?;
    let doc_type = match body.doc_type {
        Some(key) => Some(DocType::from_key(&key).ok_or_else(|| format!("unknown type `{key}`"))?),
        None => None,
    };
    let mut texts = Vec::with_capacity(body.texts.len());
    for text in body.texts {
        let kind = TextKind::from_key(&text.kind)
            .ok_or_else(|| format!("unknown text kind `{}`", text.kind))?;
        texts.push(Text {
            kind,
            language: text.language.map(language_from),
            label: text.label,
            body: text.body,
            notes: text
                .notes
                .into_iter()
                .map(|(label, kind, anchor, text)| Note { label, kind, anchor, text })
                .collect(),
            pages: text
                .pages
                .into_iter()
                .map(|(label, offset)| PageBreak { label, offset })
                .collect(),
            spans: text
                .spans
                .into_iter()
                .map(|(kind, start, end, target)| {
                    let kind = match (kind.as_str(), target) {
                        ("reference", Some(target)) => SpanKind::Reference(target),
                        (key, _) => SpanKind::block_from_key(key)
                            .ok_or_else(|| format!("unknown span kind `{key}`"))?,
                    };
                    Ok(Span { kind, start, end })
                })
                .collect::<Result<_, String>>()?,
        });
    }
    let supplied = body
        .date_supplied
        .as_deref()
        .map(|key| {
            DateSupplied::from_key(key).ok_or_else(|| format!("unknown date source `{key}`"))
        })
        .transpose()?;
    let mut record =
        Record::new(id.clone(), body.title, DocDate { printed: body.date_printed, edtf, supplied });
    if let Some(kind) = body.kind {
        record.kind =
            RecordKind::from_key(&kind).ok_or_else(|| format!("unknown record kind `{kind}`"))?;
    }
    record.participants = body.participants;
    record.source_note = body.source_note;
    record.edition = body.edition.map(|e| Edition {
        series: e.series,
        subseries: e.subseries,
        volume: e.volume,
        volume_title: e.volume_title,
        editors: e.editors,
        publisher: e.publisher,
        place: e.place,
        year: e.year,
        position: e.position,
    });
    record.page_count = body.page_count;
    record.page_images = body.page_images;
    record.doc_type = doc_type;
    record.authors = body.authors;
    record.recipients = body.recipients;
    record.citation = body.citation.map(|c| Citation {
        text: c.text,
        parts: CitationParts {
            publisher: c.publisher,
            archive: c.archive,
            archive_english: c.archive_english,
            fonds: c.fonds,
            signature: c.signature,
            translator: c.translator,
            source_url: c.source_url,
            classification: c.classification,
        },
    });
    record.summary = body.summary;
    record.credits = body.credits;
    record.original_languages = body.original_languages.into_iter().map(language_from).collect();
    record.texts = texts;
    record.subjects = body.subjects;
    record.places = body.places;
    record.collections = body.collections;
    record.extra_sections =
        body.extra_sections.into_iter().map(|(label, body)| Section { label, body }).collect();
    record.number = body.number;
    record.place = body.place;
    record.time = body.time;
    record.tei = body.tei.and_then(TeiRead::kept);
    record.collection_id = body.collection_id;
    record.entities = body.entities;
    Ok(record)
}
