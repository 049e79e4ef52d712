//! The few pieces of HTML built outside templates, each escaping every text it is given: record
//! texts with their line breaks, paragraphs, note marks and page breaks; query-string values;
//! JSON inside `<script type="application/ld+json">`.

use std::fmt::Write;

use chancery_model::record::{SpanKind, Text};

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A count with thousands separators: 5010 → "5,010".
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Percent-encodes a value for a URL query string (`application/x-www-form-urlencoded`).
pub(crate) fn query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(byte as char);
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

/// JSON for an inline `<script type="application/ld+json">` block: `<`, `>` and `&` become
/// JSON escapes, so no record text can close the element.
pub(crate) fn json_for_script(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// A text's body as HTML paragraphs: line breaks kept, note marks linked to their notes, page
/// breaks marked, its structure shown (a heading as a heading, a quotation as a block quotation,
/// lists, tables, openers and closers as paragraphs of their class, a reference as a link to the
/// record it names). `prefix` makes the anchors unique on the page (one per text).
pub(crate) fn text_body(text: &Text, prefix: &str) -> String {
    let body = text.body.as_str();
    // Everything to insert, by byte offset: a reference's end first, then page breaks, note
    // marks, and a reference's start.
    let mut marks: Vec<(usize, u8, String)> = Vec::new();
    for page in &text.pages {
        marks.push((
            page.offset,
            1,
            format!(
                "<span class=\"pb\" id=\"{prefix}-p{label}\" aria-label=\"page {label}\">[p.&nbsp;{label}]</span>",
                label = escape(&page.label)
            ),
        ));
    }
    for (n, note) in text.notes.iter().enumerate() {
        if let Some(anchor) = note.anchor {
            marks.push((
                anchor,
                2,
                format!(
                    "<sup class=\"nref\"><a href=\"#{prefix}-n{n}\" id=\"{prefix}-r{n}\" aria-label=\"note {label}\">{label}</a></sup>",
                    label = escape(&note.label)
                ),
            ));
        }
    }
    let mut blocks: Vec<(usize, &SpanKind)> = Vec::new();
    for span in &text.spans {
        match &span.kind {
            SpanKind::Reference(target) => {
                // A link within one paragraph, to a record (its page, not a place in it).
                let inside = body.get(span.start..span.end).is_some_and(|t| !t.contains("\n\n"));
                if inside && span.start < span.end {
                    let record = target.split('#').next().unwrap_or(target);
                    marks.push((
                        span.start,
                        3,
                        format!("<a class=\"ref\" href=\"/records/{}\">", escape(record)),
                    ));
                    marks.push((span.end, 0, "</a>".to_string()));
                }
            }
            kind => blocks.push((span.start, kind)),
        }
    }
    marks.sort_by_key(|(offset, order, _)| (*offset, *order));
    let mut out = String::with_capacity(body.len() + body.len() / 8 + 64);
    let mut marks = marks.into_iter().peekable();
    let mut at = 0;
    let paragraphs = paragraphs(body);
    let last = paragraphs.len().saturating_sub(1);
    for (index, (start, end)) in paragraphs.into_iter().enumerate() {
        let kind = blocks.iter().find(|(s, _)| *s == start).map(|(_, k)| *k);
        let (open, close) = match kind {
            Some(SpanKind::Heading) => ("<h4 class=\"heading\">", "</h4>"),
            Some(SpanKind::Quote) => ("<blockquote><p>", "</p></blockquote>"),
            Some(SpanKind::List) => ("<p class=\"list\">", "</p>"),
            Some(SpanKind::Table) => ("<p class=\"table\">", "</p>"),
            Some(SpanKind::Opener) => ("<p class=\"opener\">", "</p>"),
            Some(SpanKind::Closer) => ("<p class=\"closer\">", "</p>"),
            _ => ("<p>", "</p>"),
        };
        if index > 0 {
            out.push('\n');
        }
        out.push_str(open);
        at = at.max(start);
        // A paragraph takes the marks up to its end (a note anchored after its last word, a
        // reference ending with it), but not a reference that starts there; the last one takes
        // every mark left.
        while let Some((offset, order, _)) = marks.peek() {
            let next = *offset > end || (*offset == end && *order == 3);
            if next && index != last {
                break;
            }
            let Some((offset, _, html)) = marks.next() else { break };
            let mut offset = offset.min(end).max(at);
            while !body.is_char_boundary(offset) {
                offset += 1;
            }
            push_lines(&mut out, &body[at..offset]);
            out.push_str(&html);
            at = offset;
        }
        push_lines(&mut out, &body[at..end]);
        at = end;
        out.push_str(close);
    }
    out
}

/// A body's paragraphs, as byte ranges: text between runs of two or more line breaks.
fn paragraphs(body: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = body.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'\n' {
            let run = bytes[at..].iter().take_while(|&&b| b == b'\n').count();
            if run >= 2 {
                out.push((start, at));
                start = at + run;
            }
            at += run;
        } else {
            at += 1;
        }
    }
    out.push((start, body.len()));
    out
}

/// Escaped text with `\n` as a line break and a blank line as a new paragraph.
fn push_lines(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(newline) = rest.find('\n') {
        escape_into(out, &rest[..newline]);
        let after = &rest[newline..];
        let run = after.len() - after.trim_start_matches('\n').len();
        out.push_str(if run >= 2 { "</p>\n<p>" } else { "<br>\n" });
        rest = &after[run..];
    }
    escape_into(out, rest);
}

/// A text's notes as a list whose items link back to their marks.
pub(crate) fn text_notes(text: &Text, prefix: &str) -> String {
    if text.notes.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ol class=\"notes\">");
    for (n, note) in text.notes.iter().enumerate() {
        let _ = write!(
            out,
            "<li id=\"{prefix}-n{n}\"><span class=\"nlabel\">{}</span> ",
            escape(&note.label)
        );
        push_lines(&mut out, &note.text);
        if note.anchor.is_some() {
            let _ = write!(
                out,
                " <a href=\"#{prefix}-r{n}\" class=\"back\" aria-label=\"back to the text\">↩</a>"
            );
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    out
}

/// The BCP 47 tag for an ISO 639-3 code: the two-letter code where ISO 639-1 has one.
pub(crate) fn bcp47(code: &str) -> Option<String> {
    if code == chancery_model::language::UNDETERMINED {
        return None;
    }
    let language = isolang::Language::from_639_3(code)?;
    Some(language.to_639_1().map_or_else(|| code.to_string(), str::to_string))
}

/// A URL a link may point to: `http:` or `https:`, nothing else (a record's source URL comes
/// from an import and could say `javascript:`).
pub(crate) fn web_address(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme_end = url.find(':')?;
    let scheme = &url[..scheme_end];
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let clean = !url.chars().any(|c| c.is_control() || c.is_whitespace());
    (web && clean && url[scheme_end..].starts_with("://")).then_some(url)
}

#[cfg(test)]
mod tests {
    use chancery_model::record::{Note, PageBreak, TextKind};

    use super::*;

    #[test]
    fn bodies_keep_lines_and_paragraphs_and_escape_everything() {
        let mut text = Text::new(
            TextKind::Translation,
            None,
            "Translation".into(),
            "To <b>you</b>\nline two\n\nNew & \"quoted\"".into(),
        );
        text.notes.push(Note {
            label: "1".into(),
            kind: None,
            anchor: Some(13),
            text: "A <note>".into(),
        });
        text.pages.push(PageBreak { label: "<9>".into(), offset: 0 });
        let html = text_body(&text, "t0");
        assert_eq!(
            html,
            "<p><span class=\"pb\" id=\"t0-p&lt;9&gt;\" aria-label=\"page &lt;9&gt;\">[p.&nbsp;&lt;9&gt;]</span>To &lt;b&gt;you&lt;/b&gt;<sup class=\"nref\"><a href=\"#t0-n0\" id=\"t0-r0\" aria-label=\"note 1\">1</a></sup><br>\nline two</p>\n<p>New &amp; &quot;quoted&quot;</p>"
        );
        assert!(text_notes(&text, "t0").contains("A &lt;note&gt;"));
    }

    #[test]
    fn structure_shows_as_headings_quotations_and_links() {
        use chancery_model::record::Span;
        let body = "Sir:\n\nSee Document 4 now.\n\nWe quote it.\n\nAnnex\n\nYours, Dulles";
        let mut text = Text::new(TextKind::Original, None, "Original".into(), body.into());
        let at = |s: &str| body.find(s).unwrap();
        text.spans = vec![
            Span { kind: SpanKind::Opener, start: 0, end: 4 },
            Span {
                kind: SpanKind::Reference("v/d4\"><script>".into()),
                start: at("Document"),
                end: at(" now"),
            },
            Span { kind: SpanKind::Quote, start: at("We"), end: at("We") + 12 },
            Span { kind: SpanKind::Heading, start: at("Annex"), end: at("Annex") + 5 },
            Span { kind: SpanKind::Closer, start: at("Yours"), end: body.len() },
        ];
        text.notes.push(Note {
            label: "1".into(),
            kind: None,
            anchor: Some(at(" now")),
            text: "n".into(),
        });
        assert_eq!(
            text_body(&text, "t"),
            "<p class=\"opener\">Sir:</p>\n<p>See <a class=\"ref\" href=\"/records/v/d4&quot;&gt;&lt;script&gt;\">Document 4</a><sup class=\"nref\"><a href=\"#t-n0\" id=\"t-r0\" aria-label=\"note 1\">1</a></sup> now.</p>\n<blockquote><p>We quote it.</p></blockquote>\n<h4 class=\"heading\">Annex</h4>\n<p class=\"closer\">Yours, Dulles</p>"
        );
    }

    #[test]
    fn marks_inside_a_character_move_to_its_end() {
        let mut text = Text::new(TextKind::Original, None, "x".into(), "Đilas".into());
        text.notes.push(Note { label: "2".into(), kind: None, anchor: Some(1), text: "n".into() });
        assert!(text_body(&text, "t").starts_with("<p>Đ<sup"));
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(5010), "5,010");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn query_values_and_script_json_are_safe() {
        assert_eq!(query_value("date:1954 \"Tito\"&x"), "date%3A1954+%22Tito%22%26x");
        let json =
            json_for_script(&serde_json::json!({"name": "</script><script>alert(1)</script>"}));
        assert!(!json.contains('<') && !json.contains('>'));
    }
}
