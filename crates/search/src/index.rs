//! The search index on disk (or in memory): opening, the applied change sequence number, and
//! writers.

use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

use crate::analysis::{Analyzer, ChanceryTokenizer};
use crate::document::IndexDocument;
use crate::schema::{self, Fields};
use crate::search::Vocabulary;
use crate::{Error, Result};

/// The prefix of the commit payload that records which store change the index has applied. Its
/// version changes when what the index holds for a record changes in a way a catch-up cannot
/// mend (version 2: records may have new ids, store schema 4; version 3: source notes and
/// participants are indexed; version 4: archives and collections counted by identity, edition
/// order; version 5: cross-references; version 6: edition citations; version 7: the words field; version 8: titles and texts only in it): an index with another version is rebuilt from the store.
const PAYLOAD_PREFIX: &str = "chancery-index/8 seq=";
/// The smallest indexing budget tantivy takes for a writer's thread (used for a writer that
/// only collects files).
const MIN_WRITER_HEAP: usize = 15_000_000;

/// A Chancery search index: derived from the store, rebuilt from it at will.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    read_only: bool,
    /// What decides which terms a query word is looked up by, and the searcher generation it
    /// was read from.
    pub(crate) vocabulary: std::sync::Mutex<Option<(u64, Vocabulary)>>,
    /// Counts by year, language and kind per segment (`SearchIndex::summary`).
    pub(crate) summary: crate::summary::SummaryMemo,
    /// Each segment's facet ordinals per document, read once (`facet_count`).
    pub(crate) facet_ords: crate::facet_count::OrdsCache,
}

/// Registers every tokenizer the index's fields name with a tantivy index (for tools that open
/// the index folder with tantivy itself).
pub fn register_tokenizers(index: &Index) {
    for analyzer in Analyzer::all() {
        index.tokenizers().register(&analyzer.tokenizer_name(), ChanceryTokenizer::new(analyzer));
    }
    index.tokenizers().register(crate::words::TOKENIZER, crate::words::WordsTokenizer::default());
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
        let outdated = |index: &Index| {
            index.load_metas().is_ok_and(|metas| {
                metas.payload.as_deref().is_some_and(|p| !p.starts_with(PAYLOAD_PREFIX))
            })
        };
        let index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) if !outdated(&index) => index,
            Ok(_) | Err(tantivy::TantivyError::SchemaError(_)) => {
                std::fs::remove_dir_all(dir)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|source| Error::Io { path: dir.display().to_string(), source })?;
                Index::create_in_dir(dir, schema)?
            }
            Err(error) => return Err(error.into()),
        };
        let index = SearchIndex::ready(index, fields, false)?;
        index.collect_orphans()?;
        Ok(index)
    }

    /// Deletes the files of segments no commit uses: what a writer killed half-way (a reindex
    /// stopped with `kill -9`) left behind. They are found without a writer; only when there are
    /// some is the write lock taken to delete them (and if another process holds it, that
    /// process's next commit collects them).
    fn collect_orphans(&self) -> Result<()> {
        let living: std::collections::HashSet<String> =
            self.index.searchable_segment_ids()?.iter().map(|id| id.uuid_string()).collect();
        let orphaned = self.index.directory().list_managed_files().iter().any(|path| {
            let name = path.to_string_lossy();
            let stem = name.split('.').next().unwrap_or_default();
            stem.len() == 32
                && stem.bytes().all(|b| b.is_ascii_hexdigit())
                && !living.contains(stem)
        });
        if !orphaned {
            return Ok(());
        }
        match self.writer(1, MIN_WRITER_HEAP) {
            // Creating the writer collected them.
            Ok(_) | Err(Error::Locked) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Opens the index in a folder that cannot be written (read-only media, another user's
    /// data folder): searches work, catch-ups and rebuilds are refused with
    /// [`Error::ReadOnly`]. `None` when there is no index of this schema there.
    pub fn open_read_only(dir: &Path) -> Result<Option<SearchIndex>> {
        if !dir.join("meta.json").is_file() {
            return Ok(None);
        }
        let (schema, fields) = schema::build();
        let directory =
            ReadOnlyDirectory(MmapDirectory::open(dir).map_err(|e| Error::Index(e.into()))?);
        let index = match Index::open(directory) {
            Ok(index)
                if index.schema() == schema
                    && index
                        .load_metas()?
                        .payload
                        .as_deref()
                        .is_none_or(|p| p.starts_with(PAYLOAD_PREFIX)) =>
            {
                index
            }
            Ok(_) | Err(tantivy::TantivyError::SchemaError(_)) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        SearchIndex::ready(index, fields, true).map(Some)
    }

    /// A fresh index in memory, for tests and benchmarks (and for searching a read-only data
    /// folder that has no index).
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema::build();
        SearchIndex::ready(Index::create_in_ram(schema), fields, false)
    }

    /// Whether the index was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn ready(index: Index, fields: Fields, read_only: bool) -> Result<SearchIndex> {
        register_tokenizers(&index);
        // The document store holds only ids, titles and dates (texts come from the store), so
        // a few hundred cached blocks keep all of it in memory for a large archive.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(512)
            .try_into()?;
        Ok(SearchIndex {
            index,
            fields,
            reader,
            read_only,
            vocabulary: Default::default(),
            summary: Default::default(),
            facet_ords: Default::default(),
        })
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
    ) -> Result<IndexWriter<IndexDocument>> {
        if self.read_only {
            return Err(Error::ReadOnly);
        }
        let writer = match self.index.writer_with_num_threads(n_threads, heap_bytes) {
            Ok(writer) => writer,
            Err(tantivy::TantivyError::LockFailure(..)) => return Err(Error::Locked),
            Err(error) => return Err(error.into()),
        };
        // Files a killed writer left behind (a reindex stopped half-way) are registered as the
        // index's own but used by no commit: with the writer lock held they can go.
        writer.garbage_collect_files().wait()?;
        Ok(writer)
    }

    /// Merges every segment into one: after a full rebuild, so that each query term is looked up
    /// once rather than once per segment. The commit payload is kept.
    pub(crate) fn merge_all(&self, writer: &mut IndexWriter<IndexDocument>) -> Result<()> {
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            writer.merge(&ids).wait()?;
        }
        self.reload()
    }

    /// Commits a writer's work together with the store change it brings the index up to.
    pub(crate) fn commit(&self, writer: &mut IndexWriter<IndexDocument>, seq: i64) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("{PAYLOAD_PREFIX}{seq}"));
        prepared.commit()?;
        self.reload()
    }
}

/// A directory that serves reads and refuses writes: the reader's meta lock, which only keeps a
/// writer's garbage collection away, is not taken, since no writer can run here.
#[derive(Debug, Clone)]
struct ReadOnlyDirectory(MmapDirectory);

fn read_only_error(path: &Path) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        format!("the index is open read-only: {} cannot be written", path.display()),
    )
}

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only_error(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only_error(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> std::io::Result<()> {
        Err(read_only_error(path))
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}
