//! Counting a facet's values over a search's matches.
//!
//! Every facet Chancery indexes is one level deep (`/value`), so a segment's facet ordinals are
//! its values: a match adds one to the count of each ordinal it has, and only the ordinals that
//! were counted are turned into values, in one pass over the segment's facet dictionary.
//! tantivy's own `FacetCollector` (which handles any depth) maps every ordinal of the dictionary
//! to its child of the asked facet when a segment starts — a pass over all the values for every
//! facet of every search, however few records match — and then looks each counted ordinal up
//! on its own; on the FRUS corpus those two steps were about a seventh of a search page.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts the values of one facet field over the matches: each value with the number of matches
/// that have it, in no particular order.
pub(crate) struct FacetValues {
    field: String,
}

impl FacetValues {
    /// A collector for the facet field named `field`.
    pub(crate) fn for_field(field: &str) -> FacetValues {
        FacetValues { field: field.to_string() }
    }
}

/// One segment's counts, by facet ordinal.
pub(crate) struct SegmentFacetValues {
    reader: FacetReader,
    counts: Vec<u64>,
}

impl Collector for FacetValues {
    type Fruit = Vec<(String, u64)>;
    type Child = SegmentFacetValues;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetValues> {
        let reader = segment.facet_reader(&self.field)?;
        let counts = vec![0; reader.num_facets()];
        Ok(SegmentFacetValues { reader, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Vec<(String, u64)>>) -> tantivy::Result<Self::Fruit> {
        if segments.len() <= 1 {
            return Ok(segments.into_iter().next().unwrap_or_default());
        }
        let mut merged: HashMap<String, u64> = HashMap::new();
        for (value, count) in segments.into_iter().flatten() {
            *merged.entry(value).or_default() += count;
        }
        Ok(merged.into_iter().collect())
    }
}

impl SegmentCollector for SegmentFacetValues {
    type Fruit = Vec<(String, u64)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        // A document's ordinals come sorted: a value it has twice counts once.
        let mut previous = u64::MAX;
        for ord in self.reader.facet_ords(doc) {
            if ord != previous
                && let Some(count) = self.counts.get_mut(ord as usize)
            {
                *count += 1;
            }
            previous = ord;
        }
    }

    fn harvest(self) -> Vec<(String, u64)> {
        let (ords, counts): (Vec<u64>, Vec<u64>) = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(ord, count)| (ord as u64, *count))
            .unzip();
        let dictionary = self.reader.facet_dict();
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
        for query in [&AllQuery as &dyn tantivy::query::Query, &some] {
            let mut ours = searcher.search(query, &FacetValues::for_field("facet")).unwrap();
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
