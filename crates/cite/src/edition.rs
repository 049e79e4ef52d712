//! A document printed in an edited volume (a FRUS document), cited as such: the document's
//! title with its date, "in" the volume (series, volume number and title), its editors, place,
//! publisher and year, and the document's number.
//!
//! Written here rather than by the CSL processor: for a chapter without an author, hayagriva's
//! Chicago style moves the editors into the author's place, drops "vol." and "ed.", and prints
//! the document's number as an issue ("no. 249"). The CSL-JSON item ([`crate::csl_json`]) is
//! still a standard `chapter`, for reference managers to format as they like.

use chancery_model::record::{Edition, Record};

use crate::{Day, Rendered, Style, titled_with_date};

/// The volume as a container: "Foreign Relations of the United States, 1955–1957".
pub(crate) fn container(edition: &Edition) -> String {
    match &edition.subseries {
        Some(subseries) => format!("{}, {subseries}", edition.series),
        None => edition.series.clone(),
    }
}

/// Names joined as English lists them: "A", "A and B", "A, B, and C".
fn joined(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// Editors as a note names them: up to three, else the first "et al.".
fn editors_short(names: &[String]) -> String {
    if names.len() > 3 { format!("{} et al.", names[0]) } else { joined(names) }
}

/// An editor as APA names them: initials, then family name ("R. L. DiGangi").
fn initials(name: &str) -> String {
    let mut words: Vec<&str> = name.split_whitespace().collect();
    let Some(family) = words.pop() else { return String::new() };
    let given: Vec<String> = words
        .iter()
        .map(|w| match w.chars().next() {
            Some(_) if w.ends_with('.') && w.chars().count() <= 2 => w.to_string(),
            Some(first) => format!("{first}."),
            None => String::new(),
        })
        .collect();
    if given.is_empty() { family.to_string() } else { format!("{} {family}", given.join(" ")) }
}

fn imprint(edition: &Edition) -> String {
    let publisher = match (&edition.place, &edition.publisher) {
        (Some(place), Some(publisher)) => Some(format!("{place}: {publisher}")),
        (None, Some(publisher)) => Some(publisher.clone()),
        (Some(place), None) => Some(place.clone()),
        (None, None) => None,
    };
    [publisher, edition.year.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ")
}

fn url(record: &Record) -> Option<&str> {
    record.citation.as_ref().and_then(|c| c.parts.source_url.as_deref())
}

/// The volume's number and title: "vol. XXVI, Central and Southeastern Europe".
fn volume_part(edition: &Edition, vol: &str) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(volume) = &edition.volume {
        parts.push(format!("{vol} {volume}"));
    }
    if let Some(title) = &edition.volume_title {
        parts.push(title.clone());
    }
    parts
}

fn document_number(record: &Record) -> Option<String> {
    record.number.as_ref().map(|n| format!("Document {n}"))
}

/// Chicago (17th ed.), a chapter in an edited book: note and bibliography.
fn chicago(record: &Record, edition: &Edition) -> Rendered {
    let title = titled_with_date(record);
    let mut note = format!("“{title},” in {}", container(edition));
    for part in volume_part(edition, "vol.") {
        note.push_str(&format!(", {part}"));
    }
    if !edition.editors.is_empty() {
        note.push_str(&format!(", ed. {}", editors_short(&edition.editors)));
    }
    let imprint = imprint(edition);
    if !imprint.is_empty() {
        note.push_str(&format!(" ({imprint})"));
    }
    if let Some(number) = document_number(record) {
        note.push_str(&format!(", {number}"));
    }
    if let Some(url) = url(record) {
        note.push_str(&format!(", {url}"));
    }
    note.push('.');

    let mut bibliography = format!("“{title}.” In {}", container(edition));
    let volume = volume_part(edition, "Vol.");
    if !volume.is_empty() {
        bibliography.push_str(&format!(". {}", volume.join(", ")));
    }
    if !edition.editors.is_empty() {
        bibliography.push_str(&format!(", edited by {}", joined(&edition.editors)));
    }
    if let Some(number) = document_number(record) {
        bibliography.push_str(&format!(", {number}"));
    }
    bibliography.push('.');
    if !imprint.is_empty() {
        bibliography.push_str(&format!(" {imprint}."));
    }
    if let Some(url) = url(record) {
        bibliography.push_str(&format!(" {url}."));
    }
    Rendered { note, bibliography }
}

/// MLA (9th ed.): the works-cited entry, and the in-text form (the title, shortened).
fn mla(record: &Record, edition: &Edition) -> Rendered {
    let title = titled_with_date(record);
    let mut entry = format!("“{title}.” {}", container(edition));
    for part in volume_part(edition, "vol.") {
        entry.push_str(&format!(", {part}"));
    }
    if !edition.editors.is_empty() {
        let editors = if edition.editors.len() > 2 {
            format!("{} et al.", edition.editors[0])
        } else {
            joined(&edition.editors)
        };
        entry.push_str(&format!(", edited by {editors}"));
    }
    if let Some(publisher) = &edition.publisher {
        entry.push_str(&format!(", {publisher}"));
    }
    if let Some(year) = &edition.year {
        entry.push_str(&format!(", {year}"));
    }
    if let Some(number) = document_number(record) {
        entry.push_str(&format!(", {number}"));
    }
    if let Some(url) = url(record) {
        let bare = url.trim_start_matches("https://").trim_start_matches("http://");
        entry.push_str(&format!(", {bare}"));
    }
    entry.push('.');
    Rendered { note: format!("(“{}”)", short_title(&record.title)), bibliography: entry }
}

/// APA (7th ed.), a chapter in an edited book without an author: the title in the author's
/// place; in text, the title and the year.
fn apa(record: &Record, edition: &Edition) -> Rendered {
    let title = titled_with_date(record);
    let year = edition.year.clone().unwrap_or_else(|| "n.d.".into());
    let mut entry = format!("{title}. ({year}). In ");
    if !edition.editors.is_empty() {
        let names: Vec<String> = edition.editors.iter().map(|e| initials(e)).collect();
        let names = match names.as_slice() {
            [one] => one.clone(),
            [a, b] => format!("{a} & {b}"),
            [rest @ .., last] => format!("{}, & {last}", rest.join(", ")),
            [] => String::new(),
        };
        let eds = if edition.editors.len() == 1 { "Ed." } else { "Eds." };
        entry.push_str(&format!("{names} ({eds}), "));
    }
    entry.push_str(&container(edition));
    let volume: Vec<String> = volume_part(edition, "Vol.");
    if !volume.is_empty() {
        entry.push_str(&format!(": {}", volume.join(". ")));
    }
    if let Some(number) = document_number(record) {
        entry.push_str(&format!(" ({number})"));
    }
    entry.push('.');
    if let Some(publisher) = &edition.publisher {
        entry.push_str(&format!(" {publisher}."));
    }
    if let Some(url) = url(record) {
        entry.push_str(&format!(" {url}"));
    }
    Rendered {
        note: format!("(“{},” {year})", short_title(&record.title)), bibliography: entry
    }
}

/// A title shortened for an in-text citation: its first four words.
fn short_title(title: &str) -> String {
    let words: Vec<&str> = title.split_whitespace().collect();
    if words.len() <= 4 {
        title.trim_end_matches(['.', ',']).to_string()
    } else {
        words[..4].join(" ").trim_end_matches([',', '.']).to_string()
    }
}

/// A document of an edited volume in a rendered style.
pub(crate) fn render(record: &Record, edition: &Edition, style: Style) -> Rendered {
    match style {
        Style::Chicago => chicago(record, edition),
        Style::Mla => mla(record, edition),
        Style::Apa => apa(record, edition),
    }
}

/// The record as a BibTeX `@incollection` entry.
pub(crate) fn bibtex(record: &Record, edition: &Edition, accessed: Day) -> String {
    use crate::bibtex_escape as escape;
    let mut fields: Vec<(&str, String)> = Vec::new();
    fields.push(("title", format!("{{{}}}", escape(&titled_with_date(record)))));
    let mut booktitle = container(edition);
    if let Some(title) = &edition.volume_title {
        booktitle.push_str(&format!(": {title}"));
    }
    fields.push(("booktitle", format!("{{{}}}", escape(&booktitle))));
    if let Some(volume) = &edition.volume {
        fields.push(("volume", escape(volume)));
    }
    if !edition.editors.is_empty() {
        let editors: Vec<String> = edition.editors.iter().map(|e| escape(e)).collect();
        fields.push(("editor", editors.join(" and ")));
    }
    if let Some(publisher) = &edition.publisher {
        fields.push(("publisher", escape(publisher)));
    }
    if let Some(place) = &edition.place {
        fields.push(("address", escape(place)));
    }
    if let Some(year) = &edition.year {
        fields.push(("year", escape(year)));
    }
    if let Some(number) = document_number(record) {
        fields.push(("chapter", escape(&number)));
    }
    if let Some(line) = crate::archive_line(record) {
        fields.push(("note", escape(&format!("Source: {line}."))));
    }
    if let Some(url) = url(record) {
        fields.push(("url", url.replace(['{', '}'], "")));
        fields.push((
            "urldate",
            format!("{:04}-{:02}-{:02}", accessed.year, accessed.month, accessed.day),
        ));
    }
    crate::bibtex_entry("incollection", &crate::bibtex_key(record), &fields)
}

/// The record as a RIS `CHAP` entry: the volume as secondary title, its editors as secondary
/// authors, the document's number as its section, the document's own date as `DA`.
pub(crate) fn ris(record: &Record, edition: &Edition, accessed: Day) -> String {
    let mut lines: Vec<(&str, String)> = vec![("TY", "CHAP".into())];
    lines.push(("TI", titled_with_date(record)));
    let mut secondary = container(edition);
    for part in volume_part(edition, "Volume") {
        secondary.push_str(&format!(", {part}"));
    }
    lines.push(("T2", secondary));
    if let Some(volume) = &edition.volume {
        lines.push(("VL", volume.clone()));
    }
    for editor in &edition.editors {
        lines.push(("A2", editor.clone()));
    }
    if let Some(publisher) = &edition.publisher {
        lines.push(("PB", publisher.clone()));
    }
    if let Some(place) = &edition.place {
        lines.push(("CY", place.clone()));
    }
    if let Some(year) = &edition.year {
        lines.push(("PY", year.clone()));
    }
    if let Some(date) = crate::ris_date(record) {
        lines.push(("DA", date));
    }
    if let Some(number) = document_number(record) {
        lines.push(("SE", number));
    }
    if let Some(doc_type) = record.doc_type {
        lines.push(("M3", doc_type.label().to_string()));
    }
    if let Some(line) = crate::archive_line(record) {
        lines.push(("AV", line));
    }
    if let Some(url) = url(record) {
        lines.push(("UR", url.to_string()));
    }
    if let Some(language) = record.original_languages.first() {
        lines.push(("LA", language.name.clone()));
    }
    lines.push(("Y2", format!("{:04}/{:02}/{:02}/", accessed.year, accessed.month, accessed.day)));
    crate::ris_lines(&lines)
}
