//! API tokens: a curator makes tokens for their own account (with a role no higher than
//! theirs), sees each once, and revokes them; administrators see and revoke everyone's.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chancery_store::{ApiToken, Role};

use crate::Shared;
use crate::auth::{Curator, Refused};
use crate::curate::Desk;
use crate::curate::edit::refusal;

#[derive(Template)]
#[template(path = "curate/tokens.html")]
struct TokensPage {
    desk: Desk,
    tokens: Vec<ApiToken>,
    roles: Vec<&'static str>,
    /// A token just made, shown this once.
    made: Option<String>,
    problem: Option<String>,
}

async fn render(
    archive: &Shared,
    curator: &Curator,
    made: Option<String>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, Refused> {
    let owner = (curator.account.role < Role::Admin).then_some(curator.account.name.as_str());
    let tokens = archive.store.tokens(owner).await?;
    let roles = Role::ALL.iter().filter(|r| **r <= curator.account.role).map(|r| r.key()).collect();
    let page = TokensPage { desk: Desk::new("API tokens", curator), tokens, roles, made, problem };
    Ok((status, Html(page.render()?)).into_response())
}

/// The curator's tokens (an administrator's: everyone's).
pub(crate) async fn page(
    State(archive): State<Shared>,
    curator: Curator,
) -> Result<Response, Refused> {
    render(&archive, &curator, None, None, StatusCode::OK).await
}

/// Makes a token and shows it once.
pub(crate) async fn create(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let fields = curator.form(&archive, &headers, &body, Role::Contributor)?;
    let role = Role::from_key(fields.text("role")).unwrap_or(Role::Contributor);
    let now = archive.config.clock.now();
    let store = curator.store(&archive);
    match store.add_token(&curator.account.name, role, fields.text("label"), now).await {
        Ok((token, _)) => render(&archive, &curator, Some(token), None, StatusCode::OK).await,
        Err(chancery_store::Error::Rejected(message)) => {
            render(&archive, &curator, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Revokes a token.
pub(crate) async fn revoke(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let fields = curator.form(&archive, &headers, &body, Role::Contributor)?;
    let id = fields.number("token").unwrap_or(0);
    let owner = (curator.account.role < Role::Admin).then_some(curator.account.name.as_str());
    let now = archive.config.clock.now();
    if !curator.store(&archive).revoke_token(id, owner, now).await? {
        return Err(refusal(chancery_store::Error::NotFound(format!(
            "there is no live token {id} of yours to revoke"
        ))));
    }
    Ok(Redirect::to("/curate/tokens").into_response())
}
