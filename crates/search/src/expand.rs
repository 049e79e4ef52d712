//! Words a query word stands for in the index: the words a prefix (`Khrush*`) begins, the words
//! a few edits from a fuzzy word (`Khruschev~`), and the "Did you mean" a query that finds little
//! is offered. Every expansion reads the term dictionaries and is capped: a query cannot grow
//! into an unbounded number of terms.

use std::collections::HashMap;
use std::sync::OnceLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::Searcher;
use tantivy::schema::Field;

use crate::analysis::Analyzer;
use crate::index::SearchIndex;
use crate::query::{Atom, Query, Scope};

/// The most index words one prefix or fuzzy word expands to in one field: the most frequent.
pub const MAX_EXPANSIONS: usize = 50;
/// The most dictionary entries read for one expansion in one segment; a prefix of three letters
/// over a large archive stops there (the most frequent words among them are kept).
pub const MAX_EXPANSION_SCAN: usize = 20_000;
/// A query whose records number fewer than this is offered a "Did you mean".
pub const SUGGEST_BELOW: usize = 3;
/// The longest word a suggestion is looked for (longer ones are rarely typos of a word we hold).
const MAX_SUGGEST_WORD_CHARS: usize = 30;

/// How a word expands.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expansion<'a> {
    /// Words beginning with this folded text.
    Prefix(&'a str),
    /// Words at most this many edits from this folded word.
    Fuzzy(&'a str, u8),
}

/// The edit distance a fuzzy word gets when the query does not say: one edit for short words,
/// two for longer ones.
pub(crate) fn default_distance(word: &str) -> u8 {
    if word.chars().count() <= 5 { 1 } else { 2 }
}

/// A Levenshtein automaton as the term dictionary's fst walks it.
struct Automaton(DFA);

impl tantivy_fst::Automaton for Automaton {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The automaton builders, built once (building one for two edits takes milliseconds).
fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    if distance <= 1 {
        ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
    } else {
        TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))
    }
}

/// The words of `field` an expansion stands for with how many records hold each, most frequent
/// first, at most [`MAX_EXPANSIONS`].
pub(crate) fn expand(
    searcher: &Searcher,
    field: Field,
    expansion: Expansion<'_>,
) -> Vec<(String, u64)> {
    let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else { continue };
        let dictionary = inverted.terms();
        match expansion {
            Expansion::Prefix(prefix) => {
                let mut end = prefix.as_bytes().to_vec();
                end.push(0xFF);
                if let Ok(stream) = dictionary.range().ge(prefix.as_bytes()).lt(&end).into_stream()
                {
                    drain(stream, &mut counts);
                }
            }
            Expansion::Fuzzy(word, distance) => {
                let automaton = Automaton(builder(distance).build_dfa(word));
                if let Ok(stream) = dictionary.search(automaton).into_stream() {
                    drain(stream, &mut counts);
                }
            }
        }
    }
    let mut words: Vec<(String, u64)> = counts
        .into_iter()
        .filter_map(|(bytes, count)| Some((String::from_utf8(bytes).ok()?, count)))
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    words.truncate(MAX_EXPANSIONS);
    words
}

/// Adds a dictionary stream's words and their record counts, reading at most
/// [`MAX_EXPANSION_SCAN`] entries.
fn drain<A: tantivy_fst::Automaton>(
    mut stream: tantivy::termdict::TermStreamer<'_, A>,
    counts: &mut HashMap<Vec<u8>, u64>,
) {
    let mut scanned = 0;
    while scanned < MAX_EXPANSION_SCAN && stream.advance() {
        scanned += 1;
        *counts.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
    }
}

impl SearchIndex {
    /// A query like `query` whose misspelt words are replaced by words the archive holds, when
    /// there is one: each plain word that no record holds (or very few) becomes the most frequent
    /// word of the index one or two edits from it, or a word of one of `names` (the authority's
    /// names) as close. `None` when no word changes.
    pub fn suggest(&self, query: &Query, names: &[String]) -> Option<Query> {
        let searcher = self.reader.searcher();
        let field = self.fields.body_plain;
        let mut suggested = query.clone();
        let mut changed = false;
        for clause in suggested.clauses.iter_mut().filter(|c| !c.negated) {
            for atom in &mut clause.alternatives {
                let Atom::Text { scope: Scope::Any, text, phrase: false } = atom else { continue };
                let folded = Analyzer::Fold.analyze(text);
                let [(_, word)] = folded.as_slice() else { continue };
                let n_chars = word.chars().count();
                if !(4..=MAX_SUGGEST_WORD_CHARS).contains(&n_chars) {
                    continue;
                }
                let own = self.doc_freq(&searcher, field, word)
                    + self.doc_freq(&searcher, self.fields.body_marked, word)
                    + self.doc_freq(&searcher, self.fields.title_fold, word);
                let distance = default_distance(word);
                let mut best: Option<(String, u64, usize)> = None;
                for (candidate, count) in expand(&searcher, field, Expansion::Fuzzy(word, distance))
                {
                    let edits = edit_distance(word, &candidate);
                    if candidate == *word || count <= own.saturating_mul(4) {
                        continue;
                    }
                    if best.as_ref().is_none_or(|b| {
                        (edits, std::cmp::Reverse(count)) < (b.2, std::cmp::Reverse(b.1))
                    }) {
                        best = Some((candidate, count, edits));
                    }
                }
                // The authority's names: a surname one edit away wins over a word two away.
                for name in names.iter().flat_map(|n| Analyzer::Fold.analyze(n)).map(|(_, w)| w) {
                    let name = &name;
                    let edits = edit_distance(word, name);
                    if name == word || edits > usize::from(distance) {
                        continue;
                    }
                    let count = self.doc_freq(&searcher, field, name)
                        + self.doc_freq(&searcher, self.fields.body_marked, name);
                    if count <= own {
                        continue;
                    }
                    if best.as_ref().is_none_or(|b| edits < b.2 || (edits == b.2 && count > b.1)) {
                        best = Some((name.clone(), count, edits));
                    }
                }
                if let Some((candidate, _, _)) = best {
                    // Written as the reader wrote theirs: `Khruschev` → `Khrushchev`.
                    *text = if text.chars().next().is_some_and(char::is_uppercase) {
                        let mut chars = candidate.chars();
                        chars
                            .next()
                            .map_or(candidate.clone(), |c| c.to_uppercase().chain(chars).collect())
                    } else {
                        candidate
                    };
                    changed = true;
                }
            }
        }
        changed.then_some(suggested)
    }

    fn doc_freq(&self, searcher: &Searcher, field: Field, word: &str) -> u64 {
        searcher.doc_freq(&tantivy::Term::from_field_text(field, word)).unwrap_or(0)
    }
}

/// Edits (insertions, deletions, substitutions, swaps of neighbours) between two short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best =
                (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_count_swaps_as_one() {
        assert_eq!(edit_distance("khruschev", "khrushchev"), 1);
        assert_eq!(edit_distance("tito", "tiot"), 1);
        assert_eq!(edit_distance("kardelj", "kardelj"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(default_distance("tito"), 1);
        assert_eq!(default_distance("khruschev"), 2);
    }
}
