//! The index schema, and how a stored record becomes an index document.
//!
//! Text is indexed several times with different analyzers (see `analysis`), so that a query can
//! weigh an exact form above a folded, stemmed or skeleton one. Only what a hit shows is stored (id,
//! revision, title, dates): texts are not, so the document store stays small enough to cache and
//! hits cost little to read; snippets take their text from the store, the source of truth.

use chancery_model::archives;
use chancery_model::date::{CalendarDay, Edtf};
use chancery_model::record::Record;
use chancery_store::StoredRecord;
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, SchemaBuilder,
    TextFieldIndexing, TextOptions,
};

use crate::analysis::{Analyzer, StemLanguage, exact, fold};
use crate::document::IndexDocument;
use crate::words;

/// Every field of the index.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) revision: Field,
    pub(crate) title_exact: Field,
    pub(crate) title_fold: Field,
    pub(crate) title_stem: Field,
    pub(crate) title_skeleton: Field,
    /// Folded text with positions: for phrases, proximity and highlighting.
    pub(crate) body_fold: Field,
    /// Plain words (see [`Analyzer::PlainFold`]), for word queries.
    pub(crate) body_plain: Field,
    /// Marked words, folded.
    pub(crate) body_marked: Field,
    /// Skeleton variants that differ from the folded form.
    pub(crate) body_skeleton: Field,
    pub(crate) author: Field,
    pub(crate) recipient: Field,
    pub(crate) archive: Field,
    pub(crate) collection: Field,
    pub(crate) citation: Field,
    /// Every analysed form of the words of the title and the texts (see `words`): what plain
    /// query words are looked up in.
    pub(crate) words: Field,
    pub(crate) known: Field,
    pub(crate) language: Field,
    pub(crate) doc_type: Field,
    /// The day a dated record's date begins: the key of date order (undated records have none,
    /// and sort last either way).
    pub(crate) date_min: Field,
    /// The first and last day of a record's date, for date filters: every record has both (an
    /// undated one [`UNDATED_FROM`] and [`UNDATED_TO`], which no filter keeps), so that a filter
    /// reads a dense column rather than ranking each record in a sparse one.
    pub(crate) date_from: Field,
    pub(crate) date_to: Field,
    pub(crate) date_printed: Field,
    pub(crate) date_edtf: Field,
    /// The volume that prints the record (its collection id's first part), `~` for none: the
    /// first key of edition order.
    pub(crate) edition_volume: Field,
    /// Where in its volume, the second key of edition order.
    pub(crate) edition_position: Field,
    pub(crate) facets: Vec<(FacetName, Field)>,
}

/// The facets we count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetName {
    /// Decades (`1950`, shown as 1950s).
    Decade,
    /// Years.
    Year,
    /// Original languages (ISO 639-3).
    Language,
    /// Document types.
    Type,
    /// Holding archives.
    Archive,
    /// Collections.
    Collection,
    /// Authors.
    Author,
    /// Recipients.
    Recipient,
}

impl FacetName {
    /// Every facet, in display order.
    pub const ALL: [FacetName; 8] = [
        FacetName::Decade,
        FacetName::Year,
        FacetName::Language,
        FacetName::Type,
        FacetName::Archive,
        FacetName::Collection,
        FacetName::Author,
        FacetName::Recipient,
    ];

    /// Stable key.
    pub fn key(self) -> &'static str {
        match self {
            FacetName::Decade => "decade",
            FacetName::Year => "year",
            FacetName::Language => "language",
            FacetName::Type => "type",
            FacetName::Archive => "archive",
            FacetName::Collection => "collection",
            FacetName::Author => "author",
            FacetName::Recipient => "recipient",
        }
    }
}

fn text(analyzer: Analyzer, positions: bool, stored: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(&analyzer.tokenizer_name())
            .set_index_option(record),
    );
    if stored { options.set_stored() } else { options }
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = SchemaBuilder::new();
    let b = &mut builder;
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        revision: b.add_i64_field("revision", STORED),
        title_exact: b.add_text_field("title_exact", text(Analyzer::Exact, true, true)),
        title_fold: b.add_text_field("title_fold", text(Analyzer::Fold, true, false)),
        title_stem: b
            .add_text_field("title_stem", text(Analyzer::Stem(StemLanguage::English), true, false)),
        title_skeleton: b.add_text_field("title_skeleton", text(Analyzer::Skeleton, false, false)),
        body_fold: b.add_text_field("body_fold", text(Analyzer::Fold, true, false)),
        body_plain: b.add_text_field("body_plain", text(Analyzer::PlainFold, false, false)),
        body_marked: b.add_text_field("body_marked", text(Analyzer::MarkedFold, false, false)),
        body_skeleton: b
            .add_text_field("body_skeleton", text(Analyzer::SkeletonNotFold, false, false)),
        author: b.add_text_field("author", text(Analyzer::Name, true, false)),
        recipient: b.add_text_field("recipient", text(Analyzer::Name, true, false)),
        archive: b.add_text_field("archive", text(Analyzer::Name, true, false)),
        collection: b.add_text_field("collection", text(Analyzer::Name, true, false)),
        citation: b.add_text_field("citation", text(Analyzer::Fold, true, false)),
        words: b.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(crate::words::TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
        known: b.add_text_field("known", STRING),
        language: b.add_text_field("language", STRING),
        doc_type: b.add_text_field("doc_type", STRING),
        date_min: b.add_i64_field("date_min", FAST),
        date_from: b.add_i64_field("date_from", FAST),
        date_to: b.add_i64_field("date_to", FAST),
        date_printed: b.add_text_field("date_printed", STORED),
        date_edtf: b.add_text_field("date_edtf", STORED),
        edition_volume: b.add_text_field("edition_volume", STRING | FAST),
        edition_position: b.add_i64_field("edition_position", FAST),
        facets: FacetName::ALL
            .iter()
            .map(|&name| {
                (name, b.add_facet_field(&format!("facet_{}", name.key()), FacetOptions::default()))
            })
            .collect(),
    };
    (builder.build(), fields)
}

/// A day as a sortable number, `YYYYMMDD`.
pub(crate) fn day_number(day: CalendarDay) -> i64 {
    i64::from(day.year) * 10_000 + i64::from(day.month) * 100 + i64::from(day.day)
}

/// The lowest and highest day numbers, for open-ended dates.
pub(crate) const DAY_MIN: i64 = 0;
pub(crate) const DAY_MAX: i64 = 99_991_231;

/// An undated record's first and last day: it begins after every range ends, so no date filter
/// keeps it; and it ends no earlier than any dated record, so that the earliest end in the
/// index is a dated record's (a filter drops its second condition when every record meets it).
const UNDATED_FROM: i64 = i64::MAX;
const UNDATED_TO: i64 = i64::MAX;

/// The edition-order volume key of a record no volume prints: after every volume id.
const NO_VOLUME: &str = "~";

/// The collection facet's values for a record, by identity: the id of the volume part that holds
/// it and of every part above it (`frus1955-57v26`, `frus1955-57v26/comp5`,
/// `frus1955-57v26/comp5/ch5`); for a record no volume holds, the collections it names itself
/// to be part of, by name.
pub(crate) fn collection_values(record: &Record) -> Vec<String> {
    match &record.collection_id {
        Some(id) => {
            let parts: Vec<&str> = id.split('/').collect();
            (1..=parts.len()).map(|n| parts[..n].join("/")).collect()
        }
        None => record.collections.clone(),
    }
}

/// A facet value as the index keeps it: an archive by the name it is filed under.
pub(crate) fn facet_value(name: FacetName, value: &str) -> String {
    match name {
        FacetName::Archive => archives::canonical(value),
        _ => value.to_string(),
    }
}

/// A key for exact lookups of signatures and the like: letters and digits only, folded.
pub(crate) fn known_key(text: &str) -> String {
    let alnum: String = text.chars().filter(|c| c.is_alphanumeric()).collect();
    fold(&exact(&alnum))
}

/// A URL without scheme, `www.`, trailing slash, query or fragment, lowercased host.
pub(crate) fn url_key(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest).trim_end_matches('/');
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    Some(format!("url:{host}/{path}"))
}

impl Fields {
    pub(crate) fn facet(&self, name: FacetName) -> Field {
        self.facets.iter().find(|(n, _)| *n == name).expect("every facet has a field").1
    }

    /// The index document for a stored record.
    pub(crate) fn document(&self, stored: &StoredRecord) -> IndexDocument {
        let record: &Record = &stored.record;
        let mut doc = IndexDocument::default();
        doc.add_text(self.id, record.id.as_str());
        doc.add_i64(self.revision, stored.revision);
        doc.add_text_to(
            &[self.title_exact, self.title_fold, self.title_stem, self.title_skeleton],
            &record.title,
        );
        self.add_words(&mut doc, &record.title, StemLanguage::English);
        let mut bodies: Vec<(&str, Option<StemLanguage>)> = record
            .texts
            .iter()
            .map(|t| {
                (t.body.as_str(), t.language.as_ref().and_then(|l| StemLanguage::for_code(&l.code)))
            })
            .collect();
        if let Some(summary) = &record.summary {
            bodies.push((summary, Some(StemLanguage::English)));
        }
        for section in &record.extra_sections {
            bodies.push((&section.body, None));
        }
        for (body, language) in bodies {
            doc.add_text_to(
                &[self.body_fold, self.body_plain, self.body_marked, self.body_skeleton],
                body,
            );
            self.add_words(&mut doc, body, language.unwrap_or(StemLanguage::English));
        }
        for author in &record.authors {
            doc.add_text(self.author, author);
            doc.add_facet(self.facet(FacetName::Author), Facet::from_path([author.as_str()]));
        }
        for recipient in &record.recipients {
            doc.add_text(self.recipient, recipient);
            doc.add_facet(self.facet(FacetName::Recipient), Facet::from_path([recipient.as_str()]));
        }
        // Participants in a conversation are found by either name filter; facets keep authors
        // and recipients for correspondence.
        for participant in &record.participants {
            doc.add_text(self.author, participant);
            doc.add_text(self.recipient, participant);
        }
        if let Some(note) = &record.source_note {
            // The source note as printed: the repository's own spelling, the drafter, the file.
            doc.add_text(self.citation, note);
        }
        for collection in &record.collections {
            doc.add_text(self.collection, collection);
        }
        for value in collection_values(record) {
            doc.add_facet(self.facet(FacetName::Collection), Facet::from_path([value]));
        }
        let position = record.edition.as_ref().and_then(|e| e.position);
        match (record.collection_id.as_deref(), position) {
            (Some(collection), Some(position)) => {
                let volume = collection.split('/').next().unwrap_or(collection);
                doc.add_text(self.edition_volume, volume);
                doc.add_i64(self.edition_position, i64::from(position));
            }
            _ => {
                doc.add_text(self.edition_volume, NO_VOLUME);
                doc.add_i64(self.edition_position, i64::MAX);
            }
        }
        doc.add_text(self.known, format!("id:{}", record.id.key()));
        // Its citation in the edition ("FRUS, 1955–1957, vol. XXVI, Document 249").
        if let Some(key) = crate::known::edition_key(record) {
            doc.add_text(self.known, key);
        }
        // What it cites, so that what cites a record can be found (`SearchIndex::related`).
        for cited in crate::related::references(record) {
            doc.add_text(self.known, format!("ref:{}", cited.key()));
        }
        if let Some(citation) = &record.citation {
            doc.add_text(self.citation, &citation.text);
            let parts = &citation.parts;
            for part in [&parts.archive, &parts.archive_english, &parts.fonds].into_iter().flatten()
            {
                doc.add_text(self.archive, part);
            }
            if let Some(archive) = &parts.archive {
                // The other names a repository goes by ("RGANI") find it too.
                if let Some(repository) = archives::repository(archive) {
                    for variant in repository.variants {
                        doc.add_text(self.archive, *variant);
                    }
                }
                doc.add_facet(
                    self.facet(FacetName::Archive),
                    Facet::from_path([archives::canonical(archive)]),
                );
            }
            if let Some(signature) = &parts.signature {
                doc.add_text(self.known, format!("sig:{}", known_key(signature)));
            }
            if let Some(key) = parts.source_url.as_deref().and_then(url_key) {
                doc.add_text(self.known, key);
            }
        }
        let mut languages: Vec<&str> =
            record.original_languages.iter().map(|l| l.code.as_str()).collect();
        if languages.is_empty() {
            languages = record
                .texts
                .iter()
                .filter_map(|t| t.language.as_ref())
                .map(|l| l.code.as_str())
                .collect();
        }
        languages.sort_unstable();
        languages.dedup();
        for code in languages {
            doc.add_text(self.language, code);
            doc.add_facet(self.facet(FacetName::Language), Facet::from_path([code]));
        }
        if let Some(doc_type) = record.doc_type {
            doc.add_text(self.doc_type, doc_type.key());
            doc.add_facet(self.facet(FacetName::Type), Facet::from_path([doc_type.key()]));
        }
        doc.add_text(self.date_printed, &record.date.printed);
        match record.date.edtf {
            Some(edtf) => {
                doc.add_text(self.date_edtf, edtf.to_string());
                self.add_dates(&mut doc, &edtf);
            }
            None => {
                doc.add_i64(self.date_from, UNDATED_FROM);
                doc.add_i64(self.date_to, UNDATED_TO);
            }
        }
        doc
    }

    /// Adds a text to the words field, to be stemmed in `language`.
    fn add_words(&self, doc: &mut IndexDocument, text: &str, language: StemLanguage) {
        doc.add_text(self.words, words::value(language, text));
    }

    fn add_dates(&self, doc: &mut IndexDocument, edtf: &Edtf) {
        let (min, max) = edtf.bounds();
        let min_number = min.map_or(DAY_MIN, day_number);
        let max_number = max.map_or(DAY_MAX, day_number);
        doc.add_i64(self.date_min, min_number);
        doc.add_i64(self.date_from, min_number);
        doc.add_i64(self.date_to, max_number);
        // Years and decades the date spans; an open end counts only the known one.
        let first = min.or(max).map(|d| d.year);
        let last = max.or(min).map(|d| d.year);
        if let (Some(first), Some(last)) = (first, last) {
            let last = last.min(first + 20);
            for year in first..=last {
                doc.add_facet(
                    self.facet(FacetName::Year),
                    Facet::from_path([format!("{year:04}")]),
                );
            }
            for decade in (first / 10..=last / 10).map(|d| d * 10) {
                doc.add_facet(
                    self.facet(FacetName::Decade),
                    Facet::from_path([format!("{decade:04}")]),
                );
            }
        }
    }
}
