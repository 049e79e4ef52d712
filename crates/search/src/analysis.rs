//! Text analysis for historians: how words become index terms.
//!
//! Every analyzer splits text into words (runs of letters, digits and combining marks; words over
//! 64 bytes are dropped), normalizes each word with Unicode NFKC and full lowercasing, and then:
//!
//! - [`Analyzer::Exact`] keeps that form: `Hruščov` → `hruščov`. Exact matches rank highest.
//! - [`Analyzer::Fold`] transliterates Cyrillic to scholarly Latin (Serbian Gaj letters and the
//!   ISO 9 / scholarly values for Russian: ж→ž, х→h, ц→c, ч→č, ш→š, щ→šč, ё→ë, й→j, ю→ju, я→ja,
//!   ъ and ь dropped), decomposes (NFD) and drops combining marks, and spells out special letters
//!   (đ→dj, ß→ss, ł→l, ø→o, æ→ae, œ→oe): `Тито` → `tito`, `Југославија` → `jugoslavija`,
//!   `Ђилас` → `djilas`, `Хрущёв` → `hruscev`.
//! - [`Analyzer::Skeleton`] rewrites the folded form so that the romanizations of one Slavic name
//!   meet: English and German digraphs (shch→sc, tsch→c, sch→s, kh→h, zh→z, sh→s, ch→c *and* h,
//!   w→v, ya/yu/yo/ye→ja/ju/jo/je, initial ts→c) and surname endings (-ev/-ov/-off/-eff→ov,
//!   -sky/-ski/-skiy/-skij→ski). `Хрущёв`, `Hruščov`, `Chruschtschow` and `Khrushchev` all give
//!   `hruscov`. It may give two or more variants at one position; it is a recall field, weighted
//!   low, because it also merges unrelated English words.
//! - [`Analyzer::Name`] gives the folded form and the skeleton variants at one position: for
//!   author, recipient, archive and collection names.
//! - [`Analyzer::Stem`] applies the Snowball stemmer of a language (on the lowercased original, so
//!   the Russian and Serbian stemmers see Cyrillic), then folds: `relations` → `relat`,
//!   `Југославије` → `jugoslavij`.

pub use chancery_model::romanize::{exact, fold, skeleton};
use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;

/// Words longer than this many bytes are not indexed.
const MAX_WORD_BYTES: usize = 64;

/// A language with a stemmer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StemLanguage {
    /// English (Porter2).
    English,
    /// Russian.
    Russian,
    /// Serbo-Croatian (Snowball's Serbian stemmer, which reads Cyrillic and Latin).
    SerboCroatian,
    /// German.
    German,
    /// French.
    French,
}

impl StemLanguage {
    /// Every stemmed language.
    pub const ALL: [StemLanguage; 5] = [
        StemLanguage::English,
        StemLanguage::Russian,
        StemLanguage::SerboCroatian,
        StemLanguage::German,
        StemLanguage::French,
    ];

    /// The stemmer for an ISO 639-3 code, if we have one.
    pub fn for_code(code: &str) -> Option<StemLanguage> {
        Some(match code {
            "eng" => StemLanguage::English,
            "rus" => StemLanguage::Russian,
            "hbs" | "srp" | "hrv" | "bos" | "cnr" => StemLanguage::SerboCroatian,
            "deu" => StemLanguage::German,
            "fra" => StemLanguage::French,
            _ => return None,
        })
    }

    /// A short key used in field and tokenizer names.
    pub fn key(self) -> &'static str {
        match self {
            StemLanguage::English => "en",
            StemLanguage::Russian => "ru",
            StemLanguage::SerboCroatian => "sh",
            StemLanguage::German => "de",
            StemLanguage::French => "fr",
        }
    }

    /// A word's stem (of its exact form, before folding).
    pub(crate) fn stem(self, exact: &str) -> String {
        self.stemmer().stem(exact).into_owned()
    }

    /// The language's stemmer, built once and shared.
    fn stemmer(self) -> &'static Stemmer {
        static STEMMERS: [std::sync::OnceLock<Stemmer>; 5] =
            [const { std::sync::OnceLock::new() }; 5];
        let idx =
            StemLanguage::ALL.iter().position(|&l| l == self).expect("every language is in ALL");
        STEMMERS[idx].get_or_init(|| Stemmer::new(self.algorithm()))
    }

    fn algorithm(self) -> Algorithm {
        match self {
            StemLanguage::English => Algorithm::English,
            StemLanguage::Russian => Algorithm::Russian,
            StemLanguage::SerboCroatian => Algorithm::Serbian,
            StemLanguage::German => Algorithm::German,
            StemLanguage::French => Algorithm::French,
        }
    }
}

/// How a field's text becomes terms (see the module docs).
///
/// The `Plain`/`Marked` analyzers split one body into disjoint parts so that a common word costs
/// one posting list: words whose exact form is already their folded form (most English words)
/// are *plain*; words with diacritics or in Cyrillic are *marked*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Analyzer {
    /// NFKC and lowercase only.
    Exact,
    /// Transliterated to Latin, diacritics removed.
    Fold,
    /// Romanization skeleton, possibly several variants.
    Skeleton,
    /// Fold plus skeleton variants.
    Name,
    /// Stemmed for a language, then folded.
    Stem(StemLanguage),
    /// The folded form of plain words only (exact form = folded form).
    PlainFold,
    /// The folded form of marked words only (exact form ≠ folded form).
    MarkedFold,
    /// The exact form of marked words only.
    MarkedExact,
    /// The skeleton variants that differ from the folded form.
    SkeletonNotFold,
}

impl Analyzer {
    /// The name under which the tokenizer is registered with tantivy.
    pub fn tokenizer_name(self) -> String {
        match self {
            Analyzer::Exact => "ch_exact".into(),
            Analyzer::Fold => "ch_fold".into(),
            Analyzer::Skeleton => "ch_skeleton".into(),
            Analyzer::Name => "ch_name".into(),
            Analyzer::Stem(language) => format!("ch_stem_{}", language.key()),
            Analyzer::PlainFold => "ch_plain_fold".into(),
            Analyzer::MarkedFold => "ch_marked_fold".into(),
            Analyzer::MarkedExact => "ch_marked_exact".into(),
            Analyzer::SkeletonNotFold => "ch_skeleton_not_fold".into(),
        }
    }

    /// Every analyzer, for registering them all.
    pub fn all() -> Vec<Analyzer> {
        let mut all = vec![
            Analyzer::Exact,
            Analyzer::Fold,
            Analyzer::Skeleton,
            Analyzer::Name,
            Analyzer::PlainFold,
            Analyzer::MarkedFold,
            Analyzer::MarkedExact,
            Analyzer::SkeletonNotFold,
        ];
        all.extend(StemLanguage::ALL.map(Analyzer::Stem));
        all
    }

    /// The terms for one word, in order; all share the word's position.
    pub fn terms(self, word: &str) -> Vec<String> {
        let exact = exact(word);
        match self {
            Analyzer::Exact => vec![exact],
            // An ASCII word is its own fold: keep the string we have.
            Analyzer::Fold if exact.is_ascii() => vec![exact],
            Analyzer::Fold => vec![fold(&exact)],
            Analyzer::Skeleton => skeleton(&fold(&exact)),
            Analyzer::Name => {
                let folded = fold(&exact);
                let mut terms = vec![folded.clone()];
                for variant in skeleton(&folded) {
                    if !terms.contains(&variant) {
                        terms.push(variant);
                    }
                }
                terms
            }
            Analyzer::PlainFold | Analyzer::MarkedFold | Analyzer::MarkedExact => {
                let folded = fold(&exact);
                let marked = folded != exact;
                match (self, marked) {
                    (Analyzer::PlainFold, false) | (Analyzer::MarkedFold, true) => vec![folded],
                    (Analyzer::MarkedExact, true) => vec![exact],
                    _ => Vec::new(),
                }
            }
            Analyzer::SkeletonNotFold => {
                let folded = fold(&exact);
                skeleton(&folded).into_iter().filter(|v| *v != folded).collect()
            }
            Analyzer::Stem(language) => vec![fold(&language.stemmer().stem(&exact))],
        }
    }

    /// Analyzes a text: each term with its word position.
    pub fn analyze(self, text: &str) -> Vec<(usize, String)> {
        let mut tokenizer = ChanceryTokenizer::new(self);
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((token.position, token.text.clone()));
        }
        out
    }
}

/// A tantivy tokenizer running one [`Analyzer`].
#[derive(Clone)]
pub struct ChanceryTokenizer {
    analyzer: Analyzer,
    token: Token,
}

impl ChanceryTokenizer {
    /// A tokenizer for an analyzer.
    pub fn new(analyzer: Analyzer) -> ChanceryTokenizer {
        ChanceryTokenizer { analyzer, token: Token::default() }
    }
}

/// The token stream of a [`ChanceryTokenizer`].
pub struct ChanceryTokenStream<'a> {
    text: &'a str,
    offset: usize,
    analyzer: Analyzer,
    token: &'a mut Token,
    /// Further terms for the current word, emitted at the same position.
    pending: Vec<String>,
}

impl Tokenizer for ChanceryTokenizer {
    type TokenStream<'a> = ChanceryTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ChanceryTokenStream<'a> {
        self.token.reset();
        ChanceryTokenStream {
            text,
            offset: 0,
            analyzer: self.analyzer,
            token: &mut self.token,
            pending: Vec::new(),
        }
    }
}

pub(crate) fn is_word_char(c: char) -> bool {
    // ASCII first: spaces and punctuation skip the combining-mark table.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

impl TokenStream for ChanceryTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some(term) = self.pending.pop() {
            self.token.text = term;
            return true;
        }
        loop {
            let rest = &self.text[self.offset..];
            let Some(start) = rest.find(is_word_char) else {
                self.offset = self.text.len();
                return false;
            };
            let word_start = self.offset + start;
            let word_len = self.text[word_start..]
                .find(|c| !is_word_char(c))
                .unwrap_or(self.text.len() - word_start);
            let word_end = word_start + word_len;
            self.offset = word_end;
            let word = &self.text[word_start..word_end];
            // The position advances for every word, indexed or not, so phrases stay exact.
            self.token.position = self.token.position.wrapping_add(1);
            if word.len() > MAX_WORD_BYTES {
                continue;
            }
            let mut terms = self.analyzer.terms(word);
            terms.retain(|t| !t.is_empty());
            if terms.is_empty() {
                continue;
            }
            self.token.offset_from = word_start;
            self.token.offset_to = word_end;
            terms.reverse();
            self.token.text = terms.pop().expect("terms is not empty");
            self.pending = terms;
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests;
