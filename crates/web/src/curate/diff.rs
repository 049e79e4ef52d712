//! What changed between two versions of a record, field by field; texts word by word.

use chancery_model::record::Record;

use crate::curate::record_form::RecordForm;

/// The most words a text diff compares before it shows the whole old and new text instead.
const MAX_DIFF_WORDS: usize = 200_000;
/// How long a word diff may take before a coarser one is shown.
const DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);

/// A run of a field's value: kept, removed or added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// `same`, `removed` or `added`.
    pub(crate) how: &'static str,
    pub(crate) text: String,
}

/// One field that differs.
#[derive(Debug, Clone)]
pub(crate) struct FieldChange {
    pub(crate) field: String,
    pub(crate) pieces: Vec<Piece>,
}

/// The fields of a record, named as the form names them, in the form's order.
fn fields(record: &Record) -> Vec<(String, String)> {
    let f = RecordForm::from_record(record);
    let mut out = vec![
        ("Title".to_string(), f.title),
        ("Date as printed".to_string(), f.date),
        ("Date (EDTF)".to_string(), f.edtf_read),
        ("Type".to_string(), f.doc_type),
        ("Kind".to_string(), f.kind),
        ("Authors".to_string(), f.authors),
        ("Recipients".to_string(), f.recipients),
        ("Participants".to_string(), f.participants),
        ("Citation".to_string(), f.citation),
        ("Publisher".to_string(), f.publisher),
        ("Archive".to_string(), f.archive),
        ("Archive (English)".to_string(), f.archive_english),
        ("Fonds".to_string(), f.fonds),
        ("Signature".to_string(), f.signature),
        ("Translator".to_string(), f.translator),
        ("Permalink".to_string(), f.source_url),
        ("Classification".to_string(), f.classification),
        ("Source note".to_string(), f.source_note),
        ("Summary".to_string(), f.summary),
        ("Credits".to_string(), f.credits),
        ("Original languages".to_string(), f.languages),
        ("Subjects".to_string(), f.subjects),
        ("Places".to_string(), f.places),
    ];
    for (n, text) in f.texts.into_iter().enumerate() {
        let name = format!("Text {} ({})", n + 1, text.label);
        out.push((
            format!("{name}: kind and language"),
            format!("{} {}", text.kind, text.language),
        ));
        out.push((name, text.body));
    }
    out
}

/// The fields that differ from `old` to `new` (either may be absent: a new or deleted record).
pub(crate) fn record_diff(old: Option<&Record>, new: Option<&Record>) -> Vec<FieldChange> {
    let old_fields = old.map(fields).unwrap_or_default();
    let new_fields = new.map(fields).unwrap_or_default();
    let mut names: Vec<&String> = old_fields.iter().map(|(n, _)| n).collect();
    for (name, _) in &new_fields {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let value = |list: &[(String, String)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    names
        .into_iter()
        .filter_map(|name| {
            let (a, b) = (value(&old_fields, name), value(&new_fields, name));
            (a != b).then(|| FieldChange { field: name.clone(), pieces: words(&a, &b) })
        })
        .collect()
}

/// A word diff of two values.
pub(crate) fn words(old: &str, new: &str) -> Vec<Piece> {
    let piece = |how, text: &str| Piece { how, text: text.to_string() };
    let count = |s: &str| s.split_whitespace().count();
    if count(old) + count(new) > MAX_DIFF_WORDS {
        return vec![piece("removed", old), piece("added", new)];
    }
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .timeout(DIFF_DEADLINE)
        .diff_words(old, new);
    let mut pieces: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let how = match change.tag() {
            similar::ChangeTag::Equal => "same",
            similar::ChangeTag::Delete => "removed",
            similar::ChangeTag::Insert => "added",
        };
        match pieces.last_mut() {
            Some(last) if last.how == how => last.text.push_str(change.value()),
            _ => pieces.push(piece(how, change.value())),
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_show_what_changed() {
        let pieces = words("the letter of August 1954", "the letter of 11 August 1954");
        let added: Vec<&str> =
            pieces.iter().filter(|p| p.how == "added").map(|p| p.text.as_str()).collect();
        assert_eq!(added.concat().trim(), "11");
        assert!(pieces.iter().all(|p| p.how != "removed"));
    }
}
