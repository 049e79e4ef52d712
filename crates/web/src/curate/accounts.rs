//! Accounts for administrators: every account with its role and state; a role given, an
//! account disabled (its sessions end, its tokens are revoked) or enabled, an account signed out
//! everywhere. Accounts are made, and passwords set, on the server's command line (`chancery user
//! add`, `reset-password`), where a password never crosses the network.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chancery_store::{Account, AccountChange, Role};

use crate::Shared;
use crate::auth::{Curator, Refused};
use crate::curate::Desk;
use crate::curate::edit::refusal;
use crate::error::PageError;

#[derive(Template)]
#[template(path = "curate/accounts.html")]
struct AccountsPage {
    desk: Desk,
    accounts: Vec<Account>,
    roles: Vec<&'static str>,
}

/// Every account (administrators).
pub(crate) async fn page(
    State(archive): State<Shared>,
    curator: Curator,
) -> Result<Response, Refused> {
    curator.require(Role::Admin)?;
    let accounts = archive.store.accounts().await?;
    let roles = Role::ALL.iter().map(|r| r.key()).collect();
    let page = AccountsPage { desk: Desk::new("Accounts", &curator), accounts, roles };
    Ok(Html(page.render()?).into_response())
}

/// Changes an account (administrators): `role`, `disable`, `enable` or `sign-out`.
pub(crate) async fn change(
    State(archive): State<Shared>,
    curator: Curator,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let fields = curator.form(&archive, &headers, &body, Role::Admin)?;
    let name = fields.text("account");
    if name.eq_ignore_ascii_case(&curator.account.name) && fields.get("action") != Some("sign-out")
    {
        return Err(PageError::bad_request(
            "An administrator does not change their own account here (it could leave the archive without one); use `chancery user` on the server.",
        )
        .into());
    }
    let store = curator.store(&archive);
    let now = archive.config.clock.now();
    let done = match fields.text("action") {
        "disable" => store.change_account(name, AccountChange::Disable, now).await.map(|_| ()),
        "enable" => store.change_account(name, AccountChange::Enable, now).await.map(|_| ()),
        "role" => match Role::from_key(fields.text("role")) {
            Some(role) => {
                store.change_account(name, AccountChange::Role(role), now).await.map(|_| ())
            }
            None => {
                return Err(PageError::bad_request("choose admin, editor or contributor").into());
            }
        },
        "sign-out" => store.end_sessions(name, now).await.map(|_| ()),
        other => {
            return Err(
                PageError::bad_request(format!("`{other}` is not an account action")).into()
            );
        }
    };
    done.map_err(refusal)?;
    Ok(Redirect::to("/curate/accounts").into_response())
}
