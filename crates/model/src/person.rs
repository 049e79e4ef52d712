//! Persons across the archive: one authority entry per person, whatever volume or record names
//! them, with the names they go by and where each name comes from.
//!
//! A person's id is our own readable slug (`tito-josip-broz`), stable across imports; the Office
//! of the Historian's id is kept beside it as an external identifier (theirs may change). A
//! person holds the persons-list entries of the FRUS volumes that name them
//! (`frus1955-57v26#p_TMJB1`), which is how a volume's entry reaches its cross-volume person.
//!
//! [`name_keys`] gives the keys a name is matched by: every name of a person, and every author or
//! recipient of a record, is reduced to "forename surname" in folded lower case ("Tito, Marshal
//! Josip Broz" and "Josip Broz Tito" are both `josip tito`), plus the surname alone (`tito`),
//! which a resolver may only use when one person bears it.

use std::fmt;

use crate::archives::fold;

/// The longest person id.
pub const MAX_PERSON_ID_BYTES: usize = 120;

/// Whether a text is a slug of at most `max` bytes: lowercase ASCII letters, digits and single
/// hyphens, neither first nor last (`tito-josip-broz`): what person, event and party ids are.
pub fn is_slug(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
}

/// A person's id: lowercase ASCII letters, digits and single hyphens (`tito-josip-broz`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonId(String);

impl PersonId {
    /// Checks an id.
    pub fn parse(text: &str) -> Result<PersonId, String> {
        if is_slug(text, MAX_PERSON_ID_BYTES) {
            Ok(PersonId(text.to_string()))
        } else {
            Err(format!(
                "`{}` is not a person id: lowercase letters, digits and single hyphens, at most {MAX_PERSON_ID_BYTES} bytes (`tito-josip-broz`)",
                text.chars().take(60).collect::<String>()
            ))
        }
    }

    /// The slug a name gives (`Tito, Josip Broz` → `tito-josip-broz`); `None` for a name with no
    /// letters or digits.
    pub fn from_name(name: &str) -> Option<PersonId> {
        let words: Vec<String> = fold(name).split(' ').map(ascii_only).collect();
        let mut slug = words.into_iter().filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-");
        if slug.len() > MAX_PERSON_ID_BYTES - 20 {
            let mut end = MAX_PERSON_ID_BYTES - 20;
            while !slug.is_char_boundary(end) {
                end -= 1;
            }
            slug.truncate(end);
            slug = slug.trim_end_matches('-').to_string();
        }
        (!slug.is_empty()).then_some(PersonId(slug))
    }

    /// The id with a suffix that tells it apart from another person's (`smith-john-100234`).
    pub fn with_suffix(&self, suffix: &str) -> PersonId {
        let suffix = ascii_only(&fold(suffix).replace(' ', "-"));
        PersonId(format!("{}-{}", self.0, suffix.trim_matches('-')))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn ascii_only(word: &str) -> String {
    word.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// Where the people data points to a person of the chiefs-of-mission data.
pub const OFFICE_HOLDER_URL: &str = "https://history.state.gov/departmenthistory/people/";

/// A person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Our id.
    pub id: PersonId,
    /// The preferred name, inverted as in a persons list ("Tito, Josip Broz").
    pub name: String,
    /// Every other form of the name, with where it comes from.
    pub variants: Vec<NameVariant>,
    /// Year of birth, where known.
    pub birth: Option<String>,
    /// Year of death, where known.
    pub death: Option<String>,
    /// What the sources say of the person, each remark with its sources.
    pub remarks: Vec<Remark>,
    /// The Office of the Historian's person id, if the person comes from its data.
    pub hsg_id: Option<String>,
    /// The persons-list entries naming the person (`frus1955-57v26#p_TMJB1`).
    pub entries: Vec<String>,
}

/// A form of a person's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameVariant {
    /// The name as the source writes it.
    pub name: String,
    /// Where it is written: URLs of persons lists or pages.
    pub sources: Vec<String>,
}

/// What a source says of a person ("President, Yugoslavia").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remark {
    /// The remark.
    pub text: String,
    /// Where it is written.
    pub sources: Vec<String>,
}

impl Person {
    /// Every name of the person: the preferred one first, then the variants.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.variants.iter().map(|v| v.name.as_str()))
    }

    /// The ids of the chiefs-of-mission data (`crate::office`) the person's sources name
    /// (`https://history.state.gov/departmenthistory/people/dulles-john-foster`), sorted.
    pub fn office_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .variants
            .iter()
            .flat_map(|v| &v.sources)
            .chain(self.remarks.iter().flat_map(|r| &r.sources))
            .filter_map(|url| url.trim().strip_prefix(OFFICE_HOLDER_URL))
            .filter(|id| {
                !id.is_empty()
                    && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The preferred name in reading order ("Josip Broz Tito").
    /// A generational suffix stays at the end ("Herter, Christian Archibald, Sr." → "Christian
    /// Archibald Herter, Sr.").
    pub fn display_name(&self) -> String {
        let (name, suffix) = match self.name.rsplit_once(", ") {
            Some((rest, last))
                if rest.contains(", ")
                    && SUFFIXES.contains(&last.trim_end_matches('.').to_lowercase().as_str()) =>
            {
                (rest, Some(last))
            }
            _ => (self.name.as_str(), None),
        };
        let shown = match name.split_once(", ") {
            Some((surname, forenames)) if !forenames.contains(',') => {
                format!("{} {surname}", strip_titles(forenames).join(" "))
            }
            _ => name.to_string(),
        };
        match suffix {
            Some(suffix) => format!("{shown}, {suffix}"),
            None => shown,
        }
    }
}

/// Generational suffixes, which follow a name after a comma ("George S. Springsteen, Jr.").
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// The name without bracketed parts and without a generational suffix.
fn bare(name: &str) -> String {
    let mut plain = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let mut plain = plain.trim().to_string();
    loop {
        let cut = plain.rfind([',', ' ']).filter(|&at| {
            let last = plain[at + 1..].trim().trim_end_matches('.').to_lowercase();
            SUFFIXES.contains(&last.as_str())
        });
        match cut {
            Some(at) => plain = plain[..at].trim_end().trim_end_matches(',').to_string(),
            None => break,
        }
    }
    plain
}

/// Words that name a rank or office, not a person.
const TITLES: &[&str] = &[
    "marshal",
    "president",
    "general",
    "gen",
    "admiral",
    "adm",
    "mr",
    "mrs",
    "miss",
    "dr",
    "ambassador",
    "secretary",
    "minister",
    "premier",
    "prime",
    "chairman",
    "comrade",
    "sir",
    "lord",
    "count",
    "colonel",
    "col",
    "captain",
    "capt",
    "major",
    "maj",
    "lieutenant",
    "senator",
    "governor",
    "judge",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "shah",
    "pope",
    "father",
    "bishop",
    "cardinal",
    "professor",
    "prof",
    "mme",
    "madame",
    "monsieur",
    "herr",
    "frau",
];

fn strip_titles(words: &str) -> Vec<&str> {
    words
        .split_whitespace()
        .filter(|w| !TITLES.contains(&w.trim_end_matches('.').to_lowercase().as_str()))
        .collect()
}

/// The keys a name is matched by: `forename surname` (folded) where the name has both, and the
/// surname alone, in that order. "Tito, Marshal Josip Broz" and "Josip Broz Tito" give
/// `["josip tito", "tito"]`; "Tito" gives `["tito"]`. Bracketed parts ("[Politburo]") and
/// parenthesized ones ("(Josip Broz)") are left out; a name with no letters gives nothing.
pub fn name_keys(name: &str) -> Vec<String> {
    let plain = bare(name);
    let (surname, forenames) = match plain.split_once(',') {
        // "Surname, Forenames": the inverted form of persons lists.
        Some((surname, rest)) => (surname.to_string(), strip_titles(rest).join(" ")),
        None => {
            let words = strip_titles(&plain);
            match words.split_last() {
                Some((last, rest)) => (last.to_string(), rest.join(" ")),
                None => return Vec::new(),
            }
        }
    };
    let surname = fold(&surname);
    let forename =
        fold(&forenames).split(' ').find(|w| w.len() > 1).unwrap_or_default().to_string();
    let mut keys = Vec::new();
    if surname.is_empty() {
        return keys;
    }
    if !forename.is_empty() {
        keys.push(format!("{forename} {surname}"));
    }
    keys.push(surname);
    keys
}

/// A name as it is read, to search for it: bracketed parts and titles left out, an inverted
/// name turned ("Tito, Marshal Josip Broz" → "Josip Broz Tito"; "Dulles, Allen W." → "Allen W.
/// Dulles").
pub fn reading_order(name: &str) -> String {
    let plain = bare(name);
    match plain.split_once(',') {
        Some((surname, rest)) if !rest.contains(',') => {
            let mut words = strip_titles(rest);
            words.extend(surname.split_whitespace());
            words.join(" ")
        }
        _ => strip_titles(&plain).join(" "),
    }
}

/// The keys one word of a name is matched by, in any script or romanization: its skeleton
/// variants (`Хрущёв`, `Hruščov`, `Chruschtschow` and `Khrushchev` all give `hruscov`).
pub fn word_keys(word: &str) -> Vec<String> {
    crate::romanize::skeleton(&crate::romanize::fold(&crate::romanize::exact(word)))
}

/// The words of a name a query may give, folded, without titles and bracketed parts: "Tito,
/// Marshal Josip Broz" gives `["tito", "josip", "broz"]`. One-letter initials are left out.
pub fn name_words(name: &str) -> Vec<String> {
    let plain = bare(name);
    let mut words: Vec<String> = Vec::new();
    for word in strip_titles(&plain.replace(',', " ")) {
        let folded = fold(word);
        for part in folded.split(' ').filter(|w| w.len() > 1) {
            if !words.iter().any(|w| w == part) {
                words.push(part.to_string());
            }
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_either_order_meet_in_one_key() {
        assert_eq!(name_keys("Tito, Marshal Josip Broz"), ["josip tito", "tito"]);
        assert_eq!(name_keys("Josip Broz Tito"), ["josip tito", "tito"]);
        assert_eq!(name_keys("President Tito"), ["tito"]);
        assert_eq!(name_keys("Tito, Marshal (Josip Broz)"), ["tito"]);
        assert_eq!(
            name_keys("Khrushchev, Nikita Sergeyevich"),
            ["nikita khrushchev", "khrushchev"]
        );
        assert_eq!(name_keys("Nikita Khrushchev"), ["nikita khrushchev", "khrushchev"]);
        assert_eq!(name_keys("Dulles, John Foster"), ["john dulles", "dulles"]);
        assert_eq!(name_keys("Allen W. Dulles"), ["allen dulles", "dulles"]);
        assert_eq!(name_keys("Kardelj, Edvard"), name_keys("Edvard Kardelj"));
        assert_eq!(name_keys("Mićunović, Veljko"), ["veljko micunovic", "micunovic"]);
        assert!(name_keys("[Politburo]").is_empty());
        assert_eq!(name_words("Tito, Marshal Josip Broz"), ["tito", "josip", "broz"]);
        assert_eq!(name_words("Dulles, Allen W."), ["dulles", "allen"]);
        assert_eq!(reading_order("Tito, Marshal Josip Broz"), "Josip Broz Tito");
        assert_eq!(reading_order("Dulles, Allen W."), "Allen W. Dulles");
        assert_eq!(reading_order("Tito, Marshal (Josip Broz)"), "Tito");
        assert_eq!(reading_order("President Tito"), "Tito");
        for spelling in ["Хрущёв", "Hruščov", "Chruschtschow", "Khrushchev"] {
            assert!(word_keys(spelling).contains(&"hruscov".to_string()), "{spelling}");
        }
        assert_eq!(name_keys("George S. Springsteen, Jr."), ["george springsteen", "springsteen"]);
        assert_eq!(
            name_keys("Springsteen, George Stoney, Jr."),
            ["george springsteen", "springsteen"]
        );
        assert_eq!(reading_order("Springsteen, George Stoney, Jr."), "George Stoney Springsteen");
        let herter = Person {
            id: PersonId::from_name("Herter, Christian Archibald, Sr.").unwrap(),
            name: "Herter, Christian Archibald, Sr.".into(),
            variants: Vec::new(),
            birth: None,
            death: None,
            remarks: Vec::new(),
            hsg_id: None,
            entries: Vec::new(),
        };
        assert_eq!(herter.display_name(), "Christian Archibald Herter, Sr.");
    }

    #[test]
    fn ids_are_readable_slugs() {
        let id = PersonId::from_name("Tito, Josip Broz").unwrap();
        assert_eq!(id.as_str(), "tito-josip-broz");
        assert_eq!(PersonId::from_name("Mićunović, Veljko").unwrap().as_str(), "micunovic-veljko");
        assert_eq!(id.with_suffix("113600").as_str(), "tito-josip-broz-113600");
        assert!(PersonId::parse("tito-josip-broz").is_ok());
        assert!(PersonId::parse("Tito").is_err() && PersonId::parse("a--b").is_err());
        assert_eq!(PersonId::from_name("—"), None);
        let person = Person {
            id,
            name: "Tito, Josip Broz".into(),
            variants: Vec::new(),
            birth: None,
            death: None,
            remarks: Vec::new(),
            hsg_id: None,
            entries: Vec::new(),
        };
        assert_eq!(person.display_name(), "Josip Broz Tito");
    }
}
