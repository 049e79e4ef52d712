use std::path::Path;

use chancery_model::date::Edtf;
use chancery_model::record::{Span, SpanKind, TextKind};
use proptest::prelude::*;
use time::OffsetDateTime;

use super::*;
use crate::{Parsed, Source, json};

fn parse_str(path: &str, text: &str) -> Parsed {
    parse(&Source { path, bytes: text.as_bytes(), imported_at: OffsetDateTime::UNIX_EPOCH })
}

fn seed() -> Record {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/000_5e4392f9da7ebfc5.txt");
    let bytes = std::fs::read(&path).expect("the demo record ships in the repository");
    let parsed =
        parse(&Source { path: "seed.txt", bytes: &bytes, imported_at: OffsetDateTime::UNIX_EPOCH });
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    parsed.records.into_iter().next().expect("one record")
}

#[test]
fn seed_field_by_field() {
    let record = seed();
    assert_eq!(record.id.as_str(), "wcda-112970");
    assert_eq!(record.date.printed, "August 11, 1954");
    assert_eq!(record.date.edtf, Some("1954-08-11".parse::<Edtf>().unwrap()));
    assert_eq!(
        record.title,
        "Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita \
         Khrushchev and Central Committee of the Communist Party of the Soviet Union"
    );
    assert_eq!(record.doc_type, Some(DocType::Letter));
    assert_eq!(record.authors, ["Tito", "Executive Committee [Politburo] of the CC LCY"]);
    assert_eq!(
        record.recipients,
        ["Nikita Khrushchev", "Central Committee of the Communist Party of the Soviet Union"]
    );
    let citation = record.citation.as_ref().unwrap();
    assert_eq!(
        citation.text,
        "\"Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita \
         Khrushchev and Central Committee of the Communist Party of the Soviet Union\", August 11, \
         1954, Wilson Center Digital Archive, Arhiv Jugoslavije [National Archives of Yugoslavia], \
         Arhiv CK SKJ, 507 / IX, 119/I-50. Obtained and translated for CWIHP by Svetozar Rajak. \
         <https://digitalarchive.wilsoncenter.org/document/112970>"
    );
    assert_eq!(citation.parts.archive.as_deref(), Some("Arhiv Jugoslavije"));
    assert_eq!(citation.parts.fonds.as_deref(), Some("Arhiv CK SKJ"));
    assert_eq!(citation.parts.signature.as_deref(), Some("507 / IX, 119/I-50"));
    assert_eq!(citation.parts.translator.as_deref(), Some("Svetozar Rajak"));
    assert_eq!(
        citation.parts.source_url.as_deref(),
        Some("https://digitalarchive.wilsoncenter.org/document/112970")
    );
    assert!(
        record.summary.as_deref().unwrap().starts_with("Yugoslav response to Soviet approaches")
    );
    assert_eq!(
        record.credits.as_deref(),
        Some("This document was made possible with support from Leon Levy Foundation")
    );
    assert_eq!(record.original_languages.len(), 1);
    assert_eq!(record.original_languages[0].code, "hbs");
    assert_eq!(record.original_languages[0].name, "Serbo-Croatian");
    assert_eq!(record.texts.len(), 1);
    let text = &record.texts[0];
    assert_eq!(text.kind, TextKind::Translation);
    assert_eq!(text.label, "Translation - English");
    assert_eq!(text.language.as_ref().map(|l| l.code.as_str()), Some("eng"));
    assert!(text.body.starts_with(
        "To the Central Committee of the Communist Party of the Soviet Union\nTo Comrade Khrushchev\n\nA session"
    ));
    assert!(text.body.ends_with("11 August 1954\nBelgrade\nExecutive Committee,\nCC LCY\n\nTito"));
    // The seed splits a sentence over two paragraphs ("such as" / "economic, …"): kept as printed.
    assert!(text.body.contains("such as\n\neconomic, cultural, and other."));
    assert_eq!(text.paragraphs().count(), 15);
    let provenance = record.provenance.as_ref().unwrap();
    assert_eq!(provenance.sha256.len(), 64);
    assert_eq!(provenance.format, "text");
}

#[test]
fn seed_writes_back_to_the_same_record() {
    let record = seed();
    let written = write(&record);
    let reparsed = parse_str("written.txt", &written);
    assert!(reparsed.diagnostics.is_empty(), "{:?}", reparsed.diagnostics);
    let mut again = reparsed.records.into_iter().next().unwrap();
    again.provenance = record.provenance.clone();
    assert_eq!(again, record);
    // Nothing derivable is spelled out.
    assert!(!written.contains("**Identifier:**") && !written.contains("**Authors:**"));
}

/// Each `test_data/text/NAME.txt` against `NAME.expected` (see `crate::fixtures`).
#[test]
fn fixtures() {
    let failures = crate::fixtures::check("text", "txt");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn malformed_bytes_name_the_line() {
    let check = |bytes: &[u8], line: usize, needle: &str| {
        let parsed =
            parse(&Source { path: "bad.txt", bytes, imported_at: OffsetDateTime::UNIX_EPOCH });
        assert!(parsed.records.is_empty());
        let diagnostic = &parsed.diagnostics[0];
        assert_eq!(diagnostic.line, Some(line), "{diagnostic}");
        assert!(diagnostic.message.contains(needle), "{diagnostic}");
    };
    check(
        b"**1954**\n\n**Title**\n\n**Summary:**\n\nbad \xff byte\n",
        7,
        "invalid UTF-8 at column 5",
    );
    check(b"**1954**\n\x00\x01\x02binary", 2, "NUL byte");
    let mut long = b"**1954**\n\n**Title**\n\n**Summary:**\n\n".to_vec();
    long.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    check(&long, 7, "longer than");
}

fn arb_line() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[A-Za-z][A-Za-z0-9 ,.;:'\"()\\[\\]*-]{0,40}[A-Za-z0-9.]",
        1 => Just("**Summary:**".to_string()),
        1 => Just("**Khrushchev:** We agree.".to_string()),
        1 => Just("**Aside:**".to_string()),
        1 => Just("Translation - English".to_string()),
        1 => Just("\\**Citation:**".to_string()),
        1 => Just("\\backslash".to_string()),
        1 => Just("   indented line".to_string()),
        1 => Just("Хрущёв и Тито".to_string()),
    ]
}

fn arb_body() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(arb_line(), 1..4), 0..4).prop_map(|paragraphs| {
        paragraphs.iter().map(|p| p.join("\n")).collect::<Vec<_>>().join("\n\n")
    })
}

fn arb_record() -> impl Strategy<Value = Record> {
    let title = "[A-Z][A-Za-z0-9 ,.'\\[\\]-]{0,60}[a-z]";
    let date = prop::sample::select(vec![
        "August 11, 1954",
        "11 August 1954",
        "August 1954",
        "1954",
        "c. 1954",
        "August 11-12, 1954",
        "1954-08-11",
        "Undated",
        "Spring 1954",
    ]);
    let kind = prop::sample::select(vec![
        ("Translation - English", TextKind::Translation, Some("English")),
        ("Transcript - Russian", TextKind::Transcript, Some("Russian")),
        ("Original", TextKind::Original, None),
        ("", TextKind::Other, None),
    ]);
    let texts = prop::collection::vec(
        (
            kind,
            arb_body(),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    any::<bool>(),
                    prop::option::of("[A-Za-z ,.]{1,30}[a-z.]"),
                ),
                0..4,
            ),
        ),
        0..3,
    );
    let list = || prop::collection::vec("[A-Z][a-z]{1,10}( [A-Z][a-z]{1,10})?", 0..3);
    (
        (title, date, prop::option::of(arb_body()), prop::option::of(arb_body())),
        texts,
        (list(), list(), list()),
        prop::option::of("\"[A-Za-z ]{1,20}\", 1954, [A-Z][a-z]+ Archive, [A-Z][a-z]+, f\\. [0-9]{1,3}( https://example\\.org/doc/[0-9]{1,5})?"),
        prop::option::of(arb_body()),
        (
            prop::option::of(arb_body()),
            prop::option::of((list(), prop::option::of("[A-Z]{1,4}"), 0u8..4)),
            list(),
            prop::option::of(1u32..40),
            prop::sample::select(vec![None, Some(DateSupplied::Title), Some(DateSupplied::Neighbours)]),
            prop::sample::select(vec![RecordKind::Document, RecordKind::CalendarEntry]),
            prop::collection::vec((any::<prop::sample::Index>(), 0u8..8), 0..4),
        ),
    )
        .prop_map(|((title, date, summary, credits), texts, (subjects, places, authors), citation, extra, (source_note, edition, participants, page_count, supplied, kind, spans))| {
            let edtf = date_phrase::normalize(date).ok().flatten();
            let mut record = Record::new(
                RecordId::from_title_and_date(&title, date),
                title,
                DocDate::new(date.to_string(), edtf),
            );
            record.summary = summary;
            record.credits = credits;
            record.subjects = subjects;
            record.places = places;
            record.authors = authors;
            record.citation = citation.map(|text| Citation { parts: citation::parse(&text), text });
            record.extra_sections = extra.map(|body| Section { label: "Archivist's Note".into(), body }).into_iter().collect();
            record.original_languages = vec![Language::from_name("Serbo-Croatian").unwrap()];
            record.source_note = source_note.filter(|n| !n.is_empty());
            record.edition = edition.map(|(editors, volume, n)| Edition {
                series: "Foreign Relations of the United States".into(),
                subseries: (n > 0).then(|| "1955–1957".into()),
                volume,
                volume_title: (n > 1).then(|| "Central and Southeastern Europe".into()),
                editors,
                publisher: (n > 2).then(|| "Government Printing Office".into()),
                place: (n > 2).then(|| "Washington".into()),
                year: (n > 1).then(|| "1992".into()),
                position: (n > 2).then_some(249),
            });
            record.participants = participants;
            record.page_count = page_count;
            record.page_images = page_count.map(|n| (1..=n.min(3)).map(|p| format!("0024/{p:04}.tif")).collect()).unwrap_or_default();
            record.date.supplied = supplied;
            record.kind = kind;
            let mut n_notes = 0;
            record.texts = texts
                .into_iter()
                .map(|((label, kind, language), body, marks)| {
                    let mut text = Text::new(kind, language.and_then(Language::from_name), label.to_string(), body);
                    // Offsets at character boundaries, never between the two newlines of a
                    // paragraph break (what the TEI reader produces, too).
                    let offsets: Vec<usize> = (0..=text.body.len())
                        .filter(|&at| text.body.is_char_boundary(at))
                        .filter(|&at| !(text.body[..at].ends_with('\n') && text.body[at..].starts_with('\n')))
                        .collect();
                    for (index, on_title, note) in marks {
                        let at = *index.get(&offsets);
                        match note {
                            Some(note_text) => {
                                n_notes += 1;
                                text.notes.push(chancery_model::record::Note {
                                    label: n_notes.to_string(),
                                    kind: on_title.then(|| "source".to_string()),
                                    anchor: (!on_title).then_some(at),
                                    text: note_text,
                                });
                            }
                            None => text.pages.push(chancery_model::record::PageBreak { label: format!("{}", 100 + at), offset: at }),
                        }
                    }
                    text.notes.sort_by_key(|n| n.anchor);
                    text.pages.sort_by_key(|p| p.offset);
                    text
                })
                .collect();
            // Structure on the first text: some paragraphs as blocks, some words as references.
            if let Some(text) = record.texts.first_mut() {
                let paragraphs: Vec<(usize, usize)> = text
                    .body
                    .split("\n\n")
                    .scan(0, |at, p| {
                        let start = *at;
                        *at += p.len() + 2;
                        Some((start, start + p.len()))
                    })
                    .filter(|(start, end)| start < end)
                    .collect();
                let words: Vec<(usize, usize)> = text
                    .body
                    .match_indices(|c: char| c.is_alphanumeric())
                    .map(|(at, c)| (at, at + c.len()))
                    .collect();
                let mut used_blocks = std::collections::BTreeSet::new();
                let mut used_refs = std::collections::BTreeSet::new();
                for (index, pick) in spans {
                    let kinds = ["heading", "quote", "list", "table", "opener", "closer"];
                    if pick < 6 && !paragraphs.is_empty() {
                        let (start, end) = *index.get(&paragraphs);
                        if used_blocks.insert(start) {
                            text.spans.push(Span { kind: SpanKind::block_from_key(kinds[pick as usize]).unwrap(), start, end });
                        }
                    } else if !words.is_empty() {
                        let (start, end) = *index.get(&words);
                        if used_refs.insert(start) {
                            text.spans.push(Span { kind: SpanKind::Reference(format!("frus1955-57v26/d{pick}")), start, end });
                        }
                    }
                }
                text.spans.sort_by_key(|s| (s.start, !s.kind.is_block()));
                assert!(text.check_spans().is_ok(), "{:?}", text.check_spans());
            }
            record
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// parse → write → parse is lossless: the written form of any record parses back to it, and
    /// writing that again gives the same text.
    #[test]
    fn write_then_parse_is_lossless(record in arb_record()) {
        let written = write(&record);
        let parsed = parse_str("generated.txt", &written);
        prop_assert!(!parsed.has_errors(), "{:?}\n{}", parsed.diagnostics, written);
        let mut first = parsed.records.into_iter().next().unwrap();
        first.provenance = None;
        let rewritten = write(&first);
        prop_assert_eq!(&rewritten, &written);
        let mut second = parse_str("rewritten.txt", &rewritten).records.into_iter().next().unwrap();
        second.provenance = None;
        prop_assert_eq!(&second, &first);
        // The generated fields themselves survive, not only a fixed point.
        prop_assert_eq!(&first.title, &record.title);
        prop_assert_eq!(&first.summary, &record.summary);
        prop_assert_eq!(&first.texts, &record.texts);
        prop_assert_eq!(&first.authors, &record.authors);
        prop_assert_eq!(&first.extra_sections, &record.extra_sections);
        prop_assert_eq!(&first.citation, &record.citation);
        prop_assert_eq!(&first.id, &record.id.clone());
        prop_assert_eq!(&first.edition, &record.edition);
        prop_assert_eq!(&first.source_note, &record.source_note);
        prop_assert_eq!(&first.participants, &record.participants);
        prop_assert_eq!((first.page_count, &first.page_images), (record.page_count, &record.page_images));
        prop_assert_eq!((first.date.supplied, first.kind), (record.date.supplied, record.kind));
    }

    /// No input panics the parser.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&Source { path: "fuzz", bytes: &bytes, imported_at: OffsetDateTime::UNIX_EPOCH });
        let _ = crate::parse(&Source { path: "fuzz", bytes: &bytes, imported_at: OffsetDateTime::UNIX_EPOCH });
    }

    /// Text that looks like a record (bold lines, labels, CRLF) in arbitrary arrangements never
    /// panics either.
    #[test]
    fn arbitrary_record_like_text_never_panics(lines in prop::collection::vec(prop_oneof![
        Just("**".to_string()), Just("****".to_string()), Just("**1954**".to_string()),
        Just("**Contents:**".to_string()), Just("**Citation:** x".to_string()), Just("\r".to_string()),
        Just(String::new()), Just("\u{feff}**".to_string()), "\\PC{0,12}",
    ], 0..20)) {
        let text = lines.join("\n");
        let _ = parse_str("fuzz.txt", &text);
        let _ = json::parse(&Source { path: "fuzz.json", bytes: text.as_bytes(), imported_at: OffsetDateTime::UNIX_EPOCH });
    }
}

/// A field past [`crate::limits::MAX_FIELD_BYTES`] is refused on the line where it stands; one
/// at the limit is read.
#[test]
fn a_field_past_its_limit_is_refused_on_its_line() {
    let limit = crate::limits::MAX_FIELD_BYTES;
    let record = |title: &str| format!("**1954**\n\n**Letter**\n\n**Subjects:**\n\n{title}\n");
    let at = parse_str("at.txt", &record(&"s".repeat(limit)));
    assert!(at.diagnostics.is_empty(), "{:?}", at.diagnostics);
    let past = parse_str("past.txt", &record(&"s".repeat(limit + 1)));
    assert!(past.records.is_empty());
    assert_eq!(past.diagnostics[0].line, Some(7));
    assert!(past.diagnostics[0].message.contains("MAX_FIELD_BYTES"), "{:?}", past.diagnostics);
}

/// Found by fuzzing (`fuzz/corpus/text_record/regression-label-like-date`): a date printed as
/// `Undaed:` was written as `**Undaed:**`, which reads back as a section label.
#[test]
fn a_header_that_looks_like_a_label_round_trips() {
    for input in ["**Undaed:\n**\n***\n**", "**1954**\n\n**Summary:\n**\n"] {
        let parsed = parse_str("f.txt", input);
        let record = parsed.records.into_iter().next().expect("a record");
        let written = write(&record);
        let again = parse_str("again.txt", &written);
        assert!(!again.has_errors(), "{:?}\n{written}", again.diagnostics);
        let mut again = again.records.into_iter().next().unwrap();
        again.provenance = record.provenance.clone();
        assert_eq!(again, record, "{written}");
    }
}

/// Found by fuzzing (`fuzz/corpus/text_record/regression-undefined-note-mark`): a note mark
/// with no definition was dropped, losing its text and leaving a space at the line's end that
/// the written record no longer had. It stays text; marks at a line's end take no space with
/// them.
#[test]
fn an_undefined_note_mark_stays_text() {
    let parsed = parse_str("f.txt", "**o**\n**L**\n**Content:**T\n[^1]");
    let record = &parsed.records[0];
    assert_eq!(record.texts[0].body, "T [^1]");
    assert!(record.texts[0].notes.is_empty());
    let written = write(record);
    let again = parse_str("again.txt", &written);
    assert_eq!(again.records[0].texts, record.texts, "{written}");

    let parsed = parse_str(
        "p.txt",
        "**1954**\n\n**T**\n\n**Contents:**\n\nOne {{page 5}}  \nTwo [^1]\n\n[^1]: A note.\n",
    );
    let text = &parsed.records[0].texts[0];
    assert_eq!(text.body, "One\nTwo");
    assert_eq!((text.pages[0].offset, text.notes[0].anchor), (3, Some(7)));
}

/// Found by fuzzing (`fuzz/corpus/text_record/regression-mark-in-note`): a page mark inside a
/// footnote was dropped, and the space before it left at the note's end.
#[test]
fn marks_inside_a_note_are_its_text() {
    let parsed = parse_str("n.txt", "**b**\n**m**\n**Content:**[^1]:m\n{{page b}}");
    let record = &parsed.records[0];
    assert_eq!(record.texts[0].notes[0].text, "m {{page b}}");
    let written = write(record);
    let again = parse_str("again.txt", &written);
    assert_eq!(again.records[0].texts, record.texts, "{written}");
}

/// Issue 11: a text's structure (an inner heading, a quotation, a list, a table, a closer, a
/// reference to another document) is kept in the text format, and marks that mean nothing where
/// they stand are text.
#[test]
fn structure_round_trips_through_the_text_format() {
    let body = "Part One\n\nHe wrote:\n\nWe shall not yield.\n\nFirst\nSecond\n\nA | B\n1 | 2\n\nSee Document 241.\n\nDulles";
    let mut text = Text::new(TextKind::Original, None, "Original".into(), body.into());
    let find = |needle: &str| {
        let start = body.find(needle).unwrap();
        (start, start + needle.len())
    };
    let block = |kind: SpanKind, needle: &str| {
        let (start, end) = find(needle);
        Span { kind, start, end }
    };
    text.spans = vec![
        block(SpanKind::Heading, "Part One"),
        block(SpanKind::Quote, "We shall not yield."),
        block(SpanKind::List, "First\nSecond"),
        block(SpanKind::Table, "A | B\n1 | 2"),
        {
            let (start, end) = find("Document 241");
            Span { kind: SpanKind::Reference("frus1955-57v26/d241".into()), start, end }
        },
        block(SpanKind::Closer, "Dulles"),
    ];
    text.check_spans().unwrap();
    let mut record = Record::new(
        RecordId::parse("x").unwrap(),
        "Telegram".into(),
        DocDate::new("1955".into(), "1955".parse().ok()),
    );
    record.texts.push(text);
    let written = write(&record);
    assert!(written.contains("{{heading}}Part One"), "{written}");
    assert!(written.contains("See {{ref frus1955-57v26/d241}}Document 241{{/ref}}."), "{written}");
    assert!(
        written.contains("{{list}}First  \nSecond") || written.contains("{{list}}First\nSecond"),
        "{written}"
    );
    let parsed = parse_str("s.txt", &written);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.records[0].texts, record.texts, "{written}");

    // Marks out of place are text: a block mark inside a paragraph, a reference never closed,
    // and an escaped mark.
    let odd = "**1955**\n\n**T**\n\n**Contents:**\n\nIn a {{quote}} paragraph {{ref a/b}}open \\{{list}} end.\n";
    let parsed = parse_str("o.txt", odd);
    let text = &parsed.records[0].texts[0];
    assert_eq!(text.body, "In a {{quote}} paragraph {{ref a/b}}open {{list}} end.");
    assert!(text.spans.is_empty());
    let again = parse_str("again.txt", &write(&parsed.records[0]));
    assert_eq!(&again.records[0].texts[0], text);
}

#[test]
fn a_list_of_languages_reads_with_or_without_a_serial_comma() {
    for body in ["Russian, and German", "Russian and German", "Russian,\nand German"] {
        let input = format!("**1955**\n\n**T**\n\n**Original Language:**\n\n{body}\n");
        let parsed = parse_str("l.txt", &input);
        let names: Vec<&str> =
            parsed.records[0].original_languages.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Russian", "German"], "{body:?}");
        let again = parse_str("again.txt", &write(&parsed.records[0]));
        assert_eq!(again.records[0].original_languages, parsed.records[0].original_languages);
    }
}
