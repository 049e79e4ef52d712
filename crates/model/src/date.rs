//! Dates in the Library of Congress Extended Date/Time Format (EDTF), the subset archives need.
//!
//! Supported (EDTF level 0 and the level-1 features that archival dates use):
//! - day, month and year precision: `1954-08-11`, `1954-08`, `1954`;
//! - unspecified trailing year digits: `195X` (a decade), `19XX` (a century);
//! - qualifiers on a whole date: `?` uncertain, `~` approximate, `%` both;
//! - intervals `start/end`, either side open (`..`) or unknown (empty): `1954-08-11/1954-08-12`,
//!   `1954/..`, `/1955`.
//!
//! [`Edtf::bounds`] turns any of these into the earliest and latest calendar days it can mean,
//! which is what date filters and sorting use: a date range query matches when it overlaps.

use std::fmt;
use std::str::FromStr;

/// How sure the source is of a date: EDTF's `?`, `~` and `%` qualifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Qualifier {
    /// No qualifier.
    #[default]
    None,
    /// `?`: the date is uncertain (possibly wrong).
    Uncertain,
    /// `~`: the date is approximate ("circa").
    Approximate,
    /// `%`: both uncertain and approximate.
    UncertainApproximate,
}

impl Qualifier {
    fn suffix(self) -> &'static str {
        match self {
            Qualifier::None => "",
            Qualifier::Uncertain => "?",
            Qualifier::Approximate => "~",
            Qualifier::UncertainApproximate => "%",
        }
    }
}

/// One EDTF date: a year, optionally a month and a day, optionally a qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EdtfDate {
    /// The year (proleptic Gregorian, 0 to 9999). With unspecified digits, the lowest year meant.
    pub year: i32,
    /// Month 1 to 12, if known.
    pub month: Option<u8>,
    /// Day of the month, if known (requires a month).
    pub day: Option<u8>,
    /// How many trailing digits of the year are unspecified (`195X` is 1, `19XX` is 2).
    pub unspecified_year_digits: u8,
    /// Uncertain, approximate, or neither.
    pub qualifier: Qualifier,
}

impl EdtfDate {
    /// A date known to the day.
    pub fn day(year: i32, month: u8, day: u8) -> Result<EdtfDate, EdtfError> {
        let date = EdtfDate {
            year,
            month: Some(month),
            day: Some(day),
            unspecified_year_digits: 0,
            qualifier: Qualifier::None,
        };
        date.validate()?;
        Ok(date)
    }

    /// A date known to the month.
    pub fn month(year: i32, month: u8) -> Result<EdtfDate, EdtfError> {
        let date = EdtfDate {
            year,
            month: Some(month),
            day: None,
            unspecified_year_digits: 0,
            qualifier: Qualifier::None,
        };
        date.validate()?;
        Ok(date)
    }

    /// A date known to the year.
    pub fn year(year: i32) -> Result<EdtfDate, EdtfError> {
        let date = EdtfDate {
            year,
            month: None,
            day: None,
            unspecified_year_digits: 0,
            qualifier: Qualifier::None,
        };
        date.validate()?;
        Ok(date)
    }

    /// The same date with another qualifier.
    pub fn with_qualifier(self, qualifier: Qualifier) -> EdtfDate {
        EdtfDate { qualifier, ..self }
    }

    fn validate(&self) -> Result<(), EdtfError> {
        if !(0..=9999).contains(&self.year) {
            return Err(EdtfError(format!("year {} is outside 0000..9999", self.year)));
        }
        if self.unspecified_year_digits > 2 {
            return Err(EdtfError(
                "at most two unspecified year digits (19XX) are supported".into(),
            ));
        }
        let span = 10i32.pow(u32::from(self.unspecified_year_digits));
        if self.year % span != 0 {
            return Err(EdtfError("unspecified year digits must be zero in `year`".into()));
        }
        if self.unspecified_year_digits > 0 && self.month.is_some() {
            return Err(EdtfError("a year with unspecified digits cannot have a month".into()));
        }
        match (self.month, self.day) {
            (None, Some(_)) => Err(EdtfError("a day needs a month".into())),
            (Some(month), _) if !(1..=12).contains(&month) => {
                Err(EdtfError(format!("month {month} is not 01..12")))
            }
            (Some(month), Some(day)) if day == 0 || day > days_in_month(self.year, month) => {
                Err(EdtfError(format!("{:04}-{month:02} has no day {day}", self.year)))
            }
            _ => Ok(()),
        }
    }

    /// The first calendar day this date can mean.
    pub fn earliest(&self) -> CalendarDay {
        CalendarDay { year: self.year, month: self.month.unwrap_or(1), day: self.day.unwrap_or(1) }
    }

    /// The last calendar day this date can mean.
    pub fn latest(&self) -> CalendarDay {
        let year = self.year + 10i32.pow(u32::from(self.unspecified_year_digits)) - 1;
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(year, month));
        CalendarDay { year, month, day }
    }
}

impl fmt::Display for EdtfDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = format!("{:04}", self.year);
        let digits = usize::from(self.unspecified_year_digits);
        write!(f, "{}{}", &year[..4 - digits], "X".repeat(digits))?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        f.write_str(self.qualifier.suffix())
    }
}

impl FromStr for EdtfDate {
    type Err = EdtfError;

    fn from_str(text: &str) -> Result<EdtfDate, EdtfError> {
        let (body, qualifier) = match text.as_bytes().last() {
            Some(b'?') => (&text[..text.len() - 1], Qualifier::Uncertain),
            Some(b'~') => (&text[..text.len() - 1], Qualifier::Approximate),
            Some(b'%') => (&text[..text.len() - 1], Qualifier::UncertainApproximate),
            _ => (text, Qualifier::None),
        };
        let mut parts = body.split('-');
        let year_text = parts.next().unwrap_or_default();
        if year_text.len() != 4 {
            return Err(EdtfError(format!("`{text}`: expected a four-digit year such as 1954")));
        }
        let n_unspecified = year_text.bytes().rev().take_while(|&b| b == b'X').count();
        let digits = &year_text[..4 - n_unspecified];
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EdtfError(format!("`{text}`: the year must be digits (or trailing X)")));
        }
        let year = format!("{digits}{}", "0".repeat(n_unspecified))
            .parse::<i32>()
            .map_err(|_| EdtfError(format!("`{text}`: bad year")))?;
        let mut number = |what: &str| -> Result<Option<u8>, EdtfError> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(p.parse().expect("two ASCII digits fit in u8")))
                }
                Some(_) => Err(EdtfError(format!("`{text}`: the {what} must be two digits"))),
            }
        };
        let month = number("month")?;
        let day = number("day")?;
        if parts.next().is_some() {
            return Err(EdtfError(format!("`{text}`: expected YYYY, YYYY-MM or YYYY-MM-DD")));
        }
        let date =
            EdtfDate { year, month, day, unspecified_year_digits: n_unspecified as u8, qualifier };
        date.validate().map_err(|EdtfError(message)| EdtfError(format!("`{text}`: {message}")))?;
        Ok(date)
    }
}

/// One end of an EDTF interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntervalEnd {
    /// A known date.
    Date(EdtfDate),
    /// `..`: open, the interval runs on without limit.
    Open,
    /// Empty: the end exists but is not known.
    Unknown,
}

impl fmt::Display for IntervalEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntervalEnd::Date(date) => date.fmt(f),
            IntervalEnd::Open => f.write_str(".."),
            IntervalEnd::Unknown => Ok(()),
        }
    }
}

/// A normalized date: one EDTF date or an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edtf {
    /// A single date (`1954-08-11`, `1954~`).
    Date(EdtfDate),
    /// An interval (`1954-08-11/1954-08-12`).
    Interval {
        /// The start.
        start: IntervalEnd,
        /// The end.
        end: IntervalEnd,
    },
}

impl Edtf {
    /// The earliest and latest days this date can mean; `None` where an interval is open or
    /// unknown at that end.
    pub fn bounds(&self) -> (Option<CalendarDay>, Option<CalendarDay>) {
        match self {
            Edtf::Date(date) => (Some(date.earliest()), Some(date.latest())),
            Edtf::Interval { start, end } => {
                let start = match start {
                    IntervalEnd::Date(date) => Some(date.earliest()),
                    _ => None,
                };
                let end = match end {
                    IntervalEnd::Date(date) => Some(date.latest()),
                    _ => None,
                };
                (start, end)
            }
        }
    }
}

impl fmt::Display for Edtf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Edtf::Date(date) => date.fmt(f),
            Edtf::Interval { start, end } => write!(f, "{start}/{end}"),
        }
    }
}

impl FromStr for Edtf {
    type Err = EdtfError;

    fn from_str(text: &str) -> Result<Edtf, EdtfError> {
        let Some((start, end)) = text.split_once('/') else {
            return Ok(Edtf::Date(text.parse()?));
        };
        let end_of = |part: &str| -> Result<IntervalEnd, EdtfError> {
            match part {
                ".." => Ok(IntervalEnd::Open),
                "" => Ok(IntervalEnd::Unknown),
                _ => Ok(IntervalEnd::Date(part.parse()?)),
            }
        };
        let (start, end) = (end_of(start)?, end_of(end)?);
        if let (IntervalEnd::Date(a), IntervalEnd::Date(b)) = (start, end)
            && a.earliest() > b.latest()
        {
            return Err(EdtfError(format!("`{text}`: the interval ends before it starts")));
        }
        if matches!(start, IntervalEnd::Open | IntervalEnd::Unknown)
            && matches!(end, IntervalEnd::Open | IntervalEnd::Unknown)
        {
            return Err(EdtfError(format!("`{text}`: an interval needs at least one date")));
        }
        Ok(Edtf::Interval { start, end })
    }
}

/// Why a string is not an EDTF date we support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdtfError(pub String);

impl fmt::Display for EdtfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EdtfError {}

/// A day in the proleptic Gregorian calendar; orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDay {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
}

impl fmt::Display for CalendarDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The English names of the months, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English name of a month (1–12), empty for another number.
pub fn month_name(month: u8) -> &'static str {
    MONTH_NAMES.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or("")
}

/// The month a word names in full, in any case (`may`, `May`, `MAY` → 5).
pub fn month_named(word: &str) -> Option<u8> {
    let n = MONTH_NAMES.iter().position(|m| m.eq_ignore_ascii_case(word))?;
    u8::try_from(n + 1).ok()
}

/// The number of days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A date as the source prints it, with its EDTF normalization when one could be made.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocDate {
    /// The date exactly as printed ("August 11, 1954", "Undated", "c. 1954"); a date the archive
    /// supplied is printed in editorial brackets ("[November 5, 1962]").
    pub printed: String,
    /// The normalized date; `None` for undated records and for phrases we could not read.
    pub edtf: Option<Edtf>,
    /// How the date was supplied where the document does not print it; `None` when it does.
    pub supplied: Option<DateSupplied>,
}

impl DocDate {
    /// A date as the document prints it.
    pub fn new(printed: String, edtf: Option<Edtf>) -> DocDate {
        DocDate { printed, edtf, supplied: None }
    }
}

/// How a date the document does not print was supplied, as a documentary editor would say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateSupplied {
    /// The document prints its day and month; the year is supplied from its chapter or the
    /// documents printed around it ("April 8, [1918]").
    Year,
    /// From the document's title ("…, November 5"), the year from its chapter or volume.
    Title,
    /// From the heading of the chapter or compilation that holds it ("November 1962").
    Heading,
    /// An editorial note, dated between the documents printed before and after it (the edition
    /// places notes in chronological order).
    Neighbours,
    /// From the span of the volume alone.
    Volume,
    /// Front matter (a preface, a list of sources), dated by the volume's publication.
    Publication,
}

impl DateSupplied {
    /// Every way, in the order the reader tries them.
    pub const ALL: [DateSupplied; 6] = [
        DateSupplied::Year,
        DateSupplied::Title,
        DateSupplied::Heading,
        DateSupplied::Neighbours,
        DateSupplied::Volume,
        DateSupplied::Publication,
    ];

    /// Stable key (`title`, `heading`, `neighbours`, `volume`).
    pub fn key(self) -> &'static str {
        match self {
            DateSupplied::Year => "year",
            DateSupplied::Title => "title",
            DateSupplied::Heading => "heading",
            DateSupplied::Neighbours => "neighbours",
            DateSupplied::Volume => "volume",
            DateSupplied::Publication => "publication",
        }
    }

    /// The way by its key.
    pub fn from_key(key: &str) -> Option<DateSupplied> {
        DateSupplied::ALL.into_iter().find(|s| s.key() == key.trim())
    }

    /// What it means, for readers.
    pub fn description(self) -> &'static str {
        match self {
            DateSupplied::Year => {
                "its year supplied from its chapter or the documents printed around it"
            }
            DateSupplied::Title => "supplied from the document's title",
            DateSupplied::Heading => "supplied from the heading of its chapter",
            DateSupplied::Neighbours => "supplied from the documents printed before and after it",
            DateSupplied::Volume => "supplied from the span of its volume",
            DateSupplied::Publication => "supplied from the date of publication of its volume",
        }
    }
}

#[cfg(test)]
mod tests;
