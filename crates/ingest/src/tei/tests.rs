use super::*;

/// Each `test_data/tei/NAME.xml` against `NAME.expected` (see `crate::fixtures`).
#[test]
fn fixtures() {
    let failures = crate::fixtures::check("tei", "xml");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn source_notes_become_citation_parts() {
    let citation = citation(
        Some("source: Department of State, Central Files, 663.001/6–855. Secret. Drafted by Allen on June 6.".into()),
        "FRUS, 1955–1957, Vol. XXVI",
        Some("3"),
        "https://history.state.gov/historicaldocuments/frus1955-57v26/d3".into(),
    );
    let parts = &citation.parts;
    assert_eq!(parts.archive.as_deref(), Some("Department of State"));
    assert_eq!(parts.fonds.as_deref(), Some("Central Files"));
    assert_eq!(parts.signature.as_deref(), Some("663.001/6–855"));
    assert_eq!(parts.classification.as_deref(), Some("Secret"));
    assert_eq!(parts.publisher.as_deref(), Some("FRUS, 1955–1957, Vol. XXVI"));
    let old = citation_parts_of("File No. 861.51/135");
    assert_eq!(old.signature.as_deref(), Some("861.51/135"));
    assert_eq!(
        sentences("Lot 64 D 199, No. 5. Top Secret. Sent."),
        ["Lot 64 D 199, No. 5.", "Top Secret.", "Sent."]
    );
}

fn citation_parts_of(note: &str) -> CitationParts {
    citation(Some(note.into()), "V", None, "https://example.org".into()).parts
}

#[test]
fn titles_lose_their_number() {
    assert_eq!(
        split_number("249. Memorandum of a Conversation"),
        (Some("249".into()), "Memorandum of a Conversation".into())
    );
    assert_eq!(
        split_number("59.Intelligence Memorandum"),
        (Some("59".into()), "Intelligence Memorandum".into())
    );
    assert_eq!(split_number("1954 Telegram"), (None, "1954 Telegram".into()));
    assert_eq!(split_number("1.5 Million"), (None, "1.5 Million".into()));
}

#[test]
fn html_is_safe_whatever_the_markup() {
    let tei = r#"<div type="document" xml:id="d1" n="1"><head>1. Title<note n="1" type="source">Source: "x" &amp; y</note></head>
        <p rend="x&quot; onmouseover=&quot;alert(1)">&lt;script&gt;alert(1)&lt;/script&gt;"&gt;&lt;img src=x onerror=alert(1)&gt;</p>
        <script>alert(2)</script><p onclick="alert(3)">Click</p>
        <persName corresp="javascript:alert(4)">Tito</persName><ref target="javascript:alert(5)">link</ref>
        <pb n="5&quot;&gt;&lt;b"/><note n="2" xml:id="x&quot;y">Second<hi rend="italic">ly</hi></note></div>"#;
    let html = to_html(tei).unwrap();
    // Text `<` is escaped, so every literal `<` starts one of our tags: inspect those.
    let tags: Vec<&str> =
        html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or_default()).collect();
    let allowed = [
        "p", "/p", "span", "/span", "sup", "/sup", "a", "/a", "section", "/section", "h2", "/h2",
        "ol", "/ol", "li", "/li", "em", "/em",
    ];
    for tag in &tags {
        let name = tag.split_whitespace().next().unwrap_or_default();
        assert!(allowed.contains(&name), "unexpected tag <{tag}> in {html}");
        let lower = tag.to_ascii_lowercase();
        assert!(
            !lower.contains(" on") && !lower.contains("javascript") && !lower.contains("style="),
            "<{tag}>"
        );
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(html.contains("alert(2)"), "unknown elements keep their text, escaped: {html}");
    assert!(html.contains("<a href=\"#fn-xy\" id=\"ref-fn-xy\">2</a>"), "{html}");
    assert!(html.contains("<li id=\"fn-xy\""), "{html}");
    assert!(html.contains("href=\"#ref-fn-xy\""), "notes link back: {html}");
    assert!(html.contains("Second<em>ly</em>"), "{html}");
    assert!(html.contains("Source: &quot;x&quot; &amp; y"), "{html}");
}
