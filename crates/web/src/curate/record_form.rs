//! A record as the edit form shows it, and the form read back into a record by the rules
//! imports follow: the printed date read into EDTF by the same reader as the text format,
//! languages and types by the model's names, the same limits (`chancery_ingest::limits`), bodies
//! normalized as the text format keeps them. Problems are kept by field, to be shown beside it.
//!
//! What the form does not show (a text's notes, page breaks and structure, the edition, the
//! entities, page images) is carried over from the version the edit was made from; where a
//! text's words change, its marks are moved with the words they stood on (a diff of the old and
//! new body), and a mark whose words were deleted goes. A record shown from its TEI is shown from
//! its texts once a text's words change (its earlier revisions keep the TEI).

use std::collections::BTreeMap;

use chancery_ingest::limits::record_problem;
use chancery_model::date::{DocDate, Edtf};
use chancery_model::doc_type::DocType;
use chancery_model::id::RecordId;
use chancery_model::language::Language;
use chancery_model::record::{Citation, CitationParts, Record, RecordKind, Text, TextKind};

use crate::auth::forms::Fields;

/// How long moving a text's marks through a diff may take before a coarser diff is used.
const DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_secs(1);
/// The most texts one form holds.
pub(crate) const MAX_FORM_TEXTS: usize = 100;

/// One text as the form shows it.
#[derive(Debug, Clone, Default)]
pub(crate) struct TextForm {
    pub(crate) kind: String,
    pub(crate) language: String,
    pub(crate) label: String,
    pub(crate) body: String,
    /// Notes, page breaks and structure the text carries (not edited here).
    pub(crate) marks: usize,
}

/// A record as the form shows it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordForm {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) date: String,
    /// An EDTF date given by hand (empty: read from the printed date).
    pub(crate) edtf: String,
    /// The EDTF the printed date reads as, shown back.
    pub(crate) edtf_read: String,
    pub(crate) doc_type: String,
    pub(crate) kind: String,
    pub(crate) authors: String,
    pub(crate) recipients: String,
    pub(crate) participants: String,
    pub(crate) citation: String,
    pub(crate) publisher: String,
    pub(crate) archive: String,
    pub(crate) archive_english: String,
    pub(crate) fonds: String,
    pub(crate) signature: String,
    pub(crate) translator: String,
    pub(crate) source_url: String,
    pub(crate) classification: String,
    pub(crate) source_note: String,
    pub(crate) summary: String,
    pub(crate) credits: String,
    pub(crate) languages: String,
    pub(crate) subjects: String,
    pub(crate) places: String,
    pub(crate) texts: Vec<TextForm>,
    /// Problems by field name (`text-2-body`, `title`, `record` for the whole).
    pub(crate) errors: BTreeMap<String, String>,
}

fn lines(list: &[String]) -> String {
    list.join("\n")
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

impl RecordForm {
    /// The form for a stored (or draft) record.
    pub(crate) fn from_record(record: &Record) -> RecordForm {
        let parts = record.citation.as_ref().map(|c| c.parts.clone()).unwrap_or_default();
        RecordForm {
            id: record.id.to_string(),
            title: record.title.clone(),
            date: record.date.printed.clone(),
            edtf: String::new(),
            edtf_read: record.date.edtf.map(|e| e.to_string()).unwrap_or_default(),
            doc_type: record.doc_type.map(|t| t.key().to_string()).unwrap_or_default(),
            kind: record.kind.key().to_string(),
            authors: lines(&record.authors),
            recipients: lines(&record.recipients),
            participants: lines(&record.participants),
            citation: record.citation.as_ref().map(|c| c.text.clone()).unwrap_or_default(),
            publisher: opt(&parts.publisher),
            archive: opt(&parts.archive),
            archive_english: opt(&parts.archive_english),
            fonds: opt(&parts.fonds),
            signature: opt(&parts.signature),
            translator: opt(&parts.translator),
            source_url: opt(&parts.source_url),
            classification: opt(&parts.classification),
            source_note: opt(&record.source_note),
            summary: opt(&record.summary),
            credits: opt(&record.credits),
            languages: record
                .original_languages
                .iter()
                .map(|l| l.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            subjects: lines(&record.subjects),
            places: lines(&record.places),
            texts: record
                .texts
                .iter()
                .map(|t| TextForm {
                    kind: t.kind.key().to_string(),
                    language: t.language.as_ref().map(|l| l.name.clone()).unwrap_or_default(),
                    label: t.label.clone(),
                    body: t.body.clone(),
                    marks: t.notes.len() + t.pages.len() + t.spans.len(),
                })
                .collect(),
            errors: BTreeMap::new(),
        }
    }

    /// The form as it was sent.
    pub(crate) fn from_fields(fields: &Fields) -> RecordForm {
        let get = |name: &str| fields.text(name).to_string();
        let kinds: Vec<&str> = fields.all("text_kind").collect();
        let languages: Vec<&str> = fields.all("text_language").collect();
        let labels: Vec<&str> = fields.all("text_label").collect();
        let bodies: Vec<&str> = fields.all("text_body").collect();
        let texts = (0..bodies.len().min(MAX_FORM_TEXTS + 1))
            .map(|n| TextForm {
                kind: kinds.get(n).copied().unwrap_or("").to_string(),
                language: languages.get(n).copied().unwrap_or("").to_string(),
                label: labels.get(n).copied().unwrap_or("").to_string(),
                body: bodies[n].to_string(),
                marks: 0,
            })
            .collect();
        RecordForm {
            id: get("id").trim().to_string(),
            title: get("title"),
            date: get("date"),
            edtf: get("edtf"),
            edtf_read: String::new(),
            doc_type: get("doc_type"),
            kind: get("kind"),
            authors: get("authors"),
            recipients: get("recipients"),
            participants: get("participants"),
            citation: get("citation"),
            publisher: get("publisher"),
            archive: get("archive"),
            archive_english: get("archive_english"),
            fonds: get("fonds"),
            signature: get("signature"),
            translator: get("translator"),
            source_url: get("source_url"),
            classification: get("classification"),
            source_note: get("source_note"),
            summary: get("summary"),
            credits: get("credits"),
            languages: get("languages"),
            subjects: get("subjects"),
            places: get("places"),
            texts,
            errors: BTreeMap::new(),
        }
    }

    /// The problem shown beside a field.
    pub(crate) fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    /// The problem shown beside a part of text `n` (counted from 0).
    pub(crate) fn text_error(&self, n: &usize, part: &str) -> Option<&str> {
        self.error(&format!("text-{n}-{part}"))
    }

    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.entry(field.to_string()).or_insert_with(|| message.into());
    }

    /// The record the form describes, made from `base` (the version edited; `None` for a new
    /// record). On problems the form comes back with them, and with what the printed date reads
    /// as.
    pub(crate) fn into_record(mut self, base: Option<&Record>) -> Result<Record, Box<RecordForm>> {
        let id = match base {
            Some(base) => Ok(base.id.clone()),
            None => RecordId::parse(&self.id).map_err(|e| e.to_string()),
        };
        let id = id.unwrap_or_else(|message| {
            self.fail(
                "id",
                format!("{message}: an id is letters, digits and - _ . / (like wcda-119346)"),
            );
            RecordId::parse("invalid").expect("a plain word is an id")
        });
        let title = one_line(&self.title);
        if title.is_empty() {
            self.fail("title", "a record needs a title");
        }
        let printed = one_line(&self.date);
        let read = chancery_ingest::date_phrase::normalize(&printed);
        let edtf: Option<Edtf> = if self.edtf.trim().is_empty() {
            match read {
                Ok(edtf) => edtf,
                Err(message) => {
                    self.fail("date", format!("{message}; give the date as printed (\"August 11, 1954\", \"Undated\"), or an EDTF date below"));
                    None
                }
            }
        } else {
            match self.edtf.trim().parse::<Edtf>() {
                Ok(edtf) => Some(edtf),
                Err(e) => {
                    self.fail("edtf", format!("{e}: write EDTF such as 1954-08-11, 1954-08, 1954?, 1954-08-11/1954-08-20"));
                    None
                }
            }
        };
        self.edtf_read = edtf.map(|e| e.to_string()).unwrap_or_default();
        let doc_type_key = self.doc_type.clone();
        let doc_type = match doc_type_key.trim() {
            "" => DocType::from_title(&title),
            key => DocType::from_key(key).or_else(|| {
                self.fail("doc_type", format!("`{key}` is not a document type"));
                None
            }),
        };
        let kind = RecordKind::from_key(self.kind.trim()).unwrap_or(RecordKind::Document);
        let mut languages = Vec::new();
        let language_names = self.languages.clone();
        for name in language_names.split([',', '\n']).map(str::trim).filter(|n| !n.is_empty()) {
            match Language::from_name(name).or_else(|| Language::from_code(name)) {
                Some(language) => languages.push(language),
                None => self.fail(
                    "languages",
                    format!("`{name}` is not a language we know by name or ISO 639 code"),
                ),
            }
        }
        if self.texts.len() > MAX_FORM_TEXTS {
            self.fail(
                "record",
                format!("a form holds at most {MAX_FORM_TEXTS} texts (MAX_FORM_TEXTS)"),
            );
        }
        let mut texts = Vec::new();
        for (n, form) in self.texts.clone().iter().enumerate() {
            let body = chancery_ingest::json::normalize_body(&form.body);
            if body.is_empty() {
                continue; // An emptied text is removed (the empty row adds none).
            }
            let Some(kind) = TextKind::from_key(form.kind.trim()) else {
                self.fail(&format!("text-{n}-kind"), "choose what kind of text this is");
                continue;
            };
            let language = match form.language.trim() {
                "" => None,
                name => {
                    Language::from_name(name).or_else(|| Language::from_code(name)).or_else(|| {
                        self.fail(
                            &format!("text-{n}-language"),
                            format!("`{name}` is not a language we know"),
                        );
                        None
                    })
                }
            };
            let label = match one_line(&form.label) {
                label if label.is_empty() => kind_label(kind).to_string(),
                label => label,
            };
            let old = base.and_then(|b| b.texts.get(n));
            texts.push(carry_marks(old, Text::new(kind, language, label, body)));
        }
        let parts = CitationParts {
            publisher: some(&self.publisher),
            archive: some(&self.archive),
            archive_english: some(&self.archive_english),
            fonds: some(&self.fonds),
            signature: some(&self.signature),
            translator: some(&self.translator),
            source_url: some(&self.source_url),
            classification: some(&self.classification),
        };
        let citation_text = self.citation.trim().to_string();
        let citation = (!citation_text.is_empty() || !parts.is_empty())
            .then_some(Citation { text: citation_text, parts });
        let mut record = match base {
            Some(base) => base.clone(),
            None => Record::new(id.clone(), String::new(), DocDate::default()),
        };
        let words_changed = base.is_some_and(|b| {
            b.texts.len() != texts.len()
                || b.texts.iter().zip(&texts).any(|(a, b)| a.body != b.body)
        });
        record.id = id;
        record.title = title;
        record.date = DocDate { printed, edtf, supplied: record.date.supplied };
        record.doc_type = doc_type;
        record.kind = kind;
        record.authors = list(&self.authors);
        record.recipients = list(&self.recipients);
        record.participants = list(&self.participants);
        record.citation = citation;
        record.source_note = some_text(&self.source_note);
        record.summary = some_text(&self.summary);
        record.credits = some_text(&self.credits);
        record.original_languages = languages;
        record.subjects = list(&self.subjects);
        record.places = list(&self.places);
        record.texts = texts;
        if words_changed {
            record.tei = None;
        }
        if let Some(problem) = record_problem(&record) {
            let field = [
                "title",
                "date",
                "authors",
                "recipients",
                "participants",
                "subjects",
                "places",
                "citation",
            ]
            .into_iter()
            .find(|f| problem.message.contains(f))
            .unwrap_or("record");
            self.fail(field, problem.message);
        }
        if self.errors.is_empty() { Ok(record) } else { Err(Box::new(self)) }
    }
}

fn kind_label(kind: TextKind) -> &'static str {
    match kind {
        TextKind::Translation => "Translation",
        TextKind::Transcript => "Transcript",
        TextKind::Original => "Original",
        TextKind::Other => "Text",
    }
}

/// A one-line field: white space runs become one space, none at the ends.
fn one_line(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn some(value: &str) -> Option<String> {
    Some(one_line(value)).filter(|v| !v.is_empty())
}

fn some_text(value: &str) -> Option<String> {
    Some(chancery_ingest::json::normalize_body(value)).filter(|v| !v.is_empty())
}

/// One entry per line, blank lines left out.
fn list(value: &str) -> Vec<String> {
    value.lines().map(one_line).filter(|l| !l.is_empty()).collect()
}

/// The new text with the old one's notes, page breaks and structure, moved with the words they
/// stood on.
pub(crate) fn carry_marks(old: Option<&Text>, mut new: Text) -> Text {
    let Some(old) = old else { return new };
    if old.body == new.body {
        new.notes = old.notes.clone();
        new.pages = old.pages.clone();
        new.spans = old.spans.clone();
        return new;
    }
    let deadline = std::time::Instant::now() + DIFF_DEADLINE;
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        old.body.as_bytes(),
        new.body.as_bytes(),
        Some(deadline),
    );
    let body = new.body.clone();
    let map = |offset: usize| -> usize {
        // The first op that reaches past `offset` (or an insertion at it); ops are in order of
        // their old ranges, so a binary search finds it.
        let at = ops.partition_point(|op| {
            let old_range = op.old_range();
            !(offset < old_range.end || (offset == old_range.start && old_range.is_empty()))
        });
        let mapped = ops.get(at).map_or(body.len(), |op| {
            let (old_range, new_range) = (op.old_range(), op.new_range());
            match op {
                similar::DiffOp::Equal { .. } => new_range.start + (offset - old_range.start),
                _ => new_range.start,
            }
        });
        let mut at = mapped.min(body.len());
        while !body.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    new.pages = old
        .pages
        .iter()
        .map(|p| chancery_model::record::PageBreak {
            label: p.label.clone(),
            offset: map(p.offset),
        })
        .collect();
    new.notes = old
        .notes
        .iter()
        .map(|n| chancery_model::record::Note { anchor: n.anchor.map(map), ..n.clone() })
        .collect();
    // Spans are kept where they still fit the rules of `Text::check_spans`, in order.
    let (mut last_start, mut block_end, mut reference_end) = (0, 0, 0);
    let bytes = body.as_bytes();
    for span in &old.spans {
        let (start, end) = (map(span.start), map(span.end));
        if start >= end || start < last_start {
            continue;
        }
        if span.kind.is_block() {
            let line_start = start == 0 || bytes[start - 1] == b'\n';
            let line_end = end == body.len() || bytes[end] == b'\n';
            if !line_start || !line_end || start < block_end {
                continue;
            }
            block_end = end;
        } else {
            if start < reference_end {
                continue;
            }
            reference_end = end;
        }
        last_start = start;
        new.spans.push(chancery_model::record::Span { kind: span.kind.clone(), start, end });
    }
    new
}

#[cfg(test)]
mod tests {
    use chancery_model::record::{Note, PageBreak, Span, SpanKind};

    use super::*;

    #[test]
    fn marks_move_with_their_words() {
        let mut old = Text::new(
            TextKind::Translation,
            None,
            "Translation".into(),
            "Dear Comrade Khrushchev,\n\nWe write about relations.".into(),
        );
        old.notes.push(Note { label: "1".into(), kind: None, anchor: Some(26), text: "n".into() });
        old.pages.push(PageBreak { label: "2".into(), offset: 26 });
        old.spans.push(Span { kind: SpanKind::Heading, start: 0, end: 24 });
        let new = Text::new(
            TextKind::Translation,
            None,
            "Translation".into(),
            "Dear Comrade N. S. Khrushchev,\n\nWe write about relations.".into(),
        );
        let carried = carry_marks(Some(&old), new);
        assert_eq!(carried.notes[0].anchor, Some(32), "the note stays before `We`");
        assert_eq!(&carried.body[32..34], "We");
        assert_eq!(carried.pages[0].offset, 32);
        assert_eq!(carried.spans, vec![Span { kind: SpanKind::Heading, start: 0, end: 30 }]);
        carried.check_spans().unwrap();
    }

    #[test]
    fn a_mark_on_deleted_words_goes() {
        let mut old =
            Text::new(TextKind::Original, None, "Original".into(), "one\ntwo\nthree".into());
        old.spans.push(Span { kind: SpanKind::Heading, start: 4, end: 7 });
        let new = Text::new(TextKind::Original, None, "Original".into(), "one\nthree".into());
        let carried = carry_marks(Some(&old), new);
        assert!(carried.spans.is_empty());
    }

    #[test]
    fn the_form_reads_a_record_back_unchanged() {
        let parsed = chancery_ingest::parse(&chancery_ingest::Source {
            path: "seed.txt",
            bytes: include_bytes!("../../../../demo/000_5e4392f9da7ebfc5.txt"),
            imported_at: time::OffsetDateTime::UNIX_EPOCH,
        });
        let record = &parsed.records[0];
        let form = RecordForm::from_record(record);
        let back = form.into_record(Some(record)).map_err(|f| f.errors.clone()).unwrap();
        assert_eq!(&back, record);
    }

    #[test]
    fn a_form_holds_at_most_max_form_texts() {
        let text =
            TextForm { kind: "translation".into(), body: "Words.".into(), ..TextForm::default() };
        let form = |n: usize| RecordForm {
            id: "form-limit".into(),
            title: "A letter".into(),
            date: "June 1, 1955".into(),
            kind: "document".into(),
            texts: vec![text.clone(); n],
            ..RecordForm::default()
        };
        let at = form(MAX_FORM_TEXTS).into_record(None).map_err(|f| f.errors.clone()).unwrap();
        assert_eq!(at.texts.len(), MAX_FORM_TEXTS);
        let past = form(MAX_FORM_TEXTS + 1).into_record(None).unwrap_err();
        assert!(past.error("record").unwrap().contains("MAX_FORM_TEXTS"));
    }

    #[test]
    fn problems_are_kept_by_field() {
        let parsed = chancery_ingest::parse(&chancery_ingest::Source {
            path: "seed.txt",
            bytes: include_bytes!("../../../../demo/000_5e4392f9da7ebfc5.txt"),
            imported_at: time::OffsetDateTime::UNIX_EPOCH,
        });
        let record = &parsed.records[0];
        let mut form = RecordForm::from_record(record);
        form.title = "  ".into();
        form.edtf = "1954-13-45".into();
        form.languages = "Serbo-Croatian, Klingonese".into();
        let back = form.into_record(Some(record)).unwrap_err();
        assert!(back.error("title").is_some());
        assert!(back.error("edtf").is_some());
        assert!(back.error("languages").unwrap().contains("Klingonese"));
    }
}
