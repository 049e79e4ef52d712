//! A FRUS source note read: where the edition found the document (repository, collection, file,
//! classification), and whether what it prints is a translation, from which language.
//!
//! Source notes come in several shapes: "Source: Department of State, Central Files,
//! 663.001/6–855. Secret. Drafted by Allen." (the 2014/15 volumes); "Central Intelligence
//! Agency: Job 79-S01060A." (a colon after the repository); "File No. 861.51/131" (the 1918
//! volumes) and "501.AA/3–1248: Telegram" (1948), both files of the Department of State's central
//! decimal file; "IO Files: US(P)/A/260". Repositories are filed under one name
//! ([`chancery_model::archives`]).

use chancery_model::language::Language;
use chancery_model::record::CitationParts;

use chancery_model::archives;

const CLASSIFICATIONS: &[&str] = &[
    "Top Secret",
    "Secret",
    "Confidential",
    "Limited Official Use",
    "Official Use Only",
    "Restricted",
    "Unclassified",
    "Eyes Only",
];

/// Languages a source note may say a document was translated from, as English writes them.
const LANGUAGES: &[&str] = &[
    "Russian",
    "German",
    "French",
    "Spanish",
    "Italian",
    "Portuguese",
    "Serbo-Croatian",
    "Serbian",
    "Croatian",
    "Slovenian",
    "Macedonian",
    "Bulgarian",
    "Romanian",
    "Hungarian",
    "Polish",
    "Czech",
    "Slovak",
    "Greek",
    "Turkish",
    "Albanian",
    "Ukrainian",
    "Finnish",
    "Swedish",
    "Norwegian",
    "Danish",
    "Dutch",
    "Chinese",
    "Japanese",
    "Korean",
    "Vietnamese",
    "Arabic",
    "Hebrew",
    "Persian",
    "Yiddish",
];

/// What a source note says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct SourceNote {
    /// The note, verbatim (whitespace collapsed), without a leading "Source:".
    pub(super) text: String,
    /// Repository, collection, file and classification, where it states them.
    pub(super) parts: CitationParts,
}

/// What a document's notes say of its language: printed in translation, and from what.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Translation {
    /// The language translated from, where a note names it.
    pub(super) from: Option<Language>,
}

/// Reads a source note.
pub(super) fn read(note: &str) -> SourceNote {
    // Whitespace collapsed within each paragraph; paragraphs kept.
    let note = note
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let body = note.trim().trim_start_matches('[').trim();
    let body = ["Source:", "source:", "Source;", "source;", "Source :"]
        .iter()
        .find_map(|p| body.strip_prefix(p))
        .unwrap_or(body)
        .trim();
    let body = if note.trim_start().starts_with('[') { body.trim_end_matches(']') } else { body };
    let mut parts = CitationParts::default();
    let sentences = sentences(body.split("\n\n").next().unwrap_or(body));
    if let Some(first) = sentences.first() {
        location(first.trim_end_matches('.').trim(), &mut parts);
    }
    parts.classification = sentences.iter().skip(1).find_map(|s| classification(s));
    SourceNote { text: body.to_string(), parts }
}

/// The classification a sentence states ("Secret; Noforn." → "Secret"), if it is one.
pub(super) fn classification(sentence: &str) -> Option<String> {
    let sentence = sentence.trim().trim_end_matches(['.', ';', ',']).trim();
    CLASSIFICATIONS
        .iter()
        .any(|c| sentence.starts_with(c))
        .then(|| sentence.split([';', ',']).next().unwrap_or(sentence).trim().to_string())
}

/// Reads the first sentence of a source note: repository, collection and file.
fn location(first: &str, parts: &mut CitationParts) {
    // The Department of State's central decimal file, by its file number alone.
    if let Some(file) = first.strip_prefix("File No.").or_else(|| first.strip_prefix("File Nos.")) {
        parts.archive = Some(archives::canonical("Department of State"));
        parts.fonds = Some("Central Files".into());
        parts.signature = Some(file.trim().to_string());
        return;
    }
    if is_decimal_file(first) {
        let file = first.split(": ").next().unwrap_or(first);
        parts.archive = Some(archives::canonical("Department of State"));
        parts.fonds = Some("Central Files".into());
        parts.signature = Some(file.trim().to_string());
        return;
    }
    // "IO Files: US(P)/A/260": a Department of State collection named without its department.
    let mut items: Vec<String> = Vec::new();
    for item in first.split(", ").map(str::trim).filter(|i| !i.is_empty()) {
        // "Central Intelligence Agency: Job 79-S01060A", "Conference Files: Lot 64 D 560": the
        // colon separates what a comma would.
        match item.split_once(": ") {
            Some((before, after)) if items.len() < 2 => {
                items.push(before.trim().to_string());
                items.push(after.trim().to_string());
            }
            _ => items.push(item.to_string()),
        }
    }
    // "S/S–NSC files, lot 63 D 351": a Department of State collection named without its
    // department.
    if items.first().is_some_and(|first| {
        first.to_lowercase().ends_with(" files") && archives::repository(first).is_none()
    }) {
        items.insert(0, "Department of State".into());
    }
    // "Central Intelligence Agency Job 79-01025A": a known repository, the comma left out.
    if let Some(first) = items.first().cloned()
        && archives::repository(&first).is_none()
        && let Some((repository, rest)) = archives::split_known_prefix(&first)
    {
        items.splice(0..1, [repository.name.to_string(), rest.to_string()]);
    }
    match items.as_slice() {
        [] => {}
        [archive] => parts.archive = Some(archives::canonical(archive)),
        [archive, signature] => {
            parts.archive = Some(archives::canonical(archive));
            parts.signature = Some(signature.clone());
        }
        [archive, fonds, rest @ ..] => {
            parts.archive = Some(archives::canonical(archive));
            parts.fonds = Some(fonds.clone());
            parts.signature = Some(rest.join(", "));
        }
    }
}

/// A file number of the Department of State's decimal file, as the 1948 volumes give it alone
/// ("501.AA/3–1248: Telegram", "711.61/9–2755").
fn is_decimal_file(text: &str) -> bool {
    let file = text.split(": ").next().unwrap_or(text);
    let digits = file.chars().take_while(|c| c.is_ascii_digit()).count();
    digits == 3 && file[digits..].starts_with('.') && file.contains('/')
}

/// Splits at ". " after a word that is not an abbreviation.
pub(super) fn sentences(text: &str) -> Vec<&str> {
    const ABBREVIATIONS: &[&str] = &[
        "No", "Nos", "Vol", "p", "pp", "Dept", "Doc", "Box", "ff", "f", "op", "d", "Mr", "Mrs",
        "Dr", "Gen", "St",
    ];
    let mut out = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices(". ") {
        let word = text[start..at].rsplit([' ', '(']).next().unwrap_or_default();
        let initial = word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase());
        if ABBREVIATIONS.contains(&word) || initial {
            continue;
        }
        out.push(&text[start..=at]);
        start = at + 2;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Whether a note says the document is printed in translation, and from what language: "[Translation]",
/// "The source text is a translation", "Printed from the English translation", "translated from
/// the Russian", "Russian-language text not printed", "The original is in French".
pub(super) fn translation(note: &str) -> Option<Translation> {
    let lower = note.to_lowercase();
    let says = [
        "[translation]",
        "[enclosure—translation]",
        "printed from the english translation",
        "printed from the unofficial translation",
        "printed from an unofficial translation",
        "printed from an english translation",
        "printed from a translation",
        "translated from the",
        "translation from the",
        "translated by the",
        "unofficial translation from",
        "marked “official translation",
        "marked “unofficial translation",
        "marked \"official translation",
        "marked \"unofficial translation",
        "translation of which follows",
        "-language text not printed",
        "-language original not printed",
        "language text is not printed",
        "original is in ",
        "original text is in ",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase))
        || lower.trim() == "translation"
        || lower.trim() == "[translation.]"
        // "The source text is a translation…", "The source text indicates it is a translation",
        // "The source text is a Department of State translation".
        || sentences(&lower).iter().any(|s| s.contains("source text") && s.contains(" translation") && !s.contains("translation of the"));
    if !says {
        return None;
    }
    Some(Translation { from: language_named(note) })
}

/// The language a translation note names as the original's: "from the Russian", "Russian-language
/// text", "original is in French", "Russian text".
fn language_named(note: &str) -> Option<Language> {
    let mut best: Option<(usize, &str)> = None;
    for language in LANGUAGES {
        for pattern in [
            format!("from the {language}"),
            format!("from {language}"),
            format!("{language}-language"),
            format!("{language} language"),
            format!("in {language}"),
            format!("{language} text"),
            format!("{language} original"),
        ] {
            if let Some(at) = note.find(&pattern)
                && best.is_none_or(|(found, _)| at < found)
            {
                best = Some((at, language));
            }
        }
    }
    best.and_then(|(_, name)| Language::from_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(note: &str) -> [Option<String>; 4] {
        let read = read(note);
        let p = read.parts;
        [p.archive, p.fonds, p.signature, p.classification]
    }

    fn some(values: [&str; 4]) -> [Option<String>; 4] {
        values.map(|v| (!v.is_empty()).then(|| v.to_string()))
    }

    #[test]
    fn the_shapes_of_source_notes() {
        for (note, expected) in [
            (
                "Source: Department of State, Central Files, 663.001/6–855. Secret. Drafted by Allen on June 6.",
                ["Department of State", "Central Files", "663.001/6–855", "Secret"],
            ),
            (
                "Source: Central Intelligence Agency: Job 79-S01060A. Secret; Noforn.",
                ["Central Intelligence Agency", "", "Job 79-S01060A", "Secret"],
            ),
            (
                "Source: Department of State, Conference Files: Lot 64 D 560, CF 1169. Drafted by Tyler.",
                ["Department of State", "Conference Files", "Lot 64 D 560, CF 1169", ""],
            ),
            ("File No. 861.51/131", ["Department of State", "Central Files", "861.51/131", ""]),
            (
                "501.AA/3–1248: Telegram",
                ["Department of State", "Central Files", "501.AA/3–1248", ""],
            ),
            ("IO Files: US(P)/A/260", ["Department of State", "IO Files", "US(P)/A/260", ""]),
            (
                "Source: Eisenhower Library, Whitman File, NSC Records. Top Secret.",
                ["Dwight D. Eisenhower Library", "Whitman File", "NSC Records", "Top Secret"],
            ),
            (
                "[Source: Department of State, Central Files, 711.00/1–155]",
                ["Department of State", "Central Files", "711.00/1–155", ""],
            ),
            (
                "Source; Department of State, Central Files, 711.00/1–155. Secret.",
                ["Department of State", "Central Files", "711.00/1–155", "Secret"],
            ),
            (
                "Source: Central Intellience Agency, Job 79-01025A, Box 151.",
                ["Central Intelligence Agency", "Job 79-01025A", "Box 151", ""],
            ),
            (
                "Source: S/S–NSC files, lot 63 D 351, NSC 141 Series. Top Secret.",
                [
                    "Department of State",
                    "S/S–NSC files",
                    "lot 63 D 351, NSC 141 Series",
                    "Top Secret",
                ],
            ),
            (
                "Source: National Archives and Records Administration RG 59, Central Files, POL 1 US.",
                [
                    "National Archives and Records Administration",
                    "RG 59",
                    "Central Files, POL 1 US",
                    "",
                ],
            ),
        ] {
            assert_eq!(parts(note), some(expected), "{note}");
        }
    }

    #[test]
    fn translations_and_their_languages() {
        let khrushchev = "Source: Johnson Library, National Security File, Head of State Correspondence. No classification marking. The source text is a translation done in the Division of Language Services. Dobrynin handed the Russian-language text to Thompson.";
        assert_eq!(translation(khrushchev).unwrap().from.map(|l| l.code), Some("rus".into()));
        assert_eq!(translation("[Translation]"), Some(Translation { from: None }));
        assert_eq!(
            translation("Printed from an unofficial translation; the French text is not printed.")
                .and_then(|t| t.from)
                .map(|l| l.name),
            Some("French".into())
        );
        assert!(
            translation("Source: Department of State, Central Files, 761.00/5–555. Secret.")
                .is_none()
        );
        assert!(translation("He spoke in Russian throughout.").is_none());
        for note in [
            "Eisenhower Library, Whitman File. Secret. The source text indicates it is a translation.",
            "Lot 66 D 204. Confidential. The source text is a Department of State translation.",
            "Rostow Files. Secret; Nodis. The message is marked “Official Translation.”",
            "Kosygin. Confidential. Translated by the Department's Division of Language Services.",
        ] {
            assert!(translation(note).is_some(), "{note}");
        }
        assert_eq!(
            translation(
                "No classification marking. The letter was an unofficial translation from Russian."
            )
            .and_then(|t| t.from)
            .map(|l| l.code),
            Some("rus".into())
        );
    }
}
