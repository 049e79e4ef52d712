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
    /// A document, a calendar entry, or a page of an edition's own apparatus.
    pub kind: RecordKind,
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
    /// Who took part, where the source names participants rather than a sender and a recipient
    /// (a memorandum of conversation).
    pub participants: Vec<String>,
    /// How to cite it, as printed and in parts.
    pub citation: Option<Citation>,
    /// Where the edition found the document, as the edition says it (FRUS's source note: archive,
    /// file, classification, who drafted it), verbatim.
    pub source_note: Option<String>,
    /// The edition that prints it, for citing it as a document in an edited volume.
    pub edition: Option<Edition>,
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
    /// How many pages the document has, where the source counts them (a calendar entry's "5 pp.").
    pub page_count: Option<u32>,
    /// The page images the source holds of the document, as it names them (`0024/0066.tif`).
    pub page_images: Vec<String>,
    /// Where the record came from; set by the importer.
    pub provenance: Option<Provenance>,
}

impl Record {
    /// A record with an id, a title and a date, and nothing else yet.
    pub fn new(id: RecordId, title: String, date: DocDate) -> Record {
        Record {
            id,
            kind: RecordKind::Document,
            title,
            date,
            doc_type: None,
            authors: Vec::new(),
            recipients: Vec::new(),
            participants: Vec::new(),
            citation: None,
            source_note: None,
            edition: None,
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
            page_count: None,
            page_images: Vec::new(),
            provenance: None,
        }
    }
}

/// What kind of record it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RecordKind {
    /// A document, with its texts.
    #[default]
    Document,
    /// A document the source describes but does not print: a calendar entry (the microfiche
    /// supplements' "495. Draft letter from Kennedy to Khrushchev, … 5 pp."), with its page images.
    CalendarEntry,
    /// A page of an edition's own apparatus that it publishes as a page: a preface, a list of
    /// sources, of abbreviations, of persons, a message.
    FrontMatter,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 3] =
        [RecordKind::Document, RecordKind::CalendarEntry, RecordKind::FrontMatter];

    /// Stable key (`document`, `calendar-entry`, `front-matter`).
    pub fn key(self) -> &'static str {
        match self {
            RecordKind::Document => "document",
            RecordKind::CalendarEntry => "calendar-entry",
            RecordKind::FrontMatter => "front-matter",
        }
    }

    /// The kind by its key.
    pub fn from_key(key: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.key() == key.trim())
    }

    /// A name for readers.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Document => "Document",
            RecordKind::CalendarEntry => "Calendar entry",
            RecordKind::FrontMatter => "Front matter",
        }
    }
}

/// The edition that prints a document (a FRUS volume), as a citation needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Edition {
    /// The series ("Foreign Relations of the United States").
    pub series: String,
    /// The years or part of the series the volume belongs to ("1955–1957").
    pub subseries: Option<String>,
    /// The volume's number ("XXVI").
    pub volume: Option<String>,
    /// The volume's own title ("Central and Southeastern Europe").
    pub volume_title: Option<String>,
    /// Its editors, as the volume names them, general editor last.
    pub editors: Vec<String>,
    /// Its publisher ("Government Printing Office").
    pub publisher: Option<String>,
    /// Where it was published ("Washington").
    pub place: Option<String>,
    /// When it was published ("1992").
    pub year: Option<String>,
    /// Where the edition prints this record among everything the volume holds, from 1 (front
    /// matter, documents and back matter in the volume's order): its table of contents and the
    /// previous and next document follow it.
    pub position: Option<u32>,
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
    /// The text's structure: headings, quotations, lists, tables, openers and closers, and
    /// references to other records, as ranges of the body, in order of their starts.
    pub spans: Vec<Span>,
}

impl Text {
    /// A text without notes, page breaks or structure.
    pub fn new(kind: TextKind, language: Option<Language>, label: String, body: String) -> Text {
        Text {
            kind,
            language,
            label,
            body,
            notes: Vec::new(),
            pages: Vec::new(),
            spans: Vec::new(),
        }
    }
}

impl Text {
    /// Checks the structure against the body: spans in order of their starts, within the body,
    /// on character boundaries, not empty; block spans covering whole lines and not overlapping
    /// one another; references not overlapping one another. The message names the span.
    pub fn check_spans(&self) -> Result<(), String> {
        let body = self.body.as_str();
        let (mut last_start, mut block_end, mut reference_end) = (0, 0, 0);
        for (idx, span) in self.spans.iter().enumerate() {
            let fail = |what: &str| {
                Err(format!(
                    "span {idx} ({}, {}..{}): {what}",
                    span.kind.key(),
                    span.start,
                    span.end
                ))
            };
            if span.start >= span.end || span.end > body.len() {
                return fail("it must be a non-empty range of the body");
            }
            if !body.is_char_boundary(span.start) || !body.is_char_boundary(span.end) {
                return fail("it must start and end between characters");
            }
            if span.start < last_start {
                return fail("spans must come in the order of their starts");
            }
            last_start = span.start;
            if span.kind.is_block() {
                let line_start = span.start == 0 || body.as_bytes()[span.start - 1] == b'\n';
                let line_end = span.end == body.len() || body.as_bytes()[span.end] == b'\n';
                if !line_start || !line_end {
                    return fail("a block covers whole lines");
                }
                if span.start < block_end {
                    return fail("blocks must not overlap");
                }
                block_end = span.end;
            } else {
                if span.start < reference_end {
                    return fail("references must not overlap");
                }
                if matches!(&span.kind, SpanKind::Reference(t) if t.trim().is_empty() || t.contains(char::is_whitespace))
                {
                    return fail("a reference names its target without white space");
                }
                reference_end = span.end;
            }
        }
        Ok(())
    }
}

/// A part of a text's structure: a range of its body and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// What the range is.
    pub kind: SpanKind,
    /// Byte offset where it starts. Block kinds start at a line's start.
    pub start: usize,
    /// Byte offset where it ends. Block kinds end at a line's end.
    pub end: usize,
}

/// What a span of a text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanKind {
    /// A heading inside the text.
    Heading,
    /// A quotation set apart (a quoted message).
    Quote,
    /// A list, one item a line.
    List,
    /// A table, one row a line, cells separated by ` | `.
    Table,
    /// An opening: place and date, salutation.
    Opener,
    /// A closing: complimentary close, signature.
    Closer,
    /// A reference to another record (its id) or another part of one (`id#anchor`).
    Reference(String),
}

impl SpanKind {
    /// Whether the span covers whole lines (everything but references).
    pub fn is_block(&self) -> bool {
        !matches!(self, SpanKind::Reference(_))
    }

    /// Stable key of the kind (`heading`, `quote`, `list`, `table`, `opener`, `closer`,
    /// `reference`).
    pub fn key(&self) -> &'static str {
        match self {
            SpanKind::Heading => "heading",
            SpanKind::Quote => "quote",
            SpanKind::List => "list",
            SpanKind::Table => "table",
            SpanKind::Opener => "opener",
            SpanKind::Closer => "closer",
            SpanKind::Reference(_) => "reference",
        }
    }

    /// A block kind by its key (references carry a target and are read apart).
    pub fn block_from_key(key: &str) -> Option<SpanKind> {
        [
            SpanKind::Heading,
            SpanKind::Quote,
            SpanKind::List,
            SpanKind::Table,
            SpanKind::Opener,
            SpanKind::Closer,
        ]
        .into_iter()
        .find(|k| k.key() == key)
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
