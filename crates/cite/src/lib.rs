//! Citations of records, made from the record model, never typed by hand.
//!
//! - [`csl_json`]: the record as a CSL-JSON item (letters as `personal_communication` with genre
//!   "Letter", other documents as `manuscript` with their type as genre; author, recipient,
//!   translator, date with its uncertainty, holding archive, fonds, signature, the publishing
//!   archive or edition, permalink, access date);
//! - [`render`]: Chicago notes-bibliography (note and bibliography forms), MLA 9 and APA 7, by
//!   hayagriva's CSL processor and the styles it ships (CSL styles and locales: CC BY-SA 3.0);
//! - [`bibtex`] and [`ris`]: written here (no maintained crate writes RIS);
//! - [`cmif`]: correspondence metadata (who wrote to whom, when, from where) in the TEI
//!   Correspondence Metadata Interchange Format that correspSearch harvests.
//!
//! hayagriva panics on date ranges: a range is passed as its start date with `circa`, and the
//! processor runs under `catch_unwind` so that no record can bring a server down.

pub mod cmif;
mod edition;

use std::sync::OnceLock;

use chancery_model::date::{Edtf, EdtfDate, IntervalEnd, Qualifier};
use chancery_model::doc_type::DocType;
use chancery_model::record::{CitationParts, Edition, Record};
use hayagriva::archive::{ArchivedStyle, locales};
use hayagriva::citationberg::{IndependentStyle, Locale, Style as CslStyle, json::Item};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest,
};
use serde_json::{Value, json};

/// Why a citation could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The CSL processor failed on this record.
    #[error("the citation processor failed on `{id}`: {message}")]
    Processor {
        /// The record.
        id: String,
        /// What happened.
        message: String,
    },
}

/// The citation result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A day, for the access date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
}

/// A citation style rendered by the CSL processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Chicago Manual of Style, notes and bibliography.
    Chicago,
    /// MLA Handbook, 9th edition.
    Mla,
    /// APA, 7th edition.
    Apa,
}

/// A citation in two forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The note (Chicago) or in-text (MLA, APA) form.
    pub note: String,
    /// The bibliography or reference-list entry.
    pub bibliography: String,
}

fn date_parts(date: &EdtfDate) -> Vec<i64> {
    let mut parts = vec![i64::from(date.year)];
    if let Some(month) = date.month {
        parts.push(i64::from(month));
        if let Some(day) = date.day {
            parts.push(i64::from(day));
        }
    }
    parts
}

/// The record's date for CSL: its start, flagged `circa` when uncertain, approximate or a range
/// (CSL processors here cannot print ranges).
fn issued(edtf: Option<Edtf>) -> Option<Value> {
    let (date, circa) = match edtf? {
        Edtf::Date(date) => {
            (date, date.qualifier != Qualifier::None || date.unspecified_year_digits > 0)
        }
        Edtf::Interval { start: IntervalEnd::Date(date), .. } => (date, true),
        Edtf::Interval { end: IntervalEnd::Date(date), .. } => (date, true),
        Edtf::Interval { .. } => return None,
    };
    let mut value = json!({"date-parts": [date_parts(&date)]});
    if circa {
        value["circa"] = json!(true);
    }
    Some(value)
}

fn names(names: &[String]) -> Value {
    Value::Array(names.iter().map(|n| json!({"literal": n})).collect())
}

/// A document's title as a citation of its edition gives it: with its date, unless the title
/// ends with it already ("Editorial Note, [June 1961]").
pub fn titled_with_date(record: &Record) -> String {
    let printed = record.date.printed.trim();
    let title = record.title.trim_end_matches(['.', ',']);
    if record.date.edtf.is_none()
        || printed.is_empty()
        || title.ends_with(printed.trim_matches(['[', ']']))
    {
        title.to_string()
    } else {
        format!("{title}, {printed}")
    }
}

/// An editor's name as CSL wants it: family and given names ("Roberta L. DiGangi").
fn person(name: &str) -> Value {
    match name.trim().rsplit_once(' ') {
        Some((given, family)) => json!({"family": family, "given": given}),
        None => json!({"literal": name}),
    }
}

/// A document in an edited volume (a FRUS document): a chapter of the volume, its title with
/// its date, the volume's series, number, title, editors, place, publisher and year, and the
/// document's number.
fn edited_volume_item(record: &Record, edition: &Edition, accessed: Day) -> Value {
    let mut item = json!({
        "id": record.id.as_str(),
        "type": "chapter",
        "title": titled_with_date(record),
        "container-title": match &edition.subseries {
            Some(subseries) => format!("{}, {subseries}", edition.series),
            None => edition.series.clone(),
        },
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    });
    let object = item.as_object_mut().expect("a JSON object");
    if let Some(volume) = &edition.volume {
        object.insert("volume".into(), json!(volume));
    }
    if let Some(title) = &edition.volume_title {
        object.insert("volume-title".into(), json!(title));
    }
    if !edition.editors.is_empty() {
        object.insert(
            "editor".into(),
            Value::Array(edition.editors.iter().map(|e| person(e)).collect()),
        );
    }
    if let Some(publisher) = &edition.publisher {
        object.insert("publisher".into(), json!(publisher));
    }
    if let Some(place) = &edition.place {
        object.insert("publisher-place".into(), json!(place));
    }
    if let Some(year) =
        edition.year.as_deref().and_then(|y| y.get(..4)).and_then(|y| y.parse::<i64>().ok())
    {
        object.insert("issued".into(), json!({"date-parts": [[year]]}));
    }
    if let Some(number) = &record.number {
        // Not `number`: styles print that as an issue ("no. 249").
        object.insert("section".into(), json!(format!("Document {number}")));
    }
    if let Some(url) = record.citation.as_ref().and_then(|c| c.parts.source_url.as_ref()) {
        object.insert("URL".into(), json!(url));
    }
    if let Some(language) = record.original_languages.first() {
        object.insert("language".into(), json!(language.code));
    }
    item
}

/// The record as a CSL-JSON item.
pub fn csl_json(record: &Record, accessed: Day) -> Value {
    if let Some(edition) = &record.edition {
        return edited_volume_item(record, edition, accessed);
    }
    let letter = record.doc_type == Some(DocType::Letter);
    let mut item = json!({
        "id": record.id.as_str(),
        "type": if letter { "personal_communication" } else { "manuscript" },
        "title": record.title,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
    });
    let object = item.as_object_mut().expect("a JSON object");
    if let Some(doc_type) = record.doc_type {
        object.insert("genre".into(), json!(doc_type.label()));
    }
    if !record.authors.is_empty() {
        object.insert("author".into(), names(&record.authors));
    }
    if !record.recipients.is_empty() {
        object.insert("recipient".into(), names(&record.recipients));
    }
    if let Some(issued) = issued(record.date.edtf) {
        object.insert("issued".into(), issued);
    }
    if let Some(place) = &record.place {
        object.insert("event-place".into(), json!(place));
    }
    if let Some(language) = record.original_languages.first() {
        object.insert("language".into(), json!(language.code));
    }
    if let Some(number) = &record.number {
        object.insert("number".into(), json!(number));
    }
    if let Some(citation) = &record.citation {
        let parts = &citation.parts;
        for (key, value) in [
            ("archive", archive_name(parts)),
            ("archive_collection", parts.fonds.clone()),
            ("archive_location", parts.signature.clone()),
            ("container-title", parts.publisher.clone()),
            ("URL", parts.source_url.clone()),
        ] {
            if let Some(value) = value {
                object.insert(key.into(), json!(value));
            }
        }
        if let Some(translator) = &parts.translator {
            object.insert("translator".into(), json!([{"literal": translator}]));
        }
    }
    item
}

struct Styles {
    locales: Vec<Locale>,
    chicago: IndependentStyle,
    mla: IndependentStyle,
    apa: IndependentStyle,
}

/// Styles and locales load once (the locales take tens of milliseconds).
fn styles() -> &'static Styles {
    static STYLES: OnceLock<Styles> = OnceLock::new();
    STYLES.get_or_init(|| {
        let independent = |style: ArchivedStyle| match style.get() {
            CslStyle::Independent(style) => style,
            CslStyle::Dependent(_) => {
                unreachable!("the archived Chicago, MLA and APA styles are independent")
            }
        };
        Styles {
            // Only the English locales: the processor scans the locale list on every term
            // lookup, and every style here renders in English.
            locales: locales()
                .into_iter()
                .filter(|l| l.lang.as_ref().is_none_or(|lang| lang.0.starts_with("en")))
                .collect(),
            chicago: independent(ArchivedStyle::ChicagoNotes),
            mla: independent(ArchivedStyle::ModernLanguageAssociation),
            apa: independent(ArchivedStyle::AmericanPsychologicalAssociation),
        }
    })
}

/// Renders a record in a style.
pub fn render(record: &Record, style: Style, accessed: Day) -> Result<Rendered> {
    if let Some(edition) = &record.edition {
        return Ok(edition::render(record, edition, style));
    }
    let failed = |message: String| Error::Processor { id: record.id.to_string(), message };
    let item: Item =
        serde_json::from_value(csl_json(record, accessed)).map_err(|e| failed(e.to_string()))?;
    let styles = styles();
    let style = match style {
        Style::Chicago => &styles.chicago,
        Style::Mla => &styles.mla,
        Style::Apa => &styles.apa,
    };
    let run = || {
        let mut driver = BibliographyDriver::new();
        driver.citation(CitationRequest::from_items(
            vec![CitationItem::with_entry(&item)],
            style,
            &styles.locales,
        ));
        let rendered = driver.finish(BibliographyRequest::new(style, None, &styles.locales));
        let mut note = String::new();
        if let Some(citation) = rendered.citations.first() {
            citation
                .citation
                .write_buf(&mut note, BufWriteFormat::Plain)
                .map_err(|e| e.to_string())?;
        }
        let mut bibliography = String::new();
        if let Some(entry) = rendered.bibliography.as_ref().and_then(|b| b.items.first()) {
            entry
                .content
                .write_buf(&mut bibliography, BufWriteFormat::Plain)
                .map_err(|e| e.to_string())?;
        }
        Ok::<_, String>(Rendered { note, bibliography })
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(result) => result.map_err(failed),
        Err(_) => Err(failed("the processor panicked".into())),
    }
}

/// Every way Chancery cites a record, by the key the command line, the API and the Cite box use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Chicago, note form.
    Chicago,
    /// Chicago, bibliography form.
    ChicagoBibliography,
    /// MLA 9, works-cited entry.
    Mla,
    /// APA 7, reference-list entry.
    Apa,
    /// BibTeX.
    Bibtex,
    /// RIS.
    Ris,
    /// CSL-JSON: an array holding the one item.
    CslJson,
}

impl Format {
    /// Every format, in the order they are offered.
    pub const ALL: [Format; 7] = [
        Format::Chicago,
        Format::ChicagoBibliography,
        Format::Mla,
        Format::Apa,
        Format::Bibtex,
        Format::Ris,
        Format::CslJson,
    ];

    /// Stable key (`chicago-bibliography`, `csl-json`).
    pub fn key(self) -> &'static str {
        match self {
            Format::Chicago => "chicago",
            Format::ChicagoBibliography => "chicago-bibliography",
            Format::Mla => "mla",
            Format::Apa => "apa",
            Format::Bibtex => "bibtex",
            Format::Ris => "ris",
            Format::CslJson => "csl-json",
        }
    }

    /// The format by its key.
    pub fn from_key(key: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.key() == key)
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Format::Chicago => "Chicago (note)",
            Format::ChicagoBibliography => "Chicago (bibliography)",
            Format::Mla => "MLA 9",
            Format::Apa => "APA 7",
            Format::Bibtex => "BibTeX",
            Format::Ris => "RIS",
            Format::CslJson => "CSL-JSON",
        }
    }

    /// Whether reference managers read it (BibTeX, RIS, CSL-JSON), rather than people.
    pub fn is_machine_readable(self) -> bool {
        matches!(self, Format::Bibtex | Format::Ris | Format::CslJson)
    }

    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Bibtex => "application/x-bibtex; charset=utf-8",
            Format::Ris => "application/x-research-info-systems; charset=utf-8",
            Format::CslJson => "application/vnd.citationstyles.csl+json",
            _ => "text/plain; charset=utf-8",
        }
    }

    /// The file name extension for a download.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Bibtex => "bib",
            Format::Ris => "ris",
            Format::CslJson => "json",
            _ => "txt",
        }
    }
}

/// The record cited in one format.
pub fn cite(record: &Record, format: Format, accessed: Day) -> Result<String> {
    Ok(match format {
        Format::Chicago => render(record, Style::Chicago, accessed)?.note,
        Format::ChicagoBibliography => render(record, Style::Chicago, accessed)?.bibliography,
        Format::Mla => render(record, Style::Mla, accessed)?.bibliography,
        Format::Apa => render(record, Style::Apa, accessed)?.bibliography,
        Format::Bibtex => bibtex(record, accessed),
        Format::Ris => ris(record, accessed),
        Format::CslJson => {
            let items = Value::Array(vec![csl_json(record, accessed)]);
            serde_json::to_string_pretty(&items).map_err(|e| Error::Processor {
                id: record.id.to_string(),
                message: e.to_string(),
            })?
        }
    })
}

/// Escapes text for a BibTeX field.
fn bibtex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The holding archive as cited: "Arhiv Jugoslavije [National Archives of Yugoslavia]".
fn archive_name(parts: &CitationParts) -> Option<String> {
    match (&parts.archive, &parts.archive_english) {
        (Some(archive), Some(english)) => Some(format!("{archive} [{english}]")),
        (archive, _) => archive.clone(),
    }
}

/// Archive, fonds and signature as one line.
fn archive_line(record: &Record) -> Option<String> {
    let parts = &record.citation.as_ref()?.parts;
    let line: Vec<String> = [archive_name(parts), parts.fonds.clone(), parts.signature.clone()]
        .into_iter()
        .flatten()
        .collect();
    (!line.is_empty()).then(|| line.join(", "))
}

/// The record as a BibTeX `@misc` entry (biblatex-style `date`, plus `year`/`month` for BibTeX).
pub fn bibtex(record: &Record, accessed: Day) -> String {
    if let Some(edition) = &record.edition {
        return edition::bibtex(record, edition, accessed);
    }
    let mut fields: Vec<(&str, String)> = Vec::new();
    if !record.authors.is_empty() {
        let authors: Vec<String> =
            record.authors.iter().map(|a| format!("{{{}}}", bibtex_escape(a))).collect();
        fields.push(("author", authors.join(" and ")));
    }
    fields.push(("title", format!("{{{}}}", bibtex_escape(&record.title))));
    if let Some(date) = record.date.edtf.and_then(|e| e.bounds().0) {
        fields.push(("year", date.year.to_string()));
        if let Some(Edtf::Date(EdtfDate { month: Some(month), .. })) = record.date.edtf {
            fields.push(("month", month.to_string()));
        }
    }
    if let Some(edtf) = record.date.edtf {
        fields.push(("date", edtf.to_string()));
    }
    if let Some(doc_type) = record.doc_type {
        fields.push(("type", doc_type.label().to_string()));
    }
    if let Some(publisher) = record.citation.as_ref().and_then(|c| c.parts.publisher.as_ref()) {
        fields.push(("howpublished", bibtex_escape(publisher)));
    }
    let mut note = Vec::new();
    if let Some(line) = archive_line(record) {
        note.push(line);
    }
    if let Some(translator) = record.citation.as_ref().and_then(|c| c.parts.translator.as_ref()) {
        note.push(format!("Translated by {translator}"));
    }
    if !record.recipients.is_empty() {
        note.push(format!("To {}", record.recipients.join(" and ")));
    }
    if !note.is_empty() {
        fields.push(("note", bibtex_escape(&format!("{}.", note.join(". ")))));
    }
    if let Some(url) = record.citation.as_ref().and_then(|c| c.parts.source_url.as_ref()) {
        fields.push(("url", url.replace(['{', '}'], "")));
        fields.push((
            "urldate",
            format!("{:04}-{:02}-{:02}", accessed.year, accessed.month, accessed.day),
        ));
    }
    bibtex_entry("misc", &bibtex_key(record), &fields)
}

/// A BibTeX key from a record id: letters and digits, the rest `_`.
fn bibtex_key(record: &Record) -> String {
    record.id.as_str().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// A BibTeX entry of fields whose values are escaped already.
fn bibtex_entry(kind: &str, key: &str, fields: &[(&str, String)]) -> String {
    let body: Vec<String> =
        fields.iter().map(|(name, value)| format!("  {name} = {{{value}}}")).collect();
    format!("@{kind}{{{key},\n{}\n}}\n", body.join(",\n"))
}

/// The record as a RIS entry (`PCOMM` for letters, `MANSCPT` for other archival documents,
/// `CHAP` for a document printed in an edited volume).
pub fn ris(record: &Record, accessed: Day) -> String {
    if let Some(edition) = &record.edition {
        return edition::ris(record, edition, accessed);
    }
    let mut lines: Vec<(&str, String)> = Vec::new();
    let letter = record.doc_type == Some(DocType::Letter);
    lines.push(("TY", if letter { "PCOMM" } else { "MANSCPT" }.to_string()));
    for author in &record.authors {
        lines.push(("AU", author.clone()));
    }
    lines.push(("TI", record.title.clone()));
    if let Some(date) = record.date.edtf.and_then(|e| e.bounds().0) {
        lines.push(("PY", date.year.to_string()));
    }
    if let Some(date) = ris_date(record) {
        lines.push(("DA", date));
    }
    if let Some(doc_type) = record.doc_type {
        lines.push(("M3", doc_type.label().to_string()));
    }
    if let Some(citation) = &record.citation {
        if let Some(translator) = &citation.parts.translator {
            lines.push(("A4", translator.clone()));
        }
        if let Some(publisher) = &citation.parts.publisher {
            lines.push(("DP", publisher.clone()));
        }
        if let Some(url) = &citation.parts.source_url {
            lines.push(("UR", url.clone()));
        }
    }
    if let Some(line) = archive_line(record) {
        lines.push(("AV", line));
    }
    for recipient in &record.recipients {
        lines.push(("N1", format!("To {recipient}")));
    }
    if let Some(summary) = &record.summary {
        lines.push(("AB", summary.replace('\n', " ")));
    }
    if let Some(language) = record.original_languages.first() {
        lines.push(("LA", language.name.clone()));
    }
    lines.push(("Y2", format!("{:04}/{:02}/{:02}/", accessed.year, accessed.month, accessed.day)));
    ris_lines(&lines)
}

/// A record's date as RIS writes it (`1954/08/11/`, `1954/08//`), from its first day.
fn ris_date(record: &Record) -> Option<String> {
    let date = record.date.edtf.and_then(|e| e.bounds().0)?;
    let (month, day) = match record.date.edtf {
        Some(Edtf::Date(EdtfDate { month, day, .. })) => (month, day),
        _ => (None, None),
    };
    let month = month.map(|m| format!("{m:02}")).unwrap_or_default();
    let day = day.map(|d| format!("{d:02}")).unwrap_or_default();
    Some(format!("{:04}/{month}/{day}/", date.year))
}

/// RIS lines, each value on one line, and the end-of-record line.
fn ris_lines(lines: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (tag, value) in lines {
        out.push_str(&format!("{tag}  - {}\r\n", value.replace(['\r', '\n'], " ")));
    }
    out.push_str("ER  - \r\n");
    out
}

#[cfg(test)]
mod tests;
