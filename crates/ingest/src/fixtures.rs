//! Data-driven fixture tests: each `test_data/DIR/NAME.EXT` is parsed and compared with
//! `NAME.expected`. `UPDATE_EXPECT=1 cargo test -p chancery-ingest` rewrites the expected files;
//! review the diff.

use std::path::Path;

use time::OffsetDateTime;

use crate::{Source, json, parse, text};

/// Checks every fixture in `test_data/<dir>` with extension `ext`; returns the failures.
pub(crate) fn check(dir: &str, ext: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data").join(dir);
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let parsed =
            parse(&Source { path: &name, bytes: &bytes, imported_at: OffsetDateTime::UNIX_EPOCH });
        let mut actual = String::from("# diagnostics\n");
        for diagnostic in &parsed.diagnostics {
            actual.push_str(&format!("{diagnostic}\n"));
        }
        if let Some(tally) = &parsed.tally {
            actual.push_str(&format!("# tally\n{tally}\n"));
        }
        actual.push_str("# records\n");
        for record in &parsed.records {
            let written = text::write(record);
            if ext != "txt" {
                actual.push_str("## as text\n");
                actual.push_str(&written);
                if let Some(tei) = &record.tei {
                    actual.push_str("## as HTML\n");
                    actual.push_str(
                        &crate::tei::to_html(tei, &links(record, &targets(record)))
                            .unwrap_or_else(|e| format!("ERROR {e}")),
                    );
                    actual.push('\n');
                }
                actual.push_str("## as JSON\n");
            }
            actual.push_str(&json::write(record));
            actual.push('\n');
            // Every record must survive the text format: write → parse gives it back (for
            // sources other than text, less what the text format does not carry: the TEI).
            let again = text::parse(&Source {
                path: &name,
                bytes: written.as_bytes(),
                imported_at: OffsetDateTime::UNIX_EPOCH,
            });
            let Some(mut again) = again.records.into_iter().next() else {
                failures.push(format!(
                    "{name}: the written record does not parse: {:?}",
                    again.diagnostics
                ));
                continue;
            };
            again.provenance = record.provenance.clone();
            again.tei = record.tei.clone();
            if &again != record {
                failures.push(format!(
                    "{name}: write → parse changed `{}`:\n{again:#?}\nwas\n{record:#?}",
                    record.id
                ));
            }
        }
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{name}: output differs from {}:\n{actual}",
                expected_path.display()
            ));
        }
    }
    failures
}

/// How a record page links a fixture record's references and shows its source note.
fn links<'a>(
    record: &'a chancery_model::record::Record,
    targets: &'a [&'a str],
) -> crate::tei::Links<'a> {
    crate::tei::Links {
        volume: record.id.as_str().split('/').next().unwrap_or_default(),
        records: "/records/",
        source_note_apart: record.source_note.is_some(),
        targets,
        people: &[],
    }
}

/// The records a record's texts refer to.
fn targets(record: &chancery_model::record::Record) -> Vec<&str> {
    record
        .texts
        .iter()
        .flat_map(|t| &t.spans)
        .filter_map(|s| match &s.kind {
            chancery_model::record::SpanKind::Reference(target) => Some(target.as_str()),
            _ => None,
        })
        .collect()
}
