//! Curation through the real router: who may write what, CSRF, sign-in limits, drafts kept from
//! every public surface until published, stale saves refused, history and the audit log, and
//! the write API with tokens.

#![allow(missing_docs)]

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chancery_ingest::Source;
use chancery_search::SearchIndex;
use chancery_store::{Role, SourceFile, Store};
use chancery_web::{Archive, Config, Shared, router};
use http_body_util::BodyExt;
use time::OffsetDateTime;
use tower::ServiceExt;

const BASE: &str = "http://archive.test";
const PASSWORD: &str = "a long enough password";
const LETTER: &str = "wcda-112970";

struct Site {
    archive: Shared,
    app: Router,
    _dir: tempfile::TempDir,
}

async fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/000_5e4392f9da7ebfc5.txt");
    let bytes = std::fs::read(&path).unwrap();
    let now = OffsetDateTime::now_utc();
    let parsed =
        chancery_ingest::parse(&Source { path: "seed.txt", bytes: &bytes, imported_at: now });
    let provenance = parsed.records[0].provenance.clone().unwrap();
    let source = SourceFile {
        sha256: provenance.sha256,
        path: "seed.txt".into(),
        format: provenance.format,
        bytes,
    };
    store.import(&parsed.records, &[source], now).await.unwrap();
    // Persons, for an editor's merges.
    let persons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/test_data/persons");
    let mut batch = store.begin_import(now, chancery_store::ImportPolicy::default()).await.unwrap();
    for name in ["frus_second.xml", "people.xml"] {
        let bytes = std::fs::read(persons.join(name)).unwrap();
        let parsed =
            chancery_ingest::parse(&Source { path: name, bytes: &bytes, imported_at: now });
        batch.add_persons(&parsed.persons).await.unwrap();
    }
    batch.commit().await.unwrap();
    for (name, role) in [("ada", Role::Admin), ("eve", Role::Editor), ("carl", Role::Contributor)] {
        store.add_account(name, PASSWORD, role, now).await.unwrap();
    }
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    index.reload().unwrap();
    let archive = Archive::new(store, index, Config::new(BASE)).await.unwrap();
    Site { app: router(archive.clone()), archive, _dir: dir }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn get(app: &Router, uri: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

fn encode(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

async fn post_form(
    app: &Router,
    uri: &str,
    cookie: Option<&str>,
    pairs: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> Reply {
    let mut request =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::from(encode(pairs))).unwrap()).await
}

fn set_cookie(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {name} in {body}")) + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

/// A signed-in browser: its cookie and its form token.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn try_sign_in(app: &Router, name: &str, password: &str) -> Reply {
    let form = get(app, "/curate/sign-in", None).await;
    let pre = set_cookie(&form, "chancery_sign_in").unwrap();
    let pre = pre.split(';').next().unwrap().to_string();
    let token = hidden(&form.body, "form_token");
    post_form(
        app,
        "/curate/sign-in",
        Some(&pre),
        &[("form_token", &token), ("name", name), ("password", password)],
        &[],
    )
    .await
}

async fn sign_in(app: &Router, name: &str) -> Browser {
    let reply = try_sign_in(app, name, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let session = set_cookie(&reply, "chancery_session").unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"), "{session}");
    let cookie = session.split(';').next().unwrap().to_string();
    let desk = get(app, "/curate", Some(&cookie)).await;
    assert_eq!(desk.status, StatusCode::OK);
    Browser { csrf: hidden(&desk.body, "csrf"), cookie }
}

/// The edit form of a record, as its page gives it, with some fields changed.
async fn edit_form(
    app: &Router,
    browser: &Browser,
    id: &str,
    changes: &[(&str, &str)],
) -> Vec<(String, String)> {
    let page = get(app, &format!("/curate/edit?id={id}"), Some(&browser.cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let document = scraper::Html::parse_document(&page.body);
    let mut pairs = Vec::new();
    let fields = scraper::Selector::parse(
        "form.record-form input, form.record-form textarea, form.record-form select",
    )
    .unwrap();
    for element in document.select(&fields) {
        let Some(name) = element.value().attr("name") else { continue };
        let value = match element.value().name() {
            "textarea" => element.text().collect::<String>(),
            "select" => {
                let selected = scraper::Selector::parse("option[selected]").unwrap();
                element
                    .select(&selected)
                    .next()
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or("")
                    .to_string()
            }
            _ => element.value().attr("value").unwrap_or("").to_string(),
        };
        pairs.push((name.to_string(), value));
    }
    for (name, value) in changes {
        match pairs.iter_mut().find(|(n, _)| n == name) {
            Some(pair) => pair.1 = value.to_string(),
            None => pairs.push((name.to_string(), value.to_string())),
        }
    }
    pairs
}

async fn post_pairs(
    app: &Router,
    uri: &str,
    browser: &Browser,
    pairs: &[(String, String)],
) -> Reply {
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    post_form(app, uri, Some(&browser.cookie), &borrowed, &[]).await
}

#[tokio::test]
async fn every_write_refuses_the_anonymous_and_the_wrong_role() {
    let site = site().await;
    let app = &site.app;
    for uri in [
        "/curate/edit",
        "/curate/publish",
        "/curate/discard",
        "/curate/unpublish",
        "/curate/delete",
        "/curate/restore",
        "/curate/tokens",
        "/curate/tokens/revoke",
        "/curate/sign-out",
        "/curate/import",
    ] {
        let reply = post_form(app, uri, None, &[("id", LETTER)], &[]).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(reply.headers.get(header::CACHE_CONTROL).unwrap(), "no-store, private", "{uri}");
    }
    for uri in [
        "/curate",
        "/curate/audit",
        "/curate/edit?id=wcda-112970",
        "/curate/history?id=wcda-112970",
        "/curate/audit.jsonl",
    ] {
        assert_eq!(get(app, uri, None).await.status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    // A cookie that names no session is no one.
    assert_eq!(
        get(app, "/curate", Some("chancery_session=0123")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let api = [
        Request::post("/api/v1/records?comment=x").body(Body::from("{}")).unwrap(),
        Request::put("/api/v1/records/wcda-112970?comment=x").body(Body::from("{}")).unwrap(),
        Request::delete("/api/v1/records/wcda-112970?comment=x").body(Body::empty()).unwrap(),
        Request::post("/api/v1/records/wcda-112970/publish?draft_version=1")
            .body(Body::empty())
            .unwrap(),
        Request::post("/api/v1/imports?name=a.txt").body(Body::from("x")).unwrap(),
    ];
    for request in api {
        let uri = request.uri().to_string();
        let reply = send(app, request).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(reply.headers.get(header::WWW_AUTHENTICATE).is_some(), "{uri}");
        assert_eq!(reply.headers.get(header::CONTENT_TYPE).unwrap(), "application/problem+json");
    }
    // A contributor may save drafts, not publish, unpublish, delete, restore, import or read the log.
    let carl = sign_in(app, "carl").await;
    for uri in ["/curate/publish", "/curate/unpublish", "/curate/delete", "/curate/restore"] {
        let reply = post_form(
            app,
            uri,
            Some(&carl.cookie),
            &[
                ("csrf", &carl.csrf),
                ("id", LETTER),
                ("revision", "1"),
                ("draft_version", "1"),
                ("comment", "x"),
            ],
            &[],
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}: {}", reply.body);
    }
    let publish = edit_form(app, &carl, LETTER, &[("comment", "try"), ("action", "publish")]).await;
    assert_eq!(
        post_pairs(app, "/curate/edit", &carl, &publish).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(app, "/curate/audit", Some(&carl.cookie)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(app, "/curate/import", Some(&carl.cookie)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        site.archive
            .store()
            .draft(&chancery_model::id::RecordId::parse(LETTER).unwrap())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn forms_without_their_token_or_from_elsewhere_are_refused() {
    let site = site().await;
    let app = &site.app;
    let eve = sign_in(app, "eve").await;
    let base = [("id", LETTER), ("revision", "1"), ("comment", "withdrawn")];
    let no_token = post_form(app, "/curate/unpublish", Some(&eve.cookie), &base, &[]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let mut with_wrong = base.to_vec();
    with_wrong.push(("csrf", "0000"));
    assert_eq!(
        post_form(app, "/curate/unpublish", Some(&eve.cookie), &with_wrong, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut with_token = base.to_vec();
    with_token.push(("csrf", &eve.csrf));
    let cross_origin = post_form(
        app,
        "/curate/unpublish",
        Some(&eve.cookie),
        &with_token,
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(cross_origin.status, StatusCode::FORBIDDEN);
    let cross_site = post_form(
        app,
        "/curate/unpublish",
        Some(&eve.cookie),
        &with_token,
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    // The sign-in form is bound to its browser too.
    let stray = post_form(
        app,
        "/curate/sign-in",
        None,
        &[("form_token", "x"), ("name", "eve"), ("password", PASSWORD)],
        &[],
    )
    .await;
    assert_eq!(stray.status, StatusCode::FORBIDDEN);
    assert!(
        site.archive
            .store()
            .get(&chancery_model::id::RecordId::parse(LETTER).unwrap())
            .await
            .unwrap()
            .is_some(),
        "nothing was unpublished"
    );
    // From this origin, with the token: done.
    let done = post_form(
        app,
        "/curate/unpublish",
        Some(&eve.cookie),
        &with_token,
        &[("origin", BASE), ("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

#[tokio::test]
async fn sign_in_does_not_tell_who_exists_and_is_limited() {
    let site = site().await;
    let app = &site.app;
    let wrong = try_sign_in(app, "eve", "not the password at all").await;
    let nobody = try_sign_in(app, "nobody", "not the password at all").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    let message = |r: &Reply| {
        r.body.split("class=\"problem\"").nth(1).unwrap().split("</p>").next().unwrap().to_string()
    };
    assert_eq!(message(&wrong), message(&nobody));
    for _ in 0..4 {
        try_sign_in(app, "eve", "still not the password").await;
    }
    // Five failures for the account: even the right password waits.
    let limited = try_sign_in(app, "eve", PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(set_cookie(&limited, "chancery_session").is_none());
    // Another account from the same (test) address is still let in: 6 failures < 20.
    sign_in(app, "ada").await;
    let log = site.archive.store().audit(&Default::default(), 1000).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "sign-in-failed").count(), 6);
    assert!(log.iter().any(|e| e.action == "sign-in-refused"));
}

#[tokio::test]
async fn a_draft_stays_off_every_public_surface_until_published() {
    let site = site().await;
    let app = &site.app;
    let carl = sign_in(app, "carl").await;
    let new = [
        ("csrf", carl.csrf.as_str()),
        ("new", "1"),
        ("id", "draft-letter-1"),
        ("title", "Letter from Kardelj to Molotov"),
        ("date", "June 2, 1955"),
        ("kind", "document"),
        ("text_kind", "translation"),
        ("text_language", "English"),
        ("text_label", ""),
        ("text_body", "Dear Comrade Molotov, unpublished words."),
        ("comment", "new letter from the Belgrade file"),
        ("action", "draft"),
    ];
    let saved = post_form(app, "/curate/edit", Some(&carl.cookie), &new, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // The same id again, or the seed letter's: taken, said beside the id.
    let again = post_form(app, "/curate/edit", Some(&carl.cookie), &new, &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("is taken by a record or a draft"), "{}", again.body);
    let mut taken = new.to_vec();
    taken[2] = ("id", LETTER);
    let reply = post_form(app, "/curate/edit", Some(&carl.cookie), &taken, &[]).await;
    assert!(reply.body.contains("is taken by a record or a draft"));
    site.archive.refresh().await.unwrap();
    assert_eq!(get(app, "/records/draft-letter-1", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(app, "/api/v1/records/draft-letter-1", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!get(app, "/search?q=Kardelj", None).await.body.contains("draft-letter-1"));
    assert!(!get(app, "/api/v1/search?q=unpublished", None).await.body.contains("draft-letter-1"));
    assert!(!get(app, "/sitemap.xml", None).await.body.contains("draft-letter-1"));
    let oai = get(app, "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc", None).await;
    assert!(!oai.body.contains("draft-letter-1"));
    let oai_get = get(
        app,
        "/oai?verb=GetRecord&identifier=oai:archive.test:draft-letter-1&metadataPrefix=oai_dc",
        None,
    )
    .await;
    assert!(oai_get.body.contains("idDoesNotExist"), "{}", oai_get.body);
    // An editor publishes it.
    let eve = sign_in(app, "eve").await;
    let history = get(app, "/curate/history?id=draft-letter-1", Some(&eve.cookie)).await;
    let version = hidden(&history.body, "draft_version");
    let published = post_form(
        app,
        "/curate/publish",
        Some(&eve.cookie),
        &[("csrf", &eve.csrf), ("id", "draft-letter-1"), ("draft_version", &version)],
        &[],
    )
    .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
    site.archive.refresh().await.unwrap();
    let page = get(app, "/records/draft-letter-1", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("unpublished words"));
    assert!(get(app, "/search?q=Kardelj", None).await.body.contains("draft-letter-1"));
    assert!(
        get(app, "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc", None)
            .await
            .body
            .contains("draft-letter-1")
    );
    // The public page is the same for a signed-in curator: nothing of the session is in it.
    let signed_in = get(app, "/records/draft-letter-1", Some(&eve.cookie)).await;
    assert_eq!(signed_in.body, page.body);
    assert!(!page.body.contains(&eve.csrf));
    // Deleting it reaches harvesters as a deletion.
    let history = get(app, "/curate/history?id=draft-letter-1", Some(&eve.cookie)).await;
    assert!(
        history.body.contains("web:carl") || history.body.contains("web:eve"),
        "{}",
        history.body
    );
    let deleted = post_form(
        app,
        "/curate/delete",
        Some(&eve.cookie),
        &[
            ("csrf", &eve.csrf),
            ("id", "draft-letter-1"),
            ("revision", "1"),
            ("comment", "a duplicate of wcda-112971"),
        ],
        &[],
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    site.archive.refresh().await.unwrap();
    let harvested = get(
        app,
        "/oai?verb=GetRecord&identifier=oai:archive.test:draft-letter-1&metadataPrefix=oai_dc",
        None,
    )
    .await;
    assert!(harvested.body.contains("status=\"deleted\""), "{}", harvested.body);
}

#[tokio::test]
async fn an_edit_is_diffed_a_stale_one_refused_and_everything_audited() {
    let site = site().await;
    let app = &site.app;
    let eve = sign_in(app, "eve").await;
    let opened = get(app, "/curate/edit?id=wcda-112970", Some(&eve.cookie)).await;
    assert!(
        opened.body.contains("How the archive reads these names"),
        "the correspondents' resolutions"
    );
    assert!(opened.body.contains("reads as <code>1954-08-11</code>"), "the printed date's EDTF");
    let first = edit_form(
        app,
        &eve,
        LETTER,
        &[
            ("date", "August 12, 1954"),
            ("comment", "the date as the original prints it"),
            ("action", "publish"),
        ],
    )
    .await;
    // The same form, made from revision 1, is sent twice: the second is stale.
    let mut stale = first.clone();
    for pair in stale.iter_mut() {
        if pair.0 == "summary" {
            pair.1.push_str(" An added sentence.");
        }
    }
    let saved = post_pairs(app, "/curate/edit", &eve, &first).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let refused = post_pairs(app, "/curate/edit", &eve, &stale).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("Changed since you began"), "{}", refused.body);
    assert!(
        refused.body.contains("<ins>12,</ins>") || refused.body.contains("<ins>12"),
        "the difference is shown"
    );
    let stored = site
        .archive
        .store()
        .get(&chancery_model::id::RecordId::parse(LETTER).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.revision, 2);
    assert_eq!(stored.record.date.printed, "August 12, 1954");
    assert_eq!(stored.record.date.edtf.unwrap().to_string(), "1954-08-12");
    assert!(!stored.record.summary.unwrap().contains("An added sentence"));
    // No comment: nothing saved, the problem beside the field.
    let uncommented =
        edit_form(app, &eve, LETTER, &[("title", "x"), ("comment", ""), ("action", "publish")])
            .await;
    let reply = post_pairs(app, "/curate/edit", &eve, &uncommented).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("give a comment"));
    // A bad date: refused, beside the field.
    let bad = edit_form(
        app,
        &eve,
        LETTER,
        &[("edtf", "1954-13-45"), ("comment", "x"), ("action", "publish")],
    )
    .await;
    let reply = post_pairs(app, "/curate/edit", &eve, &bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("field-error"));
    // History names who and why; the diff shows the date's change word by word.
    let history = get(app, "/curate/history?id=wcda-112970", Some(&eve.cookie)).await;
    assert!(
        history.body.contains("web:eve")
            && history.body.contains("the date as the original prints it")
    );
    let diff = get(app, "/curate/diff?id=wcda-112970&from=1&to=2", Some(&eve.cookie)).await;
    assert!(diff.body.contains("<del>11,</del>") || diff.body.contains("<del>11"), "{}", diff.body);
    assert_eq!(diff.headers.get(header::CACHE_CONTROL).unwrap(), "no-store, private");
    // Restoring revision 1 makes revision 3.
    let restored = post_form(
        app,
        "/curate/restore",
        Some(&eve.cookie),
        &[
            ("csrf", &eve.csrf),
            ("id", LETTER),
            ("revision", "1"),
            ("current", "2"),
            ("comment", "back to the archive's date"),
        ],
        &[],
    )
    .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    let stored = site
        .archive
        .store()
        .get(&chancery_model::id::RecordId::parse(LETTER).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.revision, stored.record.date.printed.as_str()), (3, "August 11, 1954"));
    // The log has it all; only an administrator reads it.
    let ada = sign_in(app, "ada").await;
    let log = get(app, "/curate/audit.jsonl", Some(&ada.cookie)).await;
    assert_eq!(log.status, StatusCode::OK);
    let actions: Vec<String> = log
        .body
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for action in ["account-add", "import", "sign-in", "edit", "restore"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
    let filtered = get(app, "/curate/audit?action=edit", Some(&ada.cookie)).await;
    assert!(filtered.body.contains("the date as the original prints it"));
    assert!(!filtered.body.contains(">sign-in<"));
    assert!(!log.body.contains(PASSWORD), "no password in the log");
}

#[tokio::test]
async fn the_write_api_takes_tokens_and_their_roles() {
    let site = site().await;
    let app = &site.app;
    let now = OffsetDateTime::now_utc();
    let store = site.archive.store();
    let (editor, _) = store.add_token("eve", Role::Editor, "tests", now).await.unwrap();
    let (contributor, _) = store.add_token("carl", Role::Contributor, "tests", now).await.unwrap();
    let fetched = get(app, "/api/v1/records/wcda-112970", None).await;
    assert_eq!(fetched.headers.get(header::ETAG).unwrap(), "\"1\"", "the revision, for If-Match");
    let record = fetched.body;
    let mut value: serde_json::Value = serde_json::from_str(&record).unwrap();
    value["id"] = "api-letter".into();
    let body = value.to_string();
    let bearer = |t: &str| format!("Bearer {t}");
    // A contributor's token writes a draft.
    let reply = send(
        app,
        Request::post("/api/v1/records?comment=from%20the%20API")
            .header(header::AUTHORIZATION, bearer(&contributor))
            .body(Body::from(body.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert!(reply.body.contains("\"state\":\"draft\""));
    assert_eq!(get(app, "/api/v1/records/api-letter", None).await.status, StatusCode::NOT_FOUND);
    let refused = send(
        app,
        Request::post("/api/v1/records/api-letter/publish?draft_version=1")
            .header(header::AUTHORIZATION, bearer(&contributor))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let published = send(
        app,
        Request::post("/api/v1/records/api-letter/publish?draft_version=1")
            .header(header::AUTHORIZATION, bearer(&editor))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    // A replacement names its revision.
    value["title"] = "Letter, retitled".into();
    let body = value.to_string();
    let put = |tag: Option<&str>| {
        let mut request = Request::put("/api/v1/records/api-letter?comment=retitled")
            .header(header::AUTHORIZATION, bearer(&editor));
        if let Some(tag) = tag {
            request = request.header(header::IF_MATCH, tag);
        }
        request.body(Body::from(body.clone())).unwrap()
    };
    assert_eq!(send(app, put(None)).await.status, StatusCode::PRECONDITION_REQUIRED);
    let ok = send(app, put(Some("\"1\""))).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.headers.get(header::ETAG).unwrap(), "\"2\"");
    assert_eq!(send(app, put(Some("\"1\""))).await.status, StatusCode::PRECONDITION_FAILED);
    // Not a record: the import's diagnostics.
    let bad = send(
        app,
        Request::post("/api/v1/records?comment=x")
            .header(header::AUTHORIZATION, bearer(&editor))
            .body(Body::from("{\"id\": 3}"))
            .unwrap(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Deleting needs an editor.
    let delete = |token: &str| {
        Request::delete("/api/v1/records/api-letter?comment=duplicate")
            .header(header::AUTHORIZATION, bearer(token))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(send(app, delete(&contributor)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(app, delete(&editor)).await.status, StatusCode::NO_CONTENT);
    // An import, all or nothing.
    let text = "**June 3, 1955**\n\n**Note from Belgrade**\n";
    let imported = send(
        app,
        Request::post("/api/v1/imports?name=note.txt")
            .header(header::AUTHORIZATION, bearer(&editor))
            .body(Body::from(text))
            .unwrap(),
    )
    .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert!(imported.body.contains("\"action\":\"created\""));
    let broken = send(
        app,
        Request::post("/api/v1/imports?name=broken.txt")
            .header(header::AUTHORIZATION, bearer(&editor))
            .body(Body::from("no date line"))
            .unwrap(),
    )
    .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("upload/broken.txt"), "{}", broken.body);
    // A revoked token is no one.
    let tokens = store.tokens(Some("eve")).await.unwrap();
    store.revoke_token(tokens[0].id, None, now).await.unwrap();
    assert_eq!(send(app, delete(&editor)).await.status, StatusCode::UNAUTHORIZED);
    let changes = store
        .changes_of(&chancery_model::id::RecordId::parse("api-letter").unwrap())
        .await
        .unwrap();
    let actors: Vec<&str> = changes.iter().filter_map(|c| c.actor.as_deref()).collect();
    assert_eq!(actors, ["api:eve", "api:eve", "api:eve"]);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let site = site().await;
    let app = &site.app;
    let ada = sign_in(app, "ada").await;
    let out =
        post_form(app, "/curate/sign-out", Some(&ada.cookie), &[("csrf", &ada.csrf)], &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(set_cookie(&out, "chancery_session").unwrap().contains("Max-Age=0"));
    assert_eq!(get(app, "/curate", Some(&ada.cookie)).await.status, StatusCode::UNAUTHORIZED);
}

/// A multipart body: the form token first, then the files.
fn multipart(csrf: &str, files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "chancery-test-boundary-7d1f";
    let mut body = Vec::new();
    let mut part = |headers: String, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part("Content-Disposition: form-data; name=\"csrf\"".into(), csrf.as_bytes());
    for (name, content) in files {
        part(
            format!(
                "Content-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/plain"
            ),
            content,
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &Router, browser: &Browser, csrf: &str, files: &[(&str, &[u8])]) -> Reply {
    let (content_type, body) = multipart(csrf, files);
    let request = Request::post("/curate/import")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, &browser.cookie)
        .body(Body::from(body))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn files_import_through_the_browser_all_or_nothing() {
    let site = site().await;
    let app = &site.app;
    let eve = sign_in(app, "eve").await;
    let good: &[u8] = b"**June 3, 1955**\n\n**Note from Belgrade to Moscow**\n";
    let bad: &[u8] = b"**June 4, 1955**\n\n**Note**\n\n**Original Language:**\n\nKlingonese\n";
    // One bad file: nothing is imported, and the problem names the file and line.
    let reply =
        upload(app, &eve, &eve.csrf, &[("note.txt", good), ("bad.txt", b"no date line at all")])
            .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert!(reply.body.contains("Nothing was imported"));
    assert!(reply.body.contains("upload/bad.txt:1"), "{}", reply.body);
    assert_eq!(site.archive.store().count().await.unwrap(), 1);
    // Without the form's token: refused before any file is kept.
    let forged = upload(app, &eve, "not the token", &[("note.txt", good)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A contributor may not import.
    let carl = sign_in(app, "carl").await;
    assert_eq!(
        upload(app, &carl, &carl.csrf, &[("note.txt", good)]).await.status,
        StatusCode::FORBIDDEN
    );
    // Good files: imported, each listed with its outcome and a link.
    let reply = upload(app, &eve, &eve.csrf, &[("note.txt", good), ("other.txt", bad)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("Imported 2 record(s)"), "{}", reply.body);
    assert!(reply.body.contains("created"));
    assert!(reply.body.contains("/curate/history?id="));
    assert_eq!(site.archive.store().count().await.unwrap(), 3);
    let again = upload(app, &eve, &eve.csrf, &[("note.txt", good)]).await;
    assert!(again.body.contains("unchanged"), "{}", again.body);
}

#[tokio::test]
async fn uploads_and_forms_stop_at_their_limits() {
    use chancery_web::{MAX_FORM_BYTES, MAX_UPLOAD_FILES};
    let site = site().await;
    let app = &site.app;
    let eve = sign_in(app, "eve").await;
    let note = |n: usize| format!("**June 3, 1955**\n\n**Note {n} from Belgrade**\n").into_bytes();
    let notes: Vec<(String, Vec<u8>)> =
        (0..=MAX_UPLOAD_FILES).map(|n| (format!("note-{n}.txt"), note(n))).collect();
    let files = |n: usize| -> Vec<(&str, &[u8])> {
        notes[..n].iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())).collect()
    };
    let at = upload(app, &eve, &eve.csrf, &files(MAX_UPLOAD_FILES)).await;
    assert_eq!(at.status, StatusCode::OK, "{}", &at.body[..at.body.len().min(2000)]);
    let past = upload(app, &eve, &eve.csrf, &files(MAX_UPLOAD_FILES + 1)).await;
    assert_eq!(past.status, StatusCode::BAD_REQUEST);
    assert!(past.body.contains("MAX_UPLOAD_FILES"));
    // Anyone may send a sign-in, so it takes no more than MAX_SIGN_IN_BYTES; nor does an
    // anonymous edit form get read at all (401 before its body).
    let padding = "x".repeat(chancery_web::MAX_SIGN_IN_BYTES);
    let big_sign_in =
        post_form(app, "/curate/sign-in", None, &[("name", "eve"), ("password", &padding)], &[])
            .await;
    assert_eq!(big_sign_in.status, StatusCode::PAYLOAD_TOO_LARGE);
    let anonymous =
        post_form(app, "/curate/edit", None, &[("summary", &"x".repeat(MAX_FORM_BYTES))], &[])
            .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    // A form past MAX_FORM_BYTES is refused before it is read.
    let huge = "x".repeat(MAX_FORM_BYTES + 1);
    let form = edit_form(
        app,
        &eve,
        LETTER,
        &[("summary", &huge), ("comment", "long"), ("action", "publish")],
    )
    .await;
    let reply = post_pairs(app, "/curate/edit", &eve, &form).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Just under it, the record's own limit speaks, beside the field.
    let big = "x ".repeat(chancery_ingest::limits::MAX_RECORD_BYTES / 2);
    let form = edit_form(
        app,
        &eve,
        LETTER,
        &[("summary", &big), ("comment", "long"), ("action", "publish")],
    )
    .await;
    let reply = post_pairs(app, "/curate/edit", &eve, &form).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("MAX_RECORD_BYTES"), "the record limit is named");
}

#[tokio::test]
async fn an_editor_merges_persons_in_the_browser() {
    let site = site().await;
    let app = &site.app;
    let merge = |b: &Browser, reason: &str| {
        vec![
            ("csrf".to_string(), b.csrf.clone()),
            ("from".to_string(), "smith-john-9007".to_string()),
            ("into".to_string(), "smith-john".to_string()),
            ("reason".to_string(), reason.to_string()),
        ]
    };
    let carl = sign_in(app, "carl").await;
    assert_eq!(
        post_pairs(app, "/curate/merge", &carl, &merge(&carl, "one man")).await.status,
        StatusCode::FORBIDDEN
    );
    let eve = sign_in(app, "eve").await;
    let unreasoned = post_pairs(app, "/curate/merge", &eve, &merge(&eve, " ")).await;
    assert_eq!(unreasoned.status, StatusCode::UNPROCESSABLE_ENTITY);
    let merged = post_pairs(app, "/curate/merge", &eve, &merge(&eve, "one John Smith")).await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    assert_eq!(merged.headers.get(header::LOCATION).unwrap(), "/people/smith-john");
    site.archive.refresh().await.unwrap();
    let old = get(app, "/people/smith-john-9007", None).await;
    assert!(old.status.is_redirection(), "{}", old.status);
    let log = site.archive.store().audit(&Default::default(), 1000).await.unwrap();
    let entry = log.iter().find(|e| e.action == "person-merge").unwrap();
    assert_eq!(
        (entry.actor.as_str(), entry.comment.as_deref()),
        ("web:eve", Some("one John Smith"))
    );
}

#[tokio::test]
async fn an_administrator_manages_accounts_in_the_browser() {
    let site = site().await;
    let app = &site.app;
    let carl = sign_in(app, "carl").await;
    let eve = sign_in(app, "eve").await;
    let ada = sign_in(app, "ada").await;
    assert_eq!(get(app, "/curate/accounts", Some(&eve.cookie)).await.status, StatusCode::FORBIDDEN);
    let page = get(app, "/curate/accounts", Some(&ada.cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("carl") && page.body.contains("contributor"));
    let act = |b: &Browser, account: &str, action: &str, role: &str| {
        vec![
            ("csrf".to_string(), b.csrf.clone()),
            ("account".to_string(), account.to_string()),
            ("action".to_string(), action.to_string()),
            ("role".to_string(), role.to_string()),
        ]
    };
    // An editor may not; the administrator may not change their own account here.
    assert_eq!(
        post_pairs(app, "/curate/accounts", &eve, &act(&eve, "carl", "disable", "")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_pairs(app, "/curate/accounts", &ada, &act(&ada, "ada", "role", "contributor"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    // Promoting carl ends carl's sessions; disabling eve ends hers.
    let promoted =
        post_pairs(app, "/curate/accounts", &ada, &act(&ada, "carl", "role", "editor")).await;
    assert_eq!(promoted.status, StatusCode::SEE_OTHER);
    assert_eq!(get(app, "/curate", Some(&carl.cookie)).await.status, StatusCode::UNAUTHORIZED);
    let disabled =
        post_pairs(app, "/curate/accounts", &ada, &act(&ada, "eve", "disable", "")).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert_eq!(get(app, "/curate", Some(&eve.cookie)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(try_sign_in(app, "eve", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    let store = site.archive.store();
    assert_eq!(store.account("carl").await.unwrap().unwrap().role, Role::Editor);
    let log = store.audit(&Default::default(), 1000).await.unwrap();
    let by_ada: Vec<&str> =
        log.iter().filter(|e| e.actor == "web:ada").map(|e| e.action.as_str()).collect();
    assert!(by_ada.contains(&"account-role") && by_ada.contains(&"account-disable"), "{by_ada:?}");
}

#[tokio::test]
async fn a_curator_changes_their_own_password() {
    let site = site().await;
    let app = &site.app;
    let here = sign_in(app, "carl").await;
    let elsewhere = sign_in(app, "carl").await;
    let change = |current: &str, new: &str, again: &str| {
        vec![
            ("csrf".to_string(), here.csrf.clone()),
            ("current".to_string(), current.to_string()),
            ("new".to_string(), new.to_string()),
            ("again".to_string(), again.to_string()),
        ]
    };
    let new = "another long password";
    let wrong =
        post_pairs(app, "/curate/password", &here, &change("not it at all", new, new)).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let differ =
        post_pairs(app, "/curate/password", &here, &change(PASSWORD, new, "something else")).await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    let short =
        post_pairs(app, "/curate/password", &here, &change(PASSWORD, "short", "short")).await;
    assert!(short.body.contains("MIN_PASSWORD_CHARS"));
    let done = post_pairs(app, "/curate/password", &here, &change(PASSWORD, new, new)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        get(app, "/curate", Some(&here.cookie)).await.status,
        StatusCode::OK,
        "this session goes on"
    );
    assert_eq!(
        get(app, "/curate", Some(&elsewhere.cookie)).await.status,
        StatusCode::UNAUTHORIZED,
        "the others end"
    );
    assert_eq!(try_sign_in(app, "carl", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(try_sign_in(app, "carl", new).await.status, StatusCode::SEE_OTHER);
    // Wrong current passwords count toward the account's limit.
    for _ in 0..5 {
        post_pairs(app, "/curate/password", &here, &change("not it at all", new, new)).await;
    }
    let limited = post_pairs(
        app,
        "/curate/password",
        &here,
        &change(new, "a third long password", "a third long password"),
    )
    .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_read_only_archive_says_so_to_curators() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store.add_account("eve", PASSWORD, Role::Editor, OffsetDateTime::now_utc()).await.unwrap();
    store.close().await;
    let store = Store::open_read_only(dir.path()).await.unwrap();
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    index.reload().unwrap();
    let archive = Archive::new(store, index, Config::new(BASE)).await.unwrap();
    let app = router(archive);
    let reply = try_sign_in(&app, "eve", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.body.contains("served read-only"), "{}", reply.body);
}
