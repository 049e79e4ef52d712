//! The curators' pages: drafts, editing, publishing, history, imports, tokens and the audit log,
//! under `/curate`. Every page needs a signed-in curator ([`Curator`]); every form that writes
//! checks the session's CSRF token and the request's origin ([`Curator::form`](crate::auth::Curator::form)) and then the role
//! the action needs. Every response is marked `no-store`; none goes through the page cache.
//! Record ids travel in query strings and form fields (`?id=frus1955-57v26/d1`), not in paths,
//! since ids hold slashes.

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod diff;
pub(crate) mod edit;
pub(crate) mod history;
pub(crate) mod password;
pub(crate) mod persons;
pub(crate) mod record_form;
pub(crate) mod tokens;
pub(crate) mod upload;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chancery_model::id::RecordId;
use chancery_store::{AuditEntry, AuditFilter, Draft, Role};

use crate::Shared;
use crate::auth::{Curator, Refused, no_store};
use crate::html::chrome::Chrome;

/// The largest curation form (a record's edit form holds its texts: the record limit, 16 MiB,
/// and room for the form's own fields). Only a signed-in curator's request is read this far:
/// every handler but sign-in's takes its `Curator` before its body.
pub const MAX_FORM_BYTES: usize = chancery_ingest::limits::MAX_RECORD_BYTES + 1024 * 1024;

/// The routes under `/curate`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(dashboard))
        // Anyone may send these: they take no more than a public form.
        .route(
            "/sign-in",
            get(crate::auth::sign_in::form)
                .post(crate::auth::sign_in::submit)
                .layer(DefaultBodyLimit::max(crate::auth::MAX_SIGN_IN_BYTES)),
        )
        .route(
            "/sign-out",
            post(crate::auth::sign_in::sign_out)
                .layer(DefaultBodyLimit::max(crate::auth::MAX_SIGN_IN_BYTES)),
        )
        .route("/new", get(edit::new_form))
        .route("/edit", get(edit::form).post(edit::save))
        .route("/publish", post(edit::publish))
        .route("/discard", post(edit::discard))
        .route("/unpublish", post(edit::unpublish))
        .route("/delete", post(edit::delete))
        .route("/restore", post(history::restore))
        .route("/merge", post(persons::merge))
        .route("/history", get(history::history))
        .route("/diff", get(history::diff))
        .route("/view", get(history::view))
        .route("/accounts", get(accounts::page).post(accounts::change))
        .route("/audit", get(audit::page))
        .route("/audit.jsonl", get(audit::export))
        .route("/password", get(password::form).post(password::change))
        .route("/tokens", get(tokens::page).post(tokens::create))
        .route("/tokens/revoke", post(tokens::revoke))
        .route(
            "/import",
            get(upload::form)
                .post(upload::import)
                .layer(DefaultBodyLimit::max(upload::MAX_UPLOAD_BYTES)),
        )
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(axum::middleware::map_response(|response: Response| async { no_store(response) }))
}

/// What every curation page's frame shows: who is signed in, and the sign-out form.
pub(crate) struct Desk {
    pub(crate) chrome: Chrome,
    pub(crate) account: String,
    pub(crate) role: &'static str,
    pub(crate) csrf: String,
    /// Whether the curator may publish, unpublish, delete and import.
    pub(crate) editor: bool,
    /// Whether the curator may read the audit log.
    pub(crate) admin: bool,
}

impl Desk {
    pub(crate) fn new(title: &str, curator: &Curator) -> Desk {
        let mut chrome = Chrome::plain(title);
        chrome.searchbox = false;
        Desk {
            chrome,
            account: curator.account.name.clone(),
            role: curator.account.role.key(),
            csrf: curator.csrf.clone(),
            editor: curator.account.role >= Role::Editor,
            admin: curator.account.role >= Role::Admin,
        }
    }
}

#[derive(Template)]
#[template(path = "curate/dashboard.html")]
struct Dashboard {
    desk: Desk,
    drafts: Vec<Draft>,
    recent: Vec<AuditEntry>,
}

async fn dashboard(State(archive): State<Shared>, curator: Curator) -> Result<Response, Refused> {
    let drafts = archive.store.drafts().await?;
    // What curators did to records and persons; sign-ins, accounts and tokens are for the
    // administrators' audit log.
    const SHOWN: &[&str] = &[
        "edit",
        "draft-save",
        "draft-discard",
        "publish",
        "unpublish",
        "delete",
        "restore",
        "import",
        "person-merge",
        "person-assign",
        "person-split",
    ];
    let recent = archive.store.audit_newest(&AuditFilter::default(), 200).await?;
    let recent =
        recent.into_iter().filter(|e| SHOWN.contains(&e.action.as_str())).take(20).collect();
    let page = Dashboard { desk: Desk::new("Curation", &curator), drafts, recent };
    Ok(Html(page.render()?).into_response())
}

/// A record id from a query or form, or a 400 page.
pub(crate) fn record_id(text: &str) -> Result<RecordId, Refused> {
    RecordId::parse(text.trim()).map_err(|e| {
        Refused::Failed(crate::error::PageError::bad_request(format!(
            "`{}` is not a record id: {e}",
            text.trim()
        )))
    })
}

/// The path of a record's curation history.
pub(crate) fn history_path(id: &RecordId) -> String {
    format!("/curate/history?id={}", crate::html::markup::query_value(id.as_str()))
}
