//! The store's one error type.

use chancery_model::id::RecordId;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be opened, read or written. The message is the database's own;
    /// it is not repeated as a source, so an error chain prints it once.
    #[error("the database failed: {0}")]
    Database(sqlx::Error),
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// `--database` named something that is not a PostgreSQL URL.
    #[error("cannot use the database `{given}`: {message}")]
    Location {
        /// What was given (without a password).
        given: String,
        /// What to give instead.
        message: String,
    },
    /// PostgreSQL could not be reached or refused the connection.
    #[error(
        "cannot connect to the database {location}: {source} (is PostgreSQL running there, does the database exist, and may this user connect?)"
    )]
    Connect {
        /// The URL, without its password.
        location: String,
        /// Why.
        source: sqlx::Error,
    },
    /// A read-only opening found no database.
    #[error("there is no store in {path}: nothing to read (import something first)")]
    NoStore {
        /// The folder.
        path: String,
    },
    /// A migration failed; the database is left at the previous version.
    #[error("migration {version} ({description}) failed: {source}")]
    Migration {
        /// The migration's version.
        version: i64,
        /// What it does.
        description: &'static str,
        /// Why it failed.
        source: sqlx::Error,
    },
    /// The database was written by a newer Chancery.
    #[error(
        "the database is at schema version {found}, but this Chancery knows only up to {supported}: upgrade Chancery"
    )]
    NewerSchema {
        /// The database's version.
        found: i64,
        /// The newest version we know.
        supported: i64,
    },
    /// A read-only database is at an older schema, which only a writable opening can migrate.
    #[error(
        "the database is at schema version {found} and this Chancery reads version {supported}: open it once where it can be written (any command, such as `chancery check`) to upgrade it"
    )]
    OlderSchema {
        /// The database's version.
        found: i64,
        /// The version we read.
        supported: i64,
    },
    /// The store was opened read-only and was asked to write.
    #[error("the store is open read-only (the data folder cannot be written): nothing was changed")]
    ReadOnly,
    /// Two records of one batch have the same id.
    #[error(
        "two records in this import have the id `{id}`: {first} and {second}; give one of them its own **Identifier:**"
    )]
    DuplicateId {
        /// The id.
        id: String,
        /// Where the first came from.
        first: String,
        /// Where the second came from.
        second: String,
    },
    /// An import batch was committed although some of its records were refused.
    #[error(
        "{count} record(s) of this import were refused (see the refusals); nothing was imported"
    )]
    Refused {
        /// How many.
        count: usize,
    },
    /// A record or revision that was asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A curator's request the store refuses, with what to fix.
    #[error("{0}")]
    Rejected(String),
    /// An edit was made from a revision that is no longer the newest.
    #[error(
        "`{id}` was changed since this edit began (made from revision {made_from}, now at revision {current}): nothing was saved; look at the newer version and make the edit again"
    )]
    Stale {
        /// The record.
        id: String,
        /// The revision the edit was made from (0: none).
        made_from: i64,
        /// The record's revision now (0: none published).
        current: i64,
    },
    /// An edit was made from a draft version that is no longer the newest.
    #[error(
        "the draft of `{id}` was saved, published or discarded since this edit began: nothing was saved; open the draft again"
    )]
    StaleDraft {
        /// The record.
        id: String,
        /// The draft version the edit was made from.
        made_from: Option<i64>,
        /// The draft version now.
        current: Option<i64>,
    },
    /// A stored row cannot be read back; the message names the record.
    #[error("record `{id}` is stored in a form this Chancery cannot read: {message}")]
    Corrupt {
        /// The record.
        id: String,
        /// What is wrong.
        message: String,
    },
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Error {
        Error::Database(error)
    }
}

impl Error {
    /// Whether opening failed because the data folder or database cannot be written (read-only
    /// media, another user's folder), so that a read-only opening may still work.
    pub fn is_write_access(&self) -> bool {
        match self {
            Error::DataDir { source, .. } => {
                source.kind() == std::io::ErrorKind::PermissionDenied
                    || source.kind() == std::io::ErrorKind::ReadOnlyFilesystem
            }
            Error::Database(error) | Error::Migration { source: error, .. } => {
                let code = error.as_database_error().and_then(|e| e.code());
                // SQLITE_READONLY (8), SQLITE_CANTOPEN (14) and their extended codes; or the
                // WAL index that cannot be created next to the database.
                matches!(code.as_deref().and_then(|c| c.parse::<i64>().ok()), Some(c) if c & 0xff == 8 || c & 0xff == 14)
                    || matches!(error, sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied)
            }
            _ => false,
        }
    }

    pub(crate) fn corrupt(id: &RecordId, message: impl Into<String>) -> Error {
        Error::Corrupt { id: id.to_string(), message: message.into() }
    }

    /// A row other than a record's that cannot be read back.
    pub(crate) fn corrupt_row(what: &str, message: impl Into<String>) -> Error {
        Error::Corrupt { id: what.to_string(), message: message.into() }
    }
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
