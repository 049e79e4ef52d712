//! `chancery serve`: the web site, the JSON API and OAI-PMH over the data folder.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chancery_ingest::Source;
use chancery_store::Store;
use time::OffsetDateTime;

use crate::data::{open_index, open_store_for_reading, source_files};

/// The demo, loaded into an empty store so that a fresh clone shows something: the seed letter,
/// and the curated events of the relation it is about (Yugoslavia and the Soviet Union,
/// 1948–1956), whose evidence the FRUS volumes hold once imported.
const DEMO: &[(&str, &[u8])] = &[
    ("demo/000_5e4392f9da7ebfc5.txt", include_bytes!("../../../demo/000_5e4392f9da7ebfc5.txt")),
    (
        "demo/events-yugoslavia-ussr.json",
        include_bytes!("../../../demo/events-yugoslavia-ussr.json"),
    ),
];

async fn load_demo(store: &Store) -> Result<()> {
    let now = OffsetDateTime::now_utc();
    let mut batch = store.begin_import(now, chancery_store::ImportPolicy::default()).await?;
    for (path, bytes) in DEMO {
        let parsed = chancery_ingest::parse(&Source { path, bytes, imported_at: now });
        anyhow::ensure!(!parsed.has_errors(), "the built-in demo {path} does not parse");
        let sources = source_files(&parsed, path, bytes.to_vec());
        batch.add(&parsed.records, &sources).await?;
        batch.add_events(&parsed.events).await?;
    }
    batch.commit().await?;
    tracing::info!("the store was empty: loaded the demo record and its relation's events");
    Ok(())
}

/// How often the server reads how far the preservation copy follows the store.
const COPY_POLL: Duration = Duration::from_secs(5);
/// The pause after each file a background fixity check hashes: the check yields the disk and a
/// core to the readers it serves (the FRUS archive's 5,105 objects add about 10 s).
const FIXITY_PAUSE: Duration = Duration::from_millis(2);

/// Reports how far the preservation copy is, and runs the scheduled fixity checks, until the
/// process ends.
async fn watch_preservation(
    data: PathBuf,
    archive: chancery_web::Shared,
    every: Option<Duration>,
    first_after: Duration,
    preservation_copy: bool,
) {
    let mut next_check = every.map(|_| Instant::now() + first_after);
    let mut ticker = tokio::time::interval(COPY_POLL.min(first_after.max(Duration::from_secs(1))));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let root = crate::data::ocfl_root(&data);
        let copy_change = root
            .exists()
            .then(|| chancery_preserve::position(&root).ok().map(|p| p.change))
            .flatten();
        archive.report_preservation(|p| p.copy_change = copy_change);
        // Curators' edits through the web are changes like an import's: the copy follows them.
        let behind = match archive.store().last_change().await {
            Ok(last) => copy_change.is_some_and(|at| at < last),
            Err(_) => false,
        };
        if behind && preservation_copy && !archive.store().is_read_only() {
            let (dir, store) = (data.clone(), archive.store().clone());
            let runtime = tokio::runtime::Handle::current();
            let caught_up = tokio::task::spawn_blocking(move || {
                runtime.block_on(crate::data::preserve(&dir, &store))
            });
            let _ = caught_up.await;
        }
        if let (Some(at), Some(every)) = (next_check, every)
            && Instant::now() >= at
        {
            archive.report_preservation(|p| p.checking = true);
            let run = background_fixity(&data, &archive).await;
            archive.report_preservation(|p| {
                p.checking = false;
                if let Some(run) = run {
                    p.fixity = Some(run);
                }
            });
            next_check = Some(Instant::now() + every);
        }
    }
}

/// One fixity check of the store's sources and the preservation copy, on a blocking thread and
/// paced by [`FIXITY_PAUSE`]; failures are logged by name, the counts returned.
async fn background_fixity(
    data: &Path,
    archive: &chancery_web::Shared,
) -> Option<chancery_web::FixityRun> {
    let started = Instant::now();
    let store = archive.store().clone();
    let data = data.to_path_buf();
    let handle = tokio::runtime::Handle::current();
    let checked = tokio::task::spawn_blocking(move || {
        let pause = &mut |_, _| std::thread::sleep(FIXITY_PAUSE);
        let sources = handle.block_on(store.fixity(pause)).map_err(anyhow::Error::from)?;
        let dir = crate::data::ocfl_root(&data);
        let copy = if dir.exists() {
            let root = chancery_preserve::Root::open(&dir)?;
            Some(chancery_preserve::fixity(&root, &mut |_, _| std::thread::sleep(FIXITY_PAUSE))?)
        } else {
            None
        };
        anyhow::Ok((sources, copy))
    })
    .await;
    let (sources, copy) = match checked {
        Ok(Ok(found)) => found,
        Ok(Err(error)) => {
            tracing::error!(error = format!("{error:#}"), "the fixity check could not run");
            return None;
        }
        Err(error) => {
            tracing::error!(%error, "the fixity check stopped");
            return None;
        }
    };
    for failure in &sources.failures {
        tracing::error!(
            source = failure.path,
            sha256 = failure.sha256,
            found = failure.found,
            records = failure.records.len(),
            "fixity: a stored source no longer matches its SHA-256"
        );
    }
    let copy = copy.unwrap_or_default();
    for failure in &copy.failures {
        tracing::error!(
            object = failure.object,
            problem = failure.message,
            "fixity: a file of the preservation copy no longer matches its inventory"
        );
    }
    let run = chancery_web::FixityRun {
        finished: OffsetDateTime::now_utc(),
        seconds: started.elapsed().as_secs_f64(),
        sources: sources.sources,
        source_failures: sources.failures.len() as u64,
        objects: copy.objects,
        copy_failures: copy.failures.len() as u64,
    };
    tracing::info!(
        sources = run.sources,
        objects = run.objects,
        failures = run.source_failures + run.copy_failures,
        seconds = run.seconds,
        "fixity check done"
    );
    Some(run)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// What `serve` was asked to do.
pub(crate) struct Options {
    pub(crate) addr: SocketAddr,
    pub(crate) base_url: Option<String>,
    pub(crate) demo: bool,
    pub(crate) admin_email: String,
    pub(crate) oai_page_size: u32,
    pub(crate) page_cache_bytes: usize,
    pub(crate) citation_memo_bytes: usize,
    pub(crate) max_connections: u32,
    pub(crate) fixity_every: Option<Duration>,
    pub(crate) fixity_first_after: Duration,
    /// Whether this node keeps the preservation copy in its data folder up to date.
    pub(crate) preservation_copy: bool,
}

pub(crate) async fn serve(data: &Path, options: Options) -> Result<()> {
    let Options {
        addr,
        base_url,
        demo,
        admin_email,
        oai_page_size,
        page_cache_bytes,
        citation_memo_bytes,
        max_connections,
        fixity_every,
        fixity_first_after,
        preservation_copy,
    } = options;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CHANCERY_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,tantivy=warn,sqlx=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let store = open_store_for_reading(data).await?;
    if demo && !store.is_read_only() && store.last_change().await? == 0 {
        load_demo(&store).await?;
    }
    if preservation_copy && !store.is_read_only() {
        // What a killed command left for the preservation copy (and the demo) is caught up, on a
        // blocking thread: an import holding the copy's lock must not delay serving.
        let (data, store) = (data.to_path_buf(), store.clone());
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || runtime.block_on(crate::data::preserve(&data, &store)));
    }
    let index = if store.is_read_only() {
        open_index(data, &store).await?
    } else {
        let index_dir = data.join("index");
        let index = chancery_search::SearchIndex::open(&index_dir)
            .with_context(|| format!("cannot open the search index in {}", index_dir.display()))?;
        // An import holding the index's lock is not waited for: the server follows it.
        match index.catch_up(&store, &mut |_| {}).await {
            // What a node started from a copied index (or after a stop) had to index, logged so
            // that an operator sees a snapshot was used rather than a full build.
            Ok(caught_up) => tracing::info!(
                indexed = caught_up.n_records,
                change = caught_up.seq,
                "the search index caught up with the store"
            ),
            Err(chancery_search::Error::Locked) => {}
            Err(error) => return Err(error.into()),
        }
        index
    };
    index.reload()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let base_url = base_url.unwrap_or_else(|| format!("http://{local}"));
    let mut config = chancery_web::Config::new(&base_url);
    config.admin_email = admin_email;
    config.oai_page_size = oai_page_size;
    config.page_cache_bytes = page_cache_bytes;
    config.citation_memo_bytes = citation_memo_bytes;
    config.max_connections = max_connections;
    let archive = chancery_web::Archive::new(store, index, config).await?;
    tokio::spawn(watch_preservation(
        data.to_path_buf(),
        archive.clone(),
        fixity_every,
        fixity_first_after,
        preservation_copy,
    ));
    tracing::info!(records = archive_count(&archive).await, "serving at {base_url}");
    eprintln!("Chancery is serving at {base_url}/ (Ctrl-C stops it)");
    chancery_web::serve(listener, archive, shutdown_signal()).await?;
    Ok(())
}

async fn archive_count(archive: &chancery_web::Shared) -> i64 {
    archive.count().await.unwrap_or(-1)
}
