//! What the whole index holds by year, language and kind — the home page's counts — kept per
//! segment and brought up to date by what changed since, not counted afresh over every record.
//!
//! A tantivy segment never changes once written: a write adds new segments and marks documents
//! of old ones deleted; a merge replaces segments by one. So a segment is counted once, when a
//! searcher first shows it; afterwards only the documents it has lost since (its alive set then
//! and now compared) are taken off its counts, and a segment merged away is forgotten. One
//! record changed costs counting a one-document segment and taking a document off an old one; an
//! index written by another process (an import) is followed the same way when the reader
//! reloads.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::fastfield::{AliveBitSet, FacetReader};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, SegmentReader};

use crate::Result;
use crate::index::SearchIndex;
use crate::schema::FacetName;
use crate::search::FacetCounts;

/// The facets a summary counts, in this order in [`Summary::facets`].
pub const SUMMARY_FACETS: [FacetName; 3] = [FacetName::Year, FacetName::Language, FacetName::Type];

/// What the index holds, as of one searcher generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// How many records.
    pub total: u64,
    /// Every value of each of [`SUMMARY_FACETS`] with its number of records: years in order, the
    /// others most frequent first.
    pub facets: Vec<FacetCounts>,
}

/// Counts per segment, and the summary of the last searcher generation asked about.
#[derive(Default)]
pub(crate) struct SummaryMemo {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The searcher generation `summary` is of.
    generation: Option<u64>,
    summary: Option<Arc<Summary>>,
    segments: HashMap<SegmentId, Tally>,
}

/// One segment's counts: per facet of [`SUMMARY_FACETS`], the number of alive documents with
/// each facet ordinal, and the alive set they were counted against (`None`: all).
struct Tally {
    alive: Option<AliveBitSet>,
    counts: Vec<Vec<u64>>,
}

impl Tally {
    /// Counts every alive document of a segment.
    fn count(segment: &SegmentReader, facets: &[FacetReader]) -> Tally {
        let mut counts: Vec<Vec<u64>> = facets.iter().map(|f| vec![0; f.num_facets()]).collect();
        for doc in segment.doc_ids_alive() {
            add(&mut counts, facets, doc, true);
        }
        Tally { alive: segment.alive_bitset().cloned(), counts }
    }

    /// Takes off the documents the segment has lost since it was counted.
    fn catch_up(&mut self, segment: &SegmentReader, facets: &[FacetReader]) {
        let before = self.alive.as_ref().map_or(segment.max_doc() as usize, |a| a.num_alive_docs());
        if before == segment.num_docs() as usize {
            return;
        }
        for doc in 0..segment.max_doc() {
            let was_alive = self.alive.as_ref().is_none_or(|a| a.is_alive(doc));
            if was_alive && segment.is_deleted(doc) {
                add(&mut self.counts, facets, doc, false);
            }
        }
        self.alive = segment.alive_bitset().cloned();
    }
}

/// Adds a document's facet values to the counts, or takes them off.
fn add(counts: &mut [Vec<u64>], facets: &[FacetReader], doc: DocId, on: bool) {
    for (counts, facet) in counts.iter_mut().zip(facets) {
        for ord in facet.facet_ords(doc) {
            if let Some(n) = counts.get_mut(ord as usize) {
                *n = if on { *n + 1 } else { n.saturating_sub(1) };
            }
        }
    }
}

impl SearchIndex {
    /// What the index holds by year, language and kind, as of the reader's searcher: counted
    /// once per segment and kept up to date from what changed (see the module's account).
    pub fn summary(&self) -> Result<Arc<Summary>> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        // The state is whole after every step a panic could stop, so a poisoned lock is still good.
        let mut state =
            self.summary.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.generation == Some(generation)
            && let Some(summary) = &state.summary
        {
            return Ok(summary.clone());
        }
        let mut values: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); SUMMARY_FACETS.len()];
        let mut segments = HashMap::new();
        let mut facet = Facet::root();
        for segment in searcher.segment_readers() {
            let readers = SUMMARY_FACETS
                .iter()
                .map(|&name| {
                    let field = searcher.schema().get_field_name(self.fields.facet(name));
                    segment.facet_reader(field)
                })
                .collect::<tantivy::Result<Vec<_>>>()?;
            let id = segment.segment_id();
            let tally = match state.segments.remove(&id) {
                Some(mut tally) => {
                    tally.catch_up(segment, &readers);
                    tally
                }
                None => Tally::count(segment, &readers),
            };
            for ((counts, reader), values) in tally.counts.iter().zip(&readers).zip(&mut values) {
                for (ord, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                    reader.facet_from_ord(ord as u64, &mut facet)?;
                    let value = facet.to_path().first().copied().unwrap_or_default();
                    *values.entry(value.to_string()).or_default() += n;
                }
            }
            segments.insert(id, tally);
        }
        let facets = SUMMARY_FACETS
            .iter()
            .zip(values)
            .map(|(&name, values)| {
                let mut values: Vec<(String, u64)> = values.into_iter().collect();
                if name != FacetName::Year {
                    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                }
                let distinct = values.len();
                FacetCounts { name, values, distinct }
            })
            .collect();
        let summary = Arc::new(Summary { total: searcher.num_docs(), facets });
        *state = State { generation: Some(generation), summary: Some(summary.clone()), segments };
        Ok(summary)
    }
}
