//! Languages: ISO 639-3 codes with display names.
//!
//! Archives print language names ("Serbo-Croatian"); search facets and metadata harvesters want
//! codes (`hbs`). A [`Language`] keeps both: the code for machines and the name as printed.

/// A language: its ISO 639-3 code (`und` when the name is not one we know) and a display name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language {
    /// The ISO 639-3 code, such as `hbs` or `eng`; `und` (undetermined) if unknown.
    pub code: String,
    /// The name as the source gives it, or ISO's English name when only a code was given.
    pub name: String,
}

/// Names archives use that differ from ISO 639-3's English reference names.
const ALIASES: &[(&str, &str)] = &[
    ("serbo-croat", "hbs"),
    ("serbocroatian", "hbs"),
    ("croato-serbian", "hbs"),
    ("bosnian-croatian-serbian", "hbs"),
    ("bcs", "hbs"),
    ("greek", "ell"),
    ("farsi", "fas"),
    ("slovene", "slv"),
    ("mandarin", "cmn"),
    ("byelorussian", "bel"),
    ("burmese", "mya"),
    ("khmer", "khm"),
    ("kirghiz", "kir"),
    ("moldavian", "ron"),
    ("flemish", "nld"),
];

/// The ISO 639-3 code for "undetermined".
pub const UNDETERMINED: &str = "und";

impl Language {
    /// Looks a language up by its English name (case-insensitive, ISO names and common archival
    /// aliases). Returns `None` for names we do not know.
    pub fn from_name(name: &str) -> Option<Language> {
        let wanted = name.trim();
        let folded = wanted.to_lowercase();
        let code = ALIASES
            .iter()
            .find(|(alias, _)| *alias == folded)
            .map(|(_, code)| (*code).to_string())
            .or_else(|| {
                let owned = wanted.to_string();
                isolang::Language::match_names(move |candidate| {
                    candidate.eq_ignore_ascii_case(&owned)
                })
                .next()
                .map(|language| language.to_639_3().to_string())
            })?;
        Some(Language { code, name: wanted.to_string() })
    }

    /// Looks a language up by its ISO 639-3 (or 639-1) code; the name is ISO's English name.
    pub fn from_code(code: &str) -> Option<Language> {
        let code = code.trim().to_ascii_lowercase();
        let language = match code.len() {
            2 => isolang::Language::from_639_1(&code),
            3 => isolang::Language::from_639_3(&code),
            _ => None,
        }?;
        Some(Language {
            code: language.to_639_3().to_string(),
            name: language.to_name().to_string(),
        })
    }

    /// A language read from a name we could not identify: kept as printed, coded `und`.
    pub fn undetermined(name: &str) -> Language {
        Language { code: UNDETERMINED.to_string(), name: name.trim().to_string() }
    }

    /// Whether the code is a real language rather than `und`.
    pub fn is_determined(&self) -> bool {
        self.code != UNDETERMINED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_iso_639_3_codes() {
        for (name, code) in [
            ("Serbo-Croatian", "hbs"),
            ("serbo-croatian", "hbs"),
            ("Russian", "rus"),
            ("English", "eng"),
            ("German", "deu"),
            ("Greek", "ell"),
            ("Chinese", "zho"),
            ("Slovene", "slv"),
        ] {
            assert_eq!(Language::from_name(name).map(|l| l.code), Some(code.to_string()), "{name}");
        }
        assert_eq!(Language::from_name("Klingonese"), None);
        assert_eq!(Language::from_name("Serbo-Croatian").unwrap().name, "Serbo-Croatian");
    }

    #[test]
    fn codes_give_names() {
        assert_eq!(Language::from_code("hbs").unwrap().name, "Serbo-Croatian");
        assert_eq!(Language::from_code("ru").unwrap().code, "rus");
        assert_eq!(Language::from_code("zzzz"), None);
    }
}
