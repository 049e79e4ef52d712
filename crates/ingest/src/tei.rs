//! TEI P5 volumes (as the Office of the Historian publishes FRUS): one record per
//! `div[@type='document']`, and one per page of front and back matter.
//!
//! For each document:
//! - **id** `<volume>/<xml:id>` as the edition spells them, the volume being the root `@xml:id`,
//!   else `idno[@type='frus']`, else the file name; a document division without an `xml:id` is
//!   kept under a derived id (`<volume>/anon<n>`, n its place among the volume's document
//!   divisions) with a warning; the permalink is
//!   `https://history.state.gov/historicaldocuments/<volume>/<xml:id>`;
//! - **title** the `head` without its notes, whitespace collapsed, without the number prefix
//!   ("249. "), which becomes the document **number** (or `@n`);
//! - **date** as the edition prints it, else supplied and marked so ([`dates`]);
//! - **authors/recipients** from head elements with `@type='from'`/`'to'`, each named as the
//!   volume's persons list names the person it refers to ([`people`]), else from the title; in a
//!   memorandum of conversation they are its **participants**;
//! - **source note** (`note[@type='source']`, or the head's note that starts "Source:") kept
//!   verbatim, out of the text, and read into archive, fonds, file and classification
//!   ([`source`]); a bracketed editorial mark marked as a source ("[Telegram]") is text;
//! - **citation** the edition's: the document's title and date, in the series, volume, editors,
//!   place, publisher and year of the volume's TEI header, its number and permalink;
//! - **text** rendered to plain text with its structure ([`render`]); a translation where a note
//!   says the edition prints one ("The source text is a translation…", "[Translation]"), from the
//!   language it names, which becomes the record's original language;
//! - **collections** the volume title and the heads of the enclosing compilation, chapter and
//!   subchapter divs, outermost first;
//! - **tei** the document's XML, verbatim.
//!
//! A nested document with its own `xml:id` is a record of its own and left out of its parent's
//! text; one without (an enclosure) is part of the text of the record that holds it. A document
//! that is only a catalogue entry is a calendar entry ([`calendar`]). The front and back matter's
//! divisions with an `xml:id` (preface, sources, abbreviations, persons, appendixes…) are records
//! of kind front matter, `<volume>/<xml:id>`; the table of contents and the index are left out,
//! and [`Tally`] says so. Malformed XML is an error with line and column; a duplicated `xml:id`
//! and a byte-order mark are warnings.

use std::collections::HashMap;

use chancery_model::agents::Correspondents;
use chancery_model::authority::{Authority, Collection};
use chancery_model::date::DocDate;
use chancery_model::doc_type::DocType;
use chancery_model::id::RecordId;
use chancery_model::language::Language;
use chancery_model::record::{
    Citation, CitationParts, Record, RecordKind, SpanKind, Text, TextKind,
};
use roxmltree::{Document, Node, ParsingOptions};

use crate::limits::{self, MAX_XML_DEPTH};
use chancery_model::archives;

use crate::{Diagnostic, Format, Parsed, Severity, Source, Tally};

mod calendar;
pub mod dates;
mod html;
mod people;
mod render;
mod source;
mod volume;

pub use html::{Links, check_fragment, to_html};
use render::{Render, Rendered};
use volume::{Volume, authorities};

const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Elements whose content stands in a paragraph of its own.
const PARAGRAPHS: &[&str] = &[
    "p",
    "head",
    "dateline",
    "opener",
    "closer",
    "postscript",
    "quote",
    "list",
    "table",
    "ab",
    "lg",
    "div",
    "attachment",
    "listBibl",
    "trailer",
    "argument",
    "epigraph",
    "figure",
    "sp",
    "byline",
    "docAuthor",
    "docDate",
    "address",
];
/// Elements whose content stands on a line of its own.
const LINES: &[&str] = &["item", "row", "signed", "salute", "l", "bibl", "addrLine", "speaker"];
/// Elements that are not text of the document: images, page furniture, and a calendar entry's
/// page count and page images (kept as the record's page count and images).
const SKIP: &[&str] =
    &["graphic", "figDesc", "fw", "page-count-according-to-citation", "file", "pdf"];
/// Front and back matter the archive does not keep as pages, and why.
const LEFT_OUT: &[(&str, &str)] = &[
    ("toc", "the table of contents (the archive lists the volume's chapters and documents itself)"),
    ("index", "the index (it refers to the printed volume's pages; search the archive instead)"),
];

/// Parses a TEI volume.
pub fn parse(source: &Source<'_>) -> Parsed {
    let mut diagnostics = Vec::new();
    let mut bytes = source.bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        bytes = rest;
        diagnostics.push(warning(
            source.path,
            Some(1),
            "the file starts with a byte-order mark; it is ignored".into(),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            return rejected(source.path, line, "invalid UTF-8: save the file as UTF-8".into());
        }
    };
    if let Err((offset, message)) = limits::check_entities(text) {
        return rejected(source.path, line_of(text, offset), message);
    }
    let options = ParsingOptions { allow_dtd: true, ..ParsingOptions::default() };
    let document = match Document::parse_with_options(text, options) {
        Ok(document) => document,
        Err(error) => {
            let position = error.pos();
            return rejected(
                source.path,
                position.row as usize,
                format!("column {}: malformed XML: {error}", position.col),
            );
        }
    };
    if let Some(node) = too_deep(&document) {
        return rejected(
            source.path,
            document.text_pos_at(node.range().start).row as usize,
            format!(
                "<{}> is nested more than {MAX_XML_DEPTH} elements deep (MAX_XML_DEPTH): no edition needs that; flatten the markup",
                node.tag_name().name()
            ),
        );
    }
    let root = document.root_element();
    if crate::persons::is_people_bundle(root) {
        return crate::persons::read(&document, source, diagnostics);
    }
    if crate::offices::is_offices_bundle(root) {
        return crate::offices::read(&document, source, diagnostics);
    }
    if crate::visits::is_visits(root) {
        return crate::visits::read(&document, source, diagnostics);
    }
    if root.tag_name().name() != "TEI" || root.tag_name().namespace() != Some(TEI_NS) {
        return rejected(
            source.path,
            1,
            format!("the root element is <{}>, not a TEI P5 <TEI>", root.tag_name().name()),
        );
    }
    let volume = Volume::read(root, source.path);
    let provenance = source.provenance(Format::Tei);
    let volume_id = volume.id.to_lowercase();
    let mut reader = Reader {
        authorities: authorities(root, &volume.id),
        collections: vec![Collection {
            id: volume_id.clone(),
            parent: None,
            kind: "volume".into(),
            title: volume.title.clone(),
            editors: volume.editors.clone(),
            published: volume.published.clone(),
            position: 1,
        }],
        source,
        document: &document,
        volume: &volume,
        provenance,
        records: Vec::new(),
        tally: Tally::default(),
        diagnostics,
    };
    reader.check_ids();
    let text_node = child(root, "text");
    if let Some(front) = text_node.and_then(|t| child(t, "front")) {
        reader.matter(front, &volume_id);
    }
    if let Some(body) = text_node.and_then(|t| child(t, "body")) {
        let mut path = Vec::new();
        reader.walk(body, &mut path, &volume_id);
    }
    if let Some(back) = text_node.and_then(|t| child(t, "back")) {
        reader.matter(back, &volume_id);
    }
    reader.finish();
    // The records were read in the order the volume prints them.
    let mut position = 0;
    let records = reader
        .records
        .into_iter()
        .map(|(mut record, _)| {
            if let Some(edition) = record.edition.as_mut() {
                position += 1;
                edition.position = Some(position);
            }
            record
        })
        .collect();
    let mut parsed = Parsed {
        records,
        authorities: reader.authorities.into_values().collect(),
        collections: reader.collections,
        diagnostics: reader.diagnostics,
        tally: Some(Box::new(reader.tally)),
        ..Parsed::default()
    };
    parsed.authorities.sort_by(|a, b| a.key.cmp(&b.key));
    let has_documents = parsed.records.iter().any(|r| r.kind != RecordKind::FrontMatter);
    if !has_documents && !parsed.has_errors() {
        parsed.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: source.path.to_string(),
            line: Some(1),
            message: "this TEI file has no <div type=\"document\">: nothing to import".into(),
        });
    }
    if parsed.has_errors() {
        parsed.records.clear();
    }
    parsed
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The first element nested deeper than [`MAX_XML_DEPTH`], found without recursion.
pub(crate) fn too_deep<'a, 'input>(document: &'a Document<'input>) -> Option<Node<'a, 'input>> {
    // Nodes come in document order, each after its parent: one pass gives every depth.
    let mut depths: Vec<u32> = Vec::new();
    for node in document.descendants() {
        let index = node.id().get_usize();
        let parent =
            node.parent().map_or(0, |p| depths.get(p.id().get_usize()).copied().unwrap_or(0));
        let depth = parent + u32::from(node.is_element());
        if depths.len() <= index {
            depths.resize(index + 1, 0);
        }
        depths[index] = depth;
        if depth as usize > MAX_XML_DEPTH {
            return Some(node);
        }
    }
    None
}

fn rejected(path: &str, line: usize, message: String) -> Parsed {
    Parsed {
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            path: path.to_string(),
            line: Some(line),
            message,
        }],
        ..Parsed::default()
    }
}

fn warning(path: &str, line: Option<usize>, message: String) -> Diagnostic {
    Diagnostic { severity: Severity::Warning, path: path.to_string(), line, message }
}

fn is(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|n| is(*n, name))
}

fn xml_id<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attribute((XML_NS, "id"))
}

fn is_document(node: Node<'_, '_>) -> bool {
    is(node, "div") && node.attribute("type") == Some("document")
}

/// Whether `node` is part of document `div` itself: its nearest enclosing document div is `div`
/// (a document nested in it with its own id is a record of its own).
fn belongs_to(node: Node<'_, '_>, div: Node<'_, '_>) -> bool {
    node.ancestors().skip(1).find(|a| is_document(*a) && (*a == div || xml_id(*a).is_some()))
        == Some(div)
}

/// Whitespace collapsed text of a node, without notes.
fn plain(node: Node<'_, '_>) -> String {
    let mut out = String::new();
    for descendant in node.descendants() {
        if descendant.is_text() && !descendant.ancestors().any(|a| is(a, "note") && a != node) {
            out.push_str(descendant.text().unwrap_or_default());
        }
        if is(descendant, "lb") {
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `node` is `div`'s own, not an enclosure's: the nearest document division around it,
/// with an id or without, is `div`.
fn directly_in(node: Node<'_, '_>, div: Node<'_, '_>) -> bool {
    node.ancestors().skip(1).find(|a| is_document(*a)) == Some(div)
}

struct Reader<'a, 'input> {
    authorities: HashMap<String, Authority>,
    collections: Vec<Collection>,
    source: &'a Source<'a>,
    document: &'a Document<'input>,
    volume: &'a Volume,
    /// Computed once: hashing the volume per document would cost more than parsing it.
    provenance: chancery_model::record::Provenance,
    /// The records, each with the byte offset it starts at.
    records: Vec<(Record, usize)>,
    tally: Tally,
    diagnostics: Vec<Diagnostic>,
}

impl<'a, 'input> Reader<'a, 'input> {
    fn line(&self, node: Node<'_, '_>) -> usize {
        self.document.text_pos_at(node.range().start).row as usize
    }

    fn error(&mut self, line: usize, message: String) {
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: self.source.path.to_string(),
            line: Some(line),
            message,
        });
    }

    fn check_ids(&mut self) {
        // Line numbers cost a scan from the top of the file: compute them only for duplicates.
        let mut seen: HashMap<&str, Node<'_, '_>> = HashMap::new();
        let mut duplicates = Vec::new();
        for node in self.document.descendants().filter(|n| n.is_element()) {
            if let Some(id) = xml_id(node)
                && let Some(first) = seen.insert(id, node)
            {
                duplicates.push((id, first, node));
            }
        }
        for (id, first, again) in duplicates {
            let (first, line) = (self.line(first), self.line(again));
            self.diagnostics.push(warning(
                self.source.path,
                Some(line),
                format!("xml:id `{id}` is used again (first on line {first}); both are kept"),
            ));
        }
    }

    /// Walks containers: compilations, chapters and subchapters with a head become collections
    /// (children of `parent`), and their heads the records' collection path.
    fn walk(&mut self, node: Node<'a, 'input>, path: &mut Vec<String>, parent: &str) {
        let mut position = 0;
        for element in node.children().filter(|n| n.is_element()) {
            if is_document(element) {
                self.document_div(element, path, parent);
                self.nested_documents(element, path, parent);
            } else if is(element, "div") {
                let head = child(element, "head").map(plain).filter(|h| !h.is_empty());
                let Some(head) = head else {
                    self.walk(element, path, parent);
                    continue;
                };
                position += 1;
                let local = xml_id(element)
                    .map(|i| i.to_lowercase())
                    .unwrap_or_else(|| format!("part{position}"));
                let id = format!("{parent}/{local}");
                self.collections.push(Collection {
                    id: id.clone(),
                    parent: Some(parent.to_string()),
                    kind: element.attribute("type").unwrap_or("part").to_string(),
                    title: head.clone(),
                    editors: Vec::new(),
                    published: None,
                    position,
                });
                path.push(head);
                self.walk(element, path, &id);
                path.pop();
            }
        }
    }

    /// The documents nested in `element` (enclosures): those with their own id are records, in
    /// document order; those without are part of the text that holds them, and counted.
    fn nested_documents(&mut self, element: Node<'a, 'input>, path: &[String], parent: &str) {
        let nested: Vec<Node<'a, 'input>> =
            element.descendants().skip(1).filter(|n| is_document(*n)).collect();
        for document in nested {
            if xml_id(document).is_some() {
                self.document_div(document, path, parent);
            } else {
                self.tally.enclosures += 1;
            }
        }
    }

    /// The front or back matter: each division with an `xml:id` is a page of its own (a record
    /// of kind front matter), except those in [`LEFT_OUT`].
    fn matter(&mut self, matter: Node<'a, 'input>, volume_id: &str) {
        for div in matter.children().filter(|n| is(*n, "div")) {
            let Some(local) = xml_id(div) else {
                // A division without an id holds divisions that have one, or nothing to show.
                self.matter(div, volume_id);
                continue;
            };
            let left_out = LEFT_OUT.iter().find(|(id, _)| {
                local.eq_ignore_ascii_case(id) || div.attribute("type") == Some(id)
            });
            if let Some((_, why)) = left_out {
                self.tally.left_out.push((*why).to_string());
                continue;
            }
            // Where it starts, as a byte offset: a line number costs a scan from the top of the
            // file, so it is worked out only for a diagnostic.
            let at = div.range().start;
            let Some(id) = self.record_id(local, at) else { continue };
            let head = child(div, "head");
            let title =
                head.map(plain).filter(|t| !t.is_empty()).unwrap_or_else(|| local.to_string());
            let skipped = head.map(|h| vec![h.id()]).unwrap_or_default();
            let Rendered { body, notes, pages, spans } = self.render(div, skipped);
            let mut record = Record::new(id, title, DocDate::new("Undated".into(), None));
            record.kind = RecordKind::FrontMatter;
            let mut text = Text::new(
                TextKind::Original,
                Language::from_code("eng"),
                "Original - English".into(),
                body,
            );
            (text.notes, text.pages, text.spans) = (notes, pages, spans);
            if !text.body.is_empty() {
                record.texts.push(text);
            }
            self.finish_record(&mut record, div, &[], volume_id, local);
            self.tally.pages += 1;
            self.records.push((record, at));
            self.nested_documents(div, &[], volume_id);
        }
    }

    /// A record id `<volume>/<local>`, or an error at byte offset `at`.
    fn record_id(&mut self, local: &str, at: usize) -> Option<RecordId> {
        // The edition's own spelling (`frus1917-72PubDip/d1`): ids ignore case, but keep it.
        let text = format!("{}/{local}", self.volume.id);
        match RecordId::parse(&text) {
            Ok(id) => Some(id),
            Err(error) => {
                let line = line_of(self.document.input_text(), at);
                self.error(line, format!("cannot make a record id from `{text}`: {error}"));
                None
            }
        }
    }

    /// Renders a division's text, leaving out `skipped` nodes and documents with their own id.
    fn render(&self, div: Node<'_, '_>, skipped: Vec<roxmltree::NodeId>) -> Rendered {
        let mut render = Render::new(&self.volume.id, skipped);
        // The page it starts on: the last page break before it, unless it opens with one.
        let opens_with_page = div
            .children()
            .filter(|n| n.is_element())
            .find(|n| !is(*n, "head"))
            .is_some_and(|n| is(n, "pb"));
        if !opens_with_page && let Some(page) = page_before(div) {
            render.pending_pages.push(page_label(page));
        }
        for element in div.children() {
            render.node(element);
        }
        render.finish()
    }

    /// What every record of the volume gets: edition, collections, entities, verbatim TEI and
    /// provenance.
    fn finish_record(
        &self,
        record: &mut Record,
        div: Node<'_, '_>,
        path: &[String],
        collection: &str,
        local: &str,
    ) {
        record.edition = self.volume.edition.clone();
        record.collections =
            std::iter::once(self.volume.title.clone()).chain(path.iter().cloned()).collect();
        record.collection_id = Some(collection.to_string());
        let permalink =
            format!("https://history.state.gov/historicaldocuments/{}/{local}", self.volume.id);
        let parts = record.citation.take().map(|c| c.parts).unwrap_or_default();
        record.citation = Some(Citation {
            // The text waits for the date, which may be supplied once the volume is read.
            text: permalink.clone(),
            parts: CitationParts {
                // The edition's publisher; a volume whose header names no series is its own.
                publisher: match &self.volume.edition {
                    Some(edition) => edition.publisher.clone(),
                    None => Some(self.volume.title.clone()),
                },
                source_url: Some(permalink),
                ..parts
            },
        });
        // The persons and terms it refers to (`corresp`, `target`), first mention first.
        for node in div.descendants().filter(|n| n.is_element() && belongs_to(*n, div)) {
            for reference in
                [node.attribute("corresp"), node.attribute("target")].into_iter().flatten()
            {
                for target in reference.split_whitespace().filter_map(|t| t.strip_prefix('#')) {
                    let key = format!("{}#{target}", self.volume.id.to_lowercase());
                    if self.authorities.contains_key(&key) && !record.entities.contains(&key) {
                        record.entities.push(key);
                    }
                }
            }
        }
        record.tei = Some(self.document.input_text()[div.range()].to_string());
        record.provenance = Some(self.provenance.clone());
    }

    fn document_div(&mut self, div: Node<'a, 'input>, path: &[String], collection: &str) {
        let at = div.range().start;
        let local = match xml_id(div) {
            Some(id) => id.to_string(),
            None => {
                let position = self
                    .document
                    .descendants()
                    .filter(|n| is_document(*n))
                    .position(|n| n == div)
                    .unwrap_or(0)
                    + 1;
                let derived = format!("anon{position}");
                self.diagnostics.push(warning(
                    self.source.path,
                    Some(self.line(div)),
                    format!("a <div type=\"document\"> without an xml:id: kept as `{}/{derived}`; give it an xml:id so that its id is the edition's", self.volume.id),
                ));
                derived
            }
        };
        let Some(id) = self.record_id(&local, at) else { return };
        let head = child(div, "head");
        let full_title = head.map(plain).unwrap_or_default();
        let (number, title) = split_number(&full_title);
        let number = div.attribute("n").map(str::to_string).or(number);
        if calendar::is_entry(div) {
            let record = self.calendar_entry(id, div, path, collection, &local, number, &title);
            self.tally.calendar_entries += 1;
            self.records.push((record, at));
            return;
        }
        let title = if title.is_empty() {
            format!("Document {}", number.as_deref().unwrap_or(&local))
        } else {
            title
        };

        // The source note: marked so (a bracketed editorial mark is text, not a source), else
        // the head's note that starts "Source:".
        let own_notes: Vec<Node<'_, '_>> =
            div.descendants().filter(|n| is(*n, "note") && directly_in(*n, div)).collect();
        let mut source_nodes: Vec<Node<'_, '_>> = own_notes
            .iter()
            .filter(|n| {
                n.attribute("type") == Some("source") && !archives::is_editorial_mark(&plain(**n))
            })
            .copied()
            .collect();
        if source_nodes.is_empty() {
            source_nodes.extend(own_notes.iter().copied().find(|n| {
                head.is_some_and(|h| n.ancestors().any(|a| a == h))
                    && plain(*n).to_ascii_lowercase().starts_with("source:")
            }));
        }
        let source_text: Vec<String> =
            source_nodes.iter().map(|n| self.note_text(*n)).filter(|t| !t.is_empty()).collect();
        let source_note = (!source_text.is_empty()).then(|| source_text.join("\n\n"));

        let mut skipped: Vec<roxmltree::NodeId> = source_nodes.iter().map(|n| n.id()).collect();
        skipped.extend(head.map(|h| h.id()));
        let mut render = Render::new(&self.volume.id, skipped);
        let opens_with_page = div
            .children()
            .filter(|n| n.is_element())
            .find(|n| !is(*n, "head"))
            .is_some_and(|n| is(n, "pb"));
        if !opens_with_page && let Some(page) = page_before(div) {
            render.pending_pages.push(page_label(page));
        }
        if let Some(head) = head {
            // The head's other notes are notes on the title.
            for note in head.descendants().filter(|n| {
                is(*n, "note") && n.attribute("rend") != Some("inline") && !source_nodes.contains(n)
            }) {
                render.note(note, None);
            }
        }
        for element in div.children() {
            render.node(element);
        }
        let Rendered { body, notes, pages, spans } = render.finish();

        let found = self.date(div, head);
        let mut record = Record::new(id, title, found.date);
        record.number = number;
        record.place = found.place;
        record.time = found.time;
        record.doc_type = DocType::from_title(&record.title);
        let (from, to) = people::from_and_to(head, &self.volume.id, &self.authorities);
        if record.doc_type == Some(DocType::RecordOfConversation) {
            // The edition marks who spoke, not who wrote to whom.
            record.participants = from.into_iter().chain(to).fold(Vec::new(), |mut all, name| {
                if !all.contains(&name) {
                    all.push(name);
                }
                all
            });
        } else {
            let derived = Correspondents::from_title(&record.title);
            record.authors = if from.is_empty() { derived.authors } else { from };
            record.recipients = if to.is_empty() { derived.recipients } else { to };
        }
        if let Some(note) = &source_note {
            let read = source::read(note);
            record.source_note = Some(read.text);
            record.citation = Some(Citation { text: String::new(), parts: read.parts });
        }

        // What the edition says of the text's language: in its source note, an editorial mark,
        // or a note on the title.
        let mut sayings: Vec<String> = source_note.iter().cloned().collect();
        for note in &own_notes {
            let marked = note.attribute("type") == Some("source")
                || head.is_some_and(|h| note.ancestors().any(|a| a == h));
            if marked && !source_nodes.contains(note) {
                sayings.push(plain(*note));
            }
        }
        let translation = sayings.iter().find_map(|s| source::translation(s));
        let mut text = match &translation {
            Some(translation) => {
                record.original_languages.extend(translation.from.clone());
                Text::new(
                    TextKind::Translation,
                    Language::from_code("eng"),
                    "Translation - English".into(),
                    body,
                )
            }
            None => {
                record.original_languages.extend(Language::from_code("eng"));
                Text::new(
                    TextKind::Original,
                    Language::from_code("eng"),
                    "Original - English".into(),
                    body,
                )
            }
        };
        (text.notes, text.pages, text.spans) = (notes, pages, spans);
        record.texts.push(text);
        self.finish_record(&mut record, div, path, collection, &local);
        self.tally.documents += 1;
        self.records.push((record, at));
    }

    /// A calendar entry: its parts read from its head ([`calendar`]).
    #[allow(clippy::too_many_arguments)]
    fn calendar_entry(
        &mut self,
        id: RecordId,
        div: Node<'_, '_>,
        path: &[String],
        collection: &str,
        local: &str,
        number: Option<String>,
        head: &str,
    ) -> Record {
        let entry = calendar::read(head);
        let title = if entry.description.is_empty() {
            format!("Document {}", number.as_deref().unwrap_or(local))
        } else {
            entry.description.clone()
        };
        let date = match entry.date.as_deref() {
            Some(printed) => DocDate::new(
                printed.to_string(),
                crate::date_phrase::normalize(printed).ok().flatten(),
            ),
            None => DocDate::new("Undated".into(), None),
        };
        let mut record = Record::new(id, title, date);
        record.kind = RecordKind::CalendarEntry;
        record.number = number;
        record.doc_type = DocType::from_title(&entry.description);
        let derived = Correspondents::from_title(&entry.description);
        (record.authors, record.recipients) = (derived.authors, derived.recipients);
        record.summary = Some(head.trim().to_string()).filter(|s| !s.is_empty());
        record.page_count = calendar::page_count(div).or(entry.pages);
        record.page_images = calendar::page_images(div);
        if let Some(source) = &entry.source {
            let read = source::read(source);
            record.source_note = Some(read.text);
            record.citation = Some(Citation { text: String::new(), parts: read.parts });
        }
        if let Some(citation) = record.citation.as_mut() {
            citation.parts.classification = entry.classification.clone();
        } else if entry.classification.is_some() {
            record.citation = Some(Citation {
                text: String::new(),
                parts: CitationParts {
                    classification: entry.classification.clone(),
                    ..CitationParts::default()
                },
            });
        }
        self.finish_record(&mut record, div, path, collection, local);
        record
    }

    /// A note's text, paragraphs kept.
    fn note_text(&self, note: Node<'_, '_>) -> String {
        let mut render = Render::new(&self.volume.id, Vec::new());
        for child in note.children() {
            render.node(child);
        }
        render.finish().body
    }

    /// Once every record is read: dates supplied, citations written, limits checked.
    fn finish(&mut self) {
        let (mut records, offsets): (Vec<Record>, Vec<usize>) =
            std::mem::take(&mut self.records).into_iter().unzip();
        let volume = dates::VolumeDates {
            title: &self.volume.title,
            published: self.volume.published.as_deref(),
        };
        dates::supply(&mut records, &volume);
        // A reference to a document of this volume that is not in it (a slip of the encoding,
        // `#d349` in a volume of 324) stays text.
        let keys: std::collections::HashSet<String> = records.iter().map(|r| r.id.key()).collect();
        let prefix = format!("{}/", self.volume.id.to_ascii_lowercase());
        for text in records.iter_mut().flat_map(|r| r.texts.iter_mut()) {
            text.spans.retain(|span| match &span.kind {
                SpanKind::Reference(target) => {
                    let record = target.split('#').next().unwrap_or(target).to_ascii_lowercase();
                    !record.starts_with(&prefix) || keys.contains(&record)
                }
                _ => true,
            });
        }
        let mut kept = Vec::with_capacity(records.len());
        for (mut record, at) in records.into_iter().zip(offsets) {
            let text = self.volume.cite(&record);
            if let Some(citation) = record.citation.as_mut() {
                citation.text = text;
            }
            if let Some(problem) = limits::record_problem(&record) {
                let line = line_of(self.document.input_text(), at);
                self.error(line, format!("document `{}`: {}", record.id, problem.message));
                continue;
            }
            kept.push((record, at));
        }
        self.records = kept;
    }
}

/// A page break's label (`@n`, else its id), as a text-format page mark can hold it.
fn page_label(pb: Node<'_, '_>) -> String {
    let raw = pb.attribute("n").or_else(|| xml_id(pb)).unwrap_or("?");
    let label: String = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('}', ")")
        .chars()
        .take(40)
        .collect();
    if label.is_empty() { "?".into() } else { label }
}

/// The last page break before a node in document order (roxmltree's sibling and ancestor
/// iterators start at the node itself, hence the `skip(1)`s).
fn page_before<'a, 'input>(node: Node<'a, 'input>) -> Option<Node<'a, 'input>> {
    let mut current = node;
    loop {
        for sibling in current.prev_siblings().skip(1) {
            if is(sibling, "pb") {
                return Some(sibling);
            }
            if let Some(last) = sibling.descendants().rfind(|d| is(*d, "pb")) {
                return Some(last);
            }
        }
        current = current.parent()?;
    }
}

/// "249. Memorandum…" (or "59.Intelligence…") → ("249", "Memorandum…").
fn split_number(title: &str) -> (Option<String>, String) {
    let digits: String = title.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty()
        && let Some(rest) = title[digits.len()..].strip_prefix('.')
        && !rest.starts_with(|c: char| c.is_ascii_digit())
    {
        return (Some(digits), rest.trim().to_string());
    }
    (None, title.to_string())
}

#[cfg(test)]
mod tests;
