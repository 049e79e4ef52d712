//! What replacing one version of a record with another would lose.
//!
//! An archive must never lose what it holds without someone saying so. [`losses`] compares a
//! stored version with its replacement and lists what the replacement would drop: every field
//! that had a value and has none, every list that gets shorter (authors, texts, notes, pages,
//! sections…), and text that shrinks by more than [`MAX_TEXT_LOSS_PERCENT`] of its characters.
//! A truncated copy of a file, or an unrelated record given the same id, shows up here; a
//! correction that only changes or adds does not.

use std::fmt;

use crate::record::{Record, Text};

/// The largest share of a record's words a replacement may drop unasked, in percent of the
/// characters of its texts, notes, summary and credits. Past it the importer asks for
/// `--replace`. Truncating a file loses its end; 1 % is a sentence or two of a letter.
pub const MAX_TEXT_LOSS_PERCENT: usize = 1;

/// One thing a replacement would lose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// The field, as the JSON format names it (`summary`, `texts[0].notes`, `citation.archive`).
    pub field: String,
    /// What would be lost, in words.
    pub detail: String,
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.detail)
    }
}

/// Everything replacing `old` by `new` would lose; empty when nothing would.
pub fn losses(old: &Record, new: &Record) -> Vec<Loss> {
    let mut out = Vec::new();
    let mut lost = |field: &str, detail: String| {
        out.push(Loss { field: field.to_string(), detail });
    };
    let mut value = |field: &str, old: Option<&str>, new: Option<&str>| {
        if let (Some(old), None) = (old, new) {
            lost(field, format!("`{}` would be lost", shorten(old)));
        }
    };
    value(
        "date.edtf",
        old.date.edtf.map(|e| e.to_string()).as_deref(),
        new.date.edtf.map(|e| e.to_string()).as_deref(),
    );
    value("type", old.doc_type.map(|t| t.key()), new.doc_type.map(|t| t.key()));
    value("summary", old.summary.as_deref(), new.summary.as_deref());
    value("credits", old.credits.as_deref(), new.credits.as_deref());
    value("number", old.number.as_deref(), new.number.as_deref());
    value("place", old.place.as_deref(), new.place.as_deref());
    value("time", old.time.as_deref(), new.time.as_deref());
    value("tei", old.tei.as_deref(), new.tei.as_deref());
    value("collection_id", old.collection_id.as_deref(), new.collection_id.as_deref());
    value("source_note", old.source_note.as_deref(), new.source_note.as_deref());
    value(
        "edition",
        old.edition.as_ref().map(|e| e.series.as_str()),
        new.edition.as_ref().map(|e| e.series.as_str()),
    );
    value(
        "page_count",
        old.page_count.map(|n| n.to_string()).as_deref(),
        new.page_count.map(|n| n.to_string()).as_deref(),
    );
    match (&old.citation, &new.citation) {
        (Some(old), None) => value("citation", Some(&old.text), None),
        (Some(old), Some(new)) => {
            let (o, n) = (&old.parts, &new.parts);
            for (field, old, new) in [
                ("citation.publisher", &o.publisher, &n.publisher),
                ("citation.archive", &o.archive, &n.archive),
                ("citation.archive_english", &o.archive_english, &n.archive_english),
                ("citation.fonds", &o.fonds, &n.fonds),
                ("citation.signature", &o.signature, &n.signature),
                ("citation.translator", &o.translator, &n.translator),
                ("citation.source_url", &o.source_url, &n.source_url),
                ("citation.classification", &o.classification, &n.classification),
            ] {
                value(field, old.as_deref(), new.as_deref());
            }
        }
        _ => {}
    }
    let mut out_lists = Vec::new();
    let mut list = |field: &str, old: usize, new: usize| {
        if new < old {
            out_lists.push(Loss {
                field: field.to_string(),
                detail: format!("{} of {old} would be lost", old - new),
            });
        }
    };
    list("authors", old.authors.len(), new.authors.len());
    list("recipients", old.recipients.len(), new.recipients.len());
    list("participants", old.participants.len(), new.participants.len());
    list("page_images", old.page_images.len(), new.page_images.len());
    list("original_languages", old.original_languages.len(), new.original_languages.len());
    list("subjects", old.subjects.len(), new.subjects.len());
    list("places", old.places.len(), new.places.len());
    list("collections", old.collections.len(), new.collections.len());
    list("entities", old.entities.len(), new.entities.len());
    list("texts", old.texts.len(), new.texts.len());
    for (idx, (old_text, new_text)) in old.texts.iter().zip(&new.texts).enumerate() {
        list(&format!("texts[{idx}].notes"), old_text.notes.len(), new_text.notes.len());
        list(&format!("texts[{idx}].pages"), old_text.pages.len(), new_text.pages.len());
        list(&format!("texts[{idx}].spans"), old_text.spans.len(), new_text.spans.len());
    }
    out.extend(out_lists);
    for section in &old.extra_sections {
        if !new.extra_sections.iter().any(|s| s.label == section.label) {
            out.push(Loss {
                field: "extra_sections".into(),
                detail: format!("the section `{}` would be lost", section.label),
            });
        }
    }
    let (before, after) = (characters(old), characters(new));
    if after * 100 < before * (100 - MAX_TEXT_LOSS_PERCENT) {
        out.push(Loss {
            field: "texts".into(),
            detail: format!(
                "{} of {before} characters ({}%) would be lost; more than {MAX_TEXT_LOSS_PERCENT}% is never dropped unasked",
                before - after,
                (before - after) * 100 / before.max(1)
            ),
        });
    }
    out
}

/// The characters of what a reader reads: texts with their notes, the summary, the credits and
/// the source note.
fn characters(record: &Record) -> usize {
    let text = |text: &Text| {
        text.body.chars().count() + text.notes.iter().map(|n| n.text.chars().count()).sum::<usize>()
    };
    record.texts.iter().map(text).sum::<usize>()
        + [&record.summary, &record.credits, &record.source_note]
            .iter()
            .map(|s| s.as_deref().map_or(0, |s| s.chars().count()))
            .sum::<usize>()
}

/// A value short enough to quote in a message.
fn shorten(value: &str) -> String {
    const MAX: usize = 60;
    let flat = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX {
        return flat;
    }
    let cut: String = flat.chars().take(MAX).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::DocDate;
    use crate::id::RecordId;
    use crate::record::{Citation, CitationParts, Note, TextKind};

    fn letter(body: &str) -> Record {
        let mut record = Record::new(
            RecordId::parse("x").unwrap(),
            "Letter".into(),
            DocDate::new("1954".into(), "1954".parse().ok()),
        );
        record.summary = Some("A summary.".into());
        record.authors = vec!["Tito".into(), "Kardelj".into()];
        record.citation = Some(Citation {
            text: "c".into(),
            parts: CitationParts {
                archive: Some("Arhiv Jugoslavije".into()),
                ..Default::default()
            },
        });
        let mut text = Text::new(TextKind::Translation, None, "Translation".into(), body.into());
        text.notes.push(Note { label: "1".into(), kind: None, anchor: Some(0), text: "n".into() });
        record.texts.push(text);
        record
    }

    #[test]
    fn corrections_and_additions_lose_nothing() {
        let old = letter(&"word ".repeat(200));
        let mut new = old.clone();
        new.title = "A corrected title".into();
        new.texts[0].body = format!("{} and more", old.texts[0].body);
        new.subjects.push("Normalization".into());
        assert_eq!(losses(&old, &new), []);
        // Up to the limit is allowed; one character past it is not.
        let total = characters(&old);
        let allowed = total * MAX_TEXT_LOSS_PERCENT / 100;
        let mut at_limit = old.clone();
        at_limit.texts[0].body = old.texts[0].body[allowed..].to_string();
        assert_eq!(losses(&old, &at_limit), []);
        let mut past = old.clone();
        past.texts[0].body = old.texts[0].body[allowed + 1..].to_string();
        assert_eq!(losses(&old, &past)[0].field, "texts");
    }

    #[test]
    fn every_dropped_field_is_named() {
        let old = letter("Some text of the letter.");
        let mut new = old.clone();
        new.summary = None;
        new.authors.pop();
        new.date.edtf = None;
        new.citation.as_mut().unwrap().parts.archive = None;
        new.texts[0].notes.clear();
        let found: Vec<String> = losses(&old, &new).iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "date.edtf: `1954` would be lost",
                "summary: `A summary.` would be lost",
                "citation.archive: `Arhiv Jugoslavije` would be lost",
                "authors: 1 of 2 would be lost",
                "texts[0].notes: 1 of 1 would be lost",
                "texts: 11 of 35 characters (31%) would be lost; more than 1% is never dropped unasked",
            ]
        );
    }
}
