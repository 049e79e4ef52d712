//! The record: one primary source with everything the archive knows about it.

use time::OffsetDateTime;

use crate::date::DocDate;
use crate::doc_type::DocType;
use crate::id::RecordId;
use crate::language::Language;

/// One primary source as the archive holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Stable, URL-safe id.
    pub id: RecordId,
    /// The full title on one line.
    pub title: String,
    /// The date as printed and as EDTF.
    pub date: DocDate,
    /// Letter, telegram, memorandum…, when known.
    pub doc_type: Option<DocType>,
    /// Who wrote or sent it.
    pub authors: Vec<String>,
    /// To whom it was addressed.
    pub recipients: Vec<String>,
    /// How to cite it, as printed and in parts.
    pub citation: Option<Citation>,
    /// The archive's summary, paragraphs separated by a blank line.
    pub summary: Option<String>,
    /// Funding and acknowledgements.
    pub credits: Option<String>,
    /// The language(s) the document was written in.
    pub original_languages: Vec<Language>,
    /// The texts: translations, transcripts, originals.
    pub texts: Vec<Text>,
    /// Subject headings.
    pub subjects: Vec<String>,
    /// Places the document concerns or was written in.
    pub places: Vec<String>,
    /// Collections (themes, series, volumes) it belongs to.
    pub collections: Vec<String>,
    /// Labelled sections no field holds, kept verbatim in source order.
    pub extra_sections: Vec<Section>,
    /// The number the edition gives the document (FRUS "249").
    pub number: Option<String>,
    /// Where the document was written, from its dateline ("Belgrade").
    pub place: Option<String>,
    /// The time of day of its date, ISO 8601 ("15:50:00", "22:00:00Z").
    pub time: Option<String>,
    /// The document's TEI XML as published, verbatim (for TEI sources).
    pub tei: Option<String>,
    /// The innermost collection it belongs to (see `authority::Collection`).
    pub collection_id: Option<String>,
    /// Keys of the authority entries its text refers to, in order of first mention.
    pub entities: Vec<String>,
    /// Where the record came from; set by the importer.
    pub provenance: Option<Provenance>,
}

impl Record {
    /// A record with an id, a title and a date, and nothing else yet.
    pub fn new(id: RecordId, title: String, date: DocDate) -> Record {
        Record {
            id,
            title,
            date,
            doc_type: None,
            authors: Vec::new(),
            recipients: Vec::new(),
            citation: None,
            summary: None,
            credits: None,
            original_languages: Vec::new(),
            texts: Vec::new(),
            subjects: Vec::new(),
            places: Vec::new(),
            collections: Vec::new(),
            extra_sections: Vec::new(),
            number: None,
            place: None,
            time: None,
            tei: None,
            collection_id: None,
            entities: Vec::new(),
            provenance: None,
        }
    }
}

/// A citation: the text as the source prints it, and what we could read out of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Citation {
    /// Verbatim citation text.
    pub text: String,
    /// Its structured parts.
    pub parts: CitationParts,
}

/// The parts of an archival citation. Every field is optional: sources vary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CitationParts {
    /// The archive that published the copy we hold ("Wilson Center Digital Archive").
    pub publisher: Option<String>,
    /// The holding archive, in its own language ("Arhiv Jugoslavije").
    pub archive: Option<String>,
    /// The holding archive's name in English, where the citation gives it in brackets.
    pub archive_english: Option<String>,
    /// Fonds or collection within the archive ("Arhiv CK SKJ").
    pub fonds: Option<String>,
    /// Signature, call number or file reference ("507 / IX, 119/I-50").
    pub signature: Option<String>,
    /// Translator(s).
    pub translator: Option<String>,
    /// The permalink or source URL.
    pub source_url: Option<String>,
    /// Security classification ("Secret", "Confidential").
    pub classification: Option<String>,
}

impl CitationParts {
    /// Whether no part is known.
    pub fn is_empty(&self) -> bool {
        *self == CitationParts::default()
    }
}

/// What a text is, relative to the original document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// A translation into another language.
    Translation,
    /// A transcription of the original, in the original language.
    Transcript,
    /// The original text itself.
    Original,
    /// A label we do not classify; the label itself is kept on the [`Text`].
    Other,
}

impl TextKind {
    /// Stable lowercase key.
    pub fn key(self) -> &'static str {
        match self {
            TextKind::Translation => "translation",
            TextKind::Transcript => "transcript",
            TextKind::Original => "original",
            TextKind::Other => "other",
        }
    }

    /// Parses a key, case-insensitively.
    pub fn from_key(text: &str) -> Option<TextKind> {
        [TextKind::Translation, TextKind::Transcript, TextKind::Original, TextKind::Other]
            .into_iter()
            .find(|kind| kind.key().eq_ignore_ascii_case(text.trim()))
    }
}

/// One text of a record (a translation, a transcript…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Translation, transcript, original.
    pub kind: TextKind,
    /// The language of this text, when known.
    pub language: Option<Language>,
    /// The label as printed ("Translation - English").
    pub label: String,
    /// The text. Lines are separated by `\n` (a line break in the source) and paragraphs by a
    /// blank line; no line has trailing white space, and there are no leading or trailing blank
    /// lines.
    pub body: String,
    /// Footnotes, in order.
    pub notes: Vec<Note>,
    /// Where the printed pages begin, in order.
    pub pages: Vec<PageBreak>,
}

impl Text {
    /// A text without notes or page breaks.
    pub fn new(kind: TextKind, language: Option<Language>, label: String, body: String) -> Text {
        Text { kind, language, label, body, notes: Vec::new(), pages: Vec::new() }
    }
}

/// A footnote of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Its number or mark as printed ("2").
    pub label: String,
    /// What kind of note the edition says it is ("source", "summary"), if any.
    pub kind: Option<String>,
    /// Byte offset in the body where its mark stands; `None` for a note on the title.
    pub anchor: Option<usize>,
    /// The note's text.
    pub text: String,
}

/// The start of a printed page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBreak {
    /// The page number as printed ("653", "IV").
    pub label: String,
    /// Byte offset in the body where the page begins.
    pub offset: usize,
}

impl Text {
    /// The paragraphs, each a list of lines.
    pub fn paragraphs(&self) -> impl Iterator<Item = Vec<&str>> {
        self.body.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| p.lines().collect())
    }
}

/// A labelled section kept as it was printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The label without the `**` and colon.
    pub label: String,
    /// The body, normalized like [`Text::body`].
    pub body: String,
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The source file as the importer named it.
    pub source_path: String,
    /// SHA-256 of the source file's bytes, lowercase hex.
    pub sha256: String,
    /// The source format (`text`, `json`, `tei`).
    pub format: String,
    /// When it was imported.
    pub imported_at: OffsetDateTime,
}
