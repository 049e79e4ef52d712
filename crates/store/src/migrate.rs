//! Versioned schema migrations: numbered SQL files applied in order, each in its own
//! transaction, recorded in `schema_migrations`.

use sqlx::SqlitePool;

use crate::{Error, Result};

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
];

/// The newest schema version this build knows.
pub(crate) const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(crate) async fn current_version(pool: &SqlitePool) -> Result<i64> {
    let version: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM schema_migrations").fetch_one(pool).await?;
    Ok(version.unwrap_or(0))
}

pub(crate) async fn run(pool: &SqlitePool) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     INTEGER PRIMARY KEY NOT NULL,
             description TEXT NOT NULL,
             applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         ) STRICT",
    )
    .execute(pool)
    .await?;
    let current = current_version(pool).await?;
    if current > LATEST {
        return Err(Error::NewerSchema { found: current, supported: LATEST });
    }
    for &(version, description, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > current) {
        let failed = |source| Error::Migration { version, description, source };
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(failed)?;
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
