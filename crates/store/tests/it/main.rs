//! The store's story test: one walk through everything a store does, on a real SQLite database,
//! and — where `CHANCERY_TEST_POSTGRES` names a PostgreSQL database, as in `.ci/run` — every test
//! that does not look at SQLite's own files again on PostgreSQL (see [`fresh`]).

use std::path::Path;

use chancery_ingest::{Source, text};
use chancery_model::authority::{Authority, AuthorityKind, Collection};
use chancery_model::id::RecordId;
use chancery_model::record::Record;
use chancery_store::{Action, ChangeKind, Error, ImportPolicy, Refusal, SourceFile, Store};
use sqlx::Connection;
use time::OffsetDateTime;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);
const T1: OffsetDateTime = datetime!(2026-11-28 11:00 UTC);
const T2: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

/// A new, empty store: in memory, or, when `CHANCERY_TEST_POSTGRES` names a PostgreSQL database
/// (`postgres://user@host:port/db`), a new database of its own on that server.
pub(crate) async fn fresh() -> Store {
    match fresh_postgres().await {
        Some(url) => Store::open_postgres(&url).await.unwrap(),
        None => Store::open_in_memory().await.unwrap(),
    }
}

/// The URL of a new, empty PostgreSQL database on the server `CHANCERY_TEST_POSTGRES` names, or
/// `None` when it names none (the tests then run on SQLite alone).
pub(crate) async fn fresh_postgres() -> Option<String> {
    let url = std::env::var("CHANCERY_TEST_POSTGRES").ok()?;
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("chancery_test_{}_{n}", std::process::id());
    let mut admin = sqlx::postgres::PgConnection::connect(&url).await.unwrap();
    for statement in [format!("DROP DATABASE IF EXISTS {name}"), format!("CREATE DATABASE {name}")]
    {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&mut admin).await.unwrap();
    }
    admin.close().await.unwrap();
    let (server, _) = url.rsplit_once('/').unwrap();
    Some(format!("{server}/{name}"))
}

fn record(path: &str, text: &str) -> Record {
    let parsed = text::parse(&Source { path, bytes: text.as_bytes(), imported_at: T0 });
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    parsed.records.into_iter().next().unwrap()
}

pub(crate) fn letter(summary: &str) -> Record {
    record(
        "letter.txt",
        &format!(
            "**August 11, 1954**\n\n**Letter from Tito to Khrushchev**\n\n**Summary:**\n\n{summary}\n\n\
             **Contents:**\n\nTranslation - English\n\nTo Comrade Khrushchev\n"
        ),
    )
}

fn telegram() -> Record {
    record("telegram.txt", "**1955-05-26**\n\n**Telegram from Belgrade to Moscow**\n")
}

pub(crate) fn seed_source() -> SourceFile {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/000_5e4392f9da7ebfc5.txt"),
    )
    .unwrap();
    let parsed = text::parse(&Source { path: "seed.txt", bytes: &bytes, imported_at: T0 });
    let sha256 = parsed.records[0].provenance.as_ref().unwrap().sha256.clone();
    SourceFile { sha256, path: "seed.txt".into(), format: "text".into(), bytes }
}

#[tokio::test]
async fn story() {
    let store = fresh().await;
    assert_eq!(store.schema_version().await.unwrap(), 11);
    assert_eq!(store.count().await.unwrap(), 0);
    assert_eq!(store.last_change().await.unwrap(), 0);

    // A first batch creates both records and two changes.
    let outcomes = store.import(&[letter("First."), telegram()], &[], T0).await.unwrap();
    assert_eq!(
        outcomes.iter().map(|o| o.action).collect::<Vec<_>>(),
        [Action::Created, Action::Created]
    );
    assert_eq!(store.count().await.unwrap(), 2);
    let letter_id = outcomes[0].id.clone();
    let stored = store.get(&letter_id).await.unwrap().unwrap();
    assert_eq!(
        stored.record,
        letter("First."),
        "the record reads back exactly, provenance included"
    );
    assert_eq!((stored.revision, stored.created_at, stored.updated_at), (1, T0, T0));

    // The same content again: unchanged, and no change is recorded.
    let outcomes = store.import(&[letter("First.")], &[], T1).await.unwrap();
    assert_eq!(outcomes[0].action, Action::Unchanged);
    assert_eq!(store.last_change().await.unwrap(), 2);

    // New content: updated in place, the old version kept as revision 1.
    let outcomes = store.import(&[letter("Second.")], &[], T1).await.unwrap();
    assert_eq!((outcomes[0].action, outcomes[0].revision), (Action::Updated, 2));
    assert_eq!(outcomes[0].id, letter_id, "same id, never a duplicate");
    assert_eq!(store.count().await.unwrap(), 2);
    let revisions = store.revisions(&letter_id).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].revision, 1);
    assert_eq!(revisions[0].record.summary.as_deref(), Some("First."));
    assert_eq!(revisions[0].superseded_at, T1);
    assert_eq!(
        store.get(&letter_id).await.unwrap().unwrap().record.summary.as_deref(),
        Some("Second.")
    );

    // Two records with one id in one batch: refused before anything is written.
    let error = store.import(&[telegram(), telegram()], &[], T1).await.unwrap_err();
    assert!(matches!(error, Error::DuplicateId { .. }), "{error}");
    assert!(error.to_string().contains("telegram.txt"));
    assert_eq!(store.last_change().await.unwrap(), 3);

    // Deleting leaves a tombstone; the id comes back only for the same record.
    assert!(store.delete(&letter_id, T2, None).await.unwrap());
    assert!(!store.delete(&letter_id, T2, None).await.unwrap());
    assert!(store.get(&letter_id).await.unwrap().is_none());
    assert_eq!(store.count().await.unwrap(), 1);
    // Regression (issue 10): importing a deleted id brought it back unasked.
    let error = store.import(&[letter("Second.")], &[], T2).await.unwrap_err();
    assert!(matches!(error, Error::Refused { count: 1 }), "{error}");
    let mut batch = store.begin_import(T2, ImportPolicy::default()).await.unwrap();
    assert!(batch.add(&[letter("Second.")], &[]).await.unwrap().is_empty());
    assert!(
        matches!(&batch.refusals()[0], Refusal::Deleted { id, deleted_at, .. } if *id == letter_id && *deleted_at == T2)
    );
    assert!(batch.refusals()[0].to_string().contains("--undelete"));
    drop(batch);
    assert!(store.get(&letter_id).await.unwrap().is_none(), "still deleted");
    let undelete = ImportPolicy { undelete: true, ..ImportPolicy::default() };
    let mut batch = store.begin_import(T2, undelete).await.unwrap();
    let outcomes = batch.add(&[letter("Second.")], &[]).await.unwrap();
    batch.commit().await.unwrap();
    assert_eq!((outcomes[0].action, outcomes[0].revision), (Action::Created, 3));

    // The change sequence tells the whole story, in order.
    let changes = store.changes_after(0, 100).await.unwrap();
    let kinds: Vec<_> =
        changes.iter().map(|c| (c.seq, c.record_id.as_str(), c.kind, c.revision)).collect();
    let letter = letter_id.as_str();
    let telegram_id = telegram().id;
    assert_eq!(
        kinds,
        [
            (1, letter, ChangeKind::Created, 1),
            (2, telegram_id.as_str(), ChangeKind::Created, 1),
            (3, letter, ChangeKind::Updated, 2),
            (4, letter, ChangeKind::Deleted, 2),
            (5, letter, ChangeKind::Created, 3),
        ]
    );
    assert_eq!(store.changes_after(3, 1).await.unwrap()[0].seq, 4);

    // Paging through everything by id.
    let first = store.records_after(None, 1).await.unwrap();
    let rest = store.records_after(Some(&first[0].record.id), 10).await.unwrap();
    assert_eq!(first.len() + rest.len(), 2);
    let summaries = store.summaries_after(None, 10).await.unwrap();
    assert_eq!(summaries.len(), 2);
    assert!(summaries.windows(2).all(|w| w[0].id < w[1].id));

    // Source bytes are kept exactly.
    let source = seed_source();
    store.import(&[], std::slice::from_ref(&source), T2).await.unwrap();
    assert_eq!(store.source(&source.sha256).await.unwrap(), Some(source.bytes.clone()));
    assert_eq!(store.source("0000").await.unwrap(), None);
}

#[tokio::test]
async fn a_failure_mid_batch_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store.import(&[telegram()], &[], T0).await.unwrap();

    // Make the database itself refuse the second record of the next batch, after the first has
    // been written inside the transaction.
    let url = format!("sqlite://{}", dir.path().join(chancery_store::DATABASE_FILE).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.title LIKE '%Poison%'
         BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let poison = record("poison.txt", "**1954**\n\n**Poison pill**\n");
    let modified_telegram = {
        let mut t = telegram();
        t.summary = Some("Changed.".into());
        t
    };
    let error = store
        .import(&[letter("New."), modified_telegram, poison], &[seed_source()], T1)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("poisoned"), "{error}");
    assert_eq!(store.count().await.unwrap(), 1, "the letter was rolled back");
    assert_eq!(
        store.get(&telegram().id).await.unwrap().unwrap().record,
        telegram(),
        "the update was rolled back"
    );
    assert_eq!(store.last_change().await.unwrap(), 1);
    assert!(store.source(&seed_source().sha256).await.unwrap().is_none());
    store.close().await;
}

/// Regression: opening a store took the write lock to make sure of its migration ledger, so a
/// command started during an import (a backup, a node) waited for the import's whole batch and
/// failed after `BUSY_TIMEOUT` with "database is locked". Opening writes nothing when the schema
/// is current, on either backend.
#[tokio::test]
async fn a_store_opens_while_an_import_holds_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let mut locations = vec![chancery_store::Location::Folder(dir.path().join("data"))];
    if let Some(url) = fresh_postgres().await {
        locations.push(chancery_store::Location::Postgres { url, replica: None });
    }
    for location in locations {
        let store = Store::open_at(&location).await.unwrap();
        let batch = store.begin_import(T0, ImportPolicy::default()).await.unwrap();
        let started = std::time::Instant::now();
        let other = Store::open_at(&location).await.unwrap();
        assert_eq!(other.count().await.unwrap(), 0);
        assert!(started.elapsed() < chancery_store::BUSY_TIMEOUT, "{location}: it waited");
        drop(batch);
        other.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn a_data_folder_persists_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let store = Store::open(&data).await.unwrap();
    store.import(&[telegram()], &[], T0).await.unwrap();
    store.close().await;

    let store = Store::open(&data).await.unwrap();
    assert_eq!(store.count().await.unwrap(), 1);
    assert_eq!(store.schema_version().await.unwrap(), 11);
    store.close().await;

    let url = format!("sqlite://{}", data.join(chancery_store::DATABASE_FILE).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mode: String =
        sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut conn).await.unwrap();
    assert_eq!(mode, "wal");
    // Counting the current records reads the index of them, not the table (version 10).
    let plan: Vec<String> =
        sqlx::query("EXPLAIN QUERY PLAN SELECT count(*) FROM records WHERE deleted_at IS NULL")
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|row| sqlx::Row::get::<String, _>(row, "detail"))
            .collect();
    assert!(plan.iter().any(|step| step.contains("records_current")), "{plan:?}");
    // A database from a newer Chancery is refused, not misread.
    sqlx::query("INSERT INTO schema_migrations (version, description) VALUES (99, 'future')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let error = Store::open(&data).await.unwrap_err();
    assert!(matches!(error, Error::NewerSchema { found: 99, supported: 11 }), "{error}");
}

#[tokio::test]
async fn unknown_ids_are_simply_absent() {
    let store = fresh().await;
    let id = RecordId::parse("nothing-here").unwrap();
    assert!(store.get(&id).await.unwrap().is_none());
    assert!(store.revisions(&id).await.unwrap().is_empty());
}

#[tokio::test]
async fn authorities_and_collections() {
    let store = fresh().await;
    let tito = Authority {
        key: "v1#p_T".into(),
        kind: AuthorityKind::Person,
        name: "Tito, Josip Broz".into(),
        description: "President of Yugoslavia".into(),
    };
    let volume = Collection {
        id: "v1".into(),
        parent: None,
        kind: "volume".into(),
        title: "Volume One".into(),
        editors: vec!["A. Editor".into()],
        published: Some("1992".into()),
        position: 1,
    };
    let chapter = Collection {
        id: "v1/ch1".into(),
        parent: Some("v1".into()),
        kind: "chapter".into(),
        title: "Yugoslavia".into(),
        editors: vec![],
        published: None,
        position: 1,
    };
    let mut letter = letter("Mentions Tito.");
    letter.entities = vec!["v1#p_T".into()];
    letter.collection_id = Some("v1/ch1".into());
    let mut batch = store.begin_import(T0, ImportPolicy::default()).await.unwrap();
    batch.add(&[letter.clone(), telegram()], &[]).await.unwrap();
    batch
        .add_entities(std::slice::from_ref(&tito), &[volume.clone(), chapter.clone()])
        .await
        .unwrap();
    batch.commit().await.unwrap();

    assert_eq!(store.authority("v1#p_T").await.unwrap(), Some(tito));
    assert_eq!(store.authority("v1#nobody").await.unwrap(), None);
    let mentioning = store.records_mentioning("v1#p_T", 10).await.unwrap();
    assert_eq!(mentioning.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), [letter.id.clone()]);
    assert_eq!(store.collection("v1").await.unwrap(), Some(volume.clone()));
    assert_eq!(store.collection_parts(None).await.unwrap(), [volume]);
    assert_eq!(store.collection_parts(Some("v1")).await.unwrap(), [chapter]);
    assert_eq!(store.get(&letter.id).await.unwrap().unwrap().record, letter);

    // Links follow the record: an update without the mention removes it; a deletion hides it.
    let mut unlinked = letter.clone();
    unlinked.entities.clear();
    store.import(&[unlinked], &[], T1).await.unwrap();
    assert!(store.records_mentioning("v1#p_T", 10).await.unwrap().is_empty());
    store.import(&[letter.clone()], &[], T1).await.unwrap();
    store.delete(&letter.id, T2, None).await.unwrap();
    assert!(store.records_mentioning("v1#p_T", 10).await.unwrap().is_empty());
}

/// A database at schema version 1 (the first released one) opens, migrates to the current
/// version, and keeps its records.
#[tokio::test]
async fn migrates_from_version_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(chancery_store::DATABASE_FILE);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY NOT NULL, description TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) STRICT;
         INSERT INTO schema_migrations (version, description) VALUES (1, 'initial schema');",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::raw_sql(include_str!("../../migrations/sqlite/0001_initial.sql"))
        .execute(&mut conn)
        .await
        .unwrap();
    // A record as version 1 wrote it (body shape 1, before notes, pages and entities existed).
    sqlx::raw_sql(
        r#"INSERT INTO records (id, title, date_printed, date_edtf, date_min, date_max, doc_type, body, body_version,
               source_path, source_sha256, source_format, imported_at, revision, created_at, updated_at)
           VALUES ('old-record', 'An old letter', '1954', '1954', '1954-01-01', '1954-12-31', 'letter',
               '{"title":"An old letter","date_printed":"1954","date_edtf":"1954","doc_type":"letter","authors":[],"recipients":[],"citation":null,"summary":"Kept.","credits":null,"original_languages":[],"texts":[{"kind":"translation","language":["eng","English"],"label":"Translation - English","body":"Text."}],"subjects":[],"places":[],"collections":[],"extra_sections":[]}',
               1, 'old.txt', 'abc', 'text', '2026-11-01T00:00:00Z', 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
           INSERT INTO changes (record_id, kind, revision, at) VALUES ('old-record', 'created', 1, '2026-11-01T00:00:00Z');
           INSERT INTO sources (sha256, path, format, bytes, first_seen)
               VALUES ('abc', 'old.txt', 'text', CAST('The old source, as imported.' AS BLOB), '2026-11-01T00:00:00Z');"#,
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 11);
    let old = store.get(&RecordId::parse("old-record").unwrap()).await.unwrap().unwrap();
    assert_eq!(old.record.summary.as_deref(), Some("Kept."));
    assert_eq!(old.record.texts[0].body, "Text.");
    assert!(old.record.texts[0].notes.is_empty() && old.record.entities.is_empty());
    assert!(store.collection_parts(None).await.unwrap().is_empty(), "the new tables exist");
    assert_eq!(store.last_change().await.unwrap(), 1);
    // Version 11 compressed the body and the source kept before it; both read back the same.
    assert_eq!(
        store.source("abc").await.unwrap().as_deref(),
        Some(&b"The old source, as imported."[..])
    );
    store.close().await;
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (version, magic): (i64, Vec<u8>) =
        sqlx::query_as("SELECT body_version, substr(body, 1, 4) FROM records")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!((version, magic), (2, ZSTD_MAGIC.to_vec()));
    let encoding: String =
        sqlx::query_scalar("SELECT encoding FROM sources").fetch_one(&mut conn).await.unwrap();
    assert_eq!(encoding, "zstd");
}

/// The first bytes of a zstd frame.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Bodies and sources are kept compressed, read back exactly, and damage to the compressed bytes
/// is reported (as corruption, and as a fixity failure) rather than read as something else.
#[tokio::test]
async fn bodies_and_sources_are_kept_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let source = seed_source();
    let seed = {
        let parsed =
            text::parse(&Source { path: "seed.txt", bytes: &source.bytes, imported_at: T0 });
        parsed.records.into_iter().next().unwrap()
    };
    store.import(std::slice::from_ref(&seed), std::slice::from_ref(&source), T0).await.unwrap();
    assert_eq!(store.get(&seed.id).await.unwrap().unwrap().record, seed);
    assert_eq!(store.source(&source.sha256).await.unwrap().as_deref(), Some(&source.bytes[..]));
    let url = format!("sqlite://{}", dir.path().join(chancery_store::DATABASE_FILE).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (version, body): (i64, Vec<u8>) = sqlx::query_as("SELECT body_version, body FROM records")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!((version, &body[..4]), (2, &ZSTD_MAGIC[..]));
    let kept: Vec<u8> =
        sqlx::query_scalar("SELECT bytes FROM sources").fetch_one(&mut conn).await.unwrap();
    assert!(kept.starts_with(&ZSTD_MAGIC) && kept.len() < source.bytes.len() / 2, "{}", kept.len());
    // The same record imported again is unchanged: compared by content, not by stored bytes.
    let outcomes = store.import(std::slice::from_ref(&seed), &[], T1).await.unwrap();
    assert_eq!(outcomes[0].action, Action::Unchanged);

    // A valid frame that does not declare its size (zstd's streaming encoder writes such frames)
    // was not written by this store, and is refused rather than decoded into a buffer of the
    // whole limit.
    let json = zstd::stream::decode_all(&body[..]).unwrap();
    let unsized_frame = zstd::stream::encode_all(&json[..], 3).unwrap();
    assert!(matches!(zstd::zstd_safe::get_frame_content_size(&unsized_frame), Ok(None)));
    sqlx::query("UPDATE records SET body = $1")
        .bind(&unsized_frame)
        .execute(&mut conn)
        .await
        .unwrap();
    let error = store.get(&seed.id).await.unwrap_err();
    assert!(error.to_string().contains("does not declare its content size"), "{error}");

    // Damage: the source's frame cut short, the body's frame made to claim a huge size.
    sqlx::query("UPDATE sources SET bytes = substr(bytes, 1, 40)")
        .execute(&mut conn)
        .await
        .unwrap();
    let mut forged = body.clone();
    forged.truncate(4);
    // Header: 8-byte content size, a window byte, then a size of 2^48.
    forged.extend_from_slice(&[0xc0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    sqlx::query("UPDATE records SET body = $1").bind(&forged).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let error = store.source(&source.sha256).await.unwrap_err();
    assert!(matches!(error, Error::Corrupt { .. }), "{error}");
    let error = store.get(&seed.id).await.unwrap_err();
    assert!(matches!(error, Error::Corrupt { .. }), "{error}");
    let report = store.fixity(&mut |_, _| {}).await.unwrap();
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].records, vec![seed.id.clone()]);
    store.close().await;
}

#[tokio::test]
async fn harvest_views_of_the_change_sequence() {
    let store = fresh().await;
    assert!(store.first_change_at().await.unwrap().is_none());
    let letter_id = letter("x").id;
    let telegram_id = telegram().id;
    store.import(&[letter("First."), telegram()], &[], T0).await.unwrap();
    store.import(&[letter("Second.")], &[], T1).await.unwrap();
    assert!(store.delete(&telegram_id, T2, None).await.unwrap());
    assert_eq!(store.first_change_at().await.unwrap(), Some(T0));

    // Each record once, at its newest change, in change order.
    let latest = store.latest_changes(0, None, None, None, 10).await.unwrap();
    let seen: Vec<(&str, ChangeKind)> =
        latest.iter().map(|c| (c.record_id.as_str(), c.kind)).collect();
    assert_eq!(
        seen,
        [(letter_id.as_str(), ChangeKind::Updated), (telegram_id.as_str(), ChangeKind::Deleted)]
    );
    // Paging past the first, and bounds at second granularity (inclusive).
    assert_eq!(store.latest_changes(latest[0].seq, None, None, None, 10).await.unwrap().len(), 1);
    let at_t1 = store
        .latest_changes(0, Some("2026-11-28T11:00:00"), Some("2026-11-28T11:00:00"), None, 10)
        .await
        .unwrap();
    assert_eq!(at_t1.len(), 1);
    assert_eq!(at_t1[0].record_id, letter_id);
    assert!(
        store
            .latest_changes(0, Some("2026-11-28T12:00:01"), None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        store.latest_change_of(&telegram_id).await.unwrap().unwrap().kind,
        ChangeKind::Deleted
    );
    assert!(store.latest_change_of(&RecordId::parse("never").unwrap()).await.unwrap().is_none());
    // The tombstone keeps the last version; current records are not "withdrawn".
    let withdrawn = store.withdrawn(&telegram_id).await.unwrap().unwrap();
    assert_eq!(withdrawn.record.title, "Telegram from Belgrade to Moscow");
    assert!(store.withdrawn(&letter_id).await.unwrap().is_none());

    // Several records in one query; deleted and unknown ids are left out.
    let many = store
        .get_many(&[letter_id.clone(), telegram_id.clone(), RecordId::parse("never").unwrap()])
        .await
        .unwrap();
    assert_eq!(many.len(), 1);
    assert_eq!(many[0].record.summary.as_deref(), Some("Second."));
    assert!(store.get_many(&[]).await.unwrap().is_empty());
    assert!(store.collections().await.unwrap().is_empty());
}

#[tokio::test]
async fn authorities_in_one_query_keep_the_asked_order() {
    let store = fresh().await;
    let entry = |key: &str, name: &str| Authority {
        key: key.into(),
        kind: AuthorityKind::Person,
        name: name.into(),
        description: format!("about {name}"),
    };
    let mut batch = store.begin_import(T0, ImportPolicy::default()).await.unwrap();
    batch.add_entities(&[entry("v#a", "Tito"), entry("v#b", "Mates")], &[]).await.unwrap();
    batch.commit().await.unwrap();
    let keys: Vec<String> = ["v#b", "v#none", "v#a"].map(String::from).to_vec();
    let found = store.authorities(&keys).await.unwrap();
    assert_eq!(found.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Mates", "Tito"]);
    assert_eq!(found[0].description, "about Mates");
    assert!(store.authorities(&[]).await.unwrap().is_empty());
    assert_eq!(store.authority("v#a").await.unwrap().unwrap().name, "Tito");
}

/// Regression (issue 10): a truncated copy, or an unrelated record of another kind of source,
/// replaced a stored record without a word.
#[tokio::test]
async fn replacements_that_lose_something_are_refused_unless_asked() {
    let store = fresh().await;
    let full = letter(&"A long summary of the letter. ".repeat(20));
    store.import(std::slice::from_ref(&full), &[], T0).await.unwrap();

    // A copy that lost most of its summary and its text.
    let truncated = record(
        "letter.txt",
        "**August 11, 1954**\n\n**Letter from Tito to Khrushchev**\n\n**Summary:**\n\nA long\n",
    );
    let mut batch = store.begin_import(T1, ImportPolicy::default()).await.unwrap();
    assert!(batch.add(std::slice::from_ref(&truncated), &[]).await.unwrap().is_empty());
    let refusal = batch.refusals()[0].to_string();
    assert!(refusal.contains("texts: 1 of 1 would be lost"), "{refusal}");
    assert!(refusal.contains("characters") && refusal.contains("--replace"), "{refusal}");
    assert!(matches!(batch.commit().await, Err(Error::Refused { count: 1 })));
    assert_eq!(store.get(&full.id).await.unwrap().unwrap().record, full, "nothing was written");

    // The same content from another kind of source (JSON over a text record).
    let mut from_json = full.clone();
    from_json.provenance.as_mut().unwrap().format = "json".into();
    from_json.provenance.as_mut().unwrap().sha256 = "other".into();
    from_json.summary = Some(format!("{} More.", full.summary.as_deref().unwrap()));
    let mut batch = store.begin_import(T1, ImportPolicy::default()).await.unwrap();
    batch.add(std::slice::from_ref(&from_json), &[]).await.unwrap();
    let refusal = batch.refusals()[0].to_string();
    assert!(refusal.contains("a text source, with a json one"), "{refusal}");
    drop(batch);

    // Asked for, it is replaced, and the full version stays a revision.
    let replace = ImportPolicy { replace: true, ..ImportPolicy::default() };
    let mut batch = store.begin_import(T1, replace).await.unwrap();
    let outcomes = batch.add(std::slice::from_ref(&truncated), &[]).await.unwrap();
    batch.commit().await.unwrap();
    assert_eq!((outcomes[0].action, outcomes[0].revision), (Action::Updated, 2));
    assert_eq!(store.revisions(&full.id).await.unwrap()[0].record, full);

    // The same source bytes again are never a loss (a newer reader may read them otherwise).
    let mut same_bytes = truncated.clone();
    same_bytes.summary = None;
    let outcomes = store.import(&[same_bytes], &[], T2).await.unwrap();
    assert_eq!(outcomes[0].action, Action::Updated);
}

/// Regression (issue 10): no command showed or restored an earlier revision.
#[tokio::test]
async fn a_revision_is_shown_and_brought_back_as_a_new_one() {
    let store = fresh().await;
    let id = letter("x").id;
    store.import(&[letter("First.")], &[], T0).await.unwrap();
    store.import(&[letter("Second.")], &[], T1).await.unwrap();
    assert_eq!(
        store.at_revision(&id, 1).await.unwrap().unwrap().summary.as_deref(),
        Some("First.")
    );
    assert_eq!(
        store.at_revision(&id, 2).await.unwrap().unwrap().summary.as_deref(),
        Some("Second.")
    );
    assert!(store.at_revision(&id, 3).await.unwrap().is_none());

    let outcome = store.revert(&id, 1, T2, None).await.unwrap();
    assert_eq!((outcome.action, outcome.revision), (Action::Updated, 3));
    let current = store.get(&id).await.unwrap().unwrap();
    assert_eq!((current.revision, current.record.summary.as_deref()), (3, Some("First.")));
    assert_eq!(store.revisions(&id).await.unwrap().len(), 2, "revisions 1 and 2 are both kept");
    assert_eq!(store.revert(&id, 3, T2, None).await.unwrap().action, Action::Unchanged);
    assert!(matches!(store.revert(&id, 9, T2, None).await, Err(Error::NotFound(_))));

    // A deleted record comes back through a revert, as a created change.
    store.delete(&id, T2, None).await.unwrap();
    let outcome = store.revert(&id, 2, T2, None).await.unwrap();
    assert_eq!((outcome.action, outcome.revision), (Action::Created, 4));
    assert_eq!(store.latest_change_of(&id).await.unwrap().unwrap().kind, ChangeKind::Created);
}

/// Regression (issue 10): a read-only data folder made even reading commands fail.
#[tokio::test]
async fn a_read_only_folder_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open(&data).await.unwrap();
    store.import(&[telegram()], &[], T0).await.unwrap();
    store.close().await;

    let store = Store::open_read_only(&data).await.unwrap();
    assert!(store.is_read_only());
    assert_eq!(store.count().await.unwrap(), 1);
    assert!(matches!(store.delete(&telegram().id, T1, None).await, Err(Error::ReadOnly)));
    assert!(matches!(store.begin_import(T1, ImportPolicy::default()).await, Err(Error::ReadOnly)));
    store.close().await;
    assert!(matches!(
        Store::open_read_only(&dir.path().join("none")).await,
        Err(Error::NoStore { .. })
    ));
}

/// Regression (issue 10): an OAI-PMH set was filtered record by record after reading every
/// change; the collection column answers it in the query.
#[tokio::test]
async fn changes_of_one_collection() {
    let store = fresh().await;
    let in_collection = |id: &str, collection: &str| {
        let mut record = telegram();
        record.id = RecordId::parse(id).unwrap();
        record.collection_id = Some(collection.to_string());
        record
    };
    store
        .import(
            &[
                in_collection("a", "v1/ch1"),
                in_collection("b", "v1/ch2"),
                in_collection("c", "v10/ch1"),
                in_collection("d", "v1"),
            ],
            &[],
            T0,
        )
        .await
        .unwrap();
    store.delete(&RecordId::parse("b").unwrap(), T1, None).await.unwrap();
    let ids = |changes: Vec<chancery_store::Change>| -> Vec<String> {
        changes.iter().map(|c| c.record_id.to_string()).collect()
    };
    assert_eq!(
        ids(store.latest_changes(0, None, None, Some("v1"), 10).await.unwrap()),
        ["a", "d", "b"]
    );
    assert_eq!(ids(store.latest_changes(0, None, None, Some("v1/ch1"), 10).await.unwrap()), ["a"]);
    assert_eq!(ids(store.latest_changes(0, None, None, Some("v10"), 10).await.unwrap()), ["c"]);
    assert!(store.latest_changes(0, None, None, Some("v2"), 10).await.unwrap().is_empty());
}

/// A database at schema version 2 migrates to 3: each record's collection is read out of its
/// body into the new column, tombstones included.
#[tokio::test]
async fn migrates_from_version_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(chancery_store::DATABASE_FILE);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY NOT NULL, description TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) STRICT;
         INSERT INTO schema_migrations (version, description) VALUES (1, 'initial schema'), (2, 'collections and authorities');",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for sql in [
        include_str!("../../migrations/sqlite/0001_initial.sql"),
        include_str!("../../migrations/sqlite/0002_collections_authorities.sql"),
    ] {
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    }
    sqlx::raw_sql(
        r#"INSERT INTO records (id, title, date_printed, body, body_version, revision, created_at, updated_at, deleted_at)
           VALUES ('v/d1', 'In a chapter', '1954',
               '{"title":"In a chapter","date_printed":"1954","date_edtf":null,"doc_type":null,"authors":[],"recipients":[],"citation":null,"summary":null,"credits":null,"original_languages":[],"texts":[],"subjects":[],"places":[],"collections":[],"extra_sections":[],"collection_id":"v/ch1"}',
               1, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', NULL),
                  ('v/d2', 'Withdrawn', '1954',
               '{"title":"Withdrawn","date_printed":"1954","date_edtf":null,"doc_type":null,"authors":[],"recipients":[],"citation":null,"summary":null,"credits":null,"original_languages":[],"texts":[],"subjects":[],"places":[],"collections":[],"extra_sections":[],"collection_id":"v/ch2"}',
               1, 1, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', '2026-11-02T00:00:00Z');
           INSERT INTO changes (record_id, kind, revision, at) VALUES
               ('v/d1', 'created', 1, '2026-11-01T00:00:00Z'), ('v/d2', 'created', 1, '2026-11-01T00:00:00Z'),
               ('v/d2', 'deleted', 1, '2026-11-02T00:00:00Z');"#,
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 11);
    let in_set = |changes: Vec<chancery_store::Change>| -> Vec<(String, ChangeKind)> {
        changes.iter().map(|c| (c.record_id.to_string(), c.kind)).collect()
    };
    assert_eq!(
        in_set(store.latest_changes(0, None, None, Some("v"), 10).await.unwrap()),
        [("v/d1".to_string(), ChangeKind::Created), ("v/d2".to_string(), ChangeKind::Deleted)]
    );
    assert_eq!(
        in_set(store.latest_changes(0, None, None, Some("v/ch2"), 10).await.unwrap()).len(),
        1
    );
}

/// A database at schema version 3 migrates to 4 (issue 11): FRUS ids stored in lower case get
/// the edition's spelling, a Wilson Center slug id gets `wcda-<slug>`, records with ids of their
/// own keep them; the old ids resolve, and each record keeps its OAI-PMH identifier.
#[tokio::test]
async fn migrates_from_version_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(chancery_store::DATABASE_FILE);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY NOT NULL, description TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) STRICT;
         INSERT INTO schema_migrations (version, description) VALUES (1, 'a'), (2, 'b'), (3, 'c');",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for sql in [
        include_str!("../../migrations/sqlite/0001_initial.sql"),
        include_str!("../../migrations/sqlite/0002_collections_authorities.sql"),
        include_str!("../../migrations/sqlite/0003_record_collection.sql"),
    ] {
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    }
    let body = |title: &str, url: &str| {
        format!(
            r#"{{"title":"{title}","date_printed":"1954","date_edtf":null,"doc_type":null,"authors":[],"recipients":[],"citation":{{"text":"c","publisher":null,"archive":null,"archive_english":null,"fonds":null,"signature":null,"translator":null,"source_url":"{url}"}},"summary":null,"credits":null,"original_languages":[],"texts":[],"subjects":[],"places":[],"collections":[],"extra_sections":[]}}"#
        )
    };
    let nehru = "https://digitalarchive.wilsoncenter.org/document/letter-from-nehru-to-khrushchev";
    for (id, title, url) in [
        (
            "frus1917-72pubdip/d1",
            "FRUS",
            "https://history.state.gov/historicaldocuments/frus1917-72PubDip/d1",
        ),
        (
            "digitalarchive-wilsoncenter-org-document-letter-from-nehru-to-khrushchev",
            "Nehru",
            nehru,
        ),
        ("own-id", "Own", "https://history.state.gov/historicaldocuments/frus1917-72PubDip/d2"),
    ] {
        sqlx::query(
            "INSERT INTO records (id, title, date_printed, body, body_version, revision, created_at, updated_at)
             VALUES ($1, $2, '1954', $3, 1, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
        )
        .bind(id)
        .bind(title)
        .bind(body(title, url))
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::query("INSERT INTO changes (record_id, kind, revision, at) VALUES ($1, 'created', 1, '2026-11-01T00:00:00Z')")
            .bind(id)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    // Two documents of an edition, stored before records had a position in it.
    for (id, number) in [("frus1955-57v26/d10", "10"), ("frus1955-57v26/d9", "9")] {
        let body = format!(
            r#"{{"title":"Memorandum {number}","date_printed":"1955","date_edtf":null,"doc_type":null,"authors":[],"recipients":[],"citation":null,"summary":null,"credits":null,"original_languages":[],"texts":[],"subjects":[],"places":[],"collections":[],"extra_sections":[],"number":"{number}","collection_id":"frus1955-57v26/ch1","edition":{{"series":"FRUS","subseries":null,"volume":"XXVI","volume_title":null,"editors":[],"publisher":null,"place":null,"year":null}}}}"#
        );
        sqlx::query(
            "INSERT INTO records (id, title, date_printed, body, body_version, revision, created_at, updated_at, collection_id)
             VALUES ($1, 'M', '1955', $2, 1, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', 'frus1955-57v26/ch1')",
        )
        .bind(id)
        .bind(body)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 11);
    let id = |text: &str| RecordId::parse(text).unwrap();
    // Placed by their numbers, 9 before 10 (not as text, where "10" < "9").
    let contents = store.edition_contents("frus1955-57v26").await.unwrap();
    let order: Vec<(&str, u32)> = contents.iter().map(|p| (p.id.as_str(), p.position)).collect();
    assert_eq!(order, [("frus1955-57v26/d9", 1), ("frus1955-57v26/d10", 2)]);
    let frus = store.get(&id("frus1917-72pubdip/d1")).await.unwrap().unwrap();
    assert_eq!(frus.record.id.as_str(), "frus1917-72PubDip/d1", "spelled as the edition spells it");
    assert_eq!(frus.oai_id, "frus1917-72pubdip/d1", "the OAI-PMH identifier never changes");
    assert_eq!(
        store.resolve(&id("FRUS1917-72PUBDIP/D1")).await.unwrap().unwrap().as_str(),
        "frus1917-72PubDip/d1"
    );
    let old_nehru = id("digitalarchive-wilsoncenter-org-document-letter-from-nehru-to-khrushchev");
    let resolved = store.resolve(&old_nehru).await.unwrap().unwrap();
    assert_eq!(resolved.as_str(), "wcda-letter-from-nehru-to-khrushchev");
    let stored = store.get(&resolved).await.unwrap().unwrap();
    assert_eq!(stored.oai_id, old_nehru.as_str());
    assert!(store.get(&id("own-id")).await.unwrap().is_some(), "an id of its own is kept");
    // The change sequence names the records by their ids now.
    let changes = store.changes_after(0, 10).await.unwrap();
    let named: Vec<&str> = changes.iter().map(|c| c.record_id.as_str()).collect();
    assert_eq!(named, ["frus1917-72PubDip/d1", "wcda-letter-from-nehru-to-khrushchev", "own-id"]);
    assert_eq!(store.latest_change_of(&old_nehru).await.unwrap(), None, "aliases are for lookups");
    assert_eq!(store.latest_change_of(&resolved).await.unwrap().unwrap().seq, 2);
}

/// Ids ignore case (issue 11): a record imported again with its id spelled otherwise is the same
/// record, and keeps the spelling it was first stored with.
#[tokio::test]
async fn an_id_in_another_case_is_the_same_record() {
    let store = fresh().await;
    let mut first = letter("First.");
    first.id = RecordId::parse("Letter-A").unwrap();
    store.import(std::slice::from_ref(&first), &[], T0).await.unwrap();
    let mut again = letter("Second, longer than the first.");
    again.id = RecordId::parse("LETTER-a").unwrap();
    let outcomes = store.import(&[again], &[], T1).await.unwrap();
    assert_eq!((outcomes[0].action, outcomes[0].id.as_str()), (Action::Updated, "Letter-A"));
    assert_eq!(store.count().await.unwrap(), 1);
    let stored = store.get(&RecordId::parse("letter-a").unwrap()).await.unwrap().unwrap();
    assert_eq!(stored.record.id.as_str(), "Letter-A");
    // Two spellings of one id in one batch are one id twice.
    let mut twin = letter("x");
    twin.id = RecordId::parse("letter-A").unwrap();
    let error = store.import(&[first.clone(), twin], &[], T2).await.unwrap_err();
    assert!(matches!(error, Error::DuplicateId { .. }), "{error}");
}

/// A volume's records keep the order the volume prints them in (issue 12): its table of contents,
/// and each record's previous and next, follow it; a deleted record leaves the order.
#[tokio::test]
async fn a_volume_keeps_its_order() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/test_data/tei/frus_trust.xml");
    let bytes = std::fs::read(&path).unwrap();
    let parsed = chancery_ingest::tei::parse(&Source {
        path: "frus_trust.xml",
        bytes: &bytes,
        imported_at: T0,
    });
    let store = fresh().await;
    store.import(&parsed.records, &[], T0).await.unwrap();

    // Lists read records without their TEI fragments, and nothing else differs.
    let ids: Vec<RecordId> = parsed.records.iter().map(|r| r.id.clone()).collect();
    let mut whole = store.get_many(&ids).await.unwrap();
    let mut lean = store.get_many_without_tei(&ids).await.unwrap();
    assert_eq!((whole.len(), lean.len()), (ids.len(), ids.len()));
    assert!(whole.iter().all(|s| s.record.tei.is_some()), "every TEI record has its fragment");
    whole.sort_by(|a, b| a.record.id.as_str().cmp(b.record.id.as_str()));
    lean.sort_by(|a, b| a.record.id.as_str().cmp(b.record.id.as_str()));
    for (mut whole, lean) in whole.into_iter().zip(lean) {
        assert_eq!(lean.record.tei, None);
        whole.record.tei = None;
        assert_eq!(whole, lean);
    }

    let contents = store.edition_contents("FRUS-TRUST-V9").await.unwrap();
    let ids: Vec<&str> = contents.iter().map(|p| p.id.as_str()).collect();
    let printed: Vec<&str> = parsed.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, printed, "the volume's own order");
    assert!(
        ids.iter().position(|i| i.ends_with("/anon8"))
            < ids.iter().position(|i| i.ends_with("/d7"))
    );
    let positions: Vec<u32> = contents.iter().map(|p| p.position).collect();
    assert_eq!(positions, (1..=contents.len() as u32).collect::<Vec<_>>());

    let id = |text: &str| RecordId::parse(text).unwrap();
    let place = store.edition_place(&id("frus-trust-v9/d2")).await.unwrap().unwrap();
    assert_eq!(place.volume_id, "frus-trust-v9");
    assert_eq!(place.previous.as_ref().unwrap().id.as_str(), "frus-trust-V9/d1");
    assert_eq!(place.next.as_ref().unwrap().id.as_str(), "frus-trust-V9/d3");
    let documents = contents
        .iter()
        .filter(|p| p.kind != chancery_model::record::RecordKind::FrontMatter)
        .count();
    assert_eq!((place.ordinal, place.of as usize), (2, documents));
    let first = store.edition_place(&id("frus-trust-V9/persons")).await.unwrap().unwrap();
    assert_eq!((first.ordinal, first.previous), (0, None), "front matter is not a document");

    assert!(store.delete(&id("frus-trust-V9/d2"), T1, None).await.unwrap());
    let place = store.edition_place(&id("frus-trust-V9/d1")).await.unwrap().unwrap();
    assert_eq!(place.next.unwrap().id.as_str(), "frus-trust-V9/d3");
    assert_eq!(place.of as usize, documents - 1);
    assert_eq!(store.edition_place(&id("frus-trust-V9/d2")).await.unwrap(), None);
    // Brought back by an import that may undelete, it is in its place again.
    let policy = ImportPolicy { undelete: true, ..ImportPolicy::default() };
    let mut batch = store.begin_import(T2, policy).await.unwrap();
    batch.add(&parsed.records, &[]).await.unwrap();
    batch.commit().await.unwrap();
    assert_eq!(store.edition_contents("frus-trust-v9").await.unwrap(), contents);
    // A record with no edition has no place.
    assert_eq!(store.edition_place(&telegram().id).await.unwrap(), None);
}

/// A store of version 6 with a person whose names cite the chiefs-of-mission data: migration 7
/// links the person to that office holder, so that the holder's posts show once imported.
#[tokio::test]
async fn migrates_from_version_6_linking_persons_to_office_holders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(chancery_store::DATABASE_FILE);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY NOT NULL, description TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) STRICT;
         INSERT INTO schema_migrations (version, description)
             VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f');",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for sql in [
        include_str!("../../migrations/sqlite/0001_initial.sql"),
        include_str!("../../migrations/sqlite/0002_collections_authorities.sql"),
        include_str!("../../migrations/sqlite/0003_record_collection.sql"),
        include_str!("../../migrations/sqlite/0004_ids_as_given.sql"),
        include_str!("../../migrations/sqlite/0005_edition_places.sql"),
        include_str!("../../migrations/sqlite/0006_persons.sql"),
    ] {
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    }
    sqlx::raw_sql(
        r#"INSERT INTO persons (id, hsg_id, name, body, updated_at) VALUES
             ('dulles-john-foster', '9001', 'Dulles, John Foster',
              '{"variants":[["John Foster Dulles",["https://history.state.gov/departmenthistory/people/dulles-john-foster"]]],"remarks":[],"entries":[]}',
              '2026-01-01T00:00:00Z'),
             ('tito-josip-broz', '9005', 'Tito, Josip Broz',
              '{"variants":[["Tito",["https://history.state.gov/departmenthistory/visits/yugoslavia"]]],"remarks":[],"entries":[]}',
              '2026-01-01T00:00:00Z');"#,
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 11);
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/test_data/offices/pocom.xml"),
    )
    .unwrap();
    let parsed = chancery_ingest::parse(&chancery_ingest::Source {
        path: "pocom.xml",
        bytes: &bytes,
        imported_at: OffsetDateTime::UNIX_EPOCH,
    });
    let mut batch = store.begin_import(T0, chancery_store::ImportPolicy::default()).await.unwrap();
    batch.add_offices(parsed.offices.as_deref().unwrap()).await.unwrap();
    batch.commit().await.unwrap();
    let dulles = chancery_model::person::PersonId::parse("dulles-john-foster").unwrap();
    let held = store.positions_of_person(&dulles).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].post, "Secretary of State");
    assert_eq!(held[0].person.as_ref(), Some(&dulles));
    let tito = chancery_model::person::PersonId::parse("tito-josip-broz").unwrap();
    assert!(store.positions_of_person(&tito).await.unwrap().is_empty());
    // Who held the office on a day, and on the day it changed hands, both.
    let on = |day: &'static str| {
        let store = &store;
        async move {
            store
                .office_holders_on("secretary", day)
                .await
                .unwrap()
                .into_iter()
                .map(|h| h.position.holder)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(on("1955-06-01").await, ["dulles-john-foster"]);
    assert_eq!(on("1959-04-22").await, ["dulles-john-foster", "herter-christian-archibald"]);
    assert_eq!(on("1960-01-01").await, ["herter-christian-archibald"]);
    assert!(on("1950-01-01").await.is_empty());
    assert_eq!(
        store.principal_offices().await.unwrap(),
        [("secretary".to_string(), "Secretary of State".to_string())]
    );
    let chiefs = store.chiefs_of_mission("yugoslavia").await.unwrap();
    assert_eq!(
        chiefs[0].holder.as_ref().map(|h| h.name.as_str()),
        Some("Riddleberger, James Williams")
    );
    let countries = store.countries().await.unwrap();
    assert_eq!(countries.len(), 1);
    assert_eq!(countries[0].years, Some(("1953".to_string(), "1958".to_string())));
}

/// A backup is the database as one read transaction saw it: the copy opens, holds the same
/// records and changes, is sound by SQLite's integrity check, and is never written over.
#[tokio::test]
async fn a_backup_is_a_whole_copy_that_opens() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("data")).await.unwrap();
    store.import(&[letter("First."), telegram()], &[], T0).await.unwrap();
    assert_eq!(store.integrity_problems().await.unwrap(), Vec::<String>::new());
    let copy_dir = dir.path().join("copy");
    std::fs::create_dir(&copy_dir).unwrap();
    let file = copy_dir.join(chancery_store::DATABASE_FILE);
    store.backup_into(&file).await.unwrap();
    // Written after the backup: not in it.
    store.import(&[letter("Second.")], &[], T1).await.unwrap();
    assert!(store.backup_into(&file).await.is_err(), "never over an existing file");
    let copy = Store::open(&copy_dir).await.unwrap();
    assert_eq!(copy.integrity_problems().await.unwrap(), Vec::<String>::new());
    assert_eq!(copy.count().await.unwrap(), 2);
    assert_eq!(copy.last_change().await.unwrap(), 2);
    assert_eq!(store.last_change().await.unwrap(), 3);
    let id = letter("First.").id;
    let kept = copy.get(&id).await.unwrap().unwrap();
    assert_eq!(kept.record.summary.as_deref(), Some("First."));
}

mod copy;
mod curation;
mod feed;
mod statistics;
