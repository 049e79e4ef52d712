//! The exact bytes of every imported source file, by SHA-256, for fixity and exact export. They
//! are kept compressed (`codec`, `sources.encoding`); the SHA-256 is that of the bytes as imported,
//! and every read gives those bytes back.

use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::codec::{self, Encoding};
use crate::{Error, Result, Store, parse_time};

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

/// A kept source file, without its bytes, in the order sources were first kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    /// Its place in that order: strictly increasing, never reused (sources are never removed).
    pub seq: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The path it was first imported from.
    pub path: String,
    /// Its format (`text`, `json`, `tei`).
    pub format: String,
    /// When it was first kept.
    pub first_seen: OffsetDateTime,
}

impl Store {
    /// Up to `limit` kept sources after place `after`, in the order they were first kept.
    pub async fn sources_after(&self, after: i64, limit: u32) -> Result<Vec<SourceEntry>> {
        let rows = sqlx::query(
            "SELECT rowid, sha256, path, format, first_seen FROM sources WHERE rowid > $1
             ORDER BY rowid LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let sha256: String = row.try_get("sha256")?;
                let first_seen = parse_time(&sha256, &row.try_get::<String, _>("first_seen")?)?;
                Ok(SourceEntry {
                    seq: row.try_get("rowid")?,
                    path: row.try_get("path")?,
                    format: row.try_get("format")?,
                    sha256,
                    first_seen,
                })
            })
            .collect()
    }

    /// The path the source with SHA-256 `sha256` was first kept from. (Only columns before the
    /// bytes are read: a column after them would walk every overflow page of the file.)
    pub async fn source_path(&self, sha256: &str) -> Result<Option<String>> {
        let path = sqlx::query_scalar("SELECT path FROM sources WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(path)
    }

    /// The exact bytes of an imported source file, by SHA-256.
    pub async fn source(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let row: Option<(String, Vec<u8>)> =
            sqlx::query_as("SELECT encoding, bytes FROM sources WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(encoding, kept)| decode(sha256, &encoding, kept)).transpose()
    }
}

/// A kept source's bytes as imported, from its `encoding` and stored bytes.
pub(crate) fn decode(sha256: &str, encoding: &str, kept: Vec<u8>) -> Result<Vec<u8>> {
    let what = || format!("source {sha256}");
    match Encoding::parse(encoding) {
        Some(Encoding::Identity) => Ok(kept),
        Some(Encoding::Zstd) => codec::decompress(&kept, codec::MAX_SOURCE_BYTES)
            .map_err(|e| Error::corrupt_row(&what(), format!("its compressed bytes: {e}"))),
        None => Err(Error::corrupt_row(&what(), format!("unknown encoding `{encoding}`"))),
    }
}

/// Keeps a source's bytes inside an import (once: the same bytes again are the same source).
pub(crate) async fn write_source(
    tx: &mut Transaction<'static, Any>,
    source: &SourceFile,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sources (sha256, path, format, bytes, first_seen, encoding)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&source.sha256)
    .bind(&source.path)
    .bind(&source.format)
    .bind(codec::compress(&source.bytes))
    .bind(now)
    .bind(Encoding::Zstd.key())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
