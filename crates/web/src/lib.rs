//! The web face of Chancery: reading pages, faceted search, the JSON API, citations and
//! OAI-PMH, served by axum from one [`Archive`] (the store and its search index); and for
//! signed-in curators and API tokens, curation (`/curate`) and the write API.
//!
//! The public surfaces only read. Records are written by curators (through `/curate`, the write
//! API, or `chancery import` on the server), and a background task ([`follow`]) brings the
//! search index and the page cache up to date with the store's change sequence once a second,
//! whoever wrote to it.
//!
//! Every page is rendered by an askama template (HTML-escaped by default); the only HTML not
//! escaped by a template is built by [`html::markup`] (which escapes every text it is given) and by
//! `chancery_ingest::tei::to_html` (which builds its HTML from parsed TEI, escaping all text).

mod api;
mod assets;
mod auth;
mod cite;
mod clock;
mod collections;
mod curate;
mod error;
mod facets;
mod html;
mod imports;
mod network;
mod oai;
mod offices;
mod organizations;
mod parties;
mod people;
mod preservation;
mod related;
mod relations;
mod search;
mod security;
mod server;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use chancery_search::SearchIndex;
use chancery_store::Store;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

pub use crate::api::openapi_json;
pub use crate::auth::{
    MAX_FAILED_SIGN_INS_PER_ACCOUNT, MAX_FAILED_SIGN_INS_PER_ADDRESS, MAX_SIGN_IN_BYTES,
    SIGN_IN_WINDOW,
};
pub use crate::cite::CITATION_MEMO_BYTES;
pub use crate::clock::Clock;
pub use crate::curate::MAX_FORM_BYTES;
pub use crate::imports::{MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, source_files};
pub use crate::preservation::{FixityRun, Preservation};
pub use crate::server::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS, MAX_HEADER_BYTES, serve};

/// How the server presents itself.
#[derive(Debug, Clone)]
pub struct Config {
    /// The public base URL, without a trailing slash (`http://127.0.0.1:8080`): permalinks,
    /// canonical links, the sitemap and OAI-PMH use it.
    pub base_url: String,
    /// The archive's name, shown on every page and in OAI-PMH `Identify`.
    pub name: String,
    /// Where to write about the archive (OAI-PMH `adminEmail`).
    pub admin_email: String,
    /// How many records one OAI-PMH list response holds before it gives a resumption token.
    pub oai_page_size: u32,
    /// The most bytes of rendered, compressed pages to keep (0: render every request).
    pub page_cache_bytes: usize,
    /// The most bytes of citations to keep by record revision and access day, across store
    /// changes (see [`CITATION_MEMO_BYTES`]; 0: cite afresh on every page).
    pub citation_memo_bytes: usize,
    /// The most URLs one sitemap file lists (the protocol allows 50,000); past it `sitemap.xml`
    /// becomes an index.
    pub sitemap_urls: u32,
    /// Connections served at once (see [`MAX_CONNECTIONS`]).
    pub max_connections: u32,
    /// How long a client has to send a request's headers (see [`HEADER_READ_TIMEOUT`]).
    pub header_read_timeout: Duration,
    /// Where the current time comes from: the system's clock, or a fixed one in tests.
    pub clock: Clock,
}

impl Config {
    /// A configuration for a server at `base_url`.
    pub fn new(base_url: &str) -> Config {
        Config {
            base_url: base_url.trim_end_matches('/').to_string(),
            name: "Chancery".to_string(),
            admin_email: "archivist@example.org".to_string(),
            oai_page_size: 100,
            page_cache_bytes: 64 * 1024 * 1024,
            citation_memo_bytes: CITATION_MEMO_BYTES,
            sitemap_urls: 50_000,
            max_connections: MAX_CONNECTIONS,
            header_read_timeout: HEADER_READ_TIMEOUT,
            clock: Clock::system(),
        }
    }

    /// The host part of the base URL, for OAI identifiers (`oai:<host>:<id>`).
    pub(crate) fn host(&self) -> &str {
        let rest = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, r)| r);
        let host = rest.split('/').next().unwrap_or(rest);
        // OAI identifiers follow RFC 3986's host syntax: leave the port out.
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    }
}

/// What the server serves from: the store, its index, and caches derived from both.
pub struct Archive {
    pub(crate) store: Store,
    pub(crate) index: SearchIndex,
    pub(crate) config: Config,
    /// The store change the caches reflect.
    seen: AtomicI64,
    /// The persons the caches reflect (`Store::persons_version`).
    persons_seen: std::sync::Mutex<String>,
    /// What names are resolved against (`people::Lookup`), with the persons version it was read
    /// at: read again once persons or offices change.
    lookup: std::sync::Mutex<Option<(String, Arc<people::Lookup>)>>,
    /// Every record with correspondents, by party (`relations::Table`): built on the first
    /// relation asked for, then brought up to date from the change sequence.
    relations: tokio::sync::Mutex<Option<Arc<relations::Table>>>,
    /// Every collection by id, as of a store change (`generation`): what facet labels read.
    collections: std::sync::Mutex<Option<(i64, Arc<Collections>)>>,
    /// Rendered document pages, gzip-compressed, by access day and record id; emptied whenever
    /// the store changes.
    pages: RwLock<PageCache>,
    /// Cite boxes by record revision and access day, kept across store changes.
    cites: cite::CiteMemo,
    /// What the command line last reported of the preservation copy and fixity.
    preservation: std::sync::Mutex<Preservation>,
}

/// Every collection by id.
pub(crate) type Collections = HashMap<String, chancery_model::authority::Collection>;

/// The archive as the handlers share it.
pub type Shared = Arc<Archive>;

/// Rendered pages, compressed, within a byte budget.
#[derive(Default)]
struct PageCache {
    pages: HashMap<String, Bytes>,
    bytes: usize,
    /// The store change these pages reflect.
    generation: i64,
}

impl Archive {
    /// An archive over an opened store and index. The index should be caught up with the store
    /// first (see [`follow`] for later changes).
    pub async fn new(store: Store, index: SearchIndex, config: Config) -> Result<Shared, Error> {
        // Start from what the index has applied: if it is behind the store (another process
        // held its lock at startup), the first refresh catches it up.
        let seen = index.applied_seq()?.min(store.last_change().await?);
        let persons_seen = std::sync::Mutex::new(store.persons_version().await?);
        Ok(Arc::new(Archive {
            persons_seen,
            lookup: std::sync::Mutex::new(None),
            relations: tokio::sync::Mutex::new(None),
            collections: std::sync::Mutex::new(None),
            cites: cite::CiteMemo::new(config.citation_memo_bytes),
            store,
            index,
            config,
            seen: AtomicI64::new(seen),
            pages: RwLock::new(PageCache { generation: seen, ..PageCache::default() }),
            preservation: std::sync::Mutex::new(Preservation::default()),
        }))
    }

    /// The store the archive serves from.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What was last reported of the preservation copy and fixity.
    pub fn preservation(&self) -> Preservation {
        self.preservation.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Reports what the preservation copy and fixity are now (shown by `/api/v1/health`).
    pub fn report_preservation(&self, update: impl FnOnce(&mut Preservation)) {
        if let Ok(mut preservation) = self.preservation.lock() {
            update(&mut preservation);
        }
    }

    /// How many current records the store holds.
    pub async fn count(&self) -> Result<i64, Error> {
        Ok(self.store.count().await?)
    }

    /// The persons version the caches reflect (`Store::persons_version`).
    pub(crate) fn persons_version(&self) -> String {
        self.persons_seen.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// What names are resolved against, loaded once and kept until persons or offices change.
    pub(crate) async fn lookup(
        self: &Arc<Self>,
    ) -> Result<Arc<people::Lookup>, chancery_store::Error> {
        let version = self.persons_seen.lock().map(|v| v.clone()).unwrap_or_default();
        if let Some((at, lookup)) = self.lookup.lock().ok().and_then(|l| l.clone())
            && at == version
        {
            return Ok(lookup);
        }
        let lookup = Arc::new(people::Lookup::load(self).await?);
        if let Ok(mut kept) = self.lookup.lock() {
            *kept = Some((version, lookup.clone()));
        }
        Ok(lookup)
    }

    /// A cached page, gzip-compressed.
    pub(crate) fn cached_page(&self, key: &str) -> Option<Bytes> {
        self.pages.read().ok()?.pages.get(key).cloned()
    }

    /// The store change the cache reflects: take it before reading what a page shows, and give
    /// it back to [`Archive::cache_page`].
    /// Every collection by id, read once per store change.
    pub(crate) async fn collections(
        self: &Arc<Self>,
    ) -> Result<Arc<Collections>, chancery_store::Error> {
        let generation = self.generation();
        if let Some((at, kept)) = self.collections.lock().ok().and_then(|c| c.clone())
            && at == generation
        {
            return Ok(kept);
        }
        let all: Collections =
            self.store.collections().await?.into_iter().map(|c| (c.id.clone(), c)).collect();
        let all = Arc::new(all);
        if let Ok(mut kept) = self.collections.lock() {
            *kept = Some((generation, all.clone()));
        }
        Ok(all)
    }

    pub(crate) fn generation(&self) -> i64 {
        self.seen.load(Ordering::Acquire)
    }

    /// Keeps a gzip-compressed page rendered from the store as of `generation`; a page rendered
    /// before the store's latest change (a render that raced a refresh) is not kept.
    pub(crate) fn cache_page(&self, key: &str, gzipped: Bytes, generation: i64) {
        if let Ok(mut cache) = self.pages.write() {
            if gzipped.len() > self.config.page_cache_bytes || cache.generation != generation {
                return;
            }
            // Past the budget the cache starts over. A FRUS page of 25 KiB compresses to about
            // 7 KiB, so the default 64 MiB holds some ten thousand pages.
            if cache.bytes + gzipped.len() > self.config.page_cache_bytes {
                *cache = PageCache { generation, ..PageCache::default() };
            }
            cache.bytes += gzipped.len();
            if let Some(old) = cache.pages.insert(key.to_string(), gzipped) {
                cache.bytes -= old.len();
            }
        }
    }

    /// Brings the index and caches up to date with the store; returns whether anything changed.
    pub async fn refresh(&self) -> Result<bool, Error> {
        let last = self.store.last_change().await?;
        let persons = self.store.persons_version().await?;
        let persons_changed = match self.persons_seen.lock() {
            Ok(mut seen) if *seen != persons => {
                *seen = persons;
                true
            }
            _ => false,
        };
        if last == self.seen.load(Ordering::Acquire) {
            // Persons changed (an import of persons, a curator's decision): pages name them.
            if persons_changed && let Ok(mut cache) = self.pages.write() {
                *cache = PageCache { generation: last, ..PageCache::default() };
            }
            return Ok(persons_changed);
        }
        // A read-only index cannot be caught up here; it shows what its writer has committed.
        let catch_up = if self.index.is_read_only() || self.store.is_read_only() {
            Ok(chancery_search::CatchUp::default())
        } else {
            self.index.catch_up(&self.store, &mut |_| {}).await
        };
        match catch_up {
            Ok(caught_up) if caught_up.n_records > 0 => {
                tracing::info!(records = caught_up.n_records, seq = caught_up.seq, "indexed");
            }
            Ok(_) => {}
            // Another process (an import) is writing the index: leave `seen` behind, so that
            // the next tick tries again and reloads once that process has committed.
            Err(chancery_search::Error::Locked) => return Ok(false),
            Err(error) => return Err(error.into()),
        }
        self.index.reload()?;
        if let Ok(mut cache) = self.pages.write() {
            *cache = PageCache { generation: last, ..PageCache::default() };
            self.seen.store(last, Ordering::Release);
        }
        Ok(true)
    }
}

/// Keeps the archive in step with its store until the process ends.
pub async fn follow(archive: Shared, period: Duration) {
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = archive.refresh().await {
            tracing::warn!(%error, "cannot follow the store");
        }
    }
}

/// What can stop the server from starting or serving.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] chancery_store::Error),
    /// The index failed.
    #[error(transparent)]
    Search(#[from] chancery_search::Error),
    /// The address could not be bound or the connection loop failed.
    #[error("cannot serve on {addr}: {source}")]
    Serve {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

/// The largest request body the public routes accept (an OAI-PMH POST); curators' forms and the
/// write API take up to [`MAX_FORM_BYTES`], imports up to [`MAX_UPLOAD_BYTES`].
const MAX_BODY_BYTES: usize = 16 * 1024;
/// The longest a request may take before the server gives up on it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Every route of the site and the API.
pub fn router(archive: Shared) -> Router {
    Router::new()
        .route("/", get(html::home::home))
        .route("/search", get(html::search::search_page))
        .route("/search/advanced", get(html::advanced::form))
        .route("/search/facets/{key}", get(html::search::facet_page))
        .route("/records/{*id}", get(html::document::document))
        .route("/collections", get(html::collections::list))
        .route("/collections/{*id}", get(html::collections::show))
        .route("/countries", get(html::countries::list))
        .route("/countries/{id}", get(html::countries::show))
        .route("/organizations", get(html::organizations::list))
        .route("/organizations/{id}", get(html::organizations::show))
        .route("/relations/{a}/{b}", get(html::relations::show))
        .route("/network", get(html::network::show))
        .route("/people", get(html::people::index))
        .route("/people/{id}", get(html::people::show))
        .route("/about", get(html::site::about))
        .route("/robots.txt", get(html::site::robots))
        .route("/sitemap.xml", get(html::site::sitemap))
        .route("/sitemaps/{name}", get(html::site::sitemap_part))
        .route("/static/{name}", get(assets::serve))
        .route("/oai", get(oai::handle).post(oai::handle_post))
        .route("/health", get(api::health))
        .nest("/api/v1", api::routes())
        .nest("/curate", curate::routes())
        .fallback(html::site::not_found)
        .layer(axum::middleware::from_fn(security::headers))
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // The hard bound on every body, whatever reads it; routes that read bodies set their own
        // smaller limits above.
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        .with_state(archive)
}
