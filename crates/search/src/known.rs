//! Known items as people paste them: a title with its printed date ("Memorandum for the Record,
//! Washington, May 5, 1954"), a citation of an edition ("FRUS, 1955–1957, vol. XXVI, Document
//! 249"), a telegram by number and date ("Telegram 590 to Belgrade, January 17, 1957"). What such
//! a query says beyond its words — a day, a volume and document number — is read here, so that
//! the ordinary search can put the document it means first.

use chancery_model::date::{CalendarDay, days_in_month};
use chancery_model::record::Record;

/// A day printed in a query ("May 5, 1954", "5 May 1954", "1954-05-05"), with the words that
/// print it (lowercased, as the query splits them), which then say nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrintedDay {
    pub(crate) day: CalendarDay,
    pub(crate) words: Vec<String>,
}

/// The words of a text, lowercased, split at whitespace and trimmed of punctuation around them.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

fn day_of(year: &str, month: u8, day: &str) -> Option<CalendarDay> {
    let year: i32 = year.parse().ok().filter(|y| (1000..=2999).contains(y))?;
    let day: u8 = day.parse().ok()?;
    (1..=days_in_month(year, month)).contains(&day).then_some(CalendarDay { year, month, day })
}

fn month_of(word: &str) -> Option<u8> {
    chancery_model::date::month_named(word)
}

/// The first full day a query prints, if any.
pub(crate) fn printed_day(raw: &str) -> Option<PrintedDay> {
    let words = words(raw);
    for (n, word) in words.iter().enumerate() {
        // 1954-05-05
        let parts: Vec<&str> = word.split('-').collect();
        if let [year, month, day] = parts.as_slice()
            && year.len() == 4
            && let Some(month) = month.parse::<u8>().ok().filter(|m| (1..=12).contains(m))
            && let Some(found) = day_of(year, month, day)
        {
            return Some(PrintedDay { day: found, words: vec![word.clone()] });
        }
        let Some(month) = month_of(word) else { continue };
        // May 5, 1954
        if let (Some(day), Some(year)) = (words.get(n + 1), words.get(n + 2))
            && let Some(found) = day_of(year, month, day)
        {
            return Some(PrintedDay {
                day: found,
                words: vec![word.clone(), day.clone(), year.clone()],
            });
        }
        // 5 May 1954
        if n > 0
            && let (Some(day), Some(year)) = (words.get(n - 1), words.get(n + 1))
            && let Some(found) = day_of(year, month, day)
        {
            return Some(PrintedDay {
                day: found,
                words: vec![day.clone(), word.clone(), year.clone()],
            });
        }
    }
    None
}

/// The first years a text prints: `1955-1957` for "1955–1957" or "1955–57", `1918` alone.
fn years_in(text: &str) -> Option<(String, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    while at + 4 <= chars.len() {
        let run = chars[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        let starts_word = at == 0 || !chars[at - 1].is_alphanumeric();
        if run == 4 && starts_word {
            let first: String = chars[at..at + 4].iter().collect();
            let mut end = at + 4;
            let mut second = None;
            if matches!(chars.get(end), Some('–' | '-' | '—')) {
                let digits = chars[end + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 4 {
                    second = Some(chars[end + 1..end + 5].iter().collect::<String>());
                    end += 5;
                } else if digits == 2 {
                    let tail: String = chars[end + 1..end + 3].iter().collect();
                    second = Some(format!("{}{tail}", &first[..2]));
                    end += 3;
                }
            }
            let years = match second {
                Some(second) => format!("{first}-{second}"),
                None => first,
            };
            return Some((years, end));
        }
        at += run.max(1);
    }
    None
}

/// A roman numeral's value (I…CC), for volume numbers.
fn roman(text: &str) -> Option<u32> {
    let value = |c: char| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        _ => None,
    };
    let digits: Vec<u32> = text.chars().map(value).collect::<Option<_>>()?;
    let mut total: i64 = 0;
    for (n, d) in digits.iter().enumerate() {
        if digits.get(n + 1).is_some_and(|next| next > d) {
            total -= i64::from(*d);
        } else {
            total += i64::from(*d);
        }
    }
    u32::try_from(total).ok().filter(|t| (1..=300).contains(t))
}

/// A volume number as a key: `XXVI` → `v26`, `26` → `v26`, `E–15` → `ve15`; with its part
/// (`, Part 1`, `, pt. 1`) → `v1p1`.
fn volume_key(number: &str, rest: &str) -> Option<String> {
    let number = number.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let key = if let Some(n) = roman(&number) {
        format!("v{n}")
    } else if let Ok(n) = number.parse::<u32>() {
        format!("v{n}")
    } else {
        let (letter, digits) = number.split_once(['–', '-'])?;
        if letter.chars().count() != 1 || digits.parse::<u32>().is_err() {
            return None;
        }
        format!("v{letter}{}", digits.parse::<u32>().ok()?)
    };
    let rest = rest.to_lowercase();
    let part = ["part ", "pt. ", "pt "].iter().find_map(|p| {
        let at = rest.find(p)?;
        // Only the part that belongs to this volume: right after it.
        if at > 4 {
            return None;
        }
        let digits: String =
            rest[at + p.len()..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    Some(match part {
        Some(part) => format!("{key}p{part}"),
        None => key,
    })
}

/// A volume without a number ("Guatemala", "Public Diplomacy, World War I") by its first word.
fn title_key(title: &str) -> Option<String> {
    let word: String =
        title.split_whitespace().next()?.chars().filter(|c| c.is_alphanumeric()).collect();
    (word.chars().count() >= 3).then(|| format!("t{}", word.to_lowercase()))
}

/// The key under which a record printed in an edition is found by citation:
/// `ed:1955-1957:v26:249`.
pub(crate) fn edition_key(record: &Record) -> Option<String> {
    let edition = record.edition.as_ref()?;
    let number = record.number.as_deref()?.trim();
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (years, _) =
        edition.subseries.as_deref().and_then(years_in).or_else(|| years_in(&edition.series))?;
    let volume = edition
        .volume
        .as_deref()
        .and_then(|v| {
            let (number, rest) = v.split_once(',').unwrap_or((v, ""));
            volume_key(number, rest.trim_start_matches(' '))
        })
        .or_else(|| edition.volume_title.as_deref().and_then(title_key))?;
    Some(format!("ed:{years}:{volume}:{}", number.trim_start_matches('0')))
}

/// The edition key a query cites, if it cites one: years, a volume (by number, or by the first
/// word of its title) and a document number.
pub(crate) fn cited_edition_key(raw: &str) -> Option<String> {
    let lower = raw.to_lowercase();
    let number = ["document", "doc.", "doc ", "no."].iter().find_map(|word| {
        let at = lower.rfind(word)?;
        let digits: String = lower[at + word.len()..]
            .trim_start_matches([' ', '.'])
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then_some(digits)
    })?;
    let (years, after_years) = years_in(raw)?;
    let after: String = raw.chars().skip(after_years).collect();
    let after_lower = after.to_lowercase();
    let volume = ["volume ", "vol. ", "vol "].iter().find_map(|word| {
        let at = after_lower.find(word)?;
        let rest = &after[at + word.len()..];
        let (number, rest) = rest.split_once(',').unwrap_or((rest, ""));
        let number = number.split_whitespace().next()?;
        volume_key(number, rest.trim_start())
    });
    let volume = volume.or_else(|| {
        title_key(after.trim_start_matches(|c: char| !c.is_alphanumeric()))
            .filter(|key| !key.starts_with("tdoc") && !key.starts_with("tvol"))
    })?;
    Some(format!("ed:{years}:{volume}:{}", number.trim_start_matches('0')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::date::DocDate;
    use chancery_model::id::RecordId;
    use chancery_model::record::Edition;

    fn day(year: i32, month: u8, day: u8) -> CalendarDay {
        CalendarDay { year, month, day }
    }

    #[test]
    fn printed_days_are_read_in_three_forms() {
        let found = printed_day("Memorandum for the Record, Washington, May 5, 1954").unwrap();
        assert_eq!(found.day, day(1954, 5, 5));
        assert_eq!(found.words, ["may", "5", "1954"]);
        assert_eq!(printed_day("Telegram 590, 17 January 1957").unwrap().day, day(1957, 1, 17));
        assert_eq!(printed_day("letter 1954-08-11").unwrap().day, day(1954, 8, 11));
        assert_eq!(printed_day("May 1954"), None);
        assert_eq!(printed_day("February 30, 1954"), None);
        assert_eq!(printed_day("Tito Khrushchev"), None);
    }

    fn record(
        subseries: Option<&str>,
        series: &str,
        volume: Option<&str>,
        title: &str,
        n: &str,
    ) -> Record {
        let mut record =
            Record::new(RecordId::parse("frus-x/d1").unwrap(), "t".into(), DocDate::default());
        record.edition = Some(Edition {
            series: series.into(),
            subseries: subseries.map(String::from),
            volume: volume.map(String::from),
            volume_title: Some(title.into()),
            ..Default::default()
        });
        record.number = Some(n.into());
        record
    }

    #[test]
    fn citations_and_records_meet_on_one_key() {
        let frus = "Foreign Relations of the United States";
        for (record, queries) in [
            (
                record(
                    Some("1955–1957"),
                    frus,
                    Some("XXVI"),
                    "Central and Southeastern Europe",
                    "249",
                ),
                vec![
                    "FRUS, 1955–1957, vol. XXVI, Document 249",
                    "Foreign Relations of the United States, 1955–57, Volume XXVI, Document 249",
                    "FRUS 1955–1957, vol. XXVI, doc. 249",
                    "FRUS 1955-57 vol. 26 doc 249",
                ],
            ),
            (
                record(
                    None,
                    "Papers Relating to the Foreign Relations of the United States, 1918",
                    Some("III"),
                    "Russia",
                    "277",
                ),
                vec!["FRUS, 1918, Russia, vol. III, Document 277"],
            ),
            (
                record(
                    Some("1969–1976"),
                    frus,
                    Some("E–15, Part 1"),
                    "Documents on Eastern Europe, 1973–1976",
                    "10",
                ),
                vec![
                    "FRUS, 1969–1976, vol. E–15, pt. 1, Document 10",
                    "FRUS 1969–76, Volume E-15, Part 1, Document 10",
                ],
            ),
            (
                record(Some("1952–1954"), frus, Some("Retrospective Volume"), "Guatemala", "10"),
                vec!["FRUS, 1952–1954, Guatemala, Document 10"],
            ),
            (
                record(
                    Some("Foreign Relations of the United States, 1958–1960"),
                    frus,
                    Some("X, Part 2"),
                    "Eastern Europe",
                    "7",
                ),
                vec!["FRUS, 1958–1960, vol. X, pt. 2, Document 7"],
            ),
        ] {
            let key = edition_key(&record).unwrap();
            for query in queries {
                assert_eq!(cited_edition_key(query).as_deref(), Some(key.as_str()), "{query}");
            }
        }
        assert_eq!(
            cited_edition_key("FRUS, 1955–1957, vol. XXVI, Document 250").unwrap(),
            "ed:1955-1957:v26:250"
        );
        assert_eq!(cited_edition_key("Tito 1955"), None);
        assert_eq!(cited_edition_key("Document 249"), None);
    }
}
