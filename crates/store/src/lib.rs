//! Chancery's embedded store: the only source of truth.
//!
//! [`Store`] keeps records in SQLite (WAL mode) in a data folder: the current version of each
//! record, every superseded version as a revision, a tombstone for each deleted record, the exact
//! bytes of every imported source file, and a change sequence that derived indexes follow.
//! Imports are atomic: [`Store::import`] writes a whole batch in one transaction or nothing, and
//! an import never silently loses what a record held (see [`ImportPolicy`]).
//!
//! The code is split by the data each part owns: `records` (current versions, revisions,
//! tombstones), `changes` (the change sequence), `entities` (authorities and collections), `editions` (each
//! record's place in its volume's order), `persons` (persons across volumes, schema 6),
//! `imports` (the write path), `sources` (source bytes); `stored` is the on-disk shape of a
//! record and `migrate` the numbered schema migrations in `migrations/sqlite/`, applied in order
//! on open. A database written by a newer Chancery is refused rather than misread.

mod accounts;
mod audit;
mod backup;
mod changes;
mod curation;
mod drafts;
mod editions;
mod entities;
mod error;
mod fixity;
mod imports;
mod migrate;
mod offices;
mod persons;
mod records;
mod sources;
mod stored;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use crate::accounts::{
    Account, AccountChange, ApiToken, MAX_ACCOUNT_NAME_BYTES, MAX_PASSWORD_BYTES,
    MAX_TOKEN_LABEL_BYTES, MIN_PASSWORD_CHARS, NewSession, Role, SESSION_IDLE, SESSION_LIFETIME,
    Session, password_problem, random_token,
};
pub use crate::audit::{Actor, AuditEntry, AuditFilter, MAX_AUDIT_PAGE, MAX_COMMENT_BYTES};
pub use crate::changes::{Change, ChangeKind};
pub use crate::curation::{Decision, MAX_REASON_BYTES, MAX_SPLIT_NAME_BYTES};
pub use crate::drafts::{Base, Draft, MAX_DRAFTS_LISTED};
pub use crate::editions::{Place, Placed};
pub use crate::error::{Error, Result};
pub use crate::fixity::{FixityFailure, FixityReport};
pub use crate::imports::{Action, ImportBatch, ImportPolicy, Outcome, Refusal};
pub use crate::offices::{CountryLine, HeldPosition};
pub use crate::persons::{
    MAX_NAME_QUERY_WORDS, MAX_PERSON_QUERY_CHARS, MAX_PERSONS_FOUND, PersonLine,
};
pub use crate::records::{Revision, StoredRecord, Summary};
pub use crate::sources::{SourceEntry, SourceFile};

/// The database file inside the data folder.
pub const DATABASE_FILE: &str = "chancery.sqlite3";
/// How long a write waits for another process's write to finish before it gives up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The embedded store: a façade over the SQLite pool that the modules share.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    read_only: bool,
    /// Who this handle writes as: kept with each change and audit entry.
    actor: Arc<Actor>,
}

impl Store {
    /// Opens (creating if needed) the store in a data folder and brings its schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| Error::DataDir { path: data_dir.display().to_string(), source })?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join(DATABASE_FILE))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        migrate::run(&pool).await?;
        Ok(Store { pool, read_only: false, actor: Arc::new(Actor::unnamed()) })
    }

    /// Opens the store in a data folder that cannot be written (read-only media, another user's
    /// folder): no migration, no write. A database whose WAL index cannot be made beside it is
    /// read as immutable (no other process may be writing it then).
    pub async fn open_read_only(data_dir: &Path) -> Result<Store> {
        let file = data_dir.join(DATABASE_FILE);
        if !file.is_file() {
            return Err(Error::NoStore { path: data_dir.display().to_string() });
        }
        let options =
            SqliteConnectOptions::new().filename(&file).read_only(true).busy_timeout(BUSY_TIMEOUT);
        let pool = match Store::read_only_pool(options.clone()).await {
            Ok(pool) => pool,
            Err(_) => Store::read_only_pool(options.immutable(true)).await?,
        };
        let found = migrate::current_version(&pool).await?;
        if found > migrate::LATEST {
            return Err(Error::NewerSchema { found, supported: migrate::LATEST });
        }
        if found < migrate::LATEST {
            return Err(Error::OlderSchema { found, supported: migrate::LATEST });
        }
        Ok(Store { pool, read_only: true, actor: Arc::new(Actor::unnamed()) })
    }

    async fn read_only_pool(options: SqliteConnectOptions) -> Result<SqlitePool> {
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        // The first read is where a WAL database without its index fails.
        sqlx::query("SELECT count(*) FROM sqlite_master").execute(&pool).await?;
        Ok(pool)
    }

    /// Opens the store to read it: writable where the folder allows, else read-only (see
    /// [`Store::open_read_only`]). Errors are those of the writable opening when neither works.
    pub async fn open_for_reading(data_dir: &Path) -> Result<Store> {
        match Store::open(data_dir).await {
            Ok(store) => Ok(store),
            Err(error) if error.is_write_access() => {
                Store::open_read_only(data_dir).await.map_err(|_| error)
            }
            Err(error) => Err(error),
        }
    }

    /// A private in-memory store, for tests.
    pub async fn open_in_memory() -> Result<Store> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        // One connection that never closes: each in-memory connection is its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        migrate::run(&pool).await?;
        Ok(Store { pool, read_only: false, actor: Arc::new(Actor::unnamed()) })
    }

    /// The same store, writing as `actor` (each change and audit entry names it).
    pub fn acting_as(&self, actor: Actor) -> Store {
        Store { actor: Arc::new(actor), ..self.clone() }
    }

    /// Who this handle writes as.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Whether the store was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<i64> {
        migrate::current_version(&self.pool).await
    }

    /// Closes the store, checkpointing the WAL.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Starts a write transaction, refusing on a read-only store.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// A UTC timestamp as the database keeps it (RFC 3339).
fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).expect("UTC timestamps format as RFC 3339")
}

/// A stored timestamp, read back; `what` names the row for the error.
fn parse_time(what: &str, text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| Error::Corrupt {
        id: what.to_string(),
        message: format!("bad timestamp `{text}`: {e}"),
    })
}
