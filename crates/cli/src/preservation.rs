//! The preservation copy on the command line: `chancery rebuild --from-ocfl`, and the copy's
//! part of `check` and `fixity`.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use chancery_ingest::Source;
use chancery_preserve::{Root, SourceRef};
use chancery_store::{DATABASE_FILE, ImportPolicy, Store};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::data::{follow, open_store, rejected, source_files};
use crate::progress::Progress;

/// `chancery rebuild --from-ocfl ROOT`: a new store in the data folder from a preservation copy
/// alone. Every source version is kept again (with the persons, offices, authorities and
/// collections it defines), then every record version is replayed in change order at the time
/// it was made, so that the store's revisions, tombstones and change sequence are the copy's;
/// last, the curators' decisions about persons, in the order taken.
pub(crate) async fn rebuild(data: &Path, from: &Path) -> Result<()> {
    crate::data::embedded_only(
        data,
        "rebuild",
        "rebuild without --database, into a data folder, then move the store into PostgreSQL \
         with `chancery migrate --from DIR --to URL`",
    )?;
    if data.join(DATABASE_FILE).exists() {
        return Err(rejected(format!(
            "{} holds a store already: rebuild into an empty data folder (or move the store away first)",
            data.display()
        )));
    }
    let started = Instant::now();
    let root = Root::open(from).map_err(|e| rejected(e.to_string()))?;
    let (sources, records) = chancery_preserve::versions(&root)
        .map_err(|e| rejected(format!("{e}; nothing was rebuilt")))?;
    // The store is built beside the data folder and moved into it when whole: a rebuild that
    // fails or is killed leaves no store that could be taken for the archive.
    let building = data.with_extension("rebuilding");
    if building.exists() {
        std::fs::remove_dir_all(&building)
            .with_context(|| format!("cannot remove {}", building.display()))?;
    }
    let store = open_store(&building).await?;
    let result = replay(&store, &root, &sources, &records).await;
    store.close().await;
    if let Err(error) = result {
        let _ = std::fs::remove_dir_all(&building);
        return Err(error.context("the rebuild failed; nothing was written"));
    }
    // Closing the last connection checkpoints the WAL into the database file and removes it;
    // a WAL left behind would hold changes the moved file lacks.
    if building.join(format!("{DATABASE_FILE}-wal")).exists() {
        return Err(rejected(format!(
            "the rebuilt store in {} was not checkpointed when it closed; it was left there",
            building.display()
        )));
    }
    std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
    std::fs::rename(building.join(DATABASE_FILE), data.join(DATABASE_FILE))
        .with_context(|| format!("cannot move the rebuilt store into {}", data.display()))?;
    std::fs::remove_dir_all(&building)
        .with_context(|| format!("cannot remove {}", building.display()))?;
    let store = open_store(data).await?;
    let count = store.count().await?;
    follow(data, &store).await;
    store.close().await;
    println!(
        "rebuilt {count} current record(s) from {} source version(s) and {} record version(s) in {:.1} s",
        sources.len(),
        records.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn replay(
    store: &Store,
    root: &Root,
    sources: &[chancery_preserve::SourceVersion],
    records: &[chancery_preserve::RecordVersion],
) -> Result<()> {
    let mut progress = Progress::counting("rebuilding", "versions");
    let total = (sources.len() + records.len()) as u64;
    let mut done = 0;
    for version in sources {
        let bytes = chancery_preserve::source_bytes(root, version)?;
        let at = parse_time(&version.created)?;
        let parsed =
            chancery_ingest::parse(&Source { path: &version.path, bytes: &bytes, imported_at: at });
        let kept = source_files(&parsed, &version.path, bytes);
        let mut batch = store.begin_import(at, ImportPolicy::default()).await?;
        batch.replaying(None, None);
        batch.add(&[], &kept).await?;
        batch.add_entities(&parsed.authorities, &parsed.collections).await?;
        if !parsed.persons.is_empty() {
            batch.add_persons(&parsed.persons).await?;
        }
        if let Some(offices) = &parsed.offices {
            batch.add_offices(offices).await?;
        }
        if !parsed.events.is_empty() {
            batch.add_events(&parsed.events).await?;
        }
        if !parsed.visits.is_empty() {
            batch.add_visits(&parsed.visits).await?;
        }
        batch.commit().await?;
        done += 1;
        progress.update(done, total);
    }
    let policy = ImportPolicy { replace: true, undelete: true };
    for version in records {
        let preserved = chancery_preserve::record_version(root, version)?;
        let at = parse_time(&version.created)?;
        let parsed = chancery_ingest::json::parse(&Source {
            path: chancery_preserve::RECORD_FILE,
            bytes: &preserved.json,
            imported_at: at,
        });
        let mut record = match (parsed.has_errors(), parsed.records.into_iter().next()) {
            (false, Some(record)) => record,
            _ => {
                return Err(rejected(format!(
                    "change {}: its {} is not a record Chancery reads",
                    version.change,
                    chancery_preserve::RECORD_FILE
                )));
            }
        };
        record.provenance = preserved.source.as_ref().map(provenance).transpose()?;
        // Each change comes back with who made it and why, as the copy keeps them; the audit log
        // says it was replayed.
        if preserved.deleted {
            store
                .replay_delete(&record.id, at, version.actor.as_deref(), version.comment.as_deref())
                .await?;
        } else {
            let mut batch = store.begin_import(at, policy).await?;
            batch.replaying(version.actor.clone(), version.comment.clone());
            batch.add(std::slice::from_ref(&record), &[]).await?;
            batch.commit().await?;
        }
        // The copy's versions are numbered by the store's changes; a replay that numbered them
        // otherwise would leave a copy that the next catch-up misreads.
        let last = store.last_change().await?;
        if last != version.change {
            return Err(rejected(format!(
                "replaying change {} of record `{}` made change {last}: the copy's change sequence has a gap or a change the replay does not reproduce",
                version.change, record.id
            )));
        }
        done += 1;
        progress.update(done, total);
    }
    progress.finish();
    // The curators' decisions about persons, in the order taken, each at its own time.
    for decision in chancery_preserve::decisions(root)? {
        replay_decision(store, &decision).await.with_context(|| {
            format!(
                "the {} decision of {} ({} -> {}) does not apply to the rebuilt persons",
                decision.kind, decision.decided_at, decision.subject, decision.target
            )
        })?;
    }
    Ok(())
}

async fn replay_decision(
    store: &Store,
    decision: &chancery_preserve::PreservedDecision,
) -> Result<()> {
    let at = parse_time(&decision.decided_at)?;
    let person = |id: &str| chancery_model::person::PersonId::parse(id).map_err(rejected);
    let reason = &decision.reason;
    match decision.kind.as_str() {
        "merge" => {
            store
                .merge_persons(&person(&decision.subject)?, &person(&decision.target)?, reason, at)
                .await?
        }
        "assign" => {
            store.assign_entry(&decision.subject, &person(&decision.target)?, reason, at).await?
        }
        "split" => {
            let name = decision.name.as_deref().unwrap_or_default();
            store
                .split_person(
                    &person(&decision.subject)?,
                    &decision.entries,
                    &person(&decision.target)?,
                    name,
                    reason,
                    at,
                )
                .await?
        }
        other => return Err(rejected(format!("`{other}` is not a kind of decision"))),
    }
    Ok(())
}

fn provenance(source: &SourceRef) -> Result<chancery_model::record::Provenance> {
    Ok(chancery_model::record::Provenance {
        source_path: source.path.clone(),
        sha256: source.sha256.clone(),
        format: source.format.clone(),
        imported_at: parse_time(&source.imported_at)?,
    })
}

fn parse_time(text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .with_context(|| format!("`{text}` is not an RFC 3339 time"))
}

/// Where the preservation copy disagrees with the store (after catching it up, when the store
/// is writable), and a line saying what was compared.
pub(crate) async fn copy_problems(data: &Path, store: &Store) -> Result<(Vec<String>, String)> {
    let mut problems = Vec::new();
    if !crate::data::keeps_preservation_copy() {
        return Ok((problems, "no preservation copy is kept here (--no-preservation-copy)".into()));
    }
    if !store.is_read_only()
        && let Err(error) = chancery_preserve::catch_up(store, &crate::data::ocfl_root(data)).await
    {
        problems.push(format!("the preservation copy cannot be caught up: {error}"));
    }
    let last = store.last_change().await?;
    let dir = crate::data::ocfl_root(data);
    if !dir.exists() {
        if last > 0 {
            problems.push(format!("there is no preservation copy in {}", dir.display()));
        }
        return Ok((problems, "there is no preservation copy and nothing to preserve".into()));
    }
    let root = Root::open(&dir)?;
    let position = chancery_preserve::position(&dir)?;
    if position.change < last {
        problems.push(format!(
            "the preservation copy is {} change(s) behind the store",
            last - position.change
        ));
    }
    let (found, compared) = chancery_preserve::disagreements(store, &root, position.change).await?;
    problems.extend(found);
    Ok((problems, format!("the preservation copy agrees with the store: {compared} record(s)")))
}
