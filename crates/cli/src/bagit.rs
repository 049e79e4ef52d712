//! BagIt 1.0 (RFC 8493) transfer bags: `chancery export --format bagit DIR` of every record or of
//! a search's results, and the checks a bag passes before `chancery import` reads it.
//!
//! A bag's payload is the records in Chancery JSON lines (`data/records/0001.jsonl`, …, each at
//! most [`MAX_RECORDS_FILE_BYTES`], so that each imports within the importer's limits) and the
//! exact bytes of every source file they were imported from (`data/sources/<sha256>/<name>`).
//! `manifest-sha512.txt` lists every payload file, `bag-info.txt` says what the bag is (with
//! `Payload-Oxum`, the archive's name and the query), `tagmanifest-sha512.txt` lists the tag
//! files. It is written into `DIR.partial` and renamed when complete.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chancery_model::id::{RecordId, hex};
use chancery_search::query::parse;
use chancery_search::{SearchRequest, Sort};
use chancery_store::{Store, StoredRecord};
use sha2::{Digest, Sha512};
use time::OffsetDateTime;

use crate::data::{open_index, open_store_for_reading, rejected};

/// The most bytes of records one payload file holds (a record larger than that is a file of its
/// own).
pub(crate) const MAX_RECORDS_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The largest tag file (`bagit.txt`, `bag-info.txt`, a manifest) an import reads.
pub(crate) const MAX_TAG_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// The most hits a search's bag holds: as deep as a search pages.
const MAX_SEARCH_EXPORT: usize = chancery_search::MAX_OFFSET + chancery_search::MAX_LIMIT;
const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
const MANIFEST: &str = "manifest-sha512.txt";
const TAG_MANIFEST: &str = "tagmanifest-sha512.txt";
const RECORDS_DIR: &str = "data/records";

/// `chancery export --format bagit DIR [--query Q]`.
pub(crate) async fn export(data: &Path, dir: &Path, query: Option<&str>, name: &str) -> Result<()> {
    if dir.exists() && fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(rejected(format!(
            "{} exists and is not empty: make the bag in a new folder",
            dir.display()
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(rejected("the archive's name must be one line".to_string()));
    }
    let store = open_store_for_reading(data).await?;
    let ids = match query {
        Some(query) => Some(search_ids(data, &store, query).await?),
        None => None,
    };
    let partial = dir.with_file_name(format!(
        "{}.partial",
        dir.file_name().map_or("bag".into(), |n| n.to_string_lossy().into_owned())
    ));
    if partial.exists() {
        fs::remove_dir_all(&partial)
            .with_context(|| format!("cannot remove {}", partial.display()))?;
    }
    fs::create_dir_all(partial.join(RECORDS_DIR))
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut payload = Payload::default();
    let mut records = RecordFiles::new(&partial);
    let mut sources: BTreeSet<String> = BTreeSet::new();
    let mut add = |stored: &StoredRecord, records: &mut RecordFiles, payload: &mut Payload| {
        if let Some(provenance) = &stored.record.provenance {
            sources.insert(provenance.sha256.clone());
        }
        records.write(&chancery_ingest::json::write_line(&stored.record), payload)
    };
    match &ids {
        Some(ids) => {
            for chunk in ids.chunks(500) {
                for stored in store.get_many(chunk).await? {
                    add(&stored, &mut records, &mut payload)?;
                }
            }
        }
        None => {
            let mut after: Option<RecordId> = None;
            loop {
                let page = store.records_after(after.as_ref(), 500).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.record.id.clone());
                for stored in &page {
                    add(stored, &mut records, &mut payload)?;
                }
            }
        }
    }
    records.finish(&mut payload)?;
    let n_records = records.count;
    for sha256 in &sources {
        let (Some(bytes), Some(path)) =
            (store.source(sha256).await?, store.source_path(sha256).await?)
        else {
            continue;
        };
        let name = chancery_preserve::source_file_name(&path);
        let relative = format!("data/sources/{sha256}/{name}");
        let file = partial.join(&relative);
        fs::create_dir_all(file.parent().expect("a source file has a folder"))?;
        fs::write(&file, &bytes).with_context(|| format!("cannot write {}", file.display()))?;
        payload.add(relative, &bytes);
    }
    store.close().await;

    write_tag(&partial, "bagit.txt", BAGIT_TXT.as_bytes())?;
    let mut manifest = String::new();
    for (path, digest) in &payload.digests {
        manifest.push_str(&format!("{digest}  {}\n", encode_path(path)));
    }
    write_tag(&partial, MANIFEST, manifest.as_bytes())?;
    let mut info = vec![
        ("Source-Organization", name.to_string()),
        ("Bagging-Date", OffsetDateTime::now_utc().date().to_string()),
        ("Bag-Software-Agent", format!("Chancery {}", env!("CARGO_PKG_VERSION"))),
        ("Payload-Oxum", format!("{}.{}", payload.bytes, payload.digests.len())),
        (
            "External-Description",
            format!(
                "{n_records} record(s) of {name} in Chancery JSON lines ({RECORDS_DIR}/), re-importable with `chancery import`, and the exact bytes of the {} source file(s) they were imported from (data/sources/<sha256>/)",
                sources.len()
            ),
        ),
        ("Chancery-Records", n_records.to_string()),
    ];
    if let Some(query) = query {
        let one_line: String =
            query.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        info.push(("Chancery-Query", one_line));
    }
    let info: String = info.iter().map(|(label, value)| format!("{label}: {value}\n")).collect();
    write_tag(&partial, "bag-info.txt", info.as_bytes())?;
    let mut tags = String::new();
    for tag in ["bagit.txt", "bag-info.txt", MANIFEST] {
        let bytes = fs::read(partial.join(tag))?;
        tags.push_str(&format!("{}  {tag}\n", hex(&Sha512::digest(&bytes))));
    }
    write_tag(&partial, TAG_MANIFEST, tags.as_bytes())?;
    if dir.exists() {
        fs::remove_dir(dir).with_context(|| format!("cannot replace {}", dir.display()))?;
    }
    fs::rename(&partial, dir).with_context(|| format!("cannot rename {}", partial.display()))?;
    eprintln!(
        "bagged {n_records} record(s) and {} source file(s), {} bytes, into {}",
        sources.len(),
        payload.bytes,
        dir.display()
    );
    Ok(())
}

/// The ids a search finds, best first, up to [`MAX_SEARCH_EXPORT`].
async fn search_ids(data: &Path, store: &Store, text: &str) -> Result<Vec<RecordId>> {
    let query = parse(text).map_err(|error| rejected(format!("bad query: {error}")))?;
    let index = open_index(data, store).await?;
    let mut ids = Vec::new();
    loop {
        let mut request = SearchRequest::new(query.clone(), text);
        request.limit = chancery_search::MAX_LIMIT;
        request.offset = ids.len();
        request.sort = Sort::Relevance;
        let results = index.search(&request).map_err(|e| rejected(e.to_string()))?;
        if results.total > MAX_SEARCH_EXPORT {
            return Err(rejected(format!(
                "the search finds {} records; a search's bag holds at most {MAX_SEARCH_EXPORT}: narrow the query, or bag every record (leave out --query)",
                results.total
            )));
        }
        let n = results.hits.len();
        ids.extend(results.hits.into_iter().map(|hit| hit.id));
        if n < chancery_search::MAX_LIMIT || ids.len() >= results.total {
            return Ok(ids);
        }
    }
}

/// The payload files written so far, with their digests.
#[derive(Default)]
struct Payload {
    digests: BTreeMap<String, String>,
    bytes: u64,
}

impl Payload {
    fn add(&mut self, path: String, bytes: &[u8]) {
        self.bytes += bytes.len() as u64;
        self.digests.insert(path, hex(&Sha512::digest(bytes)));
    }
}

/// The records' JSON lines files, each closed when the next line would take it past
/// [`MAX_RECORDS_FILE_BYTES`].
struct RecordFiles {
    bag: PathBuf,
    current: Option<(String, BufWriter<File>, Sha512, u64)>,
    files: usize,
    count: u64,
}

impl RecordFiles {
    fn new(bag: &Path) -> RecordFiles {
        RecordFiles { bag: bag.to_path_buf(), current: None, files: 0, count: 0 }
    }

    fn write(&mut self, line: &str, payload: &mut Payload) -> Result<()> {
        let size = line.len() as u64 + 1;
        if self.current.as_ref().is_some_and(|(_, _, _, n)| n + size > MAX_RECORDS_FILE_BYTES) {
            self.finish(payload)?;
        }
        if self.current.is_none() {
            self.files += 1;
            let relative = format!("{RECORDS_DIR}/{:04}.jsonl", self.files);
            let file = File::create(self.bag.join(&relative))
                .with_context(|| format!("cannot write {relative}"))?;
            self.current = Some((relative, BufWriter::new(file), Sha512::new(), 0));
        }
        let (_, writer, hasher, written) = self.current.as_mut().expect("opened above");
        writer.write_all(line.as_bytes())?;
        writer.write_all(b"\n")?;
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
        *written += size;
        self.count += 1;
        Ok(())
    }

    fn finish(&mut self, payload: &mut Payload) -> Result<()> {
        if let Some((relative, mut writer, hasher, written)) = self.current.take() {
            writer.flush()?;
            payload.bytes += written;
            payload.digests.insert(relative, hex(&hasher.finalize()));
        }
        Ok(())
    }
}

fn write_tag(bag: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    fs::write(bag.join(name), bytes).with_context(|| format!("cannot write {name}"))
}

/// A manifest path as RFC 8493 writes it: `%`, CR and LF percent-encoded.
fn encode_path(path: &str) -> String {
    path.replace('%', "%25").replace('\n', "%0A").replace('\r', "%0D")
}

fn decode_path(path: &str) -> String {
    path.replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%25", "%")
}

/// Whether `dir` is a bag (it has a `bagit.txt`).
pub(crate) fn is_bag(dir: &Path) -> bool {
    dir.join("bagit.txt").is_file()
}

/// Checks a bag completely — its declaration, every manifest line against its file, every
/// payload file listed, the `Payload-Oxum`, the tag manifest — and returns its records files, in
/// order. A damaged bag is refused with what is wrong and where.
pub(crate) fn checked_records(dir: &Path) -> Result<Vec<PathBuf>> {
    let damaged = |what: String| {
        rejected(format!("the bag in {} is damaged: {what}; nothing was imported", dir.display()))
    };
    let declaration = read_tag(dir, "bagit.txt")?;
    let mut lines = declaration.lines();
    let version = lines.next().and_then(|l| l.strip_prefix("BagIt-Version: ")).map(str::trim);
    if !matches!(version, Some("1.0") | Some("0.97")) {
        return Err(damaged("bagit.txt does not declare BagIt-Version 1.0".into()));
    }
    let encoding =
        lines.next().and_then(|l| l.strip_prefix("Tag-File-Character-Encoding: ")).map(str::trim);
    if !encoding.is_some_and(|e| e.eq_ignore_ascii_case("UTF-8")) {
        return Err(damaged("bagit.txt does not declare the UTF-8 encoding".into()));
    }
    let manifests: Vec<(String, &str)> =
        [("manifest-sha512.txt", "sha512"), ("manifest-sha256.txt", "sha256")]
            .into_iter()
            .filter(|(name, _)| dir.join(name).is_file())
            .map(|(name, algorithm)| (name.to_string(), algorithm))
            .collect();
    if manifests.is_empty() {
        return Err(damaged("it has no manifest-sha512.txt (or manifest-sha256.txt)".into()));
    }
    let payload = payload_files(dir)?;
    let mut oxum_bytes = 0u64;
    for (manifest, algorithm) in &manifests {
        let listed = manifest_lines(dir, manifest).map_err(|e| damaged(e.to_string()))?;
        for path in &payload {
            if !listed.contains_key(path) {
                return Err(damaged(format!("{path} is in the payload but not in {manifest}")));
            }
        }
        for (path, expected) in &listed {
            if !payload.contains(path) {
                return Err(damaged(format!(
                    "{manifest} lists {path}, which the bag does not hold"
                )));
            }
            let found = digest_of(&dir.join(path), algorithm)
                .map_err(|e| damaged(format!("{path} cannot be read ({e})")))?;
            if &found != expected {
                return Err(damaged(format!(
                    "{path} does not match its {algorithm} in {manifest} (listed {expected}, file {found})"
                )));
            }
        }
    }
    for path in &payload {
        oxum_bytes += fs::metadata(dir.join(path))?.len();
    }
    if dir.join("bag-info.txt").is_file() {
        let info = read_tag(dir, "bag-info.txt")?;
        if let Some(oxum) = info.lines().find_map(|l| l.strip_prefix("Payload-Oxum:")) {
            let expected = format!("{oxum_bytes}.{}", payload.len());
            if oxum.trim() != expected {
                return Err(damaged(format!(
                    "bag-info.txt gives Payload-Oxum {}, but the payload is {expected} (bytes.files)",
                    oxum.trim()
                )));
            }
        }
    }
    if dir.join(TAG_MANIFEST).is_file() {
        let listed = manifest_lines(dir, TAG_MANIFEST).map_err(|e| damaged(e.to_string()))?;
        for (path, expected) in &listed {
            let found = digest_of(&dir.join(path), "sha512")
                .map_err(|e| damaged(format!("{path} cannot be read ({e})")))?;
            if &found != expected {
                return Err(damaged(format!("{path} does not match its sha512 in {TAG_MANIFEST}")));
            }
        }
    }
    let records: Vec<PathBuf> = payload
        .iter()
        .filter(|p| p.starts_with(&format!("{RECORDS_DIR}/")) && p.ends_with(".jsonl"))
        .map(|p| dir.join(p))
        .collect();
    if records.is_empty() {
        return Err(rejected(format!(
            "the bag in {} holds no records ({RECORDS_DIR}/*.jsonl): it was not made by `chancery export --format bagit`",
            dir.display()
        )));
    }
    Ok(records)
}

/// Every file under `data/`, as a path relative to the bag.
fn payload_files(dir: &Path) -> Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    let mut stack = vec![dir.join("data")];
    while let Some(folder) = stack.pop() {
        let entries =
            fs::read_dir(&folder).with_context(|| format!("cannot list {}", folder.display()))?;
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_symlink() {
                // A link could point anywhere on this machine: a bag holds its files.
                return Err(rejected(format!(
                    "the bag in {} holds a symbolic link, {}: a bag must hold its files; nothing was imported",
                    dir.display(),
                    path.strip_prefix(dir).unwrap_or(&path).display()
                )));
            }
            if kind.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("below the bag");
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(found)
}

/// A manifest's lines: each path (inside the bag, no `..`) with its digest.
fn manifest_lines(dir: &Path, name: &str) -> Result<BTreeMap<String, String>> {
    let text = read_tag(dir, name)?;
    let mut listed = BTreeMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let Some((digest, path)) = line.split_once(char::is_whitespace) else {
            anyhow::bail!("{name}, line {}: expected `<digest> <path>`", n + 1);
        };
        let path = decode_path(path.trim_start());
        if path.starts_with('/') || path.split('/').any(|part| part == ".." || part.is_empty()) {
            anyhow::bail!("{name}, line {}: `{path}` is not a path inside the bag", n + 1);
        }
        listed.insert(path, digest.to_ascii_lowercase());
    }
    Ok(listed)
}

fn read_tag(dir: &Path, name: &str) -> Result<String> {
    let file = dir.join(name);
    let size =
        fs::metadata(&file).with_context(|| format!("cannot read {}", file.display()))?.len();
    if size > MAX_TAG_FILE_BYTES {
        return Err(rejected(format!(
            "{} is {size} bytes; a bag's tag files are read up to {MAX_TAG_FILE_BYTES} (MAX_TAG_FILE_BYTES)",
            file.display()
        )));
    }
    fs::read_to_string(&file).with_context(|| format!("{} is not UTF-8 text", file.display()))
}

/// A file's digest by `algorithm` (`sha512` or `sha256`), read in blocks.
fn digest_of(file: &Path, algorithm: &str) -> std::io::Result<String> {
    let mut reader = File::open(file)?;
    let mut block = vec![0u8; 1 << 16];
    let mut sha512 = Sha512::new();
    let mut sha256 = sha2::Sha256::new();
    loop {
        let n = reader.read(&mut block)?;
        if n == 0 {
            break;
        }
        if algorithm == "sha512" {
            sha512.update(&block[..n]);
        } else {
            sha256.update(&block[..n]);
        }
    }
    Ok(if algorithm == "sha512" { hex(&sha512.finalize()) } else { hex(&sha256.finalize()) })
}
