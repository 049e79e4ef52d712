//! The storage root's writes and recovery, and the catch-up's idempotence, on real folders.

use std::fs;

use chancery_store::Store;
use time::OffsetDateTime;

use crate::ocfl::{Meta, Root, User};
use crate::{catch_up, record_object};

fn meta(n: u32) -> Meta {
    Meta {
        created: format!("2026-11-30T10:00:0{n}Z"),
        message: format!("change {n}: test"),
        user: User { name: "test".into(), address: Some("urn:test".into()) },
    }
}

fn file(name: &str, text: &str) -> (String, Vec<u8>) {
    (name.to_string(), text.as_bytes().to_vec())
}

#[test]
fn versions_store_new_content_once_and_keep_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let root = Root::create_or_open(&dir.path().join("ocfl")).unwrap();
    assert_eq!(root.commit("o", &[file("a", "one"), file("b", "two")], meta(1)).unwrap(), "v1");
    assert_eq!(root.commit("o", &[file("a", "one"), file("b", "three")], meta(2)).unwrap(), "v2");
    let object = root.object_dir("o");
    assert!(object.join("v1/content/a").is_file());
    assert!(!object.join("v2/content/a").exists(), "unchanged content is not stored again");
    assert_eq!(fs::read_to_string(object.join("v2/content/b")).unwrap(), "three");
    let inventory = root.head("o").unwrap().unwrap();
    assert_eq!(inventory.head, "v2");
    assert_eq!(inventory.manifest.len(), 3);
    let names: Vec<&str> = inventory.versions_in_order().iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["v1", "v2"]);
    // A version without a file removes it from the state, not from the object; adding no new
    // content, it has no content folder (OCFL's W003).
    root.commit("o", &[file("b", "three")], meta(3)).unwrap();
    assert!(object.join("v3").is_dir() && !object.join("v3/content").exists());
    let inventory = root.head("o").unwrap().unwrap();
    assert_eq!(inventory.head_version().unwrap().state.len(), 1);
    assert_eq!(inventory.manifest.len(), 3);
    assert!(root.commit("o", &[file("../x", "no")], meta(4)).is_err(), "not a file name");
    assert_eq!(root.head("o").unwrap().unwrap().head, "v3", "nothing written");
}

/// A writer killed after renaming a new version into the object but before replacing the root
/// inventory (or between the inventory and its sidecar) leaves an object the next write, and
/// `recover`, complete.
#[test]
fn a_version_interrupted_between_renames_is_completed_by_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let root = Root::create_or_open(&dir.path().join("ocfl")).unwrap();
    root.commit("o", &[file("a", "one")], meta(1)).unwrap();
    root.commit("o", &[file("a", "two")], meta(2)).unwrap();
    let object = root.object_dir("o");
    // Killed before the root inventory: the root still says v1.
    for name in ["inventory.json", "inventory.json.sha512"] {
        fs::copy(object.join("v1").join(name), object.join(name)).unwrap();
    }
    assert_eq!(root.head("o").unwrap().unwrap().head, "v1");
    assert_eq!(root.recover("o").unwrap().unwrap().head, "v2");
    assert_eq!(root.head("o").unwrap().unwrap().head, "v2");
    // Killed between the inventory and its sidecar: the root's pair disagrees.
    fs::copy(object.join("v1/inventory.json.sha512"), object.join("inventory.json.sha512"))
        .unwrap();
    assert!(root.head("o").is_err(), "the sidecar does not match");
    assert_eq!(root.commit("o", &[file("a", "three")], meta(3)).unwrap(), "v3");
    assert_eq!(root.head("o").unwrap().unwrap().versions.len(), 3);
}

/// An inventory is read up to MAX_INVENTORY_BYTES: at the limit it is read (and found not to be
/// the one its sidecar names), one byte past it refused for its size.
#[test]
fn inventories_are_read_up_to_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let root = Root::create_or_open(&dir.path().join("ocfl")).unwrap();
    root.commit("o", &[file("a", "one")], meta(1)).unwrap();
    let inventory = root.object_dir("o").join("inventory.json");
    let file = fs::OpenOptions::new().write(true).open(&inventory).unwrap();
    file.set_len(crate::MAX_INVENTORY_BYTES).unwrap();
    let error = root.head("o").unwrap_err().to_string();
    assert!(error.contains("its SHA-512 is"), "{error}");
    file.set_len(crate::MAX_INVENTORY_BYTES + 1).unwrap();
    let error = root.head("o").unwrap_err().to_string();
    assert!(error.contains("the limit is 67108864"), "{error}");
}

/// Extension 0003 puts an object at three tuples of its id's SHA-256 and its id percent-encoded,
/// cut at 100 characters with the digest added.
#[test]
fn objects_are_where_the_layout_puts_them() {
    let root = Root::create_or_open(&tempfile::tempdir().unwrap().path().join("ocfl")).unwrap();
    let path = root.object_dir("urn:chancery:record:frus1955-57v26/d1");
    let rel = path.strip_prefix(root.dir()).unwrap().to_string_lossy().into_owned();
    // sha256("urn:chancery:record:frus1955-57v26/d1"), as `sha256sum` gives it.
    let digest = chancery_model::id::hex(&<sha2::Sha256 as sha2::Digest>::digest(
        b"urn:chancery:record:frus1955-57v26/d1",
    ));
    assert_eq!(
        rel,
        format!(
            "{}/{}/{}/urn%3achancery%3arecord%3afrus1955-57v26%2fd1",
            &digest[0..3],
            &digest[3..6],
            &digest[6..9]
        )
    );
    let long = "x".repeat(120);
    let folder = root.object_dir(&long).file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(folder.len(), 100 + 1 + 64);
    assert!(folder.starts_with(&"x".repeat(100)));
}

/// A catch-up writes each change once: run again, or after its position was lost, it writes
/// nothing more.
#[tokio::test]
async fn catching_up_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let bytes =
        fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/000_5e4392f9da7ebfc5.txt"))
            .unwrap();
    let now = OffsetDateTime::now_utc();
    let parsed = chancery_ingest::parse(&chancery_ingest::Source {
        path: "demo/000_5e4392f9da7ebfc5.txt",
        bytes: &bytes,
        imported_at: now,
    });
    // The same file twice, edited in between: one source object with two versions.
    let path = "demo/000_5e4392f9da7ebfc5.txt";
    let edited =
        String::from_utf8(bytes.clone()).unwrap().replacen("normalization", "normalisation", 1);
    for (n, bytes) in [bytes, edited.into_bytes()].into_iter().enumerate() {
        let parsed = chancery_ingest::parse(&chancery_ingest::Source {
            path,
            bytes: &bytes,
            imported_at: now,
        });
        let provenance = parsed.records[0].provenance.clone().unwrap();
        let source = chancery_store::SourceFile {
            sha256: provenance.sha256,
            path: path.into(),
            format: provenance.format,
            bytes,
        };
        let mut batch =
            store.begin_import(now, chancery_store::ImportPolicy::default()).await.unwrap();
        let outcomes = batch.add(&parsed.records, &[source]).await.unwrap();
        batch.commit().await.unwrap();
        assert_eq!(outcomes[0].revision, n as i64 + 1);
    }
    store.delete(&parsed.records[0].id, now, None).await.unwrap();
    let root_dir = dir.path().join("ocfl");
    let first = catch_up(&store, &root_dir).await.unwrap();
    assert_eq!((first.sources, first.versions), (2, 3));
    assert_eq!((first.position.change, first.position.source), (3, 2));
    let root = Root::open(&root_dir).unwrap();
    let source_object = root.head(&crate::source_object(path)).unwrap().unwrap();
    assert_eq!(source_object.head, "v2");
    let again = catch_up(&store, &root_dir).await.unwrap();
    assert_eq!((again.sources, again.versions), (0, 0));
    fs::remove_file(crate::position_file(&root_dir)).unwrap();
    assert!(!dir.path().join("ocfl.position.json").exists());
    let lost = catch_up(&store, &root_dir).await.unwrap();
    assert_eq!((lost.sources, lost.versions), (0, 0), "what is there is not written again");
    assert_eq!(lost.position, first.position);
    // A damaged position is nothing preserved; still nothing is written twice.
    fs::write(crate::position_file(&root_dir), b"{\"change\": tw").unwrap();
    let damaged = catch_up(&store, &root_dir).await.unwrap();
    assert_eq!((damaged.sources, damaged.versions, damaged.position), (0, 0, first.position));
    let inventory = root.head(&record_object(&parsed.records[0].id)).unwrap().unwrap();
    assert_eq!(inventory.head, "v3");
    let report = crate::fixity(&root, &mut |_, _| {}).unwrap();
    assert_eq!((report.objects, report.failures.len()), (2, 0));
}
