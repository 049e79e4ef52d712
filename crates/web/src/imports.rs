//! Imports over HTTP (the curators' upload page and the write API), by the rules of `chancery
//! import`: every file parsed and checked, every problem reported with its file and line, and
//! the whole batch written in one transaction or not at all.

use chancery_ingest::{Severity, Source};
use chancery_store::{ImportPolicy, Outcome, Store};
use time::OffsetDateTime;

/// The most bytes one import over HTTP may send, all files together (`chancery import` on the
/// server takes files up to `MAX_SOURCE_BYTES` each).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// The most files one import over HTTP may send.
pub const MAX_UPLOAD_FILES: usize = 100;
/// The longest file name kept (longer ones are cut).
const MAX_UPLOAD_NAME_BYTES: usize = 200;

/// One import at a time: each holds its files in memory, and the store writes one batch at a
/// time anyway.
static IMPORTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// The source files a parsed file keeps in the store: its bytes under its checksum (the
/// records' provenance, or for reference data the file's own).
pub fn source_files(
    parsed: &chancery_ingest::Parsed,
    path: &str,
    bytes: Vec<u8>,
) -> Vec<chancery_store::SourceFile> {
    // A source of persons, offices, events or visits holds no record to name it: its checksum is taken
    // here, so that its bytes are kept like every other source's.
    let reference_data = !parsed.persons.is_empty()
        || parsed.offices.is_some()
        || !parsed.events.is_empty()
        || !parsed.visits.is_empty();
    let persons_only = (parsed.records.is_empty() && reference_data).then(|| {
        let source = Source { path, bytes: &bytes, imported_at: OffsetDateTime::UNIX_EPOCH };
        let format = if parsed.events.is_empty() {
            chancery_ingest::Format::Tei
        } else {
            chancery_ingest::Format::Json
        };
        source.provenance(format)
    });
    parsed
        .records
        .first()
        .and_then(|r| r.provenance.clone())
        .or(persons_only)
        .map(|provenance| chancery_store::SourceFile {
            sha256: provenance.sha256,
            path: path.to_string(),
            format: provenance.format,
            bytes,
        })
        .into_iter()
        .collect()
}

/// A file name as an uploaded source is kept: its last part, printable, bounded, under
/// `upload/`.
pub(crate) fn upload_path(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let mut end = clean.len().min(MAX_UPLOAD_NAME_BYTES);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    clean.truncate(end);
    if clean.trim().is_empty() || clean == "." || clean == ".." {
        clean = "unnamed".into();
    }
    format!("upload/{clean}")
}

/// What an import over HTTP did.
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct Report {
    /// Whether the batch was written.
    pub(crate) imported: bool,
    /// Every problem, as `file:line: severity: message`.
    pub(crate) diagnostics: Vec<String>,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    /// Records an import may not replace or bring back unasked.
    pub(crate) refusals: Vec<String>,
    /// Each record written or left as it was.
    pub(crate) records: Vec<Imported>,
}

/// One record of an import.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Imported {
    pub(crate) id: String,
    pub(crate) action: &'static str,
    pub(crate) revision: i64,
    pub(crate) source: String,
}

/// Imports files (name, bytes) into the store as one batch.
pub(crate) async fn import(
    store: &Store,
    files: Vec<(String, Vec<u8>)>,
    policy: ImportPolicy,
    now: OffsetDateTime,
) -> Result<Report, chancery_store::Error> {
    let _one_at_a_time = IMPORTING.acquire().await;
    let mut report = Report::default();
    let mut batch = Some(store.begin_import(now, policy).await?);
    let mut outcomes: Vec<(Outcome, String)> = Vec::new();
    for (name, bytes) in files {
        let path = upload_path(&name);
        let parsed =
            chancery_ingest::parse(&Source { path: &path, bytes: &bytes, imported_at: now });
        for diagnostic in &parsed.diagnostics {
            report.diagnostics.push(diagnostic.to_string());
            match diagnostic.severity {
                Severity::Error => report.errors += 1,
                Severity::Warning => report.warnings += 1,
            }
        }
        if parsed.has_errors() {
            batch = None;
            continue;
        }
        let Some(open) = batch.as_mut() else { continue };
        let sources = source_files(&parsed, &path, bytes);
        match open.add(&parsed.records, &sources).await {
            Ok(added) => outcomes.extend(added.into_iter().map(|o| (o, path.clone()))),
            Err(chancery_store::Error::DuplicateId { id, first, second }) => {
                report.diagnostics.push(format!(
                    "{second}: error: record `{id}` is also in {first}; give one of them its own Identifier"
                ));
                report.errors += 1;
                batch = None;
                continue;
            }
            Err(error) => return Err(error),
        }
        open.add_entities(&parsed.authorities, &parsed.collections).await?;
        if !parsed.persons.is_empty() {
            open.add_persons(&parsed.persons).await?;
        }
        if !parsed.events.is_empty() {
            open.add_events(&parsed.events).await?;
        }
        if !parsed.visits.is_empty() {
            open.add_visits(&parsed.visits).await?;
        }
        if let Some(offices) = &parsed.offices {
            open.add_offices(offices).await?;
        }
    }
    if let Some(open) = &batch {
        report.refusals = open.refusals().iter().map(ToString::to_string).collect();
    }
    let Some(open) = batch.filter(|_| report.errors == 0 && report.refusals.is_empty()) else {
        return Ok(report);
    };
    open.commit().await?;
    report.imported = true;
    report.records = outcomes
        .into_iter()
        .map(|(o, source)| Imported {
            id: o.id.to_string(),
            action: o.action.key(),
            revision: o.revision,
            source,
        })
        .collect();
    Ok(report)
}
