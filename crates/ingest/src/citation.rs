//! Structured parts read out of a printed archival citation.
//!
//! The model is the Wilson Center Digital Archive's citation line:
//!
//! ```text
//! "Title", August 11, 1954, Wilson Center Digital Archive, Arhiv Jugoslavije [National Archives
//! of Yugoslavia], Arhiv CK SKJ, 507 / IX, 119/I-50. Obtained and translated for CWIHP by Svetozar
//! Rajak. <https://digitalarchive.wilsoncenter.org/document/112970>
//! ```
//!
//! Read as: an optional quoted title; an optional date; an optional publisher (an item ending in
//! "Digital Archive"); then the archival reference up to the first sentence that starts with
//! "Obtained", "Translated", "Contributed", "Donated" or "Edited": its first comma-separated item
//! is the holding archive (an English name in brackets is kept apart), the second the fonds, and
//! the rest the signature. A translator follows "translated … by" or "translation by"; the URL is
//! the first `http(s)://` link. Parts that are not there stay `None`: a wrong part is worse than
//! none.

use chancery_model::record::CitationParts;

use chancery_model::archives;

use crate::date_phrase;

const SENTENCE_STARTS: &[&str] =
    &["Obtained", "Translated", "Translation", "Contributed", "Donated", "Edited", "Original"];

/// Reads the parts of a citation.
pub fn parse(text: &str) -> CitationParts {
    let text = text.trim();
    let mut parts = CitationParts::default();
    let (text, url) = take_url(text);
    parts.source_url = url;
    parts.translator = translator(&text);

    let mut rest = text.as_str();
    // A quoted title opens WDA citations; skip it.
    for (open, close) in [("\"", "\""), ("\u{201c}", "\u{201d}")] {
        if let Some(inner) = rest.strip_prefix(open)
            && let Some(end) = inner.find(close)
        {
            rest = inner[end + close.len()..].trim_start_matches([',', ' ']);
            break;
        }
    }
    let archival_end = SENTENCE_STARTS
        .iter()
        .filter_map(|start| rest.find(&format!(". {start}")).map(|at| at + 1))
        .chain(SENTENCE_STARTS.iter().filter(|s| rest.starts_with(*s)).map(|_| 0))
        .min()
        .unwrap_or(rest.len());
    let archival = rest[..archival_end].trim().trim_end_matches('.').trim();
    let mut items = split_items(archival);

    // A date: one item ("1954", "Undated") or two ("August 11", "1954").
    if items.len() >= 2 && is_date(&format!("{}, {}", items[0], items[1])) {
        items.drain(..2);
    } else if !items.is_empty() && is_date(&items[0]) {
        items.remove(0);
    }
    if let Some(first) = items.first()
        && first.ends_with("Digital Archive")
    {
        parts.publisher = Some(items.remove(0));
    }
    // An editorial mark ("[Extract.]") is no archive.
    items.retain(|item| !archives::is_editorial_mark(item));
    let mut items = items.into_iter();
    if let Some(archive) = items.next() {
        match archive.find(" [") {
            Some(at) if archive.ends_with(']') => {
                parts.archive = Some(archives::canonical(&archive[..at]));
                parts.archive_english = Some(archive[at + 2..archive.len() - 1].trim().to_string());
            }
            _ => parts.archive = Some(archives::canonical(&archive)),
        }
    }
    let remaining: Vec<String> = items.collect();
    match remaining.as_slice() {
        [] => {}
        [only] if only.bytes().any(|b| b.is_ascii_digit()) => parts.signature = Some(only.clone()),
        [only] => parts.fonds = Some(only.clone()),
        [fonds, signature @ ..] => {
            parts.fonds = Some(fonds.clone());
            parts.signature = Some(signature.join(", "));
        }
    }
    // A page or leaf range alone ("pp. 12-15", "ll. 88-93") locates a passage; it is no
    // signature.
    if parts.signature.as_deref().is_some_and(is_page_range) {
        parts.signature = None;
    }
    parts
}

/// Whether an item is only a page or leaf range: "p. 5", "pp. 12-15", "ll. 88-93", "l. 3ob.".
fn is_page_range(item: &str) -> bool {
    let item = item.trim();
    ["pp.", "p.", "ll.", "l.", "pages", "page", "leaves", "listy", "list"].iter().any(|prefix| {
        item.strip_prefix(prefix).is_some_and(|rest| {
            let rest = rest.trim();
            !rest.is_empty()
                && rest.chars().all(|c| {
                    c.is_ascii_digit() || matches!(c, '-' | '–' | ',' | ' ' | 'o' | 'b' | '.')
                })
                && rest.chars().any(|c| c.is_ascii_digit())
        })
    })
}

fn is_date(text: &str) -> bool {
    date_phrase::normalize(text).is_ok()
}

/// Removes the first URL (in `<…>` or bare) and returns it.
fn take_url(text: &str) -> (String, Option<String>) {
    let Some(start) = text.find("https://").or_else(|| text.find("http://")) else {
        return (text.to_string(), None);
    };
    let tail = &text[start..];
    let len = tail.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(tail.len());
    let url = tail[..len].trim_end_matches(['.', ',', ')', ';']).to_string();
    let before = text[..start].trim_end_matches('<').trim_end();
    let after = tail[len..].trim_start_matches('>').trim_start();
    let joined = if after.is_empty() { before.to_string() } else { format!("{before} {after}") };
    (joined, Some(url))
}

/// The name after "translated … by" or "translation by", up to the end of its sentence. A period
/// after a single letter is an initial, not the end.
fn translator(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("translated").or_else(|| lower.find("translation"))?;
    let by = lower[start..].find(" by ")? + start + " by ".len();
    let sentence_end = lower[start..by].find(". ").map(|at| at + start);
    if sentence_end.is_some() {
        return None;
    }
    let tail = &text[by..];
    let mut end = tail.len();
    for (at, _) in tail.match_indices('.') {
        let word_start = tail[..at].rfind(' ').map_or(0, |s| s + 1);
        if at - word_start > 1 {
            end = at;
            break;
        }
    }
    let name = tail[..end].trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Splits on ", " outside brackets.
fn split_items(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = text.as_bytes();
    for (idx, &byte) in bytes.iter().enumerate() {
        match byte {
            b'[' | b'(' => depth += 1,
            b']' | b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                items.push(text[start..idx].trim().to_string());
                start = idx + 1;
            }
            _ => {}
        }
    }
    items.push(text[start..].trim().to_string());
    items.retain(|item| !item.is_empty());
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_citation() {
        let parts = parse(
            "\"Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita \
             Khrushchev and Central Committee of the Communist Party of the Soviet Union\", August \
             11, 1954, Wilson Center Digital Archive, Arhiv Jugoslavije [National Archives of \
             Yugoslavia], Arhiv CK SKJ, 507 / IX, 119/I-50. Obtained and translated for CWIHP by \
             Svetozar Rajak. <https://digitalarchive.wilsoncenter.org/document/112970>",
        );
        assert_eq!(parts.publisher.as_deref(), Some("Wilson Center Digital Archive"));
        assert_eq!(parts.archive.as_deref(), Some("Arhiv Jugoslavije"));
        assert_eq!(parts.archive_english.as_deref(), Some("National Archives of Yugoslavia"));
        assert_eq!(parts.fonds.as_deref(), Some("Arhiv CK SKJ"));
        assert_eq!(parts.signature.as_deref(), Some("507 / IX, 119/I-50"));
        assert_eq!(parts.translator.as_deref(), Some("Svetozar Rajak"));
        assert_eq!(
            parts.source_url.as_deref(),
            Some("https://digitalarchive.wilsoncenter.org/document/112970")
        );
    }

    #[test]
    fn russian_archive_with_abbreviations_and_initials() {
        let parts = parse(
            "\"Record of Conversation\", May 26, 1955, Wilson Center Digital Archive, RGANI, f. 5, \
             op. 30, d. 116, ll. 1-5. Translated by Mark H. Doctoroff. \
             https://digitalarchive.wilsoncenter.org/document/123",
        );
        // Filed under the repository's one name; the citation keeps the printed "RGANI".
        assert_eq!(parts.archive.as_deref(), Some("Russian State Archive of Contemporary History"));
        assert_eq!(parts.fonds.as_deref(), Some("f. 5"));
        assert_eq!(parts.signature.as_deref(), Some("op. 30, d. 116, ll. 1-5"));
        assert_eq!(parts.translator.as_deref(), Some("Mark H. Doctoroff"));
        assert_eq!(
            parts.source_url.as_deref(),
            Some("https://digitalarchive.wilsoncenter.org/document/123")
        );
    }

    #[test]
    fn a_page_range_is_no_signature_and_marks_are_no_archives() {
        let parts = parse(
            "\"Memorandum\", 1955, Wilson Center Digital Archive, Russian State Archive of Contemporary History (RGANI), pp. 12-15.",
        );
        assert_eq!(parts.archive.as_deref(), Some("Russian State Archive of Contemporary History"));
        assert_eq!(parts.signature, None);
        let marked = parse("[Extract.], Arhiv Jugoslavije, KPR I-1/1955");
        assert_eq!(marked.archive.as_deref(), Some("Arhiv Jugoslavije"));
        assert_eq!(marked.signature.as_deref(), Some("KPR I-1/1955"));
    }

    #[test]
    fn a_bare_reference() {
        let parts = parse("Arhiv Jugoslavije, KPR I-1/1955");
        assert_eq!(parts.archive.as_deref(), Some("Arhiv Jugoslavije"));
        assert_eq!(parts.signature.as_deref(), Some("KPR I-1/1955"));
        assert_eq!(parts.fonds, None);
        assert_eq!(parts.translator, None);
        assert!(parse("").is_empty());
    }
}
