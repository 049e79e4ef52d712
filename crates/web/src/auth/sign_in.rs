//! Signing in and out.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chancery_store::{MAX_PASSWORD_BYTES, Role, SESSION_LIFETIME};
use time::Duration;

use crate::Shared;
use crate::auth::forms::Fields;
use crate::auth::{
    Curator, MAX_FAILED_SIGN_INS_PER_ACCOUNT, MAX_FAILED_SIGN_INS_PER_ADDRESS, Refused,
    SESSION_COOKIE, SIGN_IN_COOKIE, SIGN_IN_WINDOW, client_address, cookie, no_store, same_origin,
    set_cookie, tokens_match,
};
use crate::error::PageError;
use crate::html::chrome::Chrome;

/// How long the sign-in form stays good.
const SIGN_IN_FORM_LIFETIME: Duration = Duration::hours(1);

#[derive(Template)]
#[template(path = "curate/sign_in.html")]
struct SignInPage<'a> {
    chrome: Chrome,
    form_token: &'a str,
    name: &'a str,
    problem: Option<&'a str>,
}

/// The sign-in form, with a fresh form token in a cookie and in the form.
pub(crate) async fn form(State(archive): State<Shared>) -> Result<Response, Refused> {
    render(&archive, "", None, StatusCode::OK)
}

fn render(
    archive: &Shared,
    name: &str,
    problem: Option<&str>,
    status: StatusCode,
) -> Result<Response, Refused> {
    let form_token = chancery_store::random_token();
    let page = SignInPage {
        chrome: Chrome { searchbox: false, ..Chrome::plain("Sign in") },
        form_token: &form_token,
        name,
        problem,
    };
    let mut response = (status, Html(page.render()?)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(archive, SIGN_IN_COOKIE, &form_token, SIGN_IN_FORM_LIFETIME),
    );
    Ok(no_store(response))
}

/// What every failed sign-in says: nothing about which part was wrong.
const FAILED: &str =
    "The name or the password is not right, or the account cannot sign in. Try again.";
/// What a sign-in past the limit says (the same whether or not the account exists).
const TOO_MANY: &str = "Too many sign-ins failed for this account or from this address. Wait a quarter of an hour and try again, or ask an administrator to reset the password.";

/// Checks a sign-in and starts a session.
pub(crate) async fn submit(
    State(archive): State<Shared>,
    parts: Parts,
    body: Bytes,
) -> Result<Response, Refused> {
    let fields = Fields::parse(&body);
    let expected = cookie(&parts.headers, SIGN_IN_COOKIE);
    let given = fields.text("form_token");
    let genuine = expected.is_some_and(|e| tokens_match(given, &e))
        && same_origin(&parts.headers, &archive.config.base_url);
    if !genuine {
        return Err(Refused::Forgery);
    }
    let name = fields.text("name").trim();
    let password = fields.text("password");
    let address = client_address(&parts);
    let now = archive.config.clock.now();
    let shown_name = if name.len() <= 64 { name } else { "" };
    let (by_name, by_address) =
        archive.store.failed_sign_ins(name, &address, now - SIGN_IN_WINDOW).await?;
    if by_name >= MAX_FAILED_SIGN_INS_PER_ACCOUNT || by_address >= MAX_FAILED_SIGN_INS_PER_ADDRESS {
        archive
            .store
            .audit_event("sign-in-refused", Some(shown_name), Some("too many failed sign-ins"), now)
            .await?;
        return render(&archive, shown_name, Some(TOO_MANY), StatusCode::TOO_MANY_REQUESTS);
    }
    if name.is_empty() || password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
        return render(&archive, shown_name, Some(FAILED), StatusCode::UNAUTHORIZED);
    }
    let Some((account, session)) = archive.store.sign_in(name, password, &address, now).await?
    else {
        return render(&archive, shown_name, Some(FAILED), StatusCode::UNAUTHORIZED);
    };
    tracing::info!(account = %account.name, "signed in");
    let mut response = Redirect::to("/curate").into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(&archive, SESSION_COOKIE, &session.token, SESSION_LIFETIME),
    );
    headers.append(header::SET_COOKIE, set_cookie(&archive, SIGN_IN_COOKIE, "", Duration::ZERO));
    Ok(no_store(response))
}

/// Ends the session.
pub(crate) async fn sign_out(
    State(archive): State<Shared>,
    curator: Curator,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    curator.form(&archive, &headers, &body, Role::Contributor)?;
    let now = archive.config.clock.now();
    curator.store(&archive).sign_out(&curator.token, now).await.map_err(PageError::from)?;
    tracing::info!(account = %curator.account.name, "signed out");
    let mut response = Redirect::to("/curate/sign-in?signed-out=1").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&archive, SESSION_COOKIE, "", Duration::ZERO));
    Ok(no_store(response))
}
