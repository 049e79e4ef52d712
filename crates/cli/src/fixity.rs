//! `chancery fixity`: every stored source file and every file of the preservation copy hashed
//! again.

use std::path::Path;

use anyhow::Result;

use crate::data::{open_store_for_reading, rejected};
use crate::progress::Progress;

/// Hashes every stored source and every file of the preservation copy again; lists each that no
/// longer matches, with the records it concerns, and exits 1 if there is one.
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
    let mut failed = Vec::new();
    if report.failures.is_empty() {
        println!(
            "checked {} source file(s), {megabytes:.1} MB, in {seconds:.1} s: each matches the SHA-256 it was stored under",
            report.sources
        );
    } else {
        failed.push(format!(
            "{} of {} source file(s) fail their fixity check",
            report.failures.len(),
            report.sources
        ));
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
    let dir = crate::data::ocfl_root(data);
    if dir.exists() {
        let started = std::time::Instant::now();
        let root = chancery_preserve::Root::open(&dir)?;
        let mut progress = Progress::counting("checking the preservation copy", "objects");
        let copy =
            chancery_preserve::fixity(&root, &mut |done, total| progress.update(done, total));
        progress.finish();
        let copy = copy?;
        if copy.failures.is_empty() {
            println!(
                "checked {} object(s) of the preservation copy, {} file(s), {:.1} MB, in {:.1} s: each matches its inventory's SHA-512",
                copy.objects,
                copy.files,
                copy.bytes as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
        }
        for failure in &copy.failures {
            println!("{}: {}", failure.object, failure.message);
        }
        if !copy.failures.is_empty() {
            failed.push(format!(
                "{} file(s) of the preservation copy fail their fixity check",
                copy.failures.len()
            ));
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(rejected(format!(
        "{}: restore the data folder from a backup (`chancery restore`), or rebuild the store from an intact preservation copy (`chancery rebuild --from-ocfl`)",
        failed.join("; ")
    )))
}
