//! Versioned schema migrations: numbered SQL files applied in order, each in its own
//! transaction, recorded in `schema_migrations`. A migration whose change SQL cannot express
//! (version 4 renames records by rules of the model) runs code after its SQL, in the same
//! transaction.
//!
//! SQLite stores came through versions 1 to 8 (`migrations/sqlite/`); a PostgreSQL store starts
//! at version 8 (`migrations/postgres/0008_schema.sql`, the same schema at once). Every later
//! migration (9: events, 10: the current records' index, 11: compressed bodies and sources) is written for both under one number, so a version means the same on
//! either.

use chancery_model::id::RecordId;
use sqlx::{Any, AnyPool, Row, Transaction};

use crate::{Backend, Error, Result, codec, dialect, stored};

/// Every migration, oldest first. Released migrations never change; add a new one instead.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial schema", include_str!("../migrations/sqlite/0001_initial.sql")),
    (
        2,
        "collections and authorities",
        include_str!("../migrations/sqlite/0002_collections_authorities.sql"),
    ),
    (
        3,
        "each record's collection as a column",
        include_str!("../migrations/sqlite/0003_record_collection.sql"),
    ),
    (
        4,
        "ids as their sources spell them, looked up without regard to case",
        include_str!("../migrations/sqlite/0004_ids_as_given.sql"),
    ),
    (
        5,
        "each record's place in its edition",
        include_str!("../migrations/sqlite/0005_edition_places.sql"),
    ),
    (6, "persons across the archive", include_str!("../migrations/sqlite/0006_persons.sql")),
    (
        7,
        "office holders and their appointments",
        include_str!("../migrations/sqlite/0007_offices.sql"),
    ),
    (
        8,
        "curation: accounts, sessions, tokens, drafts, who changed what, the audit log",
        include_str!("../migrations/sqlite/0008_curation.sql"),
    ),
    (
        9,
        "events between two parties, and visits",
        include_str!("../migrations/sqlite/0009_events.sql"),
    ),
    (
        10,
        "the current records as an index of their own",
        include_str!("../migrations/sqlite/0010_current_records.sql"),
    ),
    (
        11,
        "record bodies and source files compressed",
        include_str!("../migrations/sqlite/0011_compressed_bodies.sql"),
    ),
];

/// The PostgreSQL migrations, oldest first: the same versions from 8 on.
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        8,
        "the schema of version 8 at once: records, revisions, changes, sources, authorities, \
         collections, editions, persons, offices, curation",
        include_str!("../migrations/postgres/0008_schema.sql"),
    ),
    (
        9,
        "events between two parties, and visits",
        include_str!("../migrations/postgres/0009_events.sql"),
    ),
    (
        10,
        "the current records as an index of their own",
        include_str!("../migrations/postgres/0010_current_records.sql"),
    ),
    (
        11,
        "record bodies and source files compressed",
        include_str!("../migrations/postgres/0011_compressed_bodies.sql"),
    ),
];

/// The newest schema version this build knows.
pub(crate) const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

// Both backends reach the same newest version.
const _: () = assert!(POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.len() - 1].0 == LATEST);

pub(crate) async fn current_version(pool: &AnyPool) -> Result<i64> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM schema_migrations").fetch_one(pool).await?;
    Ok(version.unwrap_or(0))
}

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<()> {
    let (ledger, migrations) = match backend {
        Backend::Sqlite => (
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version     INTEGER PRIMARY KEY NOT NULL,
                 description TEXT NOT NULL,
                 applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             ) STRICT",
            MIGRATIONS,
        ),
        Backend::Postgres => (
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version     BIGINT PRIMARY KEY NOT NULL,
                 description TEXT NOT NULL,
                 applied_at  TEXT NOT NULL
                     DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
             )",
            POSTGRES_MIGRATIONS,
        ),
    };
    // The write lock only when there is something to write: opening a store while an import
    // holds the lock must not wait for it (a backup during an import failed so). Of processes
    // starting at once on a new store, one creates the ledger; the others find it made.
    let ledger_exists = match backend {
        Backend::Sqlite => {
            "SELECT count(*) FROM sqlite_master \
                            WHERE type = 'table' AND name = 'schema_migrations'"
        }
        Backend::Postgres => {
            "SELECT count(*) FROM pg_tables \
                              WHERE schemaname = current_schema() AND tablename = 'schema_migrations'"
        }
    };
    let found: i64 = sqlx::query_scalar(ledger_exists).fetch_one(pool).await?;
    if found == 0 {
        let mut tx = dialect::begin_write(pool, backend).await?;
        sqlx::raw_sql(ledger).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    let current = current_version(pool).await?;
    if current > LATEST {
        return Err(Error::NewerSchema { found: current, supported: LATEST });
    }
    for &(version, description, sql) in migrations.iter().filter(|(v, _, _)| *v > current) {
        let failed = |source| Error::Migration { version, description, source };
        let mut tx = dialect::begin_write(pool, backend).await?;
        // Another process may have applied it while we waited for the write lock.
        let done: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await
                .map_err(failed)?;
        if done.is_some() {
            continue;
        }
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(failed)?;
        if version == 4 {
            respell_ids(&mut tx).await?;
        }
        if version == 11 {
            compress_stored(&mut tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)")
            .bind(version)
            .bind(description)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
    }
    Ok(())
}

/// How many bodies version 11's code reads at a time.
const COMPRESS_BATCH: i64 = 256;

/// Version 11's code: every body still kept as JSON (`body_version` 1) is compressed as it is,
/// bytes for bytes (a body this build could not read stays unreadable, for `chancery check` to
/// name, rather than failing the migration), a batch at a time; then every source kept as
/// imported, one at a time (a source may be large).
async fn compress_stored(tx: &mut Transaction<'static, Any>) -> Result<()> {
    // (table, the key that names a row): only these fixed names are formatted into statements.
    for (table, key) in [("records", "id"), ("drafts", "id_key")] {
        loop {
            let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {key}, body FROM {table} WHERE body_version = 1 ORDER BY {key} LIMIT $1"
            )))
            .bind(COMPRESS_BATCH)
            .fetch_all(&mut **tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            for (row_key, body) in rows {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE {table} SET body = $2, body_version = $3 WHERE {key} = $1"
                )))
                .bind(row_key)
                .bind(codec::compress(&body))
                .bind(stored::PACKED_BODY_VERSION)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    loop {
        let rows: Vec<(String, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT record_id, revision, body FROM record_revisions WHERE body_version = 1
             ORDER BY record_id, revision LIMIT $1",
        )
        .bind(COMPRESS_BATCH)
        .fetch_all(&mut **tx)
        .await?;
        if rows.is_empty() {
            break;
        }
        for (record_id, revision, body) in rows {
            sqlx::query(
                "UPDATE record_revisions SET body = $3, body_version = $4
                 WHERE record_id = $1 AND revision = $2",
            )
            .bind(record_id)
            .bind(revision)
            .bind(codec::compress(&body))
            .bind(stored::PACKED_BODY_VERSION)
            .execute(&mut **tx)
            .await?;
        }
    }
    while let Some((sha256, bytes)) = sqlx::query_as::<_, (String, Vec<u8>)>(
        "SELECT sha256, bytes FROM sources WHERE encoding = 'identity' ORDER BY sha256 LIMIT 1",
    )
    .fetch_optional(&mut **tx)
    .await?
    {
        sqlx::query("UPDATE sources SET bytes = $2, encoding = $3 WHERE sha256 = $1")
            .bind(sha256)
            .bind(codec::compress(&bytes))
            .bind(codec::Encoding::Zstd.key())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Version 4's code: every record whose id the first rules derived from its permalink (FRUS ids
/// in lower case; Wilson Center slug permalinks as the whole host and path) gets the id the
/// permalink gives now (`frus1917-72PubDip/d1`, `wcda-<slug>`). The old id stays its OAI-PMH
/// identifier (`oai_id`, set by the SQL) and, where it differs by more than case, an alias.
/// Records with ids of their own (an `Identifier`, a JSON `id`) are left as they are.
async fn respell_ids(tx: &mut Transaction<'static, Any>) -> Result<()> {
    // The parent key changes in the same transaction as its children: checked at commit.
    sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut **tx).await?;
    let rows =
        sqlx::query("SELECT id, body, body_version FROM records").fetch_all(&mut **tx).await?;
    for row in rows {
        let old: String = row.try_get("id")?;
        let Ok(old_id) = RecordId::parse(&old) else { continue };
        // Version 4 runs before bodies were compressed (11): they are JSON text here.
        let body: String = row.try_get("body")?;
        let Ok(record) = stored::from_body(&old_id, row.try_get("body_version")?, body.as_bytes())
        else {
            continue;
        };
        let Some(url) = record.citation.as_ref().and_then(|c| c.parts.source_url.as_deref()) else {
            continue;
        };
        let (Some(before), Some(now)) =
            (RecordId::from_permalink_v1(url), RecordId::from_permalink(url))
        else {
            continue;
        };
        if before.as_str() != old || now.spelled_as(&old_id) {
            continue;
        }
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM records WHERE id_key = $1")
            .bind(now.key())
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_some_and(|id| id != old) {
            continue;
        }
        rename(tx, &old, &now).await?;
    }
    Ok(())
}

/// Gives a record a new id everywhere it is named; the old id resolves to it.
pub(crate) async fn rename(
    tx: &mut Transaction<'static, Any>,
    old: &str,
    new: &RecordId,
) -> Result<()> {
    sqlx::query("UPDATE records SET id = $2, id_key = $3 WHERE id = $1")
        .bind(old)
        .bind(new.as_str())
        .bind(new.key())
        .execute(&mut **tx)
        .await?;
    for table in ["record_revisions", "changes", "record_entities", "record_aliases"] {
        // Only a fixed table name is formatted into the statement; the ids are bound.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET record_id = $2 WHERE record_id = $1"
        )))
        .bind(old)
        .bind(new.as_str())
        .execute(&mut **tx)
        .await?;
    }
    if old.to_ascii_lowercase() != new.key() {
        sqlx::query(
            "INSERT INTO record_aliases (alias_key, record_id) VALUES ($1, $2)
             ON CONFLICT (alias_key) DO UPDATE SET record_id = excluded.record_id",
        )
        .bind(old.to_ascii_lowercase())
        .bind(new.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
