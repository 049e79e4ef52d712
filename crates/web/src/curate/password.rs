//! A curator changes their own password: the current one first, the new one twice. Their other
//! sessions end; this one stays.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chancery_store::{MIN_PASSWORD_CHARS, Role};

use crate::Shared;
use crate::auth::{Curator, MAX_FAILED_SIGN_INS_PER_ACCOUNT, Refused, SIGN_IN_WINDOW};
use crate::curate::Desk;

#[derive(Template)]
#[template(path = "curate/password.html")]
struct PasswordPage {
    desk: Desk,
    min_chars: usize,
    problem: Option<String>,
    done: bool,
}

fn render(
    curator: &Curator,
    problem: Option<String>,
    done: bool,
    status: StatusCode,
) -> Result<Response, Refused> {
    let page = PasswordPage {
        desk: Desk::new("Your password", curator),
        min_chars: MIN_PASSWORD_CHARS,
        problem,
        done,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The form.
pub(crate) async fn form(curator: Curator) -> Result<Response, Refused> {
    render(&curator, None, false, StatusCode::OK)
}

/// Changes the password.
pub(crate) async fn change(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let fields = curator.form(&archive, &headers, &body, Role::Contributor)?;
    let now = archive.config.clock.now();
    let name = curator.account.name.clone();
    // The same limit as sign-ins: a stolen session cannot guess the password at leisure.
    let (failures, _) =
        archive.store.failed_sign_ins(&name, &curator.address, now - SIGN_IN_WINDOW).await?;
    if failures >= MAX_FAILED_SIGN_INS_PER_ACCOUNT {
        let problem =
            "Too many wrong passwords for this account. Wait a quarter of an hour and try again.";
        return render(&curator, Some(problem.into()), false, StatusCode::TOO_MANY_REQUESTS);
    }
    let new = fields.text("new");
    if new != fields.text("again") {
        return render(
            &curator,
            Some("The new password and its repetition differ; nothing was changed.".into()),
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let store = curator.store(&archive);
    match store.change_own_password(&name, fields.text("current"), new, &curator.token, now).await {
        Ok(()) => render(&curator, None, true, StatusCode::OK),
        Err(chancery_store::Error::Rejected(message)) => {
            render(&curator, Some(message), false, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => Err(error.into()),
    }
}
