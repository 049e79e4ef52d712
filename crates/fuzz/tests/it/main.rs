//! The fuzzers' corpora (`fuzz/corpus/<target>/`), replayed: every input any fuzzing run kept
//! (and every fault it found, added there once fixed) is checked on every `cargo test`.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut n_inputs = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", path.display());
        n_inputs += 1;
    }
    assert!(n_inputs > 0, "{target}: the corpus is empty");
}

#[test]
fn text_record_corpus() {
    replay("text_record", chancery_fuzz::text_record);
}

#[test]
fn json_record_corpus() {
    replay("json_record", chancery_fuzz::json_record);
}

#[test]
fn tei_volume_corpus() {
    replay("tei_volume", chancery_fuzz::tei_volume);
}

#[test]
fn query_corpus() {
    replay("query", chancery_fuzz::query);
}

#[test]
fn oai_arguments_corpus() {
    replay("oai_arguments", chancery_fuzz::oai_arguments);
}

#[test]
fn events_file_corpus() {
    replay("events_file", chancery_fuzz::events_file);
}
