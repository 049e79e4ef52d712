//! Keeping the preservation copy in step with the store: every kept source file becomes a
//! version of its source object, every entry of the change sequence a version of its record's
//! object, in order, after the store has committed them.
//!
//! A catch-up runs under an exclusive lock on `ocfl.lock` beside the storage root (`ROOT.lock`
//! for a root elsewhere) and saves how far it got (`ocfl.position.json`: the last change and the
//! last source it preserved) beside it too, after making what it wrote durable: the copy's state
//! travels with the copy. It is idempotent: a version says which change it preserves (its message
//! begins `change N:`), so a catch-up killed before it saved its position skips, the next time,
//! what it had already written.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chancery_model::id::RecordId;
use chancery_model::record::Record;
use chancery_store::{Change, ChangeKind, SourceEntry, Store};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;

use crate::ocfl::{Inventory, Meta, Pending, Root, User, is_file_name, sha512};
use crate::{Error, Result};

/// The storage root's folder inside the data folder, unless it is put elsewhere.
pub const ROOT_DIR: &str = "ocfl";
/// How long a catch-up waits for another process's catch-up before leaving its changes to the
/// next command.
pub const LOCK_WAIT: Duration = Duration::from_secs(120);
/// How many changes (or sources) a catch-up reads at once, and preserves between two saves of
/// its position.
const PAGE: u32 = 500;
/// The most threads that write objects at once.
const WRITERS: usize = 4;
/// A record's version files.
pub const RECORD_FILE: &str = "record.json";
/// Where a record version's source is (its source object, file and digest) and how it was
/// imported.
pub const SOURCE_FILE: &str = "source.json";
/// Present in a version that preserves a deletion.
pub const DELETED_FILE: &str = "deleted.json";

/// How far the preservation copy follows the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The last change preserved.
    pub change: i64,
    /// The last kept source preserved (see `chancery_store::SourceEntry::seq`).
    pub source: i64,
}

/// What a catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaughtUp {
    /// Source object versions written.
    pub sources: u64,
    /// Record object versions written.
    pub versions: u64,
    /// Where the copy stands now.
    pub position: Position,
}

/// Where a record version's source is, as `source.json` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// The source object's id.
    pub object: String,
    /// The file in it.
    pub file: String,
    /// The path the record was imported from, as its provenance cites it.
    pub path: String,
    /// SHA-256 of the source's bytes.
    pub sha256: String,
    /// The source format (`text`, `json`, `tei`).
    pub format: String,
    /// When the record was imported (RFC 3339).
    pub imported_at: String,
}

/// The object holding the curators' decisions about persons, in the order taken.
pub const DECISIONS_OBJECT: &str = "urn:chancery:decisions:persons";
/// Its one file.
pub const DECISIONS_FILE: &str = "decisions.json";

/// A curator's decision about persons, as the decisions object holds it: the fields of
/// `chancery_store::Decision` but its number (the order of the list is the order taken).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreservedDecision {
    /// `merge`, `assign` or `split`.
    pub kind: String,
    /// What the decision is about (a person, or an entry for `assign`).
    pub subject: String,
    /// The person it goes to.
    pub target: String,
    /// A split's entries.
    pub entries: Vec<String>,
    /// A split's new name.
    pub name: Option<String>,
    /// The curator's reason.
    pub reason: String,
    /// RFC 3339.
    pub decided_at: String,
}

/// A record's object id.
pub fn record_object(id: &RecordId) -> String {
    format!("urn:chancery:record:{id}")
}

/// A source file's object id: by the path it was first imported from.
pub fn source_object(path: &str) -> String {
    format!("urn:chancery:source:{path}")
}

/// A source's file name in its object: the last part of its path (`source` if that is not a
/// plain file name).
pub fn source_file_name(path: &str) -> String {
    let name = chancery_ingest::json::file_name(path);
    if is_file_name(name) { name.to_string() } else { "source".to_string() }
}

/// The storage root of a data folder, where it is not put elsewhere.
pub fn root_dir(data: &Path) -> PathBuf {
    data.join(ROOT_DIR)
}

/// Where a storage root's position is kept: beside it (`ocfl.position.json` for `ocfl`).
pub fn position_file(root: &Path) -> PathBuf {
    root.with_extension("position.json")
}

/// The lock a catch-up holds: beside the root (`ocfl.lock` for `ocfl`).
fn lock_file(root: &Path) -> PathBuf {
    root.with_extension("lock")
}

/// The change a version preserves, from its message.
pub(crate) fn change_of(inventory: &Inventory) -> Option<i64> {
    inventory.head_version()?.message.as_deref().and_then(change_in)
}

/// `change 17: updated, revision 2` → 17.
pub(crate) fn change_in(message: &str) -> Option<i64> {
    message.strip_prefix("change ")?.split(':').next()?.parse().ok()
}

/// Where the preservation copy in `root` stands (nothing preserved: the default). A position
/// file that cannot be read as one counts as nothing preserved: a catch-up then reads every
/// change again and skips what the copy holds.
pub fn position(root: &Path) -> Result<Position> {
    let file = position_file(root);
    match fs::read(&file) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or_default()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Position::default()),
        Err(error) => Err(Error::io(&file, error)),
    }
}

/// Brings the preservation copy in `root_dir` up to the store: sources first (so that a record's
/// version names a source already preserved), then changes, in order.
pub async fn catch_up(store: &Store, root_dir: &Path) -> Result<CaughtUp> {
    let _lock = lock(root_dir)?;
    let root = Root::create_or_open(root_dir)?;
    root.clear_staging()?;
    let mut done = CaughtUp { position: position(root_dir)?, ..CaughtUp::default() };
    loop {
        let sources = store.sources_after(done.position.source, PAGE).await?;
        let Some(last) = sources.last() else { break };
        let last = last.seq;
        for source in &sources {
            done.sources += u64::from(preserve_source(store, &root, source).await?);
        }
        done.position.source = last;
        save(&root, done.position)?;
    }
    // Objects are written on several threads: the file system's metadata work (folders,
    // renames) is most of a catch-up's time, and it overlaps.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, WRITERS);
    loop {
        let changes = store.changes_after(done.position.change, PAGE).await?;
        let Some(last) = changes.last() else { break };
        let last = last.seq;
        let mut pending = Vec::new();
        for change in &changes {
            if let Some(version) = change_version(store, &root, change).await? {
                pending.push(version);
            }
        }
        done.versions += root.commit_all(pending, threads)?;
        done.position.change = last;
        save(&root, done.position)?;
    }
    if preserve_decisions(store, &root).await? {
        sync_file_system(root.dir())?;
    }
    Ok(done)
}

/// Adds a version to the decisions object when the curators' decisions about persons are not
/// what its newest version holds (a catch-up reads them all: they are few, and short).
async fn preserve_decisions(store: &Store, root: &Root) -> Result<bool> {
    let decisions: Vec<PreservedDecision> = store
        .person_decisions()
        .await?
        .into_iter()
        .map(|d| PreservedDecision {
            kind: d.kind,
            subject: d.subject,
            target: d.target,
            entries: d.entries,
            name: d.name,
            reason: d.reason,
            decided_at: d.decided_at,
        })
        .collect();
    let Some(last) = decisions.last() else { return Ok(false) };
    let json = json_file(&decisions);
    let digest = sha512(&json);
    if let Some(inventory) = root.recover(DECISIONS_OBJECT)?
        && inventory.head_version().and_then(|v| Inventory::digest_of(v, DECISIONS_FILE))
            == Some(digest)
    {
        return Ok(false);
    }
    let meta = Meta {
        created: last.decided_at.clone(),
        message: format!("decisions about persons: {}", decisions.len()),
        user: user(),
    };
    root.commit(DECISIONS_OBJECT, &[(DECISIONS_FILE.to_string(), json)], meta)?;
    Ok(true)
}

/// Takes the preservation copy's lock, waiting up to [`LOCK_WAIT`] for it; held until the file
/// is dropped. Nothing writes the copy meanwhile (a backup copies it so).
pub fn lock(root: &Path) -> Result<File> {
    let path = lock_file(root);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Busy { seconds: LOCK_WAIT.as_secs() });
            }
            Err(TryLockError::Error(error)) => return Err(Error::io(&path, error)),
        }
    }
}

/// Writes everything written to the file system holding `dir` to disk (`syncfs`): one call
/// instead of one per file of a copy.
pub fn sync_file_system(dir: &Path) -> Result<()> {
    let folder = File::open(dir).map_err(|e| Error::io(dir, e))?;
    rustix::fs::syncfs(&folder).map_err(|e| Error::io(dir, e.into()))
}

/// Makes everything written durable, then saves the position (by a rename, synced).
fn save(root: &Root, position: Position) -> Result<()> {
    sync_file_system(root.dir())?;
    let file = position_file(root.dir());
    let tmp = root.dir().with_extension("position.json.partial");
    let json = serde_json::to_vec(&position).expect("positions serialize");
    fs::write(&tmp, json).map_err(|e| Error::io(&tmp, e))?;
    File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, &file).map_err(|e| Error::io(&file, e))?;
    Ok(())
}

/// Adds a version to a source's object unless one of its versions holds these bytes already
/// (the store keeps each content once, so a content is never a source's version twice: a
/// catch-up killed after writing it and before saving its position skips it the next time).
async fn preserve_source(store: &Store, root: &Root, source: &SourceEntry) -> Result<bool> {
    let Some(bytes) = store.source(&source.sha256).await? else { return Ok(false) };
    let object = source_object(&source.path);
    let name = source_file_name(&source.path);
    let digest = sha512(&bytes);
    if let Some(inventory) = root.recover(&object)?
        && inventory.manifest.contains_key(&digest)
    {
        return Ok(false);
    }
    let meta = Meta {
        created: rfc3339(source.first_seen),
        message: format!("source {}: imported as {}", source.sha256, source.format),
        user: user(),
    };
    root.commit(&object, &[(name, bytes)], meta)?;
    Ok(true)
}

/// The version for one change of its record's object, unless the object has it already.
async fn change_version(store: &Store, root: &Root, change: &Change) -> Result<Option<Pending>> {
    let object = record_object(&change.record_id);
    if let Some(inventory) = root.recover(&object)?
        && change_of(&inventory).is_some_and(|seq| seq >= change.seq)
    {
        return Ok(None);
    }
    let record = store.at_revision(&change.record_id, change.revision).await?.ok_or_else(|| {
        chancery_store::Error::Corrupt {
            id: change.record_id.to_string(),
            message: format!(
                "change {} names revision {}, which is not stored",
                change.seq, change.revision
            ),
        }
    })?;
    let mut files = vec![(RECORD_FILE.to_string(), record_json(&record))];
    if let Some(provenance) = &record.provenance {
        // The source object is named by the path the bytes were first kept from.
        let kept = store.source_path(&provenance.sha256).await?;
        let path = kept.unwrap_or_else(|| provenance.source_path.clone());
        let reference = SourceRef {
            object: source_object(&path),
            file: source_file_name(&path),
            path: provenance.source_path.clone(),
            sha256: provenance.sha256.clone(),
            format: provenance.format.clone(),
            imported_at: rfc3339(provenance.imported_at),
        };
        files.push((SOURCE_FILE.to_string(), json_file(&reference)));
    }
    let kind = match change.kind {
        ChangeKind::Created => "created",
        ChangeKind::Updated => "updated",
        ChangeKind::Deleted => {
            let deleted = serde_json::json!({ "deleted_at": rfc3339(change.at) });
            files.push((DELETED_FILE.to_string(), json_file(&deleted)));
            "deleted"
        }
    };
    let meta = Meta {
        created: rfc3339(change.at),
        // The change number leads the message: it is how a version says which change it keeps.
        message: match &change.comment {
            Some(comment) => {
                format!("change {}: {kind}, revision {}: {comment}", change.seq, change.revision)
            }
            None => format!("change {}: {kind}, revision {}", change.seq, change.revision),
        },
        user: change.actor.as_deref().map_or_else(user, actor),
    };
    Ok(Some(Pending { id: object, files, meta }))
}

/// A record as its version holds it: Chancery's JSON format.
pub fn record_json(record: &Record) -> Vec<u8> {
    let mut json = chancery_ingest::json::write(record).into_bytes();
    json.push(b'\n');
    json
}

fn json_file<T: Serialize>(value: &T) -> Vec<u8> {
    let mut json = serde_json::to_vec_pretty(value).expect("plain values serialize");
    json.push(b'\n');
    json
}

/// Who made a change, as the store recorded it (`web:alice`, `api:alice`, `cli:archivist`).
fn actor(name: &str) -> User {
    User { name: name.to_string(), address: Some(format!("urn:chancery:actor:{name}")) }
}

/// Who makes versions the store has no actor for (changes before schema 8, sources and
/// decisions, written by the command line).
fn user() -> User {
    User {
        name: "Chancery command line".to_string(),
        address: Some("urn:chancery:command-line".to_string()),
    }
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).expect("UTC times format as RFC 3339")
}
