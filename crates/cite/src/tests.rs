use std::path::Path;

use chancery_ingest::{Source, parse};
use time::OffsetDateTime;

use chancery_model::record::RecordKind;

use super::*;

const ACCESSED: Day = Day { year: 2026, month: 11, day: 28 };

fn records(relative: &str) -> Vec<Record> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let bytes = std::fs::read(&path).unwrap();
    let parsed =
        parse(&Source { path: "fixture", bytes: &bytes, imported_at: OffsetDateTime::UNIX_EPOCH });
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    // The documents: a volume's front matter is cited apart.
    parsed.records.into_iter().filter(|r| r.kind != RecordKind::FrontMatter).collect()
}

fn seed() -> Record {
    records("../../demo/000_5e4392f9da7ebfc5.txt").remove(0)
}

#[test]
fn chicago_carries_every_element_of_the_seed_citation() {
    let chicago = render(&seed(), Style::Chicago, ACCESSED).unwrap();
    for element in [
        "Tito",
        "“Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita Khrushchev and Central Committee of the Communist Party of the Soviet Union,”",
        "August 11, 1954",
        "Wilson Center Digital Archive",
        "Arhiv Jugoslavije [National Archives of Yugoslavia]",
        "Arhiv CK SKJ",
        "507 / IX, 119/I-50",
        "Svetozar Rajak",
        "https://digitalarchive.wilsoncenter.org/document/112970",
    ] {
        assert!(chicago.note.contains(element), "note lacks {element}: {}", chicago.note);
        assert!(
            chicago.bibliography.contains(element.trim_end_matches(",”")),
            "bibliography lacks {element}: {}",
            chicago.bibliography
        );
    }
    assert_eq!(
        chicago.note,
        "Tito and Executive Committee [Politburo] of the CC LCY, “Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita Khrushchev and Central Committee of the Communist Party of the Soviet Union,” Letter to Nikita Khrushchev and Central Committee of the Communist Party of the Soviet Union, in Wilson Center Digital Archive, trans. Svetozar Rajak, August 11, 1954, 507 / IX, 119/I-50, Arhiv CK SKJ, Arhiv Jugoslavije [National Archives of Yugoslavia], https://digitalarchive.wilsoncenter.org/document/112970."
    );
}

#[test]
fn mla_and_apa() {
    let mla = render(&seed(), Style::Mla, ACCESSED).unwrap();
    assert!(
        mla.bibliography.contains("11 Aug. 1954")
            && mla.bibliography.contains("translated by Svetozar Rajak"),
        "{}",
        mla.bibliography
    );
    let apa = render(&seed(), Style::Apa, ACCESSED).unwrap();
    assert!(
        apa.bibliography.contains("(1954, August 11)")
            && apa.bibliography.contains("(Svetozar Rajak, trans.)"),
        "{}",
        apa.bibliography
    );
    assert!(apa.note.starts_with("(Tito"), "{}", apa.note);
}

#[test]
fn frus_documents_of_every_kind() {
    let frus = records("../ingest/test_data/tei/frus_2014_style.xml");
    let telegram = render(&frus[0], Style::Chicago, ACCESSED).unwrap();
    for element in [
        "Department of State",
        "“Telegram from the Department of State to the Embassy in Austria,”",
        "June 8, 1955",
        "663.001/6–855",
        "Central Files",
        "Foreign Relations of the United States, 1955–1957, Test Volume",
        "https://history.state.gov/historicaldocuments/frus-test-v1/d3",
    ] {
        assert!(telegram.note.contains(element), "telegram lacks {element}: {}", telegram.note);
    }
    // An editorial note dated from its volume's span is cited with that span's start.
    let supplied = render(&frus[1], Style::Chicago, ACCESSED).unwrap();
    assert!(supplied.note.contains("1955"), "{}", supplied.note);
    // An undated record: "n.d.", not a panic or an empty date.
    let mut undated = frus[1].clone();
    undated.date = chancery_model::date::DocDate::new("Undated".into(), None);
    let undated = render(&undated, Style::Chicago, ACCESSED).unwrap();
    assert!(undated.note.contains("n.d."), "{}", undated.note);
    // A two-day conversation is a date range: hayagriva would panic on it; we cite its start, circa.
    let range = render(&frus[2], Style::Chicago, ACCESSED).unwrap();
    assert!(range.note.contains("1955"), "{}", range.note);
    assert_eq!(
        csl_json(&frus[2], ACCESSED)["issued"],
        json!({"date-parts": [[1955, 6, 1]], "circa": true})
    );
    // An approximate date ("c. 1954").
    let approximate = records("../ingest/test_data/text/unknown_section.txt").remove(0);
    let cited = render(&approximate, Style::Chicago, ACCESSED).unwrap();
    assert!(cited.note.contains("1954"), "{}", cited.note);
    assert_eq!(csl_json(&approximate, ACCESSED)["issued"]["circa"], json!(true));
}

#[test]
fn a_frus_document_is_cited_as_a_document_in_its_volume() {
    let memorandum = records("test_data/frus_letter.xml").remove(1);
    assert_eq!(memorandum.id.as_str(), "frus1955-57v26/d249");
    let chicago = render(&memorandum, Style::Chicago, ACCESSED).unwrap();
    assert_eq!(
        chicago.note,
        "“Memorandum of a Conversation Between the Secretary of State and the Yugoslav Ambassador (Mates), Department of State, Washington, May 23, 1955,” in Foreign Relations of the United States, 1955–1957, vol. XXVI, Central and Southeastern Europe, ed. Roberta L. DiGangi et al. (Washington: Government Printing Office, 1992), Document 249, https://history.state.gov/historicaldocuments/frus1955-57v26/d249."
    );
    // The record's own citation says the same.
    assert!(
        memorandum
            .citation
            .as_ref()
            .unwrap()
            .text
            .starts_with(chicago.note.split(", https").next().unwrap())
    );
    let bib = bibtex(&memorandum, ACCESSED);
    assert!(bib.starts_with("@incollection{frus1955_57v26_d249,\n"), "{bib}");
    assert!(
        bib.contains("  chapter = {Document 249},\n") && bib.contains("  year = {1992},\n"),
        "{bib}"
    );
    let ris = ris(&memorandum, ACCESSED);
    assert!(ris.starts_with("TY  - CHAP\r\n") && ris.contains("SE  - Document 249\r\n"), "{ris}");
    let csl = csl_json(&memorandum, ACCESSED);
    assert_eq!((csl["type"].as_str(), csl["volume"].as_str()), (Some("chapter"), Some("XXVI")));
    // A memorandum of conversation has participants, not a sender and a recipient.
    assert!(
        memorandum.recipients.is_empty() && memorandum.participants.len() == 2,
        "{:?}",
        memorandum.participants
    );
}

#[test]
fn bibtex_and_ris() {
    let bib = bibtex(&seed(), ACCESSED);
    assert!(bib.starts_with("@misc{wcda_112970,\n"), "{bib}");
    assert!(
        bib.contains("  author = {{Tito} and {Executive Committee [Politburo] of the CC LCY}},\n"),
        "{bib}"
    );
    assert!(bib.contains("  year = {1954},\n  month = {8},\n  date = {1954-08-11},\n"), "{bib}");
    assert!(bib.contains("  note = {Arhiv Jugoslavije [National Archives of Yugoslavia], Arhiv CK SKJ, 507 / IX, 119/I-50. Translated by Svetozar Rajak. To Nikita Khrushchev and Central Committee of the Communist Party of the Soviet Union.},\n"), "{bib}");
    assert!(bib.contains("  url = {https://digitalarchive.wilsoncenter.org/document/112970},\n  urldate = {2026-11-28}\n}"), "{bib}");
    let mut hostile = seed();
    hostile.title = "50% of {all} & #1_x \\ ~^".into();
    assert!(bibtex(&hostile, ACCESSED).contains("title = {{50\\% of \\{all\\} \\& \\#1\\_x \\textbackslash{} \\textasciitilde{}\\textasciicircum{}}}"));

    let ris = ris(&seed(), ACCESSED);
    let lines: Vec<&str> = ris.split("\r\n").collect();
    assert_eq!(lines[0], "TY  - PCOMM");
    assert!(
        lines.contains(&"AU  - Tito")
            && lines.contains(&"DA  - 1954/08/11/")
            && lines.contains(&"A4  - Svetozar Rajak"),
        "{ris}"
    );
    assert!(lines.contains(&"AV  - Arhiv Jugoslavije [National Archives of Yugoslavia], Arhiv CK SKJ, 507 / IX, 119/I-50"), "{ris}");
    assert!(
        lines.contains(&"UR  - https://digitalarchive.wilsoncenter.org/document/112970")
            && lines.contains(&"Y2  - 2026/11/28/"),
        "{ris}"
    );
    assert_eq!(lines[lines.len() - 2], "ER  - ");
}

/// Every format of every kind of record, compared whole with `test_data/citations.expected`
/// (`UPDATE_EXPECT=1 cargo test -p chancery-cite` rewrites it; review the diff).
#[test]
fn snapshots_of_every_format() {
    let mut kinds: Vec<(&str, Record)> = vec![("seed letter (Wilson Center)", seed())];
    let mut volume = records("test_data/frus_letter.xml");
    kinds.push(("FRUS letter", volume.remove(0)));
    kinds.push(("FRUS memorandum of conversation, in its edited volume", volume.remove(0)));
    let frus = records("../ingest/test_data/tei/frus_2014_style.xml");
    let labels = [
        "FRUS telegram",
        "FRUS undated editorial note",
        "FRUS memorandum of conversation (a two-day range)",
    ];
    kinds.extend(labels.into_iter().zip(frus));
    kinds.push((
        "approximate date (c. 1954)",
        records("../ingest/test_data/text/unknown_section.txt").remove(0),
    ));
    let mut out = String::new();
    for (label, record) in &kinds {
        out.push_str(&format!("===== {label}: {}\n", record.id));
        let chicago = render(record, Style::Chicago, ACCESSED).unwrap();
        let mla = render(record, Style::Mla, ACCESSED).unwrap();
        let apa = render(record, Style::Apa, ACCESSED).unwrap();
        for (name, text) in [
            ("chicago note", chicago.note),
            ("chicago bibliography", chicago.bibliography),
            ("mla", mla.bibliography),
            ("mla in-text", mla.note),
            ("apa", apa.bibliography),
            ("apa in-text", apa.note),
            ("bibtex", bibtex(record, ACCESSED)),
            ("ris", ris(record, ACCESSED).replace("\r\n", "\n")),
            ("csl-json", serde_json::to_string_pretty(&csl_json(record, ACCESSED)).unwrap()),
        ] {
            out.push_str(&format!("--- {name}\n{}\n", text.trim_end()));
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/citations.expected");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == out,
        "citations changed; review with UPDATE_EXPECT=1 cargo test -p chancery-cite and git diff"
    );
}
