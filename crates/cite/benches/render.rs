//! Time per citation, by style: `cargo bench -p chancery-cite --bench render`.
//! (The document page's cold render is mostly these.)

#![allow(missing_docs)]

use std::path::Path;
use std::time::Instant;

use chancery_cite::{Day, Style, bibtex, csl_json, render, ris};
use chancery_ingest::{Source, parse};
use time::OffsetDateTime;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/000_5e4392f9da7ebfc5.txt");
    let bytes = std::fs::read(&path).expect("the demo record");
    let parsed =
        parse(&Source { path: "demo", bytes: &bytes, imported_at: OffsetDateTime::UNIX_EPOCH });
    let record = &parsed.records[0];
    let day = Day { year: 2026, month: 11, day: 28 };
    let rounds = 300;
    let time = |label: &str, f: &dyn Fn()| {
        f();
        let started = Instant::now();
        for _ in 0..rounds {
            f();
        }
        println!(
            "{label:<10} {:>8.1} µs per citation",
            started.elapsed().as_secs_f64() * 1e6 / rounds as f64
        );
    };
    time("chicago", &|| drop(render(record, Style::Chicago, day).unwrap()));
    time("mla", &|| drop(render(record, Style::Mla, day).unwrap()));
    time("apa", &|| drop(render(record, Style::Apa, day).unwrap()));
    time("bibtex", &|| drop(bibtex(record, day)));
    time("ris", &|| drop(ris(record, day)));
    time("csl-json", &|| drop(csl_json(record, day)));
}
