//! The query language, parsed into a [`Query`] before anything touches the index.
//!
//! # Grammar
//!
//! ```text
//! query   = clause*                       ; clauses are ANDed
//! clause  = alt ( "OR" alt )*             ; OR (upper case) joins alternatives
//!         | "-" atom                      ; exclusion: no matching record is returned
//! alt     = atom
//! atom    = field ":" value | exact "=" value | phrase | word | word "*" | word "~" [1|2]
//! phrase  = '"' text '"'
//! field   = title | author | recipient | archive | collection   ; text fields: words
//!         | lang | type | date                                  ; filters
//!         | between | about                                     ; two parties: `a,b`
//! exact   = author | recipient | archive | collection | type | lang | year | decade
//! value   = word | phrase                 ; for date: DATE | DATE ".." DATE | ".." DATE | DATE ".."
//! DATE    = YYYY | YYYY-MM | YYYY-MM-DD
//! ```
//!
//! Words and phrases search titles, texts, summaries, names, archives and citations, matching
//! across scripts and spellings (see `analysis`). `lang:` takes an ISO 639 code or an English
//! name (`lang:hbs`, `lang:Russian`); `type:` a document type (`type:letter`); `date:` a day,
//! month, year or range, matching records whose date overlaps it.
//!
//! Two ways to name a field keep two questions apart. `field:value` matches *words*:
//! `archive:"National Archives"` finds every archive whose name holds those words, the National
//! Archives of Yugoslavia too. `field=value` matches a value's *identity*, as a facet counts it:
//! `archive="National Archives and Records Administration"` (an archive by its normalized name,
//! any spelling the archive list knows), `collection=frus1955-57v26/comp5/ch5` (a volume or a
//! part of one by its id; a named collection by its name), `author="Josip Broz Tito"` (a name
//! exactly as the record gives it), `year=1954`, `decade=1950`, `type=letter`, `lang=hbs`. A
//! facet's count is the number of records its `=` clause returns.
//!
//! `between:tito,khrushchev` finds the records between two parties (a letter from one's side to
//! the other's, or a conversation of both; persons, organizations or countries, as a relation's
//! address names them: `between:yugoslavia,ussr`), `about:yugoslavia,ussr` the records naming
//! both. The site and its API answer them (they know who a name is); the index alone refuses
//! them.
//!
//! `Khrush*` matches words that begin so (at least [`MIN_PREFIX_CHARS`] characters before the
//! star); `Khruschev~` words one or two edits away (`~1`, `~2` to choose; by default one edit for
//! words of up to five letters, two for longer ones). Each expands to at most
//! [`crate::MAX_EXPANSIONS`] of the index's words, the most frequent first. Queries are limited
//! to [`MAX_QUERY_CHARS`] characters and [`MAX_CLAUSES`] clauses.

use std::fmt;

use chancery_model::date::{CalendarDay, EdtfDate};
use chancery_model::doc_type::DocType;
use chancery_model::language::Language;

use crate::schema::FacetName;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The most clauses a query may have.
pub const MAX_CLAUSES: usize = 64;
/// The fewest characters a prefix (`Khr*`) must have: shorter ones match too much to mean
/// anything.
pub const MIN_PREFIX_CHARS: usize = 3;
/// The fewest characters a fuzzy word (`Tito~`) must have.
pub const MIN_FUZZY_CHARS: usize = 3;
/// The longest party a `between:` or `about:` names.
pub const MAX_PARTY_CHARS: usize = 120;

/// A parsed query: clauses that must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The clauses.
    pub clauses: Vec<Clause>,
}

impl Query {
    /// Whether the query has no clause (it then browses everything).
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Where the query selects values of a facet: the first clause made only of `=` atoms of
    /// that facet (`type=letter OR type=telegram`).
    pub fn selection(&self, name: FacetName) -> Option<usize> {
        self.clauses.iter().position(|clause| {
            !clause.negated
                && clause
                    .alternatives
                    .iter()
                    .all(|atom| matches!(atom, Atom::Exact { facet, .. } if *facet == name))
        })
    }
}

/// One clause: alternatives of which at least one must match, or an exclusion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// An excluded clause: records matching it are left out.
    pub negated: bool,
    /// The alternatives (more than one only with OR).
    pub alternatives: Vec<Atom>,
}

/// Where a text atom is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Everywhere.
    Any,
    /// Titles.
    Title,
    /// Authors.
    Author,
    /// Recipients.
    Recipient,
    /// Holding archive and fonds.
    Archive,
    /// Collections.
    Collection,
}

/// The smallest unit of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// A word or a phrase.
    Text {
        /// Where to search.
        scope: Scope,
        /// The text.
        text: String,
        /// Whether the words must be adjacent and in order.
        phrase: bool,
    },
    /// Records in this language (ISO 639-3 code).
    Language(String),
    /// Records of this type.
    Type(DocType),
    /// Records whose date overlaps this range.
    Date(DateRange),
    /// Words that begin with this text (`Khrush*`).
    Prefix {
        /// Where to search.
        scope: Scope,
        /// The beginning, without the star.
        text: String,
    },
    /// Words a few edits away from this one (`Khruschev~`).
    Fuzzy {
        /// Where to search.
        scope: Scope,
        /// The word, without the tilde.
        text: String,
        /// How many edits, when the query says (`~1`, `~2`).
        distance: Option<u8>,
    },
    /// Records with this value of a facet, by its identity (`archive="…"`, `year=1954`).
    Exact {
        /// Which facet.
        facet: FacetName,
        /// The value as the facet counts it (a language's code, a type's key, a year of four
        /// digits), or as typed for names (the index normalizes archives).
        value: String,
    },
    /// Records between two parties (`between:tito,khrushchev`): a letter from one's side to the
    /// other's, or a conversation of both. Which records those are is the web crate's to say
    /// (it resolves names to parties); it replaces this atom with [`Atom::Records`] before the
    /// index runs the query, which refuses the atom otherwise.
    Between(String, String),
    /// Records about two parties (`about:yugoslavia,ussr`): naming both. The web crate replaces
    /// it with the parties' names before the index runs the query.
    About(String, String),
    /// These records, by id: what [`Atom::Between`] becomes. Not written in the language.
    Records(Vec<String>),
}

impl Atom {
    /// The query-language text of this atom, which parses back to it.
    fn write(&self, out: &mut String) {
        let scope_prefix = |scope: &Scope| match scope {
            Scope::Any => "",
            Scope::Title => "title:",
            Scope::Author => "author:",
            Scope::Recipient => "recipient:",
            Scope::Archive => "archive:",
            Scope::Collection => "collection:",
        };
        match self {
            Atom::Text { scope, text, phrase } => {
                out.push_str(scope_prefix(scope));
                if *phrase {
                    quote(text, out);
                } else {
                    out.push_str(text);
                }
            }
            Atom::Language(code) => {
                out.push_str("lang:");
                out.push_str(code);
            }
            Atom::Type(doc_type) => {
                out.push_str("type:");
                out.push_str(doc_type.key());
            }
            Atom::Date(range) => {
                out.push_str("date:");
                out.push_str(&range.to_string());
            }
            Atom::Prefix { scope, text } => {
                out.push_str(scope_prefix(scope));
                out.push_str(text);
                out.push('*');
            }
            Atom::Fuzzy { scope, text, distance } => {
                out.push_str(scope_prefix(scope));
                out.push_str(text);
                out.push('~');
                if let Some(distance) = distance {
                    out.push_str(&distance.to_string());
                }
            }
            Atom::Between(a, b) => {
                out.push_str("between:");
                out.push_str(a);
                out.push(',');
                out.push_str(b);
            }
            Atom::About(a, b) => {
                out.push_str("about:");
                out.push_str(a);
                out.push(',');
                out.push_str(b);
            }
            // Never typed: a query holding it prints the ids it stands for as `-` (nothing).
            Atom::Records(ids) => {
                out.push_str("records:");
                out.push_str(&ids.len().to_string());
            }
            Atom::Exact { facet, value } => {
                out.push_str(facet.key());
                out.push('=');
                if value.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c))
                    && !value.is_empty()
                {
                    out.push_str(value);
                } else {
                    quote(value, out);
                }
            }
        }
    }
}

/// A value in quotes, its quotes and backslashes escaped (see `quoted`).
fn quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        if self.negated {
            out.push('-');
        }
        for (n, atom) in self.alternatives.iter().enumerate() {
            if n > 0 {
                out.push_str(" OR ");
            }
            atom.write(&mut out);
        }
        f.write_str(&out)
    }
}

impl fmt::Display for Query {
    /// The query in the query language: parsing it gives the same query back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, clause) in self.clauses.iter().enumerate() {
            if n > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{clause}")?;
        }
        Ok(())
    }
}

impl fmt::Display for DateRange {
    /// `1954`, `1954-08`, `1954-08-02`, `1948..1955`, `..1955`, `1950..`: the shortest form that
    /// parses back to the same days.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = |year: i32| {
            if year < 0 { format!("-{:04}", -i64::from(year)) } else { format!("{year:04}") }
        };
        let start = |day: CalendarDay| {
            let y = year(day.year);
            if day.month == 1 && day.day == 1 {
                y
            } else if day.day == 1 {
                format!("{y}-{:02}", day.month)
            } else {
                format!("{y}-{:02}-{:02}", day.month, day.day)
            }
        };
        let end = |day: CalendarDay| {
            let y = year(day.year);
            let last_of_month = chancery_model::date::days_in_month(day.year, day.month);
            if day.month == 12 && day.day == 31 {
                y
            } else if day.day == last_of_month {
                format!("{y}-{:02}", day.month)
            } else {
                format!("{y}-{:02}-{:02}", day.month, day.day)
            }
        };
        match (self.from, self.to) {
            (Some(from), Some(to)) => {
                let (a, b) = (start(from), end(to));
                if a == b { f.write_str(&a) } else { write!(f, "{a}..{b}") }
            }
            (Some(from), None) => write!(f, "{}..", start(from)),
            (None, Some(to)) => write!(f, "..{}", end(to)),
            (None, None) => f.write_str(".."),
        }
    }
}

/// Inclusive range of days; an open end is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// Earliest day.
    pub from: Option<CalendarDay>,
    /// Latest day.
    pub to: Option<CalendarDay>,
}

/// A malformed query: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// 1-based character column.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for QueryError {}

const FIELDS: &str =
    "title, author, recipient, archive, collection, lang, type, date, between, about";
const EXACT_FIELDS: &str = "author, recipient, archive, collection, type, lang, year, decade";

/// A lexical token with its column.
#[derive(Debug)]
enum Lexeme {
    Word {
        column: usize,
        text: String,
        negated: bool,
        /// The field named before `:` (words) or `=` (identity), and which of the two.
        field: Option<(String, bool)>,
        phrase: bool,
    },
    Or {
        column: usize,
    },
}

/// Parses a query.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let n_chars = input.chars().count();
    if n_chars > MAX_QUERY_CHARS {
        return Err(QueryError {
            column: MAX_QUERY_CHARS + 1,
            message: format!("the query has {n_chars} characters; the limit is {MAX_QUERY_CHARS}"),
        });
    }
    let lexemes = lex(input)?;
    let mut clauses: Vec<Clause> = Vec::new();
    let mut joining = false;
    let mut last_column = 1;
    for lexeme in lexemes {
        match lexeme {
            Lexeme::Or { column } => {
                let previous_ok = clauses.last().is_some_and(|c| !c.negated) && !joining;
                if !previous_ok {
                    return Err(QueryError { column, message: "OR needs a term on each side, as in `tito OR kardelj` (excluded terms cannot be ORed)".into() });
                }
                joining = true;
                last_column = column;
            }
            Lexeme::Word { column, text, negated, field, phrase } => {
                let atom =
                    atom(column, field.as_ref().map(|(f, e)| (f.as_str(), *e)), text, phrase)?;
                if joining {
                    if negated {
                        return Err(QueryError {
                            column,
                            message: "an excluded term cannot follow OR; write `a OR b -c`".into(),
                        });
                    }
                    clauses.last_mut().expect("OR follows a clause").alternatives.push(atom);
                    joining = false;
                } else {
                    clauses.push(Clause { negated, alternatives: vec![atom] });
                }
                last_column = column;
            }
        }
        if clauses.len() > MAX_CLAUSES {
            return Err(QueryError {
                column: last_column,
                message: format!("more than {MAX_CLAUSES} terms; shorten the query"),
            });
        }
    }
    if joining {
        return Err(QueryError {
            column: last_column,
            message: "OR at the end of the query: add the alternative after it".into(),
        });
    }
    Ok(Query { clauses })
}

fn lex(input: &str) -> Result<Vec<Lexeme>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut lexemes = Vec::new();
    let mut idx = 0;
    while idx < chars.len() {
        if chars[idx].is_whitespace() {
            idx += 1;
            continue;
        }
        let column = idx + 1;
        let mut negated = false;
        if chars[idx] == '-' && idx + 1 < chars.len() && !chars[idx + 1].is_whitespace() {
            negated = true;
            idx += 1;
        } else if chars[idx] == '-' {
            return Err(QueryError {
                column,
                message: "a lone `-`: put the excluded word right after it, as in `-Stalin`".into(),
            });
        }
        if chars[idx] == '"' {
            let (text, next) = quoted(&chars, idx, column)?;
            lexemes.push(Lexeme::Word { column, text, negated, field: None, phrase: true });
            idx = next;
            continue;
        }
        let start = idx;
        while idx < chars.len()
            && !chars[idx].is_whitespace()
            && chars[idx] != ':'
            && chars[idx] != '='
            && chars[idx] != '"'
        {
            idx += 1;
        }
        let head: String = chars[start..idx].iter().collect();
        if idx < chars.len()
            && ((chars[idx] == ':' && is_field_name(&head))
                || (chars[idx] == '=' && is_exact_field(&head)))
            && !rest_is_url(&chars, idx)
        {
            let head = (head, chars[idx] == '=');
            idx += 1;
            if idx < chars.len() && chars[idx] == '"' {
                let (text, next) = quoted(&chars, idx, idx + 1)?;
                lexemes.push(Lexeme::Word {
                    column,
                    text,
                    negated,
                    field: Some(head),
                    phrase: true,
                });
                idx = next;
            } else {
                let value_start = idx;
                while idx < chars.len() && !chars[idx].is_whitespace() {
                    idx += 1;
                }
                let value: String = chars[value_start..idx].iter().collect();
                if value.is_empty() {
                    let (name, exact) = &head;
                    let sign = if *exact { '=' } else { ':' };
                    return Err(QueryError {
                        column,
                        message: format!(
                            "`{name}{sign}` needs a value, as in `{name}{sign}…` with no space after it"
                        ),
                    });
                }
                lexemes.push(Lexeme::Word {
                    column,
                    text: value,
                    negated,
                    field: Some(head),
                    phrase: false,
                });
            }
            continue;
        }
        while idx < chars.len() && !chars[idx].is_whitespace() {
            if chars[idx] == '"' {
                return Err(QueryError {
                    column: idx + 1,
                    message: "a quote inside a word: put phrases in quotes with spaces around them"
                        .into(),
                });
            }
            idx += 1;
        }
        let text: String = chars[start..idx].iter().collect();
        if text == "OR" && !negated {
            lexemes.push(Lexeme::Or { column });
        } else {
            lexemes.push(Lexeme::Word { column, text, negated, field: None, phrase: false });
        }
    }
    Ok(lexemes)
}

fn is_field_name(head: &str) -> bool {
    !head.is_empty() && head.len() <= 12 && head.chars().all(|c| c.is_ascii_alphabetic())
}

fn is_exact_field(head: &str) -> bool {
    matches!(
        head.to_ascii_lowercase().as_str(),
        "author"
            | "from"
            | "recipient"
            | "to"
            | "archive"
            | "collection"
            | "type"
            | "lang"
            | "language"
            | "year"
            | "decade"
    )
}

fn rest_is_url(chars: &[char], colon: usize) -> bool {
    chars.get(colon + 1) == Some(&'/') && chars.get(colon + 2) == Some(&'/')
}

/// Reads a quoted phrase starting at `open`; returns its text and the index after the closing
/// quote.
/// Reads a quoted phrase starting at `open`; returns its text and the index after the closing
/// quote. Inside quotes, `\"` is a quote and `\\` a backslash (so that any value, even one with
/// quotes in it, can be written); any other backslash is itself.
fn quoted(chars: &[char], open: usize, column: usize) -> Result<(String, usize), QueryError> {
    let mut text = String::new();
    let mut idx = open + 1;
    loop {
        match chars.get(idx) {
            None => {
                return Err(QueryError {
                    column,
                    message: "this quote is never closed: add the closing `\"`".into(),
                });
            }
            Some('"') => break,
            Some('\\') if matches!(chars.get(idx + 1), Some('"' | '\\')) => {
                text.push(chars[idx + 1]);
                idx += 2;
            }
            Some(&c) => {
                text.push(c);
                idx += 1;
            }
        }
    }
    if text.trim().is_empty() {
        return Err(QueryError {
            column,
            message: "an empty phrase: put words between the quotes".into(),
        });
    }
    Ok((text, idx + 1))
}

fn atom(
    column: usize,
    field: Option<(&str, bool)>,
    text: String,
    phrase: bool,
) -> Result<Atom, QueryError> {
    let error = |message: String| QueryError { column, message };
    let Some((field, exact)) = field else {
        return words(column, Scope::Any, text, phrase);
    };
    if exact {
        return exact_atom(field, text).map_err(error);
    }
    let scope = match field.to_ascii_lowercase().as_str() {
        "title" => Scope::Title,
        "author" | "from" => Scope::Author,
        "recipient" | "to" => Scope::Recipient,
        "archive" => Scope::Archive,
        "collection" => Scope::Collection,
        "lang" | "language" => {
            let language = Language::from_code(&text).or_else(|| Language::from_name(&text));
            return match language {
                Some(language) => Ok(Atom::Language(language.code)),
                None => Err(error(format!(
                    "unknown language `{text}`: use an ISO 639 code (hbs, rus, eng) or an English name"
                ))),
            };
        }
        "type" => {
            return DocType::from_key(&text).map(Atom::Type).ok_or_else(|| {
                let known: Vec<&str> = DocType::ALL.iter().map(|t| t.key()).collect();
                error(format!("unknown type `{text}`; use one of {}", known.join(", ")))
            });
        }
        "date" => return date_range(&text).map(Atom::Date).map_err(error),
        "between" | "about" => {
            let pair = text.split_once(',').map(|(a, b)| (a.trim(), b.trim())).filter(|(a, b)| {
                [a, b].iter().all(|p| {
                    !p.is_empty()
                        && p.len() <= MAX_PARTY_CHARS
                        && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
            });
            let Some((a, b)) = pair else {
                return Err(error(format!(
                    "`{field}:` takes two parties, as a relation's address names them, with a comma and no space: `{field}:yugoslavia,ussr`, `{field}:tito,khrushchev`"
                )));
            };
            let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
            return Ok(if field.eq_ignore_ascii_case("between") {
                Atom::Between(a, b)
            } else {
                Atom::About(a, b)
            });
        }
        other => return Err(error(format!("unknown field `{other}`; the fields are {FIELDS}"))),
    };
    words(column, scope, text, phrase)
}

/// A word, a phrase, a prefix (`Khrush*`) or a fuzzy word (`Khruschev~`).
fn words(column: usize, scope: Scope, text: String, phrase: bool) -> Result<Atom, QueryError> {
    let error = |message: String| QueryError { column, message };
    if phrase {
        return Ok(Atom::Text { scope, text, phrase });
    }
    // A star or tilde ends a word of letters and digits only; elsewhere (`119/I-50*`, `a~b`)
    // they are part of a word as typed.
    let word_of = |t: &str| !t.is_empty() && t.chars().all(char::is_alphanumeric);
    if let Some(stem) = text.strip_suffix('*').filter(|s| word_of(s)) {
        if stem.chars().count() < MIN_PREFIX_CHARS {
            return Err(error(format!(
                "`{text}`: a prefix is at least {MIN_PREFIX_CHARS} letters or digits before the `*`, as in `Khrush*`"
            )));
        }
        return Ok(Atom::Prefix { scope, text: stem.to_string() });
    }
    if let Some((word, rest)) = text.rsplit_once('~').filter(|(w, _)| word_of(w)) {
        let distance = match rest {
            "" => None,
            "1" => Some(1),
            "2" => Some(2),
            _ => return Ok(Atom::Text { scope, text, phrase }),
        };
        if word.chars().count() < MIN_FUZZY_CHARS {
            return Err(error(format!(
                "`{text}`: a fuzzy word is at least {MIN_FUZZY_CHARS} letters before the `~`, as in `Khruschev~`"
            )));
        }
        return Ok(Atom::Fuzzy { scope, text: word.to_string(), distance });
    }
    Ok(Atom::Text { scope, text, phrase })
}

/// A `field=value` clause: a facet value by its identity.
fn exact_atom(field: &str, value: String) -> Result<Atom, String> {
    let facet = match field.to_ascii_lowercase().as_str() {
        "author" | "from" => FacetName::Author,
        "recipient" | "to" => FacetName::Recipient,
        "archive" => FacetName::Archive,
        "collection" => FacetName::Collection,
        "type" => {
            let value = value.trim();
            let doc_type = DocType::from_key(value).ok_or_else(|| {
                let known: Vec<&str> = DocType::ALL.iter().map(|t| t.key()).collect();
                format!("unknown type `{value}`; use one of {}", known.join(", "))
            })?;
            return Ok(Atom::Exact { facet: FacetName::Type, value: doc_type.key().to_string() });
        }
        "lang" | "language" => {
            let value = value.trim();
            let language = Language::from_code(value)
                .or_else(|| Language::from_name(value))
                .ok_or_else(|| format!("unknown language `{value}`: use an ISO 639 code (hbs, rus, eng) or an English name"))?;
            return Ok(Atom::Exact { facet: FacetName::Language, value: language.code });
        }
        "year" => {
            let year: i32 =
                value.trim().parse().ok().filter(|y| (0..=9999).contains(y)).ok_or_else(|| {
                    format!("`year={value}`: a year is a number such as `year=1954`")
                })?;
            return Ok(Atom::Exact { facet: FacetName::Year, value: format!("{year:04}") });
        }
        "decade" => {
            let decade: i32 = value
                .trim()
                .trim_end_matches('s')
                .parse()
                .ok()
                .filter(|d| (0..=9999).contains(d) && d % 10 == 0)
                .ok_or_else(|| {
                    format!("`decade={value}`: a decade is its first year, such as `decade=1950`")
                })?;
            return Ok(Atom::Exact { facet: FacetName::Decade, value: format!("{decade:04}") });
        }
        other => {
            return Err(format!(
                "`{other}=` is no field that matches by identity; those are {EXACT_FIELDS} (`{other}:` matches words)"
            ));
        }
    };
    if value.trim().is_empty() {
        return Err(format!("`{field}=` needs a value"));
    }
    Ok(Atom::Exact { facet, value })
}

fn date_range(text: &str) -> Result<DateRange, String> {
    let side = |part: &str| -> Result<Option<EdtfDate>, String> {
        if part.is_empty() {
            return Ok(None);
        }
        let date: EdtfDate = part.parse().map_err(|e| format!("bad date: {e}"))?;
        if date.qualifier != chancery_model::date::Qualifier::None
            || date.unspecified_year_digits > 0
        {
            return Err(format!(
                "`{part}`: use plain dates (YYYY, YYYY-MM, YYYY-MM-DD) in date filters"
            ));
        }
        Ok(Some(date))
    };
    let advice =
        "write `date:1954`, `date:1954-08`, `date:1948..1955`, `date:..1955` or `date:1950..`";
    let range = match text.split_once("..") {
        Some((from, to)) => {
            let range = DateRange {
                from: side(from)?.map(|d| d.earliest()),
                to: side(to)?.map(|d| d.latest()),
            };
            if range.from.is_none() && range.to.is_none() {
                return Err(format!("a date range needs at least one end; {advice}"));
            }
            range
        }
        None => {
            let date = side(text)?.ok_or_else(|| format!("an empty date; {advice}"))?;
            DateRange { from: Some(date.earliest()), to: Some(date.latest()) }
        }
    };
    if let (Some(from), Some(to)) = (range.from, range.to)
        && from > to
    {
        return Err(format!("`{text}` ends before it starts"));
    }
    Ok(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(scope: Scope, text: &str, phrase: bool) -> Atom {
        Atom::Text { scope, text: text.into(), phrase }
    }

    fn clause(atoms: Vec<Atom>) -> Clause {
        Clause { negated: false, alternatives: atoms }
    }

    #[test]
    fn words_phrases_or_exclusion_fields() {
        let query = parse(r#"normalization "Executive Committee" tito OR kardelj -stalin title:letter author:"Nikita Khrushchev""#).unwrap();
        assert_eq!(
            query.clauses,
            [
                clause(vec![text(Scope::Any, "normalization", false)]),
                clause(vec![text(Scope::Any, "Executive Committee", true)]),
                clause(vec![text(Scope::Any, "tito", false), text(Scope::Any, "kardelj", false)]),
                Clause { negated: true, alternatives: vec![text(Scope::Any, "stalin", false)] },
                clause(vec![text(Scope::Title, "letter", false)]),
                clause(vec![text(Scope::Author, "Nikita Khrushchev", true)]),
            ]
        );
    }

    #[test]
    fn filters() {
        let day = |y, m, d| Some(CalendarDay { year: y, month: m, day: d });
        let query = parse(
            "lang:Serbo-Croatian type:letter date:1948..1955 date:1954-08 date:..1955 date:1950..",
        )
        .unwrap();
        let atoms: Vec<&Atom> = query.clauses.iter().map(|c| &c.alternatives[0]).collect();
        assert_eq!(atoms[0], &Atom::Language("hbs".into()));
        assert_eq!(atoms[1], &Atom::Type(DocType::Letter));
        assert_eq!(
            atoms[2],
            &Atom::Date(DateRange { from: day(1948, 1, 1), to: day(1955, 12, 31) })
        );
        assert_eq!(
            atoms[3],
            &Atom::Date(DateRange { from: day(1954, 8, 1), to: day(1954, 8, 31) })
        );
        assert_eq!(atoms[4], &Atom::Date(DateRange { from: None, to: day(1955, 12, 31) }));
        assert_eq!(atoms[5], &Atom::Date(DateRange { from: day(1950, 1, 1), to: None }));
    }

    #[test]
    fn things_that_look_like_fields_but_are_not() {
        let query = parse(
            "https://digitalarchive.wilsoncenter.org/document/112970 10:30 507 / IX, 119/I-50",
        )
        .unwrap();
        assert_eq!(query.clauses.len(), 6);
        assert_eq!(
            query.clauses[0].alternatives[0],
            text(Scope::Any, "https://digitalarchive.wilsoncenter.org/document/112970", false)
        );
        assert_eq!(parse("").unwrap(), Query::default());
        assert_eq!(parse("   ").unwrap(), Query::default());
    }

    #[test]
    fn malformed_queries_say_where_and_what() {
        for (input, column, needle) in [
            ("\"Executive Committee", 1, "never closed"),
            ("tito OR", 6, "OR at the end"),
            ("OR tito", 1, "OR needs a term"),
            ("tito OR OR kardelj", 9, "OR needs a term"),
            ("-tito OR kardelj", 7, "OR needs a term"),
            ("tito OR -kardelj", 9, "cannot follow OR"),
            ("tito - kardelj", 6, "lone `-`"),
            ("titel:letter", 1, "unknown field `titel`"),
            ("date:1955..1948", 1, "ends before it starts"),
            ("date:1954-13", 1, "not 01..12"),
            ("date:..", 1, "at least one end"),
            ("date:1954~", 1, "plain dates"),
            ("lang:martian", 1, "unknown language"),
            ("type:poem", 1, "unknown type `poem`"),
            ("title:", 1, "needs a value"),
            ("\"\"", 1, "empty phrase"),
            ("ti\"to", 3, "quote inside a word"),
        ] {
            let error = parse(input).unwrap_err();
            assert_eq!(error.column, column, "{input}: {error}");
            assert!(error.message.contains(needle), "{input}: {error}");
        }
        assert!(parse(&"a ".repeat(600)).unwrap_err().message.contains("limit is 1000"));
        assert!(parse(&"a ".repeat(70)).unwrap_err().message.contains("more than 64 terms"));
    }

    #[test]
    fn identity_prefix_and_fuzzy_atoms() {
        let query = parse(
            r#"archive="National Archives" collection=frus1955-57v26/comp5/ch5 year=1954 decade=1950s type=letter lang=Russian -author="Tito" Khrush* title:Hrušč* Khruschev~ Tito~1"#,
        )
        .unwrap();
        let atoms: Vec<&Atom> = query.clauses.iter().map(|c| &c.alternatives[0]).collect();
        let exact = |facet, value: &str| Atom::Exact { facet, value: value.into() };
        assert_eq!(atoms[0], &exact(FacetName::Archive, "National Archives"));
        assert_eq!(atoms[1], &exact(FacetName::Collection, "frus1955-57v26/comp5/ch5"));
        assert_eq!(atoms[2], &exact(FacetName::Year, "1954"));
        assert_eq!(atoms[3], &exact(FacetName::Decade, "1950"));
        assert_eq!(atoms[4], &exact(FacetName::Type, "letter"));
        assert_eq!(atoms[5], &exact(FacetName::Language, "rus"));
        assert!(query.clauses[6].negated);
        assert_eq!(atoms[7], &Atom::Prefix { scope: Scope::Any, text: "Khrush".into() });
        assert_eq!(atoms[8], &Atom::Prefix { scope: Scope::Title, text: "Hrušč".into() });
        assert_eq!(
            atoms[9],
            &Atom::Fuzzy { scope: Scope::Any, text: "Khruschev".into(), distance: None }
        );
        assert_eq!(
            atoms[10],
            &Atom::Fuzzy { scope: Scope::Any, text: "Tito".into(), distance: Some(1) }
        );
        assert_eq!(query.selection(FacetName::Type), Some(4));
        assert_eq!(query.selection(FacetName::Author), None, "an exclusion is no selection");
        // What only looks like one of them stays a word.
        for word in ["E=mc2", "119/I-50*", "a~b", "-i~i~"] {
            let query = parse(word).unwrap();
            assert!(matches!(query.clauses[0].alternatives[0], Atom::Text { .. }), "{word}");
        }
    }

    #[test]
    fn queries_print_as_they_parse() {
        for input in [
            "tito",
            "\"Executive Committee\" tito OR kardelj -stalin",
            "title:letter author:\"Nikita Khrushchev\" recipient:tito archive:RGANI collection:Yugoslavia",
            "lang:hbs type:letter date:1954 date:1954-08 date:1954-08-02 date:1948..1955 date:..1955-06 date:1950..",
            "date:1954-01-05..1954-02-10 date:1954..1954-01",
            "archive=\"Arhiv Jugoslavije\" collection=frus1955-57v26/comp5/ch5 year=1954 decade=1950",
            "type=letter OR type=telegram -language=eng author=\"Tito, Josip Broz\"",
            "Khrush* author:Hrušč* Khruschev~ Tito~2",
            "https://digitalarchive.wilsoncenter.org/document/112970",
            r#"author="The \"Old Man\" \\ Tito" "a \"quoted\" phrase""#,
            "date:0001..0050 date:0999-02",
            "-OR title:OR a-b* abc~x 119/I-50* archive=-x",
        ] {
            let query = parse(input).unwrap();
            let printed = query.to_string();
            assert_eq!(parse(&printed).unwrap(), query, "{input} → {printed}");
        }
        assert_eq!(parse("from:tito lang:Russian").unwrap().to_string(), "author:tito lang:rus");
    }

    #[test]
    fn malformed_identity_and_expansion_atoms_say_what_to_fix() {
        for (input, needle) in [
            ("year=fifty", "a year is a number"),
            ("decade=1954", "a decade is its first year"),
            ("type=poem", "unknown type `poem`"),
            ("lang=martian", "unknown language"),
            ("archive=", "needs a value"),
            ("Kh*", "at least 3 letters"),
            ("Ti~", "at least 3 letters"),
        ] {
            let error = parse(input).unwrap_err();
            assert!(error.message.contains(needle), "{input}: {error}");
        }
        // At the limits: three characters are enough.
        assert!(matches!(parse("Khr*").unwrap().clauses[0].alternatives[0], Atom::Prefix { .. }));
        assert!(matches!(parse("Tit~").unwrap().clauses[0].alternatives[0], Atom::Fuzzy { .. }));
    }
}
