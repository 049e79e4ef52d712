//! Chancery's search index: a tantivy index derived from the store.
//!
//! - [`analysis`]: how text becomes terms (exact, folded across scripts, romanization skeleton,
//!   stemmed), with the transliteration rules;
//! - [`query`]: the query language and its parser;
//! - [`SearchIndex`] (in `index`): the index on disk; `search` runs requests (ranking, filters,
//!   facets, snippets, known items); `sync` follows the store's change sequence, rebuilds from
//!   scratch, and checks agreement.
//!
//! The store is the only source of truth: the index can be deleted at any time and rebuilt with
//! [`SearchIndex::reindex`].

pub mod analysis;
mod document;
mod expand;
mod facet_count;
mod index;
mod known;
pub mod query;
mod related;
mod schema;
mod search;
mod summary;
mod sync;
mod words;

pub use expand::{MAX_EXPANSION_SCAN, MAX_EXPANSIONS, SUGGEST_BELOW};
pub use index::{SearchIndex, register_tokenizers};
pub use related::{Related, Relation};
pub use schema::FacetName;
pub use search::{
    FacetCounts, Highlighter, Hit, MAX_FACET_VALUES, MAX_LIMIT, MAX_OFFSET, MatchMode,
    SearchRequest, SearchResults, Snippet, Sort,
};
pub use summary::{SUMMARY_FACETS, Summary};
pub use sync::{Agreement, CatchUp, Progress};

/// Everything that can go wrong in search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// tantivy failed.
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The store failed while the index read from it.
    #[error(transparent)]
    Store(#[from] chancery_store::Error),
    /// The index folder could not be created or cleared.
    #[error("cannot use the index folder {path}: {source}")]
    Io {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Another process (a running server) holds the index's write lock.
    #[error(
        "the search index is being written by another Chancery process (an import, or a running server)"
    )]
    Locked,
    /// The index was opened read-only and was asked to write.
    #[error("the search index is open read-only (the data folder cannot be written)")]
    ReadOnly,
    /// A request outside the limits.
    #[error("{0}")]
    Request(String),
}

/// The search result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
