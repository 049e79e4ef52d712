//! The audit log: every write to the store, every sign-in and every failed one, appended in the
//! transaction of the write it describes (so a write and its entry are kept or lost together).
//! The database's triggers refuse to change or delete an entry, whoever asks.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::{Result, Store, parse_time};

/// The longest comment a write may carry.
pub const MAX_COMMENT_BYTES: usize = 4096;
/// The most entries one read of the log returns.
pub const MAX_AUDIT_PAGE: u32 = 1000;

/// Who is writing: `web:<account>`, `api:<account>` or `cli:<operating-system user>`, and
/// from which address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The name the log and the change sequence keep.
    pub name: String,
    /// The client's address, for a write over HTTP.
    pub address: Option<String>,
    /// The curator's account, for a write by one.
    pub account: Option<i64>,
}

impl Actor {
    /// An actor.
    pub fn new(name: String, address: Option<String>) -> Actor {
        Actor { name, address, account: None }
    }

    /// A curator's account acting over HTTP (`via` is `web` or `api`).
    pub fn curator(via: &str, account: &crate::Account, address: String) -> Actor {
        Actor {
            name: format!("{via}:{}", account.name),
            address: Some(address),
            account: Some(account.id),
        }
    }

    /// A command run by an operating-system user, as `cli:<user>`.
    pub fn command_line(user: &str) -> Actor {
        Actor::new(format!("cli:{user}"), None)
    }

    /// Who writes when no one was named: the library itself (tests, tools).
    pub fn unnamed() -> Actor {
        Actor::new("chancery".to_string(), None)
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// Its number, in the order entries were appended.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// From where, for a request over HTTP.
    pub address: Option<String>,
    /// What: `sign-in`, `sign-in-failed`, `edit`, `publish`, `delete`, `import`, …
    pub action: String,
    /// On what: a record id, an account name.
    pub target: Option<String>,
    /// The comment the writer gave.
    pub comment: Option<String>,
    /// More about it: revisions, counts.
    pub detail: Option<String>,
}

/// Which entries to read; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Entries after this number (a cursor).
    pub after: i64,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only this target.
    pub target: Option<String>,
    /// From this time on (inclusive; a prefix of RFC 3339 such as `2026-12-01`).
    pub from: Option<String>,
    /// Up to this time (inclusive; a prefix).
    pub until: Option<String>,
}

/// Appends an entry inside a write transaction.
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    action: &str,
    target: Option<&str>,
    comment: Option<&str>,
    detail: Option<&str>,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, address, action, target, comment, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(&actor.name)
    .bind(actor.address.as_deref())
    .bind(action)
    .bind(target)
    .bind(comment)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Up to `limit` (at most [`MAX_AUDIT_PAGE`]) entries matching `filter` after
    /// `filter.after`, oldest first (a cursor for reading the whole log).
    pub async fn audit(&self, filter: &AuditFilter, limit: u32) -> Result<Vec<AuditEntry>> {
        self.read_audit(filter, limit, "ASC").await
    }

    /// The newest `limit` (at most [`MAX_AUDIT_PAGE`]) entries matching `filter`, newest first.
    pub async fn audit_newest(&self, filter: &AuditFilter, limit: u32) -> Result<Vec<AuditEntry>> {
        self.read_audit(filter, limit, "DESC").await
    }

    async fn read_audit(
        &self,
        filter: &AuditFilter,
        limit: u32,
        order: &'static str,
    ) -> Result<Vec<AuditEntry>> {
        // `until` is a prefix: every time starting with it is within it.
        let until = filter.until.as_ref().map(|u| format!("{u}\u{10FFFF}"));
        // Only the fixed word `ASC` or `DESC` is formatted into the statement.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT seq, at, actor, address, action, target, comment, detail FROM audit_log
             WHERE seq > $1 AND ($2 IS NULL OR actor = $2) AND ($3 IS NULL OR action = $3)
               AND ($4 IS NULL OR target = $4) AND ($5 IS NULL OR at >= $5)
               AND ($6 IS NULL OR at <= $6)
             ORDER BY seq {order} LIMIT $7"
        )))
        .bind(filter.after)
        .bind(filter.actor.as_deref())
        .bind(filter.action.as_deref())
        .bind(filter.target.as_deref())
        .bind(filter.from.as_deref())
        .bind(until)
        .bind(i64::from(limit.min(MAX_AUDIT_PAGE)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry).collect()
    }

    /// Appends an entry on its own: for what is not a store write (a refused request).
    pub async fn audit_event(
        &self,
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        append(&mut tx, &self.actor, action, target, None, detail, &crate::timestamp(now)).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn entry(row: &AnyRow) -> Result<AuditEntry> {
    let at: String = row.try_get("at")?;
    parse_time("audit log", &at)?;
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at,
        actor: row.try_get("actor")?,
        address: row.try_get("address")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        comment: row.try_get("comment")?,
        detail: row.try_get("detail")?,
    })
}

/// Checks a write's comment: required, bounded.
pub(crate) fn check_comment(comment: &str) -> Result<&str> {
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(crate::Error::Rejected(
            "give a comment saying what changed and why: it is kept with the revision".into(),
        ));
    }
    if comment.len() > MAX_COMMENT_BYTES {
        return Err(crate::Error::Rejected(format!(
            "the comment is {} bytes; the limit is {MAX_COMMENT_BYTES} (MAX_COMMENT_BYTES)",
            comment.len()
        )));
    }
    Ok(comment)
}
