//! Generated forms of a person's name in the scripts and romanizations other archives and
//! literatures use: for a Soviet person named in English romanization ("Khrushchev, Nikita
//! Sergeyevich"), the Russian Cyrillic (Хрущёв) and from it the Serbo-Croatian (Hruščov), German
//! (Chruschtschow), French (Khrouchtchev) and scholarly (Chruščëv) romanizations; for a Yugoslav
//! person named in Latin (Kardelj), the Serbian Cyrillic (Кардељ).
//!
//! These are *generated*, and say so: English romanization loses what Cyrillic tells apart (е
//! and э, ё after a hushing consonant is guessed from "-chev"), so a form may be wrong. They are
//! listed for readers and matched through the same keys as every name (`romanize`); the edition's
//! own forms always come first.

/// A form of a name made by rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedName {
    /// The name in reading order ("Никита Сергеевич Хрущёв").
    pub name: String,
    /// Its language (ISO 639-3, as record languages: `rus`, `srp`, `hbs`, `deu`, `fra`).
    pub language: &'static str,
    /// Its script (ISO 15924: `Cyrl`, `Latn`).
    pub script: &'static str,
    /// How it was made.
    pub system: &'static str,
}

/// Whose names these are: the language their own documents write them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameLanguage {
    /// Russian (a Soviet person).
    Russian,
    /// Serbo-Croatian (a Yugoslav person).
    SerboCroatian,
}

/// English romanization to Russian Cyrillic, longest first.
const ENGLISH_TO_RUSSIAN: &[(&str, &str)] = &[
    ("shch", "щ"),
    ("kh", "х"),
    ("zh", "ж"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ye", "е"),
    ("yo", "ё"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("w", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("c", "к"),
    ("x", "кс"),
    ("j", "дж"),
    ("q", "к"),
    ("'", "ь"),
    ("’", "ь"),
];

/// A Russian Cyrillic letter in four romanizations: Serbo-Croatian, German (Duden), French,
/// scholarly. `е`, `ё` and `в` are handled by position in [`romanize_russian`].
const RUSSIAN_LETTERS: &[(char, &str, &str, &str, &str)] = &[
    ('а', "a", "a", "a", "a"),
    ('б', "b", "b", "b", "b"),
    ('г', "g", "g", "g", "g"),
    ('д', "d", "d", "d", "d"),
    ('ж', "ž", "sch", "j", "ž"),
    ('з', "z", "s", "z", "z"),
    ('и', "i", "i", "i", "i"),
    ('й', "j", "i", "ï", "j"),
    ('к', "k", "k", "k", "k"),
    ('л', "l", "l", "l", "l"),
    ('м', "m", "m", "m", "m"),
    ('н', "n", "n", "n", "n"),
    ('о', "o", "o", "o", "o"),
    ('п', "p", "p", "p", "p"),
    ('р', "r", "r", "r", "r"),
    ('с', "s", "s", "s", "s"),
    ('т', "t", "t", "t", "t"),
    ('у', "u", "u", "ou", "u"),
    ('ф', "f", "f", "f", "f"),
    ('х', "h", "ch", "kh", "ch"),
    ('ц', "c", "z", "ts", "c"),
    ('ч', "č", "tsch", "tch", "č"),
    ('ш', "š", "sch", "ch", "š"),
    ('щ', "šč", "schtsch", "chtch", "šč"),
    ('ъ', "", "", "", "ʺ"),
    ('ы', "i", "y", "y", "y"),
    ('ь', "", "", "", "ʹ"),
    ('э', "e", "e", "e", "ė"),
    ('ю', "ju", "ju", "iou", "ju"),
    ('я', "ja", "ja", "ia", "ja"),
];

/// Serbo-Croatian Latin (Gaj) to Serbian Cyrillic, digraphs first.
const LATIN_TO_SERBIAN: &[(&str, &str)] = &[
    ("dž", "џ"),
    ("lj", "љ"),
    ("nj", "њ"),
    ("dj", "ђ"),
    ("a", "а"),
    ("b", "б"),
    ("c", "ц"),
    ("č", "ч"),
    ("ć", "ћ"),
    ("d", "д"),
    ("đ", "ђ"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "ј"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("š", "ш"),
    ("t", "т"),
    ("u", "у"),
    ("v", "в"),
    ("z", "з"),
    ("ž", "ж"),
];

fn is_vowel(c: char) -> bool {
    "aeiouyаеёиоуыэюя".contains(c)
}

/// One word of English romanization in Russian Cyrillic: `Khrushchev` → `Хрущёв`,
/// `Sergeyevich` → `Сергеевич`, `Andrei` → `Андрей`. `None` for a word that is not plain
/// Latin letters.
fn english_word_to_russian(word: &str, last: bool) -> Option<String> {
    let lower = word.to_lowercase();
    if lower.is_empty() || !lower.chars().all(|c| c.is_ascii_lowercase() || c == '\'' || c == '’')
    {
        return None;
    }
    // Letters and digraphs no romanization of Russian uses: an English or other name (Joseph).
    let c_alone = lower.match_indices('c').any(|(at, _)| !lower[at + 1..].starts_with('h'));
    if c_alone || ["ph", "th", "w", "x", "q"].iter().any(|n| lower.contains(n)) {
        return None;
    }
    let chars: Vec<char> = lower.chars().collect();
    let mut out: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        let previous = out.last().copied();
        // "y": й after a vowel (Andrey, Mikhaylovich); at the end after a consonant the
        // adjectival ending (Sokolovsky → -ский, Vasily → -лий, Podgorny → -ный); ы between
        // consonants (Gromyko); before a vowel, the iotated vowel's marker (the table's).
        if chars[i] == 'y'
            && !ENGLISH_TO_RUSSIAN.iter().any(|(l, _)| l.len() == 2 && rest.starts_with(l))
        {
            if previous.is_some_and(is_vowel) {
                out.push('й');
            } else if i + 1 == chars.len() {
                let soft = previous.is_some_and(|p| "кгхжшчщл".contains(p));
                out.extend(if soft { ['и', 'й'] } else { ['ы', 'й'] });
            } else {
                out.push('ы');
            }
            i += 1;
            continue;
        }
        // "i" after a vowel and before a consonant or at the end is й (Andrei, Mikhailovich),
        // except the "ai" of a final "-ail" (Mikhail).
        if chars[i] == 'i'
            && previous.is_some_and(is_vowel)
            && chars.get(i + 1).is_none_or(|c| !is_vowel(*c))
            && !(rest == "il" && previous == Some('а'))
        {
            out.push('й');
            i += 1;
            continue;
        }
        // A forename's final "i" after a consonant is -ий (Yuri, Georgi, Dmitri).
        if chars[i] == 'i'
            && !last
            && i + 1 == chars.len()
            && previous.is_some_and(|p| !is_vowel(p))
        {
            out.extend(['и', 'й']);
            i += 1;
            continue;
        }
        let (latin, cyrillic) = ENGLISH_TO_RUSSIAN.iter().find(|(l, _)| rest.starts_with(l))?;
        // "e" opening a word is э (Eduard), else е.
        if *latin == "e" && i == 0 {
            out.push('э');
        } else {
            out.extend(cyrillic.chars());
        }
        i += latin.chars().count();
    }
    // A final "-chev" or "-shchev" is "-чёв", "-щёв" (Khrushchev, Gorbachev; not Yepishev).
    let n = out.len();
    if n >= 3 && out[n - 1] == 'в' && out[n - 2] == 'е' && "чщ".contains(out[n - 3]) {
        out[n - 2] = 'ё';
    }
    let mut word: String = out.into_iter().collect();
    if let Some(first) = word.chars().next() {
        word = first.to_uppercase().chain(word.chars().skip(1)).collect();
    }
    Some(word)
}

/// One Russian Cyrillic word in a romanization: 0 Serbo-Croatian, 1 German, 2 French,
/// 3 scholarly.
fn romanize_russian(word: &str, system: usize) -> String {
    let chars: Vec<char> = word.to_lowercase().chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let after_vowel = previous.is_none_or(is_vowel) || previous == Some('ь');
        let hushing = previous.is_some_and(|p| "жчшщ".contains(p));
        let piece: &str = match c {
            'е' => match system {
                0 | 1 if after_vowel => "je",
                2 if after_vowel => "ie",
                _ => "e",
            },
            'ё' => match system {
                0 | 1 if hushing => "o",
                0 | 1 => "jo",
                2 => "e",
                _ => "ë",
            },
            'в' => match system {
                1 => "w",
                _ => "v",
            },
            'г' if system == 2 && chars.get(i + 1).is_some_and(|n| "еёиыэ".contains(*n)) => {
                "gu"
            }
            'с' if system == 2
                && previous.is_some_and(is_vowel)
                && chars.get(i + 1).is_some_and(|n| is_vowel(*n)) =>
            {
                "ss"
            }
            _ => RUSSIAN_LETTERS
                .iter()
                .find(|l| l.0 == c)
                .map_or("", |l| [l.1, l.2, l.3, l.4][system]),
        };
        out.push_str(piece);
    }
    capitalize(&out)
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// One Serbo-Croatian Latin word in Serbian Cyrillic (`Kardelj` → `Кардељ`); `None` for a word
/// with letters outside the alphabet.
fn latin_word_to_serbian(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        let (latin, cyrillic) = LATIN_TO_SERBIAN.iter().find(|(l, _)| rest.starts_with(l))?;
        out.push_str(cyrillic);
        i += latin.chars().count();
    }
    Some(capitalize(&out))
}

/// The words of a name in reading order ("Khrushchev, Nikita Sergeyevich" → Nikita Sergeyevich
/// Khrushchev), without titles, initials or bracketed parts.
fn words(name: &str) -> Vec<String> {
    crate::person::reading_order(name)
        .split_whitespace()
        .filter(|w| w.chars().count() > 1 && !w.ends_with('.'))
        .map(str::to_string)
        .collect()
}

/// A word turned part by part where it is hyphenated (Vukmanović-Tempo).
fn hyphenated(word: &str, turn: impl Fn(&str) -> Option<String>) -> Option<String> {
    word.split('-').map(turn).collect::<Option<Vec<_>>>().map(|parts| parts.join("-"))
}

/// The generated forms of a name whose people write it in `language`: each word turned, the
/// whole name kept only if every word could be.
pub fn generated_names(name: &str, language: NameLanguage) -> Vec<GeneratedName> {
    let words = words(name);
    if words.is_empty() {
        return Vec::new();
    }
    match language {
        NameLanguage::Russian => {
            let last = words.len() - 1;
            let Some(cyrillic) = words
                .iter()
                .enumerate()
                .map(|(n, w)| hyphenated(w, |part| english_word_to_russian(part, n == last)))
                .collect::<Option<Vec<_>>>()
            else {
                return Vec::new();
            };
            let form = |system: usize| {
                cyrillic.iter().map(|w| romanize_russian(w, system)).collect::<Vec<_>>().join(" ")
            };
            vec![
                GeneratedName {
                    name: cyrillic.join(" "),
                    language: "rus",
                    script: "Cyrl",
                    system: "Russian Cyrillic, from the English romanization",
                },
                GeneratedName {
                    name: form(3),
                    language: "rus",
                    script: "Latn",
                    system: "scholarly transliteration",
                },
                GeneratedName {
                    name: form(0),
                    language: "hbs",
                    script: "Latn",
                    system: "Serbo-Croatian romanization",
                },
                GeneratedName {
                    name: form(1),
                    language: "deu",
                    script: "Latn",
                    system: "German romanization (Duden)",
                },
                GeneratedName {
                    name: form(2),
                    language: "fra",
                    script: "Latn",
                    system: "French romanization",
                },
            ]
        }
        NameLanguage::SerboCroatian => {
            // English sources drop the diacritics (Micunovic for Mićunović): a name without
            // them whose "c" may have been "ć" or "č" is not turned.
            let has_marks =
                words.iter().any(|w| w.chars().any(|c| "čćšžđ".contains(c.to_ascii_lowercase())));
            if !has_marks && words.iter().any(|w| w.to_lowercase().contains('c')) {
                return Vec::new();
            }
            let Some(cyrillic) = words
                .iter()
                .map(|w| hyphenated(w, latin_word_to_serbian))
                .collect::<Option<Vec<_>>>()
            else {
                return Vec::new();
            };
            vec![GeneratedName {
                name: cyrillic.join(" "),
                language: "srp",
                script: "Cyrl",
                system: "Serbian Cyrillic, from the Latin",
            }]
        }
    }
}

/// The language a person's own documents write their name in, by what the sources say of them:
/// a remark that makes them Soviet ("Soviet Ambassador…", "…of the Soviet Union" as its member)
/// or Yugoslav. `None` where the remarks say neither, or say both.
pub fn name_language<'a>(remarks: impl IntoIterator<Item = &'a str>) -> Option<NameLanguage> {
    let (mut soviet, mut yugoslav) = (false, false);
    for remark in remarks {
        let lower = remark.to_lowercase();
        // A U.S. official posted there is not of the country.
        let posted = [
            "ambassador to",
            "embassy in",
            "in moscow",
            "in belgrade",
            "affairs",
            "counselor of embassy",
            "minister to",
            "chargé",
            "mission in",
        ]
        .iter()
        .any(|p| {
            lower.contains(p) && !lower.starts_with("soviet") && !lower.starts_with("yugoslav")
        });
        if posted {
            continue;
        }
        if lower.starts_with("soviet")
            || lower.contains("of the soviet union")
            || lower.contains("of the ussr")
            || lower.contains("cpsu")
        {
            soviet = true;
        }
        if lower.starts_with("yugoslav")
            || lower.contains(", yugoslavia")
            || lower.contains("of yugoslavia")
        {
            yugoslav = true;
        }
    }
    match (soviet, yugoslav) {
        (true, false) => Some(NameLanguage::Russian),
        (false, true) => Some(NameLanguage::SerboCroatian),
        _ => None,
    }
}

/// The generated forms of a person's name, if the sources make them Soviet or Yugoslav: made
/// from the preferred name, or for a Yugoslav from a form that keeps its diacritics.
pub fn person_generated_names(person: &crate::person::Person) -> Vec<GeneratedName> {
    let Some(language) = name_language(person.remarks.iter().map(|r| r.text.as_str())) else {
        return Vec::new();
    };
    let source = match language {
        NameLanguage::SerboCroatian => person
            .names()
            .find(|n| n.chars().any(|c| "čćšžđČĆŠŽĐ".contains(c)))
            .unwrap_or(&person.name),
        NameLanguage::Russian => &person.name,
    };
    generated_names(source, language)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(name: &str, language: NameLanguage) -> Vec<String> {
        generated_names(name, language).into_iter().map(|g| g.name).collect()
    }

    #[test]
    fn a_soviet_name_in_cyrillic_and_four_romanizations() {
        assert_eq!(
            names("Khrushchev, Nikita Sergeyevich", NameLanguage::Russian),
            [
                "Никита Сергеевич Хрущёв",
                "Nikita Sergeevič Chruščëv",
                "Nikita Sergejevič Hruščov",
                "Nikita Sergejewitsch Chruschtschow",
                "Nikita Sergueievitch Khrouchtchev",
            ]
        );
        assert_eq!(names("Gromyko, Andrei A.", NameLanguage::Russian)[0], "Андрей Громыко");
        assert_eq!(
            names("Molotov, Vyacheslav Mikhailovich", NameLanguage::Russian)[0],
            "Вячеслав Михайлович Молотов"
        );
        for (english, russian) in [
            ("Sokolovsky, Vasily Danilovich", "Василий Данилович Соколовский"),
            ("Podgorny, Nikolai V.", "Николай Подгорный"),
            ("Suslov, Mikhail Andreyevich", "Михаил Андреевич Суслов"),
            ("Chernyakov, Yuri N.", "Юрий Черняков"),
            ("Yepishev, A. A.", "Епишев"),
        ] {
            assert_eq!(names(english, NameLanguage::Russian)[0], russian);
        }
        // Not a romanization of Russian: no forms rather than wrong ones.
        assert!(names("Stalin, Joseph", NameLanguage::Russian).is_empty());
    }

    #[test]
    fn a_yugoslav_name_in_serbian_cyrillic_unless_its_marks_are_lost() {
        assert_eq!(names("Tito, Josip Broz", NameLanguage::SerboCroatian), ["Јосип Броз Тито"]);
        assert_eq!(names("Kardelj, Edvard", NameLanguage::SerboCroatian), ["Едвард Кардељ"]);
        assert_eq!(names("Mićunović, Veljko", NameLanguage::SerboCroatian), ["Вељко Мићуновић"]);
        assert!(names("Micunovic, Veljko", NameLanguage::SerboCroatian).is_empty());
        assert_eq!(
            names("Vukmanović-Tempo, Svetozar", NameLanguage::SerboCroatian),
            ["Светозар Вукмановић-Темпо"]
        );
    }

    #[test]
    fn whose_names_by_what_the_sources_say() {
        assert_eq!(
            name_language([
                "First Secretary of the Communist Party of the Soviet Union from March 1953."
            ]),
            Some(NameLanguage::Russian)
        );
        assert_eq!(
            name_language(["President, Yugoslavia. Visited U.S. 2 times"]),
            Some(NameLanguage::SerboCroatian)
        );
        assert_eq!(name_language(["Ambassador to Yugoslavia, 1953–1958"]), None);
        assert_eq!(
            name_language(["Yugoslav Ambassador to the Soviet Union from March 1956"]),
            Some(NameLanguage::SerboCroatian)
        );
        assert_eq!(name_language(["Ambassador to the Soviet Union"]), None);
        assert_eq!(name_language(["Director, Office of Eastern European Affairs"]), None);
    }
}
