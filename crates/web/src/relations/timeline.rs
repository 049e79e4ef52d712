//! A relation's timeline: the records between two parties and their curated events by month, or
//! by year past [`MAX_MONTHLY_SPAN`] months.

use std::sync::Arc;

use chancery_model::date::{CalendarDay, MONTH_NAMES};

use super::table::{Direction, Entry};

/// The longest span, in months, drawn month by month; a longer one is drawn by year.
pub(crate) const MAX_MONTHLY_SPAN: i32 = 240;

/// One period of a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bucket {
    /// `1954-08`, or `1954` for a timeline by year.
    pub(crate) period: String,
    /// "August 1954", or "1954".
    pub(crate) label: String,
    pub(crate) a_to_b: usize,
    pub(crate) b_to_a: usize,
    pub(crate) conversations: usize,
    /// Curated events that begin in it.
    pub(crate) events: usize,
}

impl Bucket {
    pub(crate) fn total(&self) -> usize {
        self.a_to_b + self.b_to_a + self.conversations
    }
}

/// The records between two parties and the curated events between them (by their first days)
/// by period: every month (or year, past [`MAX_MONTHLY_SPAN`] months) from the first dated one
/// to the last, empty ones included.
pub(crate) fn timeline(
    between: &[(Arc<Entry>, Direction)],
    events: &[CalendarDay],
) -> (Vec<Bucket>, &'static str) {
    let days: Vec<CalendarDay> =
        between.iter().filter_map(|(e, _)| e.day).chain(events.iter().copied()).collect();
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return (Vec::new(), "month");
    };
    let months = |d: &CalendarDay| d.year * 12 + i32::from(d.month) - 1;
    let monthly = months(last) - months(first) < MAX_MONTHLY_SPAN;
    let index = |d: &CalendarDay| {
        if monthly { months(d) - months(first) } else { d.year - first.year }
    };
    let n = index(last) + 1;
    let mut buckets: Vec<Bucket> = (0..n)
        .map(|i| {
            let (period, label) = if monthly {
                let m = months(first) + i;
                let (year, month) = (m.div_euclid(12), m.rem_euclid(12) as usize);
                (format!("{year:04}-{:02}", month + 1), format!("{} {year}", MONTH_NAMES[month]))
            } else {
                let year = first.year + i;
                (format!("{year:04}"), year.to_string())
            };
            Bucket { period, label, a_to_b: 0, b_to_a: 0, conversations: 0, events: 0 }
        })
        .collect();
    for (entry, direction) in between {
        let Some(day) = entry.day else { continue };
        let Some(bucket) = usize::try_from(index(&day)).ok().and_then(|i| buckets.get_mut(i))
        else {
            continue;
        };
        match direction {
            Direction::AToB => bucket.a_to_b += 1,
            Direction::BToA => bucket.b_to_a += 1,
            Direction::Conversation => bucket.conversations += 1,
        }
    }
    for day in events {
        if let Some(bucket) = usize::try_from(index(day)).ok().and_then(|i| buckets.get_mut(i)) {
            bucket.events += 1;
        }
    }
    (buckets, if monthly { "month" } else { "year" })
}

/// Whether a record falls in a period of a timeline (`1954-08` or `1954`).
pub(crate) fn in_period(day: Option<CalendarDay>, period: &str) -> bool {
    day.is_some_and(|d| {
        let month = format!("{:04}-{:02}", d.year, d.month);
        month == period || month.starts_with(&format!("{period}-"))
    })
}
