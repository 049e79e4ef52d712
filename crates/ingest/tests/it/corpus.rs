//! Every FRUS volume in `../shared/corpus/frus/` imports, and each document keeps its date,
//! words, footnotes, source note and pages; nearly every record has a date a reader can use. The
//! TEI is read here independently of `chancery_ingest::tei`.

use std::collections::BTreeMap;
use std::path::Path;

use chancery_ingest::{Severity, Source, tei};
use roxmltree::{Document, Node, ParsingOptions};
use time::OffsetDateTime;

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// Elements inside which a word may continue (no word boundary at their edges).
const INLINE: &[&str] = &[
    "hi",
    "persName",
    "gloss",
    "placeName",
    "date",
    "time",
    "term",
    "ref",
    "seg",
    "orgName",
    "name",
    "foreign",
    "emph",
    "q",
    "rs",
    "abbr",
    "expan",
    "choice",
    "sic",
    "corr",
    "num",
    "measure",
    "unclear",
    "add",
    "del",
    "sup",
    "sub",
    "pb",
    "gap",
    "geogName",
    "title",
    "said",
    "mentioned",
];

fn is(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

fn is_document(node: Node<'_, '_>) -> bool {
    is(node, "div") && node.attribute("type") == Some("document")
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The words of a document's TEI: text nodes, with a boundary at every non-inline element.
fn tei_words(div: Node<'_, '_>) -> Vec<String> {
    fn walk(node: Node<'_, '_>, out: &mut String) {
        for child in node.children() {
            if child.is_text() {
                out.push_str(child.text().unwrap_or_default());
            } else if child.is_element() {
                if is_document(child) && child.attribute((XML_NS, "id")).is_some() {
                    continue;
                }
                let inline = INLINE.contains(&child.tag_name().name());
                if !inline {
                    out.push(' ');
                }
                walk(child, out);
                if !inline {
                    out.push(' ');
                }
            }
        }
    }
    let mut out = String::new();
    walk(div, &mut out);
    words(&out)
}

fn counted(words: Vec<String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for word in words {
        *counts.entry(word).or_default() += 1;
    }
    counts
}

fn own<'a, 'input>(div: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    div.descendants().filter(move |n| {
        !n.ancestors()
            .skip(1)
            .any(|a| is_document(a) && a != div && a.attribute((XML_NS, "id")).is_some())
    })
}

/// Whether a note of `div` is its source note, as the edition marks it: `type="source"` and not
/// a bracketed editorial mark ("[Telegram]"); else, where none is marked, the head's note that
/// starts "Source:".
fn source_notes<'a, 'input>(div: Node<'a, 'input>) -> Vec<Node<'a, 'input>> {
    let text = |n: Node<'_, '_>| -> String {
        n.descendants().filter(|t| t.is_text()).filter_map(|t| t.text()).collect::<String>()
    };
    let direct = |n: &Node<'_, '_>| n.ancestors().skip(1).find(|a| is_document(*a)) == Some(div);
    let notes: Vec<Node<'_, '_>> =
        div.descendants().filter(|n| is(*n, "note") && direct(n)).collect();
    let marked: Vec<Node<'_, '_>> = notes
        .iter()
        .copied()
        .filter(|n| {
            let t = text(*n);
            let t = t.trim();
            n.attribute("type") == Some("source") && !(t.starts_with('[') && t.ends_with(']'))
        })
        .collect();
    if !marked.is_empty() {
        return marked;
    }
    notes
        .into_iter()
        .find(|n| {
            n.ancestors().any(|a| is(a, "head"))
                && text(*n).trim().to_ascii_lowercase().starts_with("source:")
        })
        .into_iter()
        .collect()
}

#[test]
#[ignore = "reads the FRUS corpus in ../shared/corpus; .ci/run runs it with --ignored"]
fn every_frus_volume_imports_whole() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/frus");
    let mut volumes: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus test needs {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    volumes.sort();
    assert_eq!(volumes.len(), 17);
    let (mut n_docs, mut n_records, mut n_dated, mut n_authorities) = (0, 0, 0, 0);
    let (mut n_undated, mut n_front) = (0, 0);
    let mut problems = Vec::new();
    for path in volumes {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let parsed = tei::parse(&Source {
            path: &name,
            bytes: &bytes,
            imported_at: OffsetDateTime::UNIX_EPOCH,
        });
        assert!(!parsed.has_errors(), "{name}: {:?}", parsed.diagnostics);
        assert!(parsed.diagnostics.iter().all(|d| d.severity == Severity::Warning));
        n_records += parsed.records.len();
        n_authorities += parsed.authorities.len();
        assert!(
            parsed.collections.first().is_some_and(|c| c.kind == "volume"),
            "{name}: the volume is a collection"
        );
        let keys: std::collections::HashSet<&str> =
            parsed.authorities.iter().map(|a| a.key.as_str()).collect();
        let collection_ids: std::collections::HashSet<&str> =
            parsed.collections.iter().map(|c| c.id.as_str()).collect();
        for record in &parsed.records {
            let id = &record.id;
            if !tei::dates::is_dated(&record.date) {
                n_undated += 1;
            }
            let printed = &record.date.printed;
            if printed != "Undated"
                && !printed.as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit))
            {
                problems.push(format!("{id}: the printed date `{printed}` has no year"));
            }
            if let Some(unknown) = record.entities.iter().find(|k| !keys.contains(k.as_str())) {
                problems
                    .push(format!("{id}: refers to `{unknown}`, which the volume does not define"));
            }
            if !record.collection_id.as_deref().is_some_and(|c| collection_ids.contains(c)) {
                problems.push(format!("{id}: not placed in a collection of the volume"));
            }
            if let Err(error) =
                tei::to_html(record.tei.as_deref().unwrap_or_default(), &tei::Links::default())
            {
                problems.push(format!("{id}: no HTML: {error}"));
            }
            // JSON (export, then import) gives every record back exactly.
            let line = chancery_ingest::json::write_line(record);
            let from_json = chancery_ingest::json::parse(&Source {
                path: "export.jsonl",
                bytes: line.as_bytes(),
                imported_at: OffsetDateTime::UNIX_EPOCH,
            });
            match from_json.records.into_iter().next() {
                Some(mut again) => {
                    again.provenance = record.provenance.clone();
                    if &again != record {
                        problems.push(format!("{id}: JSON does not give the record back"));
                    }
                }
                None => problems
                    .push(format!("{id}: its JSON does not parse: {:?}", from_json.diagnostics)),
            }
            // The record text format carries everything but the TEI markup.
            let written = chancery_ingest::text::write(record);
            let again = chancery_ingest::text::parse(&Source {
                path: "written",
                bytes: written.as_bytes(),
                imported_at: OffsetDateTime::UNIX_EPOCH,
            });
            match again.records.into_iter().next() {
                Some(mut again) => {
                    again.tei = record.tei.clone();
                    again.provenance = record.provenance.clone();
                    if &again != record {
                        let (a, b) = (format!("{record:#?}"), format!("{again:#?}"));
                        let first = a
                            .lines()
                            .zip(b.lines())
                            .find(|(x, y)| x != y)
                            .map(|(x, y)| format!("{} → {}", x.trim(), y.trim()));
                        problems.push(format!(
                            "{id}: the text format does not give the record back: {first:?}"
                        ));
                    }
                }
                None => problems
                    .push(format!("{id}: its text format does not parse: {:?}", again.diagnostics)),
            }
        }

        let text =
            std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes)).unwrap();
        let document = Document::parse_with_options(
            text,
            ParsingOptions { allow_dtd: true, ..Default::default() },
        )
        .unwrap();
        let divs: Vec<Node<'_, '_>> = document.descendants().filter(|n| is_document(*n)).collect();
        n_docs += divs.len();
        let documents: Vec<&chancery_model::record::Record> = parsed
            .records
            .iter()
            .filter(|r| r.kind != chancery_model::record::RecordKind::FrontMatter)
            .collect();
        n_front += parsed.records.len() - documents.len();
        assert_eq!(divs.len(), documents.len(), "{name}: one record per document div");
        for (div, record) in divs.iter().zip(documents) {
            let id = &record.id;
            let text = &record.texts[0];
            // Dates: every document whose TEI has a date attribute gets a normalized date.
            let has_date_attribute = div.attributes().any(|a| a.name().starts_with("doc-dateTime"))
                || own(*div).any(|n| {
                    is(n, "date")
                        && !n.ancestors().any(|a| is(a, "note"))
                        && (n.ancestors().any(|a| is(a, "dateline"))
                            || n.ancestors().any(|a| is(a, "head")))
                        && ["when", "from", "notBefore", "to"]
                            .iter()
                            .any(|a| n.attribute(*a).is_some())
                });
            if has_date_attribute {
                n_dated += 1;
                if record.date.edtf.is_none() {
                    problems.push(format!(
                        "{id}: has a date attribute but no normalized date ({})",
                        record.date.printed
                    ));
                }
            }
            // Footnotes and pages; the source note is a section of its own.
            let sources = source_notes(*div);
            let n_notes = own(*div)
                .filter(|n| {
                    is(*n, "note") && n.attribute("rend") != Some("inline") && !sources.contains(n)
                })
                .count();
            if sources.is_empty() != record.source_note.is_none() {
                problems.push(format!(
                    "{id}: {} source note(s) in the TEI; source note imported: {}",
                    sources.len(),
                    record.source_note.is_some()
                ));
            }
            if n_notes != text.notes.len() {
                problems.push(format!(
                    "{id}: {n_notes} footnotes in the TEI, {} imported",
                    text.notes.len()
                ));
            }
            let n_pb = own(*div).filter(|n| is(*n, "pb")).count();
            let starts_on_earlier_page = text.pages.first().is_some_and(|p| p.offset == 0)
                && !div
                    .children()
                    .filter(|n| n.is_element())
                    .find(|n| !is(*n, "head"))
                    .is_some_and(|n| is(n, "pb"));
            if n_pb + usize::from(starts_on_earlier_page) != text.pages.len() {
                problems.push(format!(
                    "{id}: {n_pb} page breaks in the TEI, {} imported",
                    text.pages.len()
                ));
            }
            // No word lost or invented: title, number, text and notes hold exactly the TEI's words.
            let mut ours = words(&record.title);
            // The number counts as text only when the head prints it; otherwise it is `@n`.
            let head_text: String = div
                .children()
                .find(|n| is(*n, "head"))
                .map(|h| {
                    h.descendants()
                        .filter(|t| t.is_text() && !t.ancestors().any(|a| is(a, "note")))
                        .filter_map(|t| t.text())
                        .collect()
                })
                .unwrap_or_default();
            if let Some(number) = &record.number
                && head_text.trim_start().starts_with(&format!("{number}."))
            {
                ours.extend(words(number));
            }
            ours.extend(words(&text.body));
            for note in &text.notes {
                ours.extend(words(&note.text));
            }
            if let Some(note) = &record.source_note {
                ours.extend(words(note));
                // "Source:" opens the note in the TEI; the section leaves it out.
                let leading = sources.first().map(|n| {
                    n.descendants()
                        .filter(|t| t.is_text())
                        .filter_map(|t| t.text())
                        .collect::<String>()
                });
                if let Some(first) = leading
                    && let Some(word) = ["Source", "source"]
                        .iter()
                        .find(|w| first.trim_start().trim_start_matches('[').starts_with(*w))
                {
                    ours.push((*word).to_string());
                }
            }
            let (ours, theirs) = (counted(ours), counted(tei_words(*div)));
            if ours != theirs {
                let missing: Vec<_> =
                    theirs.iter().filter(|(w, n)| ours.get(*w) != Some(n)).take(5).collect();
                let extra: Vec<_> =
                    ours.iter().filter(|(w, n)| theirs.get(*w) != Some(n)).take(5).collect();
                problems.push(format!("{id}: words differ; TEI {missing:?} vs imported {extra:?}"));
            }
        }
    }
    assert_eq!(n_docs, 5008);
    assert_eq!(n_records, 5008 + n_front);
    // Front and back matter the edition publishes as pages (the shared volumes hold 78).
    assert!(n_front >= 70, "{n_front} pages of front and back matter");
    // At most 2% of records without a date a reader can use (none, or wider than a year).
    assert!(n_undated * 50 <= n_records, "{n_undated} of {n_records} records undated");
    assert!(n_dated >= 4400, "{n_dated} dated documents");
    assert!(n_authorities > 3000, "{n_authorities} persons and terms");
    assert!(
        problems.is_empty(),
        "{} problems, first ones:\n{}",
        problems.len(),
        problems.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
