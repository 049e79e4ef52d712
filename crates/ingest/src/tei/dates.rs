//! A TEI document's date: read from what the edition prints, else supplied as a documentary
//! editor would, and marked so.
//!
//! Read, in this order: `@frus:doc-dateTime-min/max` on the document's div, else the first
//! dateline `date` (`@when`, `@from`/`@to`, `@notBefore`/`@notAfter`), else the first `date` of
//! the head; the printed form is the element's text. A printed date that leaves its year out
//! ("April 3, 6 p.m.") gets it in brackets from the date's attributes ("April 3, 6 p.m., [1917]").
//!
//! Supplied ([`supply`], once a volume is read), for records the edition leaves undated, each
//! way marked on the date ([`DateSupplied`]) and printed in editorial brackets:
//! 1. [`DateSupplied::Year`]: a day and month printed without a year ("April 8") take the year
//!    their chapter heading names, else the year that puts them between the documents printed
//!    before and after them;
//! 2. [`DateSupplied::Title`]: a date at the end of the title ("…, Washington, May 23, 1955";
//!    "…, November 5" with the year as in 1);
//! 3. [`DateSupplied::Neighbours`] or [`DateSupplied::Heading`], whichever is narrower: the span
//!    between the dated documents printed before and after it in its chapter (FRUS places
//!    editorial notes chronologically; with a neighbour on one side only, that neighbour's month,
//!    uncertain), or the span its chapter's heading names ("November 1962", "January–October
//!    1958: …");
//! 4. [`DateSupplied::Volume`]: the span the volume's title names ("1955–1957");
//! 5. front matter, [`DateSupplied::Publication`]: the volume's year of publication.
//!
//! A date wider than [`MAX_DATED_SPAN_DAYS`] is kept, but a reader should treat the record as
//! undated ([`is_dated`]).

use chancery_model::date::{
    CalendarDay, DateSupplied, DocDate, Edtf, EdtfDate, IntervalEnd, Qualifier,
};
use chancery_model::record::{Record, RecordKind};
use roxmltree::Node;

use super::{Reader, belongs_to, is, plain, warning};
use crate::date_phrase;

/// A date's first and last day.
type Days = (CalendarDay, CalendarDay);

/// The widest span, in days, that still dates a record: a year (a leap year's 366 days).
pub const MAX_DATED_SPAN_DAYS: i64 = 366;

/// A document's date as the edition prints it, with the place and time of its dateline.
pub(super) struct FoundDate {
    pub(super) date: DocDate,
    pub(super) place: Option<String>,
    pub(super) time: Option<String>,
}

impl Reader<'_, '_> {
    /// Reads the date a document prints (see the module docs).
    pub(super) fn date(&mut self, div: Node<'_, '_>, head: Option<Node<'_, '_>>) -> FoundDate {
        let attribute =
            |name: &str| div.attributes().find(|a| a.name() == name).map(|a| a.value().to_string());
        let own = |n: &Node<'_, '_>| {
            belongs_to(*n, div)
                && !n.ancestors().skip(1).take_while(|a| *a != div).any(|a| is(a, "note"))
        };
        // The first dateline date with a date attribute (some volumes mark a place as a date,
        // "<date>Washington</date>", before the real one), else the first dateline date.
        let has_attribute = |n: &Node<'_, '_>| {
            ["when", "from", "notBefore", "to"].iter().any(|a| n.attribute(*a).is_some())
        };
        let dateline_dates: Vec<Node<'_, '_>> = div
            .descendants()
            .filter(|n| is(*n, "date") && own(n) && n.ancestors().any(|a| is(a, "dateline")))
            .collect();
        let dateline_date =
            dateline_dates.iter().find(|n| has_attribute(n)).or(dateline_dates.first()).copied();
        let head_date = head.and_then(|h| {
            let dates: Vec<Node<'_, '_>> =
                h.descendants().filter(|n| is(*n, "date") && own(n)).collect();
            dates.iter().find(|n| has_attribute(n)).or(dates.first()).copied()
        });
        let date_node = dateline_date.or(head_date);
        let place = div
            .descendants()
            .find(|n| is(*n, "placeName") && own(n) && n.ancestors().any(|a| is(a, "dateline")))
            .map(plain);
        let printed = date_node.map(plain).filter(|p| !p.is_empty());
        let from_min =
            attribute("doc-dateTime-min").map(|min| (min, attribute("doc-dateTime-max")));
        let from_node = date_node.and_then(|n| {
            let get = |name: &str| n.attribute(name).map(str::to_string);
            get("when")
                .map(|when| (when, None))
                .or_else(|| get("from").map(|from| (from, get("to"))))
                .or_else(|| get("notBefore").map(|from| (from, get("notAfter"))))
                .or_else(|| get("to").map(|to| (to.clone(), Some(to))))
        });
        let attributes = from_min.or(from_node);
        let mut time = None;
        let edtf = match &attributes {
            Some((start, end)) => {
                time = time_of(start);
                let start_date = day_of(start);
                let end_date = end.as_deref().and_then(day_of);
                match (start_date, end_date) {
                    // Found by fuzzing: an interval that ends before it starts is no date.
                    (Some(start), Some(end)) if start.earliest() > end.latest() => {
                        let line = date_node.map_or(self.line(div), |n| self.line(n));
                        self.diagnostics.push(warning(self.source.path, Some(line), format!("the date attributes end ({end}) before they start ({start}); the date is read from its printed form")));
                        printed.as_deref().and_then(|p| date_phrase::normalize(p).ok().flatten())
                    }
                    (Some(start), Some(end)) if end != start => Some(Edtf::Interval {
                        start: IntervalEnd::Date(start),
                        end: IntervalEnd::Date(end),
                    }),
                    (Some(start), _) => Some(Edtf::Date(start)),
                    (None, _) => {
                        let line = date_node.map_or(self.line(div), |n| self.line(n));
                        self.diagnostics.push(warning(self.source.path, Some(line), format!("date attribute `{start}` is not ISO 8601; the date is kept as printed")));
                        None
                    }
                }
            }
            None => printed.as_deref().and_then(|p| date_phrase::normalize(p).ok().flatten()),
        };
        let printed = match (printed, &edtf) {
            // A printed date always carries its year: the edition's own, in brackets.
            (Some(printed), Some(edtf)) if !names_a_year(&printed) => {
                let (start, _) = edtf.bounds();
                match start {
                    Some(day) => {
                        format!("{}, [{}]", printed.trim_end_matches([',', '.']), day.year)
                    }
                    None => printed,
                }
            }
            (Some(printed), _) => printed,
            (None, Some(edtf)) => date_phrase::format(edtf),
            (None, None) => "Undated".to_string(),
        };
        FoundDate { date: DocDate::new(printed, edtf), place, time }
    }
}

/// Whether a printed date names its year (four digits in a row).
fn names_a_year(printed: &str) -> bool {
    printed.as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit))
}

/// The date part of an ISO 8601 value (`1955-06-08T15:50:00` → 1955-06-08).
fn day_of(value: &str) -> Option<EdtfDate> {
    let date = value.split('T').next().unwrap_or(value);
    date.parse().ok().filter(|d: &EdtfDate| d.qualifier == Qualifier::None)
}

/// The time part of an ISO 8601 value, if any.
fn time_of(value: &str) -> Option<String> {
    value.split_once('T').map(|(_, time)| time.to_string()).filter(|t| !t.is_empty())
}

/// Whether a date dates a record for a reader: it exists, and it spans at most
/// [`MAX_DATED_SPAN_DAYS`].
pub fn is_dated(date: &DocDate) -> bool {
    date.edtf
        .as_ref()
        .and_then(span)
        .is_some_and(|(start, end)| days_between(start, end) < MAX_DATED_SPAN_DAYS)
}

/// The first and last day of a date, when it has both.
fn span(edtf: &Edtf) -> Option<Days> {
    match edtf.bounds() {
        (Some(start), Some(end)) => Some((start, end)),
        _ => None,
    }
}

/// Days from `start` to `end` (0 for the same day).
fn days_between(start: CalendarDay, end: CalendarDay) -> i64 {
    day_number(end) - day_number(start)
}

/// Days since 1 March of year 0 in the proleptic Gregorian calendar (the civil-from-days
/// arithmetic, counting years from March so that leap days fall at a year's end).
fn day_number(day: CalendarDay) -> i64 {
    let month = i64::from(day.month);
    let year = i64::from(day.year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day.day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era
}

/// What a title's last words date: a whole date, or a day and month without the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TitleDate {
    Full(Edtf),
    MonthDay(u8, u8),
}

/// The date at the end of a title ("…, Washington, May 23, 1955", "…, November 5", "…, March 7,
/// 1973, 3:13–3:44 p.m."), if it ends with one.
fn title_date(title: &str) -> Option<TitleDate> {
    let mut segments: Vec<&str> = title.trim_end_matches('.').split(", ").map(str::trim).collect();
    // A time of day after the date.
    while segments.last().is_some_and(|s| is_time(s)) {
        segments.pop();
    }
    let last = *segments.last()?;
    if segments.len() >= 2 {
        let two = format!("{}, {last}", segments[segments.len() - 2]);
        if let Some(found) = whole_date(&two) {
            return Some(TitleDate::Full(found));
        }
    }
    if let Some(found) = whole_date(last) {
        return Some(TitleDate::Full(found));
    }
    match date_phrase::month_and_day(last) {
        Some((month, Some(day))) => Some(TitleDate::MonthDay(month, day)),
        _ => None,
    }
}

/// A phrase that is a date naming its month (a bare year in a title is too often something
/// else: "NSC 5505, 1955").
fn whole_date(phrase: &str) -> Option<Edtf> {
    let edtf = date_phrase::normalize(phrase).ok().flatten()?;
    let (start, _) = edtf.bounds();
    let has_month = match edtf {
        Edtf::Date(date) => date.month.is_some(),
        Edtf::Interval { start: IntervalEnd::Date(date), .. } => date.month.is_some(),
        Edtf::Interval { .. } => false,
    };
    (has_month && start.is_some()).then_some(edtf)
}

fn is_time(segment: &str) -> bool {
    let lower = segment.to_lowercase();
    ["a.m", "p.m", "noon", "midnight", " hours"].iter().any(|t| lower.contains(t))
        || lower.contains(':') && lower.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// The span a heading names: "November 1962", "January–October 1958: The Berlin Crisis",
/// "Soviet Union, January–April 22, 1969", "Guatemala, 1952–1954".
pub(super) fn heading_span(heading: &str) -> Option<Edtf> {
    let mut phrases: Vec<String> = vec![heading.to_string()];
    for part in heading.split(": ") {
        phrases.push(part.to_string());
        let segments: Vec<&str> = part.split(", ").map(str::trim).collect();
        if let Some(last) = segments.last() {
            if segments.len() >= 2 {
                phrases.push(format!("{}, {last}", segments[segments.len() - 2]));
            }
            phrases.push((*last).to_string());
        }
    }
    phrases.iter().find_map(|phrase| {
        let edtf = date_phrase::normalize(phrase.trim_end_matches('.')).ok().flatten()?;
        span(&edtf).map(|_| edtf)
    })
}

/// The span a volume's title names: its first year or years ("Foreign Relations of the United
/// States, 1955–1957, Central and Southeastern Europe, Volume XXVI" → 1955/1957).
pub(super) fn volume_span(title: &str) -> Option<Edtf> {
    let bytes = title.as_bytes();
    let year_at = |at: usize| -> Option<i32> {
        let digits = bytes.get(at..at + 4)?;
        let before = at.checked_sub(1).and_then(|b| bytes.get(b));
        let after = bytes.get(at + 4);
        (digits.iter().all(u8::is_ascii_digit)
            && !before.is_some_and(u8::is_ascii_digit)
            && !after.is_some_and(u8::is_ascii_digit))
        .then(|| title[at..at + 4].parse().ok())?
    };
    let at = (0..bytes.len()).find(|&at| year_at(at).is_some())?;
    let first = year_at(at)?;
    // "1955–1957", "1955-57", "1917–72".
    let rest = &title[at + 4..];
    let rest = rest.strip_prefix('–').or_else(|| rest.strip_prefix('-')).unwrap_or("");
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let last = match digits.len() {
        4 => digits.parse().ok(),
        2 => digits.parse::<i32>().ok().map(|d| first - first % 100 + d),
        _ => None,
    }
    .filter(|last| *last > first);
    let start = EdtfDate::year(first).ok()?;
    Some(match last.and_then(|l| EdtfDate::year(l).ok()) {
        Some(end) => {
            Edtf::Interval { start: IntervalEnd::Date(start), end: IntervalEnd::Date(end) }
        }
        None => Edtf::Date(start),
    })
}

/// What [`supply`] needs to know of the volume.
pub(super) struct VolumeDates<'a> {
    /// The volume's title, for its span.
    pub(super) title: &'a str,
    /// The volume's year of publication, for its front matter.
    pub(super) published: Option<&'a str>,
}

/// Supplies dates, in place, to the records of one volume that the edition leaves undated (see
/// the module docs). Records are in volume order.
pub(super) fn supply(records: &mut [Record], volume: &VolumeDates<'_>) {
    // Only dates the edition prints (or supplies in its title) bound a neighbour's.
    let anchors: Vec<Option<Days>> =
        records
            .iter()
            .map(|r| {
                let printed = r.date.supplied.is_none() && r.kind != RecordKind::FrontMatter;
                r.date.edtf.as_ref().and_then(span).filter(|(start, end)| {
                    printed && days_between(*start, *end) < MAX_DATED_SPAN_DAYS
                })
            })
            .collect();
    let volume_span = volume_span(volume.title);
    for index in 0..records.len() {
        if records[index].date.edtf.is_some() {
            continue;
        }
        if let Some(date) = supplied(records, &anchors, index, volume, volume_span) {
            records[index].date = date;
        }
    }
}

/// The date supplied for record `index`, if any way gives one.
fn supplied(
    records: &[Record],
    anchors: &[Option<Days>],
    index: usize,
    volume: &VolumeDates<'_>,
    volume_span: Option<Edtf>,
) -> Option<DocDate> {
    let record = &records[index];
    let bracketed = |edtf: Edtf, supplied: DateSupplied| DocDate {
        printed: format!("[{}]", date_phrase::format(&edtf)),
        edtf: Some(edtf),
        supplied: Some(supplied),
    };
    if record.kind == RecordKind::FrontMatter {
        let year = volume.published.and_then(self::volume_span).and_then(|e| span(&e))?.0.year;
        return Some(bracketed(Edtf::Date(EdtfDate::year(year).ok()?), DateSupplied::Publication));
    }
    // The chapter headings, innermost first (the first collection is the volume's title).
    let heading = record.collections.iter().skip(1).rev().find_map(|h| heading_span(h));
    let (before, after) = neighbours(records, anchors, index);
    // 1. A day and month printed without a year.
    if let Some((month, Some(day))) = date_phrase::month_and_day(&record.date.printed) {
        let year = year_for(month, day, heading, before, after, volume_span)?;
        let date = EdtfDate::day(year, month, day).ok()?;
        return Some(DocDate {
            printed: format!("{}, [{year}]", record.date.printed.trim_end_matches([',', '.'])),
            edtf: Some(Edtf::Date(date)),
            supplied: Some(DateSupplied::Year),
        });
    }
    // 2. The title's date.
    match title_date(&record.title) {
        Some(TitleDate::Full(edtf)) => return Some(bracketed(edtf, DateSupplied::Title)),
        Some(TitleDate::MonthDay(month, day)) => {
            if let Some(year) = year_for(month, day, heading, before, after, volume_span)
                && let Ok(date) = EdtfDate::day(year, month, day)
            {
                return Some(bracketed(Edtf::Date(date), DateSupplied::Title));
            }
        }
        None => {}
    }
    // 3. Between its neighbours, or its chapter's span: the narrower.
    let between = match (before, after) {
        (Some((_, last_before)), Some((first_after, _))) if last_before <= first_after => {
            Some(between_days(last_before, first_after))
        }
        (Some((_, day)), None) | (None, Some((day, _))) => {
            let month = EdtfDate::month(day.year, day.month).ok()?;
            Some(Edtf::Date(month.with_qualifier(Qualifier::Uncertain)))
        }
        _ => None,
    };
    let width = |edtf: &Edtf| span(edtf).map_or(i64::MAX, |(a, b)| days_between(a, b));
    let best = match (between, heading) {
        (Some(between), Some(heading)) if width(&heading) <= width(&between) => {
            Some((heading, DateSupplied::Heading))
        }
        (Some(between), _) => Some((between, DateSupplied::Neighbours)),
        (None, Some(heading)) => Some((heading, DateSupplied::Heading)),
        (None, None) => None,
    };
    if let Some((edtf, how)) = best {
        return Some(bracketed(edtf, how));
    }
    // 4. The volume's span.
    volume_span.map(|edtf| bracketed(edtf, DateSupplied::Volume))
}

/// The nearest dated records printed before and after record `index` in its chapter.
fn neighbours(
    records: &[Record],
    anchors: &[Option<Days>],
    index: usize,
) -> (Option<Days>, Option<Days>) {
    let chapter = &records[index].collection_id;
    let same = |i: &usize| &records[*i].collection_id == chapter;
    let before = (0..index).rev().take_while(|i| same(i)).find_map(|i| anchors[i]);
    let after = (index + 1..records.len()).take_while(|i| same(i)).find_map(|i| anchors[i]);
    (before, after)
}

/// The date from one day to another: the day itself, approximately, when they are the same.
fn between_days(first: CalendarDay, last: CalendarDay) -> Edtf {
    let day = |d: CalendarDay| EdtfDate::day(d.year, d.month, d.day).ok();
    match (day(first), day(last)) {
        (Some(a), Some(_)) if first == last => Edtf::Date(a.with_qualifier(Qualifier::Approximate)),
        (Some(a), Some(b)) => {
            Edtf::Interval { start: IntervalEnd::Date(a), end: IntervalEnd::Date(b) }
        }
        _ => Edtf::Interval { start: IntervalEnd::Unknown, end: IntervalEnd::Unknown },
    }
}

/// The year a day and month printed without one fall in: the one year the chapter's heading
/// names, else the year that puts the day between its neighbours (or nearest the one it has),
/// else the volume's one year.
fn year_for(
    month: u8,
    day: u8,
    heading: Option<Edtf>,
    before: Option<Days>,
    after: Option<Days>,
    volume: Option<Edtf>,
) -> Option<i32> {
    let one_year = |edtf: Option<Edtf>| {
        edtf.as_ref().and_then(span).filter(|(a, b)| a.year == b.year).map(|(a, _)| a.year)
    };
    if let Some(year) = one_year(heading) {
        return Some(year);
    }
    let candidates: Vec<i32> = [before.map(|b| b.1.year), after.map(|a| a.0.year)]
        .into_iter()
        .flatten()
        .flat_map(|y| [y - 1, y, y + 1])
        .collect();
    let at = |year: i32| CalendarDay { year, month, day };
    let distance = |year: i32| {
        let day = at(year);
        let to_before = before.map_or(0, |(_, b)| {
            (day_number(day) - day_number(b)).max(0) + (day_number(b) - day_number(day)).max(0) * 4
        });
        let to_after = after.map_or(0, |(a, _)| {
            (day_number(a) - day_number(day)).max(0) + (day_number(day) - day_number(a)).max(0) * 4
        });
        to_before + to_after
    };
    // Lying between the neighbours costs nothing; lying outside them costs four times the gap.
    if let Some(year) = candidates.iter().copied().min_by_key(|y| distance(*y))
        && EdtfDate::day(year, month, day).is_ok()
    {
        return Some(year);
    }
    one_year(volume)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_model::id::RecordId;

    fn day(text: &str) -> CalendarDay {
        let date: EdtfDate = text.parse().unwrap();
        date.earliest()
    }

    #[test]
    fn day_numbers_count_days() {
        assert_eq!(days_between(day("1955-01-01"), day("1955-12-31")), 364);
        assert_eq!(days_between(day("1956-02-28"), day("1956-03-01")), 2);
        assert_eq!(days_between(day("1899-12-31"), day("1900-03-01")), 60);
    }

    #[test]
    fn titles_that_end_with_a_date() {
        let full = |t: &str| match title_date(t) {
            Some(TitleDate::Full(e)) => Some(e.to_string()),
            _ => None,
        };
        assert_eq!(
            full("Memorandum of a Conversation, Department of State, Washington, May 23, 1955")
                .as_deref(),
            Some("1955-05-23")
        );
        assert_eq!(
            full(
                "Minutes of Senior Review Group Meeting, Washington, March 7, 1973, 3:13-3:44 p.m."
            )
            .as_deref(),
            Some("1973-03-07")
        );
        assert_eq!(
            title_date("Draft letter from Kennedy to Khrushchev, November 5"),
            Some(TitleDate::MonthDay(11, 5))
        );
        assert_eq!(title_date("Editorial Note"), None);
        assert_eq!(title_date("National Security Council Report, NSC 5505, 1955"), None);
    }

    #[test]
    fn headings_and_volume_titles_name_spans() {
        let span = |h: &str| heading_span(h).map(|e| e.to_string());
        assert_eq!(span("November 1962").as_deref(), Some("1962-11"));
        assert_eq!(
            span("January–October 1958: The Berlin Crisis").as_deref(),
            Some("1958-01/1958-10")
        );
        assert_eq!(
            span("Soviet Union, January–April 22, 1969").as_deref(),
            Some("1969-01/1969-04-22")
        );
        assert_eq!(span("Guatemala, 1952–1954").as_deref(), Some("1952/1954"));
        assert_eq!(span("Yugoslavia"), None);
        let volume = |t: &str| volume_span(t).map(|e| e.to_string());
        assert_eq!(
            volume("Foreign Relations of the United States, 1955–1957, Central and Southeastern Europe, Volume XXVI").as_deref(),
            Some("1955/1957")
        );
        assert_eq!(volume("Papers Relating to the Foreign Relations of the United States, 1918, Russia, Volume III").as_deref(), Some("1918"));
        assert_eq!(
            volume("Foreign Relations, 1917–72, Public Diplomacy").as_deref(),
            Some("1917/1972")
        );
    }

    fn record(id: &str, title: &str, printed: &str, chapter: &str, heading: &str) -> Record {
        let edtf = date_phrase::normalize(printed).ok().flatten();
        let mut record = Record::new(
            RecordId::parse(id).unwrap(),
            title.into(),
            DocDate::new(printed.into(), edtf),
        );
        record.collection_id = Some(chapter.into());
        record.collections = vec![
            "Foreign Relations of the United States, 1961–1963, Volume V".into(),
            heading.into(),
        ];
        record
    }

    fn supplied_dates(records: &mut [Record]) -> Vec<(String, String, Option<&'static str>)> {
        let volume = VolumeDates {
            title: "Foreign Relations of the United States, 1961–1963, Volume V",
            published: Some("1998"),
        };
        supply(records, &volume);
        records
            .iter()
            .map(|r| {
                (
                    r.date.printed.clone(),
                    r.date.edtf.map(|e| e.to_string()).unwrap_or_default(),
                    r.date.supplied.map(DateSupplied::key),
                )
            })
            .collect()
    }

    #[test]
    fn every_way_of_supplying_a_date() {
        let mut records = vec![
            // Neighbours on one side only: that neighbour's month, uncertain.
            record("v/d1", "Editorial Note", "Undated", "v/ch1", "Vienna"),
            record("v/d2", "Telegram", "June 3, 1961", "v/ch1", "Vienna"),
            // Between two neighbours.
            record("v/d3", "Editorial Note", "Undated", "v/ch1", "Vienna"),
            record("v/d4", "Telegram", "June 6, 1961", "v/ch1", "Vienna"),
            // The year of a date printed without one: between its neighbours.
            record("v/d5", "Letter", "June 8", "v/ch1", "Vienna"),
            record("v/d6", "Telegram", "June 10, 1961", "v/ch1", "Vienna"),
            // The title's date, the year from the chapter heading.
            record(
                "v/d7",
                "Draft letter from Kennedy to Khrushchev, November 5",
                "Undated",
                "v/ch2",
                "November 1962",
            ),
            // The heading's span, with no neighbours in the chapter.
            record("v/d8", "Editorial Note", "Undated", "v/ch3", "December 1962"),
            // Nothing but the volume.
            record("v/d9", "Editorial Note", "Undated", "v/ch4", "Cuba"),
        ];
        let mut front = record("v/preface", "Preface", "Undated", "v", "");
        front.kind = RecordKind::FrontMatter;
        records.push(front);
        let got = supplied_dates(&mut records);
        let expected: Vec<(&str, &str, Option<&str>)> = vec![
            ("[June 1961?]", "1961-06?", Some("neighbours")),
            ("June 3, 1961", "1961-06-03", None),
            ("[June 3–6, 1961]", "1961-06-03/1961-06-06", Some("neighbours")),
            ("June 6, 1961", "1961-06-06", None),
            ("June 8, [1961]", "1961-06-08", Some("year")),
            ("June 10, 1961", "1961-06-10", None),
            ("[November 5, 1962]", "1962-11-05", Some("title")),
            ("[December 1962]", "1962-12", Some("heading")),
            ("[1961–1963]", "1961/1963", Some("volume")),
            ("[1998]", "1998", Some("publication")),
        ];
        let got: Vec<(&str, &str, Option<&str>)> =
            got.iter().map(|(p, e, s)| (p.as_str(), e.as_str(), *s)).collect();
        assert_eq!(got, expected);
        assert!(!is_dated(&records[8].date), "a three-year span dates nothing");
        assert!(is_dated(&records[2].date));
    }

    #[test]
    fn a_year_across_new_year() {
        // December 30 between December 28, 1961 and January 2, 1962 is 1961; January 1 is 1962.
        let before = Some((day("1961-12-28"), day("1961-12-28")));
        let after = Some((day("1962-01-02"), day("1962-01-02")));
        assert_eq!(year_for(12, 30, None, before, after, None), Some(1961));
        assert_eq!(year_for(1, 1, None, before, after, None), Some(1962));
        assert_eq!(year_for(1, 1, None, None, None, volume_span("FRUS, 1958")), Some(1958));
    }
}
