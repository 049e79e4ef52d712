//! What the fuzzers check, as plain functions over arbitrary bytes, so that the cargo-fuzz
//! targets in `fuzz/` and the replay of their corpus (`tests/it`, run by `cargo test`) check the
//! same things.
//!
//! Each function panics when it finds a fault: a parser that panics, a record that does not
//! come back from its own format, a renderer that fails on what the importer accepted, an
//! OAI-PMH answer that is not XML or is a server error. Nothing else panics on any input.

use std::sync::OnceLock;

use axum::body::Body;
use chancery_ingest::{Source, json, tei, text};
use chancery_model::record::Record;
use chancery_search::{SearchIndex, SearchRequest};
use chancery_store::{Store, StoredRecord};
use http_body_util::BodyExt;
use time::OffsetDateTime;
use tower::ServiceExt;

fn source<'a>(path: &'a str, bytes: &'a [u8]) -> Source<'a> {
    Source { path, bytes, imported_at: OffsetDateTime::UNIX_EPOCH }
}

/// Records compared without their provenance (each parse records its own).
fn without_provenance(mut records: Vec<Record>) -> Vec<Record> {
    for record in &mut records {
        record.provenance = None;
    }
    records
}

/// The record text format: parsing never panics, and a record read is written back to text
/// that reads as the same record.
pub fn text_record(data: &[u8]) {
    let parsed = text::parse(&source("fuzz.txt", data));
    for record in without_provenance(parsed.records) {
        let written = text::write(&record);
        let again = text::parse(&source("again.txt", written.as_bytes()));
        assert!(
            !again.has_errors(),
            "the written record does not parse: {:?}\n{written}",
            again.diagnostics
        );
        assert_eq!(without_provenance(again.records), [record], "{written}");
    }
}

/// Chancery JSON: parsing never panics, and records read are written back as JSON lines that
/// read as the same records.
pub fn json_record(data: &[u8]) {
    let parsed = json::parse(&source("fuzz.json", data));
    let records = without_provenance(parsed.records);
    if records.is_empty() {
        return;
    }
    let lines: Vec<String> = records.iter().map(json::write_line).collect();
    let written = lines.join("\n");
    let again = json::parse(&source("again.jsonl", written.as_bytes()));
    assert!(!again.has_errors(), "written JSON does not parse: {:?}", again.diagnostics);
    assert_eq!(without_provenance(again.records), records);
}

/// The events file: parsing never panics, and the events read are written back as an events file
/// that reads as the same events (the export is what an import takes back).
pub fn events_file(data: &[u8]) {
    let parsed = chancery_ingest::events::parse(&source("fuzz-events.json", data));
    if parsed.events.is_empty() {
        return;
    }
    let written = chancery_ingest::events::write(&parsed.events);
    let again = chancery_ingest::events::parse(&source("again.json", written.as_bytes()));
    assert!(
        !again.has_errors(),
        "the written events do not parse: {:?}\n{written}",
        again.diagnostics
    );
    assert_eq!(again.events, parsed.events, "{written}");
}

/// TEI: parsing never panics, and every document the reader accepts renders as HTML (as its
/// page will). Arbitrary bytes are also rendered as if they were a stored fragment.
pub fn tei_volume(data: &[u8]) {
    let parsed = tei::parse(&source("fuzz.xml", data));
    for record in &parsed.records {
        if let Some(fragment) = &record.tei {
            tei::to_html(fragment, &tei::Links::default())
                .unwrap_or_else(|e| panic!("an accepted document does not render: {e}"));
        }
        let written = text::write(record);
        let again = text::parse(&source("again.txt", written.as_bytes()));
        assert!(!again.has_errors(), "{:?}\n{written}", again.diagnostics);
    }
    if let Ok(fragment) = std::str::from_utf8(data) {
        let _ = tei::to_html(fragment, &tei::Links::default());
    }
}

/// A small index for the query target, built once.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let seed = include_bytes!("../../../demo/000_5e4392f9da7ebfc5.txt");
        let tei = include_bytes!("../../ingest/test_data/tei/frus_2014_style.xml");
        let mut records = text::parse(&source("seed.txt", seed)).records;
        records.extend(tei::parse(&source("v.xml", tei)).records);
        let stored = records.into_iter().map(|record| StoredRecord {
            record,
            revision: 1,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            deleted_at: None,
            oai_id: String::new(),
        });
        let index = SearchIndex::in_memory().expect("an index in memory");
        index.rebuild_from(stored, 1).expect("the fixtures index");
        index
    })
}

/// The query language: parsing never panics, a parsed query prints as text that parses back to
/// it (facet links and the advanced form rely on that), runs (with facets and the highlighter)
/// without a panic or an internal error, and malformed queries say where.
pub fn query(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match chancery_search::query::parse(text) {
        Ok(query) => {
            let printed = query.to_string();
            match chancery_search::query::parse(&printed) {
                Ok(again) => assert_eq!(again, query, "`{text}` printed as `{printed}`"),
                // Printing may lengthen a query past the limit (quotes, escapes); nothing else.
                Err(error) => assert!(
                    printed.chars().count() > chancery_search::query::MAX_QUERY_CHARS,
                    "`{text}` printed as `{printed}`, which does not parse: {error}"
                ),
            }
            let index = index();
            let highlighter = index.highlighter(&query);
            let mut request = SearchRequest::new(query, text);
            request.limit = 5;
            match index.search(&request) {
                Ok(_) | Err(chancery_search::Error::Request(_)) => {}
                Err(error) => panic!("`{text}` failed inside: {error}"),
            }
            assert!(highlighter.is_ok(), "`{text}`: no highlighter");
        }
        Err(error) => {
            let columns = text.chars().count() + 1;
            assert!(
                error.column >= 1 && error.column <= columns.max(1001),
                "`{text}`: column {}",
                error.column
            );
        }
    }
}

/// The web archive for the OAI target: a store with the fixtures, built once, and the runtime
/// that drives its router.
fn oai_site() -> &'static (tokio::runtime::Runtime, axum::Router) {
    static SITE: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
    SITE.get_or_init(|| {
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let router = runtime.block_on(async {
            let store = Store::open_in_memory().await.expect("a store in memory");
            let seed = include_bytes!("../../../demo/000_5e4392f9da7ebfc5.txt");
            let tei = include_bytes!("../../ingest/test_data/tei/frus_newer_style.xml");
            let mut batch = store
                .begin_import(OffsetDateTime::UNIX_EPOCH, chancery_store::ImportPolicy::default())
                .await
                .expect("an import");
            for (path, bytes) in [("seed.txt", &seed[..]), ("v.xml", &tei[..])] {
                let parsed = chancery_ingest::parse(&source(path, bytes));
                batch.add(&parsed.records, &[]).await.expect("fixtures import");
                batch
                    .add_entities(&parsed.authorities, &parsed.collections)
                    .await
                    .expect("entities");
            }
            batch.commit().await.expect("fixtures commit");
            let index = SearchIndex::in_memory().expect("an index");
            index.catch_up(&store, &mut |_| {}).await.expect("indexed");
            let mut config = chancery_web::Config::new("http://fuzz.test");
            config.oai_page_size = 2;
            let archive = chancery_web::Archive::new(store, index, config).await.expect("archive");
            chancery_web::router(archive)
        });
        (runtime, router)
    })
}

/// OAI-PMH: any query string gets an answer that is well-formed XML (a record list, or one of
/// the protocol's errors), never a server error.
pub fn oai_arguments(data: &[u8]) {
    let Ok(query) = std::str::from_utf8(data) else { return };
    if query.len() > 4096 || query.contains(['#', ' ', '\n', '\r']) {
        return;
    }
    let (runtime, router) = oai_site();
    let Ok(request) = axum::http::Request::get(format!("/oai?{query}")).body(Body::empty()) else {
        return;
    };
    let (status, body) = runtime.block_on(async {
        let response = router.clone().oneshot(request).await.expect("the router answers");
        let status = response.status();
        let body = response.into_body().collect().await.expect("a body").to_bytes();
        (status, body)
    });
    assert!(!status.is_server_error(), "`{query}` → {status}");
    if status.is_success() {
        let xml = std::str::from_utf8(&body).expect("UTF-8");
        roxmltree::Document::parse(xml)
            .unwrap_or_else(|e| panic!("`{query}`: not XML ({e})\n{xml}"));
    }
}
