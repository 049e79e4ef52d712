//! Offices and countries: the Office of the Historian's *Principal Officers and Chiefs of
//! Mission* (who held which U.S. post, where, from when to when) and the countries those posts
//! were in, including states that no longer exist.
//!
//! Office holders keep the data's own ids (`dulles-john-foster`); a person of the archive is the
//! same person when the people data names that id among its sources
//! (`…/departmenthistory/people/dulles-john-foster`, see [`crate::person::Person::office_ids`]).

/// Where a post is: a country's U.S. mission, a principal office of the Department, or a mission
/// to an international organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostKind {
    /// A U.S. mission in a country (`yugoslavia`).
    Country,
    /// A principal officer of the Department of State (`secretary`).
    Principal,
    /// A U.S. mission to an international organization (`representative-to-asean`).
    Organization,
}

impl PostKind {
    /// The stored key.
    pub fn key(self) -> &'static str {
        match self {
            PostKind::Country => "country",
            PostKind::Principal => "principal",
            PostKind::Organization => "organization",
        }
    }

    /// The kind a stored key names.
    pub fn from_key(key: &str) -> Option<PostKind> {
        [PostKind::Country, PostKind::Principal, PostKind::Organization]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// A person who held a post, as the chiefs-of-mission data names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHolder {
    /// The data's id (`dulles-john-foster`).
    pub id: String,
    /// The name, inverted ("Dulles, John Foster").
    pub name: String,
    /// Other forms of the name ("John Foster Dulles").
    pub other_names: Vec<String>,
    /// Year of birth, where known.
    pub birth: Option<String>,
    /// Year of death, where known.
    pub death: Option<String>,
    /// `career`, `non-career`, `both` or `pre-1915` (Foreign Service Act of 1915).
    pub career: Option<String>,
}

/// A post or a title, by id: a principal office (`secretary`: "Secretary of State"), a mission
/// to an organization, or a chief of mission's title (`ambassador-e-p`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// The data's id.
    pub id: String,
    /// One holder's title ("Ambassador Extraordinary and Plenipotentiary").
    pub singular: String,
}

/// One appointment: a holder in a post, with its dates as the data gives them (ISO days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The data's id (`secr-1953-dull`).
    pub id: String,
    /// The holder's id.
    pub holder: String,
    /// The title held (a [`Title`] id).
    pub title: String,
    /// What kind of post.
    pub kind: PostKind,
    /// The country (its id), principal office or organization mission.
    pub post: String,
    /// For a country, the state as it was then (`socialist-federal-republic-of-yugoslavia-1992`).
    pub contemporary: Option<String>,
    /// Appointed (commissioned).
    pub appointed: Option<String>,
    /// Took up the post (presentation of credentials, or entry on duty).
    pub started: Option<String>,
    /// Left the post.
    pub ended: Option<String>,
    /// How it ended, as the data says ("Left post", "Died at post").
    pub ended_note: Option<String>,
}

/// The principal offices, organization missions and titles, holders and appointments of one
/// file of the chiefs-of-mission data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offices {
    /// Office holders.
    pub holders: Vec<OfficeHolder>,
    /// Posts and titles.
    pub titles: Vec<Title>,
    /// Appointments.
    pub positions: Vec<Position>,
}

impl Offices {
    /// Whether the file held nothing.
    pub fn is_empty(&self) -> bool {
        self.holders.is_empty() && self.titles.is_empty() && self.positions.is_empty()
    }
}

/// A country as the archive knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// The Office of the Historian's id (`yugoslavia`, `russia`).
    pub id: String,
    /// Its usual English name.
    pub name: String,
    /// Other names and the adjective, as documents write them ("Soviet Union", "Soviet").
    pub other_names: Vec<String>,
    /// A state that no longer exists which the id stands or stood for: its years, and what it was.
    pub former: Option<FormerState>,
}

/// A state that no longer exists, which the country's id stands for (or, as with `russia`, stood
/// for during these years).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormerState {
    /// Its name, where not the country's ("Soviet Union").
    pub name: Option<&'static str>,
    /// The year it came into being.
    pub from: i32,
    /// The year it ceased to exist.
    pub until: i32,
    /// What it was, in a phrase.
    pub note: &'static str,
}

/// Countries whose names documents write in more than one way, with the adjective, and states
/// that no longer exist with their years. Facts, typed in: the chiefs-of-mission data has ids
/// only, and one id may cover successive states (`russia`: the Russian Empire, the USSR and the
/// Russian Federation).
const KNOWN: &[(&str, &str, &[&str], Option<FormerState>)] = &[
    (
        "russia",
        "Russia",
        &["Soviet Union", "USSR", "U.S.S.R.", "Soviet", "Russian"],
        Some(FormerState {
            name: Some("Soviet Union"),
            from: 1922,
            until: 1991,
            note: "as the Soviet Union (USSR); the same id covers the Russian Empire before and the Russian Federation after",
        }),
    ),
    (
        "yugoslavia",
        "Yugoslavia",
        &["Yugoslav", "Jugoslavija", "Југославија"],
        Some(FormerState {
            name: None,
            from: 1918,
            until: 2003,
            note: "kingdom to 1945, socialist federal republic to 1992, federal republic to 2003",
        }),
    ),
    (
        "czechoslovakia",
        "Czechoslovakia",
        &["Czechoslovak"],
        Some(FormerState {
            name: None,
            from: 1918,
            until: 1992,
            note: "dissolved into the Czech Republic and Slovakia",
        }),
    ),
    (
        "german-democratic-republic",
        "German Democratic Republic",
        &["East Germany", "GDR"],
        Some(FormerState {
            name: None,
            from: 1949,
            until: 1990,
            note: "joined the Federal Republic of Germany",
        }),
    ),
    (
        "vietnam-south",
        "South Vietnam",
        &["Republic of Vietnam", "South Vietnamese"],
        Some(FormerState { name: None, from: 1955, until: 1975, note: "Republic of Vietnam" }),
    ),
    (
        "two-sicilies",
        "Two Sicilies",
        &["Kingdom of the Two Sicilies"],
        Some(FormerState {
            name: None,
            from: 1816,
            until: 1861,
            note: "joined the Kingdom of Italy",
        }),
    ),
    (
        "hawaii",
        "Hawaii",
        &["Hawaiian Islands"],
        Some(FormerState {
            name: None,
            from: 1795,
            until: 1898,
            note: "kingdom, then republic; annexed by the United States",
        }),
    ),
    (
        "texas",
        "Texas",
        &["Republic of Texas"],
        Some(FormerState {
            name: None,
            from: 1836,
            until: 1845,
            note: "republic; joined the United States",
        }),
    ),
    (
        "united-states",
        "United States",
        &["United States of America", "U.S.", "USA", "American"],
        None,
    ),
    ("united-kingdom", "United Kingdom", &["Great Britain", "British"], None),
    ("germany", "Germany", &["Federal Republic of Germany", "West Germany", "German"], None),
    ("china", "China", &["People's Republic of China", "Chinese"], None),
    ("france", "France", &["French"], None),
    ("cote-divoire", "Côte d’Ivoire", &["Ivory Coast"], None),
    ("holy-see", "Holy See", &["Vatican"], None),
    ("burma", "Burma", &["Myanmar", "Burmese"], None),
    ("congo-democratic-republic", "Democratic Republic of the Congo", &["Zaire"], None),
    ("congo-republic", "Republic of the Congo", &["Congo-Brazzaville"], None),
    ("guinea-bissau", "Guinea-Bissau", &[], None),
    ("timor-leste", "Timor-Leste", &["East Timor"], None),
];

/// Words kept in lower case inside a country's name made from its id.
const SMALL_WORDS: &[&str] = &["and", "of", "the"];

impl Country {
    /// The country an id names: its name and other names where [`KNOWN`] has them, else a name
    /// made from the id (`bosnia-herzegovina` → "Bosnia Herzegovina").
    pub fn from_id(id: &str) -> Country {
        if let Some(&(id, name, others, former)) = KNOWN.iter().find(|k| k.0 == id) {
            return Country {
                id: id.to_string(),
                name: name.to_string(),
                other_names: others.iter().map(|s| s.to_string()).collect(),
                former,
            };
        }
        let name = id
            .split('-')
            .enumerate()
            .map(|(i, word)| {
                if i > 0 && SMALL_WORDS.contains(&word) {
                    word.to_string()
                } else {
                    let mut chars = word.chars();
                    chars.next().map_or_else(String::new, |c| {
                        c.to_uppercase().chain(chars).collect::<String>()
                    })
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        Country { id: id.to_string(), name, other_names: Vec::new(), former: None }
    }

    /// The countries whose names [`Country::from_id`] knows beyond their ids (several names, an
    /// adjective, or a state's years), the United States among them: what a person's remarks
    /// are read against for the state they served.
    pub fn known() -> impl Iterator<Item = Country> {
        KNOWN.iter().map(|k| Country::from_id(k.0))
    }

    /// Every name, the usual one first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.other_names.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_is_named_from_its_id_unless_known() {
        assert_eq!(Country::from_id("bosnia-herzegovina").name, "Bosnia Herzegovina");
        assert_eq!(Country::from_id("sao-tome-and-principe").name, "Sao Tome and Principe");
        let ussr = Country::from_id("russia");
        assert_eq!(ussr.name, "Russia");
        assert!(ussr.names().any(|n| n == "USSR"));
        assert_eq!(ussr.former.map(|f| (f.from, f.until)), Some((1922, 1991)));
        assert!(Country::from_id("yugoslavia").former.is_some());
        assert!(Country::from_id("canada").former.is_none());
    }

    #[test]
    fn post_kinds_round_trip_through_their_keys() {
        for kind in [PostKind::Country, PostKind::Principal, PostKind::Organization] {
            assert_eq!(PostKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(PostKind::from_key("embassy"), None);
    }
}
