//! Where the store lives, and what differs between its two backends: how a connection is made,
//! how a write transaction takes the store's one write lock, and how a JSON list bound as one
//! parameter is read as a table. Everything else is SQL that both SQLite and PostgreSQL run as
//! written.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};

use crate::{BUSY_TIMEOUT, Error, Result};

/// The PostgreSQL advisory lock every write transaction holds until it commits (the ASCII of
/// "CHANCERY"): writes are one at a time, as on SQLite, so each write's checks hold until its
/// commit and change sequence values are taken in commit order, which is what lets a follower
/// read "changes after N" without ever skipping one.
pub const WRITE_LOCK: i64 = 0x4348_414E_4345_5259;

/// Connections each process keeps to PostgreSQL: enough for a serving node's concurrent reads
/// on two cores, few enough that ten nodes stay far under PostgreSQL's default of 100.
pub const POSTGRES_CONNECTIONS: u32 = 8;

/// How long a connection to PostgreSQL may take to be made or handed out before the request
/// fails with an error (rather than waiting for ever on a database that is down).
pub const POSTGRES_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An import that writes at least this many records, and at least a tenth as many as the
/// `records` table held, refreshes PostgreSQL's planner statistics before it commits: the first
/// pages served after a bulk load are then planned on the loaded tables, not on an empty
/// database's guesses (autovacuum would refresh them too, but only a minute or more later).
/// Smaller imports leave it to autovacuum, which runs by the same tenth.
pub const ANALYZE_AFTER_RECORDS: usize = 500;

/// Which database a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite in a data folder: the embedded store.
    Sqlite,
    /// A PostgreSQL database shared by any number of processes and machines.
    Postgres,
}

impl Backend {
    /// The table of strings in the JSON array bound as parameter `$n`, one column `value`.
    pub(crate) fn strings(self, n: u8) -> String {
        match self {
            Backend::Sqlite => format!("json_each(${n})"),
            Backend::Postgres => format!("json_array_elements_text(${n}::json)"),
        }
    }

    /// The table of arrays in the JSON array bound as parameter `$n`, one column `value` whose
    /// items `value ->> 0`, `value ->> 1`, … are text on both backends.
    pub(crate) fn arrays(self, n: u8) -> String {
        match self {
            Backend::Sqlite => format!("json_each(${n})"),
            Backend::Postgres => format!("json_array_elements(${n}::json)"),
        }
    }
}

/// The backend a connection (or a transaction on it) talks to.
pub(crate) fn of(connection: &AnyConnection) -> Backend {
    if connection.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Refreshes PostgreSQL's statistics of every table in the write transaction `tx`, after a batch
/// that wrote `written` records, where [`ANALYZE_AFTER_RECORDS`] says so (SQLite plans these
/// queries well without statistics: nothing to do there).
pub(crate) async fn refresh_statistics(
    tx: &mut Transaction<'static, Any>,
    written: usize,
) -> Result<()> {
    if of(tx) != Backend::Postgres || written < ANALYZE_AFTER_RECORDS {
        return Ok(());
    }
    // -1 (or 0 before PostgreSQL 14) when the table was never analyzed.
    let held: f64 = sqlx::query_scalar(
        "SELECT reltuples::float8 FROM pg_class WHERE oid = 'records'::regclass",
    )
    .fetch_one(&mut **tx)
    .await?;
    if held > 0.0 && (written as f64) * 10.0 < held {
        return Ok(());
    }
    let tables: Vec<&str> = crate::copy::table_names().collect();
    sqlx::query(sqlx::AssertSqlSafe(format!("ANALYZE {}", tables.join(", "))))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Where a store is: a data folder's SQLite database, or a PostgreSQL URL.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// The data folder holding `chancery.sqlite3`.
    Folder(PathBuf),
    /// A PostgreSQL database.
    Postgres {
        /// Its `postgres://` or `postgresql://` URL.
        url: String,
        /// A streaming replica of it to read from, if any.
        replica: Option<String>,
    },
}

impl Location {
    /// The store named by `database` (a PostgreSQL URL, read from `replica` if given) when
    /// given, else the data folder's.
    pub fn new(database: Option<&str>, replica: Option<&str>, data_dir: &Path) -> Result<Location> {
        let checked = |url: &str| {
            if requires_tls(url) {
                Err(Error::Location {
                    given: redact(url),
                    message: "this Chancery connects to PostgreSQL without TLS (it is built \
                              without a TLS stack), so it cannot meet `sslmode=require`, \
                              `verify-ca` or `verify-full`: drop the sslmode and reach the \
                              database over a private network or a tunnel (docs/deploy.md)"
                        .to_string(),
                })
            } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                Ok(url.to_string())
            } else {
                Err(Error::Location {
                    given: redact(url),
                    message: "a database is named by a postgres:// or postgresql:// URL \
                              (the embedded store is chosen with --data instead)"
                        .to_string(),
                })
            }
        };
        match (database, replica) {
            (None, None) => Ok(Location::Folder(data_dir.to_path_buf())),
            (None, Some(replica)) => Err(Error::Location {
                given: redact(replica),
                message: "a replica to read from is given with the database it replicates \
                          (--database): writes go there"
                    .to_string(),
            }),
            (Some(url), replica) => Ok(Location::Postgres {
                url: checked(url)?,
                replica: replica.map(checked).transpose()?,
            }),
        }
    }

    /// Whether the store is shared with other processes and machines (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        matches!(self, Location::Postgres { .. })
    }
}

/// Shown without a password, so that it can be logged and printed.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Folder(dir) => write!(f, "{}", dir.join(crate::DATABASE_FILE).display()),
            Location::Postgres { url, replica: None } => f.write_str(&redact(url)),
            Location::Postgres { url, replica: Some(replica) } => {
                write!(f, "{} (reading from {})", redact(url), redact(replica))
            }
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

/// A URL with its password (between `user:` and `@`) replaced by `***`, and its query (which
/// may carry `password=`) left out.
pub fn redact(url: &str) -> String {
    let url = url.split('?').next().unwrap_or_default();
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    match rest.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}")
        }
        None => url.to_string(),
    }
}

/// Whether a PostgreSQL URL demands TLS (`sslmode=require`, `verify-ca`, `verify-full`), which
/// this build cannot give; `prefer`, the default, and `allow` fall back to plain connections.
fn requires_tls(url: &str) -> bool {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    query.split('&').any(|pair| {
        pair.split_once('=').is_some_and(|(key, value)| {
            key.eq_ignore_ascii_case("sslmode")
                && ["require", "verify-ca", "verify-full"]
                    .iter()
                    .any(|mode| value.eq_ignore_ascii_case(mode))
        })
    })
}

/// The `sqlite://` URL of a database file, opened in `mode` (`rwc`, `ro`). Every byte but
/// unreserved ones is percent-encoded, so that any UTF-8 path survives URL parsing.
pub(crate) fn sqlite_url(file: &Path, mode: &str) -> Result<String> {
    let absolute = std::path::absolute(file)
        .map_err(|source| Error::DataDir { path: file.display().to_string(), source })?;
    let Some(path) = absolute.to_str() else {
        return Err(Error::DataDir {
            path: file.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the data folder's path must be valid UTF-8",
            ),
        });
    };
    let mut url = String::from("sqlite://");
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/._-~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url.push_str("?mode=");
    url.push_str(mode);
    Ok(url)
}

/// A pool of `connections` to the SQLite database at `url`; `writable` pools put the database in
/// WAL mode. A single connection never closes (an in-memory database lives as long as it).
pub(crate) async fn sqlite_pool(url: &str, connections: u32, writable: bool) -> Result<AnyPool> {
    install_default_drivers();
    let mut pragmas = vec![
        format!("PRAGMA busy_timeout = {}", BUSY_TIMEOUT.as_millis()),
        "PRAGMA foreign_keys = ON".to_string(),
    ];
    if writable {
        pragmas.push("PRAGMA journal_mode = WAL".to_string());
        pragmas.push("PRAGMA synchronous = NORMAL".to_string());
    }
    // One connection first, so that a database that cannot be opened (or written) says so at
    // once: the pool would retry a failing connection until its timeout.
    let mut probe = AnyConnection::connect(url).await?;
    for pragma in &pragmas {
        probe.execute(sqlx::AssertSqlSafe(pragma.clone())).await?;
    }
    probe.close().await?;
    let mut options =
        AnyPoolOptions::new().max_connections(connections).acquire_timeout(BUSY_TIMEOUT);
    if connections == 1 {
        options = options.min_connections(1).idle_timeout(None).max_lifetime(None);
    }
    let pool = options
        .after_connect(move |connection, _| {
            let pragmas = pragmas.clone();
            Box::pin(async move {
                for pragma in pragmas {
                    connection.execute(sqlx::AssertSqlSafe(pragma)).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(pool)
}

/// A pool of connections to the PostgreSQL database at `url`.
pub(crate) async fn postgres_pool(url: &str) -> Result<AnyPool> {
    install_default_drivers();
    let failed = |source| Error::Connect { location: redact(url), source };
    // One connection first, so that a server that is down or refuses says so at once (the pool
    // would retry until its timeout).
    let probe = tokio::time::timeout(POSTGRES_CONNECT_TIMEOUT, AnyConnection::connect(url))
        .await
        .map_err(|_| failed(sqlx::Error::PoolTimedOut))?
        .map_err(failed)?;
    probe.close().await.map_err(failed)?;
    let pool = AnyPoolOptions::new()
        .max_connections(POSTGRES_CONNECTIONS)
        .acquire_timeout(POSTGRES_CONNECT_TIMEOUT)
        .connect(url)
        .await
        .map_err(failed)?;
    Ok(pool)
}

/// A transaction holding the store's write lock (see [`crate::Store::begin_write`]). On
/// PostgreSQL the lock is waited for as long as SQLite waits for its own ([`BUSY_TIMEOUT`]).
pub(crate) async fn begin_write(
    pool: &AnyPool,
    backend: Backend,
) -> Result<Transaction<'static, Any>> {
    match backend {
        Backend::Sqlite => Ok(pool.begin_with("BEGIN IMMEDIATE").await?),
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            let timeout = format!("SET LOCAL lock_timeout = {}", BUSY_TIMEOUT.as_millis());
            tx.execute(sqlx::AssertSqlSafe(timeout)).await?;
            // The lock function returns `void`, which has no value to read: count its one row.
            sqlx::query("SELECT count(*) FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
                .bind(WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://chancery:s3cret@db.example/archive"),
            "postgres://chancery:***@db.example/archive"
        );
        assert_eq!(
            redact("postgres://chancery@db/archive?password=x"),
            "postgres://chancery@db/archive"
        );
        assert_eq!(redact("postgresql://db/archive"), "postgresql://db/archive");
        let location = Location::new(Some("postgres://u:p@h/d"), None, Path::new("x")).unwrap();
        assert_eq!(location.to_string(), "postgres://u:***@h/d");
        assert!(!format!("{location:?}").contains(":p@"));
    }

    #[test]
    fn only_postgres_urls_name_a_database() {
        assert!(Location::new(Some("mysql://h/d"), None, Path::new("x")).is_err());
        assert!(Location::new(None, Some("postgres://h/d"), Path::new("x")).is_err());
        assert!(Location::new(Some("postgres://h/d"), Some("h/d"), Path::new("x")).is_err());
        assert_eq!(
            Location::new(None, None, Path::new("x")).unwrap(),
            Location::Folder("x".into())
        );
    }

    #[test]
    fn a_url_that_demands_tls_is_refused_and_one_that_prefers_it_is_not() {
        for refused in ["require", "verify-ca", "VERIFY-FULL"] {
            let url = format!("postgres://h/d?application_name=x&sslmode={refused}");
            assert!(Location::new(Some(&url), None, Path::new("x")).is_err(), "{url}");
        }
        for accepted in ["postgres://h/d?sslmode=prefer", "postgres://h/d?sslmode=disable"] {
            assert!(Location::new(Some(accepted), None, Path::new("x")).is_ok(), "{accepted}");
        }
        // A replica is checked as the primary is.
        let replica = Some("postgres://r/d?sslmode=require");
        assert!(Location::new(Some("postgres://h/d"), replica, Path::new("x")).is_err());
    }

    #[test]
    fn any_path_survives_the_url() {
        let url = sqlite_url(Path::new("/tmp/a b?c#d%e/chancery.sqlite3"), "ro").unwrap();
        assert_eq!(url, "sqlite:///tmp/a%20b%3Fc%23d%25e/chancery.sqlite3?mode=ro");
    }
}
