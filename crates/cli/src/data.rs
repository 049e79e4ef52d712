//! Opening the data folder: the store (writable, or read-only where the folder cannot be
//! written), the search index beside it, and keeping the index in step after writes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chancery_model::id::RecordId;
use chancery_search::SearchIndex;
use chancery_store::{Location, Store};

use crate::progress::Progress;
use crate::{EXIT_REJECTED, EXIT_USAGE, Failure};

/// How long a write waits for another process (another import, a server's catch-up) to finish
/// writing the search index before leaving its own changes to the next command.
pub(crate) const INDEX_LOCK_WAIT: Duration = Duration::from_secs(120);

/// The preservation copy's root when `--ocfl-root` puts it elsewhere; set once, before any
/// command runs.
static OCFL_ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Where the store is (`--database`, else the data folder's); set once, before any command runs.
static LOCATION: std::sync::OnceLock<Location> = std::sync::OnceLock::new();

/// Records `--database` for [`location`]: a usage error when it is not a PostgreSQL URL.
pub(crate) fn set_database(
    database: Option<&str>,
    replica: Option<&str>,
    data: &Path,
) -> Result<()> {
    let location =
        Location::new(database, replica, data).map_err(|error| usage(&error.to_string()))?;
    let _ = LOCATION.set(location);
    Ok(())
}

/// Where the store is: `--database`, else the data folder `data`.
pub(crate) fn location(data: &Path) -> Location {
    match LOCATION.get() {
        Some(shared @ Location::Postgres { .. }) => shared.clone(),
        _ => Location::Folder(data.to_path_buf()),
    }
}

/// Whether this machine keeps the preservation copy (not `--no-preservation-copy`).
static PRESERVING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Records `--no-preservation-copy` for [`keeps_preservation_copy`].
pub(crate) fn set_preservation_copy(keep: bool) {
    PRESERVING.store(keep, std::sync::atomic::Ordering::Relaxed);
}

/// Whether this machine keeps the preservation copy up to date.
pub(crate) fn keeps_preservation_copy() -> bool {
    PRESERVING.load(std::sync::atomic::Ordering::Relaxed)
}

/// Refuses a command that works on an embedded store's files (`backup`, `restore`, `rebuild`)
/// when `--database` names PostgreSQL, saying what to do there instead.
pub(crate) fn embedded_only(data: &Path, command: &str, instead: &str) -> Result<()> {
    match location(data) {
        Location::Folder(_) => Ok(()),
        shared => Err(rejected(format!(
            "`chancery {command}` works on a data folder's embedded store, and the store is {shared}: {instead}"
        ))),
    }
}

/// Records `--ocfl-root` for [`ocfl_root`].
pub(crate) fn set_ocfl_root(root: Option<PathBuf>) {
    if let Some(root) = root {
        let _ = OCFL_ROOT.set(root);
    }
}

/// The preservation copy's storage root: `--ocfl-root`, else `ocfl/` in the data folder.
pub(crate) fn ocfl_root(data: &Path) -> PathBuf {
    OCFL_ROOT.get().cloned().unwrap_or_else(|| chancery_preserve::root_dir(data))
}

/// A usage error (exit code 2).
pub(crate) fn usage(message: &str) -> anyhow::Error {
    Failure { code: EXIT_USAGE, message: message.to_string() }.into()
}

/// An error whose message is complete, with exit code 1.
pub(crate) fn rejected(message: String) -> anyhow::Error {
    Failure { code: EXIT_REJECTED, message }.into()
}

/// Opens the store to write to it.
pub(crate) async fn open_store(data: &Path) -> Result<Store> {
    let location = location(data);
    let store = Store::open_at(&location)
        .await
        .with_context(|| format!("cannot open the store {location}"))?;
    Ok(store.acting_as(command_line_actor()))
}

/// Who the command line writes as: the operating-system user (`cli:<user>`), kept with each
/// change and audit entry.
pub(crate) fn command_line_actor() -> chancery_store::Actor {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(user_of_process);
    chancery_store::Actor::command_line(&user)
}

/// The name `/etc/passwd` gives the process's user (a service or a container often sets no
/// `USER`), or `uid-<n>`.
fn user_of_process() -> String {
    let uid = rustix::process::getuid().as_raw();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                (fields.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_string())
            })
        })
        .unwrap_or_else(|| format!("uid-{uid}"))
}

/// Opens the store to read it: read-only, with a notice, where the folder cannot be written.
pub(crate) async fn open_store_for_reading(data: &Path) -> Result<Store> {
    let location = location(data);
    let store = Store::open_at_for_reading(&location)
        .await
        .with_context(|| format!("cannot open the store {location}"))?
        .acting_as(command_line_actor());
    if store.is_read_only() {
        eprintln!(
            "note: {} cannot be written: the store is open read-only, and the search index is not brought up to date",
            data.display()
        );
    }
    Ok(store)
}

fn index_dir(data: &Path) -> PathBuf {
    data.join("index")
}

/// Opens the search index for the store: the folder's own index, brought up to date when the
/// store is writable; on a read-only folder the index as it is (saying how far behind it is), or
/// one built in memory when the folder has none.
pub(crate) async fn open_index(data: &Path, store: &Store) -> Result<SearchIndex> {
    let dir = index_dir(data);
    if !store.is_read_only() {
        let index = SearchIndex::open(&dir)
            .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
        catch_up(&index, store).await?;
        return Ok(index);
    }
    let last = store.last_change().await?;
    let found = SearchIndex::open_read_only(&dir).unwrap_or_else(|error| {
        // Another user's index may not be readable (tantivy writes its metadata for its owner).
        eprintln!("note: cannot read the search index in {} ({error})", dir.display());
        None
    });
    match found {
        Some(index) => {
            let behind = last - index.applied_seq()?;
            if behind > 0 {
                eprintln!(
                    "note: the search index is {behind} change(s) behind the store and cannot be updated here; results may miss the newest records"
                );
            }
            Ok(index)
        }
        None => {
            eprintln!("note: building a search index in memory for this command");
            let index = SearchIndex::in_memory()?;
            let mut progress = Progress::new("indexing");
            index.reindex(store, &mut |p| progress.update(p.done, p.total)).await?;
            progress.finish();
            Ok(index)
        }
    }
}

/// Brings the index up to date with the store, with progress. When another process holds the
/// index's write lock, waits for it (up to [`INDEX_LOCK_WAIT`]): two imports at once both end
/// with their records searchable.
pub(crate) async fn catch_up(index: &SearchIndex, store: &Store) -> Result<()> {
    let started = Instant::now();
    let mut waiting = false;
    loop {
        let mut progress = Progress::new("indexing");
        let caught_up = index.catch_up(store, &mut |p| progress.update(p.done, p.total)).await;
        progress.finish();
        match caught_up {
            Ok(caught_up) => {
                if caught_up.n_records > 0 {
                    eprintln!(
                        "indexed {} record(s) (store change {})",
                        caught_up.n_records, caught_up.seq
                    );
                }
                return Ok(());
            }
            Err(chancery_search::Error::Locked) if started.elapsed() < INDEX_LOCK_WAIT => {
                if !waiting {
                    eprintln!(
                        "waiting for another Chancery process (an import, or a server) to finish writing the search index…"
                    );
                    waiting = true;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(chancery_search::Error::Locked) => {
                let behind = store.last_change().await? - index.applied_seq()?;
                eprintln!(
                    "note: another Chancery process has been writing the search index for {} s; {behind} change(s) are not indexed yet. The next command that opens the index (or a running server, within a second) indexes them; `chancery check` tells when it agrees",
                    INDEX_LOCK_WAIT.as_secs()
                );
                return Ok(());
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// After a write: updates the preservation copy and the index, or says why not. The write
/// itself has succeeded, so a failure here is reported, not fatal: the next command catches up.
/// The copy is written on a thread of its own (with its own connection to the store) while the
/// index catches up here, so that the index does not wait for the copy.
pub(crate) async fn follow(data: &Path, store: &Store) {
    if !keeps_preservation_copy() {
        index_follow(data, store).await;
        return;
    }
    let preserving = {
        let (data, root) = (data.to_path_buf(), ocfl_root(data));
        std::thread::spawn(move || -> Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                let store = open_store(&data).await?;
                let caught_up = chancery_preserve::catch_up(&store, &root).await;
                store.close().await;
                caught_up?;
                Ok(())
            })
        })
    };
    index_follow(data, store).await;
    let preserved =
        preserving.join().unwrap_or_else(|_| Err(anyhow::anyhow!("its thread stopped")));
    if let Err(error) = preserved {
        eprintln!(
            "warning: the preservation copy in {} is behind the store ({error:#}); the next command that writes catches it up",
            ocfl_root(data).display()
        );
    }
}

/// Brings the index up to the store, or says why not.
async fn index_follow(data: &Path, store: &Store) {
    let dir = index_dir(data);
    let result = match SearchIndex::open(&dir)
        .with_context(|| format!("cannot open the search index in {}", dir.display()))
    {
        Ok(index) => catch_up(&index, store).await,
        Err(error) => Err(error),
    };
    if let Err(error) = result {
        eprintln!(
            "warning: the search index is behind the store ({error:#}); `chancery reindex` rebuilds it"
        );
    }
}

/// Brings the preservation copy (`ocfl/`) up to the store; a copy left behind is caught up by
/// the next command that writes (or `chancery check`), so a failure here is a warning.
pub(crate) async fn preserve(data: &Path, store: &Store) {
    if !keeps_preservation_copy() {
        return;
    }
    if let Err(error) = chancery_preserve::catch_up(store, &ocfl_root(data)).await {
        eprintln!(
            "warning: the preservation copy in {} is behind the store ({error}); the next command that writes catches it up",
            ocfl_root(data).display()
        );
    }
}

pub(crate) use chancery_web::source_files;

/// A record id, or a permalink that maps to one (a usage error otherwise).
pub(crate) fn record_id(text: &str) -> Result<RecordId> {
    let text = text.trim();
    let id = if text.starts_with("http://") || text.starts_with("https://") {
        RecordId::from_permalink(text)
            .ok_or_else(|| format!("`{text}` is not a permalink we can map to a record id"))
    } else {
        RecordId::parse(text).map_err(|e| format!("`{text}` is not a record id: {e}"))
    };
    id.map_err(|message| Failure { code: EXIT_USAGE, message }.into())
}
