//! Relations between two parties: who wrote to whom, and when.
//!
//! The server keeps one [`Table`] of every record with correspondents — a letter (authors and
//! recipients) or a conversation (participants) — each correspondent resolved to the parties it
//! is on the record's day ([`crate::parties`]), indexed by party. It is built on the first
//! relation asked for, brought up to date from the store's change sequence (only the records
//! changed since are read again), and built again when persons or offices change, since they
//! decide who a name is. A relation is then a walk over the smaller of the two parties' records:
//! the records between them by direction, and conversations apart; the documents *about* both
//! come from the search index (both named), less those between them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chancery_model::date::{CalendarDay, MONTH_NAMES};
use chancery_model::id::RecordId;
use chancery_model::person::PersonId;
use chancery_search::query::{Atom, Clause, Query, Scope};
use chancery_store::StoredRecord;

use crate::Shared;
use crate::parties::{Countries, Failure, Named, Party, Side};
use crate::people::{Context, resolve_in};

/// Records read from the store at a time while the table is built.
const BUILD_PAGE: u32 = 500;
/// Past this many changed records since the table was made, it is built again rather than
/// brought up to date record by record.
const MAX_INCREMENTAL_RECORDS: usize = 20_000;
/// The longest span, in months, drawn month by month; a longer one is drawn by year.
pub(crate) const MAX_MONTHLY_SPAN: i32 = 240;
/// The most documents "about both" looked at (the newest past it are counted, not listed).
pub(crate) const MAX_ABOUT_SCAN: usize = chancery_search::MAX_LIMIT;
/// The most names of one party a search for the documents about both uses.
const MAX_ABOUT_NAMES: usize = 12;

/// A record with correspondents, as parties.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) id: RecordId,
    pub(crate) title: String,
    /// The date as printed.
    pub(crate) date: String,
    /// The first day the date allows.
    pub(crate) day: Option<CalendarDay>,
    /// A conversation (participants), not a letter (authors to recipients).
    pub(crate) conversation: bool,
    pub(crate) from: Vec<Side>,
    pub(crate) to: Vec<Side>,
    pub(crate) with: Vec<Side>,
}

/// How a record runs between two parties `a` and `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// From `a` to `b`.
    AToB,
    /// From `b` to `a`.
    BToA,
    /// A conversation in which both took part.
    Conversation,
}

impl Direction {
    /// `a-to-b`, `b-to-a` or `conversation`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Direction::AToB => "a-to-b",
            Direction::BToA => "b-to-a",
            Direction::Conversation => "conversation",
        }
    }
}

impl Entry {
    fn sides(&self) -> impl Iterator<Item = &Side> {
        self.from.iter().chain(&self.to).chain(&self.with)
    }

    /// How the record runs between `a` and `b`, if it is between them: a letter from one's side
    /// to the other's, or a conversation in which one participant is `a` and another `b`.
    pub(crate) fn direction(&self, a: &Party, b: &Party) -> Option<Direction> {
        if self.conversation {
            let both = self.with.iter().enumerate().any(|(i, x)| {
                x.is(a) && self.with.iter().enumerate().any(|(j, y)| i != j && y.is(b))
            });
            return both.then_some(Direction::Conversation);
        }
        let sent = |x: &Party, y: &Party| {
            self.from.iter().any(|s| s.is(x)) && self.to.iter().any(|s| s.is(y))
        };
        if sent(a, b) {
            Some(Direction::AToB)
        } else if sent(b, a) {
            Some(Direction::BToA)
        } else {
            None
        }
    }

    /// The sides across from `party` on this record: the recipients of what it wrote, the
    /// authors of what it received, the other participants of a conversation.
    fn across_from(&self, party: &Party) -> Vec<&Side> {
        if self.conversation {
            return self.with.iter().filter(|s| !s.is(party)).collect();
        }
        let mut out = Vec::new();
        if self.from.iter().any(|s| s.is(party)) {
            out.extend(self.to.iter().filter(|s| !s.is(party)));
        }
        if self.to.iter().any(|s| s.is(party)) {
            out.extend(self.from.iter().filter(|s| !s.is(party)));
        }
        out
    }
}

/// Every record with correspondents, by party.
#[derive(Clone, Default)]
pub(crate) struct Table {
    entries: HashMap<String, Arc<Entry>>,
    by_party: HashMap<Party, BTreeSet<String>>,
    /// The store change it reflects.
    seq: i64,
    /// The persons version it was resolved with (`Store::persons_version`).
    persons: String,
}

impl Table {
    fn insert(&mut self, entry: Entry) {
        let key = entry.id.key();
        for party in entry.sides().flat_map(|s| &s.parties) {
            self.by_party.entry(party.clone()).or_default().insert(key.clone());
        }
        self.entries.insert(key, Arc::new(entry));
    }

    fn remove(&mut self, key: &str) {
        let Some(entry) = self.entries.remove(key) else { return };
        for party in entry.sides().flat_map(|s| &s.parties) {
            if let Some(keys) = self.by_party.get_mut(party) {
                keys.remove(key);
                if keys.is_empty() {
                    self.by_party.remove(party);
                }
            }
        }
    }

    /// The records that name the party as a correspondent, in no particular order.
    pub(crate) fn records_with<'t>(
        &'t self,
        party: &Party,
    ) -> impl Iterator<Item = &'t Arc<Entry>> {
        self.by_party.get(party).into_iter().flatten().filter_map(|key| self.entries.get(key))
    }

    /// The records between `a` and `b`, by date (undated last), each with its direction.
    pub(crate) fn between(&self, a: &Party, b: &Party) -> Vec<(Arc<Entry>, Direction)> {
        let (Some(x), Some(y)) = (self.by_party.get(a), self.by_party.get(b)) else {
            return Vec::new();
        };
        let (small, large) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        let mut out: Vec<(Arc<Entry>, Direction)> = small
            .iter()
            .filter(|key| large.contains(*key))
            .filter_map(|key| self.entries.get(key))
            .filter_map(|entry| entry.direction(a, b).map(|d| (entry.clone(), d)))
            .collect();
        out.sort_by(|(x, _), (y, _)| {
            (x.day.is_none(), x.day, &x.id).cmp(&(y.day.is_none(), y.day, &y.id))
        });
        out
    }

    /// The parties `party` corresponded with most, of the kinds `kinds`, each with the number of
    /// records between them (at most `limit`).
    pub(crate) fn partners(
        &self,
        party: &Party,
        kinds: &[&str],
        limit: usize,
    ) -> Vec<(Party, usize)> {
        let mut counts: HashMap<&Party, usize> = HashMap::new();
        for entry in
            self.by_party.get(party).into_iter().flatten().filter_map(|k| self.entries.get(k))
        {
            let mut seen: HashSet<&Party> = HashSet::new();
            for other in entry.across_from(party).into_iter().flat_map(|s| &s.parties) {
                if other != party && kinds.contains(&other.kind()) && seen.insert(other) {
                    *counts.entry(other).or_default() += 1;
                }
            }
        }
        let mut out: Vec<(Party, usize)> =
            counts.into_iter().map(|(p, n)| (p.clone(), n)).collect();
        out.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        out.truncate(limit);
        out
    }
}

/// The table as of the store's latest change the server has seen: kept, brought up to date, or
/// built.
pub(crate) async fn table(archive: &Shared) -> Result<Arc<Table>, Failure> {
    let mut kept = archive.relations.lock().await;
    let generation = archive.generation();
    let persons = archive.persons_version();
    if let Some(table) = kept.as_ref()
        && table.seq >= generation
        && table.persons == persons
    {
        return Ok(table.clone());
    }
    let mut builder = Builder::load(archive).await?;
    let mut table = match kept.as_ref() {
        Some(old) if old.persons == persons => {
            let mut changed: BTreeSet<RecordId> = BTreeSet::new();
            let mut after = old.seq;
            loop {
                let page = archive.store.changes_after(after, 1000).await.map_err(text)?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                changed.extend(page.into_iter().map(|c| c.record_id));
                if changed.len() > MAX_INCREMENTAL_RECORDS {
                    break;
                }
            }
            if changed.len() > MAX_INCREMENTAL_RECORDS {
                builder.build(archive).await?
            } else {
                let mut table = Table::clone(old);
                let ids: Vec<RecordId> = changed.into_iter().collect();
                for chunk in ids.chunks(BUILD_PAGE as usize) {
                    for id in chunk {
                        table.remove(&id.key());
                    }
                    let records = archive.store.get_many(chunk).await.map_err(text)?;
                    for entry in builder.entries(archive, &records).await? {
                        table.insert(entry);
                    }
                }
                table.seq = after.max(generation);
                table
            }
        }
        _ => builder.build(archive).await?,
    };
    table.persons = persons;
    let table = Arc::new(table);
    *kept = Some(table.clone());
    Ok(table)
}

fn text(error: chancery_store::Error) -> Failure {
    error.to_string()
}

/// What making entries needs: the countries, the names' context, and each person's country.
struct Builder {
    countries: Countries,
    context: Context,
    nationality: HashMap<PersonId, Option<String>>,
}

impl Builder {
    async fn load(archive: &Shared) -> Result<Builder, Failure> {
        Ok(Builder {
            countries: Countries::load(archive).await?,
            context: Context::load(archive).await.map_err(text)?,
            nationality: HashMap::new(),
        })
    }

    /// Every current record, read page by page.
    async fn build(&mut self, archive: &Shared) -> Result<Table, Failure> {
        let seq = archive.store.last_change().await.map_err(text)?;
        let mut table = Table { seq, ..Table::default() };
        let mut after: Option<RecordId> = None;
        loop {
            let page =
                archive.store.records_after(after.as_ref(), BUILD_PAGE).await.map_err(text)?;
            let Some(last) = page.last() else { break };
            after = Some(last.record.id.clone());
            for entry in self.entries(archive, &page).await? {
                table.insert(entry);
            }
            if page.len() < BUILD_PAGE as usize {
                break;
            }
        }
        Ok(table)
    }

    /// The entries of the records that have correspondents.
    async fn entries(
        &mut self,
        archive: &Shared,
        records: &[StoredRecord],
    ) -> Result<Vec<Entry>, Failure> {
        let mut out = Vec::new();
        for stored in records.iter().filter(|s| s.deleted_at.is_none()) {
            let record = &stored.record;
            let conversation = is_conversation(record);
            if !conversation && (record.authors.is_empty() || record.recipients.is_empty()) {
                continue;
            }
            let resolved =
                resolve_in(archive, record, self.context.for_record(record)).await.map_err(text)?;
            for person in resolved.iter().filter_map(|r| r.person.as_deref()) {
                let Ok(id) = PersonId::parse(person) else { continue };
                if self.nationality.contains_key(&id) {
                    continue;
                }
                let country = match archive.store.person(&id).await.map_err(text)? {
                    Some(person) => {
                        let holds =
                            !archive.store.positions_of_person(&id).await.map_err(text)?.is_empty();
                        self.countries.of_person(&person, holds)
                    }
                    None => None,
                };
                self.nationality.insert(id, country);
            }
            let day = record.date.edtf.as_ref().and_then(|e| e.bounds().0);
            let year = day.map(|d| d.year);
            let mut entry = Entry {
                id: record.id.clone(),
                title: record.title.clone(),
                date: record.date.printed.clone(),
                day,
                conversation,
                from: Vec::new(),
                to: Vec::new(),
                with: Vec::new(),
            };
            for resolution in &resolved {
                let side = crate::parties::side(resolution, year, &self.countries, |p| {
                    self.nationality.get(p).cloned().flatten()
                });
                if side.parties.is_empty() {
                    continue;
                }
                match resolution.role {
                    _ if conversation => entry.with.push(side),
                    "author" => entry.from.push(side),
                    "recipient" => entry.to.push(side),
                    _ => entry.with.push(side),
                }
            }
            let has_sides = if conversation {
                entry.with.len() >= 2
            } else {
                !entry.from.is_empty() && !entry.to.is_empty()
            };
            if has_sides {
                out.push(entry);
            }
        }
        Ok(out)
    }
}

/// Whether a record is a conversation rather than a letter: it names participants, its type is
/// a record of conversation, or its title says it records a meeting or conversation between its
/// names ("Record of the Meeting Between Secretary of State Dulles and President Tito", whose
/// names the title rule reads as author and recipient). A conversation's names are all
/// participants.
pub(crate) fn is_conversation(record: &chancery_model::record::Record) -> bool {
    let title = record.title.to_lowercase();
    !record.participants.is_empty()
        || record.doc_type == Some(chancery_model::doc_type::DocType::RecordOfConversation)
        || ["meeting between", "conversation between", "conversation with", "record of a meeting"]
            .iter()
            .any(|w| title.contains(w))
}

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

/// An event between two parties: curated (from an events file, with its revision) or derived
/// from a record between them (a letter is an event of its kind on its date).
#[derive(Debug, Clone)]
pub(crate) struct EventLine {
    /// The curated event's id; `None` for a derived one.
    pub(crate) id: Option<String>,
    /// EDTF.
    pub(crate) date: String,
    pub(crate) day: Option<CalendarDay>,
    /// `model::event::EventKind`'s key.
    pub(crate) kind: &'static str,
    pub(crate) statement: String,
    /// Who acted first, as the file names the parties: `a` (the relation's first party) or `b`.
    pub(crate) from_a: bool,
    /// The records that show it, each with its title where the archive holds it.
    pub(crate) evidence: Vec<(RecordId, Option<String>)>,
    pub(crate) sources: Vec<String>,
    pub(crate) revision: Option<i64>,
}

/// The curated events whose two parties are `a` and `b` (in either order; a file may name a
/// party by any address a relation takes: `ussr`, `tito`), by date, their evidence looked up.
pub(crate) async fn curated_events(
    archive: &Shared,
    a: &Party,
    b: &Party,
) -> Result<Vec<EventLine>, Failure> {
    let all = archive.store.events().await.map_err(text)?;
    let mut parties: HashMap<String, Option<Party>> = HashMap::new();
    let mut out = Vec::new();
    for stored in all {
        let event = stored.event;
        let mut found = [None, None];
        for (n, slug) in event.parties.iter().enumerate() {
            if !parties.contains_key(slug) {
                let party = crate::parties::find(archive, slug).await?.map(|n| n.party);
                parties.insert(slug.clone(), party);
            }
            found[n] = parties.get(slug).cloned().flatten();
        }
        let from_a = match (&found[0], &found[1]) {
            (Some(x), Some(y)) if x == a && y == b => true,
            (Some(x), Some(y)) if x == b && y == a => false,
            _ => continue,
        };
        let held = archive.store.get_many(&event.evidence).await.map_err(text)?;
        let evidence = event
            .evidence
            .iter()
            .map(|id| {
                let title =
                    held.iter().find(|s| s.record.id == *id).map(|s| s.record.title.clone());
                (id.clone(), title)
            })
            .collect();
        out.push(EventLine {
            id: Some(event.id.clone()),
            date: event.date.to_string(),
            day: event.date.bounds().0,
            kind: event.kind.key(),
            statement: event.statement.clone(),
            from_a,
            evidence,
            sources: event.sources.clone(),
            revision: Some(stored.revision),
        });
    }
    out.sort_by(|x, y| (x.day.is_none(), x.day, &x.id).cmp(&(y.day.is_none(), y.day, &y.id)));
    Ok(out)
}

/// The events the records between two parties are: a letter (or telegram, note…) on its date
/// from its side, a conversation a meeting.
pub(crate) fn derived_events(between: &[(Arc<Entry>, Direction)]) -> Vec<EventLine> {
    between
        .iter()
        .map(|(entry, direction)| EventLine {
            id: None,
            date: entry.day.map(|d| d.to_string()).unwrap_or_default(),
            day: entry.day,
            kind: match direction {
                Direction::Conversation => chancery_model::event::EventKind::Meeting.key(),
                _ => chancery_model::event::EventKind::Letter.key(),
            },
            statement: entry.title.clone(),
            from_a: *direction != Direction::BToA,
            evidence: vec![(entry.id.clone(), Some(entry.title.clone()))],
            sources: Vec::new(),
            revision: None,
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn side(name: &str, parties: &[Party]) -> Side {
        Side { name: name.into(), parties: parties.to_vec() }
    }

    fn country(id: &str) -> Party {
        Party::Country(id.into())
    }

    fn entry(id: &str, day: (i32, u8), from: Vec<Side>, to: Vec<Side>) -> Entry {
        Entry {
            id: RecordId::parse(id).unwrap(),
            title: id.into(),
            date: String::new(),
            day: Some(CalendarDay { year: day.0, month: day.1, day: 1 }),
            conversation: false,
            from,
            to,
            with: Vec::new(),
        }
    }

    #[test]
    fn a_letter_runs_from_its_authors_to_its_recipients_and_internal_traffic_is_not_between() {
        let (us, yu) = (country("united-states"), country("yugoslavia"));
        let mut table = Table::default();
        table.insert(entry(
            "t1",
            (1955, 3),
            vec![side("Embassy in Yugoslavia", std::slice::from_ref(&us))],
            vec![side("Department of State", &[Party::Organization("dos".into()), us.clone()])],
        ));
        table.insert(entry(
            "t2",
            (1955, 5),
            vec![side("Tito", &[Party::Person(PersonId::parse("tito").unwrap()), yu.clone()])],
            vec![side("Eisenhower", std::slice::from_ref(&us))],
        ));
        table.insert(entry(
            "t3",
            (1954, 8),
            vec![side("Dulles", std::slice::from_ref(&us))],
            vec![side("Tito", std::slice::from_ref(&yu))],
        ));
        let between = table.between(&us, &yu);
        let found: Vec<(&str, Direction)> =
            between.iter().map(|(e, d)| (e.id.as_str(), *d)).collect();
        assert_eq!(found, vec![("t3", Direction::AToB), ("t2", Direction::BToA)]);
        let (buckets, granularity) = timeline(&between, &[]);
        assert_eq!(granularity, "month");
        assert_eq!(buckets.len(), 10, "August 1954 to May 1955, empty months included");
        assert_eq!((buckets[0].period.as_str(), buckets[0].a_to_b), ("1954-08", 1));
        assert_eq!((buckets[9].label.as_str(), buckets[9].b_to_a), ("May 1955", 1));
        assert_eq!(table.partners(&us, &["country"], 5), vec![(yu.clone(), 2)]);
        table.remove("t2");
        assert_eq!(table.between(&yu, &us).len(), 1);
        assert_eq!(table.between(&yu, &us)[0].1, Direction::BToA, "seen from Yugoslavia");
    }

    #[test]
    fn a_meeting_is_a_conversation_whoever_the_title_makes_author() {
        let mut record = chancery_model::record::Record::new(
            RecordId::parse("d263").unwrap(),
            "Record of the Meeting Between Secretary of State Dulles and President Tito on the Island of Vanga".into(),
            chancery_model::date::DocDate::new("November 6, 1955".into(), None),
        );
        record.authors = vec!["John Foster Dulles".into()];
        record.recipients = vec!["Josip Broz Tito".into()];
        assert!(is_conversation(&record));
        record.title = "Letter From President Eisenhower to President Tito".into();
        assert!(!is_conversation(&record));
        record.participants = vec!["Tito".into()];
        assert!(is_conversation(&record));
    }

    #[test]
    fn a_conversation_needs_two_participants() {
        let (a, b) = (country("russia"), country("yugoslavia"));
        let mut talk = entry("c1", (1955, 6), Vec::new(), Vec::new());
        talk.conversation = true;
        talk.with = vec![side("Khrushchev", std::slice::from_ref(&a))];
        assert_eq!(talk.direction(&a, &b), None);
        talk.with.push(side("Tito", std::slice::from_ref(&b)));
        assert_eq!(talk.direction(&a, &b), Some(Direction::Conversation));
        assert_eq!(talk.direction(&b, &a), Some(Direction::Conversation));
    }

    #[test]
    fn a_long_timeline_is_drawn_by_year() {
        let first = Arc::new(entry("x1", (1950, 1), Vec::new(), Vec::new()));
        let last = Arc::new(entry("x2", (1975, 12), Vec::new(), Vec::new()));
        let cominform = CalendarDay { year: 1948, month: 6, day: 28 };
        let (buckets, granularity) =
            timeline(&[(first, Direction::AToB), (last, Direction::Conversation)], &[cominform]);
        assert_eq!(granularity, "year");
        assert_eq!(buckets.len(), 28, "from the event of 1948 to 1975");
        assert_eq!(buckets[27].conversations, 1);
        assert_eq!((buckets[0].period.as_str(), buckets[0].events), ("1948", 1));
    }
}
