use super::*;

/// Each `test_data/tei/NAME.xml` against `NAME.expected` (see `crate::fixtures`).
#[test]
fn fixtures() {
    let failures = crate::fixtures::check("tei", "xml");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn source_notes_become_citation_parts() {
    let read = source::read(
        "source: Department of State, Central Files, 663.001/6–855. Secret. Drafted by Allen on June 6.",
    );
    let parts = &read.parts;
    assert_eq!(parts.archive.as_deref(), Some("Department of State"));
    assert_eq!(parts.fonds.as_deref(), Some("Central Files"));
    assert_eq!(parts.signature.as_deref(), Some("663.001/6–855"));
    assert_eq!(parts.classification.as_deref(), Some("Secret"));
    assert_eq!(
        read.text,
        "Department of State, Central Files, 663.001/6–855. Secret. Drafted by Allen on June 6."
    );
    assert_eq!(source::read("File No. 861.51/135").parts.signature.as_deref(), Some("861.51/135"));
    assert_eq!(
        source::sentences("Lot 64 D 199, No. 5. Top Secret. Sent."),
        ["Lot 64 D 199, No. 5.", "Top Secret.", "Sent."]
    );
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
    let html = to_html(tei, &Links::default()).unwrap();
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

/// A one-document volume whose body is `inner`, for the hostile-input tests.
fn volume(inner: &str) -> String {
    format!(
        "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\" xml:id=\"v\"><text><body><div type=\"document\" xml:id=\"d1\"><head>1. Telegram</head>{inner}</div></body></text></TEI>"
    )
}

/// `n` elements named `name` nested in each other around a word.
fn nested(name: &str, n: usize) -> String {
    format!("{}deep{}", format!("<{name}>").repeat(n), format!("</{name}>").repeat(n))
}

fn parsed(text: &str) -> Parsed {
    parse(&Source {
        path: "v.xml",
        bytes: text.as_bytes(),
        imported_at: time::OffsetDateTime::UNIX_EPOCH,
    })
}

/// The volume's own elements above a document's body: TEI, text, body, div.
const VOLUME_DEPTH: usize = 4;

/// Regression (issue 10): 2,500 nested notes or 8,000 nested `hi`s imported, and the first view
/// of the page overflowed the server's stack; 20,000 levels aborted the importer.
#[test]
fn nesting_is_bounded_at_import_and_at_rendering() {
    for name in ["hi", "note", "p", "quote", "persName"] {
        let at_limit = volume(&nested(name, MAX_XML_DEPTH - VOLUME_DEPTH));
        let ok = parsed(&at_limit);
        assert!(!ok.has_errors(), "{name}: {:?}", ok.diagnostics);
        // The renderers recurse: at the limit they must fit a small stack (tokio's workers have
        // 2 MiB; a quarter of it is plenty).
        let tei = ok.records[0].tei.clone().unwrap();
        let html = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || to_html(&tei, &Links::default()))
            .unwrap()
            .join()
            .unwrap();
        assert!(html.unwrap().contains("deep"), "{name}");

        let past = parsed(&volume(&nested(name, MAX_XML_DEPTH - VOLUME_DEPTH + 1)));
        assert!(past.records.is_empty(), "{name}");
        let error = &past.diagnostics[0];
        assert_eq!(error.line, Some(1));
        assert!(error.message.contains("MAX_XML_DEPTH"), "{}", error.message);
    }
    // The tester's files: 20,000 levels on one line, and on lines of their own.
    let flat = parsed(&volume(&nested("hi", 20_000)));
    assert!(flat.diagnostics[0].message.contains("nested more than 100"));
    let lines = parsed(&volume(&nested("note", 20_000).replace("><", ">\n<")));
    assert_eq!(lines.diagnostics[0].line, Some(MAX_XML_DEPTH - VOLUME_DEPTH + 1));
}

/// A fragment stored before the limit existed (a JSON record's `tei`, an older import) is not
/// rendered past it: the page falls back to the plain text.
#[test]
fn rendering_refuses_a_stored_fragment_past_the_limit() {
    // The wrapper `to_html` adds counts as one level.
    let at = format!("<div type=\"document\">{}</div>", nested("hi", MAX_XML_DEPTH - 2));
    assert!(to_html(&at, &Links::default()).is_ok());
    let past = format!("<div type=\"document\">{}</div>", nested("hi", MAX_XML_DEPTH - 1));
    assert!(to_html(&past, &Links::default()).unwrap_err().contains("MAX_XML_DEPTH"));
    let huge = format!("<div>{}</div>", nested("note", 50_000));
    let refused = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || to_html(&huge, &Links::default()).is_err())
        .unwrap()
        .join()
        .unwrap();
    assert!(refused, "checked without recursion, so a small stack is enough");
}

/// Regression (issue 10): one 100 KB internal entity used 10,000 times took 27 s and 2.9 GB
/// before failing without a line; a 20 KB entity used 5,000 times became a 102 MB record.
#[test]
fn entity_amplification_is_refused_with_its_line() {
    let amplified = |size: usize, uses: usize| {
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE TEI [\n<!ENTITY big \"{}\">\n]>\n{}",
            "x".repeat(size),
            volume(&format!("<p>\n{}</p>", "&big;".repeat(uses)))
        )
    };
    for (size, uses) in [(100_000, 10_000), (20_000, 5_000)] {
        let started = std::time::Instant::now();
        let result = parsed(&amplified(size, uses));
        assert!(result.records.is_empty());
        let error = &result.diagnostics[0];
        assert_eq!(error.line, Some(6), "the line of the reference past the limit");
        assert!(error.message.contains("ENTITY_EXPANSION_FLOOR"), "{}", error.message);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "refused before parsing");
    }
    // Abbreviations are fine.
    let dash = "<!DOCTYPE TEI [<!ENTITY mdash \"—\">]>".to_string()
        + &volume(&format!("<p>{}</p>", "a&mdash;b ".repeat(2000)));
    let ok = parsed(&dash);
    assert!(!ok.has_errors(), "{:?}", ok.diagnostics);
    assert!(ok.records[0].texts[0].body.starts_with("a—b a—b"));
}

/// A record whose text passes [`limits::MAX_RECORD_BYTES`] is refused, naming its document.
#[test]
fn a_record_past_the_size_limit_is_refused() {
    let words = "word ".repeat(limits::MAX_RECORD_BYTES / 5 + 10);
    let result = parsed(&volume(&format!("<p>{words}</p>")));
    assert!(result.records.is_empty());
    assert!(result.diagnostics[0].message.contains("MAX_RECORD_BYTES"));
    assert!(result.diagnostics[0].message.starts_with("document `v/d1`"));
}

/// Found by fuzzing (`fuzz/corpus/tei_volume/regression-backward-interval.xml`): date attributes
/// whose end precedes their start made an EDTF interval that no reader accepts.
#[test]
fn an_interval_that_ends_before_it_starts_is_not_a_date() {
    let result = parsed(&volume(
        "<dateline><date notBefore=\"1970-07-01\" notAfter=\"0985-07-31\">July 1970</date></dateline><p>x</p>",
    ));
    assert!(!result.has_errors(), "{:?}", result.diagnostics);
    let record = &result.records[0];
    assert_eq!(record.date.edtf.map(|e| e.to_string()).as_deref(), Some("1970-07"));
    assert!(result.diagnostics[0].message.contains("end (0985-07-31) before they start"));
    let written = crate::text::write(record);
    assert!(
        !crate::text::parse(&Source {
            path: "w.txt",
            bytes: written.as_bytes(),
            imported_at: time::OffsetDateTime::UNIX_EPOCH
        })
        .has_errors()
    );
}
