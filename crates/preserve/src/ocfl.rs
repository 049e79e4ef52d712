//! An OCFL 1.1 storage root on the local file system: objects found by the hashed n-tuple layout
//! with an id folder (extension 0003), versions added whole by one rename, and read back with their digests
//! checked.
//!
//! A version is written into a staging folder beside the root (same file system), complete with
//! its own copy of the inventory, and renamed into the object; the object's root inventory and
//! its sidecar are then replaced, each by a rename. A writer killed between those renames leaves
//! the object's newest version folder complete and its root inventory one version behind (or
//! its sidecar disagreeing): the next write to the object, and [`Root::recover`], copy the
//! newest version's inventory back to the root, which is exactly what the interrupted write was
//! doing.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chancery_model::id::hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};

use crate::{Error, Result};

/// The storage root's conformance declaration (a NAMASTE file) and its content.
const ROOT_DECLARATION: (&str, &str) = ("0=ocfl_1.1", "ocfl_1.1\n");
/// An object's conformance declaration and its content.
const OBJECT_DECLARATION: (&str, &str) = ("0=ocfl_object_1.1", "ocfl_object_1.1\n");
/// What an inventory says it is.
const INVENTORY_TYPE: &str = "https://ocfl.io/1.1/spec/#inventory";
/// The digest every inventory uses (OCFL's recommended one).
const DIGEST_ALGORITHM: &str = "sha512";
/// The storage layout: object roots at `abc/def/ghi/<the id, percent-encoded>` below the first
/// nine hex digits of the id's SHA-256.
const LAYOUT: &str = "0003-hash-and-id-n-tuple-storage-layout";
/// Extension 0003's longest id folder; a longer one is cut and the id's digest added.
const MAX_ID_FOLDER: usize = 100;
/// An inventory's file name; its sidecar adds `.sha512`.
const INVENTORY: &str = "inventory.json";
const SIDECAR: &str = "inventory.json.sha512";
/// The content folder inside each version (OCFL's default, so not named in inventories).
const CONTENT: &str = "content";
/// The largest inventory read (a record's object gains one short version per change; a
/// hundred thousand changes of one record stay under it).
pub const MAX_INVENTORY_BYTES: u64 = 64 * 1024 * 1024;

/// An object's inventory (OCFL 1.1 §3.5), as written and read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Inventory {
    /// The object's id.
    pub id: String,
    /// Always [`INVENTORY_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// Always `sha512`.
    #[serde(rename = "digestAlgorithm")]
    pub digest_algorithm: String,
    /// The newest version (`v3`).
    pub head: String,
    /// Each content file's path by its digest.
    pub manifest: BTreeMap<String, Vec<String>>,
    /// The versions by name.
    pub versions: BTreeMap<String, Version>,
    /// The same content files by SHA-256, the digest Chancery's store and provenance cite.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fixity: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// One version of an object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Version {
    /// When it was made (RFC 3339).
    pub created: String,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Who made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// Each logical file by its content's digest.
    pub state: BTreeMap<String, Vec<String>>,
}

/// A version's author.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct User {
    /// A name.
    pub name: String,
    /// A URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// What a new version says about itself.
#[derive(Debug, Clone)]
pub struct Meta {
    /// When (RFC 3339).
    pub created: String,
    /// What.
    pub message: String,
    /// Who.
    pub user: User,
}

impl Inventory {
    /// The versions, oldest first (`v2` before `v10`).
    pub fn versions_in_order(&self) -> Vec<(&str, &Version)> {
        let mut versions: Vec<(&str, &Version)> =
            self.versions.iter().map(|(name, v)| (name.as_str(), v)).collect();
        versions.sort_by_key(|(name, _)| version_number(name));
        versions
    }

    /// The newest version.
    pub fn head_version(&self) -> Option<&Version> {
        self.versions.get(&self.head)
    }

    /// The digest of logical file `path` in `version`.
    pub fn digest_of(version: &Version, path: &str) -> Option<String> {
        version
            .state
            .iter()
            .find(|(_, paths)| paths.iter().any(|p| p == path))
            .map(|(digest, _)| digest.clone())
    }

    /// The content path that holds `digest`.
    pub fn content_path(&self, digest: &str) -> Option<&str> {
        self.manifest.get(digest).and_then(|paths| paths.first()).map(String::as_str)
    }
}

/// `v12` → 12.
fn version_number(name: &str) -> Option<u64> {
    name.strip_prefix('v').and_then(|n| n.parse().ok()).filter(|n| *n > 0)
}

/// A SHA-512 digest, lowercase hex.
pub fn sha512(bytes: &[u8]) -> String {
    hex(&Sha512::digest(bytes))
}

/// Whether `name` can be a logical file name of ours: one path segment, no control characters.
pub(crate) fn is_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

/// A version to commit: its object, its files (logical name, bytes) and what it says.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The object's id.
    pub id: String,
    /// The version's whole state.
    pub files: Vec<(String, Vec<u8>)>,
    /// What it says about itself.
    pub meta: Meta,
}

/// An OCFL storage root.
#[derive(Debug)]
pub struct Root {
    dir: PathBuf,
    staging: PathBuf,
}

/// Names staging folders apart within one process.
static STAGED: AtomicU64 = AtomicU64::new(0);

impl Root {
    /// Opens the storage root in `dir`, creating it (declaration, layout and its configuration)
    /// where it is missing or was left half made. Versions are assembled in a folder beside it
    /// (`ocfl.staging` for `ocfl`): on the same file system, outside the root.
    pub fn create_or_open(dir: &Path) -> Result<Root> {
        let staging = &staging_dir(dir);
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let layout_config = dir.join("extensions").join(LAYOUT);
        fs::create_dir_all(&layout_config).map_err(|e| Error::io(&layout_config, e))?;
        let config = serde_json::json!({
            "extensionName": LAYOUT,
            "digestAlgorithm": "sha256",
            "tupleSize": 3,
            "numberOfTuples": 3,
        });
        write_if_missing(&layout_config.join("config.json"), &pretty(&config))?;
        let layout = serde_json::json!({
            "extension": LAYOUT,
            "description": "Hashed Truncated N-tuple Trees with Object ID Encapsulating Directory: the object's id, percent-encoded, under three folders of three hex digits of its SHA-256",
        });
        write_if_missing(&dir.join("ocfl_layout.json"), &pretty(&layout))?;
        // The declaration last: a root that has it is complete.
        write_if_missing(&dir.join(ROOT_DECLARATION.0), ROOT_DECLARATION.1.as_bytes())?;
        fs::create_dir_all(staging).map_err(|e| Error::io(staging, e))?;
        Ok(Root { dir: dir.to_path_buf(), staging: staging.to_path_buf() })
    }

    /// Opens an existing storage root to read it.
    pub fn open(dir: &Path) -> Result<Root> {
        let declaration = dir.join(ROOT_DECLARATION.0);
        let found = fs::read(&declaration).map_err(|_| Error::NotARoot {
            path: dir.display().to_string(),
            reason: format!("it has no {} declaration", ROOT_DECLARATION.0),
        })?;
        if found != ROOT_DECLARATION.1.as_bytes() {
            return Err(Error::NotARoot {
                path: dir.display().to_string(),
                reason: format!("its {} declaration is not OCFL 1.1's", ROOT_DECLARATION.0),
            });
        }
        let layout = read_bounded(&dir.join("ocfl_layout.json"), 64 * 1024)?;
        let layout: serde_json::Value = serde_json::from_slice(&layout)
            .map_err(|e| Error::invalid(&dir.join("ocfl_layout.json"), e.to_string()))?;
        if layout.get("extension").and_then(|v| v.as_str()) != Some(LAYOUT) {
            return Err(Error::NotARoot {
                path: dir.display().to_string(),
                reason: format!("its layout is not {LAYOUT}"),
            });
        }
        Ok(Root { dir: dir.to_path_buf(), staging: staging_dir(dir) })
    }

    /// The storage root's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the object `id` lives (extension 0003: `abc/def/ghi/<id, percent-encoded>`).
    pub fn object_dir(&self, id: &str) -> PathBuf {
        let digest = hex(&Sha256::digest(id.as_bytes()));
        let mut folder = String::with_capacity(id.len());
        for byte in id.bytes() {
            if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
                folder.push(char::from(byte));
            } else {
                folder.push_str(&format!("%{byte:02x}"));
            }
        }
        if folder.len() > MAX_ID_FOLDER {
            folder = format!("{}-{digest}", &folder[..MAX_ID_FOLDER]);
        }
        self.dir.join(&digest[0..3]).join(&digest[3..6]).join(&digest[6..9]).join(folder)
    }

    /// The object's inventory as its root holds it, checked against its sidecar; `None` if
    /// there is no such object.
    pub fn head(&self, id: &str) -> Result<Option<Inventory>> {
        let dir = self.object_dir(id);
        if !dir.join(OBJECT_DECLARATION.0).is_file() {
            return Ok(None);
        }
        read_inventory(&dir).map(Some)
    }

    /// Brings an object's root inventory back in step with its newest version folder, after a
    /// writer was stopped between the two (see the module's documentation). Returns the
    /// object's inventory, `None` if there is no such object.
    pub fn recover(&self, id: &str) -> Result<Option<Inventory>> {
        let dir = self.object_dir(id);
        if !dir.join(OBJECT_DECLARATION.0).is_file() {
            return Ok(None);
        }
        let newest = newest_version(&dir)?
            .ok_or_else(|| Error::invalid(&dir, "the object has no version folder".to_string()))?;
        let at_root = read_inventory(&dir).ok();
        if at_root.as_ref().is_some_and(|inventory| inventory.head == newest) {
            return Ok(at_root);
        }
        let inventory = read_inventory(&dir.join(&newest))?;
        self.place_root_inventory(&dir, &inventory)?;
        Ok(Some(inventory))
    }

    /// Adds a version to object `id` (creating the object) whose state is exactly `files`
    /// (logical name, bytes); content already in the object is not stored again. Returns the
    /// new version's name.
    pub fn commit(&self, id: &str, files: &[(String, Vec<u8>)], meta: Meta) -> Result<String> {
        let dir = self.object_dir(id);
        let previous = self.recover(id)?;
        let number = previous.as_ref().map_or(0, |inventory| inventory.versions.len()) + 1;
        let name = format!("v{number}");
        let stage = self.staging.join(format!(
            "{}-{}",
            std::process::id(),
            STAGED.fetch_add(1, Ordering::Relaxed)
        ));
        if stage.exists() {
            fs::remove_dir_all(&stage).map_err(|e| Error::io(&stage, e))?;
        }
        let version_dir = stage.join(&name);
        let content_dir = version_dir.join(CONTENT);
        // One folder at a time: `create_dir_all` tries the deepest first and fails its way up.
        // The content folder is made only for new content: OCFL wants none in a version that
        // adds none (a revert, a deletion of an unchanged record).
        for folder in [&stage, &version_dir] {
            fs::create_dir(folder).map_err(|e| Error::io(folder, e))?;
        }
        let mut inventory = previous.unwrap_or_else(|| Inventory {
            id: id.to_string(),
            kind: INVENTORY_TYPE.to_string(),
            digest_algorithm: DIGEST_ALGORITHM.to_string(),
            head: String::new(),
            manifest: BTreeMap::new(),
            versions: BTreeMap::new(),
            fixity: BTreeMap::new(),
        });
        let mut state: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (logical, bytes) in files {
            if !is_file_name(logical) {
                return Err(Error::invalid(&dir, format!("`{logical}` is not a file name")));
            }
            let digest = sha512(bytes);
            if !inventory.manifest.contains_key(&digest) {
                if !content_dir.is_dir() {
                    fs::create_dir(&content_dir).map_err(|e| Error::io(&content_dir, e))?;
                }
                write_new(&content_dir.join(logical), bytes)?;
                let content_path = format!("{name}/{CONTENT}/{logical}");
                inventory.manifest.insert(digest.clone(), vec![content_path.clone()]);
                inventory
                    .fixity
                    .entry("sha256".to_string())
                    .or_default()
                    .entry(hex(&Sha256::digest(bytes)))
                    .or_default()
                    .push(content_path);
            }
            state.entry(digest).or_default().push(logical.clone());
        }
        inventory.head = name.clone();
        inventory.versions.insert(
            name.clone(),
            Version {
                created: meta.created,
                message: Some(meta.message),
                user: Some(meta.user),
                state,
            },
        );
        let (json, sidecar) = inventory_files(&inventory)?;
        write_new(&version_dir.join(INVENTORY), &json)?;
        write_new(&version_dir.join(SIDECAR), &sidecar)?;
        if number == 1 {
            write_new(&stage.join(INVENTORY), &json)?;
            write_new(&stage.join(SIDECAR), &sidecar)?;
            write_new(&stage.join(OBJECT_DECLARATION.0), OBJECT_DECLARATION.1.as_bytes())?;
            let parent = dir.parent().expect("object folders are below the root");
            if !parent.is_dir() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            if dir.exists() {
                // A folder without a declaration: what a killed writer left of a first version.
                fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            }
            fs::rename(&stage, &dir).map_err(|e| Error::io(&dir, e))?;
        } else {
            fs::rename(&version_dir, dir.join(&name)).map_err(|e| Error::io(&dir, e))?;
            self.place_root_inventory(&dir, &inventory)?;
            fs::remove_dir_all(&stage).map_err(|e| Error::io(&stage, e))?;
        }
        Ok(name)
    }

    /// Commits versions to several objects on `threads` threads, each object's versions in the
    /// order given (an object's versions all go to one thread). Returns how many were committed,
    /// or the first error (the versions committed before it stay: each is whole).
    pub fn commit_all(&self, versions: Vec<Pending>, threads: usize) -> Result<u64> {
        let threads = threads.clamp(1, 16);
        let mut lanes: Vec<Vec<Pending>> = (0..threads).map(|_| Vec::new()).collect();
        for pending in versions {
            let lane = usize::from(Sha256::digest(pending.id.as_bytes())[0]) % threads;
            lanes[lane].push(pending);
        }
        std::thread::scope(|scope| {
            let running: Vec<_> = lanes
                .into_iter()
                .filter(|lane| !lane.is_empty())
                .map(|lane| {
                    scope.spawn(move || -> Result<u64> {
                        for pending in &lane {
                            self.commit(&pending.id, &pending.files, pending.meta.clone())?;
                        }
                        Ok(lane.len() as u64)
                    })
                })
                .collect();
            let mut done = 0;
            let mut first_error = None;
            for lane in running {
                match lane.join() {
                    Ok(Ok(n)) => done += n,
                    Ok(Err(error)) => {
                        first_error.get_or_insert(error);
                    }
                    Err(_) => {
                        first_error.get_or_insert(Error::Invalid {
                            path: self.dir.display().to_string(),
                            message: "a writing thread stopped".to_string(),
                        });
                    }
                }
            }
            first_error.map_or(Ok(done), Err)
        })
    }

    /// Replaces an object's root inventory and sidecar, each by a rename.
    fn place_root_inventory(&self, dir: &Path, inventory: &Inventory) -> Result<()> {
        let (json, sidecar) = inventory_files(inventory)?;
        let tmp = self.staging.join(format!(
            "{}-{}-inventory",
            std::process::id(),
            STAGED.fetch_add(1, Ordering::Relaxed)
        ));
        write_new(&tmp, &json)?;
        fs::rename(&tmp, dir.join(INVENTORY)).map_err(|e| Error::io(dir, e))?;
        write_new(&tmp, &sidecar)?;
        fs::rename(&tmp, dir.join(SIDECAR)).map_err(|e| Error::io(dir, e))?;
        Ok(())
    }

    /// Removes what killed writers left in the staging folder (call with the root locked).
    pub fn clear_staging(&self) -> Result<()> {
        if self.staging.exists() {
            fs::remove_dir_all(&self.staging).map_err(|e| Error::io(&self.staging, e))?;
        }
        fs::create_dir_all(&self.staging).map_err(|e| Error::io(&self.staging, e))
    }

    /// Every object folder in the root, in path order.
    pub fn object_dirs(&self) -> Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        let mut stack = vec![self.dir.clone()];
        while let Some(dir) = stack.pop() {
            if dir.join(OBJECT_DECLARATION.0).is_file() {
                found.push(dir);
                continue;
            }
            for entry in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
                let entry = entry.map_err(|e| Error::io(&dir, e))?;
                let path = entry.path();
                let is_dir = entry.file_type().map_err(|e| Error::io(&path, e))?.is_dir();
                if is_dir && !(dir == self.dir && entry.file_name() == "extensions") {
                    stack.push(path);
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// The inventory of the object in folder `dir`, checked against its sidecar.
    pub fn inventory_at(&self, dir: &Path) -> Result<Inventory> {
        read_inventory(dir)
    }

    /// The bytes of content `digest` of the object in `dir`, checked against the digest.
    pub fn content(&self, dir: &Path, inventory: &Inventory, digest: &str) -> Result<Vec<u8>> {
        let path = inventory.content_path(digest).ok_or_else(|| {
            Error::invalid(dir, format!("the manifest has no content with digest {digest}"))
        })?;
        let file = dir.join(path);
        let bytes = fs::read(&file).map_err(|e| Error::io(&file, e))?;
        let found = sha512(&bytes);
        if found != digest {
            return Err(Error::Fixity {
                path: file.display().to_string(),
                expected: digest.to_string(),
                found,
            });
        }
        Ok(bytes)
    }
}

/// Where versions are assembled for the root in `dir`.
fn staging_dir(dir: &Path) -> PathBuf {
    dir.with_extension("staging")
}

/// An inventory as JSON and its sidecar.
fn inventory_files(inventory: &Inventory) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut json = serde_json::to_vec_pretty(inventory)
        .map_err(|e| Error::Invalid { path: inventory.id.clone(), message: e.to_string() })?;
    json.push(b'\n');
    let sidecar = format!("{}  {INVENTORY}\n", sha512(&json)).into_bytes();
    Ok((json, sidecar))
}

/// The inventory in `dir` (an object or a version folder), checked against its sidecar.
fn read_inventory(dir: &Path) -> Result<Inventory> {
    let file = dir.join(INVENTORY);
    let json = read_bounded(&file, MAX_INVENTORY_BYTES)?;
    let sidecar = read_bounded(&dir.join(SIDECAR), 1024)?;
    let expected = String::from_utf8_lossy(&sidecar)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let found = sha512(&json);
    if expected != found {
        return Err(Error::Fixity { path: file.display().to_string(), expected, found });
    }
    let inventory: Inventory =
        serde_json::from_slice(&json).map_err(|e| Error::invalid(&file, e.to_string()))?;
    if inventory.digest_algorithm != DIGEST_ALGORITHM {
        return Err(Error::invalid(
            &file,
            format!(
                "digestAlgorithm is {}; Chancery writes and reads sha512",
                inventory.digest_algorithm
            ),
        ));
    }
    if !inventory.versions.contains_key(&inventory.head) {
        return Err(Error::invalid(&file, format!("head {} is not a version", inventory.head)));
    }
    Ok(inventory)
}

/// The newest complete version folder of an object (`v3`).
fn newest_version(dir: &Path) -> Result<Option<String>> {
    let mut newest: Option<(u64, String)> = None;
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(n) = version_number(&name)
            && entry.path().join(INVENTORY).is_file()
            && newest.as_ref().is_none_or(|(m, _)| n > *m)
        {
            newest = Some((n, name));
        }
    }
    Ok(newest.map(|(_, name)| name))
}

fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("JSON values serialize");
    bytes.push(b'\n');
    bytes
}

fn write_if_missing(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.is_file() {
        return Ok(());
    }
    write_new(path, bytes)
}

/// Writes a file whole (truncating one a killed writer left).
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = fs::File::create(path).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))
}

/// Reads a file of at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let size = fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if size > limit {
        return Err(Error::invalid(path, format!("it is {size} bytes; the limit is {limit}")));
    }
    fs::read(path).map_err(|e| Error::io(path, e))
}
