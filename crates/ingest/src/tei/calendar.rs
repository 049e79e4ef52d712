//! Calendar entries: documents a volume prints as a catalogue entry only, as the FRUS microfiche
//! supplements do. The entry is the whole `<head>` — "495. Draft letter from Kennedy to
//! Khrushchev, November 5, enclosing a message. Secret. 5 pp. Kennedy Library, NSF, Countries
//! Series, USSR." — followed by `<frus:page-count-according-to-citation>`, one `<frus:file
//! path="0024/0066.tif"/>` per page image and a `<frus:pdf/>`. The body holds no text of the
//! document: the page count is no text, and never becomes one.

use super::{is, source};

/// The parts a calendar entry's head states.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Entry {
    /// What the document is, with its correspondents and date ("Draft letter from Kennedy to
    /// Khrushchev, November 5, enclosing a message").
    pub(super) description: String,
    /// The date phrase in the description ("November 5"), as printed.
    pub(super) date: Option<String>,
    /// The classification ("Secret").
    pub(super) classification: Option<String>,
    /// The number of pages the entry states ("5 pp.").
    pub(super) pages: Option<u32>,
    /// The archival source, as printed ("Kennedy Library, NSF, Countries Series, USSR").
    pub(super) source: Option<String>,
}

/// Whether a document div is a calendar entry: it holds a page count or page images, and no
/// paragraph of text.
pub(super) fn is_entry(div: roxmltree::Node<'_, '_>) -> bool {
    let mut children = div.children().filter(|n| n.is_element());
    let marks = |n: &roxmltree::Node<'_, '_>| {
        is(*n, "page-count-according-to-citation") || is(*n, "file") || is(*n, "pdf")
    };
    children.clone().any(|n| marks(&n)) && !children.any(|n| is(n, "p") || is(n, "dateline"))
}

/// The page count the entry's markup states, if any.
pub(super) fn page_count(div: roxmltree::Node<'_, '_>) -> Option<u32> {
    div.children()
        .find(|n| is(*n, "page-count-according-to-citation"))
        .and_then(|n| n.text())
        .and_then(|t| t.trim().parse().ok())
}

/// The page images the entry lists, in order (`frus:file/@path`).
pub(super) fn page_images(div: roxmltree::Node<'_, '_>) -> Vec<String> {
    div.children()
        .filter(|n| is(*n, "file"))
        .filter_map(|n| n.attribute("path"))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads an entry's head, without its number.
pub(super) fn read(entry: &str) -> Entry {
    let entry = entry.trim();
    // "… Secret. 5 pp. Kennedy Library, …": the page count divides what the document is from
    // where it is kept.
    let (before, pages, source) = match pages_at(entry) {
        Some((start, end, pages)) => {
            let source = entry[end..].trim().trim_end_matches('.').trim();
            (&entry[..start], Some(pages), (!source.is_empty()).then(|| source.to_string()))
        }
        None => (entry, None, None),
    };
    let mut sentences: Vec<&str> =
        source::sentences(before.trim()).into_iter().map(str::trim).collect();
    let mut classification = None;
    if let Some(last) = sentences.last()
        && let Some(found) = source::classification(last)
    {
        classification = Some(found);
        sentences.pop();
    }
    let description = sentences.join(" ").trim().trim_end_matches('.').to_string();
    let date = description
        .split(", ")
        .map(str::trim)
        .find(|segment| {
            crate::date_phrase::month_and_day(segment).is_some_and(|(_, day)| day.is_some())
                || crate::date_phrase::normalize(segment).ok().flatten().is_some()
                    && segment.chars().any(char::is_alphabetic)
        })
        .map(str::to_string);
    Entry { description, date, classification, pages, source }
}

/// Where "5 pp." or "1 p." stands in an entry: its start, its end and the count.
fn pages_at(entry: &str) -> Option<(usize, usize, u32)> {
    for (at, _) in entry.match_indices(" p") {
        let rest = &entry[at + 1..];
        let length = if rest.starts_with("pp.") {
            3
        } else if rest.starts_with("p.") {
            2
        } else {
            continue;
        };
        let digits_start = entry[..at].trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits_start == at {
            continue;
        }
        let count = entry[digits_start..at].parse().ok()?;
        return Some((digits_start, at + 1 + length, count));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_read_into_its_parts() {
        let entry = read(
            "Draft letter from Kennedy to Khrushchev, November 5, enclosing a message on the withdrawal of the IL-28 bombers. Secret. 5 pp. Kennedy Library, NSF, Countries Series, USSR.",
        );
        assert_eq!(
            entry,
            Entry {
                description: "Draft letter from Kennedy to Khrushchev, November 5, enclosing a message on the withdrawal of the IL-28 bombers".into(),
                date: Some("November 5".into()),
                classification: Some("Secret".into()),
                pages: Some(5),
                source: Some("Kennedy Library, NSF, Countries Series, USSR".into()),
            }
        );
        let short = read(
            "Memorandum for the record, October 30. Top Secret. 1 p. Department of State, S/S Files.",
        );
        assert_eq!(short.pages, Some(1));
        assert_eq!(short.classification.as_deref(), Some("Top Secret"));
        assert_eq!(short.date.as_deref(), Some("October 30"));
        let bare = read("Note on the talks");
        assert_eq!(
            (bare.pages, bare.source, bare.description.as_str()),
            (None, None, "Note on the talks")
        );
    }
}
