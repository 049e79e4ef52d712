//! The Office of the Historian's cross-publication people data: a bundle of `<person>` files
//! (`<bundle source="HistoryAtState/people">`, see `../shared/corpus/README.md`), each a
//! preferred name, the names each source gives, remarks with their sources, and the persons-list
//! URLs of every FRUS volume naming the person. The TEI reader hands such a file here after the
//! same checks as a volume (UTF-8, entities, depth).

use std::collections::HashSet;

use chancery_model::person::{NameVariant, Person, PersonId, Remark};
use roxmltree::{Document, Node};

use crate::limits::{MAX_FIELD_BYTES, MAX_ITEMS, bundle_too_large};
use crate::{Diagnostic, Parsed, Severity, Source};

/// Where persons-list URLs point: `…/historicaldocuments/<volume>/persons#<id>`.
const PERSONS_LIST_URL: &str = "https://history.state.gov/historicaldocuments/";

/// Whether a parsed XML root is a bundle of the people data.
pub(crate) fn is_people_bundle(root: Node<'_, '_>) -> bool {
    root.tag_name().name() == "bundle" && root.attribute("source") == Some("HistoryAtState/people")
}

/// Reads every person of the bundle.
pub(crate) fn read(
    document: &Document<'_>,
    source: &Source<'_>,
    mut diagnostics: Vec<Diagnostic>,
) -> Parsed {
    let mut persons = Vec::new();
    let mut taken = HashSet::new();
    for node in document.root_element().descendants().filter(|n| n.has_tag_name("person")) {
        let line = document.text_pos_at(node.range().start).row as usize;
        match person(node) {
            Ok(mut person) => {
                // Two people of one name: the later one's id carries its HSG id.
                if !taken.insert(person.id.clone()) {
                    let suffix = person.hsg_id.clone().unwrap_or_else(|| line.to_string());
                    person.id = person.id.with_suffix(&suffix);
                    taken.insert(person.id.clone());
                }
                persons.push(person);
            }
            Err(message) => diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: source.path.to_string(),
                line: Some(line),
                message,
            }),
        }
    }
    if let Some(message) = bundle_too_large(persons.len(), "persons") {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: source.path.to_string(),
            line: Some(1),
            message,
        });
    }
    if persons.is_empty() && !diagnostics.iter().any(|d| d.severity == Severity::Error) {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: source.path.to_string(),
            line: Some(1),
            message: "a people bundle without a <person>: is it the right file?".into(),
        });
    }
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Parsed { persons: if failed { Vec::new() } else { persons }, diagnostics, ..Parsed::default() }
}

/// An element's text, its whitespace collapsed (what the bundles' fields hold).
pub(crate) fn text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// An element's first child of a name.
pub(crate) fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|n| n.has_tag_name(name))
}

fn field(value: String, what: &str, hsg_id: &str) -> Result<String, String> {
    if value.len() > MAX_FIELD_BYTES {
        return Err(format!(
            "person {hsg_id}: {what} is {} bytes long; the limit is {MAX_FIELD_BYTES} bytes (MAX_FIELD_BYTES)",
            value.len()
        ));
    }
    Ok(value)
}

/// The persons-list entry a URL names (`frus1955-57v26#p_TMJB1`), if it names one.
pub fn persons_list_entry(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix(PERSONS_LIST_URL)?;
    let (volume, anchor) = rest.split_once("/persons#")?;
    let ok = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    (ok(volume) && ok(anchor)).then(|| format!("{volume}#{anchor}"))
}

fn person(node: Node<'_, '_>) -> Result<Person, String> {
    let hsg_id = child(node, "id").map(text).filter(|i| !i.is_empty());
    let shown = hsg_id.clone().unwrap_or_else(|| "without an <id>".into());
    let names = child(node, "names").ok_or_else(|| format!("person {shown}: no <names>"))?;
    let name = child(names, "preferred")
        .and_then(|p| child(p, "name"))
        .map(text)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| format!("person {shown}: no preferred name"))?;
    let name = field(name, "the preferred name", &shown)?;
    let id = PersonId::from_name(&name).ok_or_else(|| {
        format!("person {shown}: the name `{name}` has no letters to make an id of")
    })?;
    let sources_of = |n: Node<'_, '_>| -> Vec<String> {
        n.children()
            .filter(|c| c.has_tag_name("source-url"))
            .map(text)
            .filter(|u| !u.is_empty())
            .collect()
    };
    let mut variants = Vec::new();
    let mut entries = Vec::new();
    for group in ["alternates", "originals"] {
        for variant in
            child(names, group).into_iter().flat_map(|g| g.children()).filter(|n| n.is_element())
        {
            let Some(variant_name) = child(variant, "name").map(text).filter(|n| !n.is_empty())
            else {
                continue;
            };
            let sources = sources_of(variant);
            entries.extend(sources.iter().filter_map(|u| persons_list_entry(u)));
            variants.push(NameVariant { name: field(variant_name, "a name", &shown)?, sources });
        }
    }
    let mut remarks = Vec::new();
    for remark in child(node, "remarks")
        .into_iter()
        .flat_map(|r| r.children())
        .filter(|n| n.has_tag_name("remark"))
    {
        let remark_text = child(remark, "p").map(text).unwrap_or_default();
        if remark_text.is_empty() {
            continue;
        }
        let sources = sources_of(remark);
        entries.extend(sources.iter().filter_map(|u| persons_list_entry(u)));
        remarks.push(Remark { text: field(remark_text, "a remark", &shown)?, sources });
    }
    entries.sort();
    entries.dedup();
    for (what, list) in [
        ("names", variants.len()),
        ("remarks", remarks.len()),
        ("persons-list entries", entries.len()),
    ] {
        if list > MAX_ITEMS {
            return Err(format!(
                "person {shown}: {list} {what}; the limit is {MAX_ITEMS} (MAX_ITEMS)"
            ));
        }
    }
    let year = |name: &str| child(node, name).map(text).filter(|y| !y.is_empty());
    Ok(Person {
        id,
        name,
        variants,
        birth: year("birth-year"),
        death: year("death-year"),
        remarks,
        hsg_id,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_file(name: &str) -> Parsed {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/persons").join(name);
        let bytes = std::fs::read(path).unwrap();
        crate::parse(&Source {
            path: name,
            bytes: &bytes,
            imported_at: time::OffsetDateTime::UNIX_EPOCH,
        })
    }

    #[test]
    fn a_people_bundle_reads_as_persons() {
        let parsed = parse_file("people.xml");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert!(parsed.records.is_empty());
        let ids: Vec<&str> = parsed.persons.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "dulles-john-foster",
                "dulles-allen-w",
                "dulles-eleanor-lansing",
                "khrushchev-nikita-sergeyevich",
                "tito-josip-broz",
                "smith-john",
                "smith-john-9007"
            ]
        );
        let foster = &parsed.persons[0];
        assert_eq!(foster.entries, ["frus-second-v2#p_DJF2", "frus-trust-V9#p_DJF1"]);
        assert_eq!(
            (foster.birth.as_deref(), foster.death.as_deref()),
            (Some("1888"), Some("1959"))
        );
        assert_eq!(foster.hsg_id.as_deref(), Some("9001"));
        assert_eq!(foster.remarks[0].text, "Secretary of State");
        let tito = &parsed.persons[4];
        assert_eq!(tito.display_name(), "Josip Broz Tito");
        assert!(tito.names().any(|n| n == "Broz Tito"));
    }

    #[test]
    fn a_person_without_a_name_is_an_error_with_its_line() {
        let bundle = "<bundle source=\"HistoryAtState/people\">\n<record><person><id>1</id><names><preferred><name> </name></preferred></names></person></record>\n</bundle>";
        let parsed = crate::parse(&Source {
            path: "p.xml",
            bytes: bundle.as_bytes(),
            imported_at: time::OffsetDateTime::UNIX_EPOCH,
        });
        assert!(parsed.has_errors() && parsed.persons.is_empty());
        let error = &parsed.diagnostics[0];
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("person 1: no preferred name"), "{}", error.message);
    }

    #[test]
    fn persons_list_urls_name_entries() {
        assert_eq!(
            persons_list_entry(
                "https://history.state.gov/historicaldocuments/frus1955-57v26/persons#p_TMJB1"
            )
            .as_deref(),
            Some("frus1955-57v26#p_TMJB1")
        );
        assert_eq!(
            persons_list_entry("https://history.state.gov/departmenthistory/visits/yugoslavia"),
            None
        );
        assert_eq!(
            persons_list_entry("https://history.state.gov/historicaldocuments/x/persons#a\"b"),
            None
        );
    }
}
