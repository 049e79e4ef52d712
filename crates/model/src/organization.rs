//! Organizations: the bodies that write and receive documents (the Department of State, the
//! Central Committee of the CPSU, the Politburo of the CC LCY…), known by an id made from their
//! name, or by a few names typed in where documents write one body several ways.
//!
//! A name is a body when a word of it names one ([`is_body`]: committee, ministry, embassy…). Its
//! key ([`organization_key`]) is the name folded (case, accents, a leading "the", brackets and
//! punctuation), so "the Department of State" and "Department of State" are one body; the
//! [`KNOWN`] bodies gather further names ("CC CPSU", "Central Committee of the Communist Party of
//! the Soviet Union") and give each its country.

use crate::romanize::fold;

/// Words that make a correspondent's name a body rather than a person.
const BODY_WORDS: &[&str] = &[
    "committee",
    "ministry",
    "department",
    "embassy",
    "legation",
    "consulate",
    "government",
    "party",
    "office",
    "council",
    "politburo",
    "presidium",
    "delegation",
    "mission",
    "agency",
    "secretariat",
    "bureau",
    "command",
    "headquarters",
    "staff",
    "commission",
    "board",
    "station",
    "missions",
    "embassies",
    "legations",
    "consulates",
];

/// The longest organization id, in bytes.
pub const MAX_ORGANIZATION_ID_BYTES: usize = 80;

/// Bodies that documents name in several ways, with their country (an id of
/// [`crate::office::Country`], or `united-states`). Facts, typed in.
const KNOWN: &[(&str, &str, &[&str], Option<&str>)] = &[
    (
        "department-of-state",
        "Department of State",
        &["State Department", "U.S. Department of State"],
        Some("united-states"),
    ),
    ("central-intelligence-agency", "Central Intelligence Agency", &["CIA"], Some("united-states")),
    ("national-security-council", "National Security Council", &["NSC"], Some("united-states")),
    ("joint-chiefs-of-staff", "Joint Chiefs of Staff", &["JCS"], Some("united-states")),
    (
        "department-of-defense",
        "Department of Defense",
        &["Defense Department"],
        Some("united-states"),
    ),
    (
        "cc-cpsu",
        "Central Committee of the Communist Party of the Soviet Union",
        &["CC CPSU", "Central Committee of the CPSU", "CPSU Central Committee"],
        Some("russia"),
    ),
    (
        "presidium-cc-cpsu",
        "Presidium of the Central Committee of the Communist Party of the Soviet Union",
        &["Presidium of the CC CPSU", "CPSU Presidium"],
        Some("russia"),
    ),
    (
        "soviet-government",
        "Soviet Government",
        &["Government of the Soviet Union", "Government of the USSR", "USSR Government"],
        Some("russia"),
    ),
    (
        "cc-lcy-executive-committee",
        "Executive Committee (Politburo) of the Central Committee of the League of Communists of Yugoslavia",
        &[
            "Executive Committee [Politburo] of the CC LCY",
            "Executive Committee of the CC LCY",
            "Politburo of the CC LCY",
            "Executive Committee of the League of Communists of Yugoslavia",
        ],
        Some("yugoslavia"),
    ),
    (
        "cc-lcy",
        "Central Committee of the League of Communists of Yugoslavia",
        &["CC LCY", "Central Committee of the LCY"],
        Some("yugoslavia"),
    ),
    (
        "yugoslav-government",
        "Yugoslav Government",
        &["Government of Yugoslavia"],
        Some("yugoslavia"),
    ),
];

/// The key of every name of every [`KNOWN`] body, with the body's place in it; folded once.
fn known_keys() -> &'static [(String, usize)] {
    static KEYS: std::sync::OnceLock<Vec<(String, usize)>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        KNOWN
            .iter()
            .enumerate()
            .flat_map(|(n, k)| {
                std::iter::once(k.1)
                    .chain(k.2.iter().copied())
                    .map(move |name| (organization_key(name), n))
            })
            .collect()
    })
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Its id (`department-of-state`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Other names it is known by.
    pub other_names: Vec<String>,
    /// Its country, where known (an id of [`crate::office::Country`], or `united-states`).
    pub country: Option<String>,
    /// Whether the name is one of the [`KNOWN`] bodies' (else it is the name as written).
    pub known: bool,
}

/// Whether a correspondent's name reads as a body (a committee, ministry, embassy…) rather than
/// a person.
pub fn is_body(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.split(|c: char| !c.is_alphanumeric()).any(|word| BODY_WORDS.contains(&word))
}

/// A body's name folded for comparison: lowercase, without accents, a leading "the", brackets
/// or punctuation ("the Executive Committee [Politburo]" → "executive committee politburo").
pub fn organization_key(name: &str) -> String {
    let folded = fold(&name.to_lowercase());
    let words: Vec<&str> =
        folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let words = match words.first() {
        Some(&"the") => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

impl Organization {
    /// The organization a body's name is: a [`KNOWN`] one where the name is one of its names,
    /// else one of its own, its id made from the name. `None` for a name with nothing to make an
    /// id of.
    pub fn of_name(name: &str) -> Option<Organization> {
        let key = organization_key(name);
        if key.is_empty() {
            return None;
        }
        if let Some(&(_, n)) = known_keys().iter().find(|(k, _)| *k == key) {
            return Some(Organization::known(&KNOWN[n]));
        }
        let mut id: String = key
            .split(' ')
            .map(|w| w.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if id.len() > MAX_ORGANIZATION_ID_BYTES {
            id.truncate(MAX_ORGANIZATION_ID_BYTES);
            id = id.trim_end_matches('-').to_string();
        }
        if id.is_empty() {
            return None;
        }
        let name = name.trim();
        let name = name.strip_prefix("the ").unwrap_or(name);
        Some(Organization {
            id,
            name: name.to_string(),
            other_names: Vec::new(),
            country: None,
            known: false,
        })
    }

    /// A [`KNOWN`] organization by id.
    pub fn known_by_id(id: &str) -> Option<Organization> {
        KNOWN.iter().find(|k| k.0 == id).map(Organization::known)
    }

    fn known(k: &(&str, &str, &[&str], Option<&str>)) -> Organization {
        Organization {
            id: k.0.to_string(),
            name: k.1.to_string(),
            other_names: k.2.iter().map(|s| s.to_string()).collect(),
            country: k.3.map(str::to_string),
            known: true,
        }
    }

    /// Every name, the usual one first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.other_names.iter().map(String::as_str))
    }
}

/// Whether an id is one an organization could have: lowercase ASCII letters, digits and single
/// hyphens, at most [`MAX_ORGANIZATION_ID_BYTES`].
pub fn is_organization_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ORGANIZATION_ID_BYTES
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_told_from_persons() {
        assert!(is_body("Department of State"));
        assert!(is_body("Executive Committee [Politburo] of the CC LCY"));
        assert!(!is_body("Nikita Khrushchev"));
        assert!(!is_body("Secretary of State"));
    }

    #[test]
    fn one_body_under_several_names() {
        let seed = Organization::of_name("Executive Committee [Politburo] of the CC LCY").unwrap();
        assert_eq!(seed.id, "cc-lcy-executive-committee");
        assert_eq!(seed.country.as_deref(), Some("yugoslavia"));
        let cpsu = Organization::of_name(
            "the Central Committee of the Communist Party of the Soviet Union",
        );
        assert_eq!(cpsu.unwrap().id, "cc-cpsu");
        assert_eq!(Organization::of_name("CC CPSU").unwrap().id, "cc-cpsu");
        assert_eq!(
            Organization::of_name("the Department of State").unwrap().id,
            "department-of-state"
        );
        // A body the table does not know is its own, by its name.
        let pbsuccess =
            Organization::of_name("Operation PBSUCCESS Headquarters in Florida").unwrap();
        assert_eq!(pbsuccess.id, "operation-pbsuccess-headquarters-in-florida");
        assert!(!pbsuccess.known && pbsuccess.country.is_none());
        assert_eq!(
            Organization::of_name("Ministère des Affaires étrangères").unwrap().id,
            "ministere-des-affaires-etrangeres"
        );
        assert_eq!(Organization::of_name("[—]"), None);
        assert!(is_organization_id("cc-cpsu") && !is_organization_id("CC CPSU"));
        assert_eq!(Organization::known_by_id("cc-cpsu").unwrap().name, cpsu_name());
    }

    fn cpsu_name() -> &'static str {
        "Central Committee of the Communist Party of the Soviet Union"
    }
}
