//! The TEI reader against the raw XML parse of the same files.
//!
//! ```text
//! cargo bench -p chancery-ingest --bench tei -- "$PWD/../shared/corpus/frus"
//! ```
//!
//! Prints, for all `.xml` files of the folder: bytes, the time of a bare roxmltree parse, the time
//! of `tei::parse` (which includes that parse), documents per second, and the ratio.

use std::time::Instant;

use chancery_ingest::{Source, tei};
use time::OffsetDateTime;

fn main() {
    let dir = std::env::args().skip(1).find(|a| !a.starts_with("--")).expect("usage: -- DIR");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    paths.sort();
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("a volume")))
        .collect();
    let n_bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let repeat = 3;
    let mut raw_s = f64::MAX;
    let mut tei_s = f64::MAX;
    let mut n_docs = 0;
    for _ in 0..repeat {
        let started = Instant::now();
        for (_, bytes) in &files {
            let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes))
                .expect("UTF-8");
            let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
            let document =
                roxmltree::Document::parse_with_options(text, options).expect("well-formed XML");
            std::hint::black_box(document.root_element());
        }
        raw_s = raw_s.min(started.elapsed().as_secs_f64());
        let started = Instant::now();
        n_docs = 0;
        for (path, bytes) in &files {
            let parsed =
                tei::parse(&Source { path, bytes, imported_at: OffsetDateTime::UNIX_EPOCH });
            n_docs += parsed.records.len();
            std::hint::black_box(parsed);
        }
        tei_s = tei_s.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{} files, {:.1} MB, {n_docs} documents (best of {repeat})",
        files.len(),
        n_bytes as f64 / 1e6
    );
    println!(
        "raw XML parse (roxmltree): {raw_s:.3} s, {:.0} MB/s, {:.0} documents/s",
        n_bytes as f64 / 1e6 / raw_s,
        n_docs as f64 / raw_s
    );
    println!(
        "TEI reader (parse + records): {tei_s:.3} s, {:.0} documents/s, {:.2}× the raw parse time",
        n_docs as f64 / tei_s,
        tei_s / raw_s
    );
}
