//! Writes a record in the record text format, so that parsing the output gives the same record.
//!
//! Only what the parser cannot derive is written: an Identifier section when the id is not the
//! one the citation's permalink (or the title and date) gives, and Type, Authors and Recipients
//! sections when they differ from what the title says.

use std::fmt::Write as _;

use chancery_model::agents::Correspondents;
use chancery_model::doc_type::DocType;
use chancery_model::id::RecordId;
use chancery_model::record::{Record, RecordKind, Text};

use super::{content_label, is_section_start, label_of};
use crate::citation;

/// The record in the record text format.
pub fn write(record: &Record) -> String {
    let mut out = String::new();
    let printed = if record.date.printed.trim().is_empty() {
        record.date.edtf.map_or_else(|| "Undated".to_string(), |d| d.to_string())
    } else {
        record.date.printed.clone()
    };
    let title = super::marks::write_title(&record.title, &record.texts);
    let _ = write!(out, "{}\n\n{}\n\n", bold_block(&printed), bold_block(&title));

    if let Some(citation) = &record.citation {
        section(&mut out, "Citation", &citation.text);
    }
    if let Some(summary) = &record.summary {
        section(&mut out, "Summary", summary);
    }
    if let Some(credits) = &record.credits {
        section(&mut out, "Credits", credits);
    }
    if !record.original_languages.is_empty() {
        let names: Vec<&str> = record.original_languages.iter().map(|l| l.name.as_str()).collect();
        section(&mut out, "Original Language", &names.join(", "));
    }
    let permalink = record
        .citation
        .as_ref()
        .and_then(|c| citation::parse(&c.text).source_url)
        .and_then(|url| RecordId::from_permalink(&url));
    let derived_id =
        permalink.unwrap_or_else(|| RecordId::from_title_and_date(&record.title, &printed));
    if record.id != derived_id {
        section(&mut out, "Identifier", record.id.as_str());
    }
    let derived_edtf = crate::date_phrase::normalize(&printed).ok().flatten();
    if record.date.edtf != derived_edtf {
        section(
            &mut out,
            "EDTF",
            &record.date.edtf.map_or_else(|| "none".to_string(), |e| e.to_string()),
        );
    }
    if let Some(supplied) = record.date.supplied {
        section(&mut out, "Date Supplied", supplied.key());
    }
    if record.kind != RecordKind::Document {
        section(&mut out, "Kind", record.kind.key());
    }
    for (label, value) in [
        ("Number", &record.number),
        ("Dateline Place", &record.place),
        ("Time", &record.time),
        ("Collection Id", &record.collection_id),
    ] {
        if let Some(value) = value {
            section(&mut out, label, value);
        }
    }
    if let Some(note) = &record.source_note {
        section(&mut out, "Source Note", note);
    }
    if let Some(edition) = &record.edition {
        let mut lines = vec![format!("series: {}", edition.series)];
        for (key, value) in [
            ("subseries", &edition.subseries),
            ("volume", &edition.volume),
            ("volume title", &edition.volume_title),
        ] {
            lines.extend(value.as_ref().map(|v| format!("{key}: {v}")));
        }
        lines.extend(edition.editors.iter().map(|e| format!("editor: {e}")));
        for (key, value) in
            [("publisher", &edition.publisher), ("place", &edition.place), ("year", &edition.year)]
        {
            lines.extend(value.as_ref().map(|v| format!("{key}: {v}")));
        }
        lines.extend(edition.position.map(|p| format!("position: {p}")));
        section(&mut out, "Edition", &lines.join("\n"));
    }
    if let Some(count) = record.page_count {
        section(&mut out, "Page Count", &count.to_string());
    }
    if let Some(citation) = &record.citation
        && citation.parts != citation::parse(&citation.text)
    {
        let parts = &citation.parts;
        let values = [
            &parts.publisher,
            &parts.archive,
            &parts.archive_english,
            &parts.fonds,
            &parts.signature,
            &parts.classification,
            &parts.translator,
            &parts.source_url,
        ];
        let lines: Vec<String> = super::CITATION_PART_KEYS
            .iter()
            .zip(values)
            .filter_map(|(key, value)| value.as_ref().map(|v| format!("{key}: {v}")))
            .collect();
        section(&mut out, "Citation Parts", &lines.join("\n"));
    }
    if record.doc_type != DocType::from_title(&record.title) {
        section(&mut out, "Type", record.doc_type.map_or("none", DocType::key));
    }
    let derived = Correspondents::from_title(&record.title);
    if record.authors != derived.authors {
        list(&mut out, "Authors", &record.authors);
    }
    if record.recipients != derived.recipients {
        list(&mut out, "Recipients", &record.recipients);
    }
    for (label, entries) in [
        ("Participants", &record.participants),
        ("Subjects", &record.subjects),
        ("Places", &record.places),
        ("Collections", &record.collections),
        ("Entities", &record.entities),
        ("Page Images", &record.page_images),
    ] {
        if !entries.is_empty() {
            list(&mut out, label, entries);
        }
    }
    for extra in &record.extra_sections {
        section(&mut out, &extra.label, &extra.body);
    }
    for text in &record.texts {
        contents(&mut out, text);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn section(out: &mut String, label: &str, body: &str) {
    let _ = write!(out, "**{label}:**\n\n");
    write_body(out, body, false, false);
}

fn list(out: &mut String, label: &str, entries: &[String]) {
    if entries.is_empty() {
        section(out, label, "none");
    } else {
        section(out, label, &entries.join("\n"));
    }
}

fn contents(out: &mut String, text: &Text) {
    out.push_str("**Contents:**\n\n");
    let label =
        if content_label(&text.label).is_some() { text.label.clone() } else { default_label(text) };
    if !label.is_empty() {
        let _ = write!(out, "{label}\n\n");
    }
    write_body(out, &super::marks::write_body(text), true, label.is_empty());
}

/// The label a text's kind and language give ("Translation - English"); empty for other texts.
pub(crate) fn default_label(text: &Text) -> String {
    use chancery_model::record::TextKind;
    let kind = match text.kind {
        TextKind::Translation => "Translation",
        TextKind::Transcript => "Transcript",
        TextKind::Original => "Original",
        TextKind::Other => return String::new(),
    };
    match &text.language {
        Some(language) if language.is_determined() => format!("{kind} - {}", language.name),
        _ => kind.to_string(),
    }
}

/// Writes paragraphs (separated by blank lines) whose lines end in a hard break, escaping lines
/// the parser would read as markup.
fn write_body(out: &mut String, body: &str, in_contents: bool, unlabelled_content: bool) {
    let mut first_line = true;
    for paragraph in body.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let lines: Vec<&str> = paragraph.lines().collect();
        for (idx, line) in lines.iter().enumerate() {
            let escape = line.starts_with('\\')
                || (label_of(line).is_some() && is_section_start(line, in_contents))
                || (first_line && unlabelled_content && content_label(line.trim()).is_some());
            if escape {
                out.push('\\');
            }
            out.push_str(line);
            if idx + 1 < lines.len() {
                out.push_str("  ");
            }
            out.push('\n');
            first_line = false;
        }
        out.push('\n');
    }
    if body.split("\n\n").all(|p| p.trim().is_empty()) {
        out.push('\n');
    }
}

/// A header block: `**text**` on one line, unless that line would read as a section's label
/// line (a date printed as `Undated:`): then the closing `**` goes on a line of its own, which
/// the parser joins back (found by fuzzing).
fn bold_block(text: &str) -> String {
    let line = format!("**{text}**");
    if is_section_start(&line, false) { format!("**{text}\n**") } else { line }
}
