//! What each command does: read input, call the libraries, print.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chancery_ingest::{Severity, Source};
use chancery_model::id::RecordId;
use chancery_store::{SourceFile, Store};
use time::OffsetDateTime;

use crate::args::{Cli, Command, ExportFormat, ShowFormat};
use crate::{EXIT_REJECTED, EXIT_USAGE, Failure};

const IMPORT_EXTENSIONS: &[&str] = &["txt", "md", "json", "jsonl", "xml"];

pub(crate) async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Import { paths, json } => import(&cli.data, &paths, json).await,
        Command::Show { id, format } => show(&cli.data, &id, format).await,
        Command::List { json, limit } => list(&cli.data, json, limit).await,
        Command::Export { format, out, base_url } => {
            export(&cli.data, format, &base_url, out.as_deref()).await
        }
        Command::History { id } => history(&cli.data, &id).await,
        Command::Delete { id } => delete(&cli.data, &id).await,
        Command::Search { query, limit, offset, sort, json } => {
            crate::search::search(&cli.data, &query, limit, offset, sort, json).await
        }
        Command::Reindex => crate::search::reindex(&cli.data).await,
        Command::Authority { key } => authority(&cli.data, &key).await,
        Command::Collections { id } => collections(&cli.data, id.as_deref()).await,
        Command::Check => crate::search::check(&cli.data).await,
        Command::Serve { addr, base_url, no_demo, admin_email, oai_page_size, page_cache_mib } => {
            let options = crate::serve::Options {
                addr,
                base_url,
                demo: !no_demo,
                admin_email,
                oai_page_size,
                page_cache_bytes: page_cache_mib.saturating_mul(1024 * 1024),
            };
            crate::serve::serve(&cli.data, options).await
        }
    }
}

pub(crate) async fn open(data: &Path) -> Result<Store> {
    Store::open(data).await.with_context(|| format!("cannot open the store in {}", data.display()))
}

pub(crate) fn rejected(message: String) -> anyhow::Error {
    Failure { code: EXIT_REJECTED, message }.into()
}

async fn import(data: &Path, paths: &[PathBuf], json: bool) -> Result<()> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    let now = OffsetDateTime::now_utc();
    let store = open(data).await?;
    // One transaction for the whole command, fed one file at a time: memory holds one file's
    // records, and any error anywhere means nothing is written.
    let mut batch = Some(store.begin_import(now).await?);
    let mut outcomes = Vec::new();
    let (mut n_errors, mut n_warnings, mut bad_files) = (0, 0, 0);
    let mut progress = crate::progress::Progress::new("importing");
    for (file_idx, path) in files.iter().enumerate() {
        let shown = path.display().to_string();
        let size = std::fs::metadata(path).with_context(|| format!("cannot read {shown}"))?.len();
        if size > chancery_ingest::MAX_SOURCE_BYTES as u64 {
            eprintln!(
                "{shown}: error: the file is {size} bytes; the limit is {} bytes",
                chancery_ingest::MAX_SOURCE_BYTES
            );
            (n_errors, bad_files, batch) = (n_errors + 1, bad_files + 1, None);
            continue;
        }
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
        let parsed =
            chancery_ingest::parse(&Source { path: &shown, bytes: &bytes, imported_at: now });
        for diagnostic in &parsed.diagnostics {
            progress.suspend(|| eprintln!("{diagnostic}"));
            match diagnostic.severity {
                Severity::Error => n_errors += 1,
                Severity::Warning => n_warnings += 1,
            }
        }
        if parsed.has_errors() {
            bad_files += 1;
            // Keep reading: every problem in every file is reported at once.
            batch = None;
            continue;
        }
        let Some(open_batch) = batch.as_mut() else { continue };
        let sources: Vec<SourceFile> = parsed
            .records
            .first()
            .and_then(|r| r.provenance.as_ref())
            .map(|provenance| SourceFile {
                sha256: provenance.sha256.clone(),
                path: shown.clone(),
                format: provenance.format.clone(),
                bytes,
            })
            .into_iter()
            .collect();
        let added = open_batch.add(&parsed.records, &sources).await.map_err(|e| match e {
            chancery_store::Error::DuplicateId { .. } => {
                rejected(format!("import rejected: {e}; nothing was imported"))
            }
            other => anyhow::Error::new(other).context("import failed; nothing was imported"),
        })?;
        open_batch
            .add_entities(&parsed.authorities, &parsed.collections)
            .await
            .context("import failed; nothing was imported")?;
        for (outcome, record) in added.into_iter().zip(&parsed.records) {
            let source =
                record.provenance.as_ref().map_or(String::new(), |p| p.source_path.clone());
            outcomes.push((outcome, source));
        }
        progress.update_files(file_idx as u64 + 1, files.len() as u64, outcomes.len() as u64);
    }
    progress.finish();
    let Some(batch) = batch.filter(|_| n_errors == 0) else {
        return Err(rejected(format!(
            "import rejected: {n_errors} error(s) in {bad_files} of {} file(s); nothing was imported. Fix the lines named above and run the import again",
            files.len()
        )));
    };
    batch.commit().await.context("import failed; nothing was imported")?;
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut counts = [0usize; 3];
    for (outcome, source) in &outcomes {
        counts[outcome.action as usize] += 1;
        if json {
            let line = serde_json::json!({
                "id": outcome.id.as_str(),
                "action": outcome.action.key(),
                "revision": outcome.revision,
                "source": source,
            });
            writeln!(stdout, "{line}")?;
        } else {
            writeln!(stdout, "{:<9} {}  ({source})", outcome.action.key(), outcome.id)?;
        }
    }
    stdout.flush()?;
    drop(stdout);
    eprintln!(
        "imported {} record(s) from {} file(s): {} created, {} updated, {} unchanged; {n_warnings} warning(s)",
        outcomes.len(),
        files.len(),
        counts[0],
        counts[1],
        counts[2]
    );
    crate::fault::point("import:stored");
    crate::search::follow(data, &store).await;
    store.close().await;
    Ok(())
}

/// Collects files: a file as given; a folder's importable files, recursively, sorted, skipping
/// hidden ones.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| rejected(format!("cannot read {}: {e}", path.display())))?;
    if !metadata.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot list {}", path.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot list {}", path.display()))?;
    entries.sort();
    for entry in entries {
        let hidden = entry.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            collect(&entry, files)?;
        } else if entry
            .extension()
            .is_some_and(|e| IMPORT_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            files.push(entry);
        }
    }
    Ok(())
}

fn record_id(text: &str) -> Result<RecordId> {
    let text = text.trim();
    let id = if text.starts_with("http://") || text.starts_with("https://") {
        RecordId::from_permalink(text)
            .ok_or_else(|| format!("`{text}` is not a permalink we can map to a record id"))
    } else {
        RecordId::parse(text).map_err(|e| format!("`{text}` is not a record id: {e}"))
    };
    id.map_err(|message| Failure { code: EXIT_USAGE, message }.into())
}

async fn find(store: &Store, id: &RecordId) -> Result<chancery_store::StoredRecord> {
    store
        .get(id)
        .await?
        .ok_or_else(|| rejected(format!("no record `{id}`; `chancery list` shows the ids")))
}

async fn show(data: &Path, id: &str, format: ShowFormat) -> Result<()> {
    let id = record_id(id)?;
    let store = open(data).await?;
    let stored = find(&store, &id).await?;
    let mut stdout = std::io::stdout().lock();
    let citation = match format {
        ShowFormat::Text => {
            stdout.write_all(chancery_ingest::text::write(&stored.record).as_bytes())?;
            None
        }
        ShowFormat::Json => {
            writeln!(stdout, "{}", chancery_ingest::json::write(&stored.record))?;
            None
        }
        ShowFormat::Source => {
            let sha256 =
                stored.record.provenance.as_ref().map(|p| p.sha256.clone()).unwrap_or_default();
            let bytes = store
                .source(&sha256)
                .await?
                .ok_or_else(|| rejected(format!("the source file of `{id}` is not stored")))?;
            stdout.write_all(&bytes)?;
            None
        }
        ShowFormat::Chicago => Some(chancery_cite::Format::Chicago),
        ShowFormat::ChicagoBibliography => Some(chancery_cite::Format::ChicagoBibliography),
        ShowFormat::Mla => Some(chancery_cite::Format::Mla),
        ShowFormat::Apa => Some(chancery_cite::Format::Apa),
        ShowFormat::Bibtex => Some(chancery_cite::Format::Bibtex),
        ShowFormat::Ris => Some(chancery_cite::Format::Ris),
        ShowFormat::CslJson => Some(chancery_cite::Format::CslJson),
    };
    if let Some(format) = citation {
        let text = chancery_cite::cite(&stored.record, format, accessed_today())?;
        // BibTeX and RIS end with their own line break; the styles and CSL-JSON get one.
        if text.ends_with('\n') {
            write!(stdout, "{text}")?;
        } else {
            writeln!(stdout, "{text}")?;
        }
    }
    store.close().await;
    Ok(())
}

/// Today, as the access date of a citation.
fn accessed_today() -> chancery_cite::Day {
    let today = OffsetDateTime::now_utc().date();
    chancery_cite::Day { year: today.year(), month: u8::from(today.month()), day: today.day() }
}

async fn list(data: &Path, json: bool, limit: Option<u64>) -> Result<()> {
    let store = open(data).await?;
    let mut stdout = std::io::stdout().lock();
    let mut after: Option<RecordId> = None;
    let mut remaining = limit.unwrap_or(u64::MAX);
    while remaining > 0 {
        let page = store.summaries_after(after.as_ref(), remaining.min(1000) as u32).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        remaining -= page.len() as u64;
        for summary in &page {
            if json {
                let line = serde_json::json!({
                    "id": summary.id.as_str(),
                    "date": summary.date_printed,
                    "edtf": summary.date_edtf,
                    "title": summary.title,
                });
                writeln!(stdout, "{line}")?;
            } else {
                writeln!(stdout, "{}", summary_line(summary))?;
            }
        }
    }
    store.close().await;
    Ok(())
}

/// A record as one line of a listing: id, EDTF date, title, tab-separated.
fn summary_line(summary: &chancery_store::Summary) -> String {
    format!(
        "{}\t{}\t{}",
        summary.id,
        summary.date_edtf.as_deref().unwrap_or("undated"),
        summary.title
    )
}

async fn export(
    data: &Path,
    format: ExportFormat,
    base_url: &str,
    out: Option<&Path>,
) -> Result<()> {
    let store = open(data).await?;
    let mut writer: Box<dyn Write> = match out {
        Some(out) => {
            let partial = partial_path(out);
            let file = std::fs::File::create(&partial)
                .with_context(|| format!("cannot write {}", partial.display()))?;
            Box::new(std::io::BufWriter::new(file))
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let base_url = base_url.trim_end_matches('/');
    let cmif = chancery_cite::cmif::Cmif::new(chancery_cite::cmif::CmifHeader {
        title: "Chancery: correspondence metadata".into(),
        editor: "Chancery".into(),
        editor_email: "archivist@example.org".into(),
        publisher: "Chancery".into(),
        url: format!("{base_url}/api/v1/cmif"),
        date: OffsetDateTime::now_utc().date().to_string(),
        base_url: base_url.to_string(),
    });
    if let ExportFormat::Cmif = format {
        write!(writer, "{}", cmif.header())?;
    }
    let mut after: Option<RecordId> = None;
    let mut n_records = 0;
    loop {
        let page = store.records_after(after.as_ref(), 500).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.record.id.clone());
        for stored in &page {
            match format {
                ExportFormat::Jsonl => {
                    writeln!(writer, "{}", chancery_ingest::json::write_line(&stored.record))?;
                    n_records += 1;
                }
                ExportFormat::Cmif => {
                    if let Some(letter) = cmif.letter(&stored.record) {
                        write!(writer, "{letter}")?;
                        n_records += 1;
                    }
                }
            }
        }
    }
    if let ExportFormat::Cmif = format {
        write!(writer, "{}", cmif.footer())?;
    }
    writer.flush()?;
    drop(writer);
    if let Some(out) = out {
        std::fs::rename(partial_path(out), out)
            .with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!("exported {n_records} record(s) to {}", out.display());
    }
    store.close().await;
    Ok(())
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

async fn history(data: &Path, id: &str) -> Result<()> {
    let id = record_id(id)?;
    let store = open(data).await?;
    let current = find(&store, &id).await?;
    let mut stdout = std::io::stdout().lock();
    for revision in store.revisions(&id).await? {
        let source = revision.record.provenance.as_ref().map_or("", |p| p.source_path.as_str());
        writeln!(
            stdout,
            "revision {}\tsuperseded {}\t{source}",
            revision.revision, revision.superseded_at
        )?;
    }
    let source = current.record.provenance.as_ref().map_or("", |p| p.source_path.as_str());
    writeln!(
        stdout,
        "revision {}\tcurrent since {}\t{source}",
        current.revision, current.updated_at
    )?;
    store.close().await;
    Ok(())
}

async fn delete(data: &Path, id: &str) -> Result<()> {
    let id = record_id(id)?;
    let store = open(data).await?;
    if !store.delete(&id, OffsetDateTime::now_utc()).await? {
        return Err(rejected(format!("no record `{id}` to delete")));
    }
    eprintln!("deleted {id}; its id stays reserved and its revisions are kept");
    crate::search::follow(data, &store).await;
    store.close().await;
    Ok(())
}

async fn authority(data: &Path, key: &str) -> Result<()> {
    let store = open(data).await?;
    let Some(entry) = store.authority(key).await? else {
        return Err(rejected(format!(
            "no authority entry `{key}`; keys look like frus1955-57v26#p_TMJB1"
        )));
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}  ({}, {})", entry.name, entry.kind.key(), entry.key)?;
    if !entry.description.is_empty() {
        writeln!(stdout, "{}", entry.description)?;
    }
    let records = store.records_mentioning(key, 10_000).await?;
    writeln!(stdout, "\n{} record(s):", records.len())?;
    for summary in records {
        writeln!(stdout, "{}", summary_line(&summary))?;
    }
    store.close().await;
    Ok(())
}

async fn collections(data: &Path, id: Option<&str>) -> Result<()> {
    let store = open(data).await?;
    let mut stdout = std::io::stdout().lock();
    if let Some(id) = id {
        let Some(collection) = store.collection(id).await? else {
            return Err(rejected(format!(
                "no collection `{id}`; `chancery collections` lists them"
            )));
        };
        writeln!(stdout, "{} ({}, {})", collection.title, collection.kind, collection.id)?;
        if !collection.editors.is_empty() {
            writeln!(stdout, "edited by {}", collection.editors.join(", "))?;
        }
        if let Some(year) = &collection.published {
            writeln!(stdout, "published {year}")?;
        }
    }
    for part in store.collection_parts(id).await? {
        writeln!(stdout, "{}\t{}\t{}", part.id, part.kind, part.title)?;
    }
    store.close().await;
    Ok(())
}
