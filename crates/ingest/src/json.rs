//! Chancery's JSON record format: what `show --format json` prints, what `export --format jsonl`
//! writes one per line, and what `import` reads back.
//!
//! A file holds one record object, an array of them, or JSON lines. Unknown fields are errors
//! (a typo must not lose data). On input, derived fields may be left out: `id` (from the
//! citation's permalink, else the title and date), `date.edtf` (from `date.printed`),
//! `date.printed` (from `date.edtf`), `type` (absent: from the title; `null`: none), `authors` and `recipients` (from the title), the
//! citation's parts (from its text; parts given explicitly win, and `null` means none), a text's `label` (from its kind
//! and language). `date.min`/`date.max` and `provenance` are written for readers and ignored on
//! input: the importer records its own provenance.

use chancery_model::agents::Correspondents;
use chancery_model::date::{DateSupplied, DocDate, Edtf};
use chancery_model::doc_type::DocType;
use chancery_model::id::RecordId;
use chancery_model::language::Language;
use chancery_model::record::{
    Citation, CitationParts, Edition, Note, PageBreak, Record, RecordKind, Section, Span, SpanKind,
    Text, TextKind,
};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;

use crate::{
    Diagnostic, Format, Parsed, Severity, Source, checked_text, citation, date_phrase, text,
};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// `document` (absent), `calendar-entry`, `front-matter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    title: String,
    #[serde(default)]
    date: JsonDate,
    #[serde(default, rename = "type", deserialize_with = "given")]
    doc_type: Option<Option<String>>,
    #[serde(default)]
    authors: Option<Vec<String>>,
    #[serde(default)]
    recipients: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    participants: Vec<String>,
    #[serde(default)]
    citation: Option<JsonCitation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edition: Option<JsonEdition>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    credits: Option<String>,
    #[serde(default)]
    original_languages: Vec<JsonLanguage>,
    #[serde(default)]
    texts: Vec<JsonText>,
    #[serde(default)]
    subjects: Vec<String>,
    #[serde(default)]
    places: Vec<String>,
    #[serde(default)]
    collections: Vec<String>,
    #[serde(default)]
    extra_sections: Vec<JsonSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tei: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    collection_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    entities: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    page_images: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provenance: Option<JsonProvenance>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEdition {
    series: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subseries: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    volume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    volume_title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    editors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    year: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    position: Option<u32>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct JsonDate {
    #[serde(default)]
    printed: Option<String>,
    #[serde(default)]
    edtf: Option<String>,
    #[serde(default)]
    min: Option<String>,
    #[serde(default)]
    max: Option<String>,
    /// How a date the document does not print was supplied: `title`, `heading`, `neighbours`,
    /// `volume`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    supplied: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonCitation {
    text: String,
    #[serde(default, deserialize_with = "given")]
    publisher: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    archive: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    archive_english: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    fonds: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    signature: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    translator: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    source_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "given", skip_serializing_if = "Option::is_none")]
    classification: Option<Option<String>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLanguage {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonText {
    kind: String,
    #[serde(default)]
    language: Option<JsonLanguage>,
    #[serde(default)]
    label: Option<String>,
    body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<JsonNote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pages: Vec<JsonPage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    spans: Vec<JsonSpan>,
}

/// A part of a text's structure: `kind` is `heading`, `quote`, `list`, `table`, `opener`,
/// `closer` (whole lines) or `reference` (with its `target`, a record id or `id#anchor`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSpan {
    kind: String,
    start: usize,
    end: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonNote {
    label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    /// Byte offset of the note's mark in the text's body; absent for a note on the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    anchor: Option<usize>,
    text: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonPage {
    label: String,
    /// Byte offset in the text's body where the page begins.
    offset: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSection {
    label: String,
    body: String,
}

/// Where a record came from, in archival terms: the source file's name, never its path on the
/// importing machine. Written for readers and ignored on input (`source_path`, which older
/// exports wrote, is accepted and ignored too).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonProvenance {
    #[serde(default)]
    source_file: String,
    #[serde(default, skip_serializing, rename = "source_path")]
    _source_path: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    sha256: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    imported_at: String,
}

/// Reads an optional field so that absent (`None`) and `null` (`Some(None)`) differ: an absent
/// citation part is derived from the citation's text, a `null` one is explicitly unknown.
fn given<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// The record as pretty-printed JSON.
pub fn write(record: &Record) -> String {
    serde_json::to_string_pretty(&to_json(record)).expect("records always serialize")
}

/// The record as one line of JSON (for JSON lines).
pub fn write_line(record: &Record) -> String {
    serde_json::to_string(&to_json(record)).expect("records always serialize")
}

fn to_json(record: &Record) -> JsonRecord {
    let (min, max) = record.date.edtf.map(|e| e.bounds()).unwrap_or((None, None));
    let language =
        |l: &Language| JsonLanguage { code: Some(l.code.clone()), name: Some(l.name.clone()) };
    JsonRecord {
        id: Some(record.id.to_string()),
        kind: (record.kind != RecordKind::Document).then(|| record.kind.key().to_string()),
        title: record.title.clone(),
        date: JsonDate {
            printed: Some(record.date.printed.clone()),
            edtf: record.date.edtf.map(|e| e.to_string()),
            min: min.map(|d| d.to_string()),
            max: max.map(|d| d.to_string()),
            supplied: record.date.supplied.map(|s| s.key().to_string()),
        },
        doc_type: Some(record.doc_type.map(|t| t.key().to_string())),
        authors: Some(record.authors.clone()),
        recipients: Some(record.recipients.clone()),
        participants: record.participants.clone(),
        source_note: record.source_note.clone(),
        edition: record.edition.as_ref().map(|e| JsonEdition {
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
        citation: record.citation.as_ref().map(|c| JsonCitation {
            text: c.text.clone(),
            publisher: Some(c.parts.publisher.clone()),
            archive: Some(c.parts.archive.clone()),
            archive_english: Some(c.parts.archive_english.clone()),
            fonds: Some(c.parts.fonds.clone()),
            signature: Some(c.parts.signature.clone()),
            translator: Some(c.parts.translator.clone()),
            source_url: Some(c.parts.source_url.clone()),
            classification: c.parts.classification.clone().map(Some),
        }),
        summary: record.summary.clone(),
        credits: record.credits.clone(),
        original_languages: record.original_languages.iter().map(language).collect(),
        texts: record
            .texts
            .iter()
            .map(|t| JsonText {
                kind: t.kind.key().to_string(),
                language: t.language.as_ref().map(language),
                label: Some(t.label.clone()),
                body: t.body.clone(),
                notes: t
                    .notes
                    .iter()
                    .map(|n| JsonNote {
                        label: n.label.clone(),
                        kind: n.kind.clone(),
                        anchor: n.anchor,
                        text: n.text.clone(),
                    })
                    .collect(),
                pages: t
                    .pages
                    .iter()
                    .map(|p| JsonPage { label: p.label.clone(), offset: p.offset })
                    .collect(),
                spans: t
                    .spans
                    .iter()
                    .map(|s| JsonSpan {
                        kind: s.kind.key().to_string(),
                        start: s.start,
                        end: s.end,
                        target: match &s.kind {
                            SpanKind::Reference(target) => Some(target.clone()),
                            _ => None,
                        },
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
            .map(|s| JsonSection { label: s.label.clone(), body: s.body.clone() })
            .collect(),
        number: record.number.clone(),
        place: record.place.clone(),
        time: record.time.clone(),
        tei: record.tei.clone(),
        collection_id: record.collection_id.clone(),
        entities: record.entities.clone(),
        page_count: record.page_count,
        page_images: record.page_images.clone(),
        provenance: record.provenance.as_ref().map(|p| JsonProvenance {
            source_file: file_name(&p.source_path).to_string(),
            _source_path: None,
            sha256: p.sha256.clone(),
            format: p.format.clone(),
            imported_at: p.imported_at.format(&Rfc3339).unwrap_or_default(),
        }),
    }
}

/// The file name of a source path as the importer gave it (`/home/a/frus/v26.xml` → `v26.xml`),
/// whichever separator the importing machine used.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Parses a JSON source: one record, an array of records, or JSON lines.
pub fn parse(source: &Source<'_>) -> Parsed {
    let text = match checked_text(source.path, source.bytes, crate::MAX_JSON_LINE_BYTES) {
        Ok(text) => text,
        Err(rejected) => return *rejected,
    };
    let mut reader = Reader { path: source.path, text, diagnostics: Vec::new(), counted: (0, 1) };
    let mut records = Vec::new();
    let located: Vec<(usize, JsonRecord)> = if text.trim_start().starts_with('[') {
        // Each element is read on its own, so that its line is known and an error inside it is
        // placed within the file.
        match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(text) {
            Ok(items) => {
                let mut located = Vec::with_capacity(items.len());
                for item in items {
                    let offset = item.get().as_ptr() as usize - text.as_ptr() as usize;
                    let line = reader.line_at(offset);
                    match serde_json::from_str::<JsonRecord>(item.get()) {
                        Ok(record) => located.push((line, record)),
                        Err(error) => {
                            reader.serde_error_at(&error, line);
                            break;
                        }
                    }
                }
                located
            }
            Err(error) => {
                reader.serde_error(&error);
                Vec::new()
            }
        }
    } else {
        let mut items = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<JsonRecord>();
        loop {
            let offset = stream.byte_offset();
            match stream.next() {
                None => break,
                Some(Ok(item)) => items.push((reader.line_at(offset), item)),
                Some(Err(error)) => {
                    reader.serde_error(&error);
                    break;
                }
            }
        }
        items
    };
    // Hashed once: a JSON-lines file may hold thousands of records.
    let provenance = source.provenance(Format::Json);
    // Where each id was first seen, to name both places of a duplicate.
    let mut first_seen: std::collections::HashMap<RecordId, (usize, usize)> =
        std::collections::HashMap::new();
    for (idx, (line, item)) in located.into_iter().enumerate() {
        if let Some(mut record) = reader.record(item, idx + 1, line) {
            if let Some((number, first_line)) = first_seen.get(&record.id) {
                reader.diagnostic(
                    Severity::Error,
                    line,
                    idx + 1,
                    format!(
                        "the id `{}` is also record {number}'s (line {first_line}): one file cannot hold a record twice; give one of them its own `id`",
                        record.id
                    ),
                );
                continue;
            }
            first_seen.insert(record.id.clone(), (idx + 1, line));
            record.provenance = Some(provenance.clone());
            records.push(record);
        }
    }
    let mut parsed = Parsed { records, diagnostics: reader.diagnostics, ..Parsed::default() };
    if parsed.has_errors() {
        parsed.records.clear();
    }
    parsed
}

struct Reader<'a> {
    path: &'a str,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
    /// (byte offset, its line number) of the last line lookup.
    counted: (usize, usize),
}

impl Reader<'_> {
    /// The line where the value after `offset` starts. Offsets come in increasing order, so the
    /// count resumes from the previous one (counting from the top each time is quadratic).
    fn line_at(&mut self, offset: usize) -> usize {
        let skipped = self.text[offset..].len() - self.text[offset..].trim_start().len();
        let target = offset + skipped;
        let (from, line) = if target >= self.counted.0 { self.counted } else { (0, 1) };
        let line =
            line + self.text.as_bytes()[from..target].iter().filter(|&&b| b == b'\n').count();
        self.counted = (target, line);
        line
    }

    fn serde_error(&mut self, error: &serde_json::Error) {
        self.serde_error_at(error, 1);
    }

    /// A serde error in the text that starts on line `first_line`. At the end of the input serde
    /// counts the line after the last newline, which the file does not have: the error is on
    /// the file's last line then.
    fn serde_error_at(&mut self, error: &serde_json::Error, first_line: usize) {
        let message = error.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        let last_line = self.text.trim_end_matches('\n').matches('\n').count() + 1;
        let line = (first_line + error.line().max(1) - 1).min(last_line);
        let column =
            if error.column() == 0 { "end".to_string() } else { error.column().to_string() };
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: self.path.to_string(),
            line: Some(line),
            message: format!("column {column}: {message}"),
        });
    }

    fn diagnostic(&mut self, severity: Severity, line: usize, number: usize, message: String) {
        self.diagnostics.push(Diagnostic {
            severity,
            path: self.path.to_string(),
            line: Some(line),
            message: format!("record {number}: {message}"),
        });
    }

    fn record(&mut self, item: JsonRecord, number: usize, line: usize) -> Option<Record> {
        let error = |reader: &mut Self, message: String| {
            reader.diagnostic(Severity::Error, line, number, message);
        };
        let title = item.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            error(self, "field `title` is empty: every record needs a title".into());
            return None;
        }
        let edtf = match item.date.edtf.as_deref().map(str::parse::<Edtf>) {
            Some(Ok(edtf)) => Some(edtf),
            Some(Err(reason)) => {
                error(self, format!("field `date.edtf`: {reason}"));
                return None;
            }
            None => None,
        };
        let printed = item
            .date
            .printed
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.trim().to_string())
            .unwrap_or_else(|| edtf.map_or_else(|| "Undated".into(), |e| e.to_string()));
        let edtf = match edtf {
            Some(edtf) => Some(edtf),
            None => date_phrase::normalize(&printed).unwrap_or_else(|reason| {
                self.diagnostic(
                    Severity::Warning,
                    line,
                    number,
                    format!("field `date.printed`: {reason}"),
                );
                None
            }),
        };
        let citation = item.citation.map(|c| {
            let derived = citation::parse(&c.text);
            let parts = CitationParts {
                publisher: c.publisher.unwrap_or(derived.publisher),
                archive: c.archive.unwrap_or(derived.archive),
                archive_english: c.archive_english.unwrap_or(derived.archive_english),
                fonds: c.fonds.unwrap_or(derived.fonds),
                signature: c.signature.unwrap_or(derived.signature),
                translator: c.translator.unwrap_or(derived.translator),
                source_url: c.source_url.unwrap_or(derived.source_url),
                classification: c.classification.unwrap_or(derived.classification),
            };
            Citation { text: normalize_body(&c.text), parts }
        });
        let id = match item.id {
            Some(id) => match RecordId::parse(&id) {
                Ok(id) => id,
                Err(reason) => {
                    error(self, format!("field `id`: {reason}"));
                    return None;
                }
            },
            None => citation
                .as_ref()
                .and_then(|c| c.parts.source_url.as_deref())
                .and_then(RecordId::from_permalink)
                .unwrap_or_else(|| RecordId::from_title_and_date(&title, &printed)),
        };
        let doc_type = match item.doc_type {
            None => DocType::from_title(&title),
            Some(None) => None,
            Some(Some(key)) => match DocType::from_key(&key) {
                Some(doc_type) => Some(doc_type),
                None => {
                    let known: Vec<&str> = DocType::ALL.iter().map(|t| t.key()).collect();
                    error(
                        self,
                        format!(
                            "field `type`: unknown type `{key}`; use one of {}",
                            known.join(", ")
                        ),
                    );
                    return None;
                }
            },
        };
        let supplied = match item.date.supplied.as_deref() {
            None => None,
            Some(key) => match DateSupplied::from_key(key) {
                Some(supplied) => Some(supplied),
                None => {
                    error(
                        self,
                        format!(
                            "field `date.supplied`: unknown `{key}`; use title, heading, neighbours or volume"
                        ),
                    );
                    return None;
                }
            },
        };
        let mut record = Record::new(id, title, DocDate { printed, edtf, supplied });
        if let Some(kind) = item.kind.as_deref() {
            match RecordKind::from_key(kind) {
                Some(kind) => record.kind = kind,
                None => {
                    error(
                        self,
                        format!(
                            "field `kind`: unknown kind `{kind}`; use document, calendar-entry or front-matter"
                        ),
                    );
                    return None;
                }
            }
        }
        // One-line values, as every format keeps them.
        let flat = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let one_line = |s: Option<String>| s.map(flat).filter(|s| !s.is_empty());
        record.participants =
            item.participants.into_iter().map(flat).filter(|s| !s.is_empty()).collect();
        record.source_note = item.source_note.map(|s| normalize_body(&s));
        if let Some(e) = item.edition {
            if e.series.trim().is_empty() {
                error(self, "field `edition.series` is empty: an edition names its series".into());
                return None;
            }
            if e.position == Some(0) {
                error(
                    self,
                    "field `edition.position` is 0: it is where the volume prints the record, counted from 1".into(),
                );
                return None;
            }
            record.edition = Some(Edition {
                series: flat(e.series),
                subseries: one_line(e.subseries),
                volume: one_line(e.volume),
                volume_title: one_line(e.volume_title),
                editors: e.editors.into_iter().map(flat).filter(|s| !s.is_empty()).collect(),
                publisher: one_line(e.publisher),
                place: one_line(e.place),
                year: one_line(e.year),
                position: e.position,
            });
        }
        record.page_count = item.page_count;
        record.page_images =
            item.page_images.into_iter().map(flat).filter(|s| !s.is_empty()).collect();
        let derived = Correspondents::from_title(&record.title);
        record.doc_type = doc_type;
        record.authors = item.authors.unwrap_or(derived.authors);
        record.recipients = item.recipients.unwrap_or(derived.recipients);
        record.citation = citation;
        record.summary = item.summary.map(|s| normalize_body(&s));
        record.credits = item.credits.map(|s| normalize_body(&s));
        for (idx, language) in item.original_languages.into_iter().enumerate() {
            match self.language(language, &format!("original_languages[{idx}]"), line, number) {
                Some(language) => record.original_languages.push(language),
                None => return None,
            }
        }
        for (idx, json_text) in item.texts.into_iter().enumerate() {
            let Some(kind) = TextKind::from_key(&json_text.kind) else {
                error(
                    self,
                    format!(
                        "field `texts[{idx}].kind`: unknown kind `{}`; use translation, transcript, original or other",
                        json_text.kind
                    ),
                );
                return None;
            };
            let language = match json_text.language {
                Some(language) => Some(self.language(
                    language,
                    &format!("texts[{idx}].language"),
                    line,
                    number,
                )?),
                None => None,
            };
            let mut text =
                Text::new(kind, language, String::new(), normalize_body(&json_text.body));
            // Offsets point into the body as given: they are kept only if the body needed no
            // normalization, and each must fall on a character boundary.
            let body_kept = text.body == json_text.body;
            for (note_idx, note) in json_text.notes.into_iter().enumerate() {
                if let Some(at) = note.anchor
                    && !(body_kept && text.body.is_char_boundary(at))
                {
                    error(
                        self,
                        format!(
                            "field `texts[{idx}].notes[{note_idx}].anchor`: {at} does not point into the body"
                        ),
                    );
                    return None;
                }
                if !crate::text::is_note_label(&note.label) {
                    error(
                        self,
                        format!(
                            "field `texts[{idx}].notes[{note_idx}].label`: `{}` must be 1 to 24 characters without spaces or brackets",
                            note.label
                        ),
                    );
                    return None;
                }
                text.notes.push(Note {
                    label: note.label,
                    kind: note.kind,
                    anchor: note.anchor,
                    text: note.text,
                });
            }
            for (page_idx, page) in json_text.pages.into_iter().enumerate() {
                if !(body_kept && text.body.is_char_boundary(page.offset)) {
                    error(
                        self,
                        format!(
                            "field `texts[{idx}].pages[{page_idx}].offset`: {} does not point into the body",
                            page.offset
                        ),
                    );
                    return None;
                }
                if !crate::text::is_page_label(&page.label) {
                    error(
                        self,
                        format!(
                            "field `texts[{idx}].pages[{page_idx}].label`: `{}` must be 1 to 40 characters without `}}` or line breaks",
                            page.label
                        ),
                    );
                    return None;
                }
                text.pages.push(PageBreak { label: page.label, offset: page.offset });
            }
            for json_span in json_text.spans {
                let kind = match (json_span.kind.as_str(), json_span.target) {
                    ("reference", Some(target)) => Some(SpanKind::Reference(target)),
                    (key, None) => SpanKind::block_from_key(key),
                    _ => None,
                };
                let Some(kind) = kind else {
                    error(
                        self,
                        format!(
                            "field `texts[{idx}].spans`: `{}` is not a span kind (heading, quote, list, table, opener, closer, or reference with a target)",
                            json_span.kind
                        ),
                    );
                    return None;
                };
                text.spans.push(Span { kind, start: json_span.start, end: json_span.end });
            }
            if !body_kept && !text.spans.is_empty() {
                error(
                    self,
                    format!(
                        "field `texts[{idx}].spans`: offsets point into the body as given, which must be normalized already"
                    ),
                );
                return None;
            }
            if let Err(reason) = text.check_spans() {
                error(self, format!("field `texts[{idx}].spans`: {reason}"));
                return None;
            }
            text.label =
                json_text.label.filter(|l| text::content_label(l).is_some()).unwrap_or_default();
            if text.label.is_empty() {
                text.label = text::default_label(&text);
            }
            record.texts.push(text);
        }
        record.subjects = item.subjects;
        record.places = item.places;
        record.collections = item.collections;
        record.number = item.number;
        record.place = item.place;
        record.time = item.time;
        record.tei = item.tei;
        record.collection_id = item.collection_id;
        record.entities = item.entities;
        for (idx, section) in item.extra_sections.into_iter().enumerate() {
            if text::label_of(&format!("**{}:**", section.label)).is_none() {
                error(
                    self,
                    format!(
                        "field `extra_sections[{idx}].label`: `{}` is not a section label (a letter, then letters, digits, spaces and ()/&'-)",
                        section.label
                    ),
                );
                return None;
            }
            record
                .extra_sections
                .push(Section { label: section.label, body: normalize_body(&section.body) });
        }
        if let Some(tei) = &record.tei
            && let Err(reason) = crate::tei::check_fragment(tei)
        {
            error(self, format!("field `tei`: {reason}"));
            return None;
        }
        if let Some(problem) = crate::limits::record_problem(&record) {
            error(self, problem.message);
            return None;
        }
        Some(record)
    }

    fn language(
        &mut self,
        language: JsonLanguage,
        field: &str,
        line: usize,
        number: usize,
    ) -> Option<Language> {
        let by_code = language.code.as_deref().map(Language::from_code);
        match (by_code, language.name) {
            (Some(Some(mut found)), name) => {
                if let Some(name) = name {
                    found.name = name;
                }
                Some(found)
            }
            (Some(None), _) => {
                let code = language.code.unwrap_or_default();
                self.diagnostic(Severity::Error, line, number, format!("field `{field}.code`: `{code}` is not an ISO 639 code; use a code such as `hbs` or `rus`"));
                None
            }
            (None, Some(name)) => Some(Language::from_name(&name).unwrap_or_else(|| {
                self.diagnostic(
                    Severity::Warning,
                    line,
                    number,
                    format!(
                        "field `{field}.name`: unknown language `{name}`, kept with code `und`"
                    ),
                );
                Language::undetermined(&name)
            })),
            (None, None) => {
                self.diagnostic(
                    Severity::Error,
                    line,
                    number,
                    format!("field `{field}`: give a `code` or a `name`"),
                );
                None
            }
        }
    }
}

/// Normalizes plain text the way the text format keeps bodies: `\n` is a line break, blank lines
/// separate paragraphs (one blank line), no trailing white space, no blank lines at either end.
pub fn normalize_body(text: &str) -> String {
    let mut paragraphs: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
        } else if let Some(paragraph) = paragraphs.last_mut() {
            paragraph.push(line);
        }
    }
    paragraphs.retain(|p| !p.is_empty());
    paragraphs.iter().map(|p| p.join("\n")).collect::<Vec<_>>().join("\n\n")
}

#[cfg(test)]
mod tests {
    use chancery_model::record::CitationParts;
    use time::OffsetDateTime;

    use super::*;

    fn round_trip(record: &Record) -> Record {
        let line = write_line(record);
        let parsed = parse(&Source {
            path: "r.jsonl",
            bytes: line.as_bytes(),
            imported_at: OffsetDateTime::UNIX_EPOCH,
        });
        assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
        let mut again = parsed.records.into_iter().next().expect("one record");
        again.provenance = record.provenance.clone();
        again
    }

    /// An edition's position counts from 1 in every format: 0 is refused here as the text
    /// format refuses it, so that no record is stored that its text form cannot read back.
    #[test]
    fn an_edition_position_counts_from_one() {
        let json = |position: u32| {
            format!(
                r#"{{"title": "T", "date": {{"printed": "1955"}}, "edition": {{"series": "FRUS", "position": {position}}}}}"#
            )
        };
        let parsed = |text: String| {
            parse(&Source {
                path: "e.json",
                bytes: text.as_bytes(),
                imported_at: OffsetDateTime::UNIX_EPOCH,
            })
        };
        let zero = parsed(json(0));
        assert!(zero.has_errors());
        assert!(
            zero.diagnostics[0].message.contains("`edition.position` is 0"),
            "{:?}",
            zero.diagnostics
        );
        let one = parsed(json(1));
        assert!(!one.has_errors(), "{:?}", one.diagnostics);
        let record = &one.records[0];
        assert_eq!(record.edition.as_ref().unwrap().position, Some(1));
        assert_eq!(round_trip(record).edition, record.edition);
        let text = crate::text::write(record);
        assert!(text.contains("position: 1"), "{text}");
    }

    /// Regression: parts written as `null` came back derived from the citation's text.
    #[test]
    fn null_citation_parts_stay_empty() {
        let mut record = Record::new(
            RecordId::parse("frus-x/d1").unwrap(),
            "Telegram".into(),
            DocDate::new("1955".into(), "1955".parse().ok()),
        );
        record.citation = Some(Citation {
            text:
                "Foreign Relations of the United States, 1917–1972, Public Diplomacy, Document 1."
                    .into(),
            parts: CitationParts { publisher: Some("FRUS".into()), ..CitationParts::default() },
        });
        assert_eq!(round_trip(&record), record);
        // Absent parts are still derived.
        let given = r#"{"title": "T", "citation": {"text": "\"T\", 1954, Wilson Center Digital Archive, Arhiv Jugoslavije, Arhiv CK SKJ, 507 / IX."}}"#;
        let parsed = parse(&Source {
            path: "g.json",
            bytes: given.as_bytes(),
            imported_at: OffsetDateTime::UNIX_EPOCH,
        });
        let parts = &parsed.records[0].citation.as_ref().unwrap().parts;
        assert_eq!(parts.archive.as_deref(), Some("Arhiv Jugoslavije"));
    }

    /// Regression: finding each record's line counted from the top of the file every time.
    #[test]
    fn lines_are_counted_once_and_right() {
        let text = "{\"title\": \"A\"}\n\n{\"title\": \"B\"}\n{\"title\": \"\"}\n";
        let parsed = parse(&Source {
            path: "l.jsonl",
            bytes: text.as_bytes(),
            imported_at: OffsetDateTime::UNIX_EPOCH,
        });
        assert_eq!(parsed.diagnostics[0].line, Some(4), "{:?}", parsed.diagnostics);
    }

    fn diagnostics(text: &str) -> Vec<Diagnostic> {
        parse(&Source {
            path: "r.json",
            bytes: text.as_bytes(),
            imported_at: OffsetDateTime::UNIX_EPOCH,
        })
        .diagnostics
    }

    /// Regression (issue 10): an error at the end of a file was placed on the line after it.
    #[test]
    fn errors_at_the_end_are_on_the_last_line() {
        let found = diagnostics("{\"title\": \"A\"}\n{\"title\": \n");
        assert_eq!(found[0].line, Some(2), "{found:?}");
        assert!(found[0].message.starts_with("column end: EOF"), "{found:?}");
        let found = diagnostics("{\"title\": \"A\"}\n{\"title\": \"B\"");
        assert_eq!(found[0].line, Some(2), "{found:?}");
    }

    /// Records of an array are placed on their own lines, errors inside them too.
    #[test]
    fn array_elements_have_their_lines() {
        let found = diagnostics("[\n  {\"title\": \"A\"},\n  {\"title\": \"\"}\n]\n");
        assert_eq!(
            (found[0].line, found[0].message.as_str()),
            (Some(3), "record 2: field `title` is empty: every record needs a title")
        );
        let found =
            diagnostics("[\n  {\"title\": \"A\"},\n  {\"title\": \"B\",\n   \"dat\": 1}\n]\n");
        assert_eq!(found[0].line, Some(4), "{found:?}");
        assert!(found[0].message.contains("unknown field `dat`"), "{found:?}");
    }

    /// Regression (issue 10): a duplicate id within one file named the file twice and no line.
    #[test]
    fn a_duplicate_id_names_both_lines() {
        let found = diagnostics(
            "{\"id\": \"x\", \"title\": \"A\"}\n{\"title\": \"B\"}\n{\"id\": \"x\", \"title\": \"C\"}\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, Some(3));
        assert!(found[0].message.contains("also record 1's (line 1)"), "{}", found[0].message);
    }

    /// Regression (issue 10): deep nesting in a JSON record's `tei` field reached the renderer.
    #[test]
    fn the_tei_field_is_checked_like_a_tei_file() {
        let deep = format!("{}x{}", "<hi>".repeat(200), "</hi>".repeat(200));
        let text =
            serde_json::json!({"title": "T", "tei": format!("<div>{deep}</div>")}).to_string();
        let found = diagnostics(&text);
        assert!(
            found[0].message.contains("field `tei`") && found[0].message.contains("MAX_XML_DEPTH"),
            "{found:?}"
        );
        let broken = serde_json::json!({"title": "T", "tei": "<div><p>unclosed</div>"}).to_string();
        assert!(diagnostics(&broken)[0].message.contains("does not parse as XML"));
        let fine = serde_json::json!({"title": "T", "tei": "<div><p>closed</p></div>"}).to_string();
        assert!(diagnostics(&fine).is_empty());
    }

    /// One field past its limit, and a record past the size limit, are refused on their line.
    #[test]
    fn fields_and_records_are_bounded() {
        let long_title = "t".repeat(crate::limits::MAX_FIELD_BYTES + 1);
        let text = format!("{{\"title\": \"ok\"}}\n{}", serde_json::json!({"title": long_title}));
        let found = diagnostics(&text);
        assert_eq!(found[0].line, Some(2));
        assert!(found[0].message.contains("MAX_FIELD_BYTES"), "{found:?}");
        let at_limit = "t".repeat(crate::limits::MAX_FIELD_BYTES);
        assert!(diagnostics(&serde_json::json!({"title": at_limit}).to_string()).is_empty());
        let body = "w ".repeat(crate::limits::MAX_RECORD_BYTES / 2 + 1);
        let big = serde_json::json!({"title": "T", "texts": [{"kind": "original", "body": body}]});
        assert!(diagnostics(&big.to_string())[0].message.contains("MAX_RECORD_BYTES"));
    }
}
