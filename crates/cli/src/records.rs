//! The record commands: show, list, export, history (with showing and reverting a revision) and
//! delete.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chancery_model::id::RecordId;
use chancery_store::Store;
use time::OffsetDateTime;

use crate::args::{ExportFormat, HistoryFormat, ShowFormat};
use crate::data::{follow, open_store, open_store_for_reading, record_id, rejected};

async fn find(store: &Store, id: &RecordId) -> Result<chancery_store::StoredRecord> {
    store
        .get(id)
        .await?
        .ok_or_else(|| rejected(format!("no record `{id}`; `chancery list` shows the ids")))
}

pub(crate) async fn show(data: &Path, id: &str, format: ShowFormat) -> Result<()> {
    let id = record_id(id)?;
    let store = open_store_for_reading(data).await?;
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

pub(crate) async fn list(data: &Path, json: bool, limit: Option<u64>) -> Result<()> {
    let store = open_store_for_reading(data).await?;
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
pub(crate) fn summary_line(summary: &chancery_store::Summary) -> String {
    format!(
        "{}\t{}\t{}",
        summary.id,
        summary.date_edtf.as_deref().unwrap_or("undated"),
        summary.title
    )
}

pub(crate) async fn export(
    data: &Path,
    format: ExportFormat,
    base_url: &str,
    out: Option<&Path>,
) -> Result<()> {
    let store = open_store_for_reading(data).await?;
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
    let events_only = matches!(format, ExportFormat::Events);
    if events_only {
        let events: Vec<_> = store.events().await?.into_iter().map(|e| e.event).collect();
        write!(writer, "{}", chancery_ingest::events::write(&events))?;
        n_records = events.len();
    }
    loop {
        if events_only {
            break;
        }
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
                ExportFormat::Events => {}
                // Bags are folders, made by `bagit::export`.
                ExportFormat::Bagit => {
                    return Err(crate::data::usage("give the folder to make the bag in"));
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
        let what = if events_only { "event" } else { "record" };
        eprintln!("exported {n_records} {what}(s) to {}", out.display());
    }
    store.close().await;
    Ok(())
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

/// What `history` was asked to do beyond listing.
pub(crate) struct HistoryOptions {
    pub(crate) show: Option<i64>,
    pub(crate) revert: Option<i64>,
    pub(crate) format: HistoryFormat,
    pub(crate) comment: Option<String>,
}

/// Lists a record's revisions (a deleted record's too), prints one, or brings one back as a new
/// revision.
pub(crate) async fn history(data: &Path, id: &str, options: HistoryOptions) -> Result<()> {
    let id = record_id(id)?;
    if let Some(revision) = options.revert {
        let store = open_store(data).await?;
        let outcome = store
            .revert(&id, revision, OffsetDateTime::now_utc(), options.comment.as_deref())
            .await
            .map_err(|error| match error {
                chancery_store::Error::NotFound(message)
                | chancery_store::Error::Rejected(message) => rejected(message),
                other => anyhow::Error::new(other),
            })?;
        match outcome.action {
            chancery_store::Action::Unchanged => {
                eprintln!("{id} is at revision {revision} already: nothing changed")
            }
            _ => eprintln!(
                "{id}: revision {revision} is back, as revision {}; the one it replaced is kept",
                outcome.revision
            ),
        }
        follow(data, &store).await;
        store.close().await;
        return Ok(());
    }
    let store = open_store_for_reading(data).await?;
    let current = store
        .current_or_withdrawn(&id)
        .await?
        .ok_or_else(|| rejected(format!("no record `{id}`; `chancery list` shows the ids")))?;
    let mut stdout = std::io::stdout().lock();
    if let Some(revision) = options.show {
        let record = store.at_revision(&id, revision).await?.ok_or_else(|| {
            rejected(format!(
                "record `{id}` has no revision {revision}; `chancery history {id}` lists them"
            ))
        })?;
        match options.format {
            HistoryFormat::Text => {
                stdout.write_all(chancery_ingest::text::write(&record).as_bytes())?
            }
            HistoryFormat::Json => writeln!(stdout, "{}", chancery_ingest::json::write(&record))?,
        }
        store.close().await;
        return Ok(());
    }
    // Who made each revision, and why (changes since schema 8 say so).
    let changes = store.changes_of(&id).await?;
    let by = |revision: i64, deleted: bool| {
        changes
            .iter()
            .rev()
            .find(|c| {
                c.revision == revision && (c.kind == chancery_store::ChangeKind::Deleted) == deleted
            })
            .map(|c| {
                let actor = c.actor.as_deref().unwrap_or("-");
                match &c.comment {
                    Some(comment) => format!("\t{actor}\t{comment}"),
                    None => format!("\t{actor}"),
                }
            })
            .unwrap_or_default()
    };
    for revision in store.revisions(&id).await? {
        let source = revision.record.provenance.as_ref().map_or("", |p| p.source_path.as_str());
        writeln!(
            stdout,
            "revision {}\tsuperseded {}\t{source}{}",
            revision.revision,
            revision.superseded_at,
            by(revision.revision, false)
        )?;
    }
    let source = current.record.provenance.as_ref().map_or("", |p| p.source_path.as_str());
    match current.deleted_at {
        Some(deleted_at) => writeln!(
            stdout,
            "revision {}\tdeleted {deleted_at}\t{source}{}",
            current.revision,
            by(current.revision, true)
        )?,
        None => writeln!(
            stdout,
            "revision {}\tcurrent since {}\t{source}{}",
            current.revision,
            current.updated_at,
            by(current.revision, false)
        )?,
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn delete(data: &Path, id: &str, comment: Option<&str>) -> Result<()> {
    let id = record_id(id)?;
    let store = open_store(data).await?;
    let deleted =
        store.delete(&id, OffsetDateTime::now_utc(), comment).await.map_err(|e| match e {
            chancery_store::Error::Rejected(message) => rejected(message),
            other => anyhow::Error::new(other),
        })?;
    if !deleted {
        return Err(rejected(format!("no record `{id}` to delete")));
    }
    eprintln!("deleted {id}; its id stays reserved and its revisions are kept");
    follow(data, &store).await;
    store.close().await;
    Ok(())
}
