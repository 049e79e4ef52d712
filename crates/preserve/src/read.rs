//! Reading the preservation copy back: every version of every object, in the order the store
//! made them, for rebuilding a store from the copy alone; and its fixity, every content file
//! hashed again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chancery_model::id::RecordId;
use chancery_store::Store;

use crate::follow::{
    DECISIONS_FILE, DECISIONS_OBJECT, DELETED_FILE, PreservedDecision, RECORD_FILE, SOURCE_FILE,
    SourceRef, change_in, change_of, record_object,
};
use crate::ocfl::{Inventory, Root};
use crate::{Error, Result};

/// The prefix of record objects' ids.
const RECORD_PREFIX: &str = "urn:chancery:record:";
/// The prefix of source objects' ids.
const SOURCE_PREFIX: &str = "urn:chancery:source:";

/// One version of a source object.
#[derive(Debug, Clone)]
pub struct SourceVersion {
    /// The path the source was first imported from.
    pub path: String,
    /// When the version was made (RFC 3339).
    pub created: String,
    dir: PathBuf,
    digest: String,
}

/// One version of a record object: one change of the store.
#[derive(Debug, Clone)]
pub struct RecordVersion {
    /// The change it preserves.
    pub change: i64,
    /// When the change was made (RFC 3339).
    pub created: String,
    /// Who made it, where the store recorded it (`web:alice`, `cli:archivist`).
    pub actor: Option<String>,
    /// Why, as they said.
    pub comment: Option<String>,
    dir: PathBuf,
    files: Vec<(String, String)>,
}

/// What a record version holds.
#[derive(Debug, Clone)]
pub struct PreservedRecord {
    /// The record in Chancery's JSON format.
    pub json: Vec<u8>,
    /// Where it came from, if it came from a source.
    pub source: Option<SourceRef>,
    /// Whether the change deleted it.
    pub deleted: bool,
}

/// Every version in a storage root: sources in the order they were made, records in change
/// order. Each object's inventory is checked against its sidecar; an object that is not
/// Chancery's, or a record version that does not say its change, is an error.
pub fn versions(root: &Root) -> Result<(Vec<SourceVersion>, Vec<RecordVersion>)> {
    let (mut sources, mut records) = (Vec::new(), Vec::new());
    for dir in root.object_dirs()? {
        let inventory = root.inventory_at(&dir)?;
        let in_order = inventory.versions_in_order();
        if let Some(path) = inventory.id.strip_prefix(SOURCE_PREFIX) {
            for (name, version) in in_order {
                let digest = version.state.keys().next().cloned().ok_or_else(|| {
                    Error::invalid(&dir, format!("source version {name} holds no file"))
                })?;
                sources.push(SourceVersion {
                    path: path.to_string(),
                    created: version.created.clone(),
                    dir: dir.clone(),
                    digest,
                });
            }
        } else if inventory.id.starts_with(RECORD_PREFIX) {
            for (name, version) in in_order {
                let change = version.message.as_deref().and_then(change_in).ok_or_else(|| {
                    Error::invalid(&dir, format!("record version {name} does not say its change"))
                })?;
                let files = version
                    .state
                    .iter()
                    .flat_map(|(digest, paths)| paths.iter().map(|p| (p.clone(), digest.clone())))
                    .collect();
                let actor = version
                    .user
                    .as_ref()
                    .filter(|u| {
                        u.address.as_deref().is_some_and(|a| a.starts_with("urn:chancery:actor:"))
                    })
                    .map(|u| u.name.clone());
                // `change N: kind, revision R: comment`
                let comment = version
                    .message
                    .as_deref()
                    .and_then(|m| m.splitn(3, ": ").nth(2))
                    .map(str::to_string);
                records.push(RecordVersion {
                    change,
                    created: version.created.clone(),
                    actor,
                    comment,
                    dir: dir.clone(),
                    files,
                });
            }
        } else if inventory.id != DECISIONS_OBJECT {
            return Err(Error::invalid(
                &dir,
                format!("object `{}` is not Chancery's", inventory.id),
            ));
        }
    }
    sources.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.path.cmp(&b.path)));
    records.sort_by_key(|version| version.change);
    Ok((sources, records))
}

/// The curators' decisions about persons as the copy's newest version of them holds them, in
/// the order taken (none if the copy has none).
pub fn decisions(root: &Root) -> Result<Vec<PreservedDecision>> {
    let Some(inventory) = root.head(DECISIONS_OBJECT)? else { return Ok(Vec::new()) };
    let dir = root.object_dir(DECISIONS_OBJECT);
    let digest =
        inventory.head_version().and_then(|v| Inventory::digest_of(v, DECISIONS_FILE)).ok_or_else(
            || Error::invalid(&dir, format!("its newest version has no {DECISIONS_FILE}")),
        )?;
    let bytes = root.content(&dir, &inventory, &digest)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::invalid(&dir, format!("{DECISIONS_FILE}: {e}")))
}

/// A source version's bytes, checked against their digest.
pub fn source_bytes(root: &Root, version: &SourceVersion) -> Result<Vec<u8>> {
    let inventory = root.inventory_at(&version.dir)?;
    root.content(&version.dir, &inventory, &version.digest)
}

/// What a record version holds, each file checked against its digest.
pub fn record_version(root: &Root, version: &RecordVersion) -> Result<PreservedRecord> {
    let inventory = root.inventory_at(&version.dir)?;
    let file = |name: &str| -> Result<Option<Vec<u8>>> {
        version
            .files
            .iter()
            .find(|(path, _)| path == name)
            .map(|(_, digest)| root.content(&version.dir, &inventory, digest))
            .transpose()
    };
    let json = file(RECORD_FILE)?.ok_or_else(|| {
        Error::invalid(&version.dir, format!("change {} has no {RECORD_FILE}", version.change))
    })?;
    let source = file(SOURCE_FILE)?
        .map(|bytes| {
            serde_json::from_slice::<SourceRef>(&bytes).map_err(|e| {
                Error::invalid(
                    &version.dir,
                    format!("{SOURCE_FILE} of change {}: {e}", version.change),
                )
            })
        })
        .transpose()?;
    Ok(PreservedRecord { json, source, deleted: file(DELETED_FILE)?.is_some() })
}

/// One file of the preservation copy that failed its fixity check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyFailure {
    /// The object's id (or its folder, where its inventory cannot be read).
    pub object: String,
    /// What failed.
    pub message: String,
}

/// What a fixity check of the preservation copy found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyFixity {
    /// Objects checked.
    pub objects: u64,
    /// Content files hashed.
    pub files: u64,
    /// Bytes hashed.
    pub bytes: u64,
    /// Every failure.
    pub failures: Vec<CopyFailure>,
}

/// Hashes every content file of every object again and checks every inventory against its
/// sidecar, calling `progress(done, total)` after each object.
pub fn fixity(root: &Root, progress: &mut dyn FnMut(u64, u64)) -> Result<CopyFixity> {
    let dirs = root.object_dirs()?;
    let total = dirs.len() as u64;
    let mut report = CopyFixity::default();
    for dir in dirs {
        report.objects += 1;
        match root.inventory_at(&dir) {
            Ok(inventory) => check_contents(root, &dir, &inventory, &mut report),
            Err(error) => report
                .failures
                .push(CopyFailure { object: relative(root, &dir), message: error.to_string() }),
        }
        progress(report.objects, total);
    }
    Ok(report)
}

fn check_contents(root: &Root, dir: &Path, inventory: &Inventory, report: &mut CopyFixity) {
    for digest in inventory.manifest.keys() {
        report.files += 1;
        match root.content(dir, inventory, digest) {
            Ok(bytes) => report.bytes += bytes.len() as u64,
            Err(error) => report
                .failures
                .push(CopyFailure { object: inventory.id.clone(), message: error.to_string() }),
        }
    }
}

fn relative(root: &Root, dir: &Path) -> String {
    dir.strip_prefix(root.dir()).unwrap_or(dir).display().to_string()
}

/// Where the preservation copy disagrees with the store, up to the change it has preserved: a
/// record whose object is missing, or whose newest version is not the record's newest change.
/// Returns the disagreements and how many records were compared.
pub async fn disagreements(
    store: &Store,
    root: &Root,
    preserved: i64,
) -> Result<(Vec<String>, u64)> {
    let mut newest: HashMap<RecordId, i64> = HashMap::new();
    let mut after = 0;
    loop {
        let changes = store.changes_after(after, 5000).await?;
        let Some(last) = changes.last() else { break };
        after = last.seq;
        for change in changes.into_iter().filter(|c| c.seq <= preserved) {
            newest.insert(change.record_id, change.seq);
        }
    }
    let mut ids: Vec<(RecordId, i64)> = newest.into_iter().collect();
    ids.sort();
    let mut found = Vec::new();
    for (id, seq) in &ids {
        match root.head(&record_object(id)) {
            Ok(Some(inventory)) => {
                let at = change_of(&inventory);
                if at != Some(*seq) {
                    found.push(format!(
                        "record `{id}`: its newest change is {seq}, the preservation copy's newest version preserves {}",
                        at.map_or_else(|| "no change".to_string(), |n| format!("change {n}"))
                    ));
                }
            }
            Ok(None) => {
                found.push(format!("record `{id}`: the preservation copy has no object for it"))
            }
            Err(error) => found.push(format!("record `{id}`: {error}")),
        }
    }
    Ok((found, ids.len() as u64))
}
