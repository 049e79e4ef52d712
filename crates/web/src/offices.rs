//! Offices and countries as the site and the API show them: an appointment in a line, with its
//! holder and post linked to their pages, and the searches that find a country's documents.

use chancery_model::office::{Country, PostKind};
use chancery_store::HeldPosition;

use crate::collections::iso_day_text;
use crate::html::chrome::{country_path, person_path};

/// An appointment as a person's page and a country's page list it.
pub(crate) struct PositionLine {
    pub(crate) title: String,
    pub(crate) post: String,
    pub(crate) post_href: Option<String>,
    pub(crate) holder: String,
    pub(crate) holder_href: Option<String>,
    pub(crate) dates: String,
}

impl PositionLine {
    pub(crate) fn of(held: &HeldPosition) -> PositionLine {
        let p = &held.position;
        let day = |d: &Option<String>| d.as_deref().map(iso_day_text);
        let mut dates = Vec::new();
        if let Some(appointed) = day(&p.appointed) {
            dates.push(format!("appointed {appointed}"));
        }
        if let Some(started) = day(&p.started) {
            dates.push(match p.kind {
                PostKind::Country => format!("presented credentials {started}"),
                _ => format!("entered on duty {started}"),
            });
        }
        if let Some(ended) = day(&p.ended) {
            let how = p.ended_note.as_deref().unwrap_or("Left post on").trim_end_matches(" on");
            dates.push(format!("{} {ended}", sentence_inside(how)));
        }
        let title = held.title.clone().unwrap_or_else(|| p.title.replace('-', " "));
        PositionLine {
            // A principal office's title is its name: said once.
            title: if title == held.post { String::new() } else { title },
            post: held.post.clone(),
            post_href: (p.kind == PostKind::Country).then(|| country_path(&p.post)),
            holder: held.holder.as_ref().map_or_else(
                || p.holder.clone(),
                |h| chancery_model::person::reading_order(&h.name),
            ),
            holder_href: held.person.as_ref().map(person_path),
            dates: dates.join("; "),
        }
    }
}

/// A note that opens a sentence ("Left post on") as part of one ("left post on"): the first
/// letter lowered unless the word is a name or an abbreviation ("In anticipation of German
/// occupation" becomes "in anticipation of German occupation").
fn sentence_inside(note: &str) -> String {
    let first_word = note.split_whitespace().next().unwrap_or_default();
    let mut chars = note.chars();
    match chars.next() {
        Some(c) if first_word.chars().skip(1).all(char::is_lowercase) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => note.to_string(),
    }
}

/// The queries a country's documents are found by: from and to the U.S. mission there (an
/// author or recipient "in Yugoslavia", as FRUS names embassies, legations and ambassadors),
/// and naming the country by any of its names.
pub(crate) fn country_queries(country: &Country) -> [(String, String); 3] {
    let names: Vec<String> =
        country.names().map(|n| n.replace('"', " ")).filter(|n| !n.trim().is_empty()).collect();
    let places: Vec<&String> = names.iter().take(2).collect();
    let field = |field: &str| {
        places
            .iter()
            .flat_map(|n| [format!("{field}:\"in {n}\""), format!("{field}:\"in the {n}\"")])
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    [
        (format!("From the U.S. mission in {}", country.name), field("author")),
        (format!("To the U.S. mission in {}", country.name), field("recipient")),
        (
            format!("Documents naming {}", country.name),
            names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" OR "),
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_note_reads_inside_a_sentence() {
        assert_eq!(super::sentence_inside("Left post on"), "left post on");
        assert_eq!(
            super::sentence_inside("In anticipation of German occupation, the King left"),
            "in anticipation of German occupation, the King left"
        );
        assert_eq!(super::sentence_inside("USUN note"), "USUN note");
    }
}
