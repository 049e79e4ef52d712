//! `chancery serve`: the web site, the JSON API and OAI-PMH over the data folder.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};
use chancery_ingest::Source;
use chancery_store::Store;
use time::OffsetDateTime;

use crate::data::{open_index, open_store_for_reading, source_files};

/// The demo record, loaded into an empty store so that a fresh clone shows something.
const DEMO_PATH: &str = "demo/000_5e4392f9da7ebfc5.txt";
const DEMO: &[u8] = include_bytes!("../../../demo/000_5e4392f9da7ebfc5.txt");

async fn load_demo(store: &Store) -> Result<()> {
    let now = OffsetDateTime::now_utc();
    let parsed = chancery_ingest::parse(&Source { path: DEMO_PATH, bytes: DEMO, imported_at: now });
    anyhow::ensure!(!parsed.has_errors(), "the built-in demo record does not parse");
    let sources = source_files(&parsed, DEMO_PATH, DEMO.to_vec());
    store.import(&parsed.records, &sources, now).await?;
    tracing::info!("the store was empty: loaded the demo record");
    Ok(())
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
    pub(crate) max_connections: u32,
}

pub(crate) async fn serve(data: &Path, options: Options) -> Result<()> {
    let Options {
        addr,
        base_url,
        demo,
        admin_email,
        oai_page_size,
        page_cache_bytes,
        max_connections,
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
    let index = if store.is_read_only() {
        open_index(data, &store).await?
    } else {
        let index_dir = data.join("index");
        let index = chancery_search::SearchIndex::open(&index_dir)
            .with_context(|| format!("cannot open the search index in {}", index_dir.display()))?;
        // An import holding the index's lock is not waited for: the server follows it.
        match index.catch_up(&store, &mut |_| {}).await {
            Ok(_) | Err(chancery_search::Error::Locked) => {}
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
    config.max_connections = max_connections;
    let archive = chancery_web::Archive::new(store, index, config).await?;
    tracing::info!(records = archive_count(&archive).await, "serving at {base_url}");
    eprintln!("Chancery is serving at {base_url}/ (Ctrl-C stops it)");
    chancery_web::serve(listener, archive, shutdown_signal()).await?;
    Ok(())
}

async fn archive_count(archive: &chancery_web::Shared) -> i64 {
    archive.count().await.unwrap_or(-1)
}
