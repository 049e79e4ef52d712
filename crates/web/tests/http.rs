//! Every route through the real router (no server, no mocks): status codes, headers, pages,
//! the JSON API with its problem documents, citations and OAI-PMH.

#![allow(missing_docs)]

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chancery_ingest::Source;
use chancery_model::id::RecordId;
use chancery_search::SearchIndex;
use chancery_store::{SourceFile, Store};
use chancery_web::{Archive, Config, Shared, router};
use http_body_util::BodyExt;
use time::OffsetDateTime;
use tower::ServiceExt;

const BASE: &str = "http://archive.test";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The demo letter, the XSS probe and the FRUS TEI fixtures.
fn fixture_files() -> Vec<PathBuf> {
    let root = root();
    vec![
        root.join("demo/000_5e4392f9da7ebfc5.txt"),
        root.join("crates/web/tests/data/xss.txt"),
        root.join("crates/ingest/test_data/tei/frus_2014_style.xml"),
        root.join("crates/ingest/test_data/tei/frus_newer_style.xml"),
        root.join("crates/ingest/test_data/tei/frus_vendor_style.xml"),
    ]
}

async fn import(store: &Store, files: &[PathBuf]) {
    let now = OffsetDateTime::now_utc();
    let mut batch = store.begin_import(now, chancery_store::ImportPolicy::default()).await.unwrap();
    for path in files {
        let bytes = std::fs::read(path).unwrap();
        let shown = path.display().to_string();
        let parsed =
            chancery_ingest::parse(&Source { path: &shown, bytes: &bytes, imported_at: now });
        assert!(!parsed.has_errors(), "{shown}: {:?}", parsed.diagnostics);
        if !parsed.persons.is_empty() {
            batch.add_persons(&parsed.persons).await.unwrap();
            continue;
        }
        if let Some(offices) = &parsed.offices {
            batch.add_offices(offices).await.unwrap();
            continue;
        }
        if !parsed.events.is_empty() {
            batch.add_events(&parsed.events).await.unwrap();
            continue;
        }
        if !parsed.visits.is_empty() {
            batch.add_visits(&parsed.visits).await.unwrap();
            continue;
        }
        let provenance = parsed.records[0].provenance.clone().unwrap();
        let source = SourceFile {
            sha256: provenance.sha256,
            path: shown,
            format: provenance.format,
            bytes: bytes.clone(),
        };
        batch.add(&parsed.records, &[source]).await.unwrap();
        if !parsed.authorities.is_empty() || !parsed.collections.is_empty() {
            batch.add_entities(&parsed.authorities, &parsed.collections).await.unwrap();
        }
    }
    batch.commit().await.unwrap();
}

struct Site {
    archive: Shared,
    app: Router,
    _dir: tempfile::TempDir,
}

async fn site_with(files: &[PathBuf], page_size: u32) -> Site {
    site_configured(files, |config| config.oai_page_size = page_size).await
}

/// A site over `files` whose configuration `configure` adjusts.
async fn site_configured(files: &[PathBuf], configure: impl FnOnce(&mut Config)) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    import(&store, files).await;
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    index.reload().unwrap();
    let mut config = Config::new(BASE);
    configure(&mut config);
    let archive = Archive::new(store, index, config).await.unwrap();
    Site { app: router(archive.clone()), archive, _dir: dir }
}

async fn site() -> Site {
    site_with(&fixture_files(), 100).await
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn content_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply { status, headers, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn assert_problem(reply: &Reply, status: StatusCode) -> serde_json::Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.content_type(), "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(problem["status"], status.as_u16());
    assert!(problem["type"].as_str().unwrap().starts_with("/api/v1/problems/"));
    assert!(!problem["title"].as_str().unwrap().is_empty());
    assert!(!problem["detail"].as_str().unwrap().is_empty());
    problem
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let site = site().await;
    for uri in [
        "/",
        "/search?q=tito",
        "/records/wcda-112970",
        "/nope",
        "/api/v1/records",
        "/oai?verb=Identify",
    ] {
        let reply = get(&site.app, uri).await;
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{uri}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(reply.headers["referrer-policy"], "strict-origin-when-cross-origin", "{uri}");
    }
}

#[tokio::test]
async fn home_says_what_the_archive_holds() {
    let site = site().await;
    let reply = get(&site.app, "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type().starts_with("text/html"));
    let total = site.archive.count().await.unwrap();
    assert!(reply.body.contains("<html lang=\"en\">"));
    assert!(reply.body.contains(&format!("{total} primary sources")), "{}", reply.body);
    assert!(reply.body.contains("class=\"histogram\""), "the year histogram is drawn");
    assert!(reply.body.contains("Recently added"));
    assert!(reply.body.contains("Serbo-Croatian"), "languages are listed by name");
    assert!(reply.body.contains(&format!("<link rel=\"canonical\" href=\"{BASE}/\">")));
}

#[tokio::test]
async fn the_letter_reads_as_a_scholarly_page() {
    let site = site().await;
    let reply = get(&site.app, "/records/wcda-112970").await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = &reply.body;
    assert!(page.contains("<time datetime=\"1954-08-11\">August 11, 1954</time>"));
    assert!(page.contains("<h1>Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita Khrushchev and Central Committee of the Communist Party of the Soviet Union</h1>"));
    assert!(page.contains("Obtained and translated for CWIHP by Svetozar Rajak."));
    assert!(page.contains("<dt>Signature</dt><dd><a href=\"/search?q=%22507+%2F+IX%2C+119%2FI-50%22\">507 / IX, 119/I-50</a></dd>"));
    assert!(page.contains(
        "<dt>Holding archive</dt><dd><a href=\"/search?q=archive%3D%22Arhiv+Jugoslavije%22\">"
    ));
    assert!(page.contains("Yugoslav response to Soviet approaches"));
    assert!(page.contains("Leon Levy Foundation"));
    assert!(page.contains("<h3>Translation - English</h3>"));
    assert!(page.contains("<div class=\"body\" lang=\"en\"><p>To the Central Committee of the Communist Party of the Soviet Union"));
    assert!(
        page.contains(&format!("<link rel=\"canonical\" href=\"{BASE}/records/wcda-112970\">"))
    );
    assert!(page.contains("data-copy=\"citation-text\""), "the citation has a copy button");
    // What Zotero and Google Scholar read.
    for meta in [
        "<meta name=\"citation_title\" content=\"Letter from Tito",
        "<meta name=\"citation_author\" content=\"Tito\">",
        "<meta name=\"citation_date\" content=\"1954/08/11\">",
        "<meta name=\"citation_archive\" content=\"Arhiv Jugoslavije\">",
        "<meta name=\"citation_archive_location\" content=\"Arhiv CK SKJ, 507 / IX, 119/I-50\">",
        "<meta name=\"citation_language\" content=\"sh\">",
        "<meta name=\"DC.date\" content=\"1954-08-11\">",
    ] {
        assert!(page.contains(meta), "missing {meta}");
    }
    let start = page.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + page[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(ld["@type"], "ArchiveComponent");
    assert_eq!(ld["dateCreated"], "1954-08-11");
    assert_eq!(ld["recipient"][0]["name"], "Nikita Khrushchev");
    assert_eq!(ld["recipient"][0]["@type"], "Person");
    assert_eq!(ld["author"][1]["@type"], "Organization", "the Executive Committee is a body");
    assert_eq!(ld["holdingArchive"]["name"], "Arhiv Jugoslavije");
    // The Cite box: every style, and Chicago carries every element of the seed's own citation.
    for key in ["chicago", "chicago-bibliography", "mla", "apa", "bibtex", "ris", "csl-json"] {
        assert!(page.contains(&format!("id=\"cite-{key}\"")), "cite box lacks {key}");
        assert!(page.contains(&format!("data-copy=\"cite-{key}\"")), "no copy button for {key}");
    }
    let chicago = &page[page.find("id=\"cite-chicago\">").unwrap()..];
    let chicago = &chicago[..chicago.find("</p>").unwrap()];
    for element in [
        "August 11, 1954",
        "Wilson Center Digital Archive",
        "Arhiv Jugoslavije",
        "Arhiv CK SKJ",
        "507 / IX, 119/I-50",
        "Svetozar Rajak",
        "https://digitalarchive.wilsoncenter.org/document/112970",
    ] {
        assert!(chicago.contains(element), "Chicago lacks {element}: {chicago}");
    }
}

#[tokio::test]
async fn frus_documents_show_their_edition_and_the_people_in_them() {
    let site = site().await;
    let reply = get(&site.app, "/records/frus1969-76vTest/d1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("class=\"text tei\""), "TEI documents are rendered from their TEI");
    assert!(reply.body.contains("<nav class=\"trail\""), "the volume and chapter are shown");
    // The people and terms a document names, with what the volume says of them, in order.
    let page = get(&site.app, "/records/frus-test-v1/d3").await.body;
    let mates = page.find("<dt><a href=\"/search?q=%22Mates%2C+Leo%22\">Mates, Leo</a></dt><dd>Yugoslav Ambassador to the United States</dd>");
    assert!(mates.is_some(), "{page}");
}

/// Issue 11: a record says where its date comes from, shows its source note apart from the
/// edition's citation, its participants, its structure and cross-references, and what a calendar
/// entry or a page of front matter is.
#[tokio::test]
async fn records_show_their_context_as_the_edition_gives_it() {
    let trust = root().join("crates/ingest/test_data/tei/frus_trust.xml");
    let site = site_with(&[trust], 100).await;
    let page = |uri: &'static str| {
        let app = site.app.clone();
        async move {
            let reply = get(&app, uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
            reply.body
        }
    };
    let memorandum = page("/records/frus-trust-V9/d2").await;
    assert!(
        memorandum.contains("<section class=\"source-note\" aria-labelledby=\"h-source\"><h2 id=\"h-source\">Source note</h2><p>Department of State, Central Files, 762.00/6–361. Secret. Drafted by Kohler.</p><p>In a covering note, Kohler explained the purpose of the paper.</p>"),
        "{memorandum}"
    );
    // Where the original is kept shows with the source note that says so.
    assert!(
        memorandum.contains("<dt>Holding archive</dt><dd><a href=\"/search?q=archive%3D%22Department+of+State%22\">Department of State</a></dd>"),
        "{memorandum}"
    );
    assert!(!memorandum.contains("note-source"), "the source note is no footnote too");
    assert!(memorandum.contains("“Memorandum From Secretary of State Dulles to Director of Central Intelligence Dulles,” June 3, 1961, in Foreign Relations of the United States, 1961–1963, vol. IX, Trust, ed. P. Primary and G. General (Washington: United States Government Printing Office, 1996), Document 2."));
    assert!(
        memorandum.contains(">John Foster Dulles</a>")
            && memorandum.contains(">Allen W. Dulles</a>"),
        "two brothers, two people"
    );
    assert!(
        memorandum.contains("<a class=\"ref\" href=\"/records/frus-trust-V9/d4\">Document 4</a>"),
        "{memorandum}"
    );
    assert!(
        memorandum.contains("<h3 class=\"head\">Annex</h3>") && memorandum.contains("<blockquote>"),
        "{memorandum}"
    );

    let note = page("/records/frus-trust-V9/d3").await;
    assert!(
        note.contains("[June 3–6, 1961]")
            && note.contains(
                "the archive supplied it: supplied from the documents printed before and after it."
            ),
        "{note}"
    );
    let conversation = page("/records/frus-trust-V9/d6").await;
    assert!(
        conversation.contains("<dt>Participant</dt>") && !conversation.contains("<dt>To</dt>"),
        "{conversation}"
    );
    let letter = page("/records/frus-trust-V9/d4").await;
    assert!(letter.contains("<h2 id=\"h-lang\">Original language</h2><p>Russian</p>"), "{letter}");

    let entry = page("/records/frus-trust-V9/d8").await;
    assert!(entry.contains("<span class=\"kind\">Calendar entry</span>"), "{entry}");
    assert!(
        entry.contains("<dt>Pages</dt><dd>5</dd>") && entry.contains("<code>0024/0066.tif</code>"),
        "{entry}"
    );
    assert!(!entry.contains("id=\"h-contents\""), "a page count is no text: {entry}");
    let front = page("/records/frus-trust-V9/message-of-the-president").await;
    assert!(
        front.contains("<span class=\"kind\">Front matter</span>") && front.contains("Schedule A."),
        "{front}"
    );
}

#[tokio::test]
async fn missing_bad_and_withdrawn_records() {
    let site = site().await;
    let reply = get(&site.app, "/records/no-such-record").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("There is no record `no-such-record`"));
    assert!(reply.content_type().starts_with("text/html"));
    let reply = get(&site.app, "/records/Not%20An%20Id").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("is not a record id"));
    let reply = get(&site.app, "/no/such/page").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("There is no page at /no/such/page"));

    // The page is cached now; a deletion (by another process) must still reach readers.
    assert_eq!(get(&site.app, "/records/frus1918Test/d5").await.status, StatusCode::OK);
    let searched = get(&site.app, "/search?q=Francis").await.body;
    assert!(searched.contains("/records/frus1918Test/d5"));
    let id = RecordId::parse("frus1918Test/d5").unwrap();
    assert!(site.archive_store_delete(&id).await);
    site.archive.refresh().await.unwrap();
    let reply = get(&site.app, "/records/frus1918Test/d5").await;
    assert_eq!(reply.status, StatusCode::GONE);
    let searched = get(&site.app, "/search?q=Francis").await.body;
    assert!(!searched.contains("/records/frus1918Test/d5"), "the cached result page was dropped");
    assert_problem(&get(&site.app, "/api/v1/records/frus1918Test/d5").await, StatusCode::GONE);
}

#[tokio::test]
async fn home_leaves_out_a_record_revised_then_deleted() {
    // Every request renders, so that the page shows the store as it is now.
    let site = site_configured(&fixture_files(), |config| config.page_cache_bytes = 0).await;
    let id = RecordId::parse("frus1918Test/d5").unwrap();
    // Revised, then deleted, by another process; the index has not caught up with either.
    let store = Store::open(site._dir.path()).await.unwrap();
    let mut record = store.get(&id).await.unwrap().unwrap().record;
    record.title.push_str(" (revised)");
    store.import(&[record], &[], OffsetDateTime::now_utc()).await.unwrap();
    let home = get(&site.app, "/").await.body;
    assert!(home.contains("href=\"/records/frus1918Test/d5\""), "revised, it is among the newest");
    assert!(store.delete(&id, OffsetDateTime::now_utc(), None).await.unwrap());
    store.close().await;
    let home = get(&site.app, "/").await.body;
    assert!(!home.contains("/records/frus1918Test/d5"), "the deleted record is not listed: {home}");
}

impl Site {
    async fn archive_store_delete(&self, id: &RecordId) -> bool {
        let store = Store::open(self._dir.path()).await.unwrap();
        let deleted = store.delete(id, OffsetDateTime::now_utc(), None).await.unwrap();
        store.close().await;
        deleted
    }
}

#[tokio::test]
async fn search_pages_filter_sort_and_page() {
    let site = site().await;
    let reply = get(&site.app, "/search?q=Хрущёв").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("href=\"/records/wcda-112970\""), "Cyrillic finds the letter");
    assert!(reply.body.contains("<mark>"), "snippets mark the matches");
    // Facets are links that add a filter; an active filter links to its removal.
    assert!(
        reply.body.contains("href=\"/search?q=%D0%A5%D1%80%D1%83%D1%89%D1%91%D0%B2+language%3Dhbs&#38;sort=relevance\""),
        "{}",
        reply.body
    );
    let filtered = get(&site.app, "/search?q=Хрущёв+language%3Dhbs").await;
    assert!(filtered.body.contains("class=\"active\""));
    // An empty search browses everything, by date.
    let all = get(&site.app, "/search").await;
    let total = site.archive.count().await.unwrap();
    assert!(all.body.contains(&format!("of {total} records")), "{}", all.body);
    assert!(all.body.contains("class=\"histogram\""));
    assert!(all.body.contains("data-year=\"1954\""));
    let by_year = get(&site.app, "/search?q=date%3A1954").await;
    assert!(by_year.body.contains("1–1 of 1 record"), "{}", by_year.body);
    assert!(all.body.contains("/api/v1/search/export?format=ris"));
    // Newest first, and oldest first, each a link from the other.
    let newest = get(&site.app, "/search?sort=newest").await;
    assert_eq!(newest.status, StatusCode::OK);
    assert!(newest.body.contains("<strong>newest first</strong>"), "{}", newest.body);
    assert!(newest.body.contains("sort=date&#38;page=1\">oldest first</a>"), "{}", newest.body);
    // The letter of 1954 is among the last of the newest and the first of the oldest.
    let first_hit =
        |body: &str| body.find("href=\"/records/").map(|at| body[at..at + 60].to_string());
    assert_ne!(first_hit(&newest.body), first_hit(&all.body), "the two orders differ");
    // Past the last page: no "0–280 of 265", but the total and the way back.
    let past = get(&site.app, "/search?page=40").await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("This page is past the end"), "{}", past.body);
    assert!(past.body.contains(&format!("the {total} records fill 1 page")), "{}", past.body);
    assert!(past.body.contains("page=1\">Go to page 1</a>"), "{}", past.body);
    assert!(!past.body.contains(&format!("of {total} records")), "{}", past.body);
    assert!(get(&site.app, "/search?sort=sideways").await.status == StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_searches_say_what_to_fix() {
    let site = site().await;
    let reply = get(&site.app, "/search?q=%22unclosed").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("The query needs fixing"));
    assert!(reply.body.contains("value=\"&#34;unclosed\""), "the query is kept in the box");
    for uri in ["/search?q=tito&page=0", "/search?q=tito&page=x", "/search?q=tito&sort=sideways"] {
        assert_eq!(get(&site.app, uri).await.status, StatusCode::BAD_REQUEST, "{uri}");
    }
    let long = "a".repeat(1001);
    assert_eq!(get(&site.app, &format!("/search?q={long}")).await.status, StatusCode::BAD_REQUEST);
}

/// The payloads of the probe record, as they would appear if a page did not escape them.
const LIVE_PAYLOADS: &[&str] = &[
    "<script>window.__xss",
    "<img src=x",
    "<svg onload",
    "<svg/onload",
    "<iframe",
    "<b onmouseover",
];

#[tokio::test]
async fn hostile_records_render_as_text_everywhere() {
    let site = site().await;
    for uri in [
        "/records/xss-probe",
        "/search?q=Khrushchev",
        "/search?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
        "/search?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
        "/",
        "/records/%3Cscript%3E",
        "/nope/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let reply = get(&site.app, uri).await;
        for payload in LIVE_PAYLOADS {
            assert!(!reply.body.contains(payload), "{uri} renders {payload} live");
        }
        assert!(!reply.body.contains("<script>alert"), "{uri}");
    }
    let page = get(&site.app, "/records/xss-probe").await.body;
    // The payloads are there, as text.
    assert!(page.contains("&lt;script&gt;window.__xss=23&lt;/script&gt;"));
    assert!(
        page.contains("&#34;&gt;&lt;img src=x onerror=&#34;window.__xss=26&#34;&gt;")
            || page.contains("&quot;&gt;&lt;img src=x onerror=&quot;window.__xss=26&quot;&gt;"),
        "{page}"
    );
    // JSON-LD cannot be closed from inside.
    let start = page.find("<script type=\"application/ld+json\">").unwrap();
    let end = start + page[start..].find("</script>").unwrap();
    assert!(!page[start + 10..end].contains('<'));
}

#[tokio::test]
async fn api_records_list_and_search() {
    let site = site().await;
    let reply = get(&site.app, "/api/v1/records/wcda-112970").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/json");
    let record: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(record["id"], "wcda-112970");
    assert_eq!(record["citation"]["signature"], "507 / IX, 119/I-50");

    // Cursor pagination: every record exactly once, in id order.
    let mut seen = Vec::new();
    let mut uri = "/api/v1/records?limit=2".to_string();
    loop {
        let reply = get(&site.app, &uri).await;
        assert_eq!(reply.status, StatusCode::OK);
        let page: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        for record in page["records"].as_array().unwrap() {
            seen.push(record["id"].as_str().unwrap().to_string());
            assert!(record["url"].as_str().unwrap().starts_with(BASE));
        }
        match page["next"].as_str() {
            Some(next) => uri = format!("/api/v1/records?limit=2&after={next}"),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len() as i64, site.archive.count().await.unwrap());

    let reply = get(&site.app, "/api/v1/search?q=Chruschtschow&limit=5").await;
    assert_eq!(reply.status, StatusCode::OK);
    let results: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert!(results["total"].as_u64().unwrap() >= 1);
    assert_eq!(results["hits"][0]["id"], "wcda-112970");
    assert!(results["facets"]["language"].as_array().unwrap().iter().any(|v| v["value"] == "hbs"));
}

#[tokio::test]
async fn api_errors_are_problem_documents() {
    let site = site().await;
    assert_problem(&get(&site.app, "/api/v1/records/no-such").await, StatusCode::NOT_FOUND);
    assert_problem(&get(&site.app, "/api/v1/records/Bad%20Id").await, StatusCode::BAD_REQUEST);
    assert_problem(&get(&site.app, "/api/v1/records?limit=0").await, StatusCode::BAD_REQUEST);
    assert_problem(&get(&site.app, "/api/v1/records?after=BAD!").await, StatusCode::BAD_REQUEST);
    let problem =
        assert_problem(&get(&site.app, "/api/v1/search?q=title%3A").await, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].as_str().unwrap().contains("column"), "{problem}");
    assert_problem(&get(&site.app, "/api/v1/search?q=x&limit=101").await, StatusCode::BAD_REQUEST);
    assert_problem(&get(&site.app, "/api/v1/nothing-here").await, StatusCode::NOT_FOUND);
    assert_problem(
        &get(&site.app, "/api/v1/records/wcda-112970/citation?style=harvard").await,
        StatusCode::BAD_REQUEST,
    );
    assert_problem(
        &get(&site.app, "/api/v1/search/export?format=pdf").await,
        StatusCode::BAD_REQUEST,
    );
    // Malformed query strings and paths (found by schemathesis) are problems too, not plain text.
    for uri in [
        "/api/v1/records?limit=-1",
        "/api/v1/search?offset=-1",
        "/api/v1/search?limit=many",
        "/api/v1/records/%FF",
    ] {
        assert_problem(&get(&site.app, uri).await, StatusCode::BAD_REQUEST);
    }
    let page = get(&site.app, "/records/%FF").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.content_type().starts_with("text/html"));
}

#[tokio::test]
async fn citations_come_with_their_content_types() {
    let site = site().await;
    for (style, content_type, needle) in [
        ("chicago", "text/plain; charset=utf-8", "Svetozar Rajak"),
        ("chicago-bibliography", "text/plain; charset=utf-8", "Arhiv CK SKJ"),
        ("mla", "text/plain; charset=utf-8", "Wilson Center Digital Archive"),
        ("apa", "text/plain; charset=utf-8", "1954"),
        ("bibtex", "application/x-bibtex; charset=utf-8", "@"),
        ("ris", "application/x-research-info-systems; charset=utf-8", "TY  - "),
        ("csl-json", "application/vnd.citationstyles.csl+json", "\"id\": \"wcda-112970\""),
    ] {
        let reply =
            get(&site.app, &format!("/api/v1/records/wcda-112970/citation?style={style}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{style}");
        assert_eq!(reply.content_type(), content_type, "{style}");
        assert!(reply.body.contains(needle), "{style}: {}", reply.body);
    }
    // FRUS ids contain a slash.
    let reply = get(&site.app, "/api/v1/records/frus1969-76vTest/d1/citation?style=ris").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // A whole search result as a download.
    let reply = get(&site.app, "/api/v1/search/export?format=ris&q=").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let total = site.archive.count().await.unwrap() as usize;
    assert_eq!(reply.body.matches("TY  - ").count(), total);
    let reply = get(&site.app, "/api/v1/search/export?format=bibtex&q=Khrushchev").await;
    assert_eq!(reply.content_type(), "application/x-bibtex; charset=utf-8");
    assert!(reply.body.starts_with('@'));
}

#[tokio::test]
async fn the_openapi_document_matches_the_code_and_the_checked_in_copy() {
    let site = site().await;
    let reply = get(&site.app, "/api/v1/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/records",
        "/api/v1/records/{id}",
        "/api/v1/records/{id}/citation",
        "/api/v1/search",
        "/api/v1/search/export",
        "/api/v1/search/facets/{facet}",
        "/api/v1/collections",
    ] {
        assert!(paths.contains_key(path), "the OpenAPI document lacks {path}");
        // Every documented path answers (with a real id where it takes one).
        let uri = path.replace("{id}", "wcda-112970").replace("{facet}", "type");
        let status = get(&site.app, &uri).await.status;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
    assert!(paths.contains_key("/api/v1/collections/{id}"));
    // The checked-in copy (for readers and client generators) must be the generated one.
    let checked_in = root().join("crates/web/openapi.json");
    let generated = chancery_web::openapi_json();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&checked_in, format!("{generated}\n")).unwrap();
    }
    let stored = std::fs::read_to_string(&checked_in).unwrap_or_default();
    assert_eq!(
        stored.trim_end(),
        generated,
        "crates/web/openapi.json is stale: UPDATE_EXPECT=1 cargo test -p chancery-web"
    );
}

#[tokio::test]
async fn letters_are_exported_as_cmif() {
    let site = site().await;
    let reply = get(&site.app, "/api/v1/cmif").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/tei+xml; charset=utf-8");
    let doc = roxmltree::Document::parse(&reply.body).unwrap();
    let tei = "http://www.tei-c.org/ns/1.0";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(tei));
    let letters: Vec<_> =
        doc.descendants().filter(|n| n.has_tag_name((tei, "correspDesc"))).collect();
    let letter = letters
        .iter()
        .find(|n| n.attribute("ref") == Some("http://archive.test/records/wcda-112970"))
        .expect("the seed letter is in the CMIF file");
    let sent = letter.children().find(|n| n.attribute("type") == Some("sent")).unwrap();
    let date = sent.children().find(|n| n.has_tag_name((tei, "date"))).unwrap();
    assert_eq!(date.attribute("when"), Some("1954-08-11"));
    let senders: Vec<_> = sent
        .children()
        .filter(|n| n.is_element())
        .map(|n| (n.tag_name().name(), n.text()))
        .collect();
    assert!(senders.contains(&("persName", Some("Tito"))));
    assert!(senders.contains(&("orgName", Some("Executive Committee [Politburo] of the CC LCY"))));
    let received = letter.children().find(|n| n.attribute("type") == Some("received")).unwrap();
    assert!(received.children().any(|n| n.text() == Some("Nikita Khrushchev")));
    // The hostile record is a letter too: its payloads stay text.
    assert!(
        letters.iter().any(|n| n.attribute("ref") == Some("http://archive.test/records/xss-probe"))
    );
    // Memoranda are not correspondence.
    assert!(letters.iter().all(|n| !n.attribute("ref").unwrap().ends_with("frus1969-76vTest/d1")));
}

#[tokio::test]
async fn assets_are_fingerprinted_cached_and_compressed() {
    let site = site().await;
    let home = get(&site.app, "/").await.body;
    let start = home.find("/static/site.").unwrap();
    let end = start + home[start..].find('"').unwrap();
    let css = &home[start..end];
    let reply = get(&site.app, css).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "text/css; charset=utf-8");
    assert_eq!(reply.headers["cache-control"], "public, max-age=31536000, immutable");
    assert!(reply.body.contains("@media print"));
    assert_eq!(get(&site.app, "/static/site.css").await.status, StatusCode::NOT_FOUND);
    let request = Request::get(css).header("accept-encoding", "gzip").body(Body::empty()).unwrap();
    let response = site.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");

    // Document pages are cached compressed: gzip as stored for clients that take it, the same
    // page unpacked for the others, from the cache or not.
    for _ in 0..2 {
        let plain = get(&site.app, "/records/wcda-112970").await;
        assert!(plain.headers.get("content-encoding").is_none());
        assert_eq!(plain.headers["vary"], "accept-encoding");
        let request = Request::get("/records/wcda-112970")
            .header("accept-encoding", "br;q=1.0, gzip;q=0.8")
            .body(Body::empty())
            .unwrap();
        let response = site.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.headers()["content-encoding"], "gzip");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let mut unpacked = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut unpacked)
            .unwrap();
        assert_eq!(unpacked, plain.body);
    }
    let refused =
        Request::get("/").header("accept-encoding", "gzip;q=0").body(Body::empty()).unwrap();
    let response = site.app.clone().oneshot(refused).await.unwrap();
    assert!(response.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn robots_and_sitemap_list_every_record() {
    let site = site().await;
    let robots = get(&site.app, "/robots.txt").await;
    assert!(robots.body.contains(&format!("Sitemap: {BASE}/sitemap.xml")));
    let sitemap = get(&site.app, "/sitemap.xml").await;
    assert!(sitemap.content_type().starts_with("application/xml"));
    let total = site.archive.count().await.unwrap() as usize;
    assert_eq!(sitemap.body.matches("<loc>").count(), total + 1);
    assert!(sitemap.body.contains(&format!("<loc>{BASE}/records/frus1969-76vTest/d1</loc>")));
}

#[tokio::test]
async fn large_archives_get_a_sitemap_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    import(&store, &fixture_files()).await;
    let index = SearchIndex::in_memory().unwrap();
    let mut config = Config::new(BASE);
    config.sitemap_urls = 4;
    let archive = Archive::new(store, index, config).await.unwrap();
    let app = router(archive.clone());
    let total = archive.count().await.unwrap() as usize;
    let listing = get(&app, "/sitemap.xml").await.body;
    assert!(listing.contains("<sitemapindex"));
    let parts = total.div_ceil(4);
    assert_eq!(listing.matches("<sitemap>").count(), parts);
    let mut urls = Vec::new();
    for n in 1..=parts {
        let part = get(&app, &format!("/sitemaps/{n}.xml")).await;
        assert_eq!(part.status, StatusCode::OK);
        urls.extend(part.body.matches("<loc>").map(|_| ()));
    }
    assert_eq!(urls.len(), total + 1, "every record once, and the home page");
    assert_eq!(
        get(&app, &format!("/sitemaps/{}.xml", parts + 1)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, "/sitemaps/0.xml").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/sitemaps/x.xml").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn request_bodies_are_bounded() {
    let site = site().await;
    let body = format!("verb=Identify&x={}", "a".repeat(64 * 1024));
    let request = Request::post("/oai")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(send(&site.app, request).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

// ---------------------------------------------------------------------------------------------
// OAI-PMH

/// Validates with xmllint against ../shared/schemas when `CHANCERY_VALIDATE_OAI=1` asks for it
/// (`.ci/run` does; an environment variable rather than a feature, so that asking rebuilds
/// nothing).
fn validate(xml: &str) {
    if std::env::var_os("CHANCERY_VALIDATE_OAI").is_none_or(|v| v != "1") {
        return;
    }
    let schemas = std::env::var("CHANCERY_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared"))
        .join("schemas/OAI-PMH_oai_dc.xsd");
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, xml.as_bytes()).unwrap();
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schemas)
        .arg(file.path())
        .output()
        .expect("xmllint runs (apt-get install libxml2-utils)");
    assert!(output.status.success(), "{}\n{xml}", String::from_utf8_lossy(&output.stderr));
}

async fn oai(app: &Router, query: &str) -> String {
    let reply = get(app, &format!("/oai?{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}");
    assert_eq!(reply.content_type(), "text/xml; charset=utf-8");
    validate(&reply.body);
    reply.body
}

fn error_code(xml: &str) -> Option<&str> {
    let start = xml.find("<error code=\"")? + 13;
    Some(&xml[start..start + xml[start..].find('"')?])
}

fn texts<'a>(xml: &'a str, element: &str) -> Vec<&'a str> {
    let open = format!("<{element}>");
    let close = format!("</{element}>");
    xml.match_indices(&open)
        .filter_map(|(at, _)| {
            let start = at + open.len();
            Some(&xml[start..start + xml[start..].find(&close)?])
        })
        .collect()
}

fn token(xml: &str) -> Option<String> {
    let at = xml.find("<resumptionToken")?;
    let rest = &xml[at..];
    let gt = rest.find('>')?;
    if rest[..gt].ends_with('/') {
        return None;
    }
    let end = rest.find("</resumptionToken>")?;
    let token = &rest[gt + 1..end];
    (!token.is_empty()).then(|| token.replace("&amp;", "&"))
}

fn encode(token: &str) -> String {
    token.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn oai_verbs_answer_and_validate() {
    let site = site().await;
    let identify = oai(&site.app, "verb=Identify").await;
    assert!(identify.contains(&format!("<baseURL>{BASE}/oai</baseURL>")));
    assert!(identify.contains("<deletedRecord>persistent</deletedRecord>"));
    assert!(identify.contains("<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"));
    assert!(
        oai(&site.app, "verb=ListMetadataFormats")
            .await
            .contains("<metadataPrefix>oai_dc</metadataPrefix>")
    );
    let sets = oai(&site.app, "verb=ListSets").await;
    assert!(texts(&sets, "setSpec").contains(&"frus1969-76vtest"));

    let record = oai(
        &site.app,
        "verb=GetRecord&identifier=oai:archive.test:wcda-112970&metadataPrefix=oai_dc",
    )
    .await;
    for field in [
        "<dc:title>Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita Khrushchev and Central Committee of the Communist Party of the Soviet Union</dc:title>",
        "<dc:creator>Tito</dc:creator>",
        "<dc:contributor>Svetozar Rajak</dc:contributor>",
        "<dc:date>1954-08-11</dc:date>",
        "<dc:language>hbs</dc:language>",
        "<dc:identifier>http://archive.test/records/wcda-112970</dc:identifier>",
        "<dc:type>Text</dc:type>",
        "<dc:publisher>Wilson Center Digital Archive</dc:publisher>",
    ] {
        assert!(record.contains(field), "GetRecord lacks {field}");
    }
    assert!(texts(&record, "dc:description")[0].starts_with("Yugoslav response"));
    assert!(texts(&record, "dc:source")[0].contains("507 / IX, 119/I-50"));
    let frus = oai(
        &site.app,
        "verb=GetRecord&identifier=oai:archive.test:frus1969-76vtest/d1&metadataPrefix=oai_dc",
    )
    .await;
    assert!(texts(&frus, "setSpec").contains(&"frus1969-76vtest"));
    assert!(!texts(&frus, "dc:relation").is_empty(), "FRUS records name their volume");

    let in_set =
        oai(&site.app, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=frus1969-76vtest").await;
    assert_eq!(texts(&in_set, "identifier").len(), 3);
    let the_xss = oai(
        &site.app,
        "verb=GetRecord&identifier=oai:archive.test:xss-probe&metadataPrefix=oai_dc",
    )
    .await;
    assert!(the_xss.contains("&lt;script&gt;"), "markup in records is escaped in XML");
}

#[tokio::test]
async fn oai_errors_are_the_protocol_s() {
    let site = site().await;
    for (query, code) in [
        ("", "badVerb"),
        ("verb=Dance", "badVerb"),
        ("verb=Identify&verb=Identify", "badArgument"),
        ("verb=Identify&set=x", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=GetRecord&identifier=oai:archive.test:wcda-112970", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2020-01-01T00:00:00Z",
            "badArgument",
        ),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2021-01-01&until=2020-01-01", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=v1%7C0%7C0%7C%7C%7C",
            "badArgument",
        ),
        ("verb=ListRecords&resumptionToken=forged", "badResumptionToken"),
        ("verb=ListSets&resumptionToken=x", "badResumptionToken"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        (
            "verb=GetRecord&identifier=oai:archive.test:wcda-112970&metadataPrefix=mods",
            "cannotDisseminateFormat",
        ),
        (
            "verb=GetRecord&identifier=oai:archive.test:nothing&metadataPrefix=oai_dc",
            "idDoesNotExist",
        ),
        (
            "verb=GetRecord&identifier=oai:elsewhere.org:wcda-112970&metadataPrefix=oai_dc",
            "idDoesNotExist",
        ),
        ("verb=ListMetadataFormats&identifier=oai:archive.test:nothing", "idDoesNotExist"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2100-01-01", "noRecordsMatch"),
        ("verb=ListRecords&metadataPrefix=oai_dc&set=no-such-set", "noRecordsMatch"),
    ] {
        let xml = oai(&site.app, query).await;
        assert_eq!(error_code(&xml), Some(code), "{query}: {xml}");
        if matches!(code, "badVerb" | "badArgument") {
            assert!(xml.contains("<request>"), "{query}: no attributes echoed after {code}");
        }
    }
    // A repository without collections has no sets.
    let bare = site_with(&fixture_files()[..1], 100).await;
    for query in ["verb=ListSets", "verb=ListRecords&metadataPrefix=oai_dc&set=x"] {
        assert_eq!(error_code(&oai(&bare.app, query).await), Some("noSetHierarchy"), "{query}");
    }
    // POST works as GET.
    let request = Request::post("/oai")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("verb=Identify"))
        .unwrap();
    assert!(send(&site.app, request).await.body.contains("<Identify>"));
}

#[tokio::test]
async fn oai_harvests_survive_changes_underneath() {
    let site = site_with(&fixture_files(), 3).await;
    let total = site.archive.count().await.unwrap() as usize;
    // First page, then change the store: update one record already sent, delete one not yet sent.
    let first = oai(&site.app, "verb=ListRecords&metadataPrefix=oai_dc").await;
    let first_ids: Vec<String> =
        texts(&first, "identifier").iter().map(|s| s.to_string()).collect();
    assert_eq!(first_ids.len(), 3);
    let mut token = token(&first).expect("a resumption token");
    let store = Store::open(site._dir.path()).await.unwrap();
    let sent = RecordId::parse(first_ids[0].rsplit(':').next().unwrap()).unwrap();
    let mut record = store.get(&sent).await.unwrap().unwrap().record;
    record.title.push_str(" (revised)");
    store.import(&[record], &[], OffsetDateTime::now_utc()).await.unwrap();
    let doomed = RecordId::parse("frus1918Test/d6").unwrap();
    assert!(!first_ids.iter().any(|i| i.ends_with(doomed.as_str())));
    assert!(store.delete(&doomed, OffsetDateTime::now_utc(), None).await.unwrap());
    store.close().await;

    let mut seen = first_ids.clone();
    let mut pages = 1;
    let mut deleted = Vec::new();
    let mut revised_title = None;
    loop {
        let xml =
            oai(&site.app, &format!("verb=ListRecords&resumptionToken={}", encode(&token))).await;
        pages += 1;
        for record in xml.split("<record>").skip(1) {
            let id = texts(record, "identifier")[0].to_string();
            if record.contains("status=\"deleted\"") {
                deleted.push(id.clone());
                assert!(!record.contains("<metadata>"));
            } else if id == first_ids[0] {
                revised_title = texts(record, "dc:title").first().map(|t| t.to_string());
            }
            seen.push(id);
        }
        match self::token(&xml) {
            Some(next) => token = next,
            None => {
                assert!(
                    xml.contains("<resumptionToken cursor="),
                    "the last page has an empty token"
                );
                break;
            }
        }
    }
    assert!(pages >= 3, "a small page size needs several tokens");
    // Every record once, the revised one again at the end, the deleted one as a tombstone.
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), total);
    assert_eq!(seen.len(), total + 1);
    assert_eq!(deleted, vec![format!("oai:archive.test:{doomed}")]);
    assert!(revised_title.unwrap().ends_with("(revised)"));
    // The tombstone persists.
    let xml = oai(
        &site.app,
        &format!("verb=GetRecord&identifier=oai:archive.test:{doomed}&metadataPrefix=oai_dc"),
    )
    .await;
    assert!(xml.contains("<header status=\"deleted\">"));
}

// ---------------------------------------------------------------------------------------------
// Hostile and mistaken input (issue 10)

/// Stores records directly, as an older Chancery (before the importer's limits) could have.
async fn store_directly(archive: &Shared, records: Vec<chancery_model::record::Record>) {
    archive.store().import(&records, &[], OffsetDateTime::now_utc()).await.unwrap();
    archive.refresh().await.unwrap();
}

fn plain_record(id: &str, title: &str) -> chancery_model::record::Record {
    use chancery_model::date::DocDate;
    use chancery_model::record::{Record, Text, TextKind};
    let mut record = Record::new(
        RecordId::parse(id).unwrap(),
        title.into(),
        DocDate::new("1954".into(), "1954".parse().ok()),
    );
    record.texts.push(Text::new(TextKind::Original, None, "Original".into(), "Plain text.".into()));
    record
}

/// Regression (issue 10): one page view of a record with deeply nested TEI overflowed a worker's
/// stack and aborted the server. Such a record (stored before the importer's limit) now renders
/// its plain text; the page answers 200.
#[tokio::test]
async fn deeply_nested_stored_tei_renders_as_plain_text() {
    let site = site().await;
    let mut deep = plain_record("deep-tei", "Deeply nested");
    deep.tei = Some(format!(
        "<div type=\"document\">{}x{}</div>",
        "<note>".repeat(2_500),
        "</note>".repeat(2_500)
    ));
    let mut hi = plain_record("deep-hi", "Deeply highlighted");
    hi.tei = Some(format!("<div>{}x{}</div>", "<hi>".repeat(8_000), "</hi>".repeat(8_000)));
    store_directly(&site.archive, vec![deep, hi]).await;
    for id in ["deep-tei", "deep-hi"] {
        let page = get(&site.app, &format!("/records/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{id}");
        assert!(page.body.contains("Plain text."), "{id}");
    }
}

/// Regression (issue 10): the API showed `provenance.source_path`, a path on the importing
/// machine. It shows the file's name, format, checksum and import time.
#[tokio::test]
async fn provenance_shows_no_paths() {
    let site = site().await;
    let json: serde_json::Value =
        serde_json::from_str(&get(&site.app, "/api/v1/records/wcda-112970").await.body).unwrap();
    let provenance = &json["provenance"];
    assert!(provenance.get("source_path").is_none(), "{provenance}");
    assert_eq!(provenance["source_file"], "000_5e4392f9da7ebfc5.txt");
    assert_eq!(provenance["format"], "text");
    assert_eq!(provenance["sha256"].as_str().unwrap().len(), 64);
    let root = root().canonicalize().unwrap();
    for uri in ["/api/v1/records/wcda-112970", "/records/wcda-112970", "/api/v1/records?limit=1000"]
    {
        let body = get(&site.app, uri).await.body;
        assert!(!body.contains(root.to_str().unwrap()), "{uri} shows a path");
        assert!(!body.contains("/demo/000_"), "{uri} shows a path");
    }
    let page = get(&site.app, "/records/wcda-112970").await.body;
    assert!(
        page.contains("Imported from <span class=\"file\">000_5e4392f9da7ebfc5.txt</span> (text)")
    );
}

/// Regression (issue 10): a `javascript:` source URL was rendered as a link and given as the
/// JSON-LD `sameAs`.
#[tokio::test]
async fn only_web_addresses_become_links() {
    let site = site().await;
    let mut record = plain_record("script-url", "A record with a scripted source");
    record.citation = Some(chancery_model::record::Citation {
        text: "Somewhere.".into(),
        parts: chancery_model::record::CitationParts {
            source_url: Some("javascript:window.__xss=9".into()),
            ..Default::default()
        },
    });
    let mut fine = plain_record("web-url", "A record with a web source");
    fine.citation = Some(chancery_model::record::Citation {
        text: "Somewhere.".into(),
        parts: chancery_model::record::CitationParts {
            source_url: Some("https://example.org/doc/1".into()),
            ..Default::default()
        },
    });
    store_directly(&site.archive, vec![record, fine]).await;
    let page = get(&site.app, "/records/script-url").await.body;
    assert!(!page.contains("href=\"javascript:"), "no script link");
    assert!(!page.contains("\"sameAs\""), "no script address in JSON-LD");
    assert!(page.contains("Source: javascript:window.__xss=9"), "shown as text");
    let page = get(&site.app, "/records/web-url").await.body;
    assert!(page.contains("<a href=\"https://example.org/doc/1\" rel=\"external\">"));
    assert!(page.contains("\"sameAs\":\"https://example.org/doc/1\""));
}

/// Regression (issue 10): a resumption token with a huge cursor wrapped around, and a set that
/// names no collection scanned every record.
#[tokio::test]
async fn oai_tokens_and_sets_are_checked_first() {
    let site = site().await;
    let huge = format!("v1|0|{}|||", u64::MAX);
    let xml = oai(&site.app, &format!("verb=ListRecords&resumptionToken={}", encode(&huge))).await;
    assert_eq!(error_code(&xml), Some("badResumptionToken"));
    for query in [
        "verb=ListRecords&metadataPrefix=oai_dc&set=no-such-volume",
        "verb=ListIdentifiers&metadataPrefix=oai_dc&set=frus1969-76vtest:nothing",
    ] {
        let xml = oai(&site.app, query).await;
        assert_eq!(error_code(&xml), Some("noRecordsMatch"), "{query}");
    }
    let token = encode("v1|0|0|||no-such-volume");
    let xml = oai(&site.app, &format!("verb=ListRecords&resumptionToken={token}")).await;
    assert_eq!(error_code(&xml), Some("noRecordsMatch"));
    // A real set still lists its records, its chapter's too.
    let xml =
        oai(&site.app, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=frus1969-76vtest").await;
    assert_eq!(texts(&xml, "identifier").len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Connections (issue 10): a real listener, real sockets.

/// Starts the real connection loop on a loopback port; returns its address and a stopper.
async fn serving(
    max_connections: u32,
    header_read_timeout: std::time::Duration,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>, Site) {
    let site = site().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut config = Config::new(BASE);
    config.max_connections = max_connections;
    config.header_read_timeout = header_read_timeout;
    let archive =
        Archive::new(site.archive.store().clone(), SearchIndex::in_memory().unwrap(), config)
            .await
            .unwrap();
    tokio::spawn(chancery_web::serve(listener, archive, async {
        let _ = stopped.await;
    }));
    (addr, stop, site)
}

async fn read_all(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).to_string()
}

/// Regression (issue 10): connections that trickled header lines were never timed out. The
/// server closes a connection that has not sent its headers within the header timeout, however
/// it trickles (here a line every 100 ms against a 400 ms timeout).
#[tokio::test]
async fn slow_headers_are_timed_out() {
    use tokio::io::AsyncWriteExt;
    let timeout = std::time::Duration::from_millis(400);
    let (addr, _stop, _site) = serving(16, timeout).await;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    let started = std::time::Instant::now();
    slow.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    // Trickle a header line every 100 ms until the server closes or twice the timeout passed.
    for n in 1.. {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let line = format!("X-Slow-{n}: {n}\r\n");
        if slow.write_all(line.as_bytes()).await.is_err() || started.elapsed() > timeout * 2 {
            break;
        }
    }
    let closed = tokio::time::timeout(timeout, read_all(&mut slow))
        .await
        .expect("the server has closed the connection");
    let waited = started.elapsed();
    assert!(closed.is_empty() || closed.starts_with("HTTP/1.1 408"), "{closed}");
    assert!(waited >= timeout, "closed after {waited:?}");
    assert!(waited < timeout * 4, "still open after {waited:?}");
    // The default is a named, documented constant.
    assert_eq!(chancery_web::HEADER_READ_TIMEOUT, std::time::Duration::from_secs(10));
}

/// Regression (issue 10): held connections took every place. Past the cap, the connection
/// idle the longest (here one trickling its headers) makes room for a new one; only when every
/// connection has a request in flight is a new one answered 503 and closed.
#[tokio::test]
async fn connections_past_the_cap_make_room_or_are_shed() {
    use tokio::io::AsyncWriteExt;
    let (addr, stop, _site) = serving(2, chancery_web::HEADER_READ_TIMEOUT).await;
    let request = b"GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut slow = Vec::new();
    for _ in 0..2 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(stream);
    }
    // A reader arrives: the oldest slow connection is closed for it, and it is served.
    let mut reader = tokio::net::TcpStream::connect(addr).await.unwrap();
    reader.write_all(request).await.unwrap();
    let answer = read_all(&mut reader).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    let evicted = tokio::time::timeout(std::time::Duration::from_secs(5), read_all(&mut slow[0]))
        .await
        .expect("the oldest slow connection was closed");
    assert!(evicted.is_empty(), "{evicted}");

    // Two requests in flight (their bodies still coming) hold both places: the next connection
    // is answered 503.
    let mut busy = Vec::new();
    for _ in 0..2 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"POST /oai HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nverb=Ide")
            .await
            .unwrap();
        busy.push(stream);
    }
    let mut shed = None;
    for _ in 0..100 {
        let mut next = tokio::net::TcpStream::connect(addr).await.unwrap();
        next.write_all(request).await.unwrap();
        let answer = read_all(&mut next).await;
        if answer.starts_with("HTTP/1.1 503") {
            shed = Some(answer);
            break;
        }
        // The busy requests may not have reached their handlers yet.
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let shed = shed.expect("a connection past the cap, with every place busy, is shed");
    assert!(shed.contains("Retry-After: 1"), "{shed}");
    let _ = stop.send(());
}

/// Issue 11: ids are the edition's spelling, looked up without regard to case; any other
/// spelling is redirected to the record's own address.
#[tokio::test]
async fn other_spellings_of_an_id_redirect() {
    let site = site().await;
    for (asked, canonical) in [
        ("/records/WCDA-112970", "/records/wcda-112970"),
        ("/records/frus1969-76vtest/d1", "/records/frus1969-76vTest/d1"),
        ("/api/v1/records/WCDA-112970", "/api/v1/records/wcda-112970"),
        (
            "/api/v1/records/FRUS1969-76VTEST/D1/citation?style=ris",
            "/api/v1/records/frus1969-76vTest/d1/citation?style=ris",
        ),
    ] {
        let reply = get(&site.app, asked).await;
        assert_eq!(reply.status, StatusCode::MOVED_PERMANENTLY, "{asked}");
        assert_eq!(reply.headers.get("location").unwrap(), canonical, "{asked}");
        assert_eq!(get(&site.app, canonical).await.status, StatusCode::OK, "{canonical}");
    }
    assert_eq!(get(&site.app, "/records/WCDA-999999").await.status, StatusCode::NOT_FOUND);
    // OAI-PMH identifiers are matched without regard to case too, and keep their first spelling.
    let xml = oai(
        &site.app,
        "verb=GetRecord&identifier=oai:archive.test:FRUS1969-76VTEST/D1&metadataPrefix=oai_dc",
    )
    .await;
    assert!(xml.contains("<identifier>oai:archive.test:frus1969-76vTest/d1</identifier>"), "{xml}");
}

/// Volumes read in the edition's order (issue 12): the list of volumes, a volume's and a
/// chapter's table of contents, a document's place with its previous and next, and the same
/// through the API, with the volume's records and TEI to download.
#[tokio::test]
async fn volumes_are_read_in_the_edition_s_order() {
    let trust = root().join("crates/ingest/test_data/tei/frus_trust.xml");
    let site = site_with(std::slice::from_ref(&trust), 100).await;
    let page = |uri: &'static str| {
        let app = site.app.clone();
        async move {
            let reply = get(&app, uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
            reply.body
        }
    };
    let volumes = page("/collections").await;
    assert!(volumes.contains("<a href=\"/collections/frus-trust-v9\">"), "{volumes}");
    assert!(
        volumes.contains("Edited by G. General, P. Primary. Published 1996. 10 documents, June 1961 – December 1962."),
        "{volumes}"
    );

    let volume = page("/collections/frus-trust-v9").await;
    let at = |needle: &str| {
        volume.find(needle).unwrap_or_else(|| panic!("{needle} is not on the page: {volume}"))
    };
    // The table of contents is the volume's order: d1 … d6, the id-less document, then d7 …;
    // never the order of the ids as text (d1, d10, d2 …).
    let order = [
        "href=\"/records/frus-trust-V9/d1\"",
        "href=\"/records/frus-trust-V9/d2\"",
        "href=\"/records/frus-trust-V9/d6\"",
        "href=\"/records/frus-trust-V9/anon8\"",
        "href=\"/collections/frus-trust-v9/ch2\"",
        "href=\"/records/frus-trust-V9/d7\"",
        "href=\"/records/frus-trust-V9/d9\"",
    ];
    let positions: Vec<usize> = order.iter().map(|n| at(n)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(
        at("<h2 id=\"h-matter\">Front and back matter</h2>") < at("/records/frus-trust-V9/persons")
    );
    assert!(volume.contains("<span class=\"number\">2.</span>"), "documents show their numbers");
    assert!(volume.contains("set=frus-trust-v9\">OAI-PMH set"), "{volume}");
    assert!(volume.contains("href=\"/api/v1/collections/frus-trust-v9/records\""));
    assert!(volume.contains("href=\"/api/v1/collections/frus-trust-v9/tei\""));

    let chapter = page("/collections/frus-trust-v9/ch1").await;
    assert!(chapter.contains("<nav class=\"trail\" aria-label=\"Collection\"><ol><li><a href=\"/collections/frus-trust-v9\">"), "{chapter}");
    assert!(
        chapter.contains("/records/frus-trust-V9/d1\"")
            && !chapter.contains("/records/frus-trust-V9/d7\"")
    );
    assert!(!chapter.contains("h-matter"), "front matter is the volume's");

    let document = page("/records/frus-trust-V9/d2").await;
    assert!(document.contains("Document 2 of 10</a> in the volume"), "{document}");
    assert!(document.contains("<a href=\"/records/frus-trust-V9/d1\" rel=\"prev\">"), "{document}");
    assert!(document.contains("<a href=\"/records/frus-trust-V9/d3\" rel=\"next\">"), "{document}");
    assert!(document.contains("<li><a href=\"/collections/frus-trust-v9/ch1\">"), "{document}");

    let unknown = get(&site.app, "/collections/frus-trust-v99").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // The API says the same.
    let list: serde_json::Value = serde_json::from_str(&page("/api/v1/collections").await).unwrap();
    assert_eq!(list["collections"][0]["id"], "frus-trust-v9");
    assert_eq!(list["collections"][0]["documents"], 10);
    let detail: serde_json::Value =
        serde_json::from_str(&page("/api/v1/collections/FRUS-TRUST-V9").await).unwrap();
    let ids: Vec<&str> =
        detail["contents"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.first(), Some(&"frus-trust-V9/d1"));
    assert_eq!(ids.iter().position(|i| *i == "frus-trust-V9/anon8"), Some(6));
    assert_eq!(detail["set_spec"], "frus-trust-v9");
    let lines = page("/api/v1/collections/frus-trust-v9/records").await;
    let parsed = chancery_ingest::json::parse(&Source {
        path: "volume.jsonl",
        bytes: lines.as_bytes(),
        imported_at: OffsetDateTime::now_utc(),
    });
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.records.len(), ids.len() + detail["matter"].as_array().unwrap().len());
    let tei = get(&site.app, "/api/v1/collections/frus-trust-v9/tei").await;
    assert_eq!(tei.content_type(), "application/tei+xml");
    assert_eq!(tei.body.as_bytes(), std::fs::read(&trust).unwrap(), "byte for byte");
    assert_problem(&get(&site.app, "/api/v1/collections/nothing").await, StatusCode::NOT_FOUND);
}

/// People across volumes (issue 12): a persons-list entry reaches its cross-volume person, one
/// person is reached from two volumes, the Dulles brothers stay apart, and the seed letter's
/// Tito and Khrushchev are the FRUS volumes' Tito and Khrushchev.
#[tokio::test]
async fn people_across_volumes() {
    let root = root();
    let persons = root.join("crates/ingest/test_data/persons");
    let dulles_to_tito = root.join("crates/web/tests/data/dulles-to-tito.txt");
    let site = site_with(
        &[
            root.join("demo/000_5e4392f9da7ebfc5.txt"),
            root.join("crates/ingest/test_data/tei/frus_trust.xml"),
            persons.join("frus_second.xml"),
            persons.join("people.xml"),
            dulles_to_tito,
            root.join("crates/web/tests/data/tito-to-dulles.txt"),
        ],
        100,
    )
    .await;
    let page = |uri: &'static str| {
        let app = site.app.clone();
        async move {
            let reply = get(&app, uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
            reply.body
        }
    };
    // One person from two volumes: both persons lists' entries, both volumes' documents.
    let khrushchev = page("/people/khrushchev-nikita-sergeyevich").await;
    assert!(khrushchev.contains("<h1>Nikita Sergeyevich Khrushchev</h1>"), "{khrushchev}");
    assert!(
        khrushchev.contains("<a href=\"/collections/frus-trust-v9\">")
            && khrushchev.contains("<a href=\"/collections/frus-second-v2\">"),
        "{khrushchev}"
    );
    assert!(
        khrushchev.contains("href=\"/records/frus-trust-V9/d6\"")
            && khrushchev.contains("href=\"/records/frus-second-v2/d1\""),
        "{khrushchev}"
    );
    assert!(khrushchev.contains("Chairman of the Council of Ministers of the Soviet Union"));

    // A volume's entry links to its person; correspondents link to theirs; brothers apart.
    let memorandum = page("/records/frus-trust-V9/d2").await;
    assert!(
        memorandum
            .contains("<dt><a href=\"/people/dulles-john-foster\">Dulles, John Foster</a></dt>"),
        "{memorandum}"
    );
    assert!(
        memorandum.contains(
            "<dt>From</dt><dd><a href=\"/people/dulles-john-foster\">John Foster Dulles</a>"
        ),
        "{memorandum}"
    );
    assert!(
        memorandum
            .contains("<dt>To</dt><dd><a href=\"/people/dulles-allen-w\">Allen W. Dulles</a>"),
        "{memorandum}"
    );
    // Names the TEI marks link to their persons, in the text itself.
    let conversation = page("/records/frus-second-v2/d1").await;
    assert!(
        conversation.contains("<a class=\"persName\" data-ref=\"p_KNS2\" href=\"/people/khrushchev-nikita-sergeyevich\">Khrushchev</a>"),
        "{conversation}"
    );
    let resolved: serde_json::Value =
        serde_json::from_str(&page("/api/v1/records/frus-trust-V9/d2/people").await).unwrap();
    assert_eq!(resolved["names"][0]["person"], "dulles-john-foster");
    assert_eq!(resolved["names"][0]["confidence"], "high");
    assert_eq!(resolved["names"][1]["person"], "dulles-allen-w");

    // The seed letter's Tito and Khrushchev are the volumes' Tito and Khrushchev.
    let letter: serde_json::Value =
        serde_json::from_str(&page("/api/v1/records/wcda-112970/people").await).unwrap();
    let person_of = |name: &str| {
        letter["names"].as_array().unwrap().iter().find(|n| n["name"] == name).unwrap()["person"]
            .clone()
    };
    assert_eq!(person_of("Tito"), "tito-josip-broz");
    assert_eq!(person_of("Nikita Khrushchev"), "khrushchev-nikita-sergeyevich");
    let seed = page("/records/wcda-112970").await;
    assert!(
        seed.contains("<a href=\"/people/khrushchev-nikita-sergeyevich\">Nikita Khrushchev</a>"),
        "{seed}"
    );
    // A person's correspondence: what they wrote and received, and with whom.
    let foster = page("/people/dulles-john-foster").await;
    assert!(foster.contains("<h3>Written by John Foster Dulles</h3>"), "{foster}");
    assert!(foster.contains("href=\"/records/frus-trust-V9/d2\""), "{foster}");
    assert!(foster.contains("<li><a href=\"/people/dulles-allen-w\">Allen W. Dulles</a> <span class=\"count\">1</span></li>"), "{foster}");
    let khrushchev = page("/people/khrushchev-nikita-sergeyevich").await;
    assert!(
        khrushchev.contains("<h3>Received by Nikita Sergeyevich Khrushchev</h3>"),
        "{khrushchev}"
    );
    assert!(khrushchev.contains("<a href=\"/people/tito-josip-broz\">Tito</a>"), "{khrushchev}");

    // A surname three persons bear is left for a curator, and says so.
    let ambiguous: serde_json::Value =
        serde_json::from_str(&page("/api/v1/records/letter-from-dulles-to-tito/people").await)
            .unwrap();
    assert_eq!(ambiguous["names"][0]["name"], "Dulles");
    assert_eq!(ambiguous["names"][0]["person"], serde_json::Value::Null);
    assert!(
        ambiguous["names"][0]["rule"].as_str().unwrap().starts_with("3 persons share `dulles`")
    );

    // Words that name one person find the documents that name them otherwise: "Josip Broz"
    // finds a letter that says only "Tito", through the authority; quoted, only the words.
    let widened: serde_json::Value =
        serde_json::from_str(&page("/api/v1/search?q=Josip%20Broz").await).unwrap();
    assert_eq!(widened["person"]["id"], "tito-josip-broz");
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(ids(&widened).contains(&"letter-from-dulles-to-tito".to_string()), "{widened}");
    let exact: serde_json::Value =
        serde_json::from_str(&page("/api/v1/search?q=%22Josip%20Broz%22").await).unwrap();
    assert_eq!(exact["person"], serde_json::Value::Null);
    assert!(!ids(&exact).contains(&"letter-from-dulles-to-tito".to_string()), "{exact}");
    let search_page = page("/search?q=Josip+Broz").await;
    assert!(
        search_page
            .contains("Your words name <a href=\"/people/tito-josip-broz\">Josip Broz Tito</a>"),
        "{search_page}"
    );
    // A surname several persons bear is not widened to any of them.
    let dulles: serde_json::Value =
        serde_json::from_str(&page("/api/v1/search?q=Foster%20Dulles").await).unwrap();
    assert_eq!(dulles["person"]["id"], "dulles-john-foster");
    assert!(
        !dulles["person"]["names"].as_array().unwrap().iter().any(|n| n == "Dulles"),
        "{dulles}"
    );

    // CMIF names the correspondents' authority; the persons export is schema.org JSON-LD.
    let cmif = page("/api/v1/cmif").await;
    assert!(
        cmif.contains("<persName ref=\"http://archive.test/people/khrushchev-nikita-sergeyevich\">Nikita Khrushchev</persName>"),
        "{cmif}"
    );
    let export = get(&site.app, "/api/v1/people.jsonld").await;
    assert_eq!(export.content_type(), "application/ld+json");
    let graph: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    assert_eq!(graph["@graph"].as_array().unwrap().len(), 7);
    let foster = graph["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["identifier"] == "dulles-john-foster")
        .unwrap();
    assert_eq!(foster["@type"], "Person");
    assert_eq!(foster["birthDate"], "1888");

    // Names in any script and romanization meet in one person.
    for spelling in ["%D0%A5%D1%80%D1%83%D1%89%D1%91%D0%B2", "Chruschtschow", "Hru%C5%A1%C4%8Dov"] {
        let found: serde_json::Value = serde_json::from_str(
            &get(&site.app, &format!("/api/v1/people?q={spelling}")).await.body,
        )
        .unwrap();
        assert_eq!(
            found["people"][0]["id"], "khrushchev-nikita-sergeyevich",
            "{spelling}: {found}"
        );
    }
    let cyrillic: serde_json::Value = serde_json::from_str(
        &get(&site.app, "/api/v1/search?q=%D0%9D%D0%B8%D0%BA%D0%B8%D1%82%D0%B0%20%D0%A5%D1%80%D1%83%D1%89%D1%91%D0%B2").await.body,
    )
    .unwrap();
    assert_eq!(cyrillic["person"]["id"], "khrushchev-nikita-sergeyevich", "{cyrillic}");

    // Found by any name, in either order.
    let found: serde_json::Value =
        serde_json::from_str(&page("/api/v1/people?q=Broz%20Tito").await).unwrap();
    assert_eq!(found["people"][0]["id"], "tito-josip-broz");
    assert!(
        page("/people?q=Josip+Broz+Tito")
            .await
            .contains("<a href=\"/people/tito-josip-broz\">Tito, Josip Broz</a>")
    );
    let person: serde_json::Value =
        serde_json::from_str(&page("/api/v1/people/dulles-john-foster").await).unwrap();
    assert_eq!(
        person["entries"],
        serde_json::json!(["frus-second-v2#p_DJF2", "frus-trust-V9#p_DJF1"])
    );
    assert_eq!(person["hsg_id"], "9001");
    assert_eq!(get(&site.app, "/people/nobody-at-all").await.status, StatusCode::NOT_FOUND);
    assert_problem(&get(&site.app, "/api/v1/people/nobody").await, StatusCode::NOT_FOUND);
    // A person search at its limit is answered; one past it is a 400 that names the limit.
    let at = "a".repeat(chancery_store::MAX_PERSON_QUERY_CHARS);
    assert_eq!(get(&site.app, &format!("/api/v1/people?q={at}")).await.status, StatusCode::OK);
    let past = get(&site.app, &format!("/api/v1/people?q={at}a")).await;
    let problem = assert_problem(&past, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].as_str().unwrap().contains("MAX_PERSON_QUERY_CHARS"));

    // Imported again, every person keeps its id; the second John Smith keeps his suffix.
    let bytes = std::fs::read(persons.join("people.xml")).unwrap();
    let parsed = chancery_ingest::parse(&Source {
        path: "people.xml",
        bytes: &bytes,
        imported_at: OffsetDateTime::now_utc(),
    });
    let store = site.archive.store();
    let mut batch = store
        .begin_import(OffsetDateTime::now_utc(), chancery_store::ImportPolicy::default())
        .await
        .unwrap();
    let ids = batch.add_persons(&parsed.persons).await.unwrap();
    batch.commit().await.unwrap();
    let ids: Vec<&str> = ids.iter().map(|i| i.as_str()).collect();
    assert_eq!(ids[0], "dulles-john-foster");
    assert_eq!(ids[5..], ["smith-john", "smith-john-9007"]);
    // Facets count persons, not strings: "Tito" and "President Tito" are one author.
    let search = page("/search?q=Tito").await;
    let from = &search[search.find(">From<").expect("a From facet")..];
    assert!(from.contains("Josip Broz Tito (2 names)"), "{from}");
    assert!(from.contains("author%3D%22President+Tito%22+OR+author%3DTito"), "{from}");
    // Generated forms of a Soviet and a Yugoslav name, with their language, marked as made by
    // rule; and a query in one of them finds the person.
    let khrushchev = page("/people/khrushchev-nikita-sergeyevich").await;
    assert!(khrushchev.contains("<li lang=\"ru\">Никита Сергеевич Хрущёв"), "{khrushchev}");
    assert!(
        khrushchev.contains("<li lang=\"de\">Nikita Sergejewitsch Chruschtschow"),
        "{khrushchev}"
    );
    assert!(khrushchev.contains("Nikita Sergejevič Hruščov"), "{khrushchev}");
    assert!(khrushchev.contains("generated: French romanization"), "{khrushchev}");
    let tito = page("/people/tito-josip-broz").await;
    assert!(tito.contains("Јосип Броз Тито"), "{tito}");
    let api = get(&site.app, "/api/v1/people/khrushchev-nikita-sergeyevich").await;
    let api: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(api["generated_names"][0]["name"], "Никита Сергеевич Хрущёв");
    assert_eq!(api["generated_names"][0]["script"], "Cyrl");
    let found = page("/people?q=Chruschtschow").await;
    assert!(found.contains("href=\"/people/khrushchev-nikita-sergeyevich\""), "{found}");
}

/// A curator's decisions about persons (issue 12): a merge redirects the merged id, a split moves
/// entries to a new person, both are recorded, and an import of the people data undoes neither.
#[tokio::test]
async fn curators_merge_and_split_persons_and_imports_keep_it() {
    let root = root();
    let persons = root.join("crates/ingest/test_data/persons");
    let site = site_with(
        &[
            root.join("crates/ingest/test_data/tei/frus_trust.xml"),
            persons.join("frus_second.xml"),
            persons.join("people.xml"),
        ],
        100,
    )
    .await;
    let store = site.archive.store();
    let id = |text: &str| chancery_model::person::PersonId::parse(text).unwrap();
    let now = OffsetDateTime::now_utc();
    // Refused with what to fix: no reason, an unknown person, an entry not the person's.
    let refused = store.merge_persons(&id("smith-john-9007"), &id("smith-john"), " ", now).await;
    assert!(matches!(refused, Err(chancery_store::Error::Rejected(_))));
    let unknown = store.merge_persons(&id("nobody"), &id("smith-john"), "x", now).await;
    assert!(unknown.unwrap_err().to_string().contains("no person `nobody`"));
    let wrong = store
        .split_person(
            &id("smith-john"),
            &["frus-second-v2#p_KNS2".into()],
            &id("x-y"),
            "Y, X",
            "x",
            now,
        )
        .await;
    assert!(wrong.unwrap_err().to_string().contains("is not an entry of `smith-john`"));
    let long = "n".repeat(chancery_store::MAX_SPLIT_NAME_BYTES + 1);
    let too_long =
        store.split_person(&id("smith-john"), &["x#y".into()], &id("x-y"), &long, "x", now).await;
    assert!(too_long.unwrap_err().to_string().contains("MAX_SPLIT_NAME_BYTES"));

    store
        .merge_persons(&id("smith-john-9007"), &id("smith-john"), "one John Smith", now)
        .await
        .unwrap();
    store
        .split_person(
            &id("khrushchev-nikita-sergeyevich"),
            &["frus-second-v2#p_KNS2".into()],
            &id("khrushchev-second-volume"),
            "Khrushchev, N. S. (second volume)",
            "taken apart to test the split",
            now,
        )
        .await
        .unwrap();
    let check = |when: &'static str| {
        let app = site.app.clone();
        let archive = site.archive.clone();
        async move {
            archive.refresh().await.unwrap();
            let merged = get(&app, "/people/smith-john-9007").await;
            assert_eq!(merged.status, StatusCode::MOVED_PERMANENTLY, "{when}");
            assert_eq!(merged.headers["location"], "/people/smith-john", "{when}");
            let api = get(&app, "/api/v1/people/smith-john-9007").await;
            assert_eq!(api.headers["location"], "/api/v1/people/smith-john", "{when}");
            // A relation's address too leads to the person the merged one became.
            let relation =
                get(&app, "/relations/smith-john-9007/khrushchev-nikita-sergeyevich").await;
            assert_eq!(
                relation.headers["location"], "/relations/smith-john/khrushchev-nikita-sergeyevich",
                "{when}"
            );
            let khrushchev = get(&app, "/people/khrushchev-nikita-sergeyevich").await.body;
            assert!(khrushchev.contains("/collections/frus-trust-v9"), "{when}");
            assert!(!khrushchev.contains("/collections/frus-second-v2"), "{when}: {khrushchev}");
            let second = get(&app, "/people/khrushchev-second-volume").await;
            assert_eq!(second.status, StatusCode::OK, "{when}");
            assert!(second.body.contains("/collections/frus-second-v2"), "{when}");
            assert!(second.body.contains("href=\"/records/frus-second-v2/d1\""), "{when}");
            let found: serde_json::Value =
                serde_json::from_str(&get(&app, "/api/v1/people?q=Smith").await.body).unwrap();
            assert_eq!(
                found["people"].as_array().unwrap().len(),
                1,
                "{when}: merged persons are not listed"
            );
        }
    };
    check("after the decisions").await;
    let bytes = std::fs::read(persons.join("people.xml")).unwrap();
    let parsed = chancery_ingest::parse(&Source {
        path: "people.xml",
        bytes: &bytes,
        imported_at: OffsetDateTime::now_utc(),
    });
    let mut batch = store
        .begin_import(OffsetDateTime::now_utc(), chancery_store::ImportPolicy::default())
        .await
        .unwrap();
    batch.add_persons(&parsed.persons).await.unwrap();
    batch.commit().await.unwrap();
    check("after the people data is imported again").await;
    let decisions = store.person_decisions().await.unwrap();
    let kinds: Vec<(&str, &str)> =
        decisions.iter().map(|d| (d.kind.as_str(), d.reason.as_str())).collect();
    assert_eq!(kinds, [("merge", "one John Smith"), ("split", "taken apart to test the split")]);
}

#[tokio::test]
async fn offices_countries_and_office_holders_by_date() {
    let root = root();
    let data = root.join("crates/web/tests/data");
    let site = site_with(
        &[
            root.join("demo/000_5e4392f9da7ebfc5.txt"),
            root.join("crates/ingest/test_data/tei/frus_trust.xml"),
            root.join("crates/ingest/test_data/persons/people.xml"),
            root.join("crates/ingest/test_data/offices/pocom.xml"),
            data.join("secretary-1955.txt"),
            data.join("secretary-1959.txt"),
        ],
        100,
    )
    .await;
    let page = |uri: &'static str| {
        let app = site.app.clone();
        async move {
            let reply = get(&app, uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
            reply.body
        }
    };
    // A person's posts, from the chiefs-of-mission data the people data points to.
    let dulles = page("/people/dulles-john-foster").await;
    assert!(dulles.contains("Positions held"), "{dulles}");
    assert!(
        dulles.contains("Secretary of State: appointed 21 January 1953; entered on duty 21 January 1953; left post 22 April 1959"),
        "{dulles}"
    );
    // An office named as such is its holder on the record's day…
    let id_of = |q: &'static str| {
        let app = site.app.clone();
        async move {
            let list = get(&app, &format!("/api/v1/search?q={q}")).await;
            let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
            list["hits"][0]["id"].as_str().unwrap().to_string()
        }
    };
    let telegram = id_of("%22Instructions%20for%20the%20Ambassador%22").await;
    let reply = get(&site.app, &format!("/api/v1/records/{telegram}/people")).await;
    let people: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let names = people["names"].as_array().unwrap();
    let author = names.iter().find(|n| n["role"] == "author").unwrap();
    assert_eq!(author["person"], "dulles-john-foster", "{people}");
    assert_eq!(author["confidence"], "high");
    assert!(author["rule"].as_str().unwrap().contains("on 1955-06-01"), "{people}");
    // … and a U.S. mission is its country's.
    let recipient = names.iter().find(|n| n["role"] == "recipient").unwrap();
    assert_eq!(recipient["country"], "yugoslavia", "{people}");
    assert_eq!(recipient["person"], serde_json::Value::Null);
    // A month in which the office changed hands names no one.
    let circular = id_of("%22changed%20hands%22").await;
    let reply = get(&site.app, &format!("/api/v1/records/{circular}/people")).await;
    let april: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(april["names"][0]["person"], serde_json::Value::Null, "{april}");
    assert!(april["names"][0]["rule"].as_str().unwrap().contains("changed hands"), "{april}");
    // The person's correspondence holds what they sent as Secretary of State.
    assert!(
        dulles.contains("Telegram From the Secretary of State to the Embassy in Yugoslavia"),
        "{dulles}"
    );
    assert!(!dulles.contains("Circular Telegram From the Secretary of State"), "{dulles}");

    // Countries: the list, and a state that no longer exists with its chiefs of mission.
    let countries = page("/countries").await;
    assert!(countries.contains("<a href=\"/countries/yugoslavia\">Yugoslavia</a>"), "{countries}");
    assert!(countries.contains("1918–2003, no longer exists"), "{countries}");
    let yugoslavia = page("/countries/yugoslavia").await;
    assert!(yugoslavia.contains("a state that no longer exists, 1918–2003"), "{yugoslavia}");
    assert!(yugoslavia.contains("James Williams Riddleberger"), "{yugoslavia}");
    assert!(yugoslavia.contains("presented credentials 27 April 1953"), "{yugoslavia}");
    assert!(yugoslavia.contains("To the U.S. mission in Yugoslavia"), "{yugoslavia}");
    assert!(
        yugoslavia.contains("Telegram From the Secretary of State to the Embassy in Yugoslavia"),
        "{yugoslavia}"
    );
    // The document page links the mission to its country and the office to its holder.
    let document = get(&site.app, &format!("/records/{telegram}")).await.body;
    assert!(
        document.contains("<a href=\"/countries/yugoslavia\">Embassy in Yugoslavia</a>"),
        "{document}"
    );
    assert!(
        document.contains("<a href=\"/people/dulles-john-foster\">Secretary of State</a>"),
        "{document}"
    );
    // The API.
    let country = get(&site.app, "/api/v1/countries/yugoslavia").await;
    assert_eq!(country.status, StatusCode::OK);
    let country: serde_json::Value = serde_json::from_str(&country.body).unwrap();
    assert_eq!(country["former_state"]["from"], 1918);
    assert_eq!(country["chiefs_of_mission"][0]["started"], "1953-04-27");
    let person = get(&site.app, "/api/v1/people/dulles-john-foster").await;
    let person: serde_json::Value = serde_json::from_str(&person.body).unwrap();
    assert_eq!(person["positions"][0]["post_name"], "Secretary of State", "{person}");
    assert_problem(&get(&site.app, "/api/v1/countries/atlantis").await, StatusCode::NOT_FOUND);
    assert_eq!(get(&site.app, "/countries/atlantis").await.status, StatusCode::NOT_FOUND);

    // Organizations: the seed letter's bodies are the Politburo of the CC LCY and the CC CPSU,
    // each with its country, however the letter writes them.
    let reply = get(&site.app, "/api/v1/records/wcda-112970/people").await;
    let seed: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let body = |name: &str| {
        seed["names"].as_array().unwrap().iter().find(|n| n["name"] == name).cloned().unwrap()
    };
    let politburo = body("Executive Committee [Politburo] of the CC LCY");
    assert_eq!(politburo["organization"], "cc-lcy-executive-committee", "{seed}");
    assert_eq!(politburo["country"], "yugoslavia");
    assert_eq!(politburo["confidence"], "high");
    let cpsu = body("Central Committee of the Communist Party of the Soviet Union");
    assert_eq!(cpsu["organization"], "cc-cpsu");
    assert_eq!(cpsu["country"], "russia");
    let organizations = page("/organizations").await;
    assert!(organizations.contains("<a href=\"/organizations/cc-cpsu\">Central Committee of the Communist Party of the Soviet Union</a>"), "{organizations}");
    // U.S. missions are their countries', not organizations.
    assert!(!organizations.contains("Embassy in Yugoslavia"), "{organizations}");
    let cc = page("/organizations/cc-cpsu").await;
    assert!(cc.contains("Records it received"), "{cc}");
    assert!(cc.contains("href=\"/records/wcda-112970\""), "{cc}");
    assert!(cc.contains("Also: CC CPSU"), "{cc}");
    let seed_page = page("/records/wcda-112970").await;
    assert!(seed_page.contains("<a href=\"/organizations/cc-lcy-executive-committee\">Executive Committee [Politburo] of the CC LCY</a>"), "{seed_page}");
    let yugoslavia = page("/countries/yugoslavia").await;
    assert!(
        yugoslavia.contains("href=\"/organizations/cc-lcy-executive-committee\""),
        "{yugoslavia}"
    );
    let api = get(&site.app, "/api/v1/organizations/cc-cpsu").await;
    let api: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(api["received"], serde_json::json!(["wcda-112970"]), "{api}");
    assert_eq!(api["wrote"], serde_json::json!([]));
    assert_eq!(api["known"], true);
    assert_problem(
        &get(&site.app, "/api/v1/organizations/no-such-body").await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(
        &get(&site.app, "/api/v1/organizations/Not%20An%20Id").await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(get(&site.app, "/organizations/no-such-body").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn records_that_name_their_collection_form_it() {
    let root = root();
    let site = site_with(
        &[
            root.join("demo/000_5e4392f9da7ebfc5.txt"),
            root.join("crates/ingest/test_data/tei/frus_2014_style.xml"),
            root.join("crates/web/tests/data/wilson-collection.txt"),
        ],
        100,
    )
    .await;
    let list = get(&site.app, "/collections").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Collections the records name"), "{}", list.body);
    assert!(
        list.body.contains("<a href=\"/collections/named/soviet-yugoslav-split-1948\">Soviet–Yugoslav Split, 1948</a>"),
        "{}",
        list.body
    );
    // A volume's own title is its volume, not a named collection.
    assert_eq!(list.body.matches("/collections/named/").count(), 2, "{}", list.body);
    let page = get(&site.app, "/collections/named/cold-war-in-the-balkans").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<h1>Cold War in the Balkans</h1>"), "{}", page.body);
    assert!(
        page.body.contains("Letter from Stalin and Molotov to Tito and Kardelj"),
        "{}",
        page.body
    );
    assert!(page.body.contains("18 March 1948"), "{}", page.body);
    // The record's page links to the collection.
    let record = get(&site.app, "/records/wcda-test-stalin-molotov-letter").await;
    assert!(
        record.body.contains("href=\"/collections/named/cold-war-in-the-balkans\""),
        "{}",
        record.body
    );
    assert_eq!(get(&site.app, "/collections/named/no-such").await.status, StatusCode::NOT_FOUND);
}

async fn api_json(site: &Site, uri: &str) -> serde_json::Value {
    let reply = get(&site.app, uri).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn api_total(site: &Site, q: &str) -> u64 {
    api_json(site, &format!("/api/v1/search?limit=0&q={}", encode(q))).await["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn facet_counts_are_click_counts_through_the_api() {
    let site = site().await;
    let mut checked = 0;
    for q in ["", "Tito", "Khrushchev OR telegram", "-type=letter", "date:1900..1960"] {
        let found = api_json(&site, &format!("/api/v1/search?limit=0&q={}", encode(q))).await;
        let total = found["total"].as_u64().unwrap();
        for (facet, values) in found["facets"].as_object().unwrap() {
            assert_eq!(
                found["facet_totals"][facet].as_u64().unwrap() as usize,
                values.as_array().unwrap().len(),
                "{q}: {facet}"
            );
            for value in values.as_array().unwrap() {
                let clause = value["clause"].as_str().unwrap();
                let count = value["count"].as_u64().unwrap();
                assert_eq!(api_total(&site, &format!("{q} {clause}")).await, count, "{q} {clause}");
                assert_eq!(api_total(&site, &format!("{q} -{clause}")).await, total - count);
                checked += 1;
            }
        }
    }
    assert!(checked > 80, "{checked}");
    // OR within a facet, and every value of a facet a page at a time.
    let types = api_json(&site, "/api/v1/search/facets/type?limit=2").await;
    let values = types["values"].as_array().unwrap();
    assert_eq!(values.len(), 2);
    assert!(types["total"].as_u64().unwrap() > 2);
    let or = format!(
        "{} OR {}",
        values[0]["clause"].as_str().unwrap(),
        values[1]["clause"].as_str().unwrap()
    );
    let sum = values[0]["count"].as_u64().unwrap() + values[1]["count"].as_u64().unwrap();
    assert_eq!(api_total(&site, &or).await, sum, "{or}");
    let rest = api_json(&site, "/api/v1/search/facets/type?limit=2&offset=2").await;
    assert_ne!(rest["values"][0]["value"], values[0]["value"]);
    assert_problem(&get(&site.app, "/api/v1/search/facets/colour").await, StatusCode::NOT_FOUND);
    assert_problem(
        &get(&site.app, "/api/v1/search/facets/type?limit=0").await,
        StatusCode::BAD_REQUEST,
    );
}

#[tokio::test]
async fn search_sorts_forgives_and_tells_hits_apart() {
    let site = site().await;
    // Edition order: a volume's documents as it prints them.
    let volume = api_json(&site, "/api/v1/search?q=collection%3Dfrus-test-v1&sort=edition").await;
    let ids: Vec<&str> =
        volume["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert!(ids.len() >= 2, "{volume}");
    let numbers: Vec<u64> = volume["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["number"].as_str()?.parse().ok())
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{ids:?} {numbers:?}");
    // Every sort answers, each its own order; an unknown one says which there are.
    for sort in ["relevance", "date", "newest", "edition"] {
        let reply = get(&site.app, &format!("/api/v1/search?q=&sort={sort}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{sort}");
    }
    let problem =
        assert_problem(&get(&site.app, "/api/v1/search?sort=up").await, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].as_str().unwrap().contains("edition"));
    let page = get(&site.app, "/search?q=&sort=edition").await.body;
    assert!(page.contains("<strong>edition order</strong>"), "{page}");
    // Hits say what they are, where they are printed or held, and who wrote to whom.
    let letter = api_json(&site, "/api/v1/search?q=wcda-112970").await;
    let hit = &letter["hits"][0];
    assert_eq!(hit["type"], "letter");
    assert!(hit["source"].as_str().unwrap().contains("Arhiv Jugoslavije"), "{hit}");
    assert!(!hit["authors"].as_array().unwrap().is_empty());
    let page = get(&site.app, "/search?q=wcda-112970").await.body;
    assert!(page.contains("<span class=\"kind\">Letter</span>"), "{page}");
    assert!(page.contains("<p class=\"correspondents\">"), "{page}");
    // Prefix and fuzzy words; a misspelling finds nothing and is offered the word.
    let exact = api_total(&site, "Khrushchev").await;
    assert!(exact > 0);
    assert!(api_total(&site, "Khrush*").await >= exact);
    assert!(api_total(&site, "Khruschev~").await >= exact);
    let misspelt = api_json(&site, "/api/v1/search?q=Khruschev").await;
    assert_eq!(misspelt["total"], 0);
    assert_eq!(misspelt["did_you_mean"], "Khrushchev");
    let page = get(&site.app, "/search?q=Khruschev").await.body;
    assert!(page.contains("Did you mean <a href=\"/search?q=Khrushchev\""), "{page}");
    let found = api_json(&site, "/api/v1/search?q=Khrushchev").await;
    assert!(found["did_you_mean"].is_null());
    let problem =
        assert_problem(&get(&site.app, "/api/v1/search?q=Kh*").await, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].as_str().unwrap().contains("at least 3"));
}

#[tokio::test]
async fn facet_pages_and_the_advanced_form_write_the_query_language() {
    let site = site().await;
    // A facet's page lists every value with links that select and exclude it.
    let reply = get(&site.app, "/search/facets/type?q=").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.contains("href=\"/search?q=type%3Dletter&#38;sort=date\""),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("href=\"/search?q=-type%3Dletter&#38;sort=date\""),
        "{}",
        reply.body
    );
    assert_eq!(get(&site.app, "/search/facets/colour").await.status, StatusCode::NOT_FOUND);
    // The search page shows a value selected, excluded, and the note on counts.
    let selected = get(&site.app, "/search?q=type%3Dletter").await.body;
    assert!(
        selected.contains("aria-current=\"true\" title=\"Remove this filter\">✕ Letter"),
        "{selected}"
    );
    assert!(selected.contains("Counts are each value"), "{selected}");
    let excluded = get(&site.app, "/search?q=-type%3Dletter").await.body;
    assert!(excluded.contains("<s>Letter</s>"), "{excluded}");
    // The advanced form: empty, it is a form; filled in, it leads to the query it wrote.
    let form = get(&site.app, "/search/advanced?start=tito").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"start\" value=\"tito\""), "{}", form.body);
    assert!(form.body.contains("<option value=\"letter\">Letter</option>"), "{}", form.body);
    let go = get(
        &site.app,
        "/search/advanced?go=1&words=normalization&phrase=&person=Khrushchev&from=1954&to=1955&type=letter&sort=edition",
    )
    .await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    let location = go.headers.get("location").unwrap().to_str().unwrap();
    assert_eq!(
        location,
        "/search?q=normalization+author%3A%22Khrushchev%22+OR+recipient%3A%22Khrushchev%22+date%3A1954..1955+type%3Dletter&sort=edition"
    );
    assert_eq!(get(&site.app, location).await.status, StatusCode::OK);
    // A date the form cannot write into a query says so, on the form.
    let bad = get(&site.app, "/search/advanced?go=1&from=1955&to=1954").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("ends before it starts"), "{}", bad.body);
}

/// Every date the server works with comes from its clock (`Config::clock`), never from the system
/// in a handler: a site whose clock says 3 February 2031 cites with that access date (the
/// download and the document page's Cite box), answers OAI-PMH at that time and dates its CMIF
/// header so.
#[tokio::test]
async fn the_server_reads_the_time_from_its_clock() {
    let at = time::macros::datetime!(2031-02-03 04:05:06 UTC);
    let site =
        site_configured(&fixture_files(), |config| config.clock = chancery_web::Clock::fixed(at))
            .await;
    let app = &site.app;
    let csl = get(app, "/api/v1/records/wcda-112970/citation?style=csl-json").await;
    let csl: serde_json::Value = serde_json::from_str(&csl.body).unwrap();
    assert_eq!(csl[0]["accessed"]["date-parts"], serde_json::json!([[2031, 2, 3]]), "{csl}");
    let page = get(app, "/records/wcda-112970").await;
    assert!(page.body.contains("2031"), "the Cite box's access date");
    let oai = get(app, "/oai?verb=Identify").await;
    assert!(oai.body.contains("<responseDate>2031-02-03T04:05:06Z</responseDate>"), "{}", oai.body);
    let cmif = get(app, "/api/v1/cmif").await;
    assert!(cmif.body.contains("2031-02-03"), "{}", &cmif.body[..cmif.body.len().min(2000)]);
}

/// A record's citations are kept by revision and access day across store changes
/// (`Config::citation_memo_bytes`): with no page cache, the Cite box follows the day as it turns
/// and a new revision at once, and says what the citation API says.
#[tokio::test]
async fn the_cite_box_follows_the_day_and_the_revision() {
    use std::sync::atomic::{AtomicI64, Ordering};
    let days = std::sync::Arc::new(AtomicI64::new(0));
    let turned = days.clone();
    let clock = chancery_web::Clock::from_fn(move || {
        time::macros::datetime!(2031-02-03 12:00 UTC)
            + time::Duration::days(turned.load(Ordering::Relaxed))
    });
    let site = site_configured(&fixture_files(), |config| {
        config.clock = clock;
        config.page_cache_bytes = 0;
    })
    .await;
    let cite_box = |page: &str| {
        let start = page.find("<section class=\"cite\"").expect("a Cite box");
        let end = start + page[start..].find("</section>").unwrap();
        page[start..end].to_string()
    };
    let first = cite_box(&get(&site.app, "/records/wcda-112970").await.body);
    assert!(first.contains("2031-02-03"), "{first}");
    assert_eq!(first, cite_box(&get(&site.app, "/records/wcda-112970").await.body));

    days.store(1, Ordering::Relaxed);
    let next_day = cite_box(&get(&site.app, "/records/wcda-112970").await.body);
    assert!(next_day.contains("2031-02-04") && !next_day.contains("2031-02-03"), "{next_day}");
    let bibtex = get(&site.app, "/api/v1/records/wcda-112970/citation?style=bibtex").await.body;
    let shown = next_day.split("id=\"cite-bibtex\">").nth(1).unwrap().split("</pre>").next();
    let shown = shown.unwrap().replace("&#34;", "\"").replace("&amp;", "&");
    assert_eq!(shown.trim_end(), bibtex.trim_end());

    // A new revision of the letter (its translator's name corrected) is cited at once.
    let dir = tempfile::tempdir().unwrap();
    let corrected = dir.path().join("000_5e4392f9da7ebfc5.txt");
    let text = std::fs::read_to_string(root().join("demo/000_5e4392f9da7ebfc5.txt")).unwrap();
    assert!(text.contains("Svetozar Rajak"));
    std::fs::write(&corrected, text.replace("Svetozar Rajak", "Svetozar Rajak-Corrected")).unwrap();
    import(site.archive.store(), &[corrected]).await;
    site.archive.refresh().await.unwrap();
    let revised = cite_box(&get(&site.app, "/records/wcda-112970").await.body);
    assert!(revised.contains("Rajak-Corrected") && revised.contains("2031-02-04"), "{revised}");
    assert!(!next_day.contains("Rajak-Corrected"));
}

/// `/api/v1/health` (and `/health`) says how far the index and the preservation copy follow the
/// store and what the last fixity check found: 200 before any check and after one that passed,
/// 503 after one that failed.
#[tokio::test]
async fn health_reports_lag_and_the_last_fixity_check() {
    let site = site().await;
    let last = site.archive.store().last_change().await.unwrap();
    let reply = get(&site.app, "/api/v1/health").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.content_type(), "application/json");
    let health: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["last_change"], last);
    assert_eq!(health["index_behind"], 0);
    assert_eq!(health["index_lag_seconds"], 0.0);
    assert_eq!(health["store"], "sqlite");
    assert!(health["copy_change"].is_null() && health["fixity"].is_null(), "{health}");

    let run = |copy_failures| chancery_web::FixityRun {
        finished: time::OffsetDateTime::UNIX_EPOCH,
        seconds: 1.25,
        sources: 7,
        source_failures: 0,
        objects: 12,
        copy_failures,
    };
    site.archive.report_preservation(|p| {
        p.copy_change = Some(last - 1);
        p.fixity = Some(run(0));
    });
    let health: serde_json::Value =
        serde_json::from_str(&get(&site.app, "/health").await.body).unwrap();
    assert_eq!(health["copy_behind"], 1);
    assert_eq!(health["fixity"]["objects"], 12);
    assert_eq!(health["fixity"]["finished"], "1970-01-01T00:00:00Z");
    site.archive.report_preservation(|p| p.fixity = Some(run(1)));
    let reply = get(&site.app, "/api/v1/health").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.body.contains("\"status\":\"fixity failed\""), "{}", reply.body);
}

/// Relations (issue 16): a letter counts from its author's side to its recipient's, a
/// conversation apart; an embassy's telegram to the Department is internal U.S. traffic; a
/// document between two parties is not also "about both"; a party with no documents has an
/// empty page; a new record reaches the relation without a restart.
#[tokio::test]
async fn relations_between_parties() {
    let root = root();
    let data = root.join("crates/web/tests/data");
    let site = site_with(
        &[
            root.join("demo/000_5e4392f9da7ebfc5.txt"),
            root.join("crates/ingest/test_data/persons/people.xml"),
            root.join("crates/ingest/test_data/offices/pocom.xml"),
            data.join("tito-to-dulles.txt"),
            data.join("secretary-1955.txt"),
            data.join("embassy-on-rapprochement.txt"),
            data.join("conversation-in-belgrade.txt"),
            data.join("visits-yugoslavia.xml"),
            data.join("trips-dulles.xml"),
        ],
        100,
    )
    .await;
    let json = |uri: String| {
        let app = site.app.clone();
        async move {
            let reply = get(&app, &uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
            serde_json::from_str::<serde_json::Value>(&reply.body).unwrap()
        }
    };
    let ids = |v: &serde_json::Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!("{} {}", d["id"].as_str().unwrap(), d["direction"].as_str().unwrap_or(""))
            })
            .collect()
    };

    // Short names lead to the parties' own ids.
    for (asked, to) in [
        ("/relations/tito/khrushchev", "/relations/tito-josip-broz/khrushchev-nikita-sergeyevich"),
        (
            "/relations/yugoslavia/ussr?period=1954-08",
            "/relations/yugoslavia/russia?period=1954-08",
        ),
        ("/relations/usa/yugoslavia", "/relations/united-states/yugoslavia"),
    ] {
        let reply = get(&site.app, asked).await;
        assert_eq!(reply.status, StatusCode::MOVED_PERMANENTLY, "{asked}");
        assert_eq!(reply.headers["location"], to, "{asked}");
    }

    // Yugoslavia and the Soviet Union: the seed letter from Yugoslavia's side, the Belgrade
    // conversation apart; the embassy's telegram names both without being between them.
    let yu_su = json("/api/v1/relations/yugoslavia/russia".into()).await;
    assert_eq!((yu_su["a_to_b"].as_u64(), yu_su["b_to_a"].as_u64()), (Some(1), Some(0)), "{yu_su}");
    assert_eq!(yu_su["conversations"], 1);
    assert_eq!(
        ids(&yu_su, "documents"),
        ["wcda-112970 a-to-b", "conversation-in-belgrade-1955 conversation"].map(String::from),
        "{yu_su}"
    );
    let about = ids(&yu_su["about_both"], "documents");
    assert!(about.iter().any(|d| d.starts_with("embassy-on-rapprochement-1955")), "{yu_su}");
    assert!(!about.iter().any(|d| d.starts_with("wcda-112970")), "between is not about: {yu_su}");
    let buckets = yu_su["timeline"]["buckets"].as_array().unwrap();
    assert_eq!(yu_su["timeline"]["granularity"], "month");
    assert_eq!(buckets.first().unwrap()["period"], "1954-08");
    assert_eq!(buckets.first().unwrap()["a_to_b"], 1);
    assert_eq!(buckets.last().unwrap()["period"], "1955-05");
    assert_eq!(buckets.last().unwrap()["conversations"], 1);
    assert_eq!(buckets.len(), 10, "every month from the first to the last");
    assert_eq!(yu_su["correspondents"]["a"][0]["id"], "tito-josip-broz", "{yu_su}");
    assert!(yu_su["chiefs_of_mission"].as_array().unwrap().is_empty());
    // Seen from the other side, the same letter runs the other way.
    let su_yu = json("/api/v1/relations/russia/yugoslavia".into()).await;
    assert_eq!((su_yu["a_to_b"].as_u64(), su_yu["b_to_a"].as_u64()), (Some(0), Some(1)));

    // The two leaders: the letter of August 1954 and the conversation.
    let leaders =
        json("/api/v1/relations/tito-josip-broz/khrushchev-nikita-sergeyevich".into()).await;
    assert_eq!(leaders["a_to_b"], 1, "{leaders}");
    assert_eq!(leaders["conversations"], 1, "{leaders}");

    // The United States and Yugoslavia: Tito's letter to Dulles, from Yugoslavia's side; the
    // Secretary's telegram to the embassy and the embassy's to the Department are internal.
    let us_yu = json("/api/v1/relations/united-states/yugoslavia".into()).await;
    assert_eq!(
        ids(&us_yu, "documents"),
        ["letter-from-tito-to-dulles b-to-a"].map(String::from),
        "{us_yu}"
    );
    assert_eq!(us_yu["chiefs_of_mission"][0]["holder"], "riddleberger-james-williams", "{us_yu}");
    let visits: Vec<&str> =
        us_yu["visits"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(visits, ["trip-9301", "visit-9380"], "by date: {us_yu}");
    assert!(yu_su["visits"].as_array().unwrap().is_empty(), "only for the United States");

    // The query language: `between:` finds what the relation lists, `about:` what names both.
    let hits = |v: serde_json::Value| -> Vec<String> {
        let mut ids: Vec<String> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let between = json("/api/v1/search?q=between:yugoslavia,ussr".into()).await;
    assert_eq!(hits(between), ["conversation-in-belgrade-1955", "wcda-112970"].map(String::from));
    let about_only =
        json("/api/v1/search?q=about:yugoslavia,ussr%20-between:yugoslavia,ussr".into()).await;
    let about_only = hits(about_only);
    assert!(
        about_only.iter().any(|id| id.starts_with("embassy-on-rapprochement-1955")),
        "{about_only:?}"
    );
    assert!(!about_only.contains(&"wcda-112970".to_string()), "{about_only:?}");
    let leaders = json("/api/v1/search?q=between:tito,khrushchev%20type:letter".into()).await;
    assert_eq!(hits(leaders), ["wcda-112970"].map(String::from));
    assert_problem(
        &get(&site.app, "/api/v1/search?q=between:nowhere,ussr").await,
        StatusCode::BAD_REQUEST,
    );
    assert_problem(&get(&site.app, "/api/v1/search?q=between:ussr").await, StatusCode::BAD_REQUEST);
    let typed = get(&site.app, "/search?q=between:yugoslavia,ussr").await.body;
    assert!(
        typed.contains("value=\"between:yugoslavia,ussr\""),
        "the box keeps the query as typed"
    );

    // The page: a timeline whose bars lead to their month's documents, a table of the same.
    let page = get(&site.app, "/relations/yugoslavia/russia").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg class=\"timeline\""), "{}", page.body);
    assert!(
        page.body.contains(
            "<a href=\"/relations/yugoslavia/russia?period=1954-08#documents\" class=\"bar a-to-b\""
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(">August 1954</a></th><td>1</td><td>0</td><td>0</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/records/wcda-112970\""));
    let month = get(&site.app, "/relations/yugoslavia/russia?period=1955-05").await.body;
    assert!(
        month.contains("Memorandum of Conversation, Belgrade")
            && !month.contains("href=\"/records/wcda-112970\""),
        "{month}"
    );
    let us_page = get(&site.app, "/relations/united-states/yugoslavia").await.body;
    assert!(us_page.contains("U.S. chiefs of mission in Yugoslavia"), "{us_page}");
    assert!(
        us_page.contains("trip</td><td>Brioni</td><td>Met with President Tito.</td>"),
        "{us_page}"
    );

    // A party with no documents has an empty page; an unknown one none; a party with itself
    // is no relation.
    let empty = get(&site.app, "/relations/france/yugoslavia").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No dated document or event between them"), "{}", empty.body);
    let empty = json("/api/v1/relations/dulles-eleanor-lansing/yugoslavia".into()).await;
    assert_eq!(empty["documents"].as_array().unwrap().len(), 0);
    assert_eq!(
        get(&site.app, "/relations/nowhere-at-all/yugoslavia").await.status,
        StatusCode::NOT_FOUND
    );
    assert_problem(
        &get(&site.app, "/api/v1/relations/yugoslavia/nowhere-at-all").await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(
        get(&site.app, "/relations/yugoslavia/yugoslavia").await.status,
        StatusCode::BAD_REQUEST
    );

    // Reached from the parties' pages and from a document's correspondents.
    let country = get(&site.app, "/countries/yugoslavia").await.body;
    assert!(
        country
            .contains("<a href=\"/relations/yugoslavia/russia\">Yugoslavia and Soviet Union</a>"),
        "{country}"
    );
    let tito = get(&site.app, "/people/tito-josip-broz").await.body;
    assert!(
        tito.contains("href=\"/relations/tito-josip-broz/khrushchev-nikita-sergeyevich\""),
        "{tito}"
    );
    let seed = get(&site.app, "/records/wcda-112970").await.body;
    assert!(
        seed.contains("href=\"/relations/tito-josip-broz/khrushchev-nikita-sergeyevich\""),
        "{seed}"
    );
    assert_eq!(get(&site.app, "/countries/united-states").await.status, StatusCode::OK);

    // Curated events: imported like records, on the relation's page and in its timeline, with
    // their evidence; exported as they were imported; a changed event keeps its last version.
    let events_file = root.join("demo/events-yugoslavia-ussr.json");
    import(site.archive.store(), std::slice::from_ref(&events_file)).await;
    site.archive.refresh().await.unwrap();
    let with_events = json("/api/v1/relations/yugoslavia/russia".into()).await;
    let events = with_events["events"].as_array().unwrap();
    assert_eq!(events.len(), 8, "{with_events}");
    assert_eq!(events[0]["id"], "cominform-resolution-1948");
    assert_eq!(events[0]["direction"], "b-to-a", "the Soviet side broke with Yugoslavia");
    let reply = events.iter().find(|e| e["id"] == "yugoslav-reply-1954").unwrap();
    assert_eq!(reply["evidence"][0], "wcda-112970");
    assert!(reply["evidence_missing"].as_array().unwrap().is_empty());
    let moscow = events.iter().find(|e| e["id"] == "moscow-declaration-1956").unwrap();
    assert_eq!(moscow["evidence_missing"][0], "frus1955-57v26/d279", "not held here");
    let buckets = with_events["timeline"]["buckets"].as_array().unwrap();
    assert_eq!(buckets[0]["period"], "1948-06");
    assert_eq!(buckets[0]["events"], 1);
    let page = get(&site.app, "/relations/yugoslavia/russia").await.body;
    assert!(
        page.contains("id=\"event-belgrade-declaration-1955\""),
        "the cached page was dropped: {page}"
    );
    assert!(page.contains("frus1955-57v26/d279 (not in the archive)"), "{page}");
    assert!(page.contains("class=\"bar event\""), "{page}");
    // Curated and derived events together, for statistical work.
    let all: serde_json::Value = json("/api/v1/relations/yugoslavia/russia/events".into()).await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 8 + 2, "eight curated, the letter and the conversation");
    assert!(all.iter().any(|e| e["derived"] == true && e["evidence"][0] == "wcda-112970"));
    let csv = get(&site.app, "/api/v1/relations/yugoslavia/russia/events?format=csv").await;
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    assert!(csv.body.starts_with("id,date,kind,direction,statement,evidence,derived,revision\r\n"));
    assert!(
        csv.body.contains("belgrade-declaration-1955,1955-06-02,agreement,a-to-b,"),
        "{}",
        csv.body
    );
    assert_eq!(csv.body.lines().count(), 11);
    assert_problem(
        &get(&site.app, "/api/v1/relations/yugoslavia/russia/events?format=xls").await,
        StatusCode::BAD_REQUEST,
    );
    // The export reads back as the events imported.
    let exported = get(&site.app, "/api/v1/events").await.body;
    let source = |bytes: &[u8]| {
        chancery_ingest::parse(&Source {
            path: "events.json",
            bytes,
            imported_at: OffsetDateTime::UNIX_EPOCH,
        })
        .events
    };
    let original = std::fs::read(&events_file).unwrap();
    assert_eq!(source(exported.as_bytes()), source(&original));
    // A changed statement is a new revision; the old one is kept.
    let changed = String::from_utf8(original).unwrap().replace(
        "Tito visits the Soviet Union for three weeks.",
        "Tito visits the Soviet Union, 2 to 20 June.",
    );
    let dir = tempfile::tempdir().unwrap();
    let changed_file = dir.path().join("events.json");
    std::fs::write(&changed_file, changed).unwrap();
    import(site.archive.store(), &[changed_file]).await;
    site.archive.refresh().await.unwrap();
    let revised = json("/api/v1/relations/yugoslavia/russia".into()).await;
    let visit = revised["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "tito-in-moscow-1956")
        .unwrap()
        .clone();
    assert_eq!(visit["revision"], 2);
    assert_eq!(visit["statement"], "Tito visits the Soviet Union, 2 to 20 June.");
    let kept = site.archive.store().event_revisions("tito-in-moscow-1956").await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].event.statement, "Tito visits the Soviet Union for three weeks.");

    // The network: who wrote to whom, as a picture, JSON, GEXF and GraphML.
    let graph = json("/api/v1/network?party=yugoslavia&from=1954&until=1956".into()).await;
    let node =
        |id: &str| graph["nodes"].as_array().unwrap().iter().find(|n| n["id"] == id).cloned();
    let tito = node("person:tito-josip-broz").expect("Tito is a node");
    assert_eq!(tito["inside"], true, "{graph}");
    assert_eq!(node("person:khrushchev-nikita-sergeyevich").unwrap()["inside"], false);
    let edges = graph["edges"].as_array().unwrap();
    assert!(
        edges.iter().any(|e| e["source"] == "person:tito-josip-broz"
            && e["target"] == "person:khrushchev-nikita-sergeyevich"
            && e["kind"] == "letters"
            && e["count"] == 1
            && e["relation"]
                == "http://archive.test/relations/tito-josip-broz/khrushchev-nikita-sergeyevich"),
        "{graph}"
    );
    assert!(edges.iter().any(|e| e["kind"] == "conversations"), "{graph}");
    let narrow = json("/api/v1/network?party=yugoslavia&from=1955-05&until=1955-05".into()).await;
    assert_eq!(narrow["records"], 1, "the conversation of May 1955 only: {narrow}");
    for (format, root_name) in [("gexf", "gexf"), ("graphml", "graphml")] {
        let reply =
            get(&site.app, &format!("/api/v1/network?party=yugoslavia&format={format}")).await;
        assert_eq!(reply.status, StatusCode::OK);
        let doc = roxmltree::Document::parse(&reply.body).expect("well-formed XML");
        assert_eq!(doc.root_element().tag_name().name(), root_name);
        let nodes = doc.descendants().filter(|n| n.has_tag_name("node")).count();
        let edges_xml = doc.descendants().filter(|n| n.has_tag_name("edge")).count();
        assert_eq!(nodes, graph_size(&site.app, "nodes").await, "{format}");
        assert!(edges_xml >= 2, "{format}: {}", reply.body);
    }
    let picture = get(&site.app, "/network?party=yugoslavia").await.body;
    assert!(picture.contains("<svg class=\"network\""), "{picture}");
    assert!(
        picture.contains(
            "<a href=\"/relations/tito-josip-broz/khrushchev-nikita-sergeyevich\"><line x1="
        ),
        "{picture}"
    );
    assert_eq!(
        get(&site.app, "/network?party=yugoslavia&from=June").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(get(&site.app, "/network?party=nowhere-at-all").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&site.app, "/network").await.status, StatusCode::OK, "the form");

    // A new letter reaches the relation once the server follows the store.
    import(site.archive.store(), &[data.join("khrushchev-to-tito.txt")]).await;
    site.archive.refresh().await.unwrap();
    let after = json("/api/v1/relations/yugoslavia/russia".into()).await;
    assert_eq!(after["b_to_a"], 1, "{after}");
    let page = get(&site.app, "/relations/yugoslavia/russia").await.body;
    assert!(page.contains("June 1955"), "the cached page was dropped: {page}");
}

/// How many nodes the whole network of Yugoslavia has.
async fn graph_size(app: &Router, what: &str) -> usize {
    let reply = get(app, "/api/v1/network?party=yugoslavia").await;
    let graph: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    graph[what].as_array().unwrap().len()
}
