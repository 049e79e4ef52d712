//! The record text format: how a digital archive publishes a record, as in the seed
//! `000_5e4392f9da7ebfc5.txt`.
//!
//! # Grammar
//!
//! ```text
//! record        = blank* date-block blank* title-block blank* section*
//! date-block    = bold-block                  ; "**August 11, 1954**", "**Undated**"
//! title-block   = bold-block                  ; may run over several lines
//! bold-block    = "**" text (NL text)* "**"   ; opens with "**" at a line start and closes with
//!                                             ; "**" at a line end; its lines are joined by one space
//! section       = label-line body
//! label-line    = "**" label ":**" [ " " text ] NL   ; label: a letter, then letters, digits,
//!                                             ; spaces and ()/&'- up to 48 characters
//! body          = line*                       ; every line up to the next label-line
//! ```
//!
//! Lines end in LF or CRLF; a byte-order mark is ignored. Bodies follow Markdown: a line ending in
//! two spaces is a hard line break (kept as `\n`), other line ends inside a paragraph are soft
//! (joined with a space), and blank lines separate paragraphs (kept as one blank line). A body
//! line that would read as a label line, or as a content label, or that starts with `\`, is
//! written with one more leading `\`, which the parser removes.
//!
//! Known sections (labels are case-insensitive; every one is optional, each may appear once,
//! except Contents, and in any order): Citation, Summary, Credits, Original Language(s),
//! Contents, Identifier, Type, Authors, Recipients, Subjects, Places, Collections, and for what
//! other sources give (TEI): EDTF (the normalized date, when the printed one does not give it),
//! Number, Dateline Place, Time, Collection Id, Entities (authority keys), Citation Parts (`key: value` lines, when the citation's text
//! does not give them). List sections
//! take one entry per line (languages may also be separated by `,` or `;`); `none` means an
//! explicitly empty list. Each Contents section holds one text: its first line, when it reads as
//! `Translation|Transcript|Transcription|Original [- Language]`, is the label; the rest is the
//! body. Unknown sections are kept verbatim, with a warning.
//!
//! In a Contents body, `[^2]` marks a footnote's anchor and `{{page 653}}` the start of a
//! printed page; the footnotes are the section's trailing `[^2]: text` paragraphs (see
//! `marks.rs`).
//!
//! Derived fields: the id comes from the citation's permalink (or the title and date) unless an
//! Identifier section gives it; the type, authors and recipients come from the title ("Letter
//! from A to B") unless their sections give them; the citation's parts come from its text.

mod marks;
mod write;

pub use write::write;

pub(crate) use write::default_label;

pub(crate) use marks::{
    is_label as is_note_label, is_page_label, is_target as is_reference_target,
};

use chancery_model::agents::Correspondents;
use chancery_model::date::{DateSupplied, DocDate};
use chancery_model::doc_type::DocType;
use chancery_model::id::RecordId;
use chancery_model::language::Language;
use chancery_model::record::{Citation, Edition, Record, RecordKind, Section, Text, TextKind};

use crate::{Diagnostic, Format, Parsed, Severity, Source, checked_text, citation, date_phrase};

/// Parses one text record.
pub fn parse(source: &Source<'_>) -> Parsed {
    let text = match checked_text(source.path, source.bytes, crate::MAX_LINE_BYTES) {
        Ok(text) => text,
        Err(rejected) => return *rejected,
    };
    let mut parser = Parser { path: source.path, diagnostics: Vec::new() };
    let record = parser.record(text);
    let mut parsed = Parsed { diagnostics: parser.diagnostics, ..Parsed::default() };
    if let Some(mut record) = record
        && !parsed.has_errors()
    {
        if let Some(problem) = crate::limits::record_problem(&record) {
            // A value that is too long is found where it stands; a record that is too large
            // as a whole is the file's problem.
            let line = problem
                .value
                .as_deref()
                .and_then(|value| text.find(value))
                .map_or(1, |offset| text[..offset].matches('\n').count() + 1);
            return Parsed::rejected(source.path, Some(line), problem.message);
        }
        record.provenance = Some(source.provenance(Format::Text));
        parsed.records.push(record);
    }
    parsed
}

struct Parser<'a> {
    path: &'a str,
    diagnostics: Vec<Diagnostic>,
}

/// A line with its 1-based number.
#[derive(Clone, Copy)]
struct Line<'a> {
    number: usize,
    text: &'a str,
}

struct RawSection<'a> {
    label: String,
    line: usize,
    body: Vec<Line<'a>>,
}

#[derive(Default)]
struct Explicit {
    id: Option<RecordId>,
    edtf: Option<Option<chancery_model::date::Edtf>>,
    citation_parts: Option<chancery_model::record::CitationParts>,
    doc_type: Option<Option<DocType>>,
    authors: Option<Vec<String>>,
    recipients: Option<Vec<String>>,
}

impl<'a> Parser<'a> {
    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.push(Severity::Error, line, message.into());
    }

    fn warning(&mut self, line: usize, message: impl Into<String>) {
        self.push(Severity::Warning, line, message.into());
    }

    fn push(&mut self, severity: Severity, line: usize, message: String) {
        self.diagnostics.push(Diagnostic {
            severity,
            path: self.path.to_string(),
            line: Some(line),
            message,
        });
    }

    fn record(&mut self, text: &'a str) -> Option<Record> {
        let lines = split_lines(text);
        let first_label =
            lines.iter().position(|line| is_section_start(line.text, false)).unwrap_or(lines.len());
        let blocks = self.header(&lines[..first_label])?;
        let (date_block, title_block) = match blocks.as_slice() {
            [date, title] => (date, title),
            [] => {
                let line = lines.first().map_or(1, |l| l.number);
                self.error(line, "no date line and no title: a record starts with **August 11, 1954** (or **Undated**) and then **Title**");
                return None;
            }
            [only] => {
                let message = if date_phrase::normalize(&only.1).is_ok() {
                    "the record has no title: after the date line, add the title in bold (**Title**)"
                } else {
                    "the record has no date line: before the title, add the date in bold (**August 11, 1954**, or **Undated**)"
                };
                self.error(only.0, message);
                return None;
            }
            [_, _, third, ..] => {
                self.error(third.0, "a third bold block before the sections: the header is a date line and a title; join the title's lines into one block");
                return None;
            }
        };
        let printed_date = date_block.1.clone();
        let (stripped_title, title_mark_offsets) = marks::strip(&title_block.1, true);
        let title_mark_offsets: Vec<(usize, String)> = title_mark_offsets
            .into_iter()
            .filter_map(|(offset, mark)| match mark {
                marks::Mark::Note(label) => Some((offset, label)),
                _ => None,
            })
            .collect();
        let mut title_marks: Vec<String> =
            title_mark_offsets.iter().map(|(_, label)| label.clone()).collect();
        let title = stripped_title.trim().to_string();
        if printed_date.is_empty() {
            self.error(
                date_block.0,
                "the date line is empty: write the date as printed, or **Undated**",
            );
        }
        if title.is_empty() {
            self.error(title_block.0, "the title is empty: write the record's title in bold");
            return None;
        }
        let (edtf, date_problem) = match date_phrase::normalize(&printed_date) {
            Ok(edtf) => (edtf, None),
            Err(reason) => (None, Some(reason)),
        };
        let placeholder = RecordId::from_title_and_date(&title, &printed_date);
        let mut record = Record::new(placeholder, title, DocDate::new(printed_date, edtf));
        let sections = sections(&lines[first_label..]);
        let explicit = self.fill(&mut record, sections, &mut title_marks);
        // A title mark no footnote claims is text of the title after all.
        if !title_marks.is_empty() {
            let mut title = String::with_capacity(stripped_title.len() + 8);
            let mut copied = 0;
            for (offset, label) in &title_mark_offsets {
                if let Some(idx) = title_marks.iter().position(|l| l == label) {
                    title_marks.remove(idx);
                    title.push_str(&stripped_title[copied..*offset]);
                    title.push_str(&format!("[^{label}]"));
                    copied = *offset;
                }
            }
            title.push_str(&stripped_title[copied..]);
            record.title = title.trim().to_string();
        }
        if let Some(reason) = date_problem
            && explicit.edtf.is_none()
        {
            self.warning(
                date_block.0,
                format!("{reason}; the date is kept as printed but not searchable by date"),
            );
        }
        self.derive(&mut record, explicit);
        Some(record)
    }

    /// Reads the bold blocks before the first section: (first line number, joined text).
    fn header(&mut self, lines: &[Line<'a>]) -> Option<Vec<(usize, String)>> {
        let mut blocks = Vec::new();
        let mut idx = 0;
        while idx < lines.len() {
            let line = lines[idx];
            let trimmed = line.text.trim();
            if trimmed.is_empty() {
                idx += 1;
                continue;
            }
            if !trimmed.starts_with("**") {
                self.error(line.number, format!(
                    "expected a bold date line or title (**…**) before the first section, found `{}`",
                    clip(trimmed)
                ));
                return None;
            }
            let start = idx;
            let mut parts = Vec::new();
            loop {
                let mut part = lines[idx].text.trim();
                if idx == start {
                    part = &part[2..];
                }
                let closes = part.len() >= 2 && part.ends_with("**");
                if closes {
                    part = &part[..part.len() - 2];
                }
                parts.push(part.trim());
                if closes {
                    break;
                }
                idx += 1;
                if idx == lines.len() || lines[idx].text.trim().is_empty() {
                    self.error(line.number, "this bold block is never closed: end it with `**`");
                    return None;
                }
            }
            blocks.push((
                line.number,
                parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" "),
            ));
            idx += 1;
        }
        Some(blocks)
    }

    fn fill(
        &mut self,
        record: &mut Record,
        sections: Vec<RawSection<'a>>,
        title_marks: &mut Vec<String>,
    ) -> Explicit {
        let mut explicit = Explicit::default();
        let mut seen: Vec<(&'static str, usize)> = Vec::new();
        for section in sections {
            let key = canonical_label(&section.label);
            if let Some(key) = key
                && key != "contents"
            {
                if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                    self.error(section.line, format!(
                        "a second **{}:** section (the first is on line {first}): merge them into one",
                        section.label
                    ));
                    continue;
                }
                seen.push((key, section.line));
            }
            if key == Some("contents") {
                record.texts.push(content(&section.body, title_marks));
                continue;
            }
            let body = body_text(&section.body);
            // Lists take one entry per source line, whatever the line ends.
            let raw_lines: Vec<&str> =
                section.body.iter().map(|l| unescape(l.text.trim())).collect();
            let raw = raw_lines.join("\n");
            match key {
                Some("citation") => {
                    let parts = citation::parse(&body);
                    record.citation = Some(Citation { text: body, parts });
                }
                Some("summary") => record.summary = Some(body),
                Some("credits") => record.credits = Some(body),
                Some("original language") => {
                    record.original_languages = self.languages(&raw, section.line);
                }
                Some("identifier") => match RecordId::parse(body.trim()) {
                    Ok(id) => explicit.id = Some(id),
                    Err(error) => self.error(section.line, format!("bad identifier: {error}")),
                },
                Some("type") => {
                    if is_none(&body) {
                        explicit.doc_type = Some(None);
                    } else if let Some(doc_type) = DocType::from_key(&body) {
                        explicit.doc_type = Some(Some(doc_type));
                    } else {
                        let known: Vec<&str> = DocType::ALL.iter().map(|t| t.key()).collect();
                        self.error(
                            section.line,
                            format!(
                                "unknown document type `{}`; use one of {} (or none)",
                                clip(&body),
                                known.join(", ")
                            ),
                        );
                    }
                }
                Some("edtf") => match body.trim() {
                    "none" => explicit.edtf = Some(None),
                    value => match value.parse() {
                        Ok(edtf) => explicit.edtf = Some(Some(edtf)),
                        Err(error) => self.error(section.line, format!("bad EDTF date: {error}")),
                    },
                },
                Some("number") => record.number = Some(body.trim().to_string()),
                Some("dateline place") => record.place = Some(body.trim().to_string()),
                Some("time") => record.time = Some(body.trim().to_string()),
                Some("collection id") => record.collection_id = Some(body.trim().to_string()),
                Some("entities") => record.entities = list(&raw),
                Some("citation parts") => match citation_parts(&raw) {
                    Ok(parts) => explicit.citation_parts = Some(parts),
                    Err(message) => self.error(section.line, message),
                },
                Some("authors") => explicit.authors = Some(list(&raw)),
                Some("recipients") => explicit.recipients = Some(list(&raw)),
                Some("subjects") => record.subjects = list(&raw),
                Some("places") => record.places = list(&raw),
                Some("collections") => record.collections = list(&raw),
                Some("participants") => record.participants = list(&raw),
                Some("source note") => record.source_note = Some(body),
                Some("edition") => match edition(&raw) {
                    Ok(edition) => record.edition = Some(edition),
                    Err(message) => self.error(section.line, message),
                },
                Some("date supplied") => match DateSupplied::from_key(&body) {
                    Some(supplied) => record.date.supplied = Some(supplied),
                    None => self.error(
                        section.line,
                        format!("`{}` is not how a date is supplied; use title, heading, neighbours or volume", clip(&body)),
                    ),
                },
                Some("kind") => match RecordKind::from_key(&body) {
                    Some(kind) => record.kind = kind,
                    None => self.error(
                        section.line,
                        format!("unknown kind `{}`; use document, calendar-entry or front-matter", clip(&body)),
                    ),
                },
                Some("page count") => match body.trim().parse::<u32>() {
                    Ok(count) => record.page_count = Some(count),
                    Err(_) => self.error(section.line, format!("the page count `{}` is not a number of pages", clip(&body))),
                },
                Some("page images") => record.page_images = list(&raw),
                Some(_) | None => {
                    self.warning(section.line, format!(
                        "unknown section **{}:** kept as is; known sections are Citation, Summary, Credits, Original Language, Contents, Identifier, Type, Authors, Recipients, Subjects, Places, Collections",
                        section.label
                    ));
                    record.extra_sections.push(Section { label: section.label, body });
                }
            }
        }
        explicit
    }

    fn languages(&mut self, body: &str, line: usize) -> Vec<Language> {
        let mut languages = Vec::new();
        if is_none(body) {
            return languages;
        }
        for name in body.split([',', ';', '\n']).flat_map(|n| n.split(" and ")) {
            // "Russian, and German": a conjunction that opens a list item is not part of a name.
            let mut name = name.trim();
            while let Some(rest) = name.strip_prefix("and ") {
                name = rest.trim_start();
            }
            if name.is_empty() {
                continue;
            }
            languages.push(Language::from_name(name).unwrap_or_else(|| {
                self.warning(line, format!("unknown language `{}`: kept with code `und`; use an English language name such as Serbo-Croatian or Russian", clip(name)));
                Language::undetermined(name)
            }));
        }
        languages
    }

    fn derive(&mut self, record: &mut Record, explicit: Explicit) {
        if let Some(edtf) = explicit.edtf {
            record.date.edtf = edtf;
        }
        if let (Some(parts), Some(citation)) = (explicit.citation_parts, record.citation.as_mut()) {
            citation.parts = parts;
        }
        let permalink = record
            .citation
            .as_ref()
            .and_then(|c| c.parts.source_url.as_deref())
            .and_then(RecordId::from_permalink);
        if let Some(id) = explicit.id.or(permalink) {
            record.id = id;
        }
        record.doc_type = explicit.doc_type.unwrap_or_else(|| DocType::from_title(&record.title));
        let derived = Correspondents::from_title(&record.title);
        record.authors = explicit.authors.unwrap_or(derived.authors);
        record.recipients = explicit.recipients.unwrap_or(derived.recipients);
    }
}

/// The canonical key of a known section label, or `None`.
fn canonical_label(label: &str) -> Option<&'static str> {
    let label = label.trim().to_lowercase();
    Some(match label.as_str() {
        "citation" => "citation",
        "summary" => "summary",
        "credits" | "credit" => "credits",
        "original language" | "original languages" | "language" | "languages" => {
            "original language"
        }
        "contents" | "content" => "contents",
        "identifier" | "id" => "identifier",
        "edtf" | "normalized date" => "edtf",
        "number" | "document number" => "number",
        "dateline place" => "dateline place",
        "time" => "time",
        "collection id" => "collection id",
        "entities" => "entities",
        "citation parts" => "citation parts",
        "type" | "document type" => "type",
        "authors" | "author" => "authors",
        "recipients" | "recipient" => "recipients",
        "subjects" | "subject" => "subjects",
        "places" | "place" => "places",
        "collections" | "collection" => "collections",
        "participants" | "participant" => "participants",
        "source note" | "source" => "source note",
        "edition" => "edition",
        "date supplied" => "date supplied",
        "kind" | "record kind" => "kind",
        "page count" => "page count",
        "page images" | "page image" => "page images",
        _ => return None,
    })
}

/// The keys of an Edition section, in the order they are written (`editor` once per editor).
pub(crate) const EDITION_KEYS: [&str; 9] = [
    "series",
    "subseries",
    "volume",
    "volume title",
    "editor",
    "publisher",
    "place",
    "year",
    "position",
];

/// Reads `key: value` lines into an edition.
fn edition(raw: &str) -> Result<Edition, String> {
    let mut edition = Edition::default();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!(
                "`{}` is not a `key: value` line; keys are {}",
                clip(line),
                EDITION_KEYS.join(", ")
            ));
        };
        let value = value.trim().to_string();
        match key.trim().to_lowercase().as_str() {
            "series" => edition.series = value,
            "subseries" => edition.subseries = Some(value),
            "volume" => edition.volume = Some(value),
            "volume title" => edition.volume_title = Some(value),
            "editor" => edition.editors.push(value),
            "publisher" => edition.publisher = Some(value),
            "place" => edition.place = Some(value),
            "year" => edition.year = Some(value),
            "position" => {
                edition.position = Some(value.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
                    format!(
                        "edition position `{}` is not a whole number from 1: it is where the volume prints the record",
                        clip(&value)
                    )
                })?);
            }
            other => {
                return Err(format!(
                    "unknown edition key `{}`; keys are {}",
                    clip(other),
                    EDITION_KEYS.join(", ")
                ));
            }
        }
    }
    if edition.series.is_empty() {
        return Err("an Edition section needs its `series:` line".into());
    }
    Ok(edition)
}

/// The keys of a Citation Parts section, in the order they are written.
pub(crate) const CITATION_PART_KEYS: [&str; 8] = [
    "publisher",
    "archive",
    "archive (English)",
    "fonds",
    "signature",
    "classification",
    "translator",
    "source URL",
];

/// Reads `key: value` lines into citation parts.
fn citation_parts(raw: &str) -> Result<chancery_model::record::CitationParts, String> {
    let mut parts = chancery_model::record::CitationParts::default();
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        let (key, value) = line
            .split_once(": ")
            .ok_or_else(|| format!("`{}`: write citation parts as `key: value`", clip(line)))?;
        let value = Some(value.trim().to_string());
        match key.trim() {
            "publisher" => parts.publisher = value,
            "archive" => parts.archive = value,
            "archive (English)" => parts.archive_english = value,
            "fonds" => parts.fonds = value,
            "signature" => parts.signature = value,
            "classification" => parts.classification = value,
            "translator" => parts.translator = value,
            "source URL" => parts.source_url = value,
            other => {
                return Err(format!(
                    "unknown citation part `{other}`; the parts are {}",
                    CITATION_PART_KEYS.join(", ")
                ));
            }
        }
    }
    Ok(parts)
}

fn is_none(body: &str) -> bool {
    body.trim().eq_ignore_ascii_case("none")
}

fn list(body: &str) -> Vec<String> {
    if is_none(body) {
        return Vec::new();
    }
    body.split('\n').map(str::trim).filter(|e| !e.is_empty()).map(String::from).collect()
}

/// One Contents section: an optional label line, then the text with its marks and footnotes.
fn content(lines: &[Line<'_>], title_marks: &mut Vec<String>) -> Text {
    let first = lines.iter().position(|line| !line.text.trim().is_empty());
    if let Some(first) = first
        && let Some((kind, language)) = content_label(lines[first].text.trim())
    {
        let body = marks::read_body(&body_text(&lines[first + 1..]), title_marks);
        let mut text = Text::new(kind, language, lines[first].text.trim().to_string(), body.body);
        (text.notes, text.pages, text.spans) = (body.notes, body.pages, body.spans);
        return text;
    }
    let body = marks::read_body(&body_text(lines), title_marks);
    let mut text = Text::new(TextKind::Other, None, String::new(), body.body);
    (text.notes, text.pages, text.spans) = (body.notes, body.pages, body.spans);
    text
}

/// Reads a content label: `Translation - English`, `Transcript - Russian`, `Original`.
pub(crate) fn content_label(line: &str) -> Option<(TextKind, Option<Language>)> {
    if line.contains('\n') {
        return None;
    }
    let (kind_text, language_text) = [" - ", " – ", " — ", ": "]
        .iter()
        .find_map(|sep| line.split_once(sep))
        .map_or((line, None), |(k, l)| (k, Some(l)));
    let kind = match kind_text.trim().to_lowercase().as_str() {
        "translation" => TextKind::Translation,
        "transcript" | "transcription" => TextKind::Transcript,
        "original" | "original scan" | "original text" => TextKind::Original,
        _ => return None,
    };
    let language = match language_text {
        None => None,
        Some(name) => Some(Language::from_name(name)?),
    };
    Some((kind, language))
}

/// The label of a label line (`**Citation:**`), if the line is one, with any text after it.
pub(crate) fn label_of(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("**")?;
    let end = rest.find(":**")?;
    let label = &rest[..end];
    let after = &rest[end + 3..];
    let mut chars = label.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphabetic());
    let rest_ok = label.chars().count() <= 48
        && chars
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '(' | ')' | '/' | '&' | '\'' | '-'));
    (first_ok && rest_ok && !label.ends_with(' ')).then_some((label, after.trim()))
}

/// Whether a line starts a section. Inside Contents only known labels do, so that a transcript's
/// bold speaker labels ("**Khrushchev:** …") stay text; elsewhere a label alone on its line does
/// too, and a label followed by text only when it is a known one.
pub(crate) fn is_section_start(line: &str, in_contents: bool) -> bool {
    match label_of(line) {
        Some((label, inline)) => {
            canonical_label(label).is_some() || (!in_contents && inline.is_empty())
        }
        None => false,
    }
}

fn sections<'a>(lines: &[Line<'a>]) -> Vec<RawSection<'a>> {
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    for line in lines {
        let in_contents =
            sections.last().is_some_and(|s| canonical_label(&s.label) == Some("contents"));
        if is_section_start(line.text, in_contents)
            && let Some((label, inline)) = label_of(line.text)
        {
            let mut body = Vec::new();
            if !inline.is_empty() {
                body.push(Line { number: line.number, text: inline });
            }
            sections.push(RawSection { label: label.to_string(), line: line.number, body });
        } else if let Some(section) = sections.last_mut() {
            section.body.push(*line);
        }
    }
    sections
}

/// Joins body lines per the Markdown rules in the module docs, removing escapes.
fn body_text(lines: &[Line<'_>]) -> String {
    let mut out = String::new();
    let mut in_paragraph = false;
    let mut pending_blank = false;
    let mut hard_break = false;
    for line in lines {
        if line.text.trim().is_empty() {
            if in_paragraph {
                pending_blank = true;
            }
            in_paragraph = false;
            continue;
        }
        let ends_hard = line.text.ends_with("  ");
        let text = unescape(line.text.trim_end());
        if pending_blank {
            out.push_str("\n\n");
            pending_blank = false;
        } else if in_paragraph {
            if hard_break {
                out.push('\n');
            } else {
                out.push(' ');
            }
        }
        if in_paragraph && !hard_break {
            out.push_str(text.trim_start());
        } else {
            out.push_str(text);
        }
        in_paragraph = true;
        hard_break = ends_hard;
    }
    out
}

/// Removes the escape the writer puts before a line that would otherwise read as markup (see
/// the module docs).
fn unescape(line: &str) -> &str {
    match line.strip_prefix('\\') {
        Some(rest)
            if rest.starts_with('\\')
                || label_of(rest).is_some()
                || content_label(rest.trim()).is_some() =>
        {
            rest
        }
        _ => line,
    }
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .enumerate()
        .map(|(idx, text)| Line { number: idx + 1, text: text.strip_suffix('\r').unwrap_or(text) })
        .collect()
}

fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(60).collect();
    if clipped.len() < text.len() {
        clipped.push('…');
    }
    clipped
}

#[cfg(test)]
mod tests;
