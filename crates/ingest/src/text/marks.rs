//! Footnote and page marks inside the text format.
//!
//! In a Contents body, `[^LABEL]` marks where footnote LABEL is anchored and `{{page LABEL}}`
//! where a printed page begins; the marks are removed from the text and kept as offsets. The
//! footnotes themselves are the trailing paragraphs of the section that read
//! `[^LABEL]: text` or `[^LABEL]{kind}: text`. A footnote on the title is marked in the title and
//! its definition says so: `[^LABEL]@title{kind}: text`.
//! Text that would read as a mark is escaped with a backslash (`\[^`, `\{{page `), and a
//! backslash itself is written `\\`.

use chancery_model::record::{Note, PageBreak, Text};

const NOTE_OPEN: &str = "[^";
const PAGE_OPEN: &str = "{{page ";

/// A mark found in a text: a footnote label or a page label, at an offset of the cleaned text.
pub(crate) enum Mark {
    Note(String),
    Page(String),
}

/// Removes marks and escapes from `text`; returns the clean text and the marks with offsets.
pub(crate) fn strip(text: &str) -> (String, Vec<(usize, Mark)>) {
    let mut clean = String::with_capacity(text.len());
    let mut marks = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('\\') {
            let literal =
                [NOTE_OPEN, PAGE_OPEN, "\\"].into_iter().find(|open| after.starts_with(open));
            if let Some(open) = literal {
                clean.push_str(open);
                rest = &after[open.len()..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix(NOTE_OPEN)
            && let Some(end) = after.find(']')
            && is_label(&after[..end])
        {
            marks.push((clean.len(), Mark::Note(after[..end].to_string())));
            rest = &after[end + 1..];
            continue;
        }
        if let Some(after) = rest.strip_prefix(PAGE_OPEN)
            && let Some(end) = after.find("}}")
            && is_page_label(&after[..end])
        {
            marks.push((clean.len(), Mark::Page(after[..end].to_string())));
            rest = &after[end + 2..];
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        clean.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (clean, marks)
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

/// Escapes text so that nothing in it reads as a mark: backslashes are doubled, then mark
/// openers get one.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(NOTE_OPEN, "\\[^").replace(PAGE_OPEN, "\\{{page ")
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
    let (clean, _) = strip(text);
    Some((label.to_string(), on_title, kind, clean))
}

/// The body of a text with its marks, and its footnote definitions, as written.
pub(crate) fn write_body(text: &Text) -> String {
    let mut inserts: Vec<(usize, u8, String)> = Vec::new();
    for note in &text.notes {
        if let Some(anchor) = note.anchor {
            inserts.push((anchor, 0, format!("{NOTE_OPEN}{}]", note.label)));
        }
    }
    for page in &text.pages {
        inserts.push((page.offset, 1, format!("{PAGE_OPEN}{}}}}}", page.label)));
    }
    inserts.sort_by_key(|(offset, order, _)| (*offset, *order));
    let mut out = String::with_capacity(text.body.len() + inserts.len() * 12);
    let mut at = 0;
    for (offset, _, mark) in inserts {
        let offset = offset.min(text.body.len());
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
    let mut out = escape(title);
    for note in texts.iter().flat_map(|t| &t.notes).filter(|n| n.anchor.is_none()) {
        out.push_str(&format!("{NOTE_OPEN}{}]", note.label));
    }
    out
}

/// Reads a Contents body: splits off trailing footnote definitions, removes marks, and attaches
/// notes to their marks (the k-th definition of a label to its k-th mark). Notes whose mark is in
/// `title_marks` (or nowhere) are anchored on the title.
pub(crate) fn read_body(
    raw: &str,
    title_marks: &mut Vec<String>,
) -> (String, Vec<Note>, Vec<PageBreak>) {
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
    let (body, marks) = strip(&paragraphs.join("\n\n"));
    let mut note_marks: Vec<(usize, String)> = Vec::new();
    let mut pages = Vec::new();
    for (offset, mark) in marks {
        match mark {
            Mark::Note(label) => note_marks.push((offset, label)),
            Mark::Page(label) => pages.push(PageBreak { label, offset }),
        }
    }
    let mut notes = Vec::with_capacity(definitions.len());
    for (label, on_title, kind, text) in definitions {
        let body_mark =
            if on_title { None } else { note_marks.iter().position(|(_, l)| *l == label) };
        let anchor = match body_mark {
            Some(idx) => Some(note_marks.remove(idx).0),
            None => {
                if let Some(idx) = title_marks.iter().position(|l| *l == label) {
                    title_marks.remove(idx);
                }
                None
            }
        };
        notes.push(Note { label, kind, anchor, text });
    }
    (body, notes, pages)
}
