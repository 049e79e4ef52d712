//! The archive's letters as one CMIF file (correspSearch's TEI format).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chancery_model::id::RecordId;

use crate::Shared;
use crate::error::Problem;

/// Every letter's correspondence metadata (sender, recipient, date, place) as one CMIF file, the
/// TEI format that correspSearch harvests from a stable URL.
#[utoipa::path(
    get,
    path = "/api/v1/cmif",
    responses((status = 200, description = "A CMIF (TEI) document", content_type = "application/tei+xml")),
    tag = "records"
)]
pub(super) async fn cmif(State(archive): State<Shared>) -> Result<Response, Problem> {
    let base = &archive.config.base_url;
    let writer = chancery_cite::cmif::Cmif::new(chancery_cite::cmif::CmifHeader {
        title: format!("{}: correspondence metadata", archive.config.name),
        editor: archive.config.name.clone(),
        editor_email: archive.config.admin_email.clone(),
        publisher: archive.config.name.clone(),
        url: format!("{base}/api/v1/cmif"),
        date: archive.config.clock.today().to_string(),
        base_url: base.clone(),
    });
    let mut out = writer.header();
    let mut after: Option<RecordId> = None;
    let mut context = crate::people::Context::load(&archive).await?;
    loop {
        let page = archive.store.records_after(after.as_ref(), 500).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.record.id.clone());
        for stored in &page {
            if !chancery_cite::cmif::is_letter(&stored.record) {
                continue;
            }
            // Correspondents who are persons or organizations of the archive carry their page as
            // authority URI.
            let mut uris = std::collections::HashMap::new();
            let context = context.for_record(&stored.record);
            for resolution in crate::people::resolve_in(&archive, &stored.record, context).await? {
                if let Some(person) = resolution.person {
                    uris.insert(resolution.name, format!("{base}/people/{person}"));
                } else if let Some(organization) = resolution.organization {
                    uris.insert(resolution.name, format!("{base}/organizations/{organization}"));
                }
            }
            let authority = |name: &str| uris.get(name).cloned();
            if let Some(letter) = writer.letter_with_authorities(&stored.record, &authority) {
                out.push_str(&letter);
            }
        }
    }
    out.push_str(writer.footer());
    Ok(([(header::CONTENT_TYPE, "application/tei+xml; charset=utf-8")], out).into_response())
}
