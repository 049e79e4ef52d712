//! A relation's page, `/relations/{a}/{b}`: the documents between two parties by month and
//! direction (an SVG timeline whose bars are links, and the same counts as a table), the
//! documents, conversations apart, the documents about both, who corresponded for each side,
//! and for the United States and another country the U.S. chiefs of mission there.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::Shared;
use crate::error::{PageError, PagePath, PageQuery};
use crate::html::chrome::{Chrome, accepts_gzip, cached_html, keep, record_path, redirect};
use crate::html::markup::{escape, query_value};
use crate::offices::PositionLine;
use crate::parties::Party;
use crate::relations::{Bucket, Direction, Found, Relation, relation};

/// The most documents about both a page lists (the search holds the rest).
const MAX_ABOUT_SHOWN: usize = 20;
/// The most documents between the parties a page lists at once; past it, a period's.
pub(crate) const MAX_BETWEEN_SHOWN: usize = 300;
/// The most correspondents listed for each side.
const MAX_CORRESPONDENTS_SHOWN: usize = 20;

#[derive(Deserialize)]
pub(crate) struct RelationParams {
    /// `1954-08` or `1954`: only that period's documents.
    period: Option<String>,
}

struct DocumentLine {
    href: String,
    title: String,
    date: String,
    /// "Tito → Khrushchev" style: which way it ran, in words.
    direction: String,
    class: &'static str,
}

struct PeriodRow {
    href: String,
    label: String,
    a_to_b: usize,
    b_to_a: usize,
    conversations: usize,
    events: usize,
}

/// A curated event as the page lists it.
struct EventView {
    anchor: String,
    date: String,
    kind: &'static str,
    /// Who acted, in words ("Soviet Union → Yugoslavia").
    direction: String,
    statement: String,
    /// Each record of evidence: its page where the archive holds it, else its id.
    evidence: Vec<(Option<String>, String)>,
    sources: String,
    revision: i64,
}

/// A visit or trip as the page lists it.
struct VisitLine {
    dates: String,
    who: String,
    what: &'static str,
    place: String,
    note: String,
}

struct CorrespondentLine {
    href: Option<String>,
    name: String,
    count: usize,
}

struct PartyLine {
    id: String,
    name: String,
    href: String,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "relation.html")]
struct RelationPage {
    chrome: Chrome,
    a: PartyLine,
    b: PartyLine,
    swap: String,
    a_to_b: usize,
    b_to_a: usize,
    conversations: usize,
    undated: usize,
    svg: String,
    granularity: &'static str,
    rows: Vec<PeriodRow>,
    period: Option<String>,
    documents: Vec<DocumentLine>,
    /// How many documents the list leaves out (past [`MAX_BETWEEN_SHOWN`]).
    more: usize,
    about_total: usize,
    about_exact: bool,
    about: Vec<DocumentLine>,
    about_search: String,
    a_people: Vec<CorrespondentLine>,
    b_people: Vec<CorrespondentLine>,
    chiefs: Vec<PositionLine>,
    chiefs_country: String,
    events: Vec<EventView>,
    visits: Vec<VisitLine>,
    /// The events the records between them are (letters, conversations), in the exports.
    derived: usize,
    api: String,
}

pub(crate) async fn show(
    State(archive): State<Shared>,
    PagePath((a, b)): PagePath<(String, String)>,
    PageQuery(params): PageQuery<RelationParams>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let period = params.period.filter(|p| valid_period(p));
    let key = format!("relation|{a}|{b}|{}", period.as_deref().unwrap_or(""));
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let found =
        relation(&archive, &a, &b, MAX_ABOUT_SHOWN).await.map_err(|e| PageError::internal(&e))?;
    let relation = match found {
        Found::Relation(relation) => relation,
        Found::Elsewhere(a, b) => {
            let query = period
                .as_deref()
                .map(|p| format!("?period={}", query_value(p)))
                .unwrap_or_default();
            return Ok(redirect(&format!("/relations/{a}/{b}{query}")));
        }
        Found::Unknown(slug) => {
            return Err(PageError::not_found(format!(
                "The archive knows no person, organization or country `{}`. A party is a \
                 country (`yugoslavia`, `ussr`, `usa`), a person (`tito-josip-broz`, or a surname \
                 one person bears: `tito`; where several bear it, the id their page's address \
                 gives) or an organization (`department-of-state`).",
                slug.chars().take(80).collect::<String>()
            )));
        }
        Found::Same => {
            return Err(PageError::bad_request(
                "Both parts of the address name the same party: a relation is between two.",
            ));
        }
    };
    let page = page(&archive, &relation, period);
    Ok(keep(&archive, &key, page.render()?, accepts_gzip(&headers), generation))
}

/// A period as the timeline writes it: `YYYY` or `YYYY-MM`.
fn valid_period(period: &str) -> bool {
    let b = period.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        _ => false,
    }
}

fn party_line(named: &crate::parties::Named) -> PartyLine {
    PartyLine {
        id: named.party.id().to_string(),
        name: named.name.clone(),
        href: named.href.clone(),
        kind: named.party.kind(),
    }
}

fn page(archive: &Shared, relation: &Relation, period: Option<String>) -> RelationPage {
    let (a, b) = (&relation.a, &relation.b);
    let base = format!("/relations/{}/{}", a.party.id(), b.party.id());
    let (a_to_b, b_to_a, conversations) = relation.counts();
    let line = |entry: &crate::relations::Entry, direction: Direction| DocumentLine {
        href: record_path(&entry.id),
        title: entry.title.clone(),
        date: entry.date.clone(),
        direction: match direction {
            Direction::AToB => format!("{} → {}", a.name, b.name),
            Direction::BToA => format!("{} → {}", b.name, a.name),
            Direction::Conversation => "conversation".to_string(),
        },
        class: direction.key(),
    };
    let chosen: Vec<_> = relation
        .between
        .iter()
        .filter(|(entry, _)| {
            period.as_deref().is_none_or(|p| crate::relations::in_period(entry.day, p))
        })
        .collect();
    let more = chosen.len().saturating_sub(MAX_BETWEEN_SHOWN);
    let documents =
        chosen.iter().take(MAX_BETWEEN_SHOWN).map(|(entry, d)| line(entry, *d)).collect();
    let period_href = |p: &str| format!("{base}?period={p}#documents");
    let rows = relation
        .buckets
        .iter()
        .filter(|bucket| bucket.total() > 0)
        .map(|bucket| PeriodRow {
            href: period_href(&bucket.period),
            label: bucket.label.clone(),
            a_to_b: bucket.a_to_b,
            b_to_a: bucket.b_to_a,
            conversations: bucket.conversations,
            events: bucket.events,
        })
        .collect();
    let people = |list: &[crate::relations::Correspondent]| {
        list.iter()
            .take(MAX_CORRESPONDENTS_SHOWN)
            .map(|c| CorrespondentLine {
                href: c.party.as_ref().map(|p| match p {
                    Party::Person(id) => crate::html::chrome::person_path(id),
                    Party::Organization(id) => crate::html::chrome::organization_path(id),
                    Party::Country(id) => crate::html::chrome::country_path(id),
                }),
                name: c.name.clone(),
                count: c.count,
            })
            .collect()
    };
    let about = relation
        .about
        .documents
        .iter()
        .map(|d| DocumentLine {
            href: record_path(&d.id),
            title: d.title.clone(),
            date: d.date.clone(),
            direction: String::new(),
            class: "about",
        })
        .collect();
    let events = relation
        .events
        .iter()
        .map(|e| EventView {
            anchor: format!("event-{}", e.id.as_deref().unwrap_or_default()),
            date: crate::collections::iso_day_text(&e.date),
            kind: e.kind,
            direction: if e.from_a {
                format!("{} → {}", a.name, b.name)
            } else {
                format!("{} → {}", b.name, a.name)
            },
            statement: e.statement.clone(),
            evidence: e
                .evidence
                .iter()
                .map(|(id, title)| match title {
                    Some(title) => (Some(record_path(id)), title.clone()),
                    None => (None, format!("{} (not in the archive)", id.as_str())),
                })
                .collect(),
            sources: e.sources.join("; "),
            revision: e.revision.unwrap_or(1),
        })
        .collect();
    let visits = relation
        .visits
        .iter()
        .map(|v| {
            let start = crate::collections::iso_day_text(&v.start);
            VisitLine {
                dates: match v.end.as_deref().filter(|end| *end != v.start) {
                    Some(end) => format!("{start} – {}", crate::collections::iso_day_text(end)),
                    None => start,
                },
                who: v.who.clone(),
                what: match v.kind {
                    chancery_model::visit::VisitKind::ToUnitedStates => {
                        "visit to the United States"
                    }
                    chancery_model::visit::VisitKind::President => "the President's trip",
                    chancery_model::visit::VisitKind::Secretary => "the Secretary of State's trip",
                },
                place: v.locale.clone().unwrap_or_default(),
                note: v.note.clone(),
            }
        })
        .collect();
    let chiefs_country = match (&a.party, &b.party) {
        (Party::Country(x), _) if x == crate::people::UNITED_STATES => b.name.clone(),
        _ => a.name.clone(),
    };
    let mut chrome = Chrome::plain(&format!("{} and {}", a.name, b.name));
    chrome.canonical = Some(format!("{}{base}", archive.config.base_url));
    chrome.description = Some(format!(
        "{} and {}: {} documents between them, by month and direction, and {} about both.",
        a.name,
        b.name,
        relation.between.len(),
        relation.about.total
    ));
    RelationPage {
        chrome,
        swap: format!("/relations/{}/{}", b.party.id(), a.party.id()),
        a: party_line(a),
        b: party_line(b),
        a_to_b,
        b_to_a,
        conversations,
        undated: relation.between.iter().filter(|(e, _)| e.day.is_none()).count(),
        svg: timeline_svg(&relation.buckets, &a.name, &b.name, period_href),
        granularity: relation.granularity,
        rows,
        period,
        documents,
        more,
        about_total: relation.about.total,
        about_exact: relation.about.exact,
        about,
        about_search: format!("/search?q={}&sort=date", query_value(&relation.about.query)),
        a_people: people(&relation.correspondents.0),
        b_people: people(&relation.correspondents.1),
        chiefs: relation.chiefs.iter().map(PositionLine::of).collect(),
        chiefs_country,
        events,
        visits,
        derived: relation.between.len(),
        api: format!("/api/v1{base}"),
    }
}

/// The timeline as an SVG: three lanes (`a` to `b` above, `b` to `a`, conversations), a bar per
/// period with documents, each a link to that period's documents; the years along the bottom.
fn timeline_svg(buckets: &[Bucket], a: &str, b: &str, href: impl Fn(&str) -> String) -> String {
    if buckets.is_empty() {
        return String::new();
    }
    let width = 720.0_f64;
    let lane = 44.0_f64;
    let label = 16.0_f64;
    let lanes = [
        ("Events".to_string(), "event"),
        (format!("{a} → {b}"), "a-to-b"),
        (format!("{b} → {a}"), "b-to-a"),
        ("Conversations".to_string(), "conversation"),
    ];
    let max = buckets
        .iter()
        .flat_map(|x| [x.a_to_b, x.b_to_a, x.conversations, x.events])
        .max()
        .unwrap_or(1)
        .max(1);
    let slot = width / buckets.len() as f64;
    let bar = (slot * 0.8).max(1.0);
    let height = lanes.len() as f64 * (lane + label) + 18.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"timeline\" viewBox=\"0 0 {width} {height}\" role=\"group\" aria-label=\"Documents between {} and {} by period and direction, {} to {}; each bar is a link\">",
        escape(a),
        escape(b),
        escape(&buckets[0].label),
        escape(&buckets[buckets.len() - 1].label),
    );
    for (n, (name, class)) in lanes.iter().enumerate() {
        let top = n as f64 * (lane + label);
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" class=\"lane\">{}</text><line x1=\"0\" x2=\"{width}\" y1=\"{base:.1}\" y2=\"{base:.1}\" class=\"baseline\"/>",
            top + 12.0,
            escape(name),
            base = top + label + lane,
        );
        for (i, bucket) in buckets.iter().enumerate() {
            let count = match n {
                0 => bucket.events,
                1 => bucket.a_to_b,
                2 => bucket.b_to_a,
                _ => bucket.conversations,
            };
            if count == 0 {
                continue;
            }
            let h = ((count as f64 / max as f64) * lane).max(2.0);
            let noun = match (n, count) {
                (0, 1) => "event",
                (0, _) => "events",
                (3, 1) => "conversation",
                (3, _) => "conversations",
                (_, 1) => "document",
                _ => "documents",
            };
            let link = if n == 0 { "#events".to_string() } else { href(&bucket.period) };
            let what = format!("{}: {count} {noun}, {name}", bucket.label);
            let _ = write!(
                svg,
                "<a href=\"{}\" class=\"bar {class}\" aria-label=\"{what}\"><rect x=\"{:.2}\" y=\"{:.2}\" width=\"{bar:.2}\" height=\"{h:.2}\"><title>{what}</title></rect></a>",
                escape(&link),
                i as f64 * slot + (slot - bar) / 2.0,
                top + label + lane - h,
                what = escape(&what),
            );
        }
    }
    // The years: each one where there are few, else the decades; the ends at least.
    let years: Vec<(usize, &str)> = buckets
        .iter()
        .enumerate()
        .filter(|(_, x)| x.period.len() == 4 || x.period.ends_with("-01"))
        .map(|(i, x)| (i, &x.period[..4]))
        .collect();
    let shown: Vec<&(usize, &str)> = if years.len() > 12 {
        years.iter().filter(|(_, y)| y.ends_with('0')).collect()
    } else {
        years.iter().collect()
    };
    for (i, year) in shown {
        let _ = write!(
            svg,
            "<text x=\"{:.2}\" y=\"{:.1}\" class=\"axis\">{year}</text>",
            *i as f64 * slot,
            height - 4.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_years_or_months() {
        assert!(valid_period("1954") && valid_period("1954-08"));
        assert!(!valid_period("54") && !valid_period("1954-8") && !valid_period("1954-08-01"));
        assert!(!valid_period("<svg>") && !valid_period("1954/08"));
    }

    #[test]
    fn the_timeline_escapes_names_and_links_each_bar() {
        let bucket = |period: &str, a_to_b| Bucket {
            period: period.into(),
            label: period.into(),
            a_to_b,
            b_to_a: 0,
            conversations: 1,
            events: 0,
        };
        let svg =
            timeline_svg(&[bucket("1954-08", 2), bucket("1954-09", 0)], "<A>", "B & C", |p| {
                format!("/r?period={p}")
            });
        assert!(svg.contains("&lt;A&gt; → B &amp; C"), "{svg}");
        assert!(!svg.contains("<A>"));
        assert!(svg.contains("<a href=\"/r?period=1954-08\" class=\"bar a-to-b\""), "{svg}");
        assert_eq!(svg.matches("class=\"bar a-to-b\"").count(), 1, "no bar for an empty period");
        assert_eq!(svg.matches("class=\"bar conversation\"").count(), 2);
    }
}
