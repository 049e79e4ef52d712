//! Counting a facet's values over a search's matches.
//!
//! Every facet Chancery indexes is one level deep (`/value`), so a segment's facet ordinals are
//! its values: a match adds one to the count of each ordinal it has, and only the ordinals that
//! were counted are turned into values, in one pass over the segment's facet dictionary.
//! tantivy's own `FacetCollector` (which handles any depth) maps every ordinal of the dictionary
//! to its child of the asked facet when a segment starts — a pass over all the values for every
//! facet of every search, however few records match — and then looks each counted ordinal up
//! on its own; on the FRUS corpus those two steps were about a seventh of a search page.
//!
//! A search counts every facet over every match, so what a match costs is what makes a search
//! of a large archive slow: at a million records, reading each match's ordinals out of tantivy's
//! columns (a compressed column of where each document's values start, then the values) was
//! more than half of a search. A segment never changes once written, so its documents'
//! ordinals are read out once, the first time a search counts that facet in that segment, into
//! plain arrays kept beside the reader ([`OrdsCache`]); a match then costs an array read and an
//! add per facet. The arrays take 4 bytes per document and facet (and 4 more per value of a
//! document with several), about 40 MB for a million records' eight facets, and are dropped
//! when their segment is merged away.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// A segment's facet ordinals for each of its documents, read out of the index once. Each
/// document's ordinals are distinct (a value a record has twice counts once).
pub(crate) struct SegmentOrds {
    /// Where each document's ordinals start in `ords` (one entry more than documents); empty
    /// when no document has more than one, and then `ords[doc]` is the document's ordinal or
    /// [`NO_ORD`].
    starts: Vec<u32>,
    ords: Vec<u32>,
}

/// A document without a value, where every document has at most one.
const NO_ORD: u32 = u32::MAX;

impl SegmentOrds {
    /// Reads the ordinals of every document of a segment, deleted ones too (a match never is).
    fn read(reader: &FacetReader, max_doc: DocId) -> SegmentOrds {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ords = Vec::with_capacity(max_doc as usize);
        let mut several = false;
        for doc in 0..max_doc {
            starts.push(ords.len() as u32);
            let first = ords.len();
            // A document's ordinals come sorted: a repeated one is a value it has twice.
            for ord in reader.facet_ords(doc) {
                let Ok(ord) = u32::try_from(ord) else { continue };
                if ord != NO_ORD && (ords.len() == first || ords.last() != Some(&ord)) {
                    ords.push(ord);
                }
            }
            several |= ords.len() - first > 1;
        }
        starts.push(ords.len() as u32);
        if several {
            return SegmentOrds { starts, ords };
        }
        let single = starts
            .windows(2)
            .map(|w| if w[1] > w[0] { ords[w[0] as usize] } else { NO_ORD })
            .collect();
        SegmentOrds { starts: Vec::new(), ords: single }
    }

    /// Adds one to the count of each of a document's ordinals.
    #[inline]
    fn count(&self, doc: DocId, counts: &mut [u64]) {
        let doc = doc as usize;
        if self.starts.is_empty() {
            if let Some(&ord) = self.ords.get(doc)
                && let Some(count) = counts.get_mut(ord as usize)
            {
                *count += 1;
            }
            return;
        }
        let (Some(&start), Some(&end)) = (self.starts.get(doc), self.starts.get(doc + 1)) else {
            return;
        };
        for &ord in self.ords.get(start as usize..end as usize).unwrap_or_default() {
            if let Some(count) = counts.get_mut(ord as usize) {
                *count += 1;
            }
        }
    }
}

/// The ordinal arrays of the segments searches have counted facets in, by segment and facet
/// field; each read once, however many searches ask for it at the same time.
#[derive(Default)]
pub(crate) struct OrdsCache {
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    /// The newest searcher generation whose segments the cache was brought down to: a search
    /// still on an older searcher must not drop what the newer ones read.
    generation: Option<u64>,
    slots: HashMap<(SegmentId, Field), Slot>,
}

/// One segment's arrays for one field: empty until the first search that needs them reads them.
type Slot = Arc<OnceLock<Arc<SegmentOrds>>>;

impl OrdsCache {
    /// The ordinal arrays of one facet field in one segment, read now if no search has yet.
    fn get(&self, segment: &SegmentReader, field: Field, reader: &FacetReader) -> Arc<SegmentOrds> {
        let slot = {
            // Every step under the lock leaves the map whole, so a poisoned lock is still good.
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.slots.entry((segment.segment_id(), field)).or_default().clone()
        };
        // Outside the lock: other segments' arrays are read meanwhile; a search that asks for
        // this one waits for it rather than reading it again.
        slot.get_or_init(|| Arc::new(SegmentOrds::read(reader, segment.max_doc()))).clone()
    }

    /// Forgets the arrays of segments not in `living`, the segments of searcher generation
    /// `generation` (merged away, or of an index rebuilt) — unless a newer generation was seen.
    pub(crate) fn keep_only(&self, generation: u64, living: &HashSet<SegmentId>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.generation.is_some_and(|newest| newest > generation) {
            return;
        }
        state.generation = Some(generation);
        if state.slots.keys().any(|(segment, _)| !living.contains(segment)) {
            state.slots.retain(|(segment, _), _| living.contains(segment));
        }
    }
}

/// Counts the values of facet fields over the matches: for each field, each value with the
/// number of matches that have it, in no particular order.
pub(crate) struct FacetValues<'a> {
    cache: &'a OrdsCache,
    fields: Vec<(Field, String)>,
}

impl<'a> FacetValues<'a> {
    /// A collector for the facet fields `fields` (each with its name in the schema), their
    /// ordinals read through `cache`.
    pub(crate) fn new(cache: &'a OrdsCache, fields: Vec<(Field, String)>) -> FacetValues<'a> {
        FacetValues { cache, fields }
    }
}

/// One segment's counts, by facet field and ordinal.
pub(crate) struct SegmentFacetValues {
    facets: Vec<Counter>,
}

struct Counter {
    reader: FacetReader,
    ords: Arc<SegmentOrds>,
    counts: Vec<u64>,
}

impl Collector for FacetValues<'_> {
    type Fruit = Vec<Vec<(String, u64)>>;
    type Child = SegmentFacetValues;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetValues> {
        let mut facets = Vec::with_capacity(self.fields.len());
        for (field, name) in &self.fields {
            let reader = segment.facet_reader(name)?;
            let ords = self.cache.get(segment, *field, &reader);
            let counts = vec![0; reader.num_facets()];
            facets.push(Counter { reader, ords, counts });
        }
        Ok(SegmentFacetValues { facets })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        if segments.len() <= 1 {
            let empty = || vec![Vec::new(); self.fields.len()];
            return Ok(segments.into_iter().next().unwrap_or_else(empty));
        }
        let mut merged: Vec<HashMap<String, u64>> = vec![HashMap::new(); self.fields.len()];
        for segment in segments {
            for (values, merged) in segment.into_iter().zip(&mut merged) {
                for (value, count) in values {
                    *merged.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged.into_iter().map(|values| values.into_iter().collect()).collect())
    }
}

impl SegmentCollector for SegmentFacetValues {
    type Fruit = Vec<Vec<(String, u64)>>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for facet in &mut self.facets {
            facet.ords.count(doc, &mut facet.counts);
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for facet in &mut self.facets {
            for &doc in docs {
                facet.ords.count(doc, &mut facet.counts);
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.facets.into_iter().map(|facet| values(&facet.reader, &facet.counts)).collect()
    }
}

/// The counted ordinals' values, each with its count.
fn values(reader: &FacetReader, counts: &[u64]) -> Vec<(String, u64)> {
    let (ords, counts): (Vec<u64>, Vec<u64>) = counts
        .iter()
        .enumerate()
        .filter(|(_, count)| **count > 0)
        .map(|(ord, count)| (ord as u64, *count))
        .unzip();
    let dictionary = reader.facet_dict();
    let mut values = Vec::with_capacity(ords.len());
    // The ordinals are in order, so the dictionary is read once, block by block.
    let whole = dictionary.sorted_ords_to_term_cb(&ords, |bytes| {
        values.push(first_component(bytes));
    });
    if matches!(whole, Ok(true)) && values.len() == ords.len() {
        return values.into_iter().zip(counts).collect();
    }
    // A dictionary that cannot give every value back (a damaged segment): each looked up on
    // its own, and one it cannot give is left out, as tantivy's own collector does.
    let mut bytes = Vec::new();
    ords.iter()
        .zip(counts)
        .filter_map(|(&ord, count)| {
            bytes.clear();
            matches!(dictionary.ord_to_term(ord, &mut bytes), Ok(true))
                .then(|| (first_component(&bytes), count))
        })
        .collect()
}

/// The first component of an encoded facet (`/value` is stored as `value`, deeper facets with
/// their components separated by a zero byte): the value counted.
fn first_component(encoded: &[u8]) -> String {
    let end = encoded.iter().position(|b| *b == 0).unwrap_or(encoded.len());
    String::from_utf8_lossy(&encoded[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use tantivy::collector::FacetCollector;
    use tantivy::query::{AllQuery, TermQuery};
    use tantivy::schema::{Facet, FacetOptions, IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument, Term};

    use super::*;

    /// Over several segments, with a value a document has twice and a query that matches some
    /// documents only, the counts are those of tantivy's own collector.
    #[test]
    fn counts_agree_with_tantivys_collector() {
        let mut schema = Schema::builder();
        let facet = schema.add_facet_field("facet", FacetOptions::default());
        let tag = schema.add_text_field("tag", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let rows: [(&[&str], &str); 6] = [
            (&["Tito", "Kardelj"], "a"),
            (&["Tito", "Tito"], "a"),
            (&["Хрущёв"], "b"),
            (&["a/b", "Tito"], "a"),
            (&[], "a"),
            (&["Kardelj"], "b"),
        ];
        for (n, (values, label)) in rows.iter().enumerate() {
            let mut document = TantivyDocument::default();
            for value in *values {
                document.add_facet(facet, Facet::from_path([*value]));
            }
            document.add_text(tag, label);
            writer.add_document(document).unwrap();
            if n % 2 == 1 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let some = TermQuery::new(Term::from_field_text(tag, "a"), IndexRecordOption::Basic);
        let cache = OrdsCache::default();
        for query in [&AllQuery as &dyn tantivy::query::Query, &some] {
            let ours = FacetValues::new(&cache, vec![(facet, "facet".into())]);
            let mut ours = searcher.search(query, &ours).unwrap().remove(0);
            ours.sort();
            let mut theirs = FacetCollector::for_field("facet");
            theirs.add_facet("/");
            let theirs = searcher.search(query, &theirs).unwrap();
            let mut theirs: Vec<(String, u64)> = theirs
                .get("/")
                .map(|(facet, count)| (facet.to_path()[0].to_string(), count))
                .collect();
            theirs.sort();
            assert_eq!(ours, theirs);
            assert!(ours.contains(&("Tito".to_string(), 3)));
        }
    }

    /// The ordinal arrays are read once per segment and facet, serve a searcher that has lost
    /// documents since (deleted ones are not counted), are read for a new segment only, and are
    /// forgotten once their segment is merged away (but not by a search on an older searcher); a field where no document has two values is
    /// kept one ordinal per document, one with several with where each document's start.
    #[test]
    fn ordinals_are_read_once_per_segment_and_follow_the_index() {
        let mut schema = Schema::builder();
        let names = schema.add_facet_field("names", FacetOptions::default());
        let year = schema.add_facet_field("year", FacetOptions::default());
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let add = |writer: &mut tantivy::IndexWriter, n: &str, who: &[&str], when: Option<&str>| {
            let mut document = TantivyDocument::default();
            document.add_text(id, n);
            for name in who {
                document.add_facet(names, Facet::from_path([*name]));
            }
            if let Some(when) = when {
                document.add_facet(year, Facet::from_path([when]));
            }
            writer.add_document(document).unwrap();
        };
        add(&mut writer, "1", &["Tito", "Kardelj"], Some("1954"));
        add(&mut writer, "2", &["Tito"], None);
        add(&mut writer, "3", &["Хрущёв", "Tito", "Хрущёв"], Some("1955"));
        writer.commit().unwrap();
        let reader = index.reader().unwrap();
        let fields = vec![(names, "names".to_string()), (year, "year".to_string())];
        let cache = OrdsCache::default();
        let count = |searcher: &tantivy::Searcher| {
            let mut fruit = searcher.search(&AllQuery, &FacetValues::new(&cache, fields.clone()));
            let fruit = fruit.as_mut().unwrap();
            fruit.iter_mut().for_each(|values| values.sort());
            fruit.clone()
        };
        let owned = |values: &[(&str, u64)]| -> Vec<(String, u64)> {
            values.iter().map(|(v, n)| (v.to_string(), *n)).collect()
        };
        let searcher = reader.searcher();
        assert_eq!(
            count(&searcher),
            [
                owned(&[("Kardelj", 1), ("Tito", 3), ("Хрущёв", 1)]),
                owned(&[("1954", 1), ("1955", 1)])
            ]
        );
        let first = searcher.segment_readers()[0].segment_id();
        let entries = |cache: &OrdsCache| {
            let state = cache.state.lock().unwrap();
            let mut keys: Vec<(SegmentId, Field, bool)> = state
                .slots
                .iter()
                .map(|((segment, field), slot)| {
                    (*segment, *field, slot.get().is_some_and(|ords| ords.starts.is_empty()))
                })
                .collect();
            keys.sort_by_key(|(segment, field, _)| (segment.uuid_string(), field.field_id()));
            keys
        };
        // Names are several to a document, years one at most.
        assert_eq!(entries(&cache), [(first, names, false), (first, year, true)]);
        let held = cache.get(&searcher.segment_readers()[0], year, &{
            searcher.segment_readers()[0].facet_reader("year").unwrap()
        });

        // A deletion and a new segment: the old segment's arrays serve on, the new one's are read.
        writer.delete_term(Term::from_field_text(id, "1"));
        add(&mut writer, "4", &["Kardelj"], Some("1954"));
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert_eq!(
            count(&searcher),
            [
                owned(&[("Kardelj", 1), ("Tito", 2), ("Хрущёв", 1)]),
                owned(&[("1954", 1), ("1955", 1)])
            ]
        );
        let again = cache.get(&searcher.segment_readers()[0], year, &{
            searcher.segment_readers()[0].facet_reader("year").unwrap()
        });
        assert!(Arc::ptr_eq(&held, &again), "the old segment's array is read again");
        assert_eq!(entries(&cache).len(), 4);

        // Merged into one segment: the two old segments' arrays are forgotten.
        let segments = index.searchable_segment_ids().unwrap();
        writer.merge(&segments).wait().unwrap();
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        let living = searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
        // A search still on an older searcher does not drop what the newer one needs.
        let older = searcher.generation().generation_id() - 1;
        cache.keep_only(searcher.generation().generation_id(), &living);
        assert!(entries(&cache).is_empty());
        assert_eq!(count(&searcher)[0], owned(&[("Kardelj", 1), ("Tito", 2), ("Хрущёв", 1)]));
        assert_eq!(entries(&cache).len(), 2);
        cache.keep_only(older, &HashSet::new());
        assert_eq!(entries(&cache).len(), 2, "an older searcher dropped the newer one's arrays");
    }

    /// How a one-level facet is kept: what [`first_component`] reads back.
    fn encoded(value: &str) -> Vec<u8> {
        Facet::from_path([value]).encoded_str().as_bytes().to_vec()
    }

    #[test]
    fn values_are_read_back_from_their_encoding() {
        for value in ["1954", "Tito, Josip Broz", "a/b", "Хрущёв", ""] {
            assert_eq!(first_component(&encoded(value)), value);
        }
        let deeper = Facet::from_path(["top", "child"]);
        assert_eq!(first_component(deeper.encoded_str().as_bytes()), "top");
    }
}
