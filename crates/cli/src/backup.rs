//! Backups: a consistent copy of the database with a checksum manifest, made while the archive
//! serves and imports; and bringing one back.
//!
//! A backup folder holds the database (`chancery.sqlite3`, SQLite's `VACUUM INTO` of one read
//! transaction: every import batch whole or not at all), `backup.json` (what it is: the format,
//! when it was made, by which Chancery, how many records, the last change) and
//! `manifest-sha256.txt` (`<sha256>  <file>` for each of them, as BagIt and `sha256sum` write
//! it). It is written into `DIR.partial` and renamed to `DIR` when complete and synced, so a
//! folder named `DIR` is always a whole backup. The search index is derived data: it is not
//! copied, and `restore` rebuilds it from the database.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use chancery_model::id::hex;
use chancery_store::{DATABASE_FILE, Store};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::data::{open_store, open_store_for_reading, rejected};

/// The manifest's file name.
const MANIFEST: &str = "manifest-sha256.txt";
/// The description's file name.
const DESCRIPTION: &str = "backup.json";
/// What `backup.json` says a backup of this layout is.
const FORMAT: &str = "chancery-backup/1";
/// The largest manifest and description `restore` reads (a backup has two short files of them).
const MAX_MANIFEST_BYTES: u64 = 64 * 1024;

/// `chancery backup DIR`.
pub(crate) async fn backup(data: &Path, dir: &Path) -> Result<()> {
    crate::data::embedded_only(
        data,
        "backup",
        "back PostgreSQL up with its own tools (pg_basebackup with WAL archiving, pg_dump; see \
         docs/deploy.md), or copy the store into a data folder with `chancery migrate --from URL \
         --to DIR`",
    )?;
    if !data.join(DATABASE_FILE).is_file() {
        return Err(rejected(format!("there is no store in {} to back up", data.display())));
    }
    if dir.exists() && !is_empty_dir(dir)? {
        return Err(rejected(format!(
            "{} exists and is not empty: back up into a new folder",
            dir.display()
        )));
    }
    let started = Instant::now();
    let partial = partial_path(dir);
    if partial.exists() {
        // What a killed backup left: never a backup, since it was never renamed.
        fs::remove_dir_all(&partial)
            .with_context(|| format!("cannot remove {}", partial.display()))?;
    }
    fs::create_dir_all(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let copy_dir = crate::data::ocfl_root(data);
    // Held until the copy is copied: no catch-up writes it meanwhile, and none has preserved a
    // change the snapshot taken next lacks.
    let copy_lock =
        if copy_dir.exists() { Some(chancery_preserve::lock(&copy_dir)?) } else { None };
    let store = open_store_for_reading(data).await?;
    store.backup_into(&partial.join(DATABASE_FILE)).await?;
    store.close().await;
    let preserved = match copy_lock {
        Some(_held) => {
            let copied = partial.join(chancery_preserve::ROOT_DIR);
            copy_tree(&copy_dir, &copied)?;
            let position = chancery_preserve::position_file(&copy_dir);
            if position.exists() {
                fs::copy(&position, chancery_preserve::position_file(&copied))
                    .with_context(|| format!("cannot copy {}", position.display()))?;
            }
            chancery_preserve::sync_file_system(&partial)?;
            Some(chancery_preserve::position(&copy_dir)?)
        }
        None => None,
    };
    // What the copy holds, read from the copy.
    let copy = Store::open_read_only(&partial).await?;
    let (records, last_change) = (copy.count().await?, copy.last_change().await?);
    copy.close().await;
    for leftover in ["-wal", "-shm"] {
        let file = partial.join(format!("{DATABASE_FILE}{leftover}"));
        if file.exists() {
            fs::remove_file(&file).with_context(|| format!("cannot remove {}", file.display()))?;
        }
    }
    let made = OffsetDateTime::now_utc().format(&Rfc3339).context("formatting the time")?;
    let description = json!({
        "format": FORMAT,
        "made": made,
        "chancery": env!("CARGO_PKG_VERSION"),
        "database": DATABASE_FILE,
        "records": records,
        "last_change": last_change,
        "preservation_copy": preserved.map(|p| json!({
            "folder": chancery_preserve::ROOT_DIR,
            "last_change": p.change,
        })),
    });
    let description = format!("{}\n", serde_json::to_string_pretty(&description)?);
    write_synced(&partial.join(DESCRIPTION), description.as_bytes())?;
    let mut manifest = String::new();
    for name in [DATABASE_FILE, DESCRIPTION] {
        manifest.push_str(&format!("{}  {name}\n", sha256_of(&partial.join(name))?));
    }
    write_synced(&partial.join(MANIFEST), manifest.as_bytes())?;
    File::open(partial.join(DATABASE_FILE))?.sync_all()?;
    sync_dir(&partial)?;
    if dir.exists() {
        fs::remove_dir(dir).with_context(|| format!("cannot replace {}", dir.display()))?;
    }
    fs::rename(&partial, dir)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), dir.display()))?;
    if let Some(parent) = dir.parent() {
        sync_dir(if parent.as_os_str().is_empty() { Path::new(".") } else { parent })?;
    }
    println!(
        "backed up {records} record(s), up to change {last_change}, into {} in {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `chancery restore DIR`.
pub(crate) async fn restore(data: &Path, dir: &Path) -> Result<()> {
    crate::data::embedded_only(
        data,
        "restore",
        "restore the backup without --database, then move it into PostgreSQL with `chancery \
         migrate --from DIR --to URL`",
    )?;
    if !dir.join(MANIFEST).is_file() {
        return Err(rejected(format!(
            "{} is not a Chancery backup: it has no {MANIFEST}",
            dir.display()
        )));
    }
    let manifest = read_small(&dir.join(MANIFEST))?;
    let mut listed = Vec::new();
    for (n, line) in manifest.lines().enumerate() {
        let Some((expected, name)) = line.split_once("  ") else {
            return Err(rejected(format!(
                "{}, line {}: expected `<sha256>  <file>`",
                dir.join(MANIFEST).display(),
                n + 1
            )));
        };
        if name.contains(['/', '\\']) || name == ".." || name == "." {
            return Err(rejected(format!(
                "{}, line {}: `{name}` is not a file of the backup folder",
                dir.join(MANIFEST).display(),
                n + 1
            )));
        }
        listed.push((expected.to_ascii_lowercase(), name.to_string()));
    }
    for required in [DATABASE_FILE, DESCRIPTION] {
        if !listed.iter().any(|(_, name)| name == required) {
            return Err(rejected(format!(
                "the backup in {} is incomplete: its manifest does not list {required}; nothing was restored",
                dir.display()
            )));
        }
    }
    for (expected, name) in &listed {
        let found = sha256_of(&dir.join(name)).map_err(|error| {
            rejected(format!(
                "the backup in {} is damaged: {name} cannot be read ({error}); nothing was restored",
                dir.display()
            ))
        })?;
        if &found != expected {
            return Err(rejected(format!(
                "the backup in {} is damaged: {name} does not match its checksum (manifest {expected}, file {found}); nothing was restored",
                dir.display()
            )));
        }
    }
    let description: serde_json::Value = serde_json::from_str(&read_small(&dir.join(DESCRIPTION))?)
        .with_context(|| format!("{} is not JSON", dir.join(DESCRIPTION).display()))?;
    if description["format"] != FORMAT {
        return Err(rejected(format!(
            "{} says format {}, and this Chancery restores {FORMAT}",
            dir.join(DESCRIPTION).display(),
            description["format"]
        )));
    }
    let target = data.join(DATABASE_FILE);
    if target.exists() {
        return Err(rejected(format!(
            "{} already holds a store: restore into a new data folder, or move this one away first",
            data.display()
        )));
    }
    let copy_target = crate::data::ocfl_root(data);
    if copy_target.exists() {
        return Err(rejected(format!(
            "{} is a preservation copy already: restore where there is none, or move it away first (if it is newer than the backup, `chancery rebuild --from-ocfl` brings the archive back from it instead)",
            copy_target.display()
        )));
    }
    let backed_up_copy = dir.join(chancery_preserve::ROOT_DIR);
    if backed_up_copy.exists() {
        let root = chancery_preserve::Root::open(&backed_up_copy).map_err(|e| {
            rejected(format!(
                "the backup in {} is damaged: {e}; nothing was restored",
                dir.display()
            ))
        })?;
        let report = chancery_preserve::fixity(&root, &mut |_, _| {})?;
        if let Some(failure) = report.failures.first() {
            return Err(rejected(format!(
                "the backup in {} is damaged: {} file(s) of its preservation copy fail their fixity check, the first in {}: {}; nothing was restored",
                dir.display(),
                report.failures.len(),
                failure.object,
                failure.message
            )));
        }
    }
    fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
    let placing = data.join(format!("{DATABASE_FILE}.restoring"));
    fs::copy(dir.join(DATABASE_FILE), &placing)
        .with_context(|| format!("cannot copy the database into {}", data.display()))?;
    File::open(&placing)?.sync_all()?;
    fs::rename(&placing, &target)?;
    sync_dir(data)?;
    let store = open_store(data).await?;
    let problems = store.integrity_problems().await?;
    let (records, last_change) = (store.count().await?, store.last_change().await?);
    store.close().await;
    if !problems.is_empty() {
        let damaged = data.join(format!("{DATABASE_FILE}.damaged"));
        fs::rename(&target, &damaged)?;
        return Err(rejected(format!(
            "the backed-up database fails SQLite's integrity check ({}); it was set aside as {}",
            problems.join("; "),
            damaged.display()
        )));
    }
    // The copy is put back once the database has passed its check.
    if backed_up_copy.exists() {
        let placing = copy_target.with_extension("restoring");
        if let Some(parent) = copy_target.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if placing.exists() {
            fs::remove_dir_all(&placing)
                .with_context(|| format!("cannot remove {}", placing.display()))?;
        }
        copy_tree(&backed_up_copy, &placing)?;
        chancery_preserve::sync_file_system(&placing)?;
        let position = chancery_preserve::position_file(&backed_up_copy);
        if position.exists() {
            fs::copy(&position, chancery_preserve::position_file(&copy_target))
                .with_context(|| format!("cannot copy {}", position.display()))?;
        }
        fs::rename(&placing, &copy_target)
            .with_context(|| format!("cannot rename {}", placing.display()))?;
    }
    crate::search::reindex(data).await?;
    let store = open_store(data).await?;
    crate::data::preserve(data, &store).await;
    store.close().await;
    println!(
        "restored {records} record(s), up to change {last_change}, from {} (made {}){}; the search index was rebuilt",
        dir.display(),
        description["made"].as_str().unwrap_or("at an unknown time"),
        if backed_up_copy.exists() { " with its preservation copy" } else { "" }
    );
    Ok(())
}

/// Copies a folder and everything in it (files and folders only; the preservation copy has
/// nothing else).
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", from.display()))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_tree(&source, &target)?;
        } else {
            fs::copy(&source, &target)
                .with_context(|| format!("cannot copy {}", source.display()))?;
        }
    }
    Ok(())
}

/// `DIR.partial`, beside `DIR`.
fn partial_path(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "backup".into());
    name.push(".partial");
    dir.with_file_name(name)
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    Ok(fs::read_dir(dir)
        .with_context(|| format!("{} exists and is not a readable folder", dir.display()))?
        .next()
        .is_none())
}

/// A file's SHA-256, in lowercase hex, read in blocks.
fn sha256_of(file: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut reader = File::open(file)?;
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut block)?;
        if n == 0 {
            break;
        }
        hasher.update(&block[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// A small text file of a backup, refused past [`MAX_MANIFEST_BYTES`].
fn read_small(file: &Path) -> Result<String> {
    let size = fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?.len();
    if size > MAX_MANIFEST_BYTES {
        return Err(rejected(format!(
            "{} is {size} bytes; a backup's manifest and description are at most {MAX_MANIFEST_BYTES}",
            file.display()
        )));
    }
    fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

fn write_synced(file: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = File::create(file).with_context(|| format!("cannot write {}", file.display()))?;
    out.write_all(bytes)?;
    out.sync_all()?;
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync the folder {}", dir.display()))
}
