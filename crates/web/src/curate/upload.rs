//! Importing files through the browser (editors): the same rules and diagnostics as
//! `chancery import`, all or nothing.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chancery_store::{ImportPolicy, Role};

use crate::Shared;
use crate::auth::{Curator, Refused, same_origin, tokens_match};
use crate::curate::Desk;
use crate::error::PageError;
pub(crate) use crate::imports::MAX_UPLOAD_BYTES;
use crate::imports::{MAX_UPLOAD_FILES, Report};

#[derive(Template)]
#[template(path = "curate/import.html")]
struct ImportPage {
    desk: Desk,
    report: Option<Report>,
    problem: Option<String>,
    max_mib: usize,
    max_files: usize,
}

fn render(
    curator: &Curator,
    report: Option<Report>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, Refused> {
    let page = ImportPage {
        desk: Desk::new("Import files", curator),
        report,
        problem,
        max_mib: MAX_UPLOAD_BYTES / (1024 * 1024),
        max_files: MAX_UPLOAD_FILES,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The upload form.
pub(crate) async fn form(curator: Curator) -> Result<Response, Refused> {
    curator.require(Role::Editor)?;
    render(&curator, None, None, StatusCode::OK)
}

fn bad(detail: String) -> Refused {
    Refused::Failed(PageError::bad_request(detail))
}

/// Reads the files and imports them as one batch.
pub(crate) async fn import(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, Refused> {
    if !same_origin(&headers, &archive.config.base_url) {
        return Err(Refused::Forgery);
    }
    curator.require(Role::Editor)?;
    let (mut token_ok, mut policy, mut files) = (false, ImportPolicy::default(), Vec::new());
    let too_large = || {
        bad(format!(
            "the upload is larger than {} MiB (MAX_UPLOAD_BYTES): send fewer files at a time, or import on the server with `chancery import`",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ))
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large());
            }
            Err(error) => {
                return Err(bad(format!("the upload could not be read: {}", error.body_text())));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large());
            }
            Err(error) => {
                return Err(bad(format!("the upload could not be read: {}", error.body_text())));
            }
        };
        match name.as_str() {
            "csrf" => token_ok = tokens_match(&String::from_utf8_lossy(&bytes), &curator.csrf),
            "replace" => policy.replace = true,
            "undelete" => policy.undelete = true,
            "files" if file_name.as_deref().is_some_and(|n| !n.is_empty()) => {
                // The token comes first in the form: no file is kept without it.
                if !token_ok {
                    return Err(Refused::Forgery);
                }
                if files.len() == MAX_UPLOAD_FILES {
                    return Err(bad(format!(
                        "send at most {MAX_UPLOAD_FILES} files at a time (MAX_UPLOAD_FILES)"
                    )));
                }
                files.push((file_name.unwrap_or_default(), bytes.to_vec()));
            }
            _ => {}
        }
    }
    if !token_ok {
        return Err(Refused::Forgery);
    }
    if files.is_empty() {
        return render(
            &curator,
            None,
            Some("Choose at least one file.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let now = archive.config.clock.now();
    let report = crate::imports::import(&curator.store(&archive), files, policy, now).await?;
    let status = if report.imported { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(&curator, Some(report), None, status)
}
