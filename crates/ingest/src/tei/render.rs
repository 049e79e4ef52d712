//! A document's TEI as plain text: paragraphs and lines, footnotes lifted out with their anchor
//! offsets, page breaks as offsets, and the structure as spans: inner headings, quotations, lists,
//! tables, openers and closers (each paragraph of the outermost such element a span), and
//! references to other documents (`<ref target="#d241">` → `<volume>/d241`).

use chancery_model::record::{Note, PageBreak, Span, SpanKind};
use roxmltree::{Node, NodeId};

use super::{LINES, PARAGRAPHS, SKIP, is_document, page_label, xml_id};
use crate::limits::MAX_XML_DEPTH;
use crate::text::is_reference_target;

/// How much space is owed before the next text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Break {
    #[default]
    None,
    Space,
    Line,
    Paragraph,
}

/// What a document's body renders to.
pub(super) struct Rendered {
    pub(super) body: String,
    pub(super) notes: Vec<Note>,
    pub(super) pages: Vec<PageBreak>,
    pub(super) spans: Vec<Span>,
}

/// Plain-text rendering of a document's body (see the module docs).
#[derive(Default)]
pub(super) struct Render<'v> {
    body: String,
    pending: Break,
    pub(super) pending_pages: Vec<String>,
    notes: Vec<Note>,
    pages: Vec<PageBreak>,
    spans: Vec<Span>,
    /// Open table cells in the current row.
    cell_open: bool,
    /// Elements open around the current node (bounded by [`MAX_XML_DEPTH`], which the reader
    /// has checked, so that rendering never recurses without a bound).
    depth: usize,
    /// The volume, for references into it.
    volume: &'v str,
    /// Nodes the record holds elsewhere (its source note), left out of the text.
    skipped: Vec<NodeId>,
    /// The outermost structural element being rendered: its kind, and where its text starts.
    block: Option<(SpanKind, Option<usize>)>,
    /// The reference being rendered: its target, and where its text starts.
    reference: Option<(String, Option<usize>)>,
}

/// A reference's target as a record (`#d241` → `<volume>/d241`, `#d241fn3` → `<volume>/d241#fn3`,
/// `frus1961-63v10` as it is); `None` for a part of this volume that is no record (a page, a
/// footnote here).
pub(super) fn reference_target(volume: &str, raw: &str) -> Option<String> {
    let raw = raw.split_whitespace().next()?;
    let target = match raw.strip_prefix('#') {
        Some(local) => {
            let digits = local.strip_prefix('d')?;
            let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
            if end == 0 {
                return None;
            }
            let (document, rest) = local.split_at(end + 1);
            if rest.is_empty() {
                format!("{volume}/{document}")
            } else {
                format!("{volume}/{document}#{rest}")
            }
        }
        None => raw.split('#').next().unwrap_or(raw).to_string(),
    };
    is_reference_target(&target).then_some(target)
}

/// The kind of structure an element is, if it is one.
fn block_kind(node: Node<'_, '_>) -> Option<SpanKind> {
    match node.tag_name().name() {
        "head" => Some(SpanKind::Heading),
        "quote" => Some(SpanKind::Quote),
        "list" => Some(SpanKind::List),
        "table" => Some(SpanKind::Table),
        "opener" => Some(SpanKind::Opener),
        "closer" => Some(SpanKind::Closer),
        _ => None,
    }
}

impl<'v> Render<'v> {
    /// A renderer for a document of `volume`, leaving `skipped` nodes out.
    pub(super) fn new(volume: &'v str, skipped: Vec<NodeId>) -> Render<'v> {
        Render { volume, skipped, ..Render::default() }
    }

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
            if let Some((_, start @ None)) = &mut self.block {
                *start = Some(self.body.len());
            }
            if let Some((_, start @ None)) = &mut self.reference {
                *start = Some(self.body.len());
            }
            self.body.push(c);
        }
    }

    fn block(&mut self, kind: Break) {
        self.pending = self.pending.max(kind);
    }

    pub(super) fn node(&mut self, node: Node<'_, '_>) {
        if node.is_text() {
            self.push_text(node.text().unwrap_or_default());
            return;
        }
        if !node.is_element() || self.skipped.contains(&node.id()) {
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
        // Only the outermost structural element gives spans; a reference inside a reference
        // is text of the outer one.
        let opened_block = match (&self.block, block_kind(node)) {
            (None, Some(span_kind)) => {
                self.block = Some((span_kind, None));
                true
            }
            _ => false,
        };
        let target = (name == "ref" && self.reference.is_none())
            .then(|| node.attribute("target").and_then(|t| reference_target(self.volume, t)))
            .flatten();
        let opened_reference = target.is_some();
        if let Some(target) = target {
            self.reference = Some((target, None));
        }
        if self.depth < MAX_XML_DEPTH {
            self.depth += 1;
            for child in node.children() {
                self.node(child);
            }
            self.depth -= 1;
        }
        if opened_reference && let Some((target, Some(start))) = self.reference.take() {
            self.spans.push(Span {
                kind: SpanKind::Reference(target),
                start,
                end: self.body.len(),
            });
        }
        if opened_block && let Some((span_kind, Some(start))) = self.block.take() {
            // One span a paragraph: a quotation of two paragraphs is two quoted paragraphs.
            let end = self.body.len();
            let mut at = start;
            for paragraph in self.body[start..end].split("\n\n") {
                if !paragraph.is_empty() {
                    self.spans.push(Span {
                        kind: span_kind.clone(),
                        start: at,
                        end: at + paragraph.len(),
                    });
                }
                at += paragraph.len() + 2;
            }
        }
        self.block(kind);
        if name == "label" {
            self.block(Break::Space);
        }
    }

    /// Renders a footnote's text on its own and records it.
    pub(super) fn note(&mut self, node: Node<'_, '_>, anchor: Option<usize>) {
        let mut inner = Render {
            depth: self.depth + 1,
            volume: self.volume,
            skipped: self.skipped.clone(),
            ..Render::default()
        };
        if inner.depth <= MAX_XML_DEPTH {
            for child in node.children() {
                inner.node(child);
            }
        }
        let Rendered { body: text, notes: nested, .. } = inner.finish();
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

    pub(super) fn finish(mut self) -> Rendered {
        let end = self.body.len();
        for label in self.pending_pages.drain(..) {
            self.pages.push(PageBreak { label, offset: end });
        }
        // Blocks come before the references that start with them.
        self.spans.sort_by_key(|s| (s.start, !s.kind.is_block()));
        Rendered { body: self.body, notes: self.notes, pages: self.pages, spans: self.spans }
    }
}
