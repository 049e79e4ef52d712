//! The words field: every analysed form of a record's words in one field, BM25F-style.
//!
//! A plain query word used to be looked up in a dozen fields (exact, folded, stemmed and skeleton
//! forms of titles, texts, names and citations), each a posting list of its own; a union that
//! wide is slow to walk and keeps tantivy from skipping (block-max WAND needs a flat union or
//! intersection of a few term lists). Here each form is a term of one field, told apart by a
//! mark, and a source's weight is how many times its words are written:
//!
//! | term | holds |
//! |---|---|
//! | `~en:relat` | the stem of a *plain* word (its exact form is its folded form: most English), by the stemmer of its text's language |
//! | `≈~en:hruscov` | the stem of a *marked* word (diacritics, Cyrillic), folded |
//! | `=hruščov` | a marked word's exact form |
//! | `^hruscov` | a skeleton variant that differs from the folded form (`Chruschtschow`) |
//!
//! A word is found by its stem, which stands for the word as written, its inflections and, folded,
//! its other spellings: `relation` finds `relations`, `Hruscov` finds `Hruščov`. What tells them
//! apart is kept where it costs no long list: a plain query word looks up plain stems at full
//! weight and marked ones lower (both lists of a plain English word but one are empty), so that
//! `Hruscov` ranks its own spelling first; a marked word's exact form has its own term, so that
//! `Hruščov` does too; romanizations (`^`) weigh least. Inflections are not told apart from the
//! word as written (as in the engines we compare with).
//!
//! The words of a record's title and texts (its summary and other sections among them) go in;
//! term frequencies add up across them before BM25 saturates them, as in BM25F (with one length
//! norm for the whole record). So a plain English query word costs one long posting list here
//! where it cost six to twelve. Titles, which say most about a record, are also looked up in
//! their own field (`search`): a short list, and a weight that repetition in one long field could
//! not give them; so are names (correspondents, archives, collections: spelled as many ways as
//! there are languages, and not to be stemmed) and citations. Phrases, proximity, scoped queries
//! (`title:`, `author:`), highlighting and prefix expansion keep the per-source fields, which
//! have positions.

use std::collections::HashMap;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::analysis::{StemLanguage, exact, fold, is_word_char, skeleton};

/// Words longer than this many bytes are not indexed (as in every analyzer).
const MAX_WORD_BYTES: usize = 64;

/// The mark of a marked word's exact form.
const EXACT: char = '=';
/// The mark of a marked word's stem.
const MARKED: char = '≈';
/// The mark before the language key that begins a value of the words field.
const LANGUAGE: char = '\u{E000}';
/// The mark of a stem (followed by the language key and `:`).
const STEM: char = '~';
/// The mark of a skeleton variant.
const SKELETON: char = '^';

/// The weights of a query word's terms.
pub(crate) mod weight {
    /// The same stem, from a word of the same kind (plain or marked): what the word as written
    /// (2) and its stem (0.9) weighed together when they were looked up apart.
    pub(crate) const STEM: f32 = 2.9;
    /// The share of [`STEM`] for a word of the other kind (`Hruščov` for `Hruscov`).
    pub(crate) const OTHER_KIND: f32 = 0.6;
    /// What a marked word's exact form adds (`Hruščov` for `Hruščov`).
    pub(crate) const EXACT_FORM: f32 = 1.0;
    /// The same romanization skeleton (`Chruschtschow` for `Khrushchev`).
    pub(crate) const SKELETON: f32 = 0.3;
}

/// The words field's value for a text in a language: the language's key behind a mark, then the
/// text (the tokenizer reads the key, so that one field can hold texts in several languages).
pub(crate) fn value(language: StemLanguage, text: &str) -> String {
    let mut value = String::with_capacity(text.len() + 5);
    value.push(LANGUAGE);
    value.push_str(language.key());
    value.push(' ');
    value.push_str(text);
    value
}

/// The words field's tokenizer: each word's terms (see the module docs).
#[derive(Clone, Default)]
pub(crate) struct WordsTokenizer {
    /// Each distinct word's terms, computed once (stemming and skeletons cost more than a lookup,
    /// and texts repeat their words); emptied when it holds [`MAX_CACHED_WORDS`].
    cache: HashMap<(StemLanguage, String), Vec<String>>,
    token: Token,
}

/// The most words a [`WordsTokenizer`] keeps the terms of.
const MAX_CACHED_WORDS: usize = 100_000;

/// The name the words tokenizer is registered under.
pub(crate) const TOKENIZER: &str = "ch_words";

/// The token stream of a [`WordsTokenizer`].
pub(crate) struct WordsStream<'a> {
    words: std::str::Split<'a, fn(char) -> bool>,
    language: StemLanguage,
    cache: &'a mut HashMap<(StemLanguage, String), Vec<String>>,
    token: &'a mut Token,
    /// The current word's terms, and how many are emitted.
    terms: Vec<String>,
    next: usize,
}

fn not_word_char(c: char) -> bool {
    !is_word_char(c)
}

impl Tokenizer for WordsTokenizer {
    type TokenStream<'a> = WordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordsStream<'a> {
        self.token.reset();
        let (language, text) = text
            .strip_prefix(LANGUAGE)
            .and_then(|rest| rest.split_once(' '))
            .and_then(|(key, text)| {
                StemLanguage::ALL.into_iter().find(|l| l.key() == key).map(|l| (l, text))
            })
            .unwrap_or((StemLanguage::English, text));
        if self.cache.len() >= MAX_CACHED_WORDS {
            self.cache.clear();
        }
        WordsStream {
            words: text.split(not_word_char as fn(char) -> bool),
            language,
            cache: &mut self.cache,
            token: &mut self.token,
            terms: Vec::new(),
            next: 0,
        }
    }
}

impl TokenStream for WordsStream<'_> {
    fn advance(&mut self) -> bool {
        while self.next >= self.terms.len() {
            let word = loop {
                let word = match self.words.next() {
                    Some(word) => word,
                    None => return false,
                };
                if !word.is_empty() && word.len() <= MAX_WORD_BYTES {
                    break word;
                }
            };
            let key = (self.language, word.to_string());
            self.terms = match self.cache.get(&key) {
                Some(terms) => terms.clone(),
                None => {
                    let terms = word_terms(word, self.language);
                    self.cache.insert(key, terms.clone());
                    terms
                }
            };
            self.next = 0;
        }
        self.token.text.clear();
        self.token.text.push_str(&self.terms[self.next]);
        self.token.position = self.token.position.wrapping_add(1);
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The terms a record holds for one of its words.
fn word_terms(word: &str, language: StemLanguage) -> Vec<String> {
    let exact = exact(word);
    let folded = fold(&exact);
    if folded.is_empty() {
        return Vec::new();
    }
    let mut terms: Vec<String> = Vec::with_capacity(3);
    let stem = stem_term(language, &exact);
    if folded == exact {
        terms.push(stem);
    } else {
        terms.push(format!("{MARKED}{stem}"));
        terms.push(format!("{EXACT}{exact}"));
    }
    for variant in skeleton(&folded) {
        if variant != folded {
            terms.push(format!("{SKELETON}{variant}"));
        }
    }
    terms
}

/// The beginnings of the terms that hold stems in a language (of plain words, of marked words).
pub(crate) fn stem_prefixes(language: StemLanguage) -> [String; 2] {
    let plain = format!("{STEM}{}:", language.key());
    [format!("{MARKED}{plain}"), plain]
}

fn stem_term(language: StemLanguage, exact: &str) -> String {
    format!("{STEM}{}:{}", language.key(), fold(&language.stem(exact)))
}

/// The terms one query word is looked up by, with their weights: its stem in each of
/// `languages` (among words of its own kind, plain or marked, at full weight, among the other
/// kind lower), a marked word's exact form, its skeleton variants.
pub(crate) fn query_terms(word: &str, languages: &[StemLanguage]) -> Vec<(String, f32)> {
    let exact = exact(word);
    let folded = fold(&exact);
    if folded.is_empty() || word.len() > MAX_WORD_BYTES {
        return Vec::new();
    }
    let mut terms: Vec<(String, f32)> = Vec::new();
    let mut add = |term: String, weight: f32| {
        if !terms.iter().any(|(t, _)| *t == term) {
            terms.push((term, weight));
        }
    };
    let plain = folded == exact;
    if !plain {
        add(format!("{EXACT}{exact}"), weight::EXACT_FORM);
    }
    for &language in languages {
        let stem = stem_term(language, &exact);
        let (among_plain, among_marked) =
            if plain { (1.0, weight::OTHER_KIND) } else { (weight::OTHER_KIND, 1.0) };
        add(format!("{MARKED}{stem}"), weight::STEM * among_marked);
        add(stem, weight::STEM * among_plain);
    }
    // Records spelling the name otherwise: their variants, and their words that are one of ours.
    for variant in skeleton(&folded) {
        add(format!("{SKELETON}{variant}"), weight::SKELETON);
        if variant != folded {
            for &language in languages {
                let stem = stem_term(language, &variant);
                add(format!("{MARKED}{stem}"), weight::SKELETON);
                add(stem, weight::SKELETON);
            }
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: StemLanguage = StemLanguage::English;

    fn terms_of(text: &str) -> Vec<String> {
        let mut tokenizer = WordsTokenizer::default();
        let value = value(EN, text);
        let mut stream = tokenizer.token_stream(&value);
        let mut terms = Vec::new();
        while stream.advance() {
            terms.push(stream.token().text.clone());
        }
        terms
    }

    fn weight_of(query: &str, term: &str) -> Option<f32> {
        query_terms(query, &[EN]).into_iter().find(|(t, _)| t == term).map(|(_, w)| w)
    }

    #[test]
    fn plain_and_marked_words_have_their_own_terms() {
        assert_eq!(terms_of("Tito"), ["~en:tito"]);
        assert_eq!(terms_of("Hruščov"), ["≈~en:hruscov", "=hruščov"]);
        assert_eq!(terms_of("relations"), ["~en:relat"]);
        assert!(terms_of("Chruschtschow").contains(&"^hruscov".to_string()));
    }

    #[test]
    fn a_value_is_stemmed_in_its_language() {
        let mut tokenizer = WordsTokenizer::default();
        let value = value(StemLanguage::Russian, "отношений");
        let mut stream = tokenizer.token_stream(&value);
        assert!(stream.advance());
        assert!(stream.token().text.starts_with("≈~ru:"), "{}", stream.token().text);
    }

    #[test]
    fn query_words_meet_the_terms_records_hold() {
        let record = terms_of("Hruščov relations Chruschtschow Hruscov");
        for (query, expected) in [
            ("Hruščov", "=hruščov"),
            ("Hruščov", "~en:hruscov"),
            ("Hruscov", "≈~en:hruscov"),
            ("relation", "~en:relat"),
            ("Khrushchev", "^hruscov"),
        ] {
            assert!(
                weight_of(query, expected).is_some() && record.contains(&expected.to_string()),
                "{query}: {:?}",
                query_terms(query, &[EN])
            );
        }
    }

    #[test]
    fn a_word_ranks_its_own_spelling_first() {
        let own = weight_of("Hruscov", "~en:hruscov").unwrap();
        let other = weight_of("Hruscov", "≈~en:hruscov").unwrap();
        assert!(own > other);
        let own = weight_of("Hruščov", "≈~en:hruscov").unwrap()
            + weight_of("Hruščov", "=hruščov").unwrap();
        let other = weight_of("Hruščov", "~en:hruscov").unwrap();
        assert!(own > other);
        assert!(weight_of("Khrushchev", "^hruscov").unwrap() < other);
    }
}
