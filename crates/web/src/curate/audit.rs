//! The audit log for administrators: a page to filter it, and the whole log (or a filtered part)
//! as JSON lines. Nothing here or anywhere else in the application changes an entry.

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chancery_store::{AuditEntry, AuditFilter, MAX_AUDIT_PAGE, Role};
use serde::Deserialize;

use crate::Shared;
use crate::auth::{Curator, Refused};
use crate::curate::Desk;
use crate::error::PageQuery;

/// Entries one page of the log shows.
const AUDIT_PAGE: u32 = 200;

#[derive(Deserialize, Default)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

impl AuditQuery {
    fn filter(&self) -> AuditFilter {
        let some = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty() && v.len() <= 200);
        AuditFilter {
            after: 0,
            actor: some(&self.actor),
            action: some(&self.action),
            target: some(&self.target),
            from: some(&self.from),
            until: some(&self.until),
        }
    }

    fn query_string(&self) -> String {
        let pairs = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
            ("from", &self.from),
            ("until", &self.until),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", crate::html::markup::query_value(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[derive(Template)]
#[template(path = "curate/audit.html")]
struct AuditPage {
    desk: Desk,
    query: AuditQuery,
    entries: Vec<AuditEntry>,
    export: String,
    page_size: u32,
}

/// The log, newest first, filtered (administrators).
pub(crate) async fn page(
    State(archive): State<Shared>,
    curator: Curator,
    PageQuery(query): PageQuery<AuditQuery>,
) -> Result<Response, Refused> {
    curator.require(Role::Admin)?;
    let entries = archive.store.audit_newest(&query.filter(), AUDIT_PAGE).await?;
    let export = format!("/curate/audit.jsonl?{}", query.query_string());
    let page = AuditPage {
        desk: Desk::new("Audit log", &curator),
        query,
        entries,
        export,
        page_size: AUDIT_PAGE,
    };
    Ok(Html(page.render()?).into_response())
}

/// The log as JSON lines, oldest first, streamed a page at a time (administrators).
pub(crate) async fn export(
    State(archive): State<Shared>,
    curator: Curator,
    PageQuery(query): PageQuery<AuditQuery>,
) -> Result<Response, Refused> {
    curator.require(Role::Admin)?;
    let filter = query.filter();
    let pages = futures_util::stream::unfold(Some(filter), move |next| {
        let archive = archive.clone();
        async move {
            let filter = next?;
            match archive.store.audit(&filter, MAX_AUDIT_PAGE).await {
                Ok(entries) if entries.is_empty() => None,
                Ok(entries) => {
                    let mut out = String::new();
                    for entry in &entries {
                        out.push_str(&serde_json::to_string(entry).unwrap_or_default());
                        out.push('\n');
                    }
                    let after = entries.last().map_or(filter.after, |e| e.seq);
                    Some((Ok::<_, std::io::Error>(out), Some(AuditFilter { after, ..filter })))
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot read the audit log");
                    Some((Err(std::io::Error::other("the store failed")), None))
                }
            }
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/jsonl; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"audit.jsonl\""),
            ),
        ],
        Body::from_stream(pages),
    )
        .into_response())
}
