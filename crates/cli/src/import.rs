//! `chancery import`: files and folders in one all-or-nothing batch.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chancery_ingest::{Severity, Source};
use chancery_store::ImportPolicy;
use time::OffsetDateTime;

use crate::data::{follow, open_store, rejected, source_files};

const IMPORT_EXTENSIONS: &[&str] = &["txt", "md", "json", "jsonl", "xml"];
/// How many refused records an import lists before it only counts the rest.
const MAX_REFUSALS_SHOWN: usize = 20;

pub(crate) async fn import(
    data: &Path,
    paths: &[PathBuf],
    json: bool,
    policy: ImportPolicy,
) -> Result<()> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    let now = OffsetDateTime::now_utc();
    let store = open_store(data).await?;
    // One transaction for the whole command, fed one file at a time: memory holds one file's
    // records, and any error anywhere means nothing is written.
    let mut batch = Some(store.begin_import(now, policy).await?);
    let mut outcomes = Vec::new();
    let (mut n_errors, mut n_warnings, mut bad_files, mut n_persons) = (0, 0, 0, 0);
    let mut progress = crate::progress::Progress::new("importing");
    // Files are read and parsed on a thread of their own, so that parsing the next file overlaps
    // writing this one (PARSED_AHEAD).
    let (parsed_files, reader) = read_ahead(files.clone(), now);
    for (file_idx, read) in parsed_files.into_iter().enumerate() {
        let (shown, bytes, parsed) = match read? {
            Read::Parsed { shown, bytes, parsed } => (shown, bytes, parsed),
            Read::TooLarge { shown, size } => {
                eprintln!(
                    "{shown}: error: the file is {size} bytes; the limit is {} bytes (MAX_SOURCE_BYTES): split it into smaller files",
                    chancery_ingest::MAX_SOURCE_BYTES
                );
                (n_errors, bad_files, batch) = (n_errors + 1, bad_files + 1, None);
                continue;
            }
        };
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
        if let Some(tally) = &parsed.tally {
            progress.suspend(|| eprintln!("{shown}: {tally}"));
        }
        let Some(open_batch) = batch.as_mut() else { continue };
        let sources = source_files(&parsed, &shown, bytes);
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
        if !parsed.persons.is_empty() {
            open_batch
                .add_persons(&parsed.persons)
                .await
                .context("import failed; nothing was imported")?;
            n_persons += parsed.persons.len();
            progress.suspend(|| eprintln!("{shown}: {} person(s)", parsed.persons.len()));
        }
        if !parsed.events.is_empty() {
            let outcomes = open_batch
                .add_events(&parsed.events)
                .await
                .context("import failed; nothing was imported")?;
            let n = |o| outcomes.iter().filter(|x| **x == o).count();
            progress.suspend(|| {
                eprintln!(
                    "{shown}: {} event(s): {} new, {} changed, {} unchanged",
                    outcomes.len(),
                    n(chancery_store::EventOutcome::Created),
                    n(chancery_store::EventOutcome::Updated),
                    n(chancery_store::EventOutcome::Unchanged)
                )
            });
        }
        if !parsed.visits.is_empty() {
            open_batch
                .add_visits(&parsed.visits)
                .await
                .context("import failed; nothing was imported")?;
            progress.suspend(|| eprintln!("{shown}: {} visit(s) and trip(s)", parsed.visits.len()));
        }
        if let Some(offices) = &parsed.offices {
            open_batch.add_offices(offices).await.context("import failed; nothing was imported")?;
            progress.suspend(|| {
                eprintln!(
                    "{shown}: {} office holder(s), {} post(s) and title(s), {} appointment(s)",
                    offices.holders.len(),
                    offices.titles.len(),
                    offices.positions.len()
                )
            });
        }
        for outcome in added {
            outcomes.push((outcome, shown.clone()));
        }
        progress.update_files(file_idx as u64 + 1, files.len() as u64, outcomes.len() as u64);
    }
    // Every file was taken: the reader has ended (a panic there is an error here, not an abort).
    reader.join().map_err(|_| anyhow::anyhow!("the thread reading the files stopped"))?;
    progress.finish();
    let n_refused = batch.as_ref().map_or(0, |b| b.refusals().len());
    if let Some(batch) = &batch {
        for refusal in batch.refusals().iter().take(MAX_REFUSALS_SHOWN) {
            eprintln!("{refusal}");
        }
        if n_refused > MAX_REFUSALS_SHOWN {
            eprintln!("… and {} more refused record(s)", n_refused - MAX_REFUSALS_SHOWN);
        }
    }
    let Some(batch) = batch.filter(|_| n_errors == 0 && n_refused == 0) else {
        let mut reasons = Vec::new();
        if n_errors > 0 {
            reasons.push(format!("{n_errors} error(s) in {bad_files} of {} file(s)", files.len()));
        }
        if n_refused > 0 {
            reasons.push(format!(
                "{n_refused} stored record(s) would be replaced or brought back unasked"
            ));
        }
        let advice = if n_refused > 0 {
            "Fix what is named above (or give --replace or --undelete where that is meant)"
        } else {
            "Fix the lines named above"
        };
        return Err(rejected(format!(
            "import rejected: {}; nothing was imported. {advice} and run the import again",
            reasons.join(" and ")
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
    if n_persons > 0 {
        eprintln!("imported {n_persons} person(s)");
    }
    crate::fault::point("import:stored");
    follow(data, &store).await;
    store.close().await;
    Ok(())
}

/// How many read and parsed files may wait for the store beyond the one being handed over: with
/// none, the reader parses the next file while this one is stored and then waits, so memory holds
/// two files' records at most. (Queues of 1 and 2 were tried: no faster on the FRUS corpus.)
const PARSED_AHEAD: usize = 0;

/// A file as the reading thread hands it over.
enum Read {
    Parsed {
        shown: String,
        bytes: Vec<u8>,
        parsed: chancery_ingest::Parsed,
    },
    /// Over `MAX_SOURCE_BYTES`: not read.
    TooLarge {
        shown: String,
        size: u64,
    },
}

/// Reads and parses `files` in order on a thread of its own; the receiver yields them in the same
/// order, the next one parsed while the caller stores this one ([`PARSED_AHEAD`]). The thread
/// stops at the first file it cannot read (that error is the last item) or when the receiver is dropped.
fn read_ahead(
    files: Vec<PathBuf>,
    now: OffsetDateTime,
) -> (std::sync::mpsc::Receiver<Result<Read>>, std::thread::JoinHandle<()>) {
    let (sender, receiver) = std::sync::mpsc::sync_channel(PARSED_AHEAD);
    let reader = std::thread::spawn(move || {
        for path in files {
            let read = read_one(&path, now);
            let failed = read.is_err();
            if sender.send(read).is_err() || failed {
                return;
            }
        }
    });
    (receiver, reader)
}

fn read_one(path: &Path, now: OffsetDateTime) -> Result<Read> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path).with_context(|| format!("cannot read {shown}"))?.len();
    if size > chancery_ingest::MAX_SOURCE_BYTES as u64 {
        return Ok(Read::TooLarge { shown, size });
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    let parsed = chancery_ingest::parse(&Source { path: &shown, bytes: &bytes, imported_at: now });
    Ok(Read::Parsed { shown, bytes, parsed })
}

/// Collects files: a file as given; a bag's records files, once the bag is checked; a folder's
/// importable files, recursively, sorted, skipping hidden ones.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| rejected(format!("cannot read {}: {e}", path.display())))?;
    if !metadata.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    if crate::bagit::is_bag(path) {
        // A bag is checked whole first; its records are imported, its sources' bytes are theirs.
        files.extend(crate::bagit::checked_records(path)?);
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
