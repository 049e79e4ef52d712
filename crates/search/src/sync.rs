//! Keeping the index in step with the store, which is the only source of truth.
//!
//! The index records, in the payload of each commit, the last store change it has applied. A
//! catch-up reads the changes after it, re-indexes or removes the records they name, and commits
//! with the new number, atomically. Whatever stops a process (a crash, `kill -9`), the index is
//! either at its previous commit or at the new one, and the next catch-up resumes from there, so
//! the store and the index always come back into agreement.

use std::collections::BTreeSet;

use chancery_model::id::RecordId;
use chancery_store::{Store, StoredRecord};
use tantivy::{IndexWriter, Term};

use crate::Result;
use crate::document::IndexDocument;
use crate::index::SearchIndex;

/// Records fetched from the store per round.
const BATCH: u32 = 500;
/// Indexing memory for a catch-up or a reindex, in bytes (split between the threads).
const WRITER_HEAP: usize = 128 * 1024 * 1024;

/// Progress of a long operation: done out of total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Records processed so far.
    pub done: u64,
    /// Records to process in all (an estimate for catch-ups).
    pub total: u64,
}

/// What a catch-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CatchUp {
    /// Records (re)indexed or removed.
    pub n_records: u64,
    /// The store change the index is now at.
    pub seq: i64,
}

impl SearchIndex {
    /// Applies every store change the index has not seen yet. Returns quickly when there is none.
    pub async fn catch_up(
        &self,
        store: &Store,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<CatchUp> {
        let applied = self.applied_seq()?;
        let last = store.last_change().await?;
        if last <= applied {
            return Ok(CatchUp { n_records: 0, seq: applied });
        }
        let mut ids = BTreeSet::new();
        let mut seq = applied;
        loop {
            let changes = store.changes_after(seq, 10_000).await?;
            let Some(newest) = changes.last() else { break };
            seq = newest.seq;
            ids.extend(changes.into_iter().map(|c| c.record_id));
        }
        let total = ids.len() as u64;
        // A large catch-up (a bulk import) is worth every core; a small one is not worth the
        // extra segments. Merging the whole index into one segment rewrites all of it, so it is
        // done only when this catch-up at least doubles the index: the rewrites then add up to
        // less than twice the records ever indexed. Otherwise tantivy's log merge policy keeps
        // the segments few (a 10,000-record import into a 300,000-record index used to rewrite
        // all 310,000, and each import was slower and larger than the one before).
        let held = self.reader.searcher().num_docs();
        let bulk = total > 1000;
        let merge_everything = bulk && total >= held;
        let mut writer = if merge_everything {
            self.bulk_writer()?
        } else if bulk {
            self.parallel_writer()?
        } else {
            self.writer(1, WRITER_HEAP / 2)?
        };
        let mut done = 0;
        for id in &ids {
            writer.delete_term(Term::from_field_text(self.fields.id, id.as_str()));
            if let Some(stored) = store.get(id).await? {
                writer.add_document(self.fields.document(&stored))?;
            }
            done += 1;
            if done % u64::from(BATCH) == 0 {
                progress(Progress { done, total });
            }
        }
        if merge_everything {
            self.finish_bulk(writer, seq)?;
        } else {
            self.commit(&mut writer, seq)?;
            writer.wait_merging_threads()?;
        }
        progress(Progress { done, total });
        Ok(CatchUp { n_records: done, seq })
    }

    /// Rebuilds the whole index from the store in one commit: until it commits, searches (and a
    /// crash) see the old index.
    pub async fn reindex(
        &self,
        store: &Store,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<u64> {
        let seq = store.last_change().await?;
        let total = store.count().await? as u64;
        let writer = self.bulk_writer()?;
        writer.delete_all_documents()?;
        let mut after: Option<RecordId> = None;
        let mut done = 0;
        progress(Progress { done, total });
        loop {
            let page = store.records_after(after.as_ref(), BATCH).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.record.id.clone());
            for stored in &page {
                writer.add_document(self.fields.document(stored))?;
            }
            done += page.len() as u64;
            progress(Progress { done, total });
        }
        // Changes made while we read are applied by the next catch-up: we commit the sequence
        // number read before the first page.
        self.finish_bulk(writer, seq)?;
        Ok(done)
    }

    /// Replaces the whole index with these records in one commit, marking it as up to date with
    /// store change `seq`: what [`SearchIndex::reindex`] does, for records that are already in
    /// memory (benchmarks, tools). Returns how many were indexed.
    pub fn rebuild_from(
        &self,
        records: impl IntoIterator<Item = StoredRecord>,
        seq: i64,
    ) -> Result<u64> {
        let writer = self.bulk_writer()?;
        writer.delete_all_documents()?;
        let mut n_records = 0;
        for stored in records {
            writer.add_document(self.fields.document(&stored))?;
            n_records += 1;
        }
        self.finish_bulk(writer, seq)?;
        Ok(n_records)
    }

    /// A writer for a large job: every core (up to four) and the full indexing budget. It merges
    /// nothing in the background: [`Self::finish_bulk`] merges every segment into one, and a
    /// background merge of some of them, finishing meanwhile, would take those segments from under
    /// it (at 300,000 records a reindex failed so: "the segments that were merged could not be
    /// found").
    fn bulk_writer(&self) -> Result<IndexWriter<IndexDocument>> {
        let writer = self.parallel_writer()?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(writer)
    }

    /// A writer with every core (up to four) and the full indexing budget, merging segments in
    /// the background by tantivy's default (log) merge policy.
    fn parallel_writer(&self) -> Result<IndexWriter<IndexDocument>> {
        let n_threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        self.writer(n_threads, WRITER_HEAP)
    }

    /// Ends a large job: commits with the store change it reaches, then merges what the threads
    /// wrote into one segment.
    fn finish_bulk(&self, mut writer: IndexWriter<IndexDocument>, seq: i64) -> Result<()> {
        self.commit(&mut writer, seq)?;
        self.merge_all(&mut writer)?;
        writer.wait_merging_threads()?;
        Ok(())
    }

    /// Compares the index with the store: every current record indexed at its current revision,
    /// nothing else indexed.
    pub async fn check(&self, store: &Store) -> Result<Agreement> {
        use tantivy::schema::Value;
        let searcher = self.reader.searcher();
        let mut indexed = std::collections::BTreeMap::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            for doc_id in 0..segment.max_doc() {
                if alive.is_some_and(|bits| !bits.is_alive(doc_id)) {
                    continue;
                }
                let address = tantivy::DocAddress::new(segment_ord as u32, doc_id);
                let doc: tantivy::TantivyDocument = searcher.doc(address)?;
                let id = doc
                    .get_first(self.fields.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                let revision =
                    doc.get_first(self.fields.revision).and_then(|v| v.as_i64()).unwrap_or(-1);
                if indexed.insert(id.clone(), revision).is_some() {
                    return Ok(Agreement { problems: vec![format!("`{id}` is indexed twice")] });
                }
            }
        }
        let mut problems = Vec::new();
        let mut after: Option<RecordId> = None;
        loop {
            let page = store.records_after(after.as_ref(), BATCH).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.record.id.clone());
            for stored in page {
                match indexed.remove(stored.record.id.as_str()) {
                    None => {
                        problems.push(format!("`{}` is stored but not indexed", stored.record.id))
                    }
                    Some(revision) if revision != stored.revision => problems.push(format!(
                        "`{}` is indexed at revision {revision} but stored at {}",
                        stored.record.id, stored.revision
                    )),
                    Some(_) => {}
                }
            }
        }
        problems.extend(indexed.keys().map(|id| format!("`{id}` is indexed but not stored")));
        Ok(Agreement { problems })
    }
}

/// The result of [`SearchIndex::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    /// Every disagreement found; empty when index and store agree.
    pub problems: Vec<String>,
}
