//! `chancery user`: curator accounts, API tokens and the audit log, on the server's machine.
//! The first administrator is made here; no account has a default password.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use anyhow::Result;
use chancery_store::{AccountChange, AuditFilter, MAX_AUDIT_PAGE, Role};
use time::OffsetDateTime;

use crate::args::{TokenCommand, UserCommand};
use crate::data::{open_store, open_store_for_reading, rejected};

fn role(key: &str) -> Result<Role> {
    Role::from_key(key)
        .ok_or_else(|| rejected(format!("`{key}` is not a role: admin, editor or contributor")))
}

/// A store refusal (a bad name, a short password, no such account) as the user's mistake.
fn refused(error: chancery_store::Error) -> anyhow::Error {
    match error {
        chancery_store::Error::Rejected(message) | chancery_store::Error::NotFound(message) => {
            rejected(message)
        }
        other => anyhow::Error::new(other),
    }
}

/// Reads a password from standard input: a line, not shown when typed at a terminal.
fn read_password(prompt: &str) -> Result<String> {
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    if terminal {
        eprint!("{prompt}: ");
        std::io::stderr().flush()?;
    }
    let echo = terminal.then(|| hide_input(&stdin)).flatten();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    if let Some(saved) = echo {
        let _ = rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &saved);
        eprintln!();
    }
    read?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if let Some(problem) = chancery_store::password_problem(&password) {
        return Err(rejected(format!("{problem}; nothing was changed")));
    }
    Ok(password)
}

/// Turns the terminal's echo off; returns its settings to restore.
fn hide_input(stdin: &std::io::Stdin) -> Option<rustix::termios::Termios> {
    let saved = rustix::termios::tcgetattr(stdin).ok()?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(rustix::termios::LocalModes::ECHO);
    rustix::termios::tcsetattr(stdin, rustix::termios::OptionalActions::Now, &quiet).ok()?;
    Some(saved)
}

pub(crate) async fn run(data: &Path, command: UserCommand) -> Result<()> {
    let now = OffsetDateTime::now_utc();
    match command {
        UserCommand::Add { name, role: key } => {
            let role = role(&key)?;
            let store = open_store(data).await?;
            if store.account(&name).await?.is_some() {
                return Err(rejected(format!("there is already an account `{name}`")));
            }
            let password = read_password(&format!("Password for {name}"))?;
            let account = store.add_account(&name, &password, role, now).await.map_err(refused)?;
            eprintln!("made account `{}` ({})", account.name, account.role);
            store.close().await;
        }
        UserCommand::List => {
            let store = open_store_for_reading(data).await?;
            let mut out = std::io::stdout().lock();
            for account in store.accounts().await? {
                let state = match account.disabled_at {
                    Some(at) => format!("disabled {}", at.date()),
                    None => "enabled".to_string(),
                };
                writeln!(
                    out,
                    "{}\t{}\t{state}\tmade {}",
                    account.name,
                    account.role,
                    account.created_at.date()
                )?;
            }
            store.close().await;
        }
        UserCommand::Disable { name } => {
            change(
                data,
                &name,
                AccountChange::Disable,
                now,
                "disabled: its sessions ended and its tokens were revoked",
            )
            .await?
        }
        UserCommand::Enable { name } => {
            change(data, &name, AccountChange::Enable, now, "enabled").await?
        }
        UserCommand::SetRole { name, role: key } => {
            let role = role(&key)?;
            change(
                data,
                &name,
                AccountChange::Role(role),
                now,
                "given its new role; its sessions ended",
            )
            .await?;
        }
        UserCommand::ResetPassword { name } => {
            let store = open_store(data).await?;
            if store.account(&name).await?.is_none() {
                return Err(rejected(format!(
                    "no account `{name}`; `chancery user list` shows them"
                )));
            }
            let password = read_password(&format!("New password for {name}"))?;
            store
                .change_account(&name, AccountChange::Password(&password), now)
                .await
                .map_err(refused)?;
            eprintln!("`{name}` has a new password; its sessions ended");
            store.close().await;
        }
        UserCommand::SignOut { name } => {
            let store = open_store(data).await?;
            let ended = store.end_sessions(&name, now).await.map_err(refused)?;
            eprintln!("ended {ended} session(s) of `{name}`");
            store.close().await;
        }
        UserCommand::Token { command } => token(data, command, now).await?,
        UserCommand::Audit { after, action } => {
            let store = open_store_for_reading(data).await?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let mut filter = AuditFilter { after, action, ..AuditFilter::default() };
            loop {
                let entries = store.audit(&filter, MAX_AUDIT_PAGE).await?;
                let Some(last) = entries.last() else { break };
                filter.after = last.seq;
                for entry in &entries {
                    writeln!(out, "{}", serde_json::to_string(entry)?)?;
                }
            }
            out.flush()?;
            store.close().await;
        }
    }
    Ok(())
}

async fn change(
    data: &Path,
    name: &str,
    change: AccountChange<'_>,
    now: OffsetDateTime,
    done: &str,
) -> Result<()> {
    let store = open_store(data).await?;
    let account = store.change_account(name, change, now).await.map_err(refused)?;
    eprintln!("`{}` {done}", account.name);
    store.close().await;
    Ok(())
}

async fn token(data: &Path, command: TokenCommand, now: OffsetDateTime) -> Result<()> {
    match command {
        TokenCommand::Add { name, role: key, label } => {
            let store = open_store(data).await?;
            let (token, listed) =
                store.add_token(&name, role(&key)?, &label, now).await.map_err(refused)?;
            eprintln!(
                "token {} for `{}` ({}); it is printed once, below: keep it like a password",
                listed.id, listed.account, listed.role
            );
            println!("{token}");
            store.close().await;
        }
        TokenCommand::List => {
            let store = open_store_for_reading(data).await?;
            let mut out = std::io::stdout().lock();
            for token in store.tokens(None).await? {
                let state = token
                    .revoked_at
                    .map_or("live".to_string(), |at| format!("revoked {}", at.date()));
                writeln!(
                    out,
                    "{}\t{}\t{}\t{state}\t{}",
                    token.id, token.account, token.role, token.label
                )?;
            }
            store.close().await;
        }
        TokenCommand::Revoke { id } => {
            let store = open_store(data).await?;
            if !store.revoke_token(id, None, now).await? {
                return Err(rejected(format!("there is no live token {id}")));
            }
            eprintln!("revoked token {id}");
            store.close().await;
        }
    }
    Ok(())
}
