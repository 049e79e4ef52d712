//! Relations between two parties: who wrote to whom, and when.
//!
//! The server keeps one [`Table`] of every record with correspondents — a letter (authors and
//! recipients) or a conversation (participants, or a record of a meeting) — each correspondent
//! resolved to the parties it is on the record's day ([`crate::parties`]), indexed by party. It
//! is built on the first relation asked for, brought up to date from the store's change sequence
//! (only the records changed since are read again), and built again when persons, offices,
//! events or visits change (`Store::persons_version`), since the first two decide who a name is. A relation is then a walk over the smaller of the two parties' records:
//! the records between them by direction, and conversations apart; the documents *about* both
//! come from the search index (both named), less those between them.

use std::collections::HashSet;
use std::sync::Arc;

use chancery_model::date::CalendarDay;
use chancery_model::id::RecordId;
use chancery_search::query::{Atom, Clause, Query, Scope};

use crate::Shared;
use crate::parties::{Failure, Named, Party};

mod events;
mod table;
mod timeline;

use events::curated_events;
pub(crate) use events::{EventLine, derived_events};
use table::text;
pub(crate) use table::{Direction, Entry, Table, table};
use timeline::timeline;
pub(crate) use timeline::{Bucket, in_period};

/// The most documents "about both" looked at (the newest past it are counted, not listed).
pub(crate) const MAX_ABOUT_SCAN: usize = chancery_search::MAX_LIMIT;
/// The most names of one party a search for the documents about both uses.
const MAX_ABOUT_NAMES: usize = 12;

/// A correspondent on one side of a relation, with the records they are on.
#[derive(Debug, Clone)]
pub(crate) struct Correspondent {
    /// The person or organization, where the name resolves to one.
    pub(crate) party: Option<Party>,
    /// The name as the first record gives it.
    pub(crate) name: String,
    pub(crate) count: usize,
}

/// Who wrote, received or spoke for each side of the records between `a` and `b`: `a`'s
/// correspondents, then `b`'s, most records first.
pub(crate) fn correspondents(
    between: &[(Arc<Entry>, Direction)],
    a: &Party,
    b: &Party,
) -> (Vec<Correspondent>, Vec<Correspondent>) {
    let mut sides: [Vec<Correspondent>; 2] = [Vec::new(), Vec::new()];
    for (entry, _) in between {
        for (n, party) in [a, b].into_iter().enumerate() {
            let mut seen: HashSet<String> = HashSet::new();
            for side in entry.sides().filter(|s| s.is(party)) {
                let who = side.who().cloned();
                let key = who.as_ref().map_or_else(|| side.name.clone(), |p| format!("{p:?}"));
                if !seen.insert(key) {
                    continue;
                }
                let list = &mut sides[n];
                match list.iter_mut().find(|c| match (&c.party, &who) {
                    (Some(x), Some(y)) => x == y,
                    (None, None) => c.name == side.name,
                    _ => false,
                }) {
                    Some(known) => known.count += 1,
                    None => {
                        list.push(Correspondent { party: who, name: side.name.clone(), count: 1 })
                    }
                }
            }
        }
    }
    let [mut first, mut second] = sides;
    for list in [&mut first, &mut second] {
        list.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.name.cmp(&y.name)));
    }
    (first, second)
}

/// A document about both parties.
#[derive(Debug, Clone)]
pub(crate) struct AboutDocument {
    pub(crate) id: RecordId,
    pub(crate) title: String,
    pub(crate) date: String,
}

/// The documents that name both parties and are not between them.
#[derive(Debug, Clone, Default)]
pub(crate) struct About {
    /// How many there are (at least, where not `exact`).
    pub(crate) total: usize,
    pub(crate) exact: bool,
    /// The first, by date.
    pub(crate) documents: Vec<AboutDocument>,
    /// The query that finds them with those between (for the search page).
    pub(crate) query: String,
}

/// A clause matching any of a party's names (at most [`MAX_ABOUT_NAMES`]) as phrases, anywhere.
fn names_clause(party: &Named) -> Clause {
    Clause {
        negated: false,
        alternatives: party
            .names
            .iter()
            .take(MAX_ABOUT_NAMES)
            .map(|n| Atom::Text { scope: Scope::Any, text: n.clone(), phrase: true })
            .collect(),
    }
}

/// The documents naming both parties (any of each one's names, anywhere in the record) less
/// those between them; the first `shown` by date.
pub(crate) fn about(
    archive: &Shared,
    a: &Named,
    b: &Named,
    between: &[(Arc<Entry>, Direction)],
    shown: usize,
) -> Result<About, Failure> {
    if a.names.is_empty() || b.names.is_empty() {
        return Ok(About { exact: true, ..About::default() });
    }
    let query = Query { clauses: vec![names_clause(a), names_clause(b)] };
    let shown_query = query.to_string();
    let mut request = chancery_search::SearchRequest::new(query, "");
    request.sort = chancery_search::Sort::Date;
    request.limit = MAX_ABOUT_SCAN;
    request.count = true;
    request.facets = false;
    let results = archive.index.search(&request).map_err(|e| e.to_string())?;
    let between: HashSet<String> = between.iter().map(|(e, _)| e.id.key()).collect();
    let mut left_out = 0;
    let mut documents = Vec::new();
    for hit in &results.hits {
        if between.contains(&hit.id.key()) {
            left_out += 1;
            continue;
        }
        if documents.len() < shown {
            documents.push(AboutDocument {
                id: hit.id.clone(),
                title: hit.title.clone(),
                date: hit.date_printed.clone(),
            });
        }
    }
    Ok(About {
        total: results.total.saturating_sub(left_out),
        exact: results.total <= MAX_ABOUT_SCAN,
        documents,
        query: shown_query,
    })
}

/// Everything a relation's page and its API show.
pub(crate) struct Relation {
    pub(crate) a: Named,
    pub(crate) b: Named,
    /// The records between them, by date.
    pub(crate) between: Vec<(Arc<Entry>, Direction)>,
    pub(crate) buckets: Vec<Bucket>,
    /// `month` or `year`.
    pub(crate) granularity: &'static str,
    pub(crate) about: About,
    /// `a`'s correspondents, then `b`'s.
    pub(crate) correspondents: (Vec<Correspondent>, Vec<Correspondent>),
    /// For the United States and another country: the U.S. chiefs of mission there.
    pub(crate) chiefs: Vec<chancery_store::HeldPosition>,
    /// The curated events between them, by date.
    pub(crate) events: Vec<EventLine>,
    /// For the United States and another country: the country's leaders' visits to the United
    /// States and U.S. Presidents' and Secretaries of State's trips there, by date.
    pub(crate) visits: Vec<chancery_model::visit::Visit>,
}

impl Relation {
    /// How many records run each way: `a` to `b`, `b` to `a`, conversations.
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        let n = |d: Direction| self.between.iter().filter(|(_, x)| *x == d).count();
        (n(Direction::AToB), n(Direction::BToA), n(Direction::Conversation))
    }
}

/// What a relation's address leads to.
pub(crate) enum Found {
    Relation(Box<Relation>),
    /// The parties under their own ids (`/relations/tito/ussr` →
    /// `tito-josip-broz`, `russia`).
    Elsewhere(String, String),
    /// No party answers to this part of the address.
    Unknown(String),
    /// Both parts name the same party.
    Same,
}

/// The relation between the parties two slugs name, with the first `shown` documents about both.
pub(crate) async fn relation(
    archive: &Shared,
    a: &str,
    b: &str,
    shown: usize,
) -> Result<Found, Failure> {
    let Some(mut first) = crate::parties::find(archive, a).await? else {
        return Ok(Found::Unknown(a.to_string()));
    };
    let Some(mut second) = crate::parties::find(archive, b).await? else {
        return Ok(Found::Unknown(b.to_string()));
    };
    if first.party == second.party {
        return Ok(Found::Same);
    }
    if first.party.id() != a || second.party.id() != b {
        return Ok(Found::Elsewhere(first.party.id().to_string(), second.party.id().to_string()));
    }
    let table = table(archive).await?;
    let between = table.between(&first.party, &second.party);
    let events = curated_events(archive, &first.party, &second.party).await?;
    let years: Vec<i32> = between
        .iter()
        .filter_map(|(e, _)| e.day.map(|d| d.year))
        .chain(events.iter().filter_map(|e| e.day.map(|d| d.year)))
        .collect();
    first.as_of(&years);
    second.as_of(&years);
    let event_days: Vec<CalendarDay> = events.iter().filter_map(|e| e.day).collect();
    let (buckets, granularity) = timeline(&between, &event_days);
    let about = about(archive, &first, &second, &between, shown)?;
    let correspondents = correspondents(&between, &first.party, &second.party);
    let other_country = match (&first.party, &second.party) {
        (Party::Country(x), Party::Country(y)) if x == crate::people::UNITED_STATES => Some(y),
        (Party::Country(x), Party::Country(y)) if y == crate::people::UNITED_STATES => Some(x),
        _ => None,
    };
    let (chiefs, visits) = match other_country {
        Some(country) => (
            archive.store.chiefs_of_mission(country).await.map_err(text)?,
            archive.store.visits_with(country).await.map_err(text)?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(Found::Relation(Box::new(Relation {
        a: first,
        b: second,
        between,
        buckets,
        granularity,
        about,
        correspondents,
        chiefs,
        events,
        visits,
    })))
}

/// Answers the query language's `between:a,b` (the records between two parties: the same as
/// their relation's) and `about:a,b` (records naming both: each party's names, as the relation
/// page's "about both" searches them) by rewriting them into what the index runs. The inner
/// error is the reader's: an unknown party, or an `about:` that does not stand alone.
pub(crate) async fn answer_parties(
    archive: &Shared,
    query: &mut Query,
) -> Result<Result<(), String>, Failure> {
    let mut clauses = Vec::with_capacity(query.clauses.len());
    for mut clause in std::mem::take(&mut query.clauses) {
        if let [Atom::About(a, b)] = clause.alternatives.as_slice() {
            if clause.negated {
                return Ok(Err("`-about:` cannot be searched: exclude the names instead".into()));
            }
            let (Some(x), Some(y)) =
                (crate::parties::find(archive, a).await?, crate::parties::find(archive, b).await?)
            else {
                return Ok(Err(unknown_party(a, b)));
            };
            clauses.push(names_clause(&x));
            clauses.push(names_clause(&y));
            continue;
        }
        for atom in &mut clause.alternatives {
            match atom {
                Atom::About(..) => {
                    return Ok(Err("`about:` stands alone in its clause (no OR)".into()));
                }
                Atom::Between(a, b) => {
                    let (Some(x), Some(y)) = (
                        crate::parties::find(archive, a).await?,
                        crate::parties::find(archive, b).await?,
                    ) else {
                        return Ok(Err(unknown_party(a, b)));
                    };
                    let table = table(archive).await?;
                    let ids = table
                        .between(&x.party, &y.party)
                        .iter()
                        .map(|(e, _)| e.id.as_str().to_string())
                        .collect();
                    *atom = Atom::Records(ids);
                }
                _ => {}
            }
        }
        clauses.push(clause);
    }
    query.clauses = clauses;
    Ok(Ok(()))
}

fn unknown_party(a: &str, b: &str) -> String {
    format!(
        "`{a}` or `{b}` is no person, organization or country the archive knows: name a party as a relation's address does (`yugoslavia`, `ussr`, `tito`); a surname several persons bear needs the person's id, as their page's address gives it (`eisenhower-dwight-d`)"
    )
}

/// A party another corresponded with, for a party's page.
pub(crate) struct PartnerLink {
    pub(crate) name: String,
    /// The relation's page.
    pub(crate) href: String,
    /// Records between them.
    pub(crate) count: usize,
}

/// The parties of the kinds `kinds` that `party` corresponded with most (at most `limit`), each
/// linked to the relation between them.
pub(crate) async fn partner_links(
    archive: &Shared,
    party: &Party,
    kinds: &[&str],
    limit: usize,
) -> Result<Vec<PartnerLink>, Failure> {
    let table = table(archive).await?;
    let mut out = Vec::new();
    for (other, count) in table.partners(party, kinds, limit) {
        let years: Vec<i32> = table
            .between(party, &other)
            .iter()
            .filter_map(|(e, _)| e.day.map(|d| d.year))
            .collect();
        out.push(PartnerLink {
            name: crate::parties::name_of(archive, &other, &years).await?,
            href: format!("/relations/{}/{}", party.id(), other.id()),
            count,
        });
    }
    Ok(out)
}
