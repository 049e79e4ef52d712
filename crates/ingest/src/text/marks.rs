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
        match [NOTE_OPEN, PAGE_OPEN, "\\"].into_iter().find(|open| after.starts_with(open)) {
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
    let (stripped, marks) = strip(&paragraphs.join("\n\n"));
    // Each definition takes the first body mark of its label that no other has taken.
    let mut taken: Vec<Option<usize>> = vec![None; marks.len()];
    for (def_idx, (label, on_title, _, _)) in definitions.iter().enumerate() {
        let found = (!on_title)
            .then(|| {
                marks.iter().enumerate().position(|(idx, (_, mark))| {
                    taken[idx].is_none() && matches!(mark, Mark::Note(l) if l == label)
                })
            })
            .flatten();
        if let Some(idx) = found {
            taken[idx] = Some(def_idx);
        }
    }
    // A note mark that no definition takes is text after all: it goes back in, where it stood
    // (found by fuzzing: dropping it lost text and left a space at a line's end).
    let mut body = String::with_capacity(stripped.len());
    let mut anchors: Vec<Option<usize>> = vec![None; definitions.len()];
    let mut pages = Vec::new();
    let mut copied = 0;
    for ((offset, mark), taker) in marks.iter().zip(&taken) {
        body.push_str(&stripped[copied..*offset]);
        copied = *offset;
        match (mark, taker) {
            (Mark::Note(_), Some(def_idx)) => anchors[*def_idx] = Some(body.len()),
            (Mark::Note(label), None) => {
                body.push_str(NOTE_OPEN);
                body.push_str(label);
                body.push(']');
            }
            (Mark::Page(label), _) => {
                pages.push(PageBreak { label: label.clone(), offset: body.len() })
            }
        }
    }
    body.push_str(&stripped[copied..]);
    // Marks removed from a line's end leave the space before them: take it away, as every body
    // is kept without white space at line ends, and move the offsets with the text.
    let (body, moved) = without_line_end_space(&body);
    for page in &mut pages {
        page.offset = moved[page.offset];
    }
    let mut notes = Vec::with_capacity(definitions.len());
    for ((label, _, kind, text), anchor) in definitions.into_iter().zip(anchors) {
        if anchor.is_none()
            && let Some(idx) = title_marks.iter().position(|l| *l == label)
        {
            title_marks.remove(idx);
        }
        notes.push(Note { label, kind, anchor: anchor.map(|a| moved[a]), text });
    }
    (body, notes, pages)
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
