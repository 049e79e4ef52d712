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
mod codec;
mod copy;
mod curation;
mod dialect;
mod drafts;
mod editions;
mod entities;
mod error;
mod events;
mod fixity;
mod imports;
mod migrate;
mod offices;
mod persons;
mod records;
mod sources;
mod stored;
mod visits;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use crate::accounts::{
    Account, AccountChange, ApiToken, MAX_ACCOUNT_NAME_BYTES, MAX_PASSWORD_BYTES,
    MAX_TOKEN_LABEL_BYTES, MIN_PASSWORD_CHARS, NewSession, Role, SESSION_IDLE, SESSION_LIFETIME,
    Session, password_problem, random_token,
};
pub use crate::audit::{Actor, AuditEntry, AuditFilter, MAX_AUDIT_PAGE, MAX_COMMENT_BYTES};
pub use crate::changes::{Change, ChangeKind};
pub use crate::copy::TableDigest;
pub use crate::curation::{Decision, MAX_REASON_BYTES, MAX_SPLIT_NAME_BYTES};
pub use crate::dialect::{
    ANALYZE_AFTER_RECORDS, Backend, Location, POSTGRES_CONNECT_TIMEOUT, POSTGRES_CONNECTIONS,
    WRITE_LOCK, redact,
};
pub use crate::drafts::{Base, Draft, MAX_DRAFTS_LISTED};
pub use crate::editions::{Place, Placed};
pub use crate::error::{Error, Result};
pub use crate::events::{EventOutcome, EventRevision, StoredEvent};
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

/// The store: a façade over the database pool that the modules share, on SQLite (a data
/// folder, the default) or PostgreSQL (a `postgres://` URL). The other crates never learn which.
#[derive(Debug, Clone)]
pub struct Store {
    /// Where reads go: the database, or a PostgreSQL streaming replica of it.
    pool: AnyPool,
    /// Where writes go, and the reads that must see the newest writes (accounts, sessions,
    /// tokens; everything a handle acting as someone reads): the database itself.
    primary: AnyPool,
    backend: Backend,
    read_only: bool,
    /// Who this handle writes as: kept with each change and audit entry.
    actor: Arc<Actor>,
}

impl Store {
    /// Opens (creating if needed) the store at `location` and brings its schema up to date.
    pub async fn open_at(location: &Location) -> Result<Store> {
        match location {
            Location::Folder(dir) => Store::open(dir).await,
            Location::Postgres { url, replica: None } => Store::open_postgres(url).await,
            Location::Postgres { url, replica: Some(replica) } => {
                Store::open_postgres_replicated(url, replica).await
            }
        }
    }

    /// Opens the store at `location` to read it: see [`Store::open_for_reading`].
    pub async fn open_at_for_reading(location: &Location) -> Result<Store> {
        match location {
            Location::Folder(dir) => Store::open_for_reading(dir).await,
            Location::Postgres { .. } => Store::open_at(location).await,
        }
    }

    /// Opens (creating if needed) the store in a data folder and brings its schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| Error::DataDir { path: data_dir.display().to_string(), source })?;
        let url = dialect::sqlite_url(&data_dir.join(DATABASE_FILE), "rwc")?;
        let pool = dialect::sqlite_pool(&url, 4, true).await?;
        migrate::run(&pool, Backend::Sqlite).await?;
        Ok(Store::over(pool, Backend::Sqlite, false))
    }

    /// Opens the PostgreSQL store at `url` (`postgres://user@host/db`), creating its schema in an
    /// empty database. The database itself must exist (`createdb`): an operations team gives it
    /// its owner, encoding and backups.
    pub async fn open_postgres(url: &str) -> Result<Store> {
        let pool = dialect::postgres_pool(url).await?;
        migrate::run(&pool, Backend::Postgres).await?;
        Ok(Store::over(pool, Backend::Postgres, false))
    }

    /// Opens the PostgreSQL store at `url` reading from `replica`, a streaming replica of it:
    /// public reads go to the replica (and may lag it by what replication lags), writes and what
    /// must see them at once (accounts, sessions, tokens, a curator's own reads) to `url`.
    pub async fn open_postgres_replicated(url: &str, replica: &str) -> Result<Store> {
        let mut store = Store::open_postgres(url).await?;
        store.pool = dialect::postgres_pool(replica).await?;
        let found = migrate::current_version(&store.pool).await?;
        if found != migrate::LATEST {
            return Err(Error::Location {
                given: redact(replica),
                message: format!(
                    "the replica is at schema version {found} and its primary at {}: is it a \
                     replica of that database, and has it caught up?",
                    migrate::LATEST
                ),
            });
        }
        Ok(store)
    }

    fn over(pool: AnyPool, backend: Backend, read_only: bool) -> Store {
        let primary = pool.clone();
        Store { pool, primary, backend, read_only, actor: Arc::new(Actor::unnamed()) }
    }

    /// Opens the store in a data folder that cannot be written (read-only media, another user's
    /// folder): no migration, no write. A database whose WAL index cannot be made beside it is
    /// read as immutable (no other process may be writing it then).
    pub async fn open_read_only(data_dir: &Path) -> Result<Store> {
        let file = data_dir.join(DATABASE_FILE);
        if !file.is_file() {
            return Err(Error::NoStore { path: data_dir.display().to_string() });
        }
        let pool = match Store::read_only_pool(&dialect::sqlite_url(&file, "ro")?).await {
            Ok(pool) => pool,
            Err(_) => {
                let url = format!("{}&immutable=true", dialect::sqlite_url(&file, "ro")?);
                Store::read_only_pool(&url).await?
            }
        };
        let found = migrate::current_version(&pool).await?;
        if found > migrate::LATEST {
            return Err(Error::NewerSchema { found, supported: migrate::LATEST });
        }
        if found < migrate::LATEST {
            return Err(Error::OlderSchema { found, supported: migrate::LATEST });
        }
        Ok(Store::over(pool, Backend::Sqlite, true))
    }

    async fn read_only_pool(url: &str) -> Result<AnyPool> {
        let pool = dialect::sqlite_pool(url, 4, false).await?;
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
        // One connection that never closes: each in-memory connection is its own database.
        let pool = dialect::sqlite_pool("sqlite::memory:", 1, true).await?;
        migrate::run(&pool, Backend::Sqlite).await?;
        Ok(Store::over(pool, Backend::Sqlite, false))
    }

    /// Which database the store is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The same store, writing as `actor` (each change and audit entry names it), and reading
    /// from the primary database, so that whoever writes sees their writes at once.
    pub fn acting_as(&self, actor: Actor) -> Store {
        Store { actor: Arc::new(actor), pool: self.primary.clone(), ..self.clone() }
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

    /// Closes the store (on SQLite, checkpointing the WAL).
    pub async fn close(self) {
        self.pool.close().await;
        self.primary.close().await;
    }

    /// Starts a write transaction, refusing on a read-only store. Writes are one at a time on
    /// either backend (SQLite's write lock, taken at `BEGIN IMMEDIATE`; on PostgreSQL the
    /// store's advisory lock, [`WRITE_LOCK`]): every check a write makes before it writes holds
    /// until it commits, and the change sequence is taken in commit order.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        dialect::begin_write(&self.primary, self.backend).await
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
