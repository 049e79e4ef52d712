//! Documents related to a record, as a historian would call them related, each with why: the
//! same thread (the documents it cites, and those citing it), the same correspondents (the two
//! parties writing to each other, either way), and similar text close in time.

use std::collections::HashMap;

use chancery_model::id::RecordId;
use chancery_model::record::{Record, RecordKind};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

use crate::Result;
use crate::analysis::Analyzer;
use crate::index::SearchIndex;
use crate::schema::{DAY_MIN, FacetName};
use crate::search::Hit;

/// Why a document is related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// The record cites it (a cross-reference in its text or notes).
    CitedHere,
    /// It cites the record.
    CitesThis,
    /// Between the same two parties, in either direction.
    SameCorrespondents,
    /// Its words are the record's most telling words, and it is close in time.
    SimilarText,
}

/// A related document with the reasons.
#[derive(Debug, Clone)]
pub struct Related {
    /// The document.
    pub hit: Hit,
    /// Why, strongest first.
    pub reasons: Vec<Relation>,
}

/// The most documents of each kind of relation looked at.
const PER_RELATION: usize = 8;
/// The most telling words of a record a similarity query is made of.
const MAX_SIMILAR_WORDS: usize = 25;
/// How many documents similar in text are ranked again by closeness in time.
const SIMILAR_POOL: usize = 60;
/// The most bytes of a record's title, summary and texts read for its telling words (about 2,500
/// words: a long report's first pages say what it is about, and reading all of it on every page
/// view would cost more than it tells).
const MAX_SIMILAR_TEXT_BYTES: usize = 16 * 1024;
/// A text longer than this many words gives its telling words only among those it says twice.
const LONG_TEXT_WORDS: u32 = 400;
/// How much a word of the parties' names weighs in a similarity query, against 1 for the
/// record's most telling word.
const NAME_WEIGHT: f32 = 2.0;
/// The most words of the parties' names added to a similarity query.
const MAX_NAME_WORDS: usize = 8;
/// The most postings (documents holding one of its words, summed over the words) a similarity
/// query may read: the most telling words are taken while they fit. It never binds on an archive
/// the size of FRUS (25 words each in at most a quarter of 5,000 records), but in a million
/// records a quarter is 250,000 documents a word, and reading the postings of 25 such words on
/// every page view would grow with the archive.
const MAX_SIMILAR_POSTINGS: u64 = 100_000;
/// The most cross-references read out of one record.
const MAX_REFERENCES: usize = 50;

/// The records a record's TEI cites: `#d12` in its own volume, `frus1952-54v07p1#d12` in
/// another, as record ids; at most [`MAX_REFERENCES`]. Front matter (tables of contents, lists)
/// cites nothing: its links are navigation.
pub(crate) fn references(record: &Record) -> Vec<RecordId> {
    let Some(tei) = &record.tei else { return Vec::new() };
    if record.kind == RecordKind::FrontMatter {
        return Vec::new();
    }
    let volume = record.collection_id.as_deref().and_then(|c| c.split('/').next());
    let mut out: Vec<RecordId> = Vec::new();
    for piece in tei.split("target=\"").skip(1) {
        let Some(target) = piece.split('"').next() else { continue };
        let (target_volume, fragment) = match target.split_once('#') {
            Some(("", fragment)) => (volume, fragment),
            Some((other, fragment)) => (Some(other), fragment),
            None => continue,
        };
        let Some(number) = fragment.strip_prefix('d') else { continue };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Some(target_volume) = target_volume else { continue };
        if let Ok(id) = RecordId::parse(&format!("{target_volume}/d{number}"))
            && id != record.id
            && !out.contains(&id)
        {
            out.push(id);
        }
        if out.len() == MAX_REFERENCES {
            break;
        }
    }
    out
}

impl SearchIndex {
    /// Documents related to `record`, at most `limit`, strongest relations first; the record
    /// itself never.
    pub fn related(&self, record: &Record, limit: usize) -> Result<Vec<Related>> {
        let searcher = self.reader.searcher();
        let mut found: Vec<Related> = Vec::new();
        let add = |hit: Hit, relation: Relation, found: &mut Vec<Related>| {
            if hit.id == record.id {
                return;
            }
            match found.iter_mut().find(|r| r.hit.id == hit.id) {
                Some(known) if !known.reasons.contains(&relation) => known.reasons.push(relation),
                Some(_) => {}
                None => found.push(Related { hit, reasons: vec![relation] }),
            }
        };
        // The thread: what it cites, and what cites it.
        let known = |key: String| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.known, &key),
                IndexRecordOption::Basic,
            ))
        };
        let cited: Vec<(Occur, Box<dyn TantivyQuery>)> = references(record)
            .iter()
            .map(|id| (Occur::Should, known(format!("id:{}", id.key()))))
            .collect();
        if !cited.is_empty() {
            for hit in self.top(&searcher, &BooleanQuery::new(cited), PER_RELATION)? {
                add(hit, Relation::CitedHere, &mut found);
            }
        }
        let citing = known(format!("ref:{}", record.id.key()));
        for hit in self.top(&searcher, &*citing, PER_RELATION)? {
            add(hit, Relation::CitesThis, &mut found);
        }
        // The same two parties, either way.
        if let Some(query) = self.correspondents(record) {
            for hit in self.closest(&searcher, &query, record)? {
                add(hit, Relation::SameCorrespondents, &mut found);
            }
        }
        // Similar text, close in time.
        if let Some(query) = self.similar(&searcher, record) {
            for hit in self.closest(&searcher, &query, record)? {
                add(hit, Relation::SimilarText, &mut found);
            }
        }
        for related in &mut found {
            related.reasons.sort();
        }
        found.sort_by_key(|r| r.reasons[0]);
        found.truncate(limit);
        Ok(found)
    }

    fn top(&self, searcher: &Searcher, query: &dyn TantivyQuery, n: usize) -> Result<Vec<Hit>> {
        let addresses: Vec<(f32, DocAddress)> =
            searcher.search(query, &TopDocs::with_limit(n).order_by_score())?;
        addresses.into_iter().map(|(score, address)| self.hit(searcher, address, score)).collect()
    }

    /// The best [`SIMILAR_POOL`] matches of `query`, ranked again by closeness in time to
    /// `record` (see [`by_closeness`]), the record itself left out; only the first
    /// [`PER_RELATION`] (and one more, in case the record is among them) are read from the
    /// document store — the ranking reads each
    /// match's first day from its fast field, not its stored document.
    fn closest(
        &self,
        searcher: &Searcher,
        query: &dyn TantivyQuery,
        record: &Record,
    ) -> Result<Vec<Hit>> {
        let pool: Vec<(f32, DocAddress)> =
            searcher.search(query, &TopDocs::with_limit(SIMILAR_POOL).order_by_score())?;
        let mut columns = HashMap::new();
        let mut years = Vec::with_capacity(pool.len());
        for (_, address) in &pool {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                std::collections::hash_map::Entry::Vacant(new) => new.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .i64(searcher.schema().get_field_name(self.fields.date_min))?,
                ),
            };
            // No first day (undated), or an open start: no year to be close to.
            let first_day = column.first(address.doc_id).filter(|&day| day != DAY_MIN);
            years.push(first_day.map(|day| day.div_euclid(10_000)));
        }
        let own = record.date.edtf.and_then(|e| e.bounds().0).map(|d| i64::from(d.year));
        let weights: Vec<f64> = pool
            .iter()
            .zip(&years)
            .map(|((score, _), year)| by_closeness(*score, own, *year))
            .collect();
        let mut order: Vec<usize> = (0..pool.len()).collect();
        order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
        let ranked: Vec<(f32, DocAddress)> = order.into_iter().map(|i| pool[i]).collect();
        let mut hits = Vec::with_capacity(PER_RELATION);
        for (score, address) in ranked.into_iter().take(PER_RELATION + 1) {
            let hit = self.hit(searcher, address, score)?;
            if hit.id != record.id && hits.len() < PER_RELATION {
                hits.push(hit);
            }
        }
        Ok(hits)
    }

    /// Records from one of the record's authors to one of its recipients, or back.
    fn correspondents(&self, record: &Record) -> Option<BooleanQuery> {
        if record.authors.is_empty() || record.recipients.is_empty() {
            return None;
        }
        let any_of = |facet: FacetName, names: &[String]| -> Box<dyn TantivyQuery> {
            let field = self.fields.facet(facet);
            Box::new(BooleanQuery::new(
                names
                    .iter()
                    .map(|name| {
                        let term = Term::from_facet(field, &Facet::from_path([name.as_str()]));
                        let query: Box<dyn TantivyQuery> =
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                        (Occur::Should, query)
                    })
                    .collect(),
            ))
        };
        let both = |from: &[String], to: &[String]| -> Box<dyn TantivyQuery> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, any_of(FacetName::Author, from)),
                (Occur::Must, any_of(FacetName::Recipient, to)),
            ]))
        };
        Some(BooleanQuery::new(vec![
            (Occur::Should, both(&record.authors, &record.recipients)),
            (Occur::Should, both(&record.recipients, &record.authors)),
        ]))
    }

    /// The record's most telling words (frequent in it, rare in the archive), and the words of
    /// its correspondents' names, as one query of which at least three must match.
    fn similar(&self, searcher: &Searcher, record: &Record) -> Option<BooleanQuery> {
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut n_words = 0u32;
        let texts = std::iter::once(record.title.as_str())
            .chain(record.summary.as_deref())
            .chain(record.texts.iter().map(|t| t.body.as_str()));
        let mut budget = MAX_SIMILAR_TEXT_BYTES;
        for text in texts {
            let mut end = text.len().min(budget);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            budget -= end;
            for (_, word) in Analyzer::Fold.analyze(&text[..end]) {
                n_words += 1;
                if word.chars().count() >= 4 && !word.chars().any(|c| c.is_ascii_digit()) {
                    *counts.entry(word).or_default() += 1;
                }
            }
        }
        // In a long text a word said once is chance; in a short one it may be all there is.
        let min_tf = if n_words > LONG_TEXT_WORDS { 2 } else { 1 };
        let n_docs = searcher.num_docs().max(1) as f64;
        // Words in more than a quarter of the archive say little about a document (in a small
        // archive, in more than three documents).
        let common = (n_docs / 4.0).max(3.0);
        let field = self.fields.body_fold;
        let df = |word: &str| searcher.doc_freq(&Term::from_field_text(field, word)).unwrap_or(0);
        let mut weighted: Vec<(f64, String, u64)> = counts
            .into_iter()
            .filter(|(_, tf)| *tf >= min_tf)
            .filter_map(|(word, tf)| {
                let df = df(&word);
                if df < 2 || df as f64 > common {
                    return None;
                }
                let idf = (n_docs / df as f64).ln();
                Some((f64::from(tf) * idf, word, df))
            })
            .collect();
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        // The parties' names weigh more: a letter from Tito to Khrushchev is related to what
        // else names them.
        let names = record
            .authors
            .iter()
            .chain(&record.recipients)
            .chain(&record.participants)
            .flat_map(|name| Analyzer::Fold.analyze(name))
            .filter(|(_, word)| word.chars().count() >= 4)
            .filter_map(|(_, word)| {
                let n = df(&word);
                (n > 0 && (n as f64) <= common).then_some((word, n))
            });
        let chosen = choose_words(names, &weighted, MAX_SIMILAR_POSTINGS);
        let term = |word: &str, boost: f32| -> (Occur, Box<dyn TantivyQuery>) {
            let query =
                TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs);
            (Occur::Should, Box::new(BoostQuery::new(Box::new(query), boost)))
        };
        let clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = chosen
            .names
            .iter()
            .map(|word| term(word, NAME_WEIGHT))
            .chain(chosen.words.iter().map(|(word, weight)| term(word, *weight)))
            .collect();
        if clauses.len() < 3 {
            return None;
        }
        Some(BooleanQuery::with_minimum_required_clauses(clauses, 3))
    }
}

/// The words of a similarity query, each once.
#[derive(Debug, PartialEq)]
struct Chosen {
    /// Words of the parties' names (weighed [`NAME_WEIGHT`]).
    names: Vec<String>,
    /// Other telling words, each with its weight (the most telling 1).
    words: Vec<(String, f32)>,
}

/// Chooses a similarity query's words: first the parties' name words (`names`: telling ones, with
/// the documents holding each, in the order named), at most [`MAX_NAME_WORDS`]; then the most
/// telling of `weighted` (weight, word, documents holding it; most telling first), at most
/// [`MAX_SIMILAR_WORDS`] counting the name words among them. A word whose documents would take
/// the sum over `max_postings` is passed over for the next.
fn choose_words(
    names: impl IntoIterator<Item = (String, u64)>,
    weighted: &[(f64, String, u64)],
    max_postings: u64,
) -> Chosen {
    let mut postings = 0;
    let mut chosen = Chosen { names: Vec::new(), words: Vec::new() };
    for (word, n) in names {
        if chosen.names.len() < MAX_NAME_WORDS
            && !chosen.names.contains(&word)
            && postings + n <= max_postings
        {
            postings += n;
            chosen.names.push(word);
        }
    }
    let top = weighted.first().map_or(1.0, |(w, _, _)| *w);
    let mut taken = 0;
    for (weight, word, n) in weighted {
        if taken == MAX_SIMILAR_WORDS {
            break;
        }
        if chosen.names.contains(word) {
            taken += 1;
            continue;
        }
        if postings + n > max_postings {
            continue;
        }
        taken += 1;
        postings += n;
        chosen.words.push((word.clone(), (weight / top) as f32));
    }
    chosen
}

/// A match's weight when ranked by closeness in time: its score shrinks with the years between
/// its first year and the record's (halved three years apart); where either is undated the
/// score stands.
fn by_closeness(score: f32, own: Option<i64>, theirs: Option<i64>) -> f64 {
    let apart = match (own, theirs) {
        (Some(own), Some(theirs)) => (theirs - own).abs() as f64,
        _ => 0.0,
    };
    f64::from(score) / (1.0 + apart / 3.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::date::DocDate;

    fn word(weight: f64, word: &str, n: u64) -> (f64, String, u64) {
        (weight, word.into(), n)
    }

    #[test]
    fn similar_words_fit_the_postings_bound() {
        // Exactly at the bound: every word is kept.
        let names = [("tito".to_string(), 40_000)];
        let weighted = [word(4.0, "belgrade", 59_999), word(2.0, "normalization", 1)];
        let chosen = choose_words(names.clone(), &weighted, MAX_SIMILAR_POSTINGS);
        assert_eq!(chosen.names, ["tito"]);
        assert_eq!(chosen.words, [("belgrade".into(), 1.0), ("normalization".into(), 0.5)]);

        // One posting past it: the word that does not fit is passed over for the next.
        let weighted =
            [word(4.0, "belgrade", 59_999), word(2.0, "normalization", 2), word(1.0, "tass", 1)];
        let chosen = choose_words(names.clone(), &weighted, MAX_SIMILAR_POSTINGS);
        assert_eq!(chosen.names, ["tito"]);
        assert_eq!(chosen.words, [("belgrade".into(), 1.0), ("tass".into(), 0.25)]);

        // A name word past the bound alone is not taken; the others still are.
        let names = [("khrushchev".to_string(), MAX_SIMILAR_POSTINGS + 1), ("tito".into(), 3)];
        let chosen = choose_words(names, &[word(1.0, "belgrade", 5)], MAX_SIMILAR_POSTINGS);
        assert_eq!(chosen.names, ["tito"]);
        assert_eq!(chosen.words, [("belgrade".into(), 1.0)]);
    }

    #[test]
    fn name_words_count_once_and_take_their_place_among_the_words() {
        let names = [("tito".to_string(), 10), ("tito".into(), 10)];
        let mut weighted = vec![word(9.0, "tito", 10)];
        weighted.extend(
            (0..MAX_SIMILAR_WORDS).map(|i| word(8.0 - i as f64 * 0.1, &format!("w{i:02}"), 1)),
        );
        let chosen = choose_words(names, &weighted, MAX_SIMILAR_POSTINGS);
        assert_eq!(chosen.names, ["tito"]);
        // "tito" took one of the MAX_SIMILAR_WORDS places, so one word fewer of the rest.
        assert_eq!(chosen.words.len(), MAX_SIMILAR_WORDS - 1);
        assert_eq!(chosen.words[0].0, "w00");
        let names = (0..MAX_NAME_WORDS + 2).map(|i| (format!("name{i}"), 1));
        assert_eq!(choose_words(names, &[], MAX_SIMILAR_POSTINGS).names.len(), MAX_NAME_WORDS);
    }

    #[test]
    fn references_are_read_from_the_tei() {
        let mut record = Record::new(
            RecordId::parse("frus1955-57v26/d249").unwrap(),
            "t".into(),
            DocDate::default(),
        );
        record.collection_id = Some("frus1955-57v26/comp5/ch5".into());
        record.tei = Some(
            r##"<p>See <ref target="#d241">Document 241</ref>, <ref target="#pg_12">p. 12</ref>, <ref target="frus1952-54v08#d12">vol. VIII, 12</ref>, <ref target="#d249">itself</ref>, <ref target="#d241">again</ref>, <ref target="#d2fn1">a note</ref>.</p>"##.into(),
        );
        let ids: Vec<String> = references(&record).iter().map(|i| i.to_string()).collect();
        assert_eq!(ids, ["frus1955-57v26/d241", "frus1952-54v08/d12"]);
        record.kind = RecordKind::FrontMatter;
        assert!(references(&record).is_empty());
    }
}
