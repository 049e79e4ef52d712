//! The relations table: every record with correspondents as sides of parties, indexed by
//! party, built once per server and brought up to date from the change sequence.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chancery_model::date::CalendarDay;
use chancery_model::id::RecordId;
use chancery_model::person::PersonId;
use chancery_store::StoredRecord;

use crate::Shared;
use crate::parties::{Countries, Failure, Party, Side};
use crate::people::{Context, resolve_in};

/// Records read from the store at a time while the table is built.
const BUILD_PAGE: u32 = 500;
/// Past this many changed records since the table was made, it is built again rather than
/// brought up to date record by record.
pub(crate) const MAX_INCREMENTAL_RECORDS: usize = 20_000;

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
    /// Every side of the record: its authors, recipients and participants.
    pub(crate) fn sides(&self) -> impl Iterator<Item = &Side> {
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

pub(super) fn text(error: chancery_store::Error) -> Failure {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relations::timeline::timeline;

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
