//! TEI P5 volumes (as the Office of the Historian publishes FRUS): one record per
//! `div[@type='document']`.
//!
//! For each document:
//! - **id** `<volume>/<xml:id>` as the edition spells them, the volume being the root `@xml:id`, else
//!   `idno[@type='frus']`, else the file name; the permalink is
//!   `https://history.state.gov/historicaldocuments/<volume>/<xml:id>`;
//! - **title** the `head` without its notes, whitespace collapsed, without the number prefix
//!   ("249. "), which becomes the document **number** (or `@n`);
//! - **date** from `@frus:doc-dateTime-min/max` on the div, else the first `date` of a
//!   `dateline` (`@when`, `@from`/`@to` as an interval, `@notBefore`/`@notAfter`), else the first
//!   `date` in the head; printed as its text; the time of day and the dateline's `placeName` kept;
//! - **authors/recipients** from head elements with `@type='from'`/`'to'`, else from the title;
//! - **citation** the source note (`note[@type='source']`) read into archive, fonds, signature and
//!   classification, with the volume as publisher and the permalink;
//! - **text** (English) rendered to plain text: paragraphs and block elements separated by blank
//!   lines, lines (`item`, `row`, `signed`, `lb`…) by line breaks, table cells by " | ", inline
//!   source notes in place; footnotes lifted out with their anchor offsets; page breaks (`pb`)
//!   kept as offsets without adding a space, so words split across pages rejoin;
//! - **collections** the volume title and the heads of the enclosing compilation, chapter and
//!   subchapter divs, outermost first;
//! - **tei** the document's XML, verbatim.
//!
//! A nested document with its own `xml:id` is a record of its own and left out of its parent's
//! text. Malformed XML is an error with line and column; a duplicated `xml:id` and a byte-order
//! mark are warnings.

use std::collections::HashMap;

use chancery_model::agents::Correspondents;
use chancery_model::authority::{Authority, AuthorityKind, Collection};
use chancery_model::date::{DocDate, Edtf, EdtfDate, IntervalEnd};
use chancery_model::doc_type::DocType;
use chancery_model::id::RecordId;
use chancery_model::language::Language;
use chancery_model::record::{Citation, CitationParts, Note, PageBreak, Record, Text, TextKind};
use roxmltree::{Document, Node, ParsingOptions};

use crate::limits::{self, MAX_XML_DEPTH};
use crate::{Diagnostic, Format, Parsed, Severity, Source, date_phrase};

mod html;

pub use html::{check_fragment, to_html};

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
/// Elements that are not text of the document.
const SKIP: &[&str] = &["graphic", "figDesc", "fw"];

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
        diagnostics,
    };
    reader.check_ids();
    if let Some(body) = child(root, "text").and_then(|t| child(t, "body")) {
        let mut path = Vec::new();
        reader.walk(body, &mut path, &volume_id);
    }
    let mut parsed = Parsed {
        records: reader.records,
        authorities: reader.authorities.into_values().collect(),
        collections: reader.collections,
        diagnostics: reader.diagnostics,
    };
    parsed.authorities.sort_by(|a, b| a.key.cmp(&b.key));
    if parsed.records.is_empty() && !parsed.has_errors() {
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

/// What the volume says about itself.
struct Volume {
    id: String,
    title: String,
    editors: Vec<String>,
    published: Option<String>,
}

impl Volume {
    fn read(root: Node<'_, '_>, path: &str) -> Volume {
        let header = child(root, "teiHeader");
        let find = |name: &str, attribute: (&str, &str)| {
            header.and_then(|h| {
                h.descendants()
                    .find(|n| is(*n, name) && n.attribute(attribute.0) == Some(attribute.1))
                    .map(plain)
            })
        };
        let stem = std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let id = xml_id(root)
            .map(str::to_string)
            .or_else(|| find("idno", ("type", "frus")))
            .unwrap_or(stem);
        let title = find("title", ("type", "complete"))
            .or_else(|| header.and_then(|h| h.descendants().find(|n| is(*n, "title")).map(plain)))
            .unwrap_or_else(|| id.clone());
        let editors = header
            .map(|h| {
                h.descendants()
                    .filter(|n| is(*n, "editor"))
                    .map(plain)
                    .filter(|e| !e.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let published = header
            .and_then(|h| h.descendants().find(|n| is(*n, "publicationStmt")))
            .and_then(|p| child(p, "date"))
            .map(plain)
            .filter(|d| !d.is_empty());
        Volume { id, title, editors, published }
    }
}

/// The persons (`list[@type='names']`) and terms (`list[@type='terms']`) of a volume's front
/// matter: each item's `persName` or `term` with an `xml:id` names the entry; the rest of the
/// item describes it.
fn authorities(root: Node<'_, '_>, volume: &str) -> HashMap<String, Authority> {
    let mut out = HashMap::new();
    let Some(front) = child(root, "text").and_then(|t| child(t, "front")) else { return out };
    for list in front.descendants().filter(|n| is(*n, "list")) {
        let (kind, element) = match list.attribute("type") {
            Some("names") => (AuthorityKind::Person, "persName"),
            Some("terms") => (AuthorityKind::Term, "term"),
            _ => continue,
        };
        for item in list.children().filter(|n| is(*n, "item")) {
            let Some(name_node) =
                item.descendants().find(|n| is(*n, element) && xml_id(*n).is_some())
            else {
                continue;
            };
            let id = xml_id(name_node).expect("found by its xml:id");
            let name = plain(name_node);
            let full = plain(item);
            let description = full
                .strip_prefix(&name)
                .unwrap_or(&full)
                .trim_start_matches([',', ' '])
                .trim()
                .to_string();
            let key = format!("{}#{id}", volume.to_lowercase());
            out.entry(key.clone()).or_insert(Authority { key, kind, name, description });
        }
    }
    out
}

struct Reader<'a, 'input> {
    authorities: HashMap<String, Authority>,
    collections: Vec<Collection>,
    source: &'a Source<'a>,
    document: &'a Document<'input>,
    volume: &'a Volume,
    /// Computed once: hashing the volume per document would cost more than parsing it.
    provenance: chancery_model::record::Provenance,
    records: Vec<Record>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a, 'input> Reader<'a, 'input> {
    fn line(&self, node: Node<'_, '_>) -> usize {
        self.document.text_pos_at(node.range().start).row as usize
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
                // Documents nested in it (enclosures) with their own id are records too, in
                // document order; the parent's text leaves them out.
                let nested: Vec<Node<'a, 'input>> = element
                    .descendants()
                    .skip(1)
                    .filter(|n| is_document(*n) && xml_id(*n).is_some())
                    .collect();
                for document in nested {
                    self.document_div(document, path, parent);
                }
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

    fn document_div(&mut self, div: Node<'a, 'input>, path: &[String], collection: &str) {
        let doc_xml_id = match xml_id(div) {
            Some(id) => id.to_string(),
            None => {
                let position = self
                    .document
                    .descendants()
                    .filter(|n| is_document(*n))
                    .position(|n| n == div)
                    .unwrap_or(0)
                    + 1;
                format!("anon{position}")
            }
        };
        // The edition's own spelling (`frus1917-72PubDip/d1`): ids ignore case, but keep it.
        let id_text = format!("{}/{}", self.volume.id, doc_xml_id);
        let id = match RecordId::parse(&id_text) {
            Ok(id) => id,
            Err(error) => {
                let line = self.line(div);
                self.diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    path: self.source.path.to_string(),
                    line: Some(line),
                    message: format!("cannot make a record id from `{id_text}`: {error}"),
                });
                return;
            }
        };
        let head = child(div, "head");
        let full_title = head.map(plain).unwrap_or_default();
        let (number, title) = split_number(&full_title);
        let number = div.attribute("n").map(str::to_string).or(number);
        let title = if title.is_empty() {
            format!("Document {}", number.as_deref().unwrap_or(&doc_xml_id))
        } else {
            title
        };

        let mut render = Render::default();
        // The page the document starts on: the last page break before it, unless it opens with
        // one of its own.
        let opens_with_page = div
            .children()
            .filter(|n| n.is_element())
            .find(|n| !is(*n, "head"))
            .is_some_and(|n| is(n, "pb"));
        if !opens_with_page && let Some(page) = page_before(div) {
            render.pending_pages.push(page_label(page));
        }
        if let Some(head) = head {
            // The head's notes (the source note, usually) are notes on the title.
            for note in head
                .descendants()
                .filter(|n| is(*n, "note") && n.attribute("rend") != Some("inline"))
            {
                render.note(note, None);
            }
        }
        for element in div.children() {
            if Some(element) == head {
                continue;
            }
            if is_document(element) && xml_id(element).is_some() {
                continue;
            }
            render.node(element);
        }
        let (body, notes, pages) = render.finish();

        let date = self.date(div, head);
        let mut record = Record::new(id, title, date.printed_date);
        record.number = number;
        record.place = date.place;
        record.time = date.time;
        record.doc_type = DocType::from_title(&record.title);
        let (authors, recipients) = correspondents(head);
        let derived = Correspondents::from_title(&record.title);
        record.authors = if authors.is_empty() { derived.authors } else { authors };
        record.recipients = if recipients.is_empty() { derived.recipients } else { recipients };
        let own_notes = || div.descendants().filter(|n| is(*n, "note") && belongs_to(*n, div));
        // Some volumes leave the type off: then the head's note that starts "Source:" is it.
        let source_note = own_notes()
            .find(|n| n.attribute("type") == Some("source"))
            .or_else(|| {
                own_notes().find(|n| {
                    head.is_some_and(|h| n.ancestors().any(|a| a == h))
                        && plain(*n).to_ascii_lowercase().starts_with("source:")
                })
            })
            .map(plain);
        let permalink = format!(
            "https://history.state.gov/historicaldocuments/{}/{}",
            self.volume.id, doc_xml_id
        );
        record.citation =
            Some(citation(source_note, &self.volume.title, record.number.as_deref(), permalink));
        record.collections =
            std::iter::once(self.volume.title.clone()).chain(path.iter().cloned()).collect();
        record.collection_id = Some(collection.to_string());
        // The persons and terms the document refers to (`corresp`, `target`), first mention first.
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
        let mut text = Text::new(
            TextKind::Original,
            Language::from_code("eng"),
            "Original - English".into(),
            body,
        );
        text.notes = notes;
        text.pages = pages;
        record.texts.push(text);
        record.tei = Some(self.document.input_text()[div.range()].to_string());
        record.provenance = Some(self.provenance.clone());
        if let Some(problem) = limits::record_problem(&record) {
            let line = self.line(div);
            self.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: self.source.path.to_string(),
                line: Some(line),
                message: format!("document `{}`: {}", record.id, problem.message),
            });
            return;
        }
        self.records.push(record);
    }

    fn date(&mut self, div: Node<'_, '_>, head: Option<Node<'_, '_>>) -> FoundDate {
        let attribute =
            |name: &str| div.attributes().find(|a| a.name() == name).map(|a| a.value().to_string());
        let own = |n: &Node<'_, '_>| {
            belongs_to(*n, div)
                && !n.ancestors().skip(1).take_while(|a| *a != div).any(|a| is(a, "note"))
        };
        // The first dateline date with a date attribute (some volumes mark a place as a date,
        // "<date>Washington</date>", before the real one), else the first dateline date.
        let has_attribute = |n: &Node<'_, '_>| {
            ["when", "from", "notBefore", "to"].iter().any(|a| n.attribute(*a).is_some())
        };
        let dateline_dates: Vec<Node<'_, '_>> = div
            .descendants()
            .filter(|n| is(*n, "date") && own(n) && n.ancestors().any(|a| is(a, "dateline")))
            .collect();
        let dateline_date =
            dateline_dates.iter().find(|n| has_attribute(n)).or(dateline_dates.first()).copied();
        let head_date = head.and_then(|h| {
            let dates: Vec<Node<'_, '_>> =
                h.descendants().filter(|n| is(*n, "date") && own(n)).collect();
            dates.iter().find(|n| has_attribute(n)).or(dates.first()).copied()
        });
        let date_node = dateline_date.or(head_date);
        let place = div
            .descendants()
            .find(|n| is(*n, "placeName") && own(n) && n.ancestors().any(|a| is(a, "dateline")))
            .map(plain);
        let printed = date_node.map(plain).filter(|p| !p.is_empty());
        let from_min =
            attribute("doc-dateTime-min").map(|min| (min, attribute("doc-dateTime-max")));
        let from_node = date_node.and_then(|n| {
            let get = |name: &str| n.attribute(name).map(str::to_string);
            get("when")
                .map(|when| (when, None))
                .or_else(|| get("from").map(|from| (from, get("to"))))
                .or_else(|| get("notBefore").map(|from| (from, get("notAfter"))))
                .or_else(|| get("to").map(|to| (to.clone(), Some(to))))
        });
        let attributes = from_min.or(from_node);
        let mut time = None;
        let edtf = match &attributes {
            Some((start, end)) => {
                time = time_of(start);
                let start_date = day_of(start);
                let end_date = end.as_deref().and_then(day_of);
                match (start_date, end_date) {
                    // Found by fuzzing: an interval that ends before it starts is no date.
                    (Some(start), Some(end)) if start.earliest() > end.latest() => {
                        let line = date_node.map_or(self.line(div), |n| self.line(n));
                        self.diagnostics.push(warning(self.source.path, Some(line), format!("the date attributes end ({end}) before they start ({start}); the date is read from its printed form")));
                        printed.as_deref().and_then(|p| date_phrase::normalize(p).ok().flatten())
                    }
                    (Some(start), Some(end)) if end != start => Some(Edtf::Interval {
                        start: IntervalEnd::Date(start),
                        end: IntervalEnd::Date(end),
                    }),
                    (Some(start), _) => Some(Edtf::Date(start)),
                    (None, _) => {
                        let line = date_node.map_or(self.line(div), |n| self.line(n));
                        self.diagnostics.push(warning(self.source.path, Some(line), format!("date attribute `{start}` is not ISO 8601; the date is kept as printed")));
                        None
                    }
                }
            }
            None => printed.as_deref().and_then(|p| date_phrase::normalize(p).ok().flatten()),
        };
        let printed = printed
            .or_else(|| edtf.map(|e| e.to_string()))
            .unwrap_or_else(|| "Undated".to_string());
        FoundDate { printed_date: DocDate::new(printed, edtf), place, time }
    }
}

struct FoundDate {
    printed_date: DocDate,
    place: Option<String>,
    time: Option<String>,
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

/// The date part of an ISO 8601 value (`1955-06-08T15:50:00` → 1955-06-08).
fn day_of(value: &str) -> Option<EdtfDate> {
    let date = value.split('T').next().unwrap_or(value);
    date.parse().ok().filter(|d: &EdtfDate| d.qualifier == chancery_model::date::Qualifier::None)
}

/// The time part of an ISO 8601 value, if any.
fn time_of(value: &str) -> Option<String> {
    value.split_once('T').map(|(_, time)| time.to_string()).filter(|t| !t.is_empty())
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

fn correspondents(head: Option<Node<'_, '_>>) -> (Vec<String>, Vec<String>) {
    let Some(head) = head else { return (Vec::new(), Vec::new()) };
    let mut authors = Vec::new();
    let mut recipients = Vec::new();
    for node in
        head.descendants().filter(|n| n.is_element() && !n.ancestors().any(|a| is(a, "note")))
    {
        let list = match node.attribute("type") {
            Some("from") => &mut authors,
            Some("to") => &mut recipients,
            _ => continue,
        };
        let name = plain(node);
        if !name.is_empty() && !list.contains(&name) {
            list.push(name);
        }
    }
    (authors, recipients)
}

const CLASSIFICATIONS: &[&str] = &[
    "Top Secret",
    "Secret",
    "Confidential",
    "Limited Official Use",
    "Official Use Only",
    "Restricted",
    "Unclassified",
    "Eyes Only",
];

/// The citation of a FRUS document: the source note read into its parts.
fn citation(
    source_note: Option<String>,
    volume: &str,
    number: Option<&str>,
    permalink: String,
) -> Citation {
    let edition = match number {
        Some(number) => format!("{volume}, Document {number}"),
        None => volume.to_string(),
    };
    let mut parts = CitationParts {
        publisher: Some(volume.to_string()),
        source_url: Some(permalink.clone()),
        ..CitationParts::default()
    };
    let Some(note) = source_note else {
        return Citation { text: format!("{edition}. {permalink}"), parts };
    };
    let body = note.trim();
    let body = ["Source:", "source:", "Source :"]
        .iter()
        .find_map(|p| body.strip_prefix(p))
        .unwrap_or(body)
        .trim();
    let sentences = sentences(body);
    if let Some(first) = sentences.first() {
        let first = first.trim_end_matches('.');
        if let Some(file) =
            first.strip_prefix("File No.").or_else(|| first.strip_prefix("File Nos."))
        {
            parts.signature = Some(file.trim().to_string());
        } else {
            let items: Vec<&str> =
                first.split(", ").map(str::trim).filter(|i| !i.is_empty()).collect();
            match items.as_slice() {
                [] => {}
                [archive] => parts.archive = Some((*archive).to_string()),
                [archive, signature] => {
                    parts.archive = Some((*archive).to_string());
                    parts.signature = Some((*signature).to_string());
                }
                [archive, fonds, rest @ ..] => {
                    parts.archive = Some((*archive).to_string());
                    parts.fonds = Some((*fonds).to_string());
                    parts.signature = Some(rest.join(", "));
                }
            }
        }
    }
    parts.classification = sentences
        .iter()
        .skip(1)
        .map(|s| s.trim_end_matches(['.', ';', ',']).trim())
        .find(|s| CLASSIFICATIONS.iter().any(|c| s.starts_with(c)))
        .map(|s| s.split([';', ',']).next().unwrap_or(s).trim().to_string());
    Citation { text: format!("{edition}. Source: {body} {permalink}"), parts }
}

/// Splits at ". " after a word that is not an abbreviation.
fn sentences(text: &str) -> Vec<&str> {
    const ABBREVIATIONS: &[&str] = &[
        "No", "Nos", "Vol", "p", "pp", "Dept", "Doc", "Box", "ff", "f", "op", "d", "Mr", "Mrs",
        "Dr", "Gen", "St",
    ];
    let mut out = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices(". ") {
        let word = text[start..at].rsplit([' ', '(']).next().unwrap_or_default();
        let initial = word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase());
        if ABBREVIATIONS.contains(&word) || initial {
            continue;
        }
        out.push(&text[start..=at]);
        start = at + 2;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// How much space is owed before the next text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Break {
    #[default]
    None,
    Space,
    Line,
    Paragraph,
}

/// Plain-text rendering of a document's body (see the module docs).
#[derive(Default)]
struct Render {
    body: String,
    pending: Break,
    pending_pages: Vec<String>,
    notes: Vec<Note>,
    pages: Vec<PageBreak>,
    /// Open table cells in the current row.
    cell_open: bool,
    /// Elements open around the current node (bounded by [`MAX_XML_DEPTH`], which the reader
    /// has checked, so that rendering never recurses without a bound).
    depth: usize,
}

impl Render {
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.pending = self.pending.max(Break::Space);
                continue;
            }
            if !self.body.is_empty() {
                match self.pending {
                    Break::Paragraph => self.body.push_str("\n\n"),
                    Break::Line => self.body.push('\n'),
                    Break::Space => self.body.push(' '),
                    Break::None => {}
                }
            }
            self.pending = Break::None;
            for label in self.pending_pages.drain(..) {
                self.pages.push(PageBreak { label, offset: self.body.len() });
            }
            self.body.push(c);
        }
    }

    fn block(&mut self, kind: Break) {
        self.pending = self.pending.max(kind);
    }

    fn node(&mut self, node: Node<'_, '_>) {
        if node.is_text() {
            self.push_text(node.text().unwrap_or_default());
            return;
        }
        if !node.is_element() {
            return;
        }
        let name = node.tag_name().name();
        if SKIP.contains(&name) || (is_document(node) && xml_id(node).is_some()) {
            return;
        }
        match name {
            "pb" => {
                let label = page_label(node);
                self.pending_pages.push(label);
                return;
            }
            "lb" => {
                self.block(Break::Line);
                return;
            }
            "note" if node.attribute("rend") != Some("inline") => {
                let anchor = self.body.len();
                self.note(node, Some(anchor));
                return;
            }
            "cell" => {
                if self.cell_open {
                    self.pending = self.pending.max(Break::Space);
                    self.push_text("|");
                    self.pending = Break::Space;
                }
                self.cell_open = true;
            }
            _ => {}
        }
        let kind = if PARAGRAPHS.contains(&name) || name == "note" {
            Break::Paragraph
        } else if LINES.contains(&name) {
            Break::Line
        } else {
            Break::None
        };
        if name == "row" {
            self.cell_open = false;
        }
        self.block(kind);
        if self.depth < MAX_XML_DEPTH {
            self.depth += 1;
            for child in node.children() {
                self.node(child);
            }
            self.depth -= 1;
        }
        self.block(kind);
        if name == "label" {
            self.block(Break::Space);
        }
    }

    /// Renders a footnote's text on its own and records it.
    fn note(&mut self, node: Node<'_, '_>, anchor: Option<usize>) {
        let mut inner = Render { depth: self.depth + 1, ..Render::default() };
        if inner.depth <= MAX_XML_DEPTH {
            for child in node.children() {
                inner.node(child);
            }
        }
        let (text, nested, _) = inner.finish();
        // Labels must stand in a text-format mark: no white space or brackets.
        let label: String = node
            .attribute("n")
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '[' | ']' | '{' | '}'))
            .take(24)
            .collect();
        let label = if label.is_empty() { (self.notes.len() + 1).to_string() } else { label };
        let kind = node.attribute("type").map(str::to_string);
        self.notes.push(Note { label, kind, anchor, text: text.replace("\n\n", "\n") });
        // A note within a note (rare) becomes a note of its own, anchored where its parent is.
        for note in nested {
            self.notes.push(Note { anchor, ..note });
        }
    }

    fn finish(mut self) -> (String, Vec<Note>, Vec<PageBreak>) {
        let end = self.body.len();
        for label in self.pending_pages.drain(..) {
            self.pages.push(PageBreak { label, offset: end });
        }
        (self.body, self.notes, self.pages)
    }
}

#[cfg(test)]
mod tests;
