//! The repositories that archival citations name, each under one name.
//!
//! FRUS source notes and Wilson Center citations spell the same archive many ways ("Eisenhower
//! Library", "National Archives" and "National Archives and Records Administration", a typo
//! "Central Intellience Agency"). [`repository`] maps a printed name to the one name we file it
//! under; the printed form stays in the citation or source note, where it is searched too.
//! Bracketed editorial marks ("[Telegram]", "[Extract.]") are not repositories at all
//! ([`is_editorial_mark`]).

/// A repository: the name we file it under, and the other ways citations write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repository {
    /// The one name.
    pub name: &'static str,
    /// Other spellings, abbreviations and translations, as citations print them.
    pub variants: &'static [&'static str],
}

/// Every repository we know, with its variants.
pub const REPOSITORIES: &[Repository] = &[
    Repository {
        name: "Department of State",
        variants: &[
            "Department of States",
            "State Department",
            "Dept. of State",
            "U.S. Department of State",
            "Department of State Central Files",
        ],
    },
    Repository {
        name: "National Archives and Records Administration",
        variants: &[
            "National Archives",
            "NARA",
            "U.S. National Archives",
            "National Archives and Records Service",
            "National Archives of the United States",
        ],
    },
    Repository {
        name: "Central Intelligence Agency",
        variants: &["CIA", "Central Intellience Agency", "Central Intelligence Agency Files"],
    },
    Repository { name: "National Security Council", variants: &["NSC"] },
    Repository { name: "Department of Defense", variants: &["Defense Department", "DOD"] },
    Repository {
        name: "Library of Congress",
        variants: &["LC", "Library of Congress, Manuscript Division"],
    },
    Repository { name: "Washington National Records Center", variants: &["WNRC"] },
    Repository {
        name: "Harry S. Truman Library",
        variants: &["Truman Library", "Truman Presidential Library"],
    },
    Repository {
        name: "Dwight D. Eisenhower Library",
        variants: &[
            "Eisenhower Library",
            "Eisenhower Presidential Library",
            "Dwight D. Eisenhower Presidential Library",
        ],
    },
    Repository {
        name: "John F. Kennedy Library",
        variants: &["Kennedy Library", "John F. Kennedy Presidential Library", "JFK Library"],
    },
    Repository {
        name: "Lyndon B. Johnson Library",
        variants: &["Johnson Library", "LBJ Library", "Lyndon Baines Johnson Library"],
    },
    Repository {
        name: "Richard Nixon Library",
        variants: &["Nixon Library", "Nixon Presidential Library"],
    },
    Repository {
        name: "Gerald R. Ford Library",
        variants: &["Ford Library", "Gerald R. Ford Presidential Library"],
    },
    Repository { name: "Jimmy Carter Library", variants: &["Carter Library"] },
    Repository {
        name: "Franklin D. Roosevelt Library",
        variants: &["Roosevelt Library", "FDR Library"],
    },
    Repository {
        name: "Hoover Institution Archives",
        variants: &["Hoover Institution", "Hoover Institution on War, Revolution and Peace"],
    },
    Repository {
        name: "Arhiv Jugoslavije",
        variants: &[
            "Archives of Yugoslavia",
            "Archive of Yugoslavia",
            "National Archives of Yugoslavia",
            "AJ",
        ],
    },
    Repository {
        name: "Arhiv Josipa Broza Tita",
        variants: &["Archive of Josip Broz Tito", "AJBT"],
    },
    Repository {
        name: "Diplomatski arhiv Ministarstva spoljnih poslova Srbije",
        variants: &["Diplomatic Archive of the Ministry of Foreign Affairs of Serbia", "DAMSPS"],
    },
    Repository {
        name: "Archive of the President of the Russian Federation",
        variants: &[
            "APRF",
            "Arkhiv Prezidenta Rossiiskoi Federatsii",
            "Presidential Archive of the Russian Federation",
        ],
    },
    Repository {
        name: "Russian State Archive of Contemporary History",
        variants: &[
            "RGANI",
            "Rossiiskii Gosudarstvennyi Arkhiv Noveishei Istorii",
            "Russian State Archive of Recent History",
        ],
    },
    Repository {
        name: "Russian State Archive of Socio-Political History",
        variants: &["RGASPI", "Rossiiskii Gosudarstvennyi Arkhiv Sotsial'no-Politicheskoi Istorii"],
    },
    Repository {
        name: "Archive of Foreign Policy of the Russian Federation",
        variants: &["AVPRF", "AVP RF", "Arkhiv Vneshnei Politiki Rossiiskoi Federatsii"],
    },
    Repository {
        name: "State Archive of the Russian Federation",
        variants: &["GARF", "Gosudarstvennyi Arkhiv Rossiiskoi Federatsii"],
    },
    Repository {
        name: "Archive of the Ministry of Foreign Affairs of the People's Republic of China",
        variants: &[
            "PRC FMA",
            "Chinese Foreign Ministry Archive",
            "Foreign Ministry Archives of the People's Republic of China",
        ],
    },
    Repository {
        name: "Politisches Archiv des Auswärtigen Amts",
        variants: &["PA AA", "Political Archive of the Federal Foreign Office"],
    },
    Repository {
        name: "Stiftung Archiv der Parteien und Massenorganisationen der DDR im Bundesarchiv",
        variants: &["SAPMO-BArch", "SAPMO"],
    },
    Repository {
        name: "Magyar Nemzeti Levéltár Országos Levéltára",
        variants: &["MOL", "Hungarian National Archives", "National Archives of Hungary"],
    },
    Repository { name: "Archiwum Akt Nowych", variants: &["AAN", "Archive of Modern Records"] },
    Repository {
        name: "Národní archiv",
        variants: &["National Archives of the Czech Republic", "NA ČR"],
    },
    Repository {
        name: "Arhivele Naţionale ale României",
        variants: &["ANIC", "Romanian National Archives", "National Archives of Romania"],
    },
    Repository {
        name: "Tsentralen Darzhaven Arhiv",
        variants: &["TsDA", "Central State Archive, Sofia", "Central State Archives, Sofia"],
    },
];

/// Folds a name for comparison: lower case, diacritics and punctuation gone, one space between
/// words, a parenthesized abbreviation after the name dropped.
pub(crate) fn fold(name: &str) -> String {
    let name = match (name.find(" ("), name.ends_with(')')) {
        (Some(at), true) => &name[..at],
        _ => name,
    };
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' | 'ă' => 'a',
            'é' | 'è' | 'ë' | 'ê' | 'ě' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'ő' => 'o',
            'ú' | 'ù' | 'ü' | 'û' | 'ű' | 'ů' => 'u',
            'č' | 'ć' => 'c',
            'š' | 'ş' | 'ș' => 's',
            'ž' => 'z',
            'ţ' | 'ț' => 't',
            'ř' => 'r',
            'đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// The repository a printed name means: one of its names exactly (folded), or, for a long name,
/// one letter away from it (a typo); `None` for a name we do not know.
pub fn repository(printed: &str) -> Option<&'static Repository> {
    let wanted = fold(printed);
    if wanted.is_empty() {
        return None;
    }
    let names = |r: &'static Repository| std::iter::once(r.name).chain(r.variants.iter().copied());
    if let Some(found) = REPOSITORIES.iter().find(|r| names(r).any(|n| fold(n) == wanted)) {
        return Some(found);
    }
    // A typo: only in names long enough that one letter cannot make another archive.
    if wanted.len() < 16 {
        return None;
    }
    REPOSITORIES
        .iter()
        .find(|r| names(r).any(|n| n.len() >= 16 && one_edit_apart(&fold(n), &wanted)))
}

/// The name a printed archive is filed under: its repository's, else as printed (trimmed of
/// brackets and trailing punctuation).
pub fn canonical(printed: &str) -> String {
    match repository(printed) {
        Some(found) => found.name.to_string(),
        None => printed
            .trim()
            .trim_matches(['[', ']'])
            .trim_end_matches(['.', ',', ';', ':'])
            .trim()
            .to_string(),
    }
}

/// A known repository a printed name starts with, where the citation left out the comma after it
/// ("Central Intelligence Agency Job 79-01025A", "National Archives and Records Administration RG
/// 59"): the repository and the rest.
pub fn split_known_prefix(printed: &str) -> Option<(&'static Repository, &str)> {
    let mut best: Option<(&'static Repository, usize)> = None;
    for repository in REPOSITORIES {
        for name in std::iter::once(repository.name).chain(repository.variants.iter().copied()) {
            let longer = best.is_none_or(|(_, length)| name.len() > length);
            if name.len() >= 8
                && longer
                && printed.len() > name.len() + 1
                && printed.starts_with(name)
                && printed[name.len()..].starts_with(' ')
            {
                best = Some((repository, name.len()));
            }
        }
    }
    // Only where a file reference follows ("Department of State Bulletin" is a periodical).
    let (repository, length) = best?;
    let rest = printed[length..].trim();
    let first = rest.split_whitespace().next().unwrap_or_default();
    let file = ["Job", "RG", "Lot", "Box", "File", "Files", "Record"].contains(&first)
        || first.starts_with(|c: char| c.is_ascii_digit());
    file.then_some((repository, rest))
}

/// Whether a text is an editorial mark rather than a source: wholly in brackets ("[Telegram]",
/// "[Extract.]", "[Telegram—Extract]", "[Translation]").
pub fn is_editorial_mark(text: &str) -> bool {
    let text = text.trim();
    text.len() > 2
        && text.starts_with('[')
        && text.ends_with(']')
        && !text[1..text.len() - 1].contains(['[', ']'])
}

/// Whether two strings are at most one insertion, deletion, substitution or swap apart.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        let rest = prefix + 1;
        // A substitution, or two neighbours swapped.
        short[rest..] == long[rest..]
            || (rest < short.len()
                && short[prefix] == long[rest]
                && short[rest] == long[prefix]
                && short[rest + 1..] == long[rest + 1..])
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_meet_under_one_name() {
        for (printed, name) in [
            ("Eisenhower Library", "Dwight D. Eisenhower Library"),
            ("National Archives", "National Archives and Records Administration"),
            (
                "National Archives and Records Administration",
                "National Archives and Records Administration",
            ),
            ("Central Intellience Agency", "Central Intelligence Agency"),
            ("Department of States", "Department of State"),
            ("Arhiv Jugoslavije", "Arhiv Jugoslavije"),
            (
                "Russian State Archive of Contemporary History (RGANI)",
                "Russian State Archive of Contemporary History",
            ),
            ("RGANI", "Russian State Archive of Contemporary History"),
        ] {
            assert_eq!(canonical(printed), name, "{printed}");
        }
        assert_eq!(canonical("Papers of Woodrow Wilson."), "Papers of Woodrow Wilson");
        assert!(
            repository("Kennedy Library").is_some_and(|r| r.name != "Dwight D. Eisenhower Library")
        );
        assert!(repository("Ford Librarx").is_none(), "short names are not guessed at");
        let (found, rest) =
            split_known_prefix("Central Intelligence Agency Job 79-01025A").unwrap();
        assert_eq!((found.name, rest), ("Central Intelligence Agency", "Job 79-01025A"));
        assert!(split_known_prefix("Central Intelligence Agency").is_none());
        assert!(split_known_prefix("Department of State Bulletin").is_none());
    }

    #[test]
    fn editorial_marks_are_no_archives() {
        for mark in
            ["[Telegram]", "[Extract.]", "[Extracts.]", "[Telegram—Extract]", "[Translation]"]
        {
            assert!(is_editorial_mark(mark), "{mark}");
        }
        assert!(!is_editorial_mark("Department of State"));
        assert!(!is_editorial_mark("[Source: Department of State"));
    }
}
