//! The exact bytes of every imported source file, by SHA-256, for fixity and exact export.

use sqlx::{Sqlite, Transaction};

use crate::{Result, Store};

/// A source file's exact bytes, kept for fixity.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The path it was imported from.
    pub path: String,
    /// Its format (`text`, `json`, `tei`).
    pub format: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Store {
    /// The exact bytes of an imported source file, by SHA-256.
    pub async fn source(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let bytes = sqlx::query_scalar("SELECT bytes FROM sources WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(bytes)
    }
}

/// Keeps a source's bytes inside an import (once: the same bytes again are the same source).
pub(crate) async fn write_source(
    tx: &mut Transaction<'static, Sqlite>,
    source: &SourceFile,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sources (sha256, path, format, bytes, first_seen) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&source.sha256)
    .bind(&source.path)
    .bind(&source.format)
    .bind(&source.bytes)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
