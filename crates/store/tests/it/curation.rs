//! Curation in the store: accounts and sessions, drafts apart from records, stale edits refused,
//! who made each change and why, and an audit log that cannot be rewritten.

use chancery_store::{
    AccountChange, Action, Actor, AuditFilter, Base, ChangeKind, Error, ImportPolicy, Refusal,
    Role, Store,
};
use sqlx::Connection;
use time::macros::datetime;

use crate::{fresh, letter};

const PASSWORD: &str = "correct horse battery staple";

async fn curator(store: &Store, name: &str, role: Role) -> Store {
    let account =
        store.add_account(name, PASSWORD, role, datetime!(2026-12-01 9:00 UTC)).await.unwrap();
    store.acting_as(Actor::curator("web", &account, "127.0.0.1".into()))
}

#[tokio::test]
async fn accounts_sign_in_and_sessions_end() {
    let store = fresh().await;
    let now = datetime!(2026-12-01 10:00 UTC);
    store.add_account("Alice", PASSWORD, Role::Editor, now).await.unwrap();
    // Names are unique without regard to case; short passwords are refused.
    assert!(matches!(
        store.add_account("alice", PASSWORD, Role::Admin, now).await,
        Err(Error::Rejected(_))
    ));
    assert!(matches!(
        store.add_account("bob", "short", Role::Admin, now).await,
        Err(Error::Rejected(_))
    ));
    // A wrong password and an unknown account fail alike, and both are counted.
    assert!(store.sign_in("alice", "wrong password!!", "10.0.0.1", now).await.unwrap().is_none());
    assert!(store.sign_in("nobody", PASSWORD, "10.0.0.1", now).await.unwrap().is_none());
    let (by_name, by_address) =
        store.failed_sign_ins("alice", "10.0.0.1", datetime!(2026-12-01 9:00 UTC)).await.unwrap();
    assert_eq!((by_name, by_address), (1, 2));
    let (account, session) =
        store.sign_in("ALICE", PASSWORD, "10.0.0.1", now).await.unwrap().unwrap();
    assert_eq!(account.name, "Alice");
    let live = store.session(&session.token, now).await.unwrap().unwrap();
    assert_eq!(live.account.role, Role::Editor);
    assert_eq!(live.csrf, session.csrf);
    // Idle for longer than SESSION_IDLE: gone.
    assert!(
        store
            .session(
                &session.token,
                now + chancery_store::SESSION_IDLE + time::Duration::minutes(1)
            )
            .await
            .unwrap()
            .is_none()
    );
    let (_, session) = store.sign_in("alice", PASSWORD, "10.0.0.1", now).await.unwrap().unwrap();
    store
        .change_account("alice", AccountChange::Password("another long password"), now)
        .await
        .unwrap();
    assert!(
        store.session(&session.token, now).await.unwrap().is_none(),
        "a new password ends sessions"
    );
    let (_, session) =
        store.sign_in("alice", "another long password", "10.0.0.1", now).await.unwrap().unwrap();
    let (token, _) = store.add_token("alice", Role::Editor, "harvester", now).await.unwrap();
    assert!(store.add_token("alice", Role::Admin, "too much", now).await.is_err());
    assert_eq!(store.token(&token, now).await.unwrap().unwrap().1, Role::Editor);
    store.change_account("alice", AccountChange::Disable, now).await.unwrap();
    assert!(store.session(&session.token, now).await.unwrap().is_none());
    assert!(
        store.token(&token, now).await.unwrap().is_none(),
        "a disabled account's tokens are void"
    );
    assert!(
        store.sign_in("alice", "another long password", "10.0.0.1", now).await.unwrap().is_none()
    );
    let actions: Vec<String> = store
        .audit(&AuditFilter::default(), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "account-add",
        "sign-in-failed",
        "sign-in",
        "account-password",
        "token-add",
        "account-disable",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn drafts_stay_apart_until_published_and_stale_edits_are_refused() {
    let store = fresh().await;
    let now = datetime!(2026-12-01 10:00 UTC);
    let contributor = curator(&store, "carol", Role::Contributor).await;
    let editor = curator(&store, "edith", Role::Editor).await;
    let letter = letter("About relations.");
    let created = Base { revision: None, draft: None };
    let draft = contributor.save_draft(&letter, created, "a new letter", now).await.unwrap();
    assert_eq!(draft.version, 1);
    assert!(store.get(&letter.id).await.unwrap().is_none(), "a draft is not a record");
    assert_eq!(store.last_change().await.unwrap(), 0, "nor a change anyone follows");
    // A second save must name the version it was made from.
    let stale = contributor.save_draft(&letter, created, "again", now).await.unwrap_err();
    assert!(matches!(stale, Error::StaleDraft { .. }), "{stale}");
    assert!(
        matches!(
            contributor
                .save_draft(&letter, Base { revision: None, draft: Some(1) }, " ", now)
                .await,
            Err(Error::Rejected(_))
        ),
        "a comment is required"
    );
    let outcome = editor.publish(&letter.id, 1, now).await.unwrap();
    assert_eq!((outcome.action, outcome.revision), (Action::Created, 1));
    assert!(store.draft(&letter.id).await.unwrap().is_none());
    let change = store.changes_of(&letter.id).await.unwrap().pop().unwrap();
    assert_eq!(change.actor.as_deref(), Some("web:edith"));
    assert_eq!(change.comment.as_deref(), Some("a new letter"));
    // An editor's save made from revision 1 lands; a second one made from revision 1 is refused.
    let mut edited = letter.clone();
    edited.summary = Some("About normalizing relations.".into());
    editor.save_published(&edited, Some(1), "summary corrected", now).await.unwrap();
    let mut other = letter.clone();
    other.title = "Another title".into();
    let error = editor.save_published(&other, Some(1), "title", now).await.unwrap_err();
    assert!(matches!(error, Error::Stale { made_from: 1, current: 2, .. }), "{error}");
    assert_eq!(
        store.get(&letter.id).await.unwrap().unwrap().record.summary.as_deref(),
        Some("About normalizing relations.")
    );
    // An import of the file the record came from does not undo the curator's edit unasked.
    let mut batch = store.begin_import(now, ImportPolicy::default()).await.unwrap();
    batch.add(std::slice::from_ref(&letter), &[]).await.unwrap();
    assert!(matches!(batch.refusals(), [Refusal::Curated { actor, .. }] if actor == "web:edith"));
    drop(batch);
    // Unpublishing leaves a tombstone and a draft to publish again.
    editor.unpublish(&letter.id, 2, "under review", now).await.unwrap();
    assert!(store.get(&letter.id).await.unwrap().is_none());
    assert_eq!(
        store.latest_change_of(&letter.id).await.unwrap().unwrap().kind,
        ChangeKind::Deleted
    );
    let waiting = store.draft(&letter.id).await.unwrap().unwrap();
    let back = editor.publish(&letter.id, waiting.version, now).await.unwrap();
    // The tombstone keeps revision 2; the republished version is revision 3.
    assert_eq!((back.action, back.revision), (Action::Created, 3));
}

#[tokio::test]
async fn the_audit_log_cannot_be_rewritten() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).await.unwrap();
    store
        .add_account("admin", PASSWORD, Role::Admin, datetime!(2026-12-01 9:00 UTC))
        .await
        .unwrap();
    store.close().await;
    let url = format!("sqlite://{}", data.path().join(chancery_store::DATABASE_FILE).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let update =
        sqlx::query("UPDATE audit_log SET actor = 'someone else'").execute(&mut conn).await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_log").execute(&mut conn).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM accounts")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

#[tokio::test]
async fn curation_limits_hold_at_and_past_their_values() {
    fn rejected<T>(result: Result<T, Error>) -> bool {
        matches!(result, Err(Error::Rejected(_)))
    }
    use chancery_store::{
        MAX_ACCOUNT_NAME_BYTES, MAX_COMMENT_BYTES, MAX_PASSWORD_BYTES, MAX_TOKEN_LABEL_BYTES,
        MIN_PASSWORD_CHARS,
    };
    let store = fresh().await;
    let now = datetime!(2026-12-01 10:00 UTC);
    // Passwords: at least MIN_PASSWORD_CHARS characters (not bytes), at most MAX_PASSWORD_BYTES.
    let short = "ж".repeat(MIN_PASSWORD_CHARS - 1);
    assert!(rejected(store.add_account("a1", &short, Role::Editor, now).await));
    store.add_account("a2", &"ж".repeat(MIN_PASSWORD_CHARS), Role::Editor, now).await.unwrap();
    store.add_account("a3", &"p".repeat(MAX_PASSWORD_BYTES), Role::Editor, now).await.unwrap();
    assert!(rejected(
        store.add_account("a4", &"p".repeat(MAX_PASSWORD_BYTES + 1), Role::Editor, now).await
    ));
    // A password past the limit is not even hashed at sign-in, and fails like any other.
    assert!(
        store.sign_in("a3", &"p".repeat(MAX_PASSWORD_BYTES + 1), "x", now).await.unwrap().is_none()
    );
    assert!(
        store.sign_in("a3", &"p".repeat(MAX_PASSWORD_BYTES), "x", now).await.unwrap().is_some()
    );
    // Names.
    store
        .add_account(&"n".repeat(MAX_ACCOUNT_NAME_BYTES), PASSWORD, Role::Editor, now)
        .await
        .unwrap();
    assert!(rejected(
        store
            .add_account(&"n".repeat(MAX_ACCOUNT_NAME_BYTES + 1), PASSWORD, Role::Editor, now)
            .await
    ));
    assert!(rejected(store.add_account("a b", PASSWORD, Role::Editor, now).await));
    // Token labels.
    store.add_token("a2", Role::Editor, &"l".repeat(MAX_TOKEN_LABEL_BYTES), now).await.unwrap();
    assert!(rejected(
        store.add_token("a2", Role::Editor, &"l".repeat(MAX_TOKEN_LABEL_BYTES + 1), now).await
    ));
    // Comments.
    let editor = curator(&store, "e1", Role::Editor).await;
    let record = letter("A letter.");
    let base = Base { revision: None, draft: None };
    assert!(rejected(
        editor.save_draft(&record, base, &"c".repeat(MAX_COMMENT_BYTES + 1), now).await
    ));
    editor.save_draft(&record, base, &"c".repeat(MAX_COMMENT_BYTES), now).await.unwrap();
    // The audit log's pages.
    let all = store.audit(&AuditFilter::default(), u32::MAX).await.unwrap();
    assert!(all.len() <= chancery_store::MAX_AUDIT_PAGE as usize);
    // A name past the limit is cut in the log of a failed sign-in.
    let long = "x".repeat(10 * MAX_ACCOUNT_NAME_BYTES);
    store.sign_in(&long, PASSWORD, "x", now).await.unwrap();
    let failed = store
        .audit_newest(
            &AuditFilter { action: Some("sign-in-failed".into()), ..AuditFilter::default() },
            1,
        )
        .await
        .unwrap();
    assert_eq!(failed[0].target.as_deref().map(str::len), Some(MAX_ACCOUNT_NAME_BYTES));
}

#[tokio::test]
async fn a_deletion_decided_on_an_older_revision_is_refused() {
    let store = fresh().await;
    let now = datetime!(2026-12-01 10:00 UTC);
    let editor = curator(&store, "edith", Role::Editor).await;
    let letter = letter("First.");
    editor.save_published(&letter, None, "new", now).await.unwrap();
    let mut second = letter.clone();
    second.summary = Some("Second.".into());
    editor.save_published(&second, Some(1), "summary", now).await.unwrap();
    let stale = editor.delete_at(&letter.id, 1, now, "decided on revision 1").await;
    assert!(matches!(stale, Err(Error::Stale { made_from: 1, current: 2, .. })));
    assert!(matches!(editor.unpublish(&letter.id, 1, "x", now).await, Err(Error::Stale { .. })));
    assert!(matches!(editor.delete_at(&letter.id, 2, now, " ").await, Err(Error::Rejected(_))));
    assert!(editor.delete_at(&letter.id, 2, now, "a duplicate").await.unwrap());
    assert!(!editor.delete_at(&letter.id, 2, now, "again").await.unwrap());
}

#[tokio::test]
async fn the_drafts_listing_stops_at_max_drafts_listed() {
    let store = fresh().await;
    let now = datetime!(2026-12-01 10:00 UTC);
    let contributor = curator(&store, "carol", Role::Contributor).await;
    let base = Base { revision: None, draft: None };
    let limit = chancery_store::MAX_DRAFTS_LISTED as usize;
    let mut record = letter("A draft.");
    for n in 0..=limit {
        record.id = chancery_model::id::RecordId::parse(&format!("draft-{n}")).unwrap();
        contributor.save_draft(&record, base, "drafted", now).await.unwrap();
        if n + 1 == limit {
            assert_eq!(store.drafts().await.unwrap().len(), limit, "at the limit: all");
        }
    }
    assert_eq!(store.drafts().await.unwrap().len(), limit, "past it: the newest MAX_DRAFTS_LISTED");
}
