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
