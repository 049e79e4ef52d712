//! Date phrases as archives print them, normalized to EDTF.
//!
//! Understood (case-insensitive, with or without commas and trailing periods):
//! - `August 11, 1954`, `11 August 1954`, `Aug. 11, 1954`, `August 11th, 1954`, `August 1954`,
//!   `1954`, the 1950s (`1950s` → `195X`);
//! - EDTF and ISO 8601 dates as they are: `1954-08-11`, `1954-08`, `1954~`, `1954/1955`;
//! - ranges with `-`, `–`, `—`, `to` or `through`: `August 11-12, 1954`, `11-12 August 1954`,
//!   `August 11 - September 2, 1954`, `August-September 1954`, `1954-1955`;
//! - qualifiers: `c. 1954`, `ca. 1954`, `circa 1954`, `about 1954` (approximate, `~`); a
//!   trailing `?` (uncertain); surrounding brackets (a supplied date) are dropped;
//! - `Undated`, `n.d.`, `No date`: no date at all.
//!
//! Anything else is an error that the caller reports as a warning, keeping the phrase as printed.

use chancery_model::date::{Edtf, EdtfDate, IntervalEnd, Qualifier};

/// What a printed date phrase means.
pub type Normalized = Result<Option<Edtf>, String>;

/// Normalizes a printed date phrase: `Ok(None)` for an undated document, `Err` with a reason
/// when the phrase is not one we read.
pub fn normalize(printed: &str) -> Normalized {
    let mut text = printed.trim().trim_end_matches(['.', ',']).trim().to_lowercase();
    if matches!(
        text.trim_matches(['[', ']']),
        "undated" | "n.d" | "nd" | "no date" | "date unknown" | "not dated" | "s.d"
    ) {
        return Ok(None);
    }
    let mut qualifier = Qualifier::None;
    if text.starts_with('[') && text.ends_with(']') {
        text = text[1..text.len() - 1].trim().to_string();
    }
    if let Some(rest) = text.strip_suffix('?') {
        qualifier = Qualifier::Uncertain;
        text = rest.trim().trim_end_matches(['.', ',']).to_string();
    }
    for prefix in ["circa ", "ca. ", "ca ", "c. ", "c.", "about ", "approximately ", "around "] {
        if let Some(rest) = text.strip_prefix(prefix) {
            qualifier = match qualifier {
                Qualifier::Uncertain => Qualifier::UncertainApproximate,
                _ => Qualifier::Approximate,
            };
            text = rest.trim().to_string();
            break;
        }
    }
    if text.starts_with('[') && text.ends_with(']') {
        text = text[1..text.len() - 1].trim().to_string();
    }
    let edtf = read(&text).ok_or_else(|| {
        format!(
            "cannot read the date `{}`; write it like `August 11, 1954`, `1954-08-11` or `Undated`",
            printed.trim()
        )
    })?;
    Ok(Some(qualify(edtf, qualifier)))
}

fn qualify(edtf: Edtf, qualifier: Qualifier) -> Edtf {
    if qualifier == Qualifier::None {
        return edtf;
    }
    let apply = |date: EdtfDate| date.with_qualifier(qualifier);
    match edtf {
        Edtf::Date(date) => Edtf::Date(apply(date)),
        Edtf::Interval { start, end } => {
            let apply_end = |end: IntervalEnd| match end {
                IntervalEnd::Date(date) => IntervalEnd::Date(apply(date)),
                other => other,
            };
            Edtf::Interval { start: apply_end(start), end: apply_end(end) }
        }
    }
}

fn read(text: &str) -> Option<Edtf> {
    if let Ok(edtf) = text.parse::<Edtf>() {
        return Some(edtf);
    }
    if let Some(date) = full_date(text) {
        return Some(Edtf::Date(date));
    }
    range(text)
}

/// Splits a range at each separator we know and keeps the first split whose two sides read.
/// Each side may lean on the other for what it leaves out: "August 11-12, 1954",
/// "11-12 August 1954", "August-September 1954".
fn range(text: &str) -> Option<Edtf> {
    for separator in [" - ", " – ", " — ", "–", "—", " to ", " through ", " until ", "-"] {
        for (at, _) in text.match_indices(separator) {
            let (left, right) = (text[..at].trim(), text[at + separator.len()..].trim());
            let (Some(mut start), Some(mut end)) = (partial(left), partial(right)) else {
                continue;
            };
            start.year = start.year.or(end.year);
            end.year = end.year.or(start.year);
            if end.day.is_some() && end.month.is_none() {
                end.month = start.month;
            }
            if start.day.is_some() && start.month.is_none() {
                start.month = end.month;
            }
            let (Some(start), Some(end)) = (start.date(), end.date()) else { continue };
            if start.earliest() > end.latest() {
                continue;
            }
            return Some(Edtf::Interval {
                start: IntervalEnd::Date(start),
                end: IntervalEnd::Date(end),
            });
        }
    }
    None
}

/// A phrase that names a month, and maybe a day, but no year ("April 8", "8 April", "November"):
/// (month, day). Printed dates without their year, and titles ending "…, November 5", read so.
pub fn month_and_day(printed: &str) -> Option<(u8, Option<u8>)> {
    let text = printed.trim().trim_end_matches(['.', ',']).trim().to_lowercase();
    let parts = partial(&text)?;
    (parts.year.is_none()).then_some(())?;
    let month = parts.month?;
    if let Some(day) = parts.day {
        // A day the month does not have (February 30) is no date.
        EdtfDate::day(2000, month, day).ok()?;
    }
    Some((month, parts.day))
}

/// A date as a reader would print it: `November 5, 1962`, `November 1962`, `1962`; an interval
/// `June 8–12, 1955`, `June 8 – July 2, 1955`, `1955–1956`; approximate dates with `c.`, uncertain
/// ones with `?`.
pub fn format(edtf: &Edtf) -> String {
    fn month_name(month: u8) -> String {
        chancery_model::date::month_name(month).to_string()
    }
    fn one(date: &EdtfDate, with_year: bool) -> String {
        let year = if date.unspecified_year_digits == 1 {
            format!("{}s", date.year)
        } else {
            date.year.to_string()
        };
        let text = match (date.month, date.day, with_year) {
            (Some(month), Some(day), true) => format!("{} {day}, {year}", month_name(month)),
            (Some(month), Some(day), false) => format!("{} {day}", month_name(month)),
            (Some(month), None, true) => format!("{} {year}", month_name(month)),
            (Some(month), None, false) => month_name(month),
            (None, _, _) => year,
        };
        match date.qualifier {
            Qualifier::None => text,
            Qualifier::Approximate => format!("c. {text}"),
            Qualifier::Uncertain => format!("{text}?"),
            Qualifier::UncertainApproximate => format!("c. {text}?"),
        }
    }
    match edtf {
        Edtf::Date(date) => one(date, true),
        Edtf::Interval { start: IntervalEnd::Date(a), end: IntervalEnd::Date(b) } => {
            if a.year == b.year
                && a.month.is_some()
                && a.month == b.month
                && a.day.is_some()
                && b.day.is_some()
                && a.qualifier == b.qualifier
            {
                let day_a = a.day.unwrap_or(1);
                let day_b = b.day.unwrap_or(1);
                format!("{} {day_a}–{day_b}, {}", month_name(a.month.unwrap_or(1)), a.year)
            } else if a.month.is_none() && b.month.is_none() {
                format!("{}–{}", one(a, true), one(b, true))
            } else if a.year == b.year && a.month.is_some() && b.month.is_some() {
                format!("{} – {}", one(a, false), one(b, true))
            } else {
                format!("{} – {}", one(a, true), one(b, true))
            }
        }
        Edtf::Interval { start: IntervalEnd::Date(a), .. } => format!("{} or after", one(a, true)),
        Edtf::Interval { end: IntervalEnd::Date(b), .. } => format!("{} or before", one(b, true)),
        Edtf::Interval { .. } => "Undated".to_string(),
    }
}

/// The parts of a date a phrase names, any of which may be missing.
#[derive(Default)]
struct Partial {
    year: Option<i32>,
    month: Option<u8>,
    day: Option<u8>,
}

impl Partial {
    fn date(&self) -> Option<EdtfDate> {
        match (self.year?, self.month, self.day) {
            (year, Some(month), Some(day)) => EdtfDate::day(year, month, day).ok(),
            (year, Some(month), None) => EdtfDate::month(year, month).ok(),
            (year, None, None) => EdtfDate::year(year).ok(),
            (_, None, Some(_)) => None,
        }
    }
}

/// Reads words into a year, a month and a day, each at most once; or an EDTF date.
fn partial(text: &str) -> Option<Partial> {
    if let Ok(date) = text.parse::<EdtfDate>() {
        return Some(Partial { year: Some(date.year), month: date.month, day: date.day })
            .filter(|_| date.unspecified_year_digits == 0 && date.qualifier == Qualifier::None);
    }
    let mut parts = Partial::default();
    let words = words(text);
    if words.is_empty() {
        return None;
    }
    for word in words {
        if let Some(year) = year_number(word) {
            parts.year.replace(year).is_none().then_some(())?;
        } else if let Some(month) = month_number(word) {
            parts.month.replace(month).is_none().then_some(())?;
        } else if let Some(day) = day_number(word) {
            parts.day.replace(day).is_none().then_some(())?;
        } else {
            return None;
        }
    }
    Some(parts)
}

/// A complete date phrase: it names its year.
fn full_date(text: &str) -> Option<EdtfDate> {
    if let [word] = words(text).as_slice()
        && let Some(decade) = decade(word)
    {
        return Some(decade);
    }
    let parts = partial(text)?;
    parts.year?;
    parts.date()
}

fn words(text: &str) -> Vec<&str> {
    text.split([' ', ',', '\t'])
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect()
}

fn month_number(word: &str) -> Option<u8> {
    let word = word.trim_end_matches('.');
    if word.len() < 3 {
        return None;
    }
    let word = if word == "sept" { "sep" } else { word };
    chancery_model::date::MONTH_NAMES
        .iter()
        .position(|month| month.to_lowercase().starts_with(word))
        .map(|idx| idx as u8 + 1)
}

fn day_number(word: &str) -> Option<u8> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") || digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let day: u8 = digits.parse().ok()?;
    (1..=31).contains(&day).then_some(day)
}

fn year_number(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit())).then(|| word.parse().ok())?
}

fn decade(word: &str) -> Option<EdtfDate> {
    let decade = word.strip_suffix("'s").or_else(|| word.strip_suffix('s'))?;
    let year = year_number(decade)?;
    if year % 10 != 0 {
        return None;
    }
    Some(EdtfDate {
        year,
        month: None,
        day: None,
        unspecified_year_digits: 1,
        qualifier: Qualifier::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_the_issue_names() {
        for (printed, expected) in [
            ("August 11, 1954", Some("1954-08-11")),
            ("11 August 1954", Some("1954-08-11")),
            ("August 1954", Some("1954-08")),
            ("1954", Some("1954")),
            ("c. 1954", Some("1954~")),
            ("August 11-12, 1954", Some("1954-08-11/1954-08-12")),
            ("1954-08-11", Some("1954-08-11")),
            ("Undated", None),
        ] {
            let got = normalize(printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
            assert_eq!(got.map(|d| d.to_string()).as_deref(), expected, "{printed}");
        }
    }

    #[test]
    fn more_phrases() {
        for (printed, expected) in [
            ("Aug. 11, 1954", "1954-08-11"),
            ("Sept. 3, 1954", "1954-09-03"),
            ("August 11th, 1954", "1954-08-11"),
            ("11-12 August 1954", "1954-08-11/1954-08-12"),
            ("August 11 – September 2, 1954", "1954-08-11/1954-09-02"),
            ("August-September 1954", "1954-08/1954-09"),
            ("1954-1955", "1954/1955"),
            ("December 30, 1954 - January 2, 1955", "1954-12-30/1955-01-02"),
            ("circa August 1954", "1954-08~"),
            ("August 11, 1954?", "1954-08-11?"),
            ("[August 1954]", "1954-08"),
            ("[c. 1954?]", "1954%"),
            ("1950s", "195X"),
            ("1954-08~", "1954-08~"),
            ("AUGUST 11, 1954.", "1954-08-11"),
        ] {
            let got = normalize(printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
            assert_eq!(got.map(|d| d.to_string()).as_deref(), Some(expected), "{printed}");
        }
        for undated in ["undated", "n.d.", "No date", "[Undated]"] {
            assert_eq!(normalize(undated), Ok(None), "{undated}");
        }
    }

    #[test]
    fn months_and_days_without_a_year() {
        assert_eq!(month_and_day("April 8"), Some((4, Some(8))));
        assert_eq!(month_and_day("8 April."), Some((4, Some(8))));
        assert_eq!(month_and_day("November"), Some((11, None)));
        assert_eq!(month_and_day("November 5, 1962"), None, "it has its year");
        assert_eq!(month_and_day("February 30"), None);
        assert_eq!(month_and_day("Washington"), None);
    }

    #[test]
    fn dates_print_as_readers_write_them() {
        for (edtf, printed) in [
            ("1962-11-05", "November 5, 1962"),
            ("1962-11", "November 1962"),
            ("1962", "1962"),
            ("1955-06-08/1955-06-12", "June 8–12, 1955"),
            ("1955-06-08/1955-07-02", "June 8 – July 2, 1955"),
            ("1955-12-30/1956-01-02", "December 30, 1955 – January 2, 1956"),
            ("1955/1956", "1955–1956"),
            ("1954-08~", "c. August 1954"),
        ] {
            assert_eq!(format(&edtf.parse().unwrap()), printed, "{edtf}");
        }
    }

    #[test]
    fn odd_phrases_are_errors_with_advice() {
        for printed in [
            "Spring 1954",
            "the day after Stalin died",
            "February 30, 1954",
            "August 12-11, 1954",
            "",
        ] {
            let error = normalize(printed).unwrap_err();
            assert!(error.contains("write it like"), "{printed}: {error}");
        }
    }
}
