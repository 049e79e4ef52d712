//! Fault injection for crash-consistency tests.
//!
//! When the environment variable `CHANCERY_FAULT` names a point (`import:stored`,
//! `index:progress`), the process aborts there, as abruptly as `kill -9`: no destructors run and
//! nothing is flushed. Only tests set it.

/// Aborts the process if `CHANCERY_FAULT` names this point.
pub(crate) fn point(name: &str) {
    if std::env::var("CHANCERY_FAULT").is_ok_and(|wanted| wanted == name) {
        std::process::abort();
    }
}
