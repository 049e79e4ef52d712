//! Who is asking, and what they may do.
//!
//! The public site and the read API know nothing of this module: their handlers never read a
//! cookie or a token, so a page they render (and the page cache keeps) is the same for everyone.
//! Curators sign in on `/curate/sign-in` and carry a session cookie (`HttpOnly`,
//! `SameSite=Strict`, `Secure` when the base URL is HTTPS) whose token the store keeps only
//! as a hash; programs send `Authorization: Bearer <token>` to the write API.
//!
//! Every form that writes carries the session's CSRF token and is refused when the browser says
//! it comes from another site (`Sec-Fetch-Site`) or another origin (`Origin`). Anonymous writes
//! get 401, a role too low 403. Failed sign-ins are counted from the audit log, per account name
//! and per address, so the limit holds across restarts and serving nodes.

pub(crate) mod forms;
pub(crate) mod sign_in;

use std::net::SocketAddr;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chancery_store::{Account, Actor, Role, Store};
use time::Duration;

use crate::Shared;
use crate::error::{PageError, Problem};
use crate::html::chrome::Chrome;

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "chancery_session";
/// The cookie that ties the sign-in form to the browser that asked for it (login CSRF).
pub(crate) const SIGN_IN_COOKIE: &str = "chancery_sign_in";
/// Failed sign-ins for one account name within [`SIGN_IN_WINDOW`] after which its sign-ins are
/// refused until the window has passed (right password or not).
pub const MAX_FAILED_SIGN_INS_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins from one address within [`SIGN_IN_WINDOW`] after which its sign-ins are
/// refused.
pub const MAX_FAILED_SIGN_INS_PER_ADDRESS: i64 = 20;
/// The largest sign-in or sign-out form: the requests anyone may send to `/curate`.
pub const MAX_SIGN_IN_BYTES: usize = 16 * 1024;
/// The window failed sign-ins are counted in.
pub const SIGN_IN_WINDOW: Duration = Duration::minutes(15);

/// The address a connection came from, put on each request by the connection loop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub(crate) SocketAddr);

/// The client's address as the audit log keeps it (`unknown` where the connection loop did not
/// run, as in tests that call the router directly).
pub(crate) fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ClientAddr>()
        .map_or_else(|| "unknown".to_string(), |addr| addr.0.ip().to_string())
}

/// A signed-in curator.
#[derive(Debug, Clone)]
pub(crate) struct Curator {
    pub(crate) account: Account,
    /// The session's form token.
    pub(crate) csrf: String,
    /// The session cookie's token (to sign out).
    pub(crate) token: String,
    /// Where the request came from.
    pub(crate) address: String,
}

impl Curator {
    /// Refuses (403) unless the curator's role is at least `role`.
    pub(crate) fn require(&self, role: Role) -> Result<(), Refused> {
        if self.account.role >= role { Ok(()) } else { Err(Refused::Role(role)) }
    }

    /// The store, writing as this curator.
    pub(crate) fn store(&self, archive: &Shared) -> Store {
        archive.store.acting_as(Actor::curator("web", &self.account, self.address.clone()))
    }
}

impl FromRequestParts<Shared> for Curator {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, archive: &Shared) -> Result<Self, Refused> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(Refused::SignIn);
        };
        let now = archive.config.clock.now();
        match archive.store.session(&token, now).await {
            Ok(Some(session)) => Ok(Curator {
                account: session.account,
                csrf: session.csrf,
                token,
                address: client_address(parts),
            }),
            Ok(None) => Err(Refused::SignIn),
            Err(error) => Err(Refused::Failed(PageError::internal(&error))),
        }
    }
}

/// Why a curation request is refused.
#[derive(Debug)]
pub(crate) enum Refused {
    /// Nobody is signed in (401).
    SignIn,
    /// The role is too low (403).
    Role(Role),
    /// The form's token is missing or wrong, or it came from another site (403).
    Forgery,
    /// Something failed.
    Failed(PageError),
}

impl From<PageError> for Refused {
    fn from(error: PageError) -> Refused {
        Refused::Failed(error)
    }
}

impl From<chancery_store::Error> for Refused {
    fn from(error: chancery_store::Error) -> Refused {
        match error {
            // A data folder served read-only (read-only media, another user's folder).
            chancery_store::Error::ReadOnly => Refused::Failed(PageError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                title: "This archive is served read-only".into(),
                detail: "Its data folder cannot be written, so nothing can be signed in to or changed here. Reading is not affected.".into(),
            }),
            error => Refused::Failed(error.into()),
        }
    }
}

impl From<askama::Error> for Refused {
    fn from(error: askama::Error) -> Refused {
        Refused::Failed(error.into())
    }
}

#[derive(Template)]
#[template(path = "curate/refused.html")]
struct RefusedPage<'a> {
    chrome: Chrome,
    title: &'a str,
    detail: String,
    sign_in: bool,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let (status, title, detail, sign_in) = match self {
            Refused::SignIn => (
                StatusCode::UNAUTHORIZED,
                "Sign in to curate",
                "This page is for the archive's curators. Sign in with your account to go on."
                    .to_string(),
                true,
            ),
            Refused::Role(role) => (
                StatusCode::FORBIDDEN,
                "Your role does not allow this",
                format!("This needs the {role} role. Ask an administrator if you should have it."),
                false,
            ),
            Refused::Forgery => (
                StatusCode::FORBIDDEN,
                "This form cannot be accepted",
                "The form was not sent from this archive's own page in your signed-in session (its security token is missing or stale, or it came from another site). Nothing was changed: open the page again and send the form from there.".to_string(),
                false,
            ),
            Refused::Failed(error) => return no_store(error.into_response()),
        };
        let page =
            RefusedPage { chrome: Chrome::plain(title), title, detail: detail.clone(), sign_in };
        let response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, detail).into_response(),
        };
        no_store(response)
    }
}

/// Marks a response as never to be stored by any cache: every curation page and every answer
/// that depends on who asked.
pub(crate) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, private"));
    response
}

/// A cookie's value from the request's `Cookie` headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, path `/`, `Secure` over HTTPS; an
/// empty value with no age removes the cookie.
pub(crate) fn set_cookie(
    archive: &Shared,
    name: &str,
    value: &str,
    max_age: Duration,
) -> HeaderValue {
    let secure = if archive.config.base_url.starts_with("https://") { "; Secure" } else { "" };
    let cookie = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        max_age.whole_seconds().max(0)
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// Whether a write comes from this archive's own pages: the browser's `Sec-Fetch-Site` (when
/// sent) says same-origin, and its `Origin` (when sent) is the archive's base URL or the host
/// the request was sent to. Clients that send neither are not browsers, and cannot carry the
/// session's cookie from another site (it is `SameSite=Strict`).
pub(crate) fn same_origin(headers: &HeaderMap, base_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    if origin.eq_ignore_ascii_case(base_url_origin(base_url)) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((host, origin_host), (Some(host), Some(from)) if from.eq_ignore_ascii_case(host))
}

fn base_url_origin(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after_scheme..].find('/') {
        Some(slash) => &base_url[..after_scheme + slash],
        None => base_url,
    }
}

/// Compares two tokens in time that does not depend on where they differ.
pub(crate) fn tokens_match(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Curator {
    /// A form this curator sent, read only once it is known to be genuine: from this archive's
    /// pages with the session's token (else 403, [`Refused::Forgery`]), by a curator whose role
    /// is at least `role` (else 403).
    pub(crate) fn form(
        &self,
        archive: &Shared,
        headers: &HeaderMap,
        body: &axum::body::Bytes,
        role: Role,
    ) -> Result<forms::Fields, Refused> {
        let fields = forms::Fields::parse(body);
        let token_ok = fields.get("csrf").is_some_and(|t| tokens_match(t, &self.csrf));
        if !token_ok || !same_origin(headers, &archive.config.base_url) {
            tracing::warn!(account = %self.account.name, "a curation form was refused (CSRF)");
            return Err(Refused::Forgery);
        }
        self.require(role)?;
        Ok(fields)
    }
}

/// A program with an API token.
#[derive(Debug, Clone)]
pub(crate) struct TokenHolder {
    pub(crate) account: Account,
    pub(crate) role: Role,
    pub(crate) address: String,
}

impl TokenHolder {
    /// Refuses (403) unless the token's role is at least `role`.
    pub(crate) fn require(&self, role: Role) -> Result<(), Problem> {
        if self.role >= role {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "this needs a token with the {role} role; this token has {}",
                self.role
            )))
        }
    }

    /// The store, writing as this token's account.
    pub(crate) fn store(&self, archive: &Shared) -> Store {
        archive.store.acting_as(Actor::curator("api", &self.account, self.address.clone()))
    }
}

impl FromRequestParts<Shared> for TokenHolder {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, archive: &Shared) -> Result<Self, Problem> {
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128);
        let Some(given) = given else {
            return Err(Problem::unauthorized(
                "writing needs an API token: send `Authorization: Bearer <token>` (a curator makes one on /curate/tokens)",
            ));
        };
        let now = archive.config.clock.now();
        match archive.store.token(given, now).await {
            Ok(Some((account, role))) => {
                Ok(TokenHolder { account, role, address: client_address(parts) })
            }
            Ok(None) => Err(Problem::unauthorized(
                "the API token is unknown, revoked, or its account is disabled",
            )),
            Err(error) => Err(Problem::internal(&error)),
        }
    }
}
