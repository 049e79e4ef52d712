//! A consistent copy of the whole database, taken while others read and write it.

use std::path::Path;

use crate::{Error, Result, Store};

impl Store {
    /// Writes a copy of the database to `file` (which must not exist): one read transaction, so
    /// the copy holds every import batch whole or not at all, whatever is being written
    /// meanwhile (SQLite's `VACUUM INTO`, which also leaves out free pages).
    pub async fn backup_into(&self, file: &Path) -> Result<()> {
        let path = file.to_str().ok_or_else(|| Error::DataDir {
            path: file.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a backup's path must be valid UTF-8",
            ),
        })?;
        sqlx::query("VACUUM INTO ?").bind(path).execute(&self.pool).await?;
        Ok(())
    }

    /// Whether the database is sound (`PRAGMA integrity_check`): every problem it reports, none
    /// when it is.
    pub async fn integrity_problems(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("PRAGMA integrity_check").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|(line,)| line).filter(|line| line != "ok").collect())
    }
}
