//! The search index on disk (or in memory): opening, the applied change sequence number, and
//! writers.

use std::path::Path;

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::analysis::{Analyzer, ChanceryTokenizer};
use crate::schema::{self, Fields};
use crate::{Error, Result};

/// The prefix of the commit payload that records which store change the index has applied.
const PAYLOAD_PREFIX: &str = "chancery-index/1 seq=";

/// A Chancery search index: derived from the store, rebuilt from it at will.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if needed. An index written with another schema
    /// (an older Chancery) is deleted and recreated empty: it is derived data, and the next
    /// catch-up rebuilds it from the store.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        let (schema, fields) = schema::build();
        std::fs::create_dir_all(dir)
            .map_err(|source| Error::Io { path: dir.display().to_string(), source })?;
        let directory = MmapDirectory::open(dir).map_err(|e| Error::Index(e.into()))?;
        let index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) => index,
            Err(tantivy::TantivyError::SchemaError(_)) => {
                std::fs::remove_dir_all(dir)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|source| Error::Io { path: dir.display().to_string(), source })?;
                Index::create_in_dir(dir, schema)?
            }
            Err(error) => return Err(error.into()),
        };
        SearchIndex::ready(index, fields)
    }

    /// A fresh index in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema::build();
        SearchIndex::ready(Index::create_in_ram(schema), fields)
    }

    fn ready(index: Index, fields: Fields) -> Result<SearchIndex> {
        for analyzer in Analyzer::all() {
            index
                .tokenizers()
                .register(&analyzer.tokenizer_name(), ChanceryTokenizer::new(analyzer));
        }
        // The document store holds only ids, titles and dates (texts come from the store), so
        // a few hundred cached blocks keep all of it in memory for a large archive.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(512)
            .try_into()?;
        Ok(SearchIndex { index, fields, reader })
    }

    /// The last store change the index has applied (0 for a new index).
    pub fn applied_seq(&self) -> Result<i64> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.strip_prefix(PAYLOAD_PREFIX))
            .and_then(|seq| seq.parse().ok())
            .unwrap_or(0))
    }

    /// How many records the index holds (as of the last reload).
    pub fn num_records(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Makes committed changes visible to searches.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    pub(crate) fn writer(
        &self,
        n_threads: usize,
        heap_bytes: usize,
    ) -> Result<IndexWriter<TantivyDocument>> {
        match self.index.writer_with_num_threads(n_threads, heap_bytes) {
            Ok(writer) => Ok(writer),
            Err(tantivy::TantivyError::LockFailure(..)) => Err(Error::Locked),
            Err(error) => Err(error.into()),
        }
    }

    /// Merges every segment into one: after a full rebuild, so that each query term is looked up
    /// once rather than once per segment. The commit payload is kept.
    pub(crate) fn merge_all(&self, writer: &mut IndexWriter<TantivyDocument>) -> Result<()> {
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            writer.merge(&ids).wait()?;
        }
        self.reload()
    }

    /// Commits a writer's work together with the store change it brings the index up to.
    pub(crate) fn commit(&self, writer: &mut IndexWriter<TantivyDocument>, seq: i64) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("{PAYLOAD_PREFIX}{seq}"));
        prepared.commit()?;
        self.reload()
    }
}
