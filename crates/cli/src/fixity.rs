//! `chancery fixity`: every stored source file hashed again.

use std::path::Path;

use anyhow::Result;

use crate::data::{open_store_for_reading, rejected};
use crate::progress::Progress;

/// Hashes every stored source again; lists each that no longer matches, with its records, and
/// exits 1 if there is one.
pub(crate) async fn fixity(data: &Path) -> Result<()> {
    let store = open_store_for_reading(data).await?;
    let started = std::time::Instant::now();
    let mut progress = Progress::counting("checking fixity", "source files");
    let report = store.fixity(&mut |done, total| progress.update(done, total)).await;
    progress.finish();
    store.close().await;
    let report = report?;
    let megabytes = report.bytes as f64 / 1e6;
    let seconds = started.elapsed().as_secs_f64();
    if report.failures.is_empty() {
        println!(
            "checked {} source file(s), {megabytes:.1} MB, in {seconds:.1} s: each matches the SHA-256 it was stored under",
            report.sources
        );
        return Ok(());
    }
    for failure in &report.failures {
        let records: Vec<&str> = failure.records.iter().map(|id| id.as_str()).collect();
        println!(
            "{}: stored as sha256 {}, its bytes now hash to {}; records from it ({}): {}",
            failure.path,
            failure.sha256,
            failure.found,
            records.len(),
            if records.is_empty() { "none current".to_string() } else { records.join(", ") }
        );
    }
    Err(rejected(format!(
        "{} of {} source file(s) fail their fixity check: restore the data folder from a backup (`chancery restore`)",
        report.failures.len(),
        report.sources
    )))
}
