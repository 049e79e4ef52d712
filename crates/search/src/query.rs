//! The query language, parsed into a [`Query`] before anything touches the index.
//!
//! # Grammar
//!
//! ```text
//! query   = clause*                       ; clauses are ANDed
//! clause  = alt ( "OR" alt )*             ; OR (upper case) joins alternatives
//!         | "-" atom                      ; exclusion: no matching record is returned
//! alt     = atom
//! atom    = field ":" value | phrase | word
//! phrase  = '"' text '"'
//! field   = title | author | recipient | archive | collection   ; text fields
//!         | lang | type | date                                  ; filters
//! value   = word | phrase                 ; for date: DATE | DATE ".." DATE | ".." DATE | DATE ".."
//! DATE    = YYYY | YYYY-MM | YYYY-MM-DD
//! ```
//!
//! Words and phrases search titles, texts, summaries, names, archives and citations, matching
//! across scripts and spellings (see `analysis`). `lang:` takes an ISO 639 code or an English
//! name (`lang:hbs`, `lang:Russian`); `type:` a document type (`type:letter`); `date:` a day,
//! month, year or range, matching records whose date overlaps it. Queries are limited to
//! [`MAX_QUERY_CHARS`] characters and [`MAX_CLAUSES`] clauses.

use std::fmt;

use chancery_model::date::{CalendarDay, EdtfDate};
use chancery_model::doc_type::DocType;
use chancery_model::language::Language;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The most clauses a query may have.
pub const MAX_CLAUSES: usize = 64;

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

const FIELDS: &str = "title, author, recipient, archive, collection, lang, type, date";

/// A lexical token with its column.
#[derive(Debug)]
enum Lexeme {
    Word { column: usize, text: String, negated: bool, field: Option<String>, phrase: bool },
    Or { column: usize },
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
                let atom = atom(column, field.as_deref(), text, phrase)?;
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
            && chars[idx] != '"'
        {
            idx += 1;
        }
        let head: String = chars[start..idx].iter().collect();
        if idx < chars.len()
            && chars[idx] == ':'
            && is_field_name(&head)
            && !rest_is_url(&chars, idx)
        {
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
                    return Err(QueryError {
                        column,
                        message: format!(
                            "`{head}:` needs a value, as in `{head}:…` with no space after the colon"
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

fn rest_is_url(chars: &[char], colon: usize) -> bool {
    chars.get(colon + 1) == Some(&'/') && chars.get(colon + 2) == Some(&'/')
}

/// Reads a quoted phrase starting at `open`; returns its text and the index after the closing
/// quote.
fn quoted(chars: &[char], open: usize, column: usize) -> Result<(String, usize), QueryError> {
    let close = chars[open + 1..].iter().position(|&c| c == '"').map(|p| p + open + 1);
    let Some(close) = close else {
        return Err(QueryError {
            column,
            message: "this quote is never closed: add the closing `\"`".into(),
        });
    };
    let text: String = chars[open + 1..close].iter().collect();
    if text.trim().is_empty() {
        return Err(QueryError {
            column,
            message: "an empty phrase: put words between the quotes".into(),
        });
    }
    Ok((text, close + 1))
}

fn atom(
    column: usize,
    field: Option<&str>,
    text: String,
    phrase: bool,
) -> Result<Atom, QueryError> {
    let error = |message: String| QueryError { column, message };
    let Some(field) = field else {
        return Ok(Atom::Text { scope: Scope::Any, text, phrase });
    };
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
        other => return Err(error(format!("unknown field `{other}`; the fields are {FIELDS}"))),
    };
    Ok(Atom::Text { scope, text, phrase })
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
}
