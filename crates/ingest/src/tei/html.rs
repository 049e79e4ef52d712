//! A document's TEI rendered as safe HTML.
//!
//! Only elements we know become HTML, each mapped to a fixed tag and class; every text and every
//! attribute value we copy is escaped; nothing else of the source reaches the output, so no
//! markup in a TEI file can inject script, styles or links. Footnotes become numbered references
//! (`<sup><a href="#fn-…" id="fnref-…">`) and a closing list whose items link back; page breaks
//! become `<span class="pb" id="page-…">` anchors, so a passage can be cited by page.

use std::collections::HashSet;
use std::fmt::Write as _;

use roxmltree::{Document, Node, ParsingOptions};

use super::render::reference_target;
use super::{XML_NS, is, is_document, plain, too_deep, xml_id};
use crate::limits::MAX_XML_DEPTH;
use chancery_model::archives;

/// A document's TEI fragment (as kept in `Record::tei`) with the namespace declarations of the
/// volume it was cut from.
fn wrap_fragment(tei: &str) -> String {
    format!(
        "<wrapper xmlns=\"http://www.tei-c.org/ns/1.0\" xmlns:frus=\"http://history.state.gov/ns/1.0\">{tei}</wrapper>"
    )
}

/// Checks a TEI fragment the way [`to_html`] reads it: well-formed, no DTD, nested at most
/// [`MAX_XML_DEPTH`] deep. The importer checks JSON records' fragments with it.
pub fn check_fragment(tei: &str) -> Result<(), String> {
    fragment_document(&wrap_fragment(tei)).map(|_| ())
}

/// Parses a wrapped fragment, refusing what nests too deep before anything recursive sees it
/// (a record stored before the importer bounded the nesting must not take the server's stack
/// with it).
fn fragment_document(wrapped: &str) -> Result<Document<'_>, String> {
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let document = Document::parse_with_options(wrapped, options)
        .map_err(|e| format!("the TEI does not parse as XML: {e}"))?;
    if let Some(node) = too_deep(&document) {
        return Err(format!(
            "<{}> is nested more than {MAX_XML_DEPTH} elements deep (MAX_XML_DEPTH): flatten the markup",
            node.tag_name().name()
        ));
    }
    Ok(document)
}

/// What a rendering links to, and what the page around it shows apart.
#[derive(Debug, Clone, Copy, Default)]
pub struct Links<'a> {
    /// The volume the document belongs to (`frus1955-57v26`), for references inside it
    /// (`<ref target="#d241">`).
    pub volume: &'a str,
    /// Where record pages live (`/records/`), a reference's target appended; empty for
    /// references without links.
    pub records: &'a str,
    /// Whether the page shows the source note apart, so that it is no footnote too.
    pub source_note_apart: bool,
    /// The records a reference may link to (the import kept only references to records that
    /// exist); others stay text.
    pub targets: &'a [&'a str],
    /// Pages of the persons the volume's persons list names, by the entry's id (`p_TMJB1`,
    /// `/people/tito-josip-broz`): a `persName` that refers to one links to it.
    pub people: &'a [(&'a str, &'a str)],
}

/// Whether a note is the document's source note (a bracketed editorial mark marked as a source,
/// "[Telegram]", is text).
fn is_source_note(note: Node<'_, '_>) -> bool {
    let text = plain(note);
    if note.attribute("type") == Some("source") {
        return !archives::is_editorial_mark(&text);
    }
    note.ancestors().any(|a| is(a, "head")) && text.to_ascii_lowercase().starts_with("source:")
}

/// Renders one document's TEI (as kept in `Record::tei`) to HTML: the body (without the head,
/// which pages show as the title) followed by the footnotes, the head's own notes first.
pub fn to_html(tei: &str, links: &Links<'_>) -> Result<String, String> {
    let wrapped = wrap_fragment(tei);
    let document = fragment_document(&wrapped)?;
    let div = document
        .root_element()
        .children()
        .find(|n| n.is_element())
        .ok_or("the stored TEI is empty")?;
    let mut html = Html {
        volume: links.volume.to_string(),
        records: links.records.to_string(),
        source_note_apart: links.source_note_apart,
        targets: links.targets.iter().map(|t| t.to_ascii_lowercase()).collect(),
        people: links.people.iter().map(|(id, href)| (id.to_string(), href.to_string())).collect(),
        ..Html::default()
    };
    let head = div.children().find(|n| is(*n, "head"));
    if let Some(head) = head {
        for note in
            head.descendants().filter(|n| is(*n, "note") && n.attribute("rend") != Some("inline"))
        {
            if !(links.source_note_apart && is_source_note(note)) {
                html.footnote(note, false);
            }
        }
    }
    // The first head is the title; later ones are headings inside the document.
    for node in div.children().filter(|n| Some(*n) != head) {
        html.node(node);
    }
    let mut out = html.out;
    if !html.notes.is_empty() {
        out.push_str("<section class=\"notes\"><h2>Notes</h2><ol>");
        for note in &html.notes {
            out.push_str(note);
        }
        out.push_str("</ol></section>");
    }
    Ok(out)
}

#[derive(Default)]
struct Html {
    out: String,
    notes: Vec<String>,
    ids: HashSet<String>,
    /// Elements open around the current node; [`to_html`] has checked the whole document
    /// against [`MAX_XML_DEPTH`], and this bounds the recursion again where notes nest.
    depth: usize,
    /// See [`Links`].
    volume: String,
    records: String,
    source_note_apart: bool,
    targets: Vec<String>,
    people: Vec<(String, String)>,
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A value safe in an `id` or `href="#…"`: letters, digits, `-` and `_` only.
fn token(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect()
}

impl Html {
    fn unique(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    fn children(&mut self, node: Node<'_, '_>) {
        if self.depth >= MAX_XML_DEPTH {
            return;
        }
        self.depth += 1;
        for child in node.children() {
            self.node(child);
        }
        self.depth -= 1;
    }

    fn wrap(&mut self, open: &str, close: &str, node: Node<'_, '_>) {
        self.out.push_str(open);
        self.children(node);
        self.out.push_str(close);
    }

    /// A name or term: a link to its person where the volume's persons list entry it refers to
    /// has one (never inside a reference, which is a link already), a marked span otherwise.
    /// Apart from [`Html::node`] so that its locals do not grow every level of the recursion.
    #[inline(never)]
    fn name_element(&mut self, node: Node<'_, '_>) {
        let target =
            node.attribute("corresp").or_else(|| node.attribute("target")).unwrap_or_default();
        // Only references into the volume (`#p_TMJB1`) are kept.
        let reference = target.strip_prefix('#').map(token).unwrap_or_default();
        let person = is(node, "persName")
            .then(|| self.people.iter().find(|(id, _)| *id == reference))
            .flatten()
            .filter(|_| !node.ancestors().any(|a| is(a, "ref")));
        if let Some((_, href)) = person {
            let open = format!(
                "<a class=\"persName\" data-ref=\"{reference}\" href=\"{}\">",
                escape(href)
            );
            self.wrap(&open, "</a>", node);
            return;
        }
        let open = if reference.is_empty() {
            format!("<span class=\"{}\">", node.tag_name().name())
        } else {
            format!("<span class=\"{}\" data-ref=\"{reference}\">", node.tag_name().name())
        };
        self.wrap(&open, "</span>", node);
    }

    fn node(&mut self, node: Node<'_, '_>) {
        if node.is_text() {
            let text = node.text().unwrap_or_default();
            // Collapse source indentation; HTML collapses it too, but smaller pages read faster.
            let mut last_space = false;
            for c in text.chars() {
                if c.is_whitespace() {
                    if !last_space {
                        self.out.push(' ');
                    }
                    last_space = true;
                } else {
                    last_space = false;
                    self.out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
                }
            }
            return;
        }
        if !node.is_element() || (is_document(node) && xml_id(node).is_some()) {
            return;
        }
        let rend = node.attribute("rend").unwrap_or_default();
        let class_of = |base: &str| {
            let rend = token(rend);
            if rend.is_empty() { base.to_string() } else { format!("{base} rend-{rend}") }
        };
        match node.tag_name().name() {
            "p" | "ab" => {
                let open = format!("<p class=\"{}\">", class_of("p"));
                self.wrap(&open, "</p>", node);
            }
            "dateline" => self.wrap("<p class=\"dateline\">", "</p>", node),
            "opener" | "closer" | "postscript" | "byline" | "trailer" | "argument" | "epigraph"
            | "address" => {
                let open = format!("<div class=\"{}\">", node.tag_name().name());
                self.wrap(&open, "</div>", node);
            }
            "salute" | "signed" | "addrLine" | "docDate" | "docAuthor" => {
                let open = format!("<p class=\"{}\">", node.tag_name().name());
                self.wrap(&open, "</p>", node);
            }
            "head" if node.parent().is_some_and(|p| is(p, "list")) => {
                self.wrap("<li class=\"list-head\">", "</li>", node)
            }
            "head" => self.wrap("<h3 class=\"head\">", "</h3>", node),
            "list" => {
                let kind = token(node.attribute("type").unwrap_or("simple"));
                let open = format!("<ul class=\"list list-{kind}\">");
                self.wrap(&open, "</ul>", node);
            }
            "item" => self.wrap("<li>", "</li>", node),
            "label" => self.wrap("<span class=\"label\">", "</span> ", node),
            "table" => self.wrap("<table class=\"tei-table\">", "</table>", node),
            "row" => self.wrap("<tr>", "</tr>", node),
            "cell" => self.wrap("<td>", "</td>", node),
            "quote" => self.wrap("<blockquote>", "</blockquote>", node),
            "q" => self.wrap("<q>", "</q>", node),
            "lg" => self.wrap("<div class=\"lg\">", "</div>", node),
            "l" => self.wrap("<span class=\"l\">", "</span><br>", node),
            "attachment" | "div" => self.wrap("<section class=\"attachment\">", "</section>", node),
            "hi" | "emph" => {
                let (open, close) = match rend {
                    "italic" | "italics" => ("<em>", "</em>"),
                    "bold" | "strong" => ("<strong>", "</strong>"),
                    "superscript" | "sup" => ("<sup>", "</sup>"),
                    "subscript" | "sub" => ("<sub>", "</sub>"),
                    "underline" => ("<u>", "</u>"),
                    _ => ("", ""),
                };
                if open.is_empty() {
                    let open = format!("<span class=\"{}\">", class_of("hi"));
                    self.wrap(&open, "</span>", node);
                } else {
                    self.wrap(open, close, node);
                }
            }
            "persName" | "gloss" | "placeName" | "orgName" | "term" | "name" | "rs"
            | "geogName" => self.name_element(node),
            "foreign" => self.wrap("<i class=\"foreign\">", "</i>", node),
            "lb" => self.out.push_str("<br>"),
            "pb" => {
                let label = node.attribute("n").unwrap_or("?");
                let id = self.unique(format!("page-{}", token(label)));
                let _ = write!(
                    self.out,
                    "<span class=\"pb\" id=\"{id}\" data-page=\"{}\">[Page {}]</span>",
                    escape(label),
                    escape(label)
                );
            }
            "gap" => self.out.push_str("<span class=\"gap\">[…]</span>"),
            "note" if self.source_note_apart && is_source_note(node) => {}
            "ref" => {
                let target =
                    node.attribute("target").and_then(|t| reference_target(&self.volume, t));
                match target {
                    Some(target)
                        if !self.records.is_empty()
                            && self.targets.contains(&target.to_ascii_lowercase()) =>
                    {
                        // The record, not a place in it: its page anchors are its own.
                        let record = target.split('#').next().unwrap_or(&target);
                        let open = format!(
                            "<a class=\"ref\" href=\"{}{}\">",
                            escape(&self.records),
                            escape(record)
                        );
                        self.wrap(&open, "</a>", node);
                    }
                    _ => self.children(node),
                }
            }
            "note" if node.attribute("rend") == Some("inline") => {
                self.wrap("<p class=\"inline-note\">", "</p>", node)
            }
            "note" => self.footnote(node, true),
            // Not text: images, page furniture, a calendar entry's page count and page images.
            "graphic" | "figDesc" | "fw" | "page-count-according-to-citation" | "file" | "pdf" => {}
            _ => self.children(node),
        }
    }

    /// Renders a footnote into the notes list; `anchored` puts its reference mark here.
    fn footnote(&mut self, node: Node<'_, '_>, anchored: bool) {
        let label = node
            .attribute("n")
            .map(str::to_string)
            .unwrap_or_else(|| (self.notes.len() + 1).to_string());
        let base = node
            .attribute((XML_NS, "id"))
            .map(token)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("n{}", self.notes.len() + 1));
        let id = self.unique(format!("fn-{base}"));
        let reference = format!("ref-{id}");
        if anchored {
            let _ = write!(
                self.out,
                "<sup class=\"note-ref\"><a href=\"#{id}\" id=\"{reference}\">{}</a></sup>",
                escape(&label)
            );
        }
        let mut inner = Html {
            ids: std::mem::take(&mut self.ids),
            depth: self.depth,
            volume: self.volume.clone(),
            records: self.records.clone(),
            source_note_apart: self.source_note_apart,
            targets: self.targets.clone(),
            people: self.people.clone(),
            ..Html::default()
        };
        inner.children(node);
        self.ids = std::mem::take(&mut inner.ids);
        let back = if anchored {
            format!(
                " <a class=\"back\" href=\"#{reference}\" aria-label=\"Back to the text\">↩</a>"
            )
        } else {
            String::new()
        };
        let kind =
            node.attribute("type").map(|k| format!(" note-{}", token(k))).unwrap_or_default();
        let value = label.parse::<u32>().map(|n| format!(" value=\"{n}\"")).unwrap_or_default();
        self.notes.push(format!("<li id=\"{id}\" class=\"note{kind}\"{value}><span class=\"note-label\">{}</span> {}{back}</li>", escape(&label), inner.out.trim()));
        self.notes.extend(inner.notes);
    }
}
