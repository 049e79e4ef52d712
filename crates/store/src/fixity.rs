//! Fixity: every stored source file hashed again and compared with the SHA-256 it was stored
//! under, which is also what its records' provenance cites.

use chancery_model::id::{RecordId, hex};
use sha2::{Digest, Sha256};

use crate::{Result, Store};

/// A stored source whose bytes no longer hash to the SHA-256 it was stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixityFailure {
    /// The SHA-256 it was stored under (and its records cite).
    pub sha256: String,
    /// What its bytes hash to now.
    pub found: String,
    /// The path it was imported from.
    pub path: String,
    /// The current records imported from it.
    pub records: Vec<RecordId>,
}

/// What a fixity check found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FixityReport {
    /// How many source files were hashed.
    pub sources: u64,
    /// How many bytes they hold.
    pub bytes: u64,
    /// Every source that no longer matches.
    pub failures: Vec<FixityFailure>,
}

impl Store {
    /// Hashes every stored source file again, one at a time (a source is read whole: they are
    /// bounded by the import limits), calling `progress(done, total)` after each.
    pub async fn fixity(
        &self,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<FixityReport> {
        let keys: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM sources ORDER BY sha256")
            .fetch_all(&self.pool)
            .await?;
        let total = keys.len() as u64;
        let mut report = FixityReport::default();
        for sha256 in keys {
            let row: Option<(String, String, Vec<u8>)> =
                sqlx::query_as("SELECT path, encoding, bytes FROM sources WHERE sha256 = $1")
                    .bind(&sha256)
                    .fetch_optional(&self.pool)
                    .await?;
            let Some((path, encoding, kept)) = row else { continue };
            // Bytes that no longer decode fail fixity like bytes that hash otherwise.
            let (found, bytes) = match crate::sources::decode(&sha256, &encoding, kept) {
                Ok(bytes) => (hex(&Sha256::digest(&bytes)), bytes),
                Err(_) => ("(the kept bytes do not decode)".to_string(), Vec::new()),
            };
            report.sources += 1;
            report.bytes += bytes.len() as u64;
            if found != sha256 {
                let ids: Vec<String> = sqlx::query_scalar(
                    "SELECT id FROM records WHERE source_sha256 = $1 AND deleted_at IS NULL ORDER BY id",
                )
                .bind(&sha256)
                .fetch_all(&self.pool)
                .await?;
                let records = ids.iter().filter_map(|id| RecordId::parse(id).ok()).collect();
                report.failures.push(FixityFailure { sha256, found, path, records });
            }
            progress(report.sources, total);
        }
        Ok(report)
    }
}
