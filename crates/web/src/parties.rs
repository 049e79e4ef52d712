//! Parties to a relation: a person, an organization or a country, and which parties a record's
//! correspondent stands for on the record's day.
//!
//! A person is a party of their country: the country their remarks in the persons data make
//! them of ("President, Yugoslavia", "Soviet Ambassador…", "…of the Soviet Union"), or the
//! United States for a U.S. official ("Secretary of State", "Ambassador to Yugoslavia", anyone
//! holding a post of the chiefs-of-mission data). A body is a party of its country; a U.S.
//! mission ("Embassy in Yugoslavia") of the United States, not of the country it is in, so that
//! a telegram from the Embassy in Belgrade to the Department is internal U.S. traffic. A state
//! that no longer exists is a party only within its years (a Yugoslav of 2005 is not one).

use chancery_model::office::Country;
use chancery_model::organization::{Organization, organization_key};
use chancery_model::person::{Person, PersonId};

use crate::Shared;
use crate::people::{Resolution, UNITED_STATES};

/// One side of a relation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Party {
    /// A person of the archive.
    Person(PersonId),
    /// An organization (`model::organization`), by id.
    Organization(String),
    /// A country (`model::office::Country`), by id; `united-states` for the United States.
    Country(String),
}

impl Party {
    /// `person`, `organization` or `country`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Party::Person(_) => "person",
            Party::Organization(_) => "organization",
            Party::Country(_) => "country",
        }
    }

    /// The party's id within its kind.
    pub(crate) fn id(&self) -> &str {
        match self {
            Party::Person(id) => id.as_str(),
            Party::Organization(id) | Party::Country(id) => id,
        }
    }
}

/// A party with what a page shows of it.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    pub(crate) party: Party,
    /// Its name, in reading order.
    pub(crate) name: String,
    /// Its page on the site.
    pub(crate) href: String,
    /// The names a text may give it (a country's names and adjective, a person's name forms,
    /// an organization's names), for the documents about it.
    pub(crate) names: Vec<String>,
    /// For a country whose id stood for a state of another name (`russia`: the Soviet Union,
    /// 1922–1991), that name and its years.
    pub(crate) former: Option<(String, i32, i32)>,
}

impl Named {
    /// Names a country as the state it was when every one of `years` fell within that state's
    /// years ("Soviet Union" for documents of the 1950s, "Russia" otherwise).
    pub(crate) fn as_of(&mut self, years: &[i32]) {
        if let Some((name, from, until)) = &self.former
            && !years.is_empty()
            && years.iter().all(|y| (*from..=*until).contains(y))
        {
            self.name = name.clone();
        }
    }
}

/// Short names a relation's address may use for a country, besides its id.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("usa", UNITED_STATES),
    ("us", UNITED_STATES),
    ("united-states-of-america", UNITED_STATES),
    ("ussr", "russia"),
    ("soviet-union", "russia"),
];

/// The longest party slug looked up.
pub(crate) const MAX_PARTY_SLUG_BYTES: usize = 120;

/// The party a relation's address names: a country by id or short name (`yugoslavia`, `ussr`,
/// `usa`), a person by id or by a surname one person bears (`tito-josip-broz`, `tito`), or an
/// organization by id (`cc-lcy-executive-committee`). `None` when nothing answers.
pub(crate) async fn find(archive: &Shared, slug: &str) -> Result<Option<Named>, Failure> {
    let slug = slug.trim_end_matches('/').to_lowercase();
    if slug.is_empty() || slug.len() > MAX_PARTY_SLUG_BYTES {
        return Ok(None);
    }
    let country_id =
        COUNTRY_ALIASES.iter().find(|(alias, _)| *alias == slug).map_or(slug.as_str(), |a| a.1);
    if let Some(country) = country(archive, country_id).await? {
        return Ok(Some(named_country(&country)));
    }
    // A person a curator merged into another is that other person now (the address redirects).
    if let Ok(id) = PersonId::parse(&slug)
        && let Some(now) = archive.store.person_now(&id).await.map_err(|e| e.to_string())?
        && let Some(person) = archive.store.person(&now).await.map_err(|e| e.to_string())?
    {
        return Ok(Some(named_person(archive, &person).await?));
    }
    if let Some(line) = crate::organizations::organization(archive, &slug).await? {
        return Ok(Some(named_organization(&line.organization, &line.written)));
    }
    // A surname (or forename and surname) one person bears: `tito`, `nikita-khrushchev`.
    let (ids, _) =
        archive.store.persons_named(&slug.replace('-', " ")).await.map_err(|e| e.to_string())?;
    if let [id] = ids.as_slice()
        && let Some(person) = archive.store.person(id).await.map_err(|e| e.to_string())?
    {
        return Ok(Some(named_person(archive, &person).await?));
    }
    Ok(None)
}

/// A country the archive knows: one with U.S. chiefs of mission, one whose names the model
/// knows, or the United States.
pub(crate) async fn country(archive: &Shared, id: &str) -> Result<Option<Country>, Failure> {
    if let Some(country) = archive.store.country(id).await.map_err(|e| e.to_string())? {
        return Ok(Some(country));
    }
    Ok(Country::known().find(|c| c.id == id))
}

fn named_country(country: &Country) -> Named {
    Named {
        party: Party::Country(country.id.clone()),
        name: country.name.clone(),
        href: crate::html::chrome::country_path(&country.id),
        names: country.names().map(str::to_string).collect(),
        former: country.former.and_then(|f| f.name.map(|n| (n.to_string(), f.from, f.until))),
    }
}

async fn named_person(archive: &Shared, person: &Person) -> Result<Named, Failure> {
    Ok(Named {
        party: Party::Person(person.id.clone()),
        name: person.display_name(),
        href: crate::html::chrome::person_path(&person.id),
        names: crate::people::name_forms(archive, person).await.map_err(|e| e.to_string())?,
        former: None,
    })
}

fn named_organization(organization: &Organization, written: &[String]) -> Named {
    let mut names: Vec<String> = std::iter::once(organization.name.clone())
        .chain(organization.other_names.iter().cloned())
        .chain(written.iter().cloned())
        .collect();
    names.sort();
    names.dedup();
    Named {
        party: Party::Organization(organization.id.clone()),
        name: organization.name.clone(),
        href: crate::html::chrome::organization_path(&organization.id),
        names,
        former: None,
    }
}

/// A party's name, in reading order (its id where the archive has no name for it); a country
/// under the name of the state it was in all of `years` ([`Named::as_of`]).
pub(crate) async fn name_of(
    archive: &Shared,
    party: &Party,
    years: &[i32],
) -> Result<String, Failure> {
    Ok(match party {
        Party::Person(id) => archive
            .store
            .person(id)
            .await
            .map_err(|e| e.to_string())?
            .map_or_else(|| id.to_string(), |p| p.display_name()),
        Party::Country(id) => {
            let country = country(archive, id).await?.unwrap_or_else(|| Country::from_id(id));
            let mut named = named_country(&country);
            named.as_of(years);
            named.name
        }
        Party::Organization(id) => match Organization::known_by_id(id) {
            Some(organization) => organization.name,
            None => crate::organizations::organization(archive, id)
                .await?
                .map_or_else(|| id.clone(), |line| line.organization.name),
        },
    })
}

/// A failure to read the index or the store.
pub(crate) type Failure = String;

/// The countries remarks are read against: their names folded (`model::organization::
/// organization_key`), longest first, with their ids and the years of a former state.
pub(crate) struct Countries {
    names: Vec<(String, String)>,
    years: std::collections::HashMap<String, (i32, i32)>,
}

impl Countries {
    /// The countries with U.S. chiefs of mission and those the model knows.
    pub(crate) async fn load(archive: &Shared) -> Result<Countries, Failure> {
        let mut all: Vec<Country> = archive
            .store
            .countries()
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|line| line.country)
            .collect();
        all.extend(Country::known());
        Ok(Countries::of(all))
    }

    pub(crate) fn of(all: Vec<Country>) -> Countries {
        let mut names = Vec::new();
        let mut years = std::collections::HashMap::new();
        for country in all {
            if let Some(former) = country.former {
                years.insert(country.id.clone(), (former.from, former.until));
            }
            for name in country.names() {
                let key = organization_key(name);
                if !key.is_empty() {
                    names.push((key, country.id.clone()));
                }
            }
        }
        names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        names.dedup();
        Countries { names, years }
    }

    /// Whether a country was a party in `year` (always, unless it is a state that no longer
    /// exists and the year is outside its years).
    pub(crate) fn existed(&self, id: &str, year: Option<i32>) -> bool {
        match (self.years.get(id), year) {
            (Some(&(from, until)), Some(year)) => (from..=until).contains(&year),
            _ => true,
        }
    }

    /// The country one remark makes a person of: a country's name or adjective opening it
    /// ("Soviet Ambassador…", "Yugoslav Foreign Minister"), else a country after "of" or a comma
    /// ("Chairman of the Council of Ministers of the Soviet Union", "President, Yugoslavia"),
    /// else the United States for the posts and bodies of a U.S. official.
    pub(crate) fn of_remark(&self, remark: &str) -> Option<String> {
        let key = format!(" {} ", organization_key(remark));
        if key.starts_with(" u s ") || key.starts_with(" american ") {
            return Some(UNITED_STATES.to_string());
        }
        if let Some((_, id)) = self.names.iter().find(|(n, _)| key.starts_with(&format!(" {n} "))) {
            return Some(id.clone());
        }
        if key.contains(" cpsu ") {
            return Some("russia".to_string());
        }
        let after_comma: Vec<String> = remark
            .split([',', ';'])
            .skip(1)
            .map(|part| format!(" {} ", organization_key(part)))
            .collect();
        let found = self.names.iter().find(|(n, _)| {
            key.contains(&format!(" of {n} "))
                || key.contains(&format!(" of the {n} "))
                || after_comma.iter().any(|part| part == &format!(" {n} "))
        });
        if let Some((_, id)) = found {
            return Some(id.clone());
        }
        US_WORDS.iter().any(|w| key.contains(w)).then(|| UNITED_STATES.to_string())
    }

    /// The country a person's remarks make them of: the one most remarks name (the first named
    /// on a tie); the United States for a holder of a post of the chiefs-of-mission data.
    pub(crate) fn of_person(&self, person: &Person, holds_office: bool) -> Option<String> {
        if holds_office {
            return Some(UNITED_STATES.to_string());
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for remark in &person.remarks {
            if let Some(id) = self.of_remark(&remark.text) {
                match counts.iter_mut().find(|(c, _)| *c == id) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((id, 1)),
                }
            }
        }
        let best = counts.iter().map(|(_, n)| *n).max()?;
        counts.into_iter().find(|(_, n)| *n == best).map(|(id, _)| id)
    }
}

/// Words of a remark that make its person a U.S. official, once no other country is named.
const US_WORDS: &[&str] = &[
    " secretary of state ",
    " department of state ",
    " state department ",
    " ambassador to ",
    " ambassador in ",
    " ambassador at large ",
    " embassy in ",
    " minister to ",
    " charge d affaires ",
    " mission in ",
    " mission to ",
    " consul ",
    " consul general ",
    " assistant secretary ",
    " under secretary ",
    " deputy under secretary ",
    " secretary of defense ",
    " secretary of the treasury ",
    " white house ",
    " national security council ",
    " nsc ",
    " cia ",
    " central intelligence ",
    " joint chiefs ",
    " united states ",
    " senator ",
    " representative from ",
    " congressman ",
    " president of the united states ",
    " special assistant to the president ",
    " bureau of ",
    " office of ",
];

/// Who one correspondent of a record is, as parties: the person, organization and country a
/// resolution gives, on the record's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Side {
    /// The name as the record gives it.
    pub(crate) name: String,
    /// Every party the correspondent is (at most one of each kind).
    pub(crate) parties: Vec<Party>,
}

impl Side {
    pub(crate) fn is(&self, party: &Party) -> bool {
        self.parties.contains(party)
    }

    /// The person or organization the side is, if it is one: what a list of correspondents
    /// counts.
    pub(crate) fn who(&self) -> Option<&Party> {
        self.parties.iter().find(|p| !matches!(p, Party::Country(_)))
    }
}

/// The parties a resolution stands for. `person_country` gives a person's country.
pub(crate) fn side(
    resolution: &Resolution,
    year: Option<i32>,
    countries: &Countries,
    person_country: impl Fn(&PersonId) -> Option<String>,
) -> Side {
    let mut parties = Vec::new();
    let mut country = None;
    if let Some(person) = resolution.person.as_deref().and_then(|p| PersonId::parse(p).ok()) {
        country = person_country(&person);
        parties.push(Party::Person(person));
    } else if let Some(organization) = &resolution.organization {
        parties.push(Party::Organization(organization.clone()));
        country = resolution.country.clone();
    } else if resolution.country.is_some() {
        // A U.S. mission: the United States' (its country is where it is).
        country = Some(UNITED_STATES.to_string());
    }
    if let Some(country) = country.filter(|c| countries.existed(c, year)) {
        parties.push(Party::Country(country));
    }
    Side { name: resolution.name.clone(), parties }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn countries() -> Countries {
        Countries::of(Country::known().chain(["canada"].map(Country::from_id)).collect())
    }

    #[test]
    fn a_person_is_of_the_country_their_remarks_make_them_of() {
        let c = countries();
        assert_eq!(c.of_remark("President, Yugoslavia.").as_deref(), Some("yugoslavia"));
        assert_eq!(
            c.of_remark("Chairman of the Council of Ministers of the Soviet Union").as_deref(),
            Some("russia")
        );
        assert_eq!(
            c.of_remark("Yugoslav Ambassador to the United States").as_deref(),
            Some("yugoslavia")
        );
        assert_eq!(c.of_remark("Soviet Ambassador in Belgrade").as_deref(), Some("russia"));
        assert_eq!(c.of_remark("First Secretary of the CC CPSU").as_deref(), Some("russia"));
        assert_eq!(
            c.of_remark("Ambassador to Yugoslavia, 1953–1958").as_deref(),
            Some(UNITED_STATES)
        );
        assert_eq!(c.of_remark("Ambassador to the Soviet Union").as_deref(), Some(UNITED_STATES));
        assert_eq!(c.of_remark("Secretary of State").as_deref(), Some(UNITED_STATES));
        assert_eq!(
            c.of_remark("Counselor of Embassy in Yugoslavia").as_deref(),
            Some(UNITED_STATES)
        );
        assert_eq!(c.of_remark("British Foreign Secretary").as_deref(), Some("united-kingdom"));
        assert_eq!(c.of_remark("a journalist"), None);
    }

    #[test]
    fn a_former_state_is_a_party_within_its_years() {
        let c = countries();
        assert!(c.existed("yugoslavia", Some(1954)));
        assert!(!c.existed("yugoslavia", Some(2010)));
        assert!(c.existed("yugoslavia", None));
        assert!(c.existed("canada", Some(2010)));
    }

    #[test]
    fn a_us_mission_is_a_party_of_the_united_states_not_of_its_host() {
        let c = countries();
        let mission = Resolution {
            name: "Embassy in Yugoslavia".into(),
            role: "author",
            person: None,
            rule: String::new(),
            confidence: "high",
            country: Some("yugoslavia".into()),
            organization: None,
        };
        let side = side(&mission, Some(1955), &c, |_| None);
        assert_eq!(side.parties, vec![Party::Country(UNITED_STATES.into())]);
        let body = Resolution {
            organization: Some("politburo-of-the-cc-lcy".into()),
            name: "Politburo of the CC LCY".into(),
            ..mission
        };
        let side = super::side(&body, Some(1954), &c, |_| None);
        assert_eq!(
            side.parties,
            vec![
                Party::Organization("politburo-of-the-cc-lcy".into()),
                Party::Country("yugoslavia".into())
            ]
        );
        assert!(super::side(&body, Some(2010), &c, |_| None).parties.len() == 1);
    }
}
