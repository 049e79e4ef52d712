//! Marks inside the text format: footnotes, pages, and the text's structure.
//!
//! In a Contents body:
//! - `[^LABEL]` marks where footnote LABEL is anchored; the footnotes themselves are the
//!   trailing paragraphs of the section that read `[^LABEL]: text` or `[^LABEL]{kind}: text`. A
//!   footnote on the title is marked in the title and its definition says so:
//!   `[^LABEL]@title{kind}: text`;
//! - `{{page LABEL}}` marks where a printed page begins;
//! - `{{heading}}`, `{{quote}}`, `{{list}}`, `{{table}}`, `{{opener}}` or `{{closer}}` at the
//!   start of a paragraph says what the paragraph is (a list has an item a line, a table a row a
//!   line with cells separated by ` | `);
//! - `{{ref TARGET}}…{{/ref}}` marks a reference to another record (`frus1955-57v26/d241`) or
//!   a part of one (`…#fn3`).
//!
//! Marks are removed from the text and kept as offsets. A mark that means nothing where it
//! stands (a note mark with no footnote, a block mark inside a paragraph, a reference never
//! closed) is text after all and stays in it. Text that would read as a mark is escaped with a
//! backslash (`\[^`, `\{{`), and a backslash itself is written `\\`.

use chancery_model::record::{Note, PageBreak, Span, SpanKind, Text};

const NOTE_OPEN: &str = "[^";
const MARK_OPEN: &str = "{{";
const PAGE_OPEN: &str = "{{page ";
const REF_OPEN: &str = "{{ref ";
const REF_CLOSE: &str = "{{/ref}}";
/// The longest reference target a mark may name.
const MAX_TARGET_LEN: usize = 200;

/// A mark found in a text, at an offset of the cleaned text.
pub(crate) enum Mark {
    Note(String),
    Page(String),
    Block(SpanKind),
    RefOpen(String),
    RefClose,
}

impl Mark {
    /// The mark as it is written.
    fn written(&self) -> String {
        match self {
            Mark::Note(label) => format!("{NOTE_OPEN}{label}]"),
            Mark::Page(label) => format!("{PAGE_OPEN}{label}}}}}"),
            Mark::Block(kind) => format!("{MARK_OPEN}{}}}}}", kind.key()),
            Mark::RefOpen(target) => format!("{REF_OPEN}{target}}}}}"),
            Mark::RefClose => REF_CLOSE.to_string(),
        }
    }
}

/// Removes marks and escapes from `text`; returns the clean text and the marks with offsets, in
/// the order they stand. With `notes_only`, only note marks are marks (a title's).
pub(crate) fn strip(text: &str, notes_only: bool) -> (String, Vec<(usize, Mark)>) {
    let mut clean = String::with_capacity(text.len());
    let mut marks = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('\\') {
            let literal =
                [NOTE_OPEN, MARK_OPEN, "\\"].into_iter().find(|open| after.starts_with(open));
            if let Some(open) = literal {
                clean.push_str(open);
                rest = &after[open.len()..];
                continue;
            }
        }
        if let Some((mark, len)) = read_mark(rest, notes_only) {
            marks.push((clean.len(), mark));
            rest = &rest[len..];
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        clean.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (clean, marks)
}

/// The mark at the start of `text` and its length, if one stands there.
fn read_mark(text: &str, notes_only: bool) -> Option<(Mark, usize)> {
    if let Some(after) = text.strip_prefix(NOTE_OPEN)
        && let Some(end) = after.find(']')
        && is_label(&after[..end])
    {
        return Some((Mark::Note(after[..end].to_string()), NOTE_OPEN.len() + end + 1));
    }
    if notes_only || !text.starts_with(MARK_OPEN) {
        return None;
    }
    if let Some(after) = text.strip_prefix(PAGE_OPEN)
        && let Some(end) = after.find("}}")
        && is_page_label(&after[..end])
    {
        return Some((Mark::Page(after[..end].to_string()), PAGE_OPEN.len() + end + 2));
    }
    if text.starts_with(REF_CLOSE) {
        return Some((Mark::RefClose, REF_CLOSE.len()));
    }
    if let Some(after) = text.strip_prefix(REF_OPEN)
        && let Some(end) = after.find("}}")
        && is_target(&after[..end])
    {
        return Some((Mark::RefOpen(after[..end].to_string()), REF_OPEN.len() + end + 2));
    }
    let after = &text[MARK_OPEN.len()..];
    let end = after.find("}}")?;
    let kind = SpanKind::block_from_key(&after[..end])?;
    Some((Mark::Block(kind), MARK_OPEN.len() + end + 2))
}

/// Whether a page label can stand in a page mark: up to 40 characters, no `}` or line break.
pub(crate) fn is_page_label(label: &str) -> bool {
    !label.trim().is_empty()
        && label.len() <= 40
        && !label.contains(['}', '\n'])
        && label.trim() == label
}

/// Whether a footnote label can stand in a mark: up to 24 characters, no white space or brackets.
pub(crate) fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 24
        && !label.contains(char::is_whitespace)
        && !label.contains(['[', ']', '{', '}'])
}

/// Whether a reference target can stand in a mark: a record id, with `#` and a part after it.
pub(crate) fn is_target(target: &str) -> bool {
    !target.is_empty()
        && target.len() <= MAX_TARGET_LEN
        && target
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/' | '#' | ':'))
}

/// Escapes text so that nothing in it reads as a mark: backslashes are doubled, then mark
/// openers get one.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(NOTE_OPEN, "\\[^").replace(MARK_OPEN, "\\{{")
}

/// A footnote definition paragraph: `[^LABEL]: text`, `[^LABEL]{kind}: text`, with `@title`
/// after the label for a note on the title: (label, on the title, kind, text).
pub(crate) fn definition(paragraph: &str) -> Option<(String, bool, Option<String>, String)> {
    let after = paragraph.strip_prefix(NOTE_OPEN)?;
    let end = after.find(']')?;
    let label = &after[..end];
    if !is_label(label) {
        return None;
    }
    let mut rest = &after[end + 1..];
    let on_title = match rest.strip_prefix("@title") {
        Some(after_title) => {
            rest = after_title;
            true
        }
        None => false,
    };
    let mut kind = None;
    if let Some(inner) = rest.strip_prefix('{') {
        let close = inner.find('}')?;
        let name = &inner[..close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            return None;
        }
        kind = Some(name.to_string());
        rest = &inner[close + 1..];
    }
    let text = rest.strip_prefix(": ").or_else(|| rest.strip_prefix(':'))?;
    // Marks mean nothing inside a note: they stay its text (found by fuzzing: a page mark there
    // was dropped, and the space before it left at the note's end).
    let (clean, _) = without_line_end_space(&unescape(text));
    Some((label.to_string(), on_title, kind, clean))
}

/// Text with its escapes undone and every mark kept as text.
fn unescape(text: &str) -> String {
    let mut clean = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        clean.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match [NOTE_OPEN, MARK_OPEN, "\\"].into_iter().find(|open| after.starts_with(open)) {
            Some(open) => {
                clean.push_str(open);
                rest = &after[open.len()..];
            }
            None => {
                clean.push('\\');
                rest = after;
            }
        }
    }
    clean.push_str(rest);
    clean
}

/// The body of a text with its marks, and its footnote definitions, as written.
pub(crate) fn write_body(text: &Text) -> String {
    // At one offset: a reference closes first, then a block opens (it stands at a paragraph's
    // start), then notes, pages and references open, each in the model's order.
    let mut inserts: Vec<(usize, u8, String)> = Vec::new();
    for span in &text.spans {
        match &span.kind {
            SpanKind::Reference(target) => {
                inserts.push((span.start, 4, Mark::RefOpen(target.clone()).written()));
                inserts.push((span.end, 0, Mark::RefClose.written()));
            }
            kind => inserts.push((span.start, 1, Mark::Block(kind.clone()).written())),
        }
    }
    for note in &text.notes {
        if let Some(anchor) = note.anchor {
            inserts.push((anchor, 2, Mark::Note(note.label.clone()).written()));
        }
    }
    for page in &text.pages {
        inserts.push((page.offset, 3, Mark::Page(page.label.clone()).written()));
    }
    inserts.sort_by_key(|(offset, order, _)| (*offset, *order));
    let mut out = String::with_capacity(text.body.len() + inserts.len() * 12);
    let mut at = 0;
    for (offset, _, mark) in inserts {
        let offset = offset.min(text.body.len()).max(at);
        out.push_str(&escape(&text.body[at..offset]));
        out.push_str(&mark);
        at = offset;
    }
    out.push_str(&escape(&text.body[at..]));
    for note in &text.notes {
        let kind = note.kind.as_deref().map(|k| format!("{{{k}}}")).unwrap_or_default();
        let on_title = if note.anchor.is_none() { "@title" } else { "" };
        out.push_str(&format!(
            "\n\n{NOTE_OPEN}{}]{on_title}{kind}: {}",
            note.label,
            escape(&note.text).replace("\n\n", "\n")
        ));
    }
    out
}

/// The title with marks for the notes anchored on it.
pub(crate) fn write_title(title: &str, texts: &[Text]) -> String {
    let mut out = title.replace('\\', "\\\\").replace(NOTE_OPEN, "\\[^");
    for note in texts.iter().flat_map(|t| &t.notes).filter(|n| n.anchor.is_none()) {
        out.push_str(&format!("{NOTE_OPEN}{}]", note.label));
    }
    out
}

/// A Contents body read: its text, footnotes, page breaks and structure.
pub(crate) struct Body {
    pub(crate) body: String,
    pub(crate) notes: Vec<Note>,
    pub(crate) pages: Vec<PageBreak>,
    pub(crate) spans: Vec<Span>,
}

/// Reads a Contents body: splits off trailing footnote definitions, removes marks, and attaches
/// notes to their marks (the k-th definition of a label to its k-th mark). Notes whose mark is in
/// `title_marks` (or nowhere) are anchored on the title.
pub(crate) fn read_body(raw: &str, title_marks: &mut Vec<String>) -> Body {
    let mut paragraphs: Vec<&str> = raw.split("\n\n").collect();
    let mut definitions = Vec::new();
    while let Some(last) = paragraphs.last() {
        match definition(last) {
            Some(found) => {
                definitions.push(found);
                paragraphs.pop();
            }
            None => break,
        }
    }
    definitions.reverse();
    let (stripped, marks) = strip(&paragraphs.join("\n\n"), false);
    let taken = take_marks(&stripped, &marks, &definitions);
    // Marks that mean nothing where they stand go back in as text, where they stood.
    let mut body = String::with_capacity(stripped.len());
    let mut anchors: Vec<Option<usize>> = vec![None; definitions.len()];
    let mut pages = Vec::new();
    let mut spans = Vec::new();
    let mut open_ref: Option<(String, usize)> = None;
    let mut copied = 0;
    for ((offset, mark), meaning) in marks.iter().zip(&taken) {
        body.push_str(&stripped[copied..*offset]);
        copied = *offset;
        match (mark, meaning) {
            (Mark::Note(_), Meaning::Note(def_idx)) => anchors[*def_idx] = Some(body.len()),
            (Mark::Page(label), _) => {
                pages.push(PageBreak { label: label.clone(), offset: body.len() })
            }
            // Its end is its paragraph's, found once the body is whole.
            (Mark::Block(kind), Meaning::Block) => {
                spans.push(Span { kind: kind.clone(), start: body.len(), end: body.len() })
            }
            (Mark::RefOpen(target), Meaning::Ref) => open_ref = Some((target.clone(), body.len())),
            (Mark::RefClose, Meaning::Ref) => {
                if let Some((target, start)) = open_ref.take() {
                    spans.push(Span { kind: SpanKind::Reference(target), start, end: body.len() });
                }
            }
            (mark, _) => body.push_str(&mark.written()),
        }
    }
    body.push_str(&stripped[copied..]);
    // Block spans end at their paragraph's end.
    for span in spans.iter_mut().filter(|s| s.kind.is_block()) {
        span.end = body[span.start..].find("\n\n").map_or(body.len(), |at| span.start + at);
    }
    // Marks removed from a line's end leave the space before them: take it away, as every body
    // is kept without white space at line ends, and move the offsets with the text.
    let (body, moved) = without_line_end_space(&body);
    for page in &mut pages {
        page.offset = moved[page.offset];
    }
    for span in &mut spans {
        span.start = moved[span.start];
        span.end = moved[span.end];
    }
    spans.retain(|s| s.start < s.end);
    spans.sort_by_key(|s| (s.start, !s.kind.is_block()));
    let mut notes = Vec::with_capacity(definitions.len());
    for ((label, _, kind, text), anchor) in definitions.into_iter().zip(anchors) {
        if anchor.is_none()
            && let Some(idx) = title_marks.iter().position(|l| *l == label)
        {
            title_marks.remove(idx);
        }
        notes.push(Note { label, kind, anchor: anchor.map(|a| moved[a]), text });
    }
    Body { body, notes, pages, spans }
}

/// What each mark of a body means, decided before the body is rebuilt.
enum Meaning {
    /// The footnote definition it anchors.
    Note(usize),
    /// A block at a paragraph's start.
    Block,
    /// One of a reference's pair of marks.
    Ref,
    /// Text after all.
    Text,
}

/// Decides what each mark means: each definition takes the first mark of its label that no other
/// has taken; a block mark means a block at a paragraph's start (and not inside a reference);
/// reference marks pair up, one reference at a time; everything else is text.
fn take_marks(
    clean: &str,
    marks: &[(usize, Mark)],
    definitions: &[(String, bool, Option<String>, String)],
) -> Vec<Meaning> {
    let mut meanings: Vec<Meaning> = marks.iter().map(|_| Meaning::Text).collect();
    for (def_idx, (label, on_title, _, _)) in definitions.iter().enumerate() {
        if *on_title {
            continue;
        }
        let found = marks.iter().enumerate().position(|(idx, (_, mark))| {
            matches!(meanings[idx], Meaning::Text) && matches!(mark, Mark::Note(l) if l == label)
        });
        if let Some(idx) = found {
            meanings[idx] = Meaning::Note(def_idx);
        }
    }
    let mut open: Option<usize> = None;
    let mut last_block_at = None;
    for (idx, (offset, mark)) in marks.iter().enumerate() {
        match mark {
            Mark::RefOpen(_) if open.is_none() => open = Some(idx),
            Mark::RefClose => {
                if let Some(start) = open.take()
                    && marks[start].0 < *offset
                {
                    meanings[start] = Meaning::Ref;
                    meanings[idx] = Meaning::Ref;
                }
            }
            // One block a paragraph, at its start.
            Mark::Block(_)
                if open.is_none()
                    && last_block_at != Some(*offset)
                    && (*offset == 0 || clean[..*offset].ends_with("\n\n")) =>
            {
                meanings[idx] = Meaning::Block;
                last_block_at = Some(*offset);
            }
            _ => {}
        }
    }
    meanings
}

/// The text without white space before a line break or at its end, and where each byte offset
/// of the text (and its end) lands in it.
fn without_line_end_space(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut moved = vec![0; text.len() + 1];
    let mut pending = String::new();
    let mut pending_from = 0;
    for (idx, c) in text.char_indices() {
        if c == ' ' || c == '\t' {
            if pending.is_empty() {
                pending_from = out.len();
            }
            pending.push(c);
            // Where the space stands for now; moved back below if a line end follows.
            for slot in &mut moved[idx..idx + c.len_utf8()] {
                *slot = pending_from + pending.len() - 1;
            }
            continue;
        }
        if c == '\n' {
            // Offsets inside dropped space land where the line ends.
            let space_start = idx - pending.len();
            for slot in &mut moved[space_start..idx] {
                *slot = pending_from;
            }
        } else {
            out.push_str(&pending);
        }
        pending.clear();
        for slot in &mut moved[idx..idx + c.len_utf8()] {
            *slot = out.len();
        }
        out.push(c);
    }
    let space_start = text.len() - pending.len();
    for slot in &mut moved[space_start..text.len()] {
        *slot = out.len();
    }
    moved[text.len()] = out.len();
    (out, moved)
}
