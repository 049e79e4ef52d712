//! Who a record's names are: its authors, recipients and participants resolved to persons of the
//! archive, each with the rule that matched and how far to trust it, so that a wrong match can
//! be seen and fixed; and the persons behind the persons-list entries it refers to.

use chancery_model::person::{PersonId, name_keys, name_words, reading_order};
use chancery_model::record::Record;
use chancery_search::query::{Atom, Clause, Query, Scope};
use serde::Serialize;

use crate::Shared;

/// How a name was resolved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct Resolution {
    /// The name as the record gives it.
    pub(crate) name: String,
    /// `author`, `recipient` or `participant`.
    pub(crate) role: &'static str,
    /// The person it is, where one person answers.
    pub(crate) person: Option<String>,
    /// The rule that matched, or why none did.
    pub(crate) rule: String,
    /// `high` (forename and surname, or an office's holder on the day), `medium` (a surname
    /// only one person bears), `none`.
    pub(crate) confidence: &'static str,
    /// For a U.S. mission ("Embassy in Yugoslavia"), the country it is in; for another body,
    /// the country it belongs to, where known (a country's id, or `united-states`).
    pub(crate) country: Option<String>,
    /// For a body other than a U.S. mission, the organization it is (its id).
    pub(crate) organization: Option<String>,
}

/// What a record's names are resolved against besides persons: its days (for offices, whose
/// holder changes), and the archive's [`Lookup`].
pub(crate) struct Context {
    /// The first and last day the record's date allows (`1955-06-01`, `1955-06-30`).
    days: Option<(String, String)>,
    lookup: std::sync::Arc<Lookup>,
}

/// What names are resolved against, the same for every record until persons or offices change
/// (`Store::persons_version`): the server keeps one (`Archive::lookup`) and drops it then.
pub(crate) struct Lookup {
    /// Every name and other name of every country as an organization key (folded:
    /// `model::organization::organization_key`), with the country's id.
    countries: Vec<(String, String)>,
    /// The principal offices by title, lowercase ("secretary of state" → `secretary`).
    offices: std::collections::HashMap<String, String>,
    /// The words of every person's names (four letters or more, each once): what "Did you mean"
    /// offers besides the index's own words.
    name_words: tokio::sync::OnceCell<Vec<String>>,
    /// What the store answered so far: the persons a name may mean, and an office's holders on
    /// a day (at most [`MAX_MEMO_ENTRIES`] of each, then it starts over).
    memo: std::sync::Mutex<Memo>,
}

/// The most answers of each kind a [`Lookup`] keeps.
const MAX_MEMO_ENTRIES: usize = 100_000;

/// Keeps an answer, starting over when the map holds [`MAX_MEMO_ENTRIES`].
fn remember<K: std::hash::Hash + Eq, V>(
    map: &mut std::collections::HashMap<K, V>,
    key: K,
    value: V,
) {
    if map.len() >= MAX_MEMO_ENTRIES {
        map.clear();
    }
    map.insert(key, value);
}

/// Answers of the store kept by a [`Lookup`].
#[derive(Default)]
struct Memo {
    named: std::collections::HashMap<String, (Vec<PersonId>, Option<String>)>,
    holders: std::collections::HashMap<(String, String), Vec<chancery_store::HeldPosition>>,
    shown: std::collections::HashMap<String, Option<String>>,
    resolved: std::collections::HashMap<String, Resolution>,
}

impl Lookup {
    /// Reads the countries' names and the principal offices.
    pub(crate) async fn load(archive: &Shared) -> Result<Lookup, chancery_store::Error> {
        let countries = archive
            .store
            .countries()
            .await?
            .into_iter()
            .flat_map(|line| {
                let id = line.country.id.clone();
                line.country
                    .names()
                    .map(|n| (chancery_model::organization::organization_key(n), id.clone()))
                    .filter(|(key, _)| !key.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect();
        let offices = archive
            .store
            .principal_offices()
            .await?
            .into_iter()
            .map(|(id, title)| (title.to_lowercase(), id))
            .collect();
        Ok(Lookup { countries, offices, name_words: Default::default(), memo: Default::default() })
    }

    /// The words of every person's names, read from the store the first time a "Did you mean"
    /// asks (not on every rebuild of the lookup, which every page resolving a name waits for).
    pub(crate) async fn name_words(
        &self,
        archive: &Shared,
    ) -> Result<&[String], chancery_store::Error> {
        let words = self
            .name_words
            .get_or_try_init(|| async {
                let mut words = std::collections::BTreeSet::new();
                let mut after: Option<PersonId> = None;
                loop {
                    let page = archive.store.persons_after(after.as_ref(), 1000).await?;
                    for name in page.iter().flat_map(|person| person.names()) {
                        for word in name.split(|c: char| !c.is_alphabetic()) {
                            if word.chars().count() >= 4 {
                                words.insert(word.to_string());
                            }
                        }
                    }
                    match page.last() {
                        Some(last) if page.len() == 1000 => after = Some(last.id.clone()),
                        _ => break,
                    }
                }
                Ok::<_, chancery_store::Error>(words.into_iter().collect())
            })
            .await?;
        Ok(words)
    }
}

impl Context {
    async fn persons_named(
        &self,
        archive: &Shared,
        name: &str,
    ) -> Result<(Vec<PersonId>, Option<String>), chancery_store::Error> {
        if let Some(found) = self.lookup.memo.lock().ok().and_then(|m| m.named.get(name).cloned()) {
            return Ok(found);
        }
        let found = archive.store.persons_named(name).await?;
        if let Ok(mut memo) = self.lookup.memo.lock() {
            remember(&mut memo.named, name.to_string(), found.clone());
        }
        Ok(found)
    }

    /// A person's name in reading order, if the person exists.
    pub(crate) async fn display_name(
        &self,
        archive: &Shared,
        id: &str,
    ) -> Result<Option<String>, chancery_store::Error> {
        if let Some(found) = self.lookup.memo.lock().ok().and_then(|m| m.shown.get(id).cloned()) {
            return Ok(found);
        }
        let found = match PersonId::parse(id) {
            Ok(person) => archive.store.person(&person).await?.map(|p| p.display_name()),
            Err(_) => None,
        };
        if let Ok(mut memo) = self.lookup.memo.lock() {
            remember(&mut memo.shown, id.to_string(), found.clone());
        }
        Ok(found)
    }

    async fn holders_on(
        &self,
        archive: &Shared,
        office: &str,
        day: &str,
    ) -> Result<Vec<chancery_store::HeldPosition>, chancery_store::Error> {
        let key = (office.to_string(), day.to_string());
        if let Some(found) = self.lookup.memo.lock().ok().and_then(|m| m.holders.get(&key).cloned())
        {
            return Ok(found);
        }
        let found = archive.store.office_holders_on(office, day).await?;
        if let Ok(mut memo) = self.lookup.memo.lock() {
            remember(&mut memo.holders, key, found.clone());
        }
        Ok(found)
    }
}

impl Context {
    /// A context for records still to be given ([`Context::for_record`]), over the archive's
    /// current [`Lookup`].
    pub(crate) async fn load(archive: &Shared) -> Result<Context, chancery_store::Error> {
        Ok(Context { days: None, lookup: archive.lookup().await? })
    }

    /// The context for one record: its first day.
    pub(crate) fn for_record(&mut self, record: &Record) -> &Context {
        self.days = record.date.edtf.as_ref().and_then(|e| match e.bounds() {
            (Some(first), last) => Some((first.to_string(), last.unwrap_or(first).to_string())),
            (None, _) => None,
        });
        self
    }

    /// The country a U.S. mission's name is in: "Embassy in Yugoslavia", "the Legation in
    /// Hungary", "Ambassador in the Soviet Union (Bohlen)".
    pub(crate) fn mission_country(&self, name: &str) -> Option<&str> {
        let lower = name.to_lowercase();
        let (head, place) = lower.split_once(" in ")?;
        let head = head.trim().trim_start_matches("the ").trim();
        if !MISSION_WORDS.iter().any(|w| head.ends_with(w)) {
            return None;
        }
        let place = chancery_model::organization::organization_key(
            place.split(['(', ',']).next().unwrap_or_default(),
        );
        self.lookup.countries.iter().find(|(n, _)| *n == place).map(|(_, id)| id.as_str())
    }
}

impl Context {
    /// The country a body's name names ("Yugoslav Government", "Soviet Embassy", "United States
    /// Delegation"): a country's name or adjective as whole words of it; the United States by
    /// "United States" or "U.S.". The longest name that fits wins.
    ///
    /// A country after "in", "at", "to", "for" or "on" is where the body is or what it deals
    /// with, not whose it is ("CIA Station in Guatemala", "High Commissioner for Germany").
    pub(crate) fn country_named_in(&self, name: &str) -> Option<String> {
        let key = format!(" {} ", chancery_model::organization::organization_key(name));
        if [" united states ", " cia ", " american "].iter().any(|w| key.contains(w))
            || key.starts_with(" u s ")
        {
            return Some(UNITED_STATES.to_string());
        }
        let placed = |n: &str| {
            ["in", "at", "to", "for", "on"].iter().any(|p| {
                key.contains(&format!(" {p} {n} ")) || key.contains(&format!(" {p} the {n} "))
            })
        };
        self.lookup
            .countries
            .iter()
            .filter(|(n, _)| key.contains(&format!(" {n} ")) && !placed(n))
            .max_by_key(|(n, _)| n.len())
            .map(|(_, id)| id.clone())
    }
}

/// The id the archive gives the United States as a party (it has no U.S. mission of its own).
pub(crate) const UNITED_STATES: &str = "united-states";

/// The words that make "… in <country>" a U.S. mission or its chief.
const MISSION_WORDS: &[&str] = &[
    "embassy",
    "legation",
    "consulate",
    "consulate general",
    "mission",
    "ambassador",
    "minister",
    "chargé",
    "charge",
    "chargé d'affaires",
    "consul general",
];

/// Resolves one name: by forename and surname ("Josip Broz Tito" is the one person whose
/// names give `josip tito`), else by a surname alone where the name gives no forename and only
/// one person bears it ("Tito"). Several persons for a key resolve to none.
pub(crate) async fn resolve(
    archive: &Shared,
    name: &str,
    role: &'static str,
    context: &Context,
) -> Result<Resolution, chancery_store::Error> {
    if let Some(resolution) = resolve_office(archive, name, role, context).await? {
        return Ok(resolution);
    }
    // Past offices, a name resolves the same on every record: kept in the lookup's memo.
    if let Some(mut known) =
        context.lookup.memo.lock().ok().and_then(|m| m.resolved.get(name).cloned())
    {
        known.role = role;
        return Ok(known);
    }
    let resolution = resolve_name(archive, name, role, context).await?;
    if let Ok(mut memo) = context.lookup.memo.lock() {
        remember(&mut memo.resolved, name.to_string(), resolution.clone());
    }
    Ok(resolution)
}

/// [`resolve`] for a name that is no office.
async fn resolve_name(
    archive: &Shared,
    name: &str,
    role: &'static str,
    context: &Context,
) -> Result<Resolution, chancery_store::Error> {
    let keys = name_keys(name);
    let (ids, key) = context.persons_named(archive, name).await?;
    let full = keys.len() > 1 && key.as_deref() == keys.first().map(String::as_str);
    let surname_only = keys.len() == 1;
    let body = chancery_model::organization::is_body(name);
    let mut country = context.mission_country(name).map(str::to_string).filter(|_| body);
    let organization = if body && country.is_none() {
        chancery_model::organization::Organization::of_name(name)
    } else {
        None
    };
    let (person, rule, confidence) = match (ids.as_slice(), key) {
        _ if country.is_some() => (
            None,
            format!("the U.S. mission in {}", country.as_deref().unwrap_or_default()),
            "high",
        ),
        _ if organization.as_ref().is_some_and(|o| o.known) => (
            None,
            format!(
                "a body, one of the names of `{}`",
                organization.as_ref().map_or("", |o| o.id.as_str())
            ),
            "high",
        ),
        _ if organization.is_some() => (
            None,
            format!(
                "a body, by its name as written: `{}`",
                organization.as_ref().map_or("", |o| o.id.as_str())
            ),
            "medium",
        ),
        _ if body => (None, "a body whose name has nothing to make an id of".to_string(), "none"),
        ([], _) => (None, "no person of the archive has this name".to_string(), "none"),
        ([id], Some(key)) if full => {
            (Some(id.clone()), format!("forename and surname: `{key}`"), "high")
        }
        ([id], Some(key)) if surname_only => (
            Some(id.clone()),
            format!("surname alone, which one person of the archive bears: `{key}`"),
            "medium",
        ),
        ([_], Some(key)) => {
            (None, format!("only the surname `{key}` matches, and the forename does not"), "none")
        }
        (many, key) => (
            None,
            format!(
                "{} persons share `{}`: left for a curator",
                many.len(),
                key.unwrap_or_default()
            ),
            "none",
        ),
    };
    Ok(Resolution {
        name: name.to_string(),
        role,
        person: person.map(|p: PersonId| p.to_string()),
        rule,
        confidence,
        organization: organization.as_ref().map(|o| o.id.clone()),
        country: country.take().or_else(|| {
            organization.and_then(|o| o.country.or_else(|| context.country_named_in(name)))
        }),
    })
}

/// A principal office named as such ("Secretary of State", "the Secretary of State"),
/// resolved to the one person who held it on the record's day, by the chiefs-of-mission data.
async fn resolve_office(
    archive: &Shared,
    name: &str,
    role: &'static str,
    context: &Context,
) -> Result<Option<Resolution>, chancery_store::Error> {
    let title = name.trim();
    let title = title.strip_prefix("the ").unwrap_or(title);
    let Some(office) = context.lookup.offices.get(&title.to_lowercase()).cloned() else {
        return Ok(None);
    };
    let resolution = |person: Option<String>, rule: String, confidence| Resolution {
        name: name.to_string(),
        role,
        person,
        rule,
        confidence,
        country: None,
        organization: None,
    };
    let Some((first, last)) = &context.days else {
        return Ok(Some(resolution(
            None,
            format!("the office `{office}`, on a day the record's date does not give"),
            "none",
        )));
    };
    // One holder throughout the record's date: on its first day and on its last.
    let holders = context.holders_on(archive, &office, first).await?;
    let day = if first == last { first.clone() } else { format!("{first}/{last}") };
    if first != last {
        let at_end = context.holders_on(archive, &office, last).await?;
        let ids = |h: &[chancery_store::HeldPosition]| {
            h.iter().map(|p| p.position.id.clone()).collect::<Vec<_>>()
        };
        if ids(&holders) != ids(&at_end) {
            return Ok(Some(resolution(
                None,
                format!("the office `{office}` changed hands within {day}: left for a curator"),
                "none",
            )));
        }
    }
    Ok(Some(match holders.as_slice() {
        [one] => {
            let holder = one.holder.as_ref().map_or(one.position.holder.as_str(), |h| &h.name);
            match &one.person {
                Some(person) => resolution(
                    Some(person.to_string()),
                    format!("the holder of the office `{office}` on {day}: {holder}"),
                    "high",
                ),
                None => resolution(
                    None,
                    format!(
                        "the office `{office}` was held on {day} by {holder}, who is not a person of the archive"
                    ),
                    "none",
                ),
            }
        }
        [] => resolution(None, format!("no one held the office `{office}` on {day}"), "none"),
        many => resolution(
            None,
            format!("{} held the office `{office}` on {day}: left for a curator", many.len()),
            "none",
        ),
    }))
}

/// Resolves every author, recipient and participant of a record (at most 60 names).
pub(crate) async fn resolve_record(
    archive: &Shared,
    record: &Record,
) -> Result<Vec<Resolution>, chancery_store::Error> {
    let mut context = Context::load(archive).await?;
    resolve_in(archive, record, context.for_record(record)).await
}

/// [`resolve_record`] with the countries' names loaded once for many records.
pub(crate) async fn resolve_in(
    archive: &Shared,
    record: &Record,
    context: &Context,
) -> Result<Vec<Resolution>, chancery_store::Error> {
    let names = record
        .authors
        .iter()
        .map(|n| (n, "author"))
        .chain(record.recipients.iter().map(|n| (n, "recipient")))
        .chain(record.participants.iter().map(|n| (n, "participant")))
        .take(60);
    let mut out = Vec::new();
    for (name, role) in names {
        out.push(resolve(archive, name, role, context).await?);
    }
    Ok(out)
}

/// A person as schema.org JSON-LD (`Person`: names, dates, identifiers, the page).
pub(crate) fn json_ld(person: &chancery_model::person::Person, base: &str) -> serde_json::Value {
    let url = format!("{base}/people/{}", person.id);
    let mut names: Vec<&str> = person.names().collect();
    names.sort_unstable();
    names.dedup();
    let mut item = serde_json::json!({
        "@type": "Person",
        "@id": url,
        "url": url,
        "name": person.display_name(),
        "alternateName": names,
        "identifier": person.id.as_str(),
    });
    if let Some(birth) = &person.birth {
        item["birthDate"] = serde_json::json!(birth);
    }
    if let Some(death) = &person.death {
        item["deathDate"] = serde_json::json!(death);
    }
    if let Some(hsg) = &person.hsg_id {
        item["sameAs"] = serde_json::json!(
            person
                .variants
                .iter()
                .flat_map(|v| &v.sources)
                .filter(|s| s.contains("/departmenthistory/people/"))
                .collect::<std::collections::BTreeSet<_>>()
        );
        item["additionalProperty"] = serde_json::json!({
            "@type": "PropertyValue", "propertyID": "hsg-people", "value": hsg
        });
    }
    if !person.remarks.is_empty() {
        item["description"] = serde_json::json!(
            person.remarks.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" ")
        );
    }
    item
}

/// The most name forms a query is widened by.
pub(crate) const MAX_EXPANDED_NAMES: usize = 12;

/// A query widened to every name of the person it names.
#[derive(Debug, Clone)]
pub(crate) struct Expansion {
    pub(crate) person: PersonId,
    /// The person's name in reading order.
    pub(crate) display: String,
    /// The name forms searched besides the words as typed.
    pub(crate) names: Vec<String>,
}

/// Widens a query that names one person of the archive to every form of that person's name:
/// the unquoted words searched everywhere (two or more, no field, no OR) that together are
/// words of one person's names and of no other's are replaced by one clause that matches the
/// words as typed or any form of the name ("Josip Broz" also finds "Tito", through the
/// authority, which no spelling rule could). The surname alone is one of the forms only where
/// no other person bears it. A quoted phrase is searched as written.
pub(crate) async fn expand(
    archive: &Shared,
    query: &mut Query,
) -> Result<Option<Expansion>, chancery_store::Error> {
    let plain: Vec<usize> = query
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            !c.negated
                && matches!(
                    c.alternatives.as_slice(),
                    [Atom::Text { scope: Scope::Any, phrase: false, .. }]
                )
        })
        .map(|(n, _)| n)
        .collect();
    let typed: Vec<String> = plain
        .iter()
        .filter_map(|&n| match &query.clauses[n].alternatives[0] {
            Atom::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let words: Vec<String> = name_words(&typed.join(" "));
    if words.len() < 2 || words.len() != typed.len() {
        return Ok(None);
    }
    let found = archive.store.persons_with_words(&words).await?;
    let [id] = found.as_slice() else {
        return Ok(None);
    };
    let Some(person) = archive.store.person(id).await? else { return Ok(None) };
    let mut names: Vec<String> = Vec::new();
    let typed_phrase = typed.join(" ");
    for name in person.names() {
        let form = reading_order(name);
        let folded = name_words(&form).join(" ");
        if form.is_empty()
            || folded == name_words(&typed_phrase).join(" ")
            || names.iter().any(|n| name_words(n).join(" ") == folded)
        {
            continue;
        }
        names.push(form);
    }
    // The surname alone, where it is this person's only.
    if let Some(surname) = name_keys(&person.name).last().cloned() {
        let (bearers, _) = archive.store.persons_named(&surname).await?;
        if bearers.len() == 1 && !names.iter().any(|n| name_words(n).join(" ") == surname) {
            names.push(surname_as_written(&person.name));
        }
    }
    names.truncate(MAX_EXPANDED_NAMES);
    let mut alternatives = vec![Atom::Text { scope: Scope::Any, text: typed_phrase, phrase: true }];
    alternatives.extend(names.iter().map(|n| Atom::Text {
        scope: Scope::Any,
        text: n.clone(),
        phrase: true,
    }));
    let first = plain[0];
    for &n in plain.iter().rev() {
        query.clauses.remove(n);
    }
    query.clauses.insert(first.min(query.clauses.len()), Clause { negated: false, alternatives });
    Ok(Some(Expansion { person: person.id.clone(), display: person.display_name(), names }))
}

/// The surname of an inverted name as the source writes it ("Tito, Josip Broz" → "Tito").
fn surname_as_written(name: &str) -> String {
    name.split(',').next().unwrap_or(name).trim().to_string()
}

/// The most documents a person's correspondence is looked for in (by the search index, then
/// confirmed name by name).
const MAX_CORRESPONDENCE: usize = 500;

/// A document the person wrote or received.
pub(crate) struct Letter {
    pub(crate) id: chancery_model::id::RecordId,
    pub(crate) title: String,
    pub(crate) date: String,
}

/// Someone the person wrote to or heard from, and how often.
pub(crate) struct Partner {
    /// The partner's person, where the name resolves to one.
    pub(crate) person: Option<PersonId>,
    pub(crate) name: String,
    pub(crate) count: usize,
}

/// What a person wrote and received, and with whom they corresponded most.
#[derive(Default)]
pub(crate) struct Correspondence {
    pub(crate) written: Vec<Letter>,
    pub(crate) received: Vec<Letter>,
    pub(crate) partners: Vec<Partner>,
}

/// The forms a document may write a person's name in: every form of the name as read, its
/// forename and surname alone ("Nikita Khrushchev"), and the surname alone where no other person
/// bears it ("Tito"); at most twice [`MAX_EXPANDED_NAMES`].
pub(crate) async fn name_forms(
    archive: &Shared,
    person: &chancery_model::person::Person,
) -> Result<Vec<String>, chancery_store::Error> {
    let mut forms: Vec<String> = Vec::new();
    for form in person.names().map(reading_order) {
        let words: Vec<&str> = form.split_whitespace().collect();
        if let (Some(first), Some(last)) = (words.first(), words.last())
            && words.len() > 2
        {
            forms.push(format!("{first} {last}"));
        }
        forms.push(form);
    }
    if let Some(surname) = name_keys(&person.name).last() {
        let (bearers, _) = archive.store.persons_named(surname).await?;
        if bearers.len() == 1 {
            forms.push(surname_as_written(&person.name));
        }
    }
    forms.retain(|f| !name_words(f).is_empty());
    forms.sort();
    forms.dedup();
    forms.truncate(2 * MAX_EXPANDED_NAMES);
    Ok(forms)
}

/// A person's correspondence: the records whose authors or recipients name the person (found by
/// the search index through every form of the name, then each name resolved, so that only the
/// records whose author or recipient *is* the person count), by date, and the others on them.
pub(crate) async fn correspondence(
    archive: &Shared,
    person: &chancery_model::person::Person,
) -> Result<Correspondence, chancery_store::Error> {
    let forms = name_forms(archive, person).await?;
    if forms.is_empty() {
        return Ok(Correspondence::default());
    }
    let alternatives = forms
        .iter()
        .flat_map(|form| {
            [Scope::Author, Scope::Recipient].map(|scope| Atom::Text {
                scope,
                text: form.clone(),
                phrase: true,
            })
        })
        .collect();
    let query = Query { clauses: vec![Clause { negated: false, alternatives }] };
    let mut request = chancery_search::SearchRequest::new(query, "");
    request.sort = chancery_search::Sort::Date;
    request.limit = MAX_CORRESPONDENCE;
    request.count = false;
    request.facets = false;
    let Ok(results) = archive.index.search(&request) else {
        return Ok(Correspondence::default());
    };
    let mut ids: Vec<_> = results.hits.iter().map(|h| h.id.clone()).collect();
    // What the person wrote and received as the holder of a principal office ("the Secretary of
    // State"), found by the office's title within their tenure.
    for held in archive.store.positions_of_person(&person.id).await? {
        let p = &held.position;
        if p.kind != chancery_model::office::PostKind::Principal {
            continue;
        }
        let Some(start) = p.started.as_deref().or(p.appointed.as_deref()) else { continue };
        let title = held.post.replace('"', " ");
        let q = format!(
            "author:\"{title}\" OR recipient:\"{title}\" date:{start}..{}",
            p.ended.as_deref().unwrap_or("")
        );
        let Ok(query) = chancery_search::query::parse(&q) else { continue };
        let mut request = chancery_search::SearchRequest::new(query, "");
        request.sort = chancery_search::Sort::Date;
        request.limit = MAX_CORRESPONDENCE;
        request.count = false;
        request.facets = false;
        if let Ok(found) = archive.index.search(&request) {
            for hit in found.hits {
                if !ids.contains(&hit.id) {
                    ids.push(hit.id);
                }
            }
        }
    }
    ids.truncate(2 * MAX_CORRESPONDENCE);
    let mut out = Correspondence::default();
    let mut partners: Vec<Partner> = Vec::new();
    // By date, as the index gives it.
    let mut records = archive.store.get_many_without_tei(&ids).await?;
    records.sort_by_key(|s| {
        let day = s.record.date.edtf.as_ref().and_then(|e| e.bounds().0);
        (day.is_none(), day, ids.iter().position(|id| *id == s.record.id))
    });
    let mut context = Context::load(archive).await?;
    for stored in records {
        let record = &stored.record;
        let resolved = resolve_in(archive, record, context.for_record(record)).await?;
        let is_me = |r: &Resolution| r.person.as_deref() == Some(person.id.as_str());
        let wrote = resolved.iter().any(|r| r.role == "author" && is_me(r));
        let received = resolved.iter().any(|r| r.role == "recipient" && is_me(r));
        if !wrote && !received {
            continue;
        }
        let letter = Letter {
            id: record.id.clone(),
            title: record.title.clone(),
            date: record.date.printed.clone(),
        };
        let other_role = if wrote { "recipient" } else { "author" };
        for other in resolved.iter().filter(|r| r.role == other_role && !is_me(r)) {
            let person = other.person.as_deref().and_then(|p| PersonId::parse(p).ok());
            match partners.iter_mut().find(|p| p.name == other.name) {
                Some(partner) => partner.count += 1,
                None => partners.push(Partner { person, name: other.name.clone(), count: 1 }),
            }
        }
        if wrote {
            out.written.push(letter);
        } else {
            out.received.push(letter);
        }
    }
    partners.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    partners.truncate(12);
    out.partners = partners;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::Context;

    fn context() -> Context {
        let countries = [
            ("yugoslavia", "Yugoslavia"),
            ("yugoslavia", "Yugoslav"),
            ("guatemala", "Guatemala"),
            ("germany", "Germany"),
            ("russia", "Soviet Union"),
            ("russia", "Soviet"),
        ]
        .iter()
        .map(|(id, name)| (chancery_model::organization::organization_key(name), id.to_string()))
        .collect();
        let lookup = super::Lookup {
            countries,
            offices: Default::default(),
            name_words: Default::default(),
            memo: Default::default(),
        };
        Context { days: None, lookup: std::sync::Arc::new(lookup) }
    }

    #[test]
    fn a_body_s_country_is_whose_it_is_not_where_it_is() {
        let c = context();
        assert_eq!(c.country_named_in("Yugoslav Government").as_deref(), Some("yugoslavia"));
        assert_eq!(c.country_named_in("Government of the Soviet Union").as_deref(), Some("russia"));
        assert_eq!(
            c.country_named_in("CIA Station in Guatemala").as_deref(),
            Some("united-states")
        );
        assert_eq!(c.country_named_in("Office of the High Commissioner for Germany"), None);
        assert_eq!(
            c.country_named_in("United States Delegation").as_deref(),
            Some("united-states")
        );
        assert_eq!(c.country_named_in("Delegation to the Foreign Ministers Meeting"), None);
    }

    #[test]
    fn a_mission_is_its_country_s() {
        let c = context();
        assert_eq!(c.mission_country("Embassy in Yugoslavia"), Some("yugoslavia"));
        assert_eq!(c.mission_country("the Embassy in the Soviet Union"), Some("russia"));
        assert_eq!(
            c.mission_country("Ambassador in Yugoslavia (Riddleberger)"),
            Some("yugoslavia")
        );
        assert_eq!(c.mission_country("CIA Station in Guatemala"), None);
        assert_eq!(c.mission_country("Yugoslav Embassy"), None);
    }
}
