//! A consistent copy of the whole database, taken while others read and write it.

use std::path::Path;

use crate::{Backend, Error, Result, Store};

impl Store {
    /// Writes a copy of the database to `file` (which must not exist): one read transaction, so
    /// the copy holds every import batch whole or not at all, whatever is being written
    /// meanwhile (SQLite's `VACUUM INTO`, which also leaves out free pages).
    /// On PostgreSQL the database is backed up by PostgreSQL's own tools (`pg_dump`,
    /// `pg_basebackup` and WAL archiving; see `docs/deploy.md`): refused, saying so.
    pub async fn backup_into(&self, file: &Path) -> Result<()> {
        if self.backend == Backend::Postgres {
            return Err(Error::Rejected(
                "this store is in PostgreSQL: back it up with PostgreSQL's tools (pg_dump, or \
                 pg_basebackup with WAL archiving; see docs/deploy.md). `chancery backup` copies \
                 an embedded store"
                    .to_string(),
            ));
        }
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
    /// when it is. PostgreSQL checks its own pages as it reads them (data checksums, `amcheck`
    /// for an operator's deeper check): there, a query that reaches the database is the check.
    pub async fn integrity_problems(&self) -> Result<Vec<String>> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT count(*) FROM schema_migrations").execute(&self.pool).await?;
            return Ok(Vec::new());
        }
        let rows: Vec<(String,)> =
            sqlx::query_as("PRAGMA integrity_check").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|(line,)| line).filter(|line| line != "ok").collect())
    }
}
