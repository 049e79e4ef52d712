//! Chancery's record formats: bytes in, records plus diagnostics out.
//!
//! - [`text`]: the archive's record text format (the seed record's shape), parser and writer;
//! - [`json`]: Chancery's JSON record format, for import, export and `show --format json`;
//! - [`tei`]: TEI P5 volumes (FRUS), one record per document;
//! - [`date_phrase`] and [`citation`]: reading printed dates and citations.
//!
//! Nothing here does I/O or panics on input: every problem becomes a [`Diagnostic`] that names the
//! source, the line and what to fix. A source with any error yields no records.

pub mod citation;
pub mod date_phrase;
pub mod events;
#[cfg(test)]
mod fixtures;
pub mod json;
pub mod limits;
pub mod offices;
pub mod persons;
pub mod tei;
pub mod text;
mod visits;

use std::fmt;

use chancery_model::authority::{Authority, Collection};
use chancery_model::id::hex;
use chancery_model::record::{Provenance, Record};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The largest source file we read, in bytes.
pub const MAX_SOURCE_BYTES: usize = 256 * 1024 * 1024;
/// The longest line we accept in a record text source, in bytes.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;
/// The longest line we accept in a JSON source, in bytes: one JSON line is one record, which
/// may hold up to [`limits::MAX_RECORD_BYTES`] of text, escaped.
pub const MAX_JSON_LINE_BYTES: usize = 4 * limits::MAX_RECORD_BYTES;

/// One source file to parse.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The path, as diagnostics should name it.
    pub path: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
    /// The import time, recorded in each record's provenance.
    pub imported_at: OffsetDateTime,
}

impl Source<'_> {
    /// The provenance of records read from this source.
    pub fn provenance(&self, format: Format) -> Provenance {
        Provenance {
            source_path: self.path.to_string(),
            sha256: hex(&Sha256::digest(self.bytes)),
            format: format.key().to_string(),
            imported_at: self.imported_at,
        }
    }
}

/// The formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The record text format.
    Text,
    /// Chancery's JSON record format (one object, an array, or JSON lines).
    Json,
    /// TEI P5 XML.
    Tei,
}

impl Format {
    /// Stable lowercase key.
    pub fn key(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Tei => "tei",
        }
    }

    /// Detects the format from the content: JSON starts with `{` or `[`, XML with `<`, and the
    /// text format with `**`. Leading white space and a byte-order mark are skipped.
    pub fn detect(bytes: &[u8]) -> Option<Format> {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
        match bytes[start] {
            b'{' | b'[' => Some(Format::Json),
            b'<' => Some(Format::Tei),
            b'*' => Some(Format::Text),
            _ => None,
        }
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The source is rejected.
    Error,
    /// Imported, but someone should look.
    Warning,
}

/// One problem found in a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The source's path.
    pub path: String,
    /// The 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.line {
            Some(line) => write!(f, "{}:{line}: {severity}: {}", self.path, self.message),
            None => write!(f, "{}: {severity}: {}", self.path, self.message),
        }
    }
}

/// What parsing a source gave: its records, authority entries and collections (none if there
/// was any error) and every diagnostic.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The records; empty when [`Parsed::has_errors`].
    pub records: Vec<Record>,
    /// Authority entries the source defines (a TEI volume's persons and terms).
    pub authorities: Vec<Authority>,
    /// Collections the source defines (a TEI volume and its chapters), parents first.
    pub collections: Vec<Collection>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// For a TEI volume, what it held and what became of each part.
    pub tally: Option<Box<Tally>>,
    /// Persons across volumes (the Office of the Historian's people data).
    pub persons: Vec<chancery_model::person::Person>,
    /// Office holders, posts and appointments (the chiefs-of-mission data).
    pub offices: Option<Box<chancery_model::office::Offices>>,
    /// Curated events between parties (an events file).
    pub events: Vec<chancery_model::event::Event>,
    /// Visits to the United States and trips abroad (the Office of the Historian's visits and
    /// travels data).
    pub visits: Vec<chancery_model::visit::Visit>,
}

/// What a volume held and what became of each part: the import summary prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Documents kept as records.
    pub documents: usize,
    /// Documents printed as catalogue entries only, kept as calendar-entry records.
    pub calendar_entries: usize,
    /// Front and back matter kept as pages of their own (front-matter records).
    pub pages: usize,
    /// Document divisions without an id nested in another (enclosures), kept as part of the
    /// text of the record that holds them.
    pub enclosures: usize,
    /// What was left out, each with the reason.
    pub left_out: Vec<String>,
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut kept = vec![count(self.documents, "document", "documents")];
        if self.calendar_entries > 0 {
            kept.push(count(self.calendar_entries, "calendar entry", "calendar entries"));
        }
        if self.pages > 0 {
            kept.push(count(
                self.pages,
                "page of front or back matter",
                "pages of front and back matter",
            ));
        }
        if self.enclosures > 0 {
            kept.push(format!(
                "{} in the text of the record that holds {}",
                count(self.enclosures, "enclosure without an id", "enclosures without an id"),
                if self.enclosures == 1 { "it" } else { "them" }
            ));
        }
        write!(f, "kept {}", kept.join(", "))?;
        if !self.left_out.is_empty() {
            write!(f, "; left out {}", self.left_out.join("; "))?;
        }
        Ok(())
    }
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    fn rejected(path: &str, line: Option<usize>, message: String) -> Parsed {
        Parsed {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                path: path.to_string(),
                line,
                message,
            }],
            ..Parsed::default()
        }
    }
}

/// Parses a source in whatever format its content shows.
pub fn parse(source: &Source<'_>) -> Parsed {
    if source.bytes.len() > MAX_SOURCE_BYTES {
        return Parsed::rejected(
            source.path,
            None,
            format!(
                "the file is {} bytes; the limit is {MAX_SOURCE_BYTES} bytes: split it into smaller files",
                source.bytes.len()
            ),
        );
    }
    match Format::detect(source.bytes) {
        Some(Format::Text) => text::parse(source),
        Some(Format::Json) if events::is_events(source.bytes) => events::parse(source),
        Some(Format::Json) => json::parse(source),
        Some(Format::Tei) => tei::parse(source),
        None => Parsed::rejected(
            source.path,
            Some(1),
            "not a record: expected a text record starting with a bold date line (**August 11, 1954**), JSON, or TEI XML".into(),
        ),
    }
}

/// Checks that bytes are UTF-8 text with lines of at most `max_line` bytes and no NUL bytes,
/// reporting the first problem with its line. Returns the text without a byte-order mark.
pub(crate) fn checked_text<'a>(
    path: &str,
    bytes: &'a [u8],
    max_line: usize,
) -> Result<&'a str, Box<Parsed>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut line = 1;
    let mut line_start = 0;
    for (idx, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' {
            line += 1;
            line_start = idx + 1;
        } else if byte == 0 {
            return Err(Box::new(Parsed::rejected(
                path,
                Some(line),
                "binary data (a NUL byte): this is not a text record".into(),
            )));
        } else if idx - line_start >= max_line {
            return Err(Box::new(Parsed::rejected(
                path,
                Some(line),
                format!(
                    "the line is longer than {max_line} bytes: is this really a record? break the text into lines"
                ),
            )));
        }
    }
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        Box::new(Parsed::rejected(
            path,
            Some(line),
            format!("invalid UTF-8 at column {column}: save the file as UTF-8"),
        ))
    })
}
