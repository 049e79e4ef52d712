//! Progress reporting: a bar on a terminal, plain lines otherwise (logs, CI).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows progress of `total` items: a bar with rate and ETA on a terminal, and otherwise a line
/// at most every two seconds.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    what: &'static str,
    /// What is counted (`records`, `source files`).
    unit: &'static str,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    pub(crate) fn new(what: &'static str) -> Progress {
        Progress::counting(what, "records")
    }

    /// Progress of something other than records.
    pub(crate) fn counting(what: &'static str, unit: &'static str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit}, {{per_sec}}, ETA {{eta}}"
                ))
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar.set_message(what);
            bar
        });
        Progress { bar, what, unit, started: Instant::now(), last_line: Instant::now() }
    }

    pub(crate) fn update(&mut self, done: u64, total: u64) {
        if done > 0 {
            crate::fault::point("index:progress");
            crate::fault::pause("index:progress");
        }
        match &self.bar {
            Some(bar) => {
                bar.set_length(total);
                bar.set_position(done);
            }
            None if self.last_line.elapsed() >= Duration::from_secs(2) || done == total => {
                let seconds = self.started.elapsed().as_secs_f64().max(0.001);
                eprintln!(
                    "{}: {done}/{total} {}, {:.0}/s",
                    self.what,
                    self.unit,
                    done as f64 / seconds
                );
                self.last_line = Instant::now();
            }
            None => {}
        }
    }

    /// Progress of an import: files done out of total, and records read so far.
    pub(crate) fn update_files(&mut self, done: u64, total: u64, n_records: u64) {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = n_records as f64 / seconds;
        match &self.bar {
            Some(bar) => {
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(format!("{}: {n_records} records ({rate:.0}/s)", self.what));
            }
            None if self.last_line.elapsed() >= Duration::from_secs(2) || done == total => {
                eprintln!(
                    "{}: {done}/{total} files, {n_records} records, {rate:.0} records/s",
                    self.what
                );
                self.last_line = Instant::now();
            }
            None => {}
        }
    }

    /// Runs `f` (which prints) without tearing the bar.
    pub(crate) fn suspend(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    pub(crate) fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
