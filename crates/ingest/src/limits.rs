//! What one source may cost: every bound on input, as a named constant, checked where the input
//! is read, with an error that names the file, the line and the limit.
//!
//! | limit | value | what it bounds |
//! |---|---|---|
//! | [`MAX_SOURCE_BYTES`](crate::MAX_SOURCE_BYTES) | 256 MiB | one source file |
//! | [`MAX_LINE_BYTES`](crate::MAX_LINE_BYTES) | 1 MiB | one line of a text or JSON source |
//! | [`MAX_XML_DEPTH`] | 100 | elements nested in a TEI file or a record's TEI (FRUS: 15) |
//! | [`ENTITY_EXPANSION_FLOOR`] and the source's size | 64 KiB, or the file's size if larger | bytes that entity references in a TEI file may expand to |
//! | [`MAX_ENTITY_REFERENCES_PER_KIB`] | 512 | entity references expanded (nested ones included), per KiB of the file |
//! | [`MAX_RECORD_BYTES`] | 16 MiB | one record's texts, notes, summary, sections, citation and TEI together (FRUS's largest: 83 KB) |
//! | [`MAX_FIELD_BYTES`] | 4 KiB | one short field: title, printed date, a name, a citation part, a label, a subject |
//! | [`MAX_ITEMS`] | 10,000 | entries of any one list of a record: names, texts, notes of a text, pages, entities |
//! | [`MAX_STATEMENT_BYTES`](crate::events::MAX_STATEMENT_BYTES) | 2,000 | one curated event's statement (an events file holds at most [`MAX_ITEMS`] events) |
//! | [`MAX_BUNDLE_ENTRIES`] | 100,000 | persons, office holders, posts or appointments in one bundle of reference data (the largest shared: 5,350 appointments) |
//!
//! Rendering is bounded by the same depth: the TEI renderers refuse what nests deeper than
//! [`MAX_XML_DEPTH`] (a record stored before this limit existed shows its plain text instead).

use chancery_model::record::Record;

/// The deepest nesting of XML elements we read or render. FRUS volumes nest 15 deep; 100 leaves
/// room for any edition while keeping recursive rendering far from the stack's end.
pub const MAX_XML_DEPTH: usize = 100;
/// Entity references in a TEI file may expand to at most this many bytes, or to as many bytes
/// as the file has, whichever is more: entities are abbreviations, not multipliers.
pub const ENTITY_EXPANSION_FLOOR: usize = 64 * 1024;
/// Entity references expanded in a TEI file, nested ones included, per KiB of the file (at
/// least that many for a file under 1 KiB). A reference costs at least three bytes, so only
/// entities that reference entities can come near it.
pub const MAX_ENTITY_REFERENCES_PER_KIB: usize = 512;
/// The most bytes of text one record may hold (texts with notes, summary, credits, sections,
/// citation and TEI together).
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;
/// The most bytes of one short field (title, printed date, a name, a citation part…).
pub const MAX_FIELD_BYTES: usize = 4 * 1024;
/// The most entries of one list of a record.
pub const MAX_ITEMS: usize = 10_000;

/// The most entries of one kind a bundle of reference data (the people data, the chiefs-of-
/// mission data) may hold: twenty times the largest one shared, 5,350 appointments.
pub const MAX_BUNDLE_ENTRIES: usize = 100_000;

/// The error for a bundle holding more than [`MAX_BUNDLE_ENTRIES`] entries of one kind.
pub(crate) fn bundle_too_large(n: usize, what: &str) -> Option<String> {
    (n > MAX_BUNDLE_ENTRIES).then(|| {
        format!(
            "{n} {what}; the limit is {MAX_BUNDLE_ENTRIES} (MAX_BUNDLE_ENTRIES): split the bundle"
        )
    })
}

/// A limit a record breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, naming the field and the limit.
    pub message: String,
    /// The start of the offending value, where one value is too long (so that a reader of a
    /// text format can find its line).
    pub value: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The first limit a record breaks.
pub fn record_problem(record: &Record) -> Option<Problem> {
    check_record(record).err()
}

fn check_record(record: &Record) -> Result<(), Problem> {
    let problem = |message: String| Problem { message, value: None };
    let mut short: Vec<(&str, &str)> =
        vec![("title", &record.title), ("date", &record.date.printed)];
    let names = [
        ("authors", &record.authors),
        ("recipients", &record.recipients),
        ("participants", &record.participants),
        ("page_images", &record.page_images),
        ("subjects", &record.subjects),
        ("places", &record.places),
        ("collections", &record.collections),
        ("entities", &record.entities),
    ];
    for (field, list) in names {
        if list.len() > MAX_ITEMS {
            return Err(problem(too_many(field, list.len())));
        }
        short.extend(list.iter().map(|v| (field, v.as_str())));
    }
    for (field, value) in [
        ("number", &record.number),
        ("place", &record.place),
        ("time", &record.time),
        ("collection_id", &record.collection_id),
    ] {
        short.extend(value.as_deref().map(|v| (field, v)));
    }
    if let Some(edition) = &record.edition {
        if edition.editors.len() > MAX_ITEMS {
            return Err(problem(too_many("edition.editors", edition.editors.len())));
        }
        short.push(("edition", &edition.series));
        for value in [
            &edition.subseries,
            &edition.volume,
            &edition.volume_title,
            &edition.publisher,
            &edition.place,
            &edition.year,
        ] {
            short.extend(value.as_deref().map(|v| ("edition", v)));
        }
        short.extend(edition.editors.iter().map(|e| ("edition", e.as_str())));
    }
    let mut total = record.title.len() + record.source_note.as_deref().map_or(0, str::len);
    if let Some(citation) = &record.citation {
        let p = &citation.parts;
        for part in [
            &p.publisher,
            &p.archive,
            &p.archive_english,
            &p.fonds,
            &p.signature,
            &p.translator,
            &p.source_url,
            &p.classification,
        ] {
            short.extend(part.as_deref().map(|v| ("citation", v)));
        }
        total += citation.text.len();
    }
    if let Some((field, value)) = short.iter().find(|(_, v)| v.len() > MAX_FIELD_BYTES) {
        let mut start = 64.min(value.len());
        while !value.is_char_boundary(start) {
            start -= 1;
        }
        return Err(Problem {
            message: format!(
                "field `{field}` is {} bytes long; the limit for one field is {MAX_FIELD_BYTES} bytes (MAX_FIELD_BYTES): is it really a {field}?",
                value.len()
            ),
            value: Some(value[..start].to_string()),
        });
    }
    for (field, len) in [
        ("texts", record.texts.len()),
        ("original_languages", record.original_languages.len()),
        ("extra_sections", record.extra_sections.len()),
    ] {
        if len > MAX_ITEMS {
            return Err(problem(too_many(field, len)));
        }
    }
    for (idx, text) in record.texts.iter().enumerate() {
        if text.notes.len() > MAX_ITEMS {
            return Err(problem(too_many(&format!("texts[{idx}].notes"), text.notes.len())));
        }
        if text.pages.len() > MAX_ITEMS {
            return Err(problem(too_many(&format!("texts[{idx}].pages"), text.pages.len())));
        }
        if text.spans.len() > MAX_ITEMS {
            return Err(problem(too_many(&format!("texts[{idx}].spans"), text.spans.len())));
        }
        total += text.body.len() + text.notes.iter().map(|n| n.text.len()).sum::<usize>();
    }
    total += record.summary.as_deref().map_or(0, str::len)
        + record.credits.as_deref().map_or(0, str::len)
        + record.tei.as_deref().map_or(0, str::len)
        + record.extra_sections.iter().map(|s| s.body.len()).sum::<usize>();
    if total > MAX_RECORD_BYTES {
        return Err(problem(format!(
            "the record holds {total} bytes of text; the limit is {MAX_RECORD_BYTES} bytes (MAX_RECORD_BYTES): split it into several records"
        )));
    }
    Ok(())
}

fn too_many(field: &str, len: usize) -> String {
    format!("field `{field}` has {len} entries; the limit is {MAX_ITEMS} (MAX_ITEMS)")
}

/// How far entity references in an XML text would expand, checked before the text is parsed:
/// the internal DTD subset's general entities are measured (their values with the references
/// they hold), then every reference after the DOCTYPE is counted. `Err((byte offset, message))`
/// at the first reference past [`ENTITY_EXPANSION_FLOOR`]/the file's size or
/// [`MAX_ENTITY_REFERENCES_PER_KIB`]; a reference loop is left to the parser, which names it.
pub(crate) fn check_entities(text: &str) -> Result<(), (usize, String)> {
    let Some(doctype) = text.find("<!DOCTYPE") else { return Ok(()) };
    let Some((subset, end)) = internal_subset(text, doctype) else { return Ok(()) };
    let entities = declared_entities(subset);
    if entities.is_empty() {
        return Ok(());
    }
    let max_bytes = ENTITY_EXPANSION_FLOOR.max(text.len());
    let max_references = MAX_ENTITY_REFERENCES_PER_KIB * text.len().div_ceil(1024).max(1);
    let mut sizes = std::collections::HashMap::new();
    let (mut bytes, mut references) = (0usize, 0usize);
    let mut at = end;
    let body = text.as_bytes();
    while let Some(found) = text[at..].find(['&', '<']) {
        let start = at + found;
        // Comments, CDATA sections and processing instructions hold no references.
        let skip = |open: &str, close: &str| {
            text[start..].starts_with(open).then(|| {
                text[start + open.len()..]
                    .find(close)
                    .map_or(text.len(), |e| start + open.len() + e + close.len())
            })
        };
        if body[start] == b'<' {
            at = skip("<!--", "-->")
                .or_else(|| skip("<![CDATA[", "]]>"))
                .or_else(|| skip("<?", "?>"))
                .unwrap_or(start + 1);
            continue;
        }
        let Some(name) = reference_name(&text[start + 1..]) else {
            at = start + 1;
            continue;
        };
        at = start + name.len() + 2;
        let Some(value) = entities.get(name) else { continue };
        let (size, nested) = expansion(name, value, &entities, &mut sizes, 0);
        bytes = bytes.saturating_add(size);
        references = references.saturating_add(1 + nested);
        if bytes > max_bytes {
            return Err((
                start,
                format!(
                    "entity references expand to more than {max_bytes} bytes (ENTITY_EXPANSION_FLOOR or the file's size, whichever is more; `&{name};` is {size} bytes): entities may abbreviate, not multiply; write the text out"
                ),
            ));
        }
        if references > max_references {
            return Err((
                start,
                format!(
                    "more than {max_references} entity references to expand ({MAX_ENTITY_REFERENCES_PER_KIB} per KiB of the file, MAX_ENTITY_REFERENCES_PER_KIB; `&{name};` expands {nested} more): write the text out"
                ),
            ));
        }
    }
    Ok(())
}

/// The internal subset of a DOCTYPE starting at `start` (between `[` and `]`), and where the
/// DOCTYPE ends.
fn internal_subset(text: &str, start: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut open = None;
    let mut idx = start + "<!DOCTYPE".len();
    while idx < bytes.len() {
        let byte = bytes[idx];
        match (quote, open) {
            (Some(q), _) if byte == q => quote = None,
            (Some(_), _) => {}
            (None, _) if byte == b'"' || byte == b'\'' => quote = Some(byte),
            (None, None) if byte == b'[' => open = Some(idx + 1),
            (None, None) if byte == b'>' => return None,
            (None, Some(_)) if text[idx..].starts_with("<!--") => {
                idx = text[idx..].find("-->").map_or(bytes.len(), |e| idx + e + 2);
            }
            (None, Some(from)) if byte == b']' => {
                let end = text[idx..].find('>').map_or(bytes.len(), |e| idx + e + 1);
                return Some((&text[from..idx], end));
            }
            _ => {}
        }
        idx += 1;
    }
    None
}

/// The general entities an internal subset declares with a literal value (parameter and
/// external entities expand to nothing here).
fn declared_entities(subset: &str) -> std::collections::HashMap<&str, &str> {
    let mut out = std::collections::HashMap::new();
    let mut rest = subset;
    while let Some(found) = rest.find("<!ENTITY") {
        rest = &rest[found + "<!ENTITY".len()..];
        let declaration = rest.trim_start();
        if declaration.starts_with('%') {
            continue;
        }
        let name_end = declaration.find(|c: char| c.is_whitespace()).unwrap_or(declaration.len());
        let name = &declaration[..name_end];
        let after = declaration[name_end..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(close) = after[1..].find(quote) {
            out.entry(name).or_insert(&after[1..1 + close]);
        }
    }
    out
}

/// The name of a general entity reference starting after `&` (`amp;` → `amp`); `None` for a
/// character reference or something that is not a reference.
fn reference_name(after_ampersand: &str) -> Option<&str> {
    if after_ampersand.starts_with('#') {
        return None;
    }
    let end = after_ampersand.find(';')?;
    let name = &after_ampersand[..end];
    let valid = !name.is_empty()
        && name.len() <= 256
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    valid.then_some(name)
}

/// The bytes an entity expands to and the references its value expands in turn, memoized.
/// Deeper than roxmltree follows (10 levels), or in a loop, it counts as too large to matter.
fn expansion<'a>(
    name: &'a str,
    value: &'a str,
    entities: &std::collections::HashMap<&'a str, &'a str>,
    sizes: &mut std::collections::HashMap<&'a str, (usize, usize)>,
    depth: usize,
) -> (usize, usize) {
    if let Some(&known) = sizes.get(name) {
        return known;
    }
    if depth > 10 {
        return (usize::MAX / 4, usize::MAX / 4);
    }
    let (mut bytes, mut references) = (0usize, 0usize);
    let mut rest = value;
    while let Some(found) = rest.find('&') {
        bytes += found;
        rest = &rest[found + 1..];
        match reference_name(rest) {
            Some(inner) => {
                rest = &rest[inner.len() + 1..];
                match entities.get(inner) {
                    Some(inner_value) => {
                        let (b, r) = expansion(inner, inner_value, entities, sizes, depth + 1);
                        bytes = bytes.saturating_add(b);
                        references = references.saturating_add(1).saturating_add(r);
                    }
                    // A predefined entity (`&amp;`) is one character.
                    None => bytes += 1,
                }
            }
            None => bytes += 1,
        }
    }
    bytes += rest.len();
    sizes.insert(name, (bytes, references));
    (bytes, references)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(entity: &str, uses: usize) -> String {
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE TEI [\n<!ENTITY e \"{entity}\">\n]>\n<TEI>{}</TEI>",
            "&e;".repeat(uses)
        )
    }

    #[test]
    fn small_abbreviations_pass() {
        assert_eq!(check_entities(&doc("—", 1000)), Ok(()));
        assert_eq!(check_entities("<TEI>&amp; no doctype</TEI>"), Ok(()));
    }

    /// Regression (issue 10): a 20 KB entity used 5,000 times (a 46 KB file) was accepted as a
    /// 102 MB record, and a 100 KB one used 10,000 times took 27 s and 2.9 GB.
    #[test]
    fn amplification_is_refused_with_its_offset() {
        let text = doc(&"x".repeat(20_000), 5000);
        let (offset, message) = check_entities(&text).unwrap_err();
        assert!(message.contains("ENTITY_EXPANSION_FLOOR"), "{message}");
        assert!(text[offset..].starts_with("&e;"));
        // Right at the allowance: the file's own size (here above the floor).
        let entity = "y".repeat(1000);
        let fits = |uses: usize| check_entities(&doc(&entity, uses));
        let mut uses = 1;
        while fits(uses + 1).is_ok() {
            uses += 1;
        }
        let at_limit = doc(&entity, uses);
        assert!(uses * 1000 <= ENTITY_EXPANSION_FLOOR.max(at_limit.len()));
        assert!(fits(uses + 1).is_err());
    }

    #[test]
    fn nested_references_are_counted() {
        let text = "<!DOCTYPE d [<!ENTITY a \"ab\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><d>"
            .to_string()
            + &"&c;".repeat(40)
            + "</d>";
        let (_, message) = check_entities(&text).unwrap_err();
        assert!(message.contains("MAX_ENTITY_REFERENCES_PER_KIB"), "{message}");
        // References inside comments and CDATA are not expanded.
        let quiet = "<!DOCTYPE d [<!ENTITY a \"".to_string()
            + &"z".repeat(70_000)
            + "\">]><d><!-- &a; --><![CDATA[&a;]]></d>";
        assert_eq!(check_entities(&quiet), Ok(()));
    }

    #[test]
    fn bundles_are_bounded_at_their_limit() {
        assert_eq!(bundle_too_large(MAX_BUNDLE_ENTRIES, "appointments"), None);
        let message = bundle_too_large(MAX_BUNDLE_ENTRIES + 1, "appointments").unwrap();
        assert!(message.contains("100001 appointments") && message.contains("MAX_BUNDLE_ENTRIES"));
    }
}
