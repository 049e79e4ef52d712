//! Fault injection for crash-consistency and concurrency tests.
//!
//! When the environment variable `CHANCERY_FAULT` names a point (`import:stored`,
//! `index:progress`), the process aborts there, as abruptly as `kill -9`: no destructors run and
//! nothing is flushed. When `CHANCERY_PAUSE` names a point, the process stops there once, writes
//! the file `CHANCERY_PAUSE_FILE` and waits until that file is gone, so that a test can make two
//! processes meet at a known moment. Only tests set them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Aborts the process if `CHANCERY_FAULT` names this point.
pub(crate) fn point(name: &str) {
    if std::env::var("CHANCERY_FAULT").is_ok_and(|wanted| wanted == name) {
        std::process::abort();
    }
}

/// Holds the process here (once) if `CHANCERY_PAUSE` names this point, until the test deletes
/// the file `CHANCERY_PAUSE_FILE` that this writes.
pub(crate) fn pause(name: &str) {
    static PAUSED: AtomicBool = AtomicBool::new(false);
    if !std::env::var("CHANCERY_PAUSE").is_ok_and(|wanted| wanted == name) {
        return;
    }
    let Ok(file) = std::env::var("CHANCERY_PAUSE_FILE") else { return };
    if PAUSED.swap(true, Ordering::SeqCst) || std::fs::write(&file, name).is_err() {
        return;
    }
    while std::path::Path::new(&file).exists() {
        std::thread::sleep(Duration::from_millis(10));
    }
}
