//! The preservation copy's one error type.

use std::path::Path;

/// Everything that can go wrong reading or writing the preservation copy.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}: {cause}")]
    Io {
        /// The file or folder.
        path: String,
        /// Why (in the message, not as a source: an error chain prints it once).
        cause: std::io::Error,
    },
    /// A file is not what OCFL or Chancery says it must be.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file's bytes do not hash to the digest recorded for them.
    #[error(
        "{path}: its SHA-512 is {found}, but {expected} was recorded for it: the file changed after it was written"
    )]
    Fixity {
        /// The file.
        path: String,
        /// The recorded digest.
        expected: String,
        /// What its bytes hash to now.
        found: String,
    },
    /// The folder is not an OCFL storage root Chancery can read.
    #[error("{path} is not an OCFL 1.1 storage root Chancery wrote: {reason}")]
    NotARoot {
        /// The folder.
        path: String,
        /// Why not.
        reason: String,
    },
    /// Another process held the preservation copy for longer than a catch-up waits.
    #[error(
        "another Chancery process has been writing the preservation copy for {seconds} s; its changes are caught up by the next command"
    )]
    Busy {
        /// How long this one waited.
        seconds: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] chancery_store::Error),
}

impl Error {
    pub(crate) fn io(path: &Path, cause: std::io::Error) -> Error {
        Error::Io { path: path.display().to_string(), cause }
    }

    pub(crate) fn invalid(path: &Path, message: String) -> Error {
        Error::Invalid { path: path.display().to_string(), message }
    }
}

/// The preservation copy's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
