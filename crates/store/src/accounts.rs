//! Curator accounts, their sign-in sessions and their API tokens.
//!
//! Passwords are hashed with Argon2id (a PHC string with its own salt and parameters); session
//! and API tokens are 32 random bytes given to the client once and kept only as SHA-256 hashes,
//! so that a copy of the database lets no one sign in. A failed sign-in costs the same whether or
//! not the account exists (a dummy hash is checked), and says the same.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::{Duration, OffsetDateTime};

use crate::audit::{Actor, append};
use crate::{Error, Result, Store, parse_time, timestamp};

/// The shortest password an account may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password hashed (longer ones are refused before hashing costs anything).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest account name.
pub const MAX_ACCOUNT_NAME_BYTES: usize = 64;
/// How long a session lasts after sign-in, however active.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);
/// How long a session lasts without a request.
pub const SESSION_IDLE: Duration = Duration::hours(2);
/// The longest label an API token may have.
pub const MAX_TOKEN_LABEL_BYTES: usize = 200;

/// What an account may do; each role may do everything the ones below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Creates and edits drafts.
    Contributor,
    /// Also publishes, unpublishes, deletes, restores and merges.
    Editor,
    /// Also manages accounts and reads the audit log.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Contributor, Role::Editor, Role::Admin];

    /// The role's name as stored and typed.
    pub fn key(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// The role a name means.
    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// A curator account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its number.
    pub id: i64,
    /// The name it signs in with.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it was disabled, if it was: it cannot sign in and its sessions and tokens are void.
    pub disabled_at: Option<OffsetDateTime>,
}

/// A signed-in session, as a request finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose.
    pub account: Account,
    /// The token every form of the session carries.
    pub csrf: String,
    /// When it ends, whatever happens.
    pub expires_at: OffsetDateTime,
}

/// A new session: the cookie's token, given once.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The token for the cookie.
    pub token: String,
    /// The session's form token.
    pub csrf: String,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its number.
    pub id: i64,
    /// Whose.
    pub account: String,
    /// What it may do.
    pub role: Role,
    /// What its owner called it.
    pub label: String,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it was last used.
    pub used_at: Option<OffsetDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
}

/// A random token: 32 bytes from the operating system, as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    chancery_model::id::hex(&bytes)
}

/// A token's SHA-256, as kept.
fn token_hash(token: &str) -> String {
    chancery_model::id::hex(&Sha256::digest(token.as_bytes()))
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_ACCOUNT_NAME_BYTES
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::Rejected(format!(
            "an account name is 1 to {MAX_ACCOUNT_NAME_BYTES} bytes (MAX_ACCOUNT_NAME_BYTES) of letters, digits and . - _ @"
        )))
    }
}

/// Whether a password may be set; the reason if not.
pub fn password_problem(password: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters (MIN_PASSWORD_CHARS)"
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Some(format!(
            "a password has at most {MAX_PASSWORD_BYTES} bytes (MAX_PASSWORD_BYTES)"
        ));
    }
    None
}

/// Hashes a password with Argon2id (OWASP's parameters, argon2's defaults), off the async threads.
async fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::PasswordHasher;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        argon2::Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string())
    })
    .await
    .map_err(|e| Error::Rejected(format!("password hashing stopped: {e}")))?
    .map_err(|e| Error::Rejected(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches `hash`, off the async threads; a hash that cannot be read
/// matches nothing.
async fn verify_password(password: &str, hash: String) -> bool {
    use argon2::password_hash::PasswordVerifier;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        argon2::Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A hash no password matches, checked when an account does not exist so that a sign-in
/// costs the same either way.
async fn dummy_hash() -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return hash.clone();
    }
    let hash = hash_password(&random_token()).await.unwrap_or_default();
    DUMMY.get_or_init(|| hash).clone()
}

const ACCOUNT_COLUMNS: &str = "id, name, role, created_at, disabled_at";

fn account(row: &AnyRow) -> Result<Account> {
    let name: String = row.try_get("name")?;
    let role: String = row.try_get("role")?;
    let disabled: Option<String> = row.try_get("disabled_at")?;
    Ok(Account {
        id: row.try_get("id")?,
        role: Role::from_key(&role)
            .ok_or_else(|| Error::corrupt_row(&name, format!("unknown role `{role}`")))?,
        created_at: parse_time(&name, &row.try_get::<String, _>("created_at")?)?,
        disabled_at: disabled.map(|at| parse_time(&name, &at)).transpose()?,
        name,
    })
}

impl Store {
    /// Makes an account. Its name must be new (without regard to case).
    pub async fn add_account(
        &self,
        name: &str,
        password: &str,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<Account> {
        check_name(name)?;
        if let Some(problem) = password_problem(password) {
            return Err(Error::Rejected(problem));
        }
        let hash = hash_password(password).await?;
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE name_key = $1")
            .bind(name.to_lowercase())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(Error::Rejected(format!("there is already an account `{name}`")));
        }
        sqlx::query(
            "INSERT INTO accounts (name, name_key, password_hash, role, created_at, password_set_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(name)
        .bind(name.to_lowercase())
        .bind(&hash)
        .bind(role.key())
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, &self.actor, "account-add", Some(name), None, Some(role.key()), &at)
            .await?;
        tx.commit().await?;
        self.account(name).await?.ok_or_else(|| Error::NotFound(format!("no account `{name}`")))
    }

    /// Every account, by name.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name_key"
        )))
        .fetch_all(&self.primary)
        .await?;
        rows.iter().map(account).collect()
    }

    /// An account by name (without regard to case).
    pub async fn account(&self, name: &str) -> Result<Option<Account>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE name_key = $1"
        )))
        .bind(name.to_lowercase())
        .fetch_optional(&self.primary)
        .await?;
        row.as_ref().map(account).transpose()
    }

    /// Changes an account: disables it (ending its sessions and voiding its tokens), enables
    /// it, gives it a role or a new password (ending its sessions).
    pub async fn change_account(
        &self,
        name: &str,
        change: AccountChange<'_>,
        now: OffsetDateTime,
    ) -> Result<Account> {
        let found = self
            .account(name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no account `{name}`")))?;
        let at = timestamp(now);
        let hash = match change {
            AccountChange::Password(password) => {
                if let Some(problem) = password_problem(password) {
                    return Err(Error::Rejected(problem));
                }
                Some(hash_password(password).await?)
            }
            _ => None,
        };
        let mut tx = self.begin_write().await?;
        let (action, detail) = match change {
            AccountChange::Disable => {
                sqlx::query("UPDATE accounts SET disabled_at = $2 WHERE id = $1")
                    .bind(found.id)
                    .bind(&at)
                    .execute(&mut *tx)
                    .await?;
                end_sessions(&mut tx, found.id).await?;
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
                )
                .bind(found.id)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
                ("account-disable", None)
            }
            AccountChange::Enable => {
                sqlx::query("UPDATE accounts SET disabled_at = NULL WHERE id = $1")
                    .bind(found.id)
                    .execute(&mut *tx)
                    .await?;
                ("account-enable", None)
            }
            AccountChange::Role(role) => {
                sqlx::query("UPDATE accounts SET role = $2 WHERE id = $1")
                    .bind(found.id)
                    .bind(role.key())
                    .execute(&mut *tx)
                    .await?;
                // A token never does more than its account may.
                sqlx::query(
                    "UPDATE api_tokens SET role = $2 WHERE account_id = $1
                       AND (CASE role WHEN 'admin' THEN 3 WHEN 'editor' THEN 2 ELSE 1 END) > $3",
                )
                .bind(found.id)
                .bind(role.key())
                .bind(rank(role))
                .execute(&mut *tx)
                .await?;
                end_sessions(&mut tx, found.id).await?;
                ("account-role", Some(role.key()))
            }
            AccountChange::Password(_) => {
                let hash = hash.as_deref().ok_or_else(|| Error::Rejected("no password".into()))?;
                set_password(&mut tx, found.id, hash, &at).await?;
                end_sessions(&mut tx, found.id).await?;
                ("account-password", None)
            }
        };
        append(&mut tx, &self.actor, action, Some(&found.name), None, detail, &at).await?;
        tx.commit().await?;
        self.account(name).await?.ok_or_else(|| Error::NotFound(format!("no account `{name}`")))
    }

    /// A curator's own change of password: refused unless `current` is the account's password
    /// now. Every session but `keep` (the one asking) ends. Failures are audited like failed
    /// sign-ins, and count toward their limits.
    pub async fn change_own_password(
        &self,
        name: &str,
        current: &str,
        new: &str,
        keep: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        if let Some(problem) = password_problem(new) {
            return Err(Error::Rejected(problem));
        }
        let row = sqlx::query("SELECT id, password_hash FROM accounts WHERE name_key = $1")
            .bind(name.to_lowercase())
            .fetch_optional(&self.primary)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no account `{name}`")))?;
        let id: i64 = row.try_get("id")?;
        let at = timestamp(now);
        let matches = current.len() <= MAX_PASSWORD_BYTES
            && verify_password(current, row.try_get("password_hash")?).await;
        if !matches {
            let mut tx = self.begin_write().await?;
            append(
                &mut tx,
                &self.actor,
                "sign-in-failed",
                Some(&short(name)),
                None,
                Some("password change"),
                &at,
            )
            .await?;
            tx.commit().await?;
            return Err(Error::Rejected(
                "the current password is not right; nothing was changed".into(),
            ));
        }
        let hash = hash_password(new).await?;
        let mut tx = self.begin_write().await?;
        set_password(&mut tx, id, &hash, &at).await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_sha256 <> $2")
            .bind(id)
            .bind(token_hash(keep))
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            &self.actor,
            "account-password",
            Some(&short(name)),
            None,
            Some("by the curator"),
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a name and password and, when they match an enabled account, starts a session.
    /// Every attempt is audited; a failure says nothing of which part was wrong, and costs the
    /// same either way.
    pub async fn sign_in(
        &self,
        name: &str,
        password: &str,
        address: &str,
        now: OffsetDateTime,
    ) -> Result<Option<(Account, NewSession)>> {
        let row =
            sqlx::query("SELECT id, password_hash, disabled_at FROM accounts WHERE name_key = $1")
                .bind(name.to_lowercase())
                .fetch_optional(&self.primary)
                .await?;
        let at = timestamp(now);
        let (hash, usable) = match &row {
            Some(row) => (
                row.try_get::<String, _>("password_hash")?,
                row.try_get::<Option<String>, _>("disabled_at")?.is_none(),
            ),
            None => (dummy_hash().await, false),
        };
        let long = password.len() > MAX_PASSWORD_BYTES;
        let matches = !long && verify_password(password, hash).await && usable;
        let actor = Actor::new(format!("web:{}", short(name)), Some(address.to_string()));
        let mut tx = self.begin_write().await?;
        let Some(row) = row.filter(|_| matches) else {
            append(&mut tx, &actor, "sign-in-failed", Some(&short(name)), None, None, &at).await?;
            tx.commit().await?;
            return Ok(None);
        };
        let account_id: i64 = row.try_get("id")?;
        let new = NewSession { token: random_token(), csrf: random_token() };
        let expires = timestamp(now + SESSION_LIFETIME);
        sqlx::query(
            "INSERT INTO sessions (token_sha256, account_id, csrf, address, created_at, seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(token_hash(&new.token))
        .bind(account_id)
        .bind(&new.csrf)
        .bind(address)
        .bind(&at)
        .bind(&expires)
        .execute(&mut *tx)
        .await?;
        // Expired sessions go when anyone signs in.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR seen_at < $2")
            .bind(&at)
            .bind(timestamp(now - SESSION_IDLE))
            .execute(&mut *tx)
            .await?;
        append(&mut tx, &actor, "sign-in", Some(&short(name)), None, None, &at).await?;
        tx.commit().await?;
        let account = self
            .account(name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no account `{name}`")))?;
        Ok(Some((account, new)))
    }

    /// How many sign-ins failed since `since` for an account name or from an address.
    pub async fn failed_sign_ins(
        &self,
        name: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<(i64, i64)> {
        let row = sqlx::query(
            "SELECT count(*) FILTER (WHERE target = $1) AS by_name,
                    count(*) FILTER (WHERE address = $2) AS by_address
             FROM audit_log WHERE action = 'sign-in-failed' AND at >= $3",
        )
        .bind(short(name))
        .bind(address)
        .bind(timestamp(since))
        .fetch_one(&self.primary)
        .await?;
        Ok((row.try_get("by_name")?, row.try_get("by_address")?))
    }

    /// The session a cookie's token names, if it is live (not expired, not idle too long, its
    /// account enabled); marks it seen.
    pub async fn session(&self, token: &str, now: OffsetDateTime) -> Result<Option<Session>> {
        let at = timestamp(now);
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT s.csrf, s.expires_at, s.seen_at, {} FROM sessions s
             JOIN accounts a ON a.id = s.account_id
             WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND s.seen_at >= $3
               AND a.disabled_at IS NULL",
            "a.id, a.name, a.role, a.created_at, a.disabled_at"
        )))
        .bind(token_hash(token))
        .bind(&at)
        .bind(timestamp(now - SESSION_IDLE))
        .fetch_optional(&self.primary)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let seen: String = row.try_get("seen_at")?;
        // Marked at most once a minute: most requests only read.
        if !self.read_only && parse_time("session", &seen)? + Duration::minutes(1) < now {
            sqlx::query("UPDATE sessions SET seen_at = $2 WHERE token_sha256 = $1")
                .bind(token_hash(token))
                .bind(&at)
                .execute(&self.primary)
                .await?;
        }
        Ok(Some(Session {
            account: account(&row)?,
            csrf: row.try_get("csrf")?,
            expires_at: parse_time("session", &row.try_get::<String, _>("expires_at")?)?,
        }))
    }

    /// Ends a session (signing out).
    pub async fn sign_out(&self, token: &str, now: OffsetDateTime) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
            .bind(token_hash(token))
            .execute(&mut *tx)
            .await?;
        if ended.rows_affected() > 0 {
            append(&mut tx, &self.actor, "sign-out", None, None, None, &timestamp(now)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of an account; returns how many.
    pub async fn end_sessions(&self, name: &str, now: OffsetDateTime) -> Result<u64> {
        let found = self
            .account(name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no account `{name}`")))?;
        let mut tx = self.begin_write().await?;
        let ended = end_sessions(&mut tx, found.id).await?;
        let detail = format!("{ended} session(s)");
        append(
            &mut tx,
            &self.actor,
            "sessions-end",
            Some(&found.name),
            None,
            Some(&detail),
            &timestamp(now),
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Makes an API token for an account, with a role no higher than the account's; returns
    /// the token (shown once) and its listing.
    pub async fn add_token(
        &self,
        name: &str,
        role: Role,
        label: &str,
        now: OffsetDateTime,
    ) -> Result<(String, ApiToken)> {
        let found = self
            .account(name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no account `{name}`")))?;
        if role > found.role {
            return Err(Error::Rejected(format!(
                "account `{}` is {} and cannot make a token for {role}",
                found.name, found.role
            )));
        }
        if found.disabled_at.is_some() {
            return Err(Error::Rejected(format!("account `{}` is disabled", found.name)));
        }
        let label = label.trim();
        if label.is_empty() || label.len() > MAX_TOKEN_LABEL_BYTES {
            return Err(Error::Rejected(format!(
                "give the token a label of 1 to {MAX_TOKEN_LABEL_BYTES} bytes (MAX_TOKEN_LABEL_BYTES), saying what uses it"
            )));
        }
        let token = format!("chancery_{}", random_token());
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (token_sha256, account_id, role, label, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(token_hash(&token))
        .bind(found.id)
        .bind(role.key())
        .bind(label)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        let detail = format!("token {id} ({role}): {label}");
        append(&mut tx, &self.actor, "token-add", Some(&found.name), None, Some(&detail), &at)
            .await?;
        tx.commit().await?;
        let listed = ApiToken {
            id,
            account: found.name,
            role,
            label: label.to_string(),
            created_at: parse_time("token", &at)?,
            used_at: None,
            revoked_at: None,
        };
        Ok((token, listed))
    }

    /// The account and role a live API token acts as; marks it used.
    pub async fn token(&self, token: &str, now: OffsetDateTime) -> Result<Option<(Account, Role)>> {
        let row = sqlx::query(
            "SELECT t.id AS token_id, t.role AS token_role, t.used_at,
                    a.id, a.name, a.role, a.created_at, a.disabled_at
             FROM api_tokens t JOIN accounts a ON a.id = t.account_id
             WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.primary)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("token_role")?;
        let role = Role::from_key(&role)
            .ok_or_else(|| Error::corrupt_row("token", format!("unknown role `{role}`")))?;
        let used: Option<String> = row.try_get("used_at")?;
        let stale = used.map_or(Ok(true), |u| {
            parse_time("token", &u).map(|u| u + Duration::minutes(1) < now)
        })?;
        if stale && !self.read_only {
            sqlx::query("UPDATE api_tokens SET used_at = $2 WHERE id = $1")
                .bind(row.try_get::<i64, _>("token_id")?)
                .bind(timestamp(now))
                .execute(&self.primary)
                .await?;
        }
        Ok(Some((account(&row)?, role)))
    }

    /// The tokens of an account (every account's when `name` is `None`), newest first.
    pub async fn tokens(&self, name: Option<&str>) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT t.id, a.name, t.role, t.label, t.created_at, t.used_at, t.revoked_at
             FROM api_tokens t JOIN accounts a ON a.id = t.account_id
             WHERE $1 IS NULL OR a.name_key = $1 ORDER BY t.id DESC",
        )
        .bind(name.map(str::to_lowercase))
        .fetch_all(&self.primary)
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                let time = |column: &str| -> Result<Option<OffsetDateTime>> {
                    row.try_get::<Option<String>, _>(column)?
                        .map(|at| parse_time("token", &at))
                        .transpose()
                };
                Ok(ApiToken {
                    id: row.try_get("id")?,
                    account: row.try_get("name")?,
                    role: Role::from_key(&role).unwrap_or(Role::Contributor),
                    label: row.try_get("label")?,
                    created_at: time("created_at")?.unwrap_or(OffsetDateTime::UNIX_EPOCH),
                    used_at: time("used_at")?,
                    revoked_at: time("revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes a token of an account (of any account when `owner` is `None`); returns whether
    /// there was such a live token.
    pub async fn revoke_token(
        &self,
        id: i64,
        owner: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        let revoked: Option<String> = sqlx::query_scalar(
            "UPDATE api_tokens SET revoked_at = $2
             WHERE id = $1 AND revoked_at IS NULL
               AND ($3 IS NULL OR account_id = (SELECT id FROM accounts WHERE name_key = $3))
             RETURNING (SELECT name FROM accounts WHERE id = account_id)",
        )
        .bind(id)
        .bind(&at)
        .bind(owner.map(str::to_lowercase))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(account) = revoked else { return Ok(false) };
        let detail = format!("token {id}");
        append(&mut tx, &self.actor, "token-revoke", Some(&account), None, Some(&detail), &at)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// What [`Store::change_account`] changes.
#[derive(Debug, Clone, Copy)]
pub enum AccountChange<'a> {
    /// Disable the account.
    Disable,
    /// Enable it again.
    Enable,
    /// Give it a role.
    Role(Role),
    /// Give it a new password.
    Password(&'a str),
}

fn rank(role: Role) -> i64 {
    match role {
        Role::Contributor => 1,
        Role::Editor => 2,
        Role::Admin => 3,
    }
}

async fn set_password(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account: i64,
    hash: &str,
    at: &str,
) -> Result<()> {
    sqlx::query("UPDATE accounts SET password_hash = $2, password_set_at = $3 WHERE id = $1")
        .bind(account)
        .bind(hash)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn end_sessions(tx: &mut sqlx::Transaction<'static, sqlx::Any>, account: i64) -> Result<u64> {
    let ended = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account)
        .execute(&mut **tx)
        .await?;
    Ok(ended.rows_affected())
}

/// A name as the audit log keeps it: at most [`MAX_ACCOUNT_NAME_BYTES`] bytes, so that a
/// sign-in attempt with a huge name cannot bloat the log.
fn short(name: &str) -> String {
    let mut end = name.len().min(MAX_ACCOUNT_NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_lowercase()
}
