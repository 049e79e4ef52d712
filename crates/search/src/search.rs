//! Running a query: from the parsed [`Query`] to ranked hits, facet counts and snippets.
//!
//! Ranking: a word is looked up by a few terms (see `words`): its stem in the words field, which
//! holds titles and texts (a spelling of its own kind, plain or marked, weighs more than another;
//! a marked word's exact form adds; romanizations weigh least), its folded form in titles
//! ([`TITLE_WORD_BOOST`]), its romanizations in the names of correspondents, archives and
//! collections, and its folded form in citations. An any-word query is one flat union of term
//! queries, which tantivy answers with block-max WAND; an all-word query also rewards titles
//! where the words stand close together or all appear. Phrases and words that split in several
//! use the positional fields. A query that is a record id, a signature ("507 / IX, 119/I-50") or
//! a permalink puts that record first.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use chancery_model::id::RecordId;
use chancery_model::record::Record;
use chancery_store::Store;
use tantivy::collector::sort_key::{SortByStaticFastValue, SortByString};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query as TantivyQuery,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::analysis::{Analyzer, StemLanguage};
use crate::expand::{Expansion, default_distance, expand};
use crate::facet_count::FacetValues;
use crate::index::SearchIndex;
use crate::known;
use crate::query::{Atom, MIN_PREFIX_CHARS, Query, Scope};
use crate::schema::{DAY_MAX, DAY_MIN, FacetName, day_number, facet_value, known_key, url_key};
use crate::words;
use crate::{Error, Result};

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Earliest first (undated records last).
    Date,
    /// Latest first, by the day a record's date begins (undated records last).
    Newest,
    /// As the editions print them: by volume (its id), then the place in the volume; records no
    /// volume prints last.
    Edition,
}

/// Whether plain words must all match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// Every word must match (the default).
    #[default]
    All,
    /// Any word may match; more matches rank higher.
    Any,
}

/// What to search for and what to return.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The parsed query.
    pub query: Query,
    /// The query as typed, for known-item lookup (ids, signatures, permalinks).
    pub raw: String,
    /// Result order.
    pub sort: Sort,
    /// How many hits to return.
    pub limit: usize,
    /// How many hits to skip (pagination).
    pub offset: usize,
    /// All or any words.
    pub mode: MatchMode,
    /// Count all matching records.
    pub count: bool,
    /// Count facet values.
    pub facets: bool,
}

impl SearchRequest {
    /// A request with the defaults: relevance, 10 hits, count and facets.
    pub fn new(query: Query, raw: &str) -> SearchRequest {
        SearchRequest {
            query,
            raw: raw.to_string(),
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            mode: MatchMode::All,
            count: true,
            facets: true,
        }
    }
}

/// What a record dated on the day a query prints scores besides its words: more than any words
/// score, so that the documents of that day come first, ranked among themselves by their words.
const DATE_MATCH_BOOST: f32 = 1000.0;

/// The weight of a title holding every word of an all-word query, against 1 for a word in a
/// text. (Measured when any-word queries had it too: on the peers' known-item queries MRR@10 was
/// 0.433 without it, 0.448 at 2, and no higher up to 16. Any-word queries no longer get it: it
/// would stop block-max WAND; see BENCHMARKS.md, "Search that skips".)
const TITLE_ALL_WORDS_BOOST: f32 = 2.0;

/// The weight of a query word found in a title (folded), against 1 for a folded match in a
/// text: the title says most about what a record is. (Titles also count in the words field, as
/// any text.) On the peers' known-item queries MRR@10 is 0.435 at 6, 0.442 at 10, 0.443 at 14 and
/// 0.440 at 20.
const TITLE_WORD_BOOST: f32 = 14.0;

/// What a marked query word (`Hruščov`) adds in a title that spells it so, over its folded form.
const TITLE_EXACT_BOOST: f32 = 4.0;

/// The weight of a query word found in an author's or a recipient's name, by any of its
/// romanizations.
const NAME_BOOST: f32 = 1.5;

/// The weight of a query word found in the name of the archive or a collection that holds a
/// record.
const PLACE_BOOST: f32 = 1.0;

/// The weight of a query word found in a record's citation or source note.
const CITATION_BOOST: f32 = 0.8;

/// The most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// The deepest page one request may reach.
pub const MAX_OFFSET: usize = 100_000;

/// One matching record.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Record id.
    pub id: RecordId,
    /// Title.
    pub title: String,
    /// Date as printed.
    pub date_printed: String,
    /// EDTF date.
    pub date_edtf: Option<String>,
    /// Relevance score (0 when sorted by date).
    pub score: f32,
    /// The best-matching passage ([`SearchIndex::search_with_snippets`] fills it in).
    pub snippet: Option<Snippet>,
    /// The record as stored, for what tells hits apart (kind, volume and number, archive and
    /// signature, correspondents); [`SearchIndex::search_with_snippets`] fills it in, without its
    /// TEI fragment (`Store::get_many_without_tei`).
    pub record: Option<Box<Record>>,
}

/// A passage with the matched words marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The passage.
    pub text: String,
    /// Byte ranges of the matches in `text`.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The passage with `open` and `close` around each match (no escaping).
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 16);
        let mut at = 0;
        for range in &self.highlights {
            out.push_str(&self.text[at..range.start]);
            out.push_str(open);
            out.push_str(&self.text[range.clone()]);
            out.push_str(close);
            at = range.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// Counts for one facet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCounts {
    /// Which facet.
    pub name: FacetName,
    /// Values and how many records have each: decades and years in order, the others most
    /// frequent first (at most [`MAX_FACET_VALUES`]). For a facet the query selects values of
    /// (`type=letter OR type=telegram`), the counts are taken without that selection: each is what
    /// the value alone would give with the query's other clauses, so that values can be added
    /// to the selection (OR) knowing what each brings.
    pub values: Vec<(String, u64)>,
    /// How many distinct values there are in all (more than `values` holds when truncated).
    pub distinct: usize,
}

/// The most values of one facet a search returns; [`SearchIndex::facet_values`] gives them all.
pub const MAX_FACET_VALUES: usize = 50;

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// How many records match (0 when not counted).
    pub total: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts, when asked for.
    pub facets: Vec<FacetCounts>,
}

/// Facet counts in the order they are shown, all values kept.
struct AllValues {
    name: FacetName,
    values: Vec<(String, u64)>,
}

impl AllValues {
    fn values_all(self) -> Vec<(String, u64)> {
        self.values
    }
}

impl From<AllValues> for FacetCounts {
    fn from(all: AllValues) -> FacetCounts {
        let mut values = all.values;
        let distinct = values.len();
        truncate(all.name, &mut values);
        FacetCounts { name: all.name, values, distinct }
    }
}

fn facet_counts(name: FacetName, mut values: Vec<(String, u64)>) -> AllValues {
    match name {
        FacetName::Decade | FacetName::Year => values.sort(),
        _ => values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))),
    }
    AllValues { name, values }
}

/// Keeps the values a search returns: every decade and year, the others' most frequent.
fn truncate(name: FacetName, values: &mut Vec<(String, u64)>) {
    if !matches!(name, FacetName::Decade | FacetName::Year) {
        values.truncate(MAX_FACET_VALUES);
    }
}

/// A field to look a query word up in: with which analyzer the query text is analyzed (which
/// may differ from the field's own), and how much a match weighs.
/// Picks and marks the best passage of a record for a query.
pub struct Highlighter {
    /// One generator per way of matching: folded words, and romanization skeletons (so that
    /// Хрущёв marks "Khrushchev").
    generators: Vec<SnippetGenerator>,
    /// The query's folded words that are ASCII, to find where in a long text to look: one
    /// automaton over all of them, ASCII case ignored (`None` when there are none).
    words: Option<AhoCorasick>,
}

/// Bytes of text on either side of a word's first occurrence that the fold generator reads.
const WINDOW: usize = 600;

impl Highlighter {
    /// The best passage among the record's texts and summary: the one with the most matches.
    /// Words are matched as folded first; only a record with no such match is read again for
    /// romanization skeletons (the costlier analysis).
    pub fn snippet(&self, record: &Record) -> Option<Snippet> {
        self.generators.iter().enumerate().find_map(|(n, generator)| {
            record
                .texts
                .iter()
                .map(|t| t.body.as_str())
                .chain(record.summary.as_deref())
                .filter_map(|body| match n {
                    0 => self.passage(body),
                    _ => Some(body),
                })
                .map(|body| generator.snippet(body))
                .filter(|snippet| !snippet.is_empty())
                .max_by_key(|snippet| snippet.highlighted().len())
                .map(|snippet| Snippet {
                    text: snippet.fragment().to_string(),
                    highlights: snippet.highlighted().to_vec(),
                })
        })
    }
}

impl Highlighter {
    /// The part of a text worth reading for folded matches: around the first occurrence of a
    /// query word (tokenizing a whole long text for each hit is what makes result pages slow);
    /// the whole text when a match may hide in a non-ASCII spelling; nothing when an ASCII text
    /// cannot match.
    fn passage<'a>(&self, body: &'a str) -> Option<&'a str> {
        let Some(words) = &self.words else {
            return Some(body);
        };
        // The leftmost occurrence of any word, ASCII case ignored (byte offsets are the text's).
        let Some(at) = words.find(body).map(|found| found.start()) else {
            return (!body.is_ascii()).then_some(body);
        };
        if body.len() <= 2 * WINDOW {
            return Some(body);
        }
        let mut start = at.saturating_sub(WINDOW);
        while !body.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + WINDOW).min(body.len());
        while !body.is_char_boundary(end) {
            end += 1;
        }
        // Start and end at word boundaries, so no word is cut in two.
        let start = body[start..at].find(char::is_whitespace).map_or(start, |i| start + i);
        let end = body[at..end].rfind(char::is_whitespace).map_or(end, |i| at + i);
        Some(&body[start..end])
    }
}

/// What the index holds that decides which terms a query word is looked up by.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocabulary {
    /// The languages it holds stems of: a stem in another cannot match.
    languages: Vec<StemLanguage>,
    /// Whether any record has an author, a recipient, an archive, a collection, a citation: a
    /// field no record has a word in is not looked up.
    authors: bool,
    recipients: bool,
    archives: bool,
    collections: bool,
    citations: bool,
}

struct Target {
    field: Field,
    analyzer: Analyzer,
    boost: f32,
    positions: bool,
}

impl SearchIndex {
    /// Every value of a facet over the whole archive with how many records have it, most
    /// frequent first (every author, every recipient…: what an authority of bodies is built
    /// from). Unbounded by design: the values are the index's own, one per distinct name.
    pub fn all_facet_values(&self, name: FacetName) -> Result<Vec<(String, u64)>> {
        let searcher = self.reader.searcher();
        let facet = self.facet_values_collector(&searcher, &[name]);
        let mut values = searcher.search(&AllQuery, &facet)?.pop().unwrap_or_default();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(values)
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        if request.limit > MAX_LIMIT || request.offset > MAX_OFFSET {
            return Err(Error::Request(format!(
                "ask for at most {MAX_LIMIT} hits and at most {MAX_OFFSET} deep"
            )));
        }
        let unresolved =
            request.query.clauses.iter().flat_map(|c| &c.alternatives).find_map(|a| match a {
                Atom::Between(..) => Some("between:"),
                Atom::About(..) => Some("about:"),
                _ => None,
            });
        if let Some(field) = unresolved {
            return Err(Error::Request(format!(
                "`{field}` is answered by the site and its API (/search, /api/v1/search), which know who a party is"
            )));
        }
        let searcher = self.reader.searcher();
        let query = self.build(request, &searcher);
        let top = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
        // The facets the query does not select values of are counted in the same pass over the
        // matches as the hits are ranked; those it selects, each over the query without that
        // selection (see `facets`).
        let (selected, counted) = self.facet_split(request);
        let facets = request.facets.then(|| self.facet_values_collector(&searcher, &counted));
        let count = request.count.then_some(Count);
        let (addresses, total, fruits): (Vec<(f32, DocAddress)>, _, _) = match request.sort {
            Sort::Relevance => collect(&searcher, &query, top.order_by_score(), count, facets)?,
            Sort::Date | Sort::Newest => {
                let order = if request.sort == Sort::Date { Order::Asc } else { Order::Desc };
                let by_date = top.order_by_fast_field::<i64>("date_min", order);
                let (docs, total, fruits) = collect(&searcher, &query, by_date, count, facets)?;
                (docs.into_iter().map(|(_, address)| (0.0, address)).collect(), total, fruits)
            }
            Sort::Edition => {
                let by_edition = top.order_by((
                    (SortByString::for_field("edition_volume"), Order::Asc),
                    (SortByStaticFastValue::<i64>::for_field("edition_position"), Order::Asc),
                ));
                let (docs, total, fruits) = collect(&searcher, &query, by_edition, count, facets)?;
                (docs.into_iter().map(|(_, address)| (0.0, address)).collect(), total, fruits)
            }
        };
        let total = total.unwrap_or(0);
        let addresses = if request.limit == 0 { Vec::new() } else { addresses };
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            hits.push(self.hit(&searcher, address, score)?);
        }
        let facets = match fruits {
            Some(fruits) => self.facets(request, counted, fruits, selected)?,
            None => Vec::new(),
        };
        Ok(SearchResults { total, hits, facets })
    }

    /// Runs a search and adds to each hit a snippet from its record's texts, read from the store
    /// (the index does not keep texts).
    pub async fn search_with_snippets(
        &self,
        request: &SearchRequest,
        store: &Store,
    ) -> Result<SearchResults> {
        let mut results = self.search(request)?;
        if results.hits.is_empty() {
            return Ok(results);
        }
        let highlighter = self.highlighter(&request.query)?;
        // One query for the page's records, not one per hit.
        let ids: Vec<RecordId> = results.hits.iter().map(|hit| hit.id.clone()).collect();
        let mut records: std::collections::HashMap<RecordId, Record> = store
            .get_many_without_tei(&ids)
            .await?
            .into_iter()
            .map(|s| (s.record.id.clone(), s.record))
            .collect();
        for hit in &mut results.hits {
            // Each record is moved into its hit, not copied (texts and TEI can be large).
            if let Some(record) = records.remove(&hit.id) {
                hit.snippet = highlighter.snippet(&record);
                hit.record = Some(Box::new(record));
            }
        }
        Ok(results)
    }

    /// A highlighter for a query's words.
    pub fn highlighter(&self, query: &Query) -> Result<Highlighter> {
        let searcher = self.reader.searcher();
        let mut generators = Vec::new();
        for (field, analyzer) in [
            (self.fields.body_fold, Analyzer::Fold),
            (self.fields.body_skeleton, Analyzer::Skeleton),
        ] {
            let mut generator = SnippetGenerator::create(
                &searcher,
                &self.snippet_query(&searcher, query, field, analyzer),
                field,
            )?;
            generator.set_max_num_chars(240);
            generators.push(generator);
        }
        // Only what the free-text part of the query asked for is marked: a filter's words
        // (`archive:"Department of State"`) select records, they are not what is looked for.
        let mut words: Vec<String> = Vec::new();
        for clause in query.clauses.iter().filter(|c| !c.negated) {
            for atom in &clause.alternatives {
                words.extend(self.highlighted_terms(
                    &searcher,
                    atom,
                    self.fields.body_fold,
                    Analyzer::Fold,
                ));
            }
        }
        words.retain(|w| w.is_ascii() && w.len() >= 2);
        let words = if words.is_empty() {
            None
        } else {
            // Built from at most a query's words; a failure (none is expected) only means
            // reading whole texts, as for a query without ASCII words.
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(&words)
                .ok()
        };
        Ok(Highlighter { generators, words })
    }

    pub(crate) fn hit(&self, searcher: &Searcher, address: DocAddress, score: f32) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| {
            doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string()
        };
        let edtf = text(self.fields.date_edtf);
        let id = text(self.fields.id);
        // The index holds only ids the store gave it: a bad one means the index is damaged.
        let id = RecordId::parse(&id).map_err(|e| {
            Error::Index(tantivy::TantivyError::InternalError(format!(
                "the index holds a bad record id `{id}` ({e}); `chancery reindex` rebuilds it"
            )))
        })?;
        Ok(Hit {
            id,
            title: text(self.fields.title_exact),
            date_printed: text(self.fields.date_printed),
            date_edtf: (!edtf.is_empty()).then_some(edtf),
            score,
            snippet: None,
            record: None,
        })
    }

    /// The facets a request selects values of, and the others, in display order.
    fn facet_split(&self, request: &SearchRequest) -> (Vec<FacetName>, Vec<FacetName>) {
        self.fields
            .facets
            .iter()
            .map(|(name, _)| *name)
            .partition(|name| request.query.selection(*name).is_some())
    }

    /// A search's facets: those of `counted` from their values over the matches (`fruits`, in
    /// that order), those of `selected` each counted without the query's selection of it.
    fn facets(
        &self,
        request: &SearchRequest,
        counted: Vec<FacetName>,
        fruits: FacetFruits,
        selected: Vec<FacetName>,
    ) -> Result<Vec<FacetCounts>> {
        let mut out = Vec::new();
        for (name, values) in counted.into_iter().zip(fruits) {
            out.push(facet_counts(name, values).into());
        }
        // A facet the query selects values of is counted without that selection.
        for name in selected {
            let mut values = self.facet_values(request, name)?;
            let distinct = values.len();
            truncate(name, &mut values);
            out.push(FacetCounts { name, values, distinct });
        }
        out.sort_by_key(|f| FacetName::ALL.iter().position(|n| *n == f.name));
        Ok(out)
    }

    /// Every value of one facet for a request's records, with its count — without the request's
    /// own selection of that facet's values, if it has one (see [`FacetCounts::values`]):
    /// decades and years in order, the others most frequent first. For the "more" page of a
    /// facet; bounded by the number of distinct values the index holds.
    pub fn facet_values(
        &self,
        request: &SearchRequest,
        name: FacetName,
    ) -> Result<Vec<(String, u64)>> {
        let searcher = self.reader.searcher();
        let mut request = request.clone();
        if let Some(at) = request.query.selection(name) {
            request.query.clauses.remove(at);
        }
        let query = self.build(&request, &searcher);
        let facet = self.facet_values_collector(&searcher, &[name]);
        let values = searcher.search(&*query, &facet)?.pop().unwrap_or_default();
        Ok(facet_counts(name, values).values_all())
    }

    /// A collector of the values of facets `names` (in this order) over a search's matches,
    /// reading ordinals through the index's cache, from which it first drops the segments the
    /// searcher no longer has (unless a newer searcher has been seen).
    fn facet_values_collector(&self, searcher: &Searcher, names: &[FacetName]) -> FacetValues<'_> {
        let living = searcher.segment_readers().iter().map(|s| s.segment_id()).collect();
        self.facet_ords.keep_only(searcher.generation().generation_id(), &living);
        let fields = names
            .iter()
            .map(|&name| {
                let field = self.fields.facet(name);
                (field, searcher.schema().get_field_name(field).to_string())
            })
            .collect();
        FacetValues::new(&self.facet_ords, fields)
    }

    fn targets(&self, scope: Scope) -> Vec<Target> {
        let f = &self.fields;
        let t = |field, analyzer, boost, positions| Target { field, analyzer, boost, positions };
        let title = vec![
            t(f.title_exact, Analyzer::Exact, 4.0, true),
            t(f.title_fold, Analyzer::Fold, 2.5, true),
            t(f.title_stem, Analyzer::Stem(StemLanguage::English), 2.0, true),
            t(f.title_skeleton, Analyzer::Skeleton, 0.8, false),
        ];
        match scope {
            Scope::Title => title,
            Scope::Author => vec![t(f.author, Analyzer::Name, 1.0, true)],
            Scope::Recipient => vec![t(f.recipient, Analyzer::Name, 1.0, true)],
            Scope::Archive => vec![t(f.archive, Analyzer::Name, 1.0, true)],
            Scope::Collection => vec![t(f.collection, Analyzer::Name, 1.0, true)],
            // Single words are looked up in the words field (`atom`): these are for phrases
            // and words that split in several (`119/I-50`), which need positions.
            Scope::Any => {
                let mut all: Vec<Target> = title.into_iter().filter(|t| t.positions).collect();
                all.push(t(f.body_fold, Analyzer::Fold, 1.0, true));
                all.push(t(f.author, Analyzer::Name, 1.5, true));
                all.push(t(f.recipient, Analyzer::Name, 1.5, true));
                all.push(t(f.archive, Analyzer::Name, 1.0, true));
                all.push(t(f.collection, Analyzer::Name, 1.0, true));
                all.push(t(f.citation, Analyzer::Fold, 0.8, true));
                all
            }
        }
    }

    /// What the index holds that decides which terms a word is looked up by, read once per
    /// searcher generation.
    fn vocabulary(&self, searcher: &Searcher) -> Vocabulary {
        let generation = searcher.generation().generation_id();
        let mut known = self.vocabulary.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, vocabulary)) = &*known
            && *seen == generation
        {
            return vocabulary.clone();
        }
        let has_terms = |field: Field, prefix: &str| {
            // The terms that begin with `prefix`: those at or after it and before the prefix
            // with its last byte raised (prefixes here end in ASCII).
            let mut end = prefix.as_bytes().to_vec();
            if let Some(last) = end.last_mut() {
                *last += 1;
            }
            searcher.segment_readers().iter().any(|segment| {
                segment.inverted_index(field).is_ok_and(|index| {
                    let terms = index.terms().range().ge(prefix.as_bytes());
                    let terms = if prefix.is_empty() { terms } else { terms.lt(&end) };
                    terms.into_stream().is_ok_and(|mut terms| terms.advance())
                })
            })
        };
        let vocabulary = Vocabulary {
            languages: StemLanguage::ALL
                .into_iter()
                .filter(|&language| {
                    words::stem_prefixes(language)
                        .iter()
                        .any(|prefix| has_terms(self.fields.words, prefix))
                })
                .collect(),
            authors: has_terms(self.fields.author, ""),
            recipients: has_terms(self.fields.recipient, ""),
            archives: has_terms(self.fields.archive, ""),
            collections: has_terms(self.fields.collection, ""),
            citations: has_terms(self.fields.citation, ""),
        };
        *known = Some((generation, vocabulary.clone()));
        vocabulary
    }

    /// Builds the tantivy query for a request.
    pub(crate) fn build(
        &self,
        request: &SearchRequest,
        searcher: &Searcher,
    ) -> Box<dyn TantivyQuery> {
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        let mut n_positive = 0;
        let mut proximity_words: Vec<&str> = Vec::new();
        // A query that prints a day ("…, Washington, May 5, 1954") looks for a known item: the
        // day's words are not searched as words, the documents of that day come first, and the
        // other plain words need not all match (a telegram's post, "Belgrade", may be nowhere in
        // it), half of them suffice.
        let printed = (request.sort == Sort::Relevance && request.mode == MatchMode::All)
            .then(|| known::printed_day(&request.raw))
            .flatten();
        let mut lenient: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        let vocabulary = self.vocabulary(searcher);
        for clause in &request.query.clauses {
            if let Some(printed) = &printed
                && !clause.negated
                && let [Atom::Text { scope: Scope::Any, text, phrase: false }] =
                    clause.alternatives.as_slice()
            {
                let word =
                    text.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase();
                if printed.words.contains(&word) {
                    continue;
                }
                if let (Some(query), _) = self.atom(&clause.alternatives[0], searcher, &vocabulary)
                {
                    // A word most records hold ("the", "of", "State") adds to the score but
                    // does not count towards the half that must match.
                    if self.is_common(searcher, text) {
                        clauses.push((Occur::Should, query));
                    } else {
                        lenient.push((Occur::Should, query));
                    }
                    proximity_words.push(text);
                    n_positive += 1;
                }
                continue;
            }
            let mut alternatives: Vec<Box<dyn TantivyQuery>> = Vec::new();
            let mut filter = false;
            for atom in &clause.alternatives {
                let (query, is_filter) = self.atom(atom, searcher, &vocabulary);
                filter |= is_filter;
                alternatives.extend(query);
            }
            let query: Box<dyn TantivyQuery> = match alternatives.len() {
                0 => continue,
                1 => alternatives.pop().expect("one alternative"),
                _ => Box::new(BooleanQuery::new(
                    alternatives.into_iter().map(|q| (Occur::Should, q)).collect(),
                )),
            };
            if clause.negated {
                clauses.push((Occur::MustNot, query));
            } else if !filter && request.mode == MatchMode::Any {
                // Any word may match: every term query of every word is one clause of one flat
                // union (the same sum of scores), which block-max WAND can skip through.
                n_positive += 1;
                if let [Atom::Text { scope: Scope::Any, text, phrase: false }] =
                    clause.alternatives.as_slice()
                {
                    proximity_words.push(text);
                }
                clauses.extend(flatten_union(query).into_iter().map(|q| (Occur::Should, q)));
            } else if filter {
                // A filter that is itself an intersection (a date range: starts before its end,
                // ends after its start) joins the enclosing one, which then skips through all
                // its parts at once rather than through a nested intersection.
                for part in flatten_intersection(query) {
                    clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(part, 0.0))));
                }
            } else {
                n_positive += 1;
                if let [Atom::Text { scope: Scope::Any, text, phrase: false }] =
                    clause.alternatives.as_slice()
                {
                    proximity_words.push(text);
                }
                let occur = match request.mode {
                    MatchMode::All => Occur::Must,
                    MatchMode::Any => Occur::Should,
                };
                clauses.push((occur, query));
            }
        }
        if !lenient.is_empty() {
            let required = lenient.len().div_ceil(2);
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::with_minimum_required_clauses(lenient, required)),
            ));
        }
        if let Some(printed) = &printed {
            let day = day_number(printed.day);
            let on_the_day = self.date_overlap(searcher, day, day);
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(on_the_day, DATE_MATCH_BOOST)),
            ));
        }
        // Proximity needs positions for every match, which would keep an any-word query (a flat
        // union) from skipping: it ranks all-word queries only.
        if request.sort == Sort::Relevance
            && request.mode == MatchMode::All
            && proximity_words.len() >= 2
        {
            clauses.extend(self.proximity(&proximity_words));
        }
        if !clauses.iter().any(|(occur, _)| *occur == Occur::Must)
            && (n_positive == 0 || request.mode == MatchMode::All)
        {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let main: Box<dyn TantivyQuery> = match clauses.len() {
            1 if clauses[0].0 != Occur::MustNot => clauses.pop().expect("one clause").1,
            _ => Box::new(BooleanQuery::new(clauses)),
        };
        let known = self.known_items(&request.raw);
        if known.is_empty() {
            return main;
        }
        let mut either: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![(Occur::Should, main)];
        for term in known {
            let query = TermQuery::new(term, IndexRecordOption::Basic);
            either.push((Occur::Should, Box::new(BoostQuery::new(Box::new(query), 1000.0))));
        }
        Box::new(BooleanQuery::new(either))
    }

    /// The query for one atom, and whether it is a filter (which does not score).
    fn atom(
        &self,
        atom: &Atom,
        searcher: &Searcher,
        vocabulary: &Vocabulary,
    ) -> (Option<Box<dyn TantivyQuery>>, bool) {
        let f = &self.fields;
        match atom {
            Atom::Text { scope, text, phrase } => {
                let mut should: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
                // Phrases (and words that split into several, like `119/I-50`) need positions;
                // single words have the words field.
                let positional = *phrase || Analyzer::Fold.analyze(text).len() > 1;
                if *scope == Scope::Any && !positional {
                    return (self.word(text, vocabulary), false);
                }
                // Where the exact and folded forms are the same words (most English), the exact
                // title field would find what the folded one finds: its weight goes to that one.
                let same_forms = Analyzer::Exact.analyze(text) == Analyzer::Fold.analyze(text);
                let targets = self.targets(*scope);
                let exact_title_boost =
                    targets.iter().find(|t| t.field == f.title_exact).map_or(0.0, |t| t.boost);
                for mut target in targets {
                    if positional && !target.positions {
                        continue;
                    }
                    if same_forms && target.field == f.title_exact {
                        continue;
                    }
                    if same_forms && target.field == f.title_fold {
                        target.boost += exact_title_boost;
                    }
                    for query in field_query(&target, text) {
                        should
                            .push((Occur::Should, Box::new(BoostQuery::new(query, target.boost))));
                    }
                }
                if should.is_empty() {
                    return (None, false);
                }
                (Some(Box::new(BooleanQuery::new(should))), false)
            }
            Atom::Prefix { scope, text } => (self.expanded(searcher, *scope, text, None), false),
            Atom::Fuzzy { scope, text, distance } => {
                (self.expanded(searcher, *scope, text, Some(*distance)), false)
            }
            Atom::Exact { facet, value } => {
                let facet_term = Facet::from_path([facet_value(*facet, value)]);
                let term = Term::from_facet(f.facet(*facet), &facet_term);
                (Some(Box::new(TermQuery::new(term, IndexRecordOption::Basic))), true)
            }
            Atom::Records(ids) => {
                let terms = ids.iter().map(|id| Term::from_field_text(f.id, id));
                (Some(Box::new(TermSetQuery::new(terms))), true)
            }
            // Refused before a query is built (see `search`): nothing matches them here.
            Atom::Between(..) | Atom::About(..) => {
                (Some(Box::new(TermSetQuery::new(std::iter::empty::<Term>()))), true)
            }
            Atom::Language(code) => (Some(term_query(f.language, code)), true),
            Atom::Type(doc_type) => (Some(term_query(f.doc_type, doc_type.key())), true),
            Atom::Date(range) => {
                let from = range.from.map_or(DAY_MIN, day_number);
                let to = range.to.map_or(DAY_MAX, day_number);
                (Some(self.date_overlap(searcher, from, to)), true)
            }
        }
    }

    /// The query for one plain word: its forms in the words field (see `words`: titles and
    /// texts), its folded form in titles, where a word says most about a record (and a marked
    /// word's exact form besides), its romanizations in correspondents', archives' and
    /// collections' names (a name is spelled as many ways as there are languages), and its folded
    /// form in citations and source notes (not stemmed: "file" is not "Central Files"). Fields no
    /// record has a word in are left out. A union of term queries, whose scores add up.
    fn word(&self, text: &str, vocabulary: &Vocabulary) -> Option<Box<dyn TantivyQuery>> {
        let f = &self.fields;
        let mut should: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        let mut add = |field: Field, term: &str, boost: f32| {
            let query =
                TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs);
            should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(query), boost))));
        };
        for (term, weight) in words::query_terms(text, &vocabulary.languages) {
            add(f.words, &term, weight);
        }
        let folded = Analyzer::Fold.analyze(text);
        let exact = Analyzer::Exact.analyze(text);
        for (_, term) in &folded {
            add(f.title_fold, term, TITLE_WORD_BOOST);
        }
        if exact != folded {
            for (_, term) in &exact {
                add(f.title_exact, term, TITLE_EXACT_BOOST);
            }
        }
        let name = Analyzer::Name.analyze(text);
        for (field, present, boost) in [
            (f.author, vocabulary.authors, NAME_BOOST),
            (f.recipient, vocabulary.recipients, NAME_BOOST),
            (f.archive, vocabulary.archives, PLACE_BOOST),
            (f.collection, vocabulary.collections, PLACE_BOOST),
        ] {
            if present {
                for (_, term) in &name {
                    add(field, term, boost);
                }
            }
        }
        if vocabulary.citations {
            for (_, term) in &folded {
                add(f.citation, term, CITATION_BOOST);
            }
        }
        if should.is_empty() {
            return None;
        }
        Some(Box::new(BooleanQuery::new(should)))
    }

    /// The fields a prefix or fuzzy word is expanded in for a scope, with their weights (folded
    /// forms only: an expansion stands for spellings already).
    fn expansion_targets(&self, scope: Scope) -> Vec<(Field, Analyzer, f32)> {
        let f = &self.fields;
        let fold = Analyzer::Fold;
        match scope {
            // Skeletons carry other scripts and romanizations: `Хрущ*` finds "Khrushchev".
            Scope::Any => vec![
                (f.title_fold, fold, 2.5),
                (f.body_plain, fold, 1.0),
                (f.body_marked, fold, 1.0),
                (f.author, fold, 1.5),
                (f.recipient, fold, 1.5),
                (f.title_skeleton, Analyzer::Skeleton, 0.8),
                (f.body_skeleton, Analyzer::Skeleton, 0.3),
            ],
            Scope::Title => {
                vec![(f.title_fold, fold, 1.0), (f.title_skeleton, Analyzer::Skeleton, 0.5)]
            }
            Scope::Author => vec![(f.author, Analyzer::Name, 1.0)],
            Scope::Recipient => vec![(f.recipient, Analyzer::Name, 1.0)],
            Scope::Archive => vec![(f.archive, Analyzer::Name, 1.0)],
            Scope::Collection => vec![(f.collection, Analyzer::Name, 1.0)],
        }
    }

    /// The query for a prefix (`distance` `None`) or a fuzzy word: any of the words it expands
    /// to in each field, capped (see `expand`).
    fn expanded(
        &self,
        searcher: &Searcher,
        scope: Scope,
        text: &str,
        distance: Option<Option<u8>>,
    ) -> Option<Box<dyn TantivyQuery>> {
        let mut should: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for (field, analyzer, boost) in self.expansion_targets(scope) {
            // Every form the analyzer gives (a name's skeleton variants), each expanded.
            let mut forms: Vec<String> =
                analyzer.analyze(text).into_iter().map(|(_, t)| t).collect();
            forms.dedup();
            for form in forms.iter().filter(|f| f.chars().count() >= 2) {
                let expansion = match distance {
                    None => Expansion::Prefix(form),
                    Some(d) => Expansion::Fuzzy(form, d.unwrap_or_else(|| default_distance(form))),
                };
                for (word, _) in expand(searcher, field, expansion) {
                    let term = Term::from_field_text(field, &word);
                    let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(query), boost))));
                }
            }
        }
        // A word that expands to nothing matches nothing (not everything).
        Some(Box::new(BooleanQuery::new(should)))
    }

    /// Whether most records hold this word (in their texts, folded).
    fn is_common(&self, searcher: &Searcher, text: &str) -> bool {
        let n_docs = searcher.num_docs();
        Analyzer::Fold.analyze(text).iter().all(|(_, word)| {
            let term = Term::from_field_text(self.fields.body_fold, word);
            searcher.doc_freq(&term).unwrap_or(0) * 2 > n_docs
        })
    }

    /// Records whose date overlaps the days `from..=to` (as day numbers): they start before the
    /// range ends and end after it starts. The second condition is left out where every record
    /// meets it (the range starts before any record ends: `date:..1960`, or the archive's whole
    /// span), so that the filter reads one column.
    fn date_overlap(&self, searcher: &Searcher, from: i64, to: i64) -> Box<dyn TantivyQuery> {
        let f = &self.fields;
        let starts_before: Box<dyn TantivyQuery> = Box::new(RangeQuery::new(
            std::ops::Bound::Unbounded,
            std::ops::Bound::Included(Term::from_field_i64(f.date_from, to)),
        ));
        let all_end_after = searcher.segment_readers().iter().all(|segment| {
            segment.fast_fields().i64("date_to").is_ok_and(|column| from <= column.min_value())
        });
        if all_end_after {
            return starts_before;
        }
        let ends_after = RangeQuery::new(
            std::ops::Bound::Included(Term::from_field_i64(f.date_to, from)),
            std::ops::Bound::Unbounded,
        );
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, starts_before),
            (Occur::Must, Box::new(ends_after)),
        ]))
    }

    /// The folded terms (and their other spellings) of every positive word, for highlighting.
    fn snippet_query(
        &self,
        searcher: &Searcher,
        query: &Query,
        field: Field,
        analyzer: Analyzer,
    ) -> BooleanQuery {
        let mut terms: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for clause in query.clauses.iter().filter(|c| !c.negated) {
            for atom in &clause.alternatives {
                for term in self.highlighted_terms(searcher, atom, field, analyzer) {
                    let term = Term::from_field_text(field, &term);
                    terms.push((
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    ));
                }
            }
        }
        BooleanQuery::new(terms)
    }

    /// The terms of `field` a free-text atom marks in a snippet: its words as `analyzer` makes
    /// them, or what a prefix or fuzzy word expands to there. Filters mark nothing.
    fn highlighted_terms(
        &self,
        searcher: &Searcher,
        atom: &Atom,
        field: Field,
        analyzer: Analyzer,
    ) -> Vec<String> {
        let expansion_of = |text: &str, distance: Option<Option<u8>>| -> Vec<String> {
            let folded: String = Analyzer::Fold.analyze(text).into_iter().map(|(_, t)| t).collect();
            if folded.is_empty() || field != self.fields.body_fold {
                return Vec::new();
            }
            let expansion = match distance {
                None => Expansion::Prefix(&folded),
                Some(d) => {
                    Expansion::Fuzzy(&folded, d.unwrap_or_else(|| default_distance(&folded)))
                }
            };
            expand(searcher, field, expansion).into_iter().map(|(word, _)| word).collect()
        };
        match atom {
            Atom::Text { text, scope: Scope::Any, phrase } => {
                let mut terms: Vec<String> =
                    analyzer.analyze(text).into_iter().map(|(_, term)| term).collect();
                if !phrase && field == self.fields.body_fold {
                    terms.extend(self.inflections(searcher, text));
                }
                terms
            }
            Atom::Prefix { text, scope: Scope::Any } => expansion_of(text, None),
            Atom::Fuzzy { text, scope: Scope::Any, distance } => {
                expansion_of(text, Some(*distance))
            }
            _ => Vec::new(),
        }
    }

    /// The words of the texts that share a query word's stem (`aggression` and `aggressive` for
    /// `aggressively`): a word is found by its stem, and its snippet marks the form the text
    /// has. Read from the folded texts' dictionary, among the words that begin with the stem
    /// (bounded as a prefix is, see `expand`); stems shorter than [`MIN_PREFIX_CHARS`] are not
    /// looked for. Stems are compared in the languages whose stemmers read the folded (Latin)
    /// form; a transliterated Cyrillic word is marked only as written.
    fn inflections(&self, searcher: &Searcher, text: &str) -> Vec<String> {
        let exact = crate::analysis::exact(text);
        let mut found: Vec<String> = Vec::new();
        for language in self.vocabulary(searcher).languages {
            let stem = crate::analysis::fold(&language.stem(&exact));
            if stem.chars().count() < MIN_PREFIX_CHARS {
                continue;
            }
            for (word, _) in expand(searcher, self.fields.body_fold, Expansion::Prefix(&stem)) {
                if crate::analysis::fold(&language.stem(&word)) == stem && !found.contains(&word) {
                    found.push(word);
                }
            }
        }
        found
    }

    /// Rewards titles and texts in which the words stand close together, in order.
    fn proximity(&self, words: &[&str]) -> Vec<(Occur, Box<dyn TantivyQuery>)> {
        let terms_of = |field: Field| -> Vec<Term> {
            words
                .iter()
                .flat_map(|w| Analyzer::Fold.analyze(w))
                .map(|(_, term)| Term::from_field_text(field, &term))
                .collect()
        };
        let mut out: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for (field, slop, boost) in [(self.fields.title_fold, 3, 3.0)] {
            let terms = terms_of(field);
            if terms.len() < 2 {
                continue;
            }
            let mut phrase = PhraseQuery::new(terms);
            phrase.set_slop(slop);
            out.push((Occur::Should, Box::new(BoostQuery::new(Box::new(phrase), boost))));
        }
        // A title that holds every word, in any order and however far apart ("Letter From the
        // Secretary of State to the President" for `letter secretary state president`) is what a
        // reader who types a title's words means, more than a text that holds them all.
        let title: Vec<(Occur, Box<dyn TantivyQuery>)> = terms_of(self.fields.title_fold)
            .into_iter()
            .map(|term| {
                let query: Box<dyn TantivyQuery> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Must, query)
            })
            .collect();
        if title.len() >= 2 {
            out.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(BooleanQuery::new(title)),
                    TITLE_ALL_WORDS_BOOST,
                )),
            ));
        }
        out
    }

    /// Known-item keys a raw query may be: a record id, a permalink, or a signature.
    fn known_items(&self, raw: &str) -> Vec<Term> {
        let raw = raw.trim();
        let field = self.fields.known;
        let mut terms = Vec::new();
        if raw.is_empty() || raw.chars().count() > 300 {
            return terms;
        }
        if let Ok(id) = RecordId::parse(raw) {
            terms.push(Term::from_field_text(field, &format!("id:{}", id.key())));
        }
        if raw.starts_with("http://") || raw.starts_with("https://") {
            if let Some(id) = RecordId::from_permalink(raw) {
                terms.push(Term::from_field_text(field, &format!("id:{}", id.key())));
            }
            if let Some(key) = url_key(raw) {
                terms.push(Term::from_field_text(field, &key));
            }
            return terms;
        }
        let key = known_key(raw);
        if key.len() >= 3 && key.chars().any(|c| c.is_ascii_digit()) {
            terms.push(Term::from_field_text(field, &format!("sig:{key}")));
        }
        if let Some(key) = known::cited_edition_key(raw) {
            terms.push(Term::from_field_text(field, &key));
        }
        terms
    }
}

/// Each counted facet's values with their counts, in the order asked.
type FacetFruits = Vec<Vec<(String, u64)>>;

/// Runs a search's collectors in one pass over its matches: the hits (`top`), and when asked for
/// the count and the facet values. Hits alone are collected on their own, which lets tantivy skip
/// matches that cannot make the page (block-max WAND) where the query allows it.
fn collect<C: Collector>(
    searcher: &Searcher,
    query: &dyn TantivyQuery,
    top: C,
    count: Option<Count>,
    facets: Option<FacetValues<'_>>,
) -> Result<(C::Fruit, Option<usize>, Option<FacetFruits>)> {
    if count.is_none() && facets.is_none() {
        return Ok((searcher.search(query, &top)?, None, None));
    }
    Ok(searcher.search(query, &(top, count, facets))?)
}

fn term_query(field: Field, text: &str) -> Box<dyn TantivyQuery> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic))
}

/// The parts of a union (`Should` clauses, any one of which may match) as clauses of their own,
/// to be added to an enclosing union: the scores sum the same way, and a union of term queries
/// alone is what block-max WAND needs. Any other query is its own one part.
fn flatten_union(query: Box<dyn TantivyQuery>) -> Vec<Box<dyn TantivyQuery>> {
    if let Some(union) = query.downcast_ref::<BooleanQuery>()
        && union.get_minimum_number_should_match() <= 1
        && union.clauses().iter().all(|(occur, _)| *occur == Occur::Should)
    {
        return union.clauses().iter().flat_map(|(_, q)| flatten_union(q.box_clone())).collect();
    }
    vec![query]
}

/// The parts of an intersection (`Must` clauses only), to be added to an enclosing one; any
/// other query is its own one part.
fn flatten_intersection(query: Box<dyn TantivyQuery>) -> Vec<Box<dyn TantivyQuery>> {
    if let Some(intersection) = query.downcast_ref::<BooleanQuery>()
        && !intersection.clauses().is_empty()
        && intersection.clauses().iter().all(|(occur, _)| *occur == Occur::Must)
    {
        return intersection
            .clauses()
            .iter()
            .flat_map(|(_, q)| flatten_intersection(q.box_clone()))
            .collect();
    }
    vec![query]
}

/// The queries for some text in one field, whose scores add up: a term, each of the alternatives
/// at one position, or a phrase.
fn field_query(target: &Target, text: &str) -> Vec<Box<dyn TantivyQuery>> {
    let analyzed = target.analyzer.analyze(text);
    let mut positions: Vec<(usize, Vec<String>)> = Vec::new();
    for (position, term) in analyzed {
        match positions.last_mut() {
            Some((last, terms)) if *last == position => terms.push(term),
            _ => positions.push((position, vec![term])),
        }
    }
    let record = IndexRecordOption::WithFreqs;
    match positions.as_slice() {
        [] => Vec::new(),
        [(_, terms)] => terms
            .iter()
            .map(|t| {
                let q: Box<dyn TantivyQuery> =
                    Box::new(TermQuery::new(Term::from_field_text(target.field, t), record));
                q
            })
            .collect(),
        _ if target.positions => {
            let first = positions[0].0;
            let terms = positions
                .iter()
                .map(|(position, terms)| {
                    (position - first, Term::from_field_text(target.field, &terms[0]))
                })
                .collect();
            vec![Box::new(PhraseQuery::new_with_offset(terms))]
        }
        _ => Vec::new(),
    }
}
