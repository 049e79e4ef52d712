//! The Office of the Historian's *Principal Officers and Chiefs of Mission* data: bundles
//! (`<bundle source="HistoryAtState/pocom">`, see `../shared/corpus/README.md`) of office
//! holders (`<person>`), U.S. missions in countries (`<country-mission>`) and to organizations
//! (`<org-mission>`), principal offices (`<principal-position>`) and chiefs' titles (`<role>`).
//! Each mission or office lists its appointments with their dates. The code tables and
//! concurrent appointments are kept only as the source's bytes. The TEI reader hands such a
//! file here after the same checks as a volume (UTF-8, entities, depth).

use chancery_model::office::{OfficeHolder, Offices, Position, PostKind, Title};
use roxmltree::{Document, Node};

use crate::limits::{MAX_FIELD_BYTES, bundle_too_large};
use crate::persons::{child, text};
use crate::{Diagnostic, Parsed, Severity, Source};

/// Whether a parsed XML root is a bundle of the chiefs-of-mission data.
pub(crate) fn is_offices_bundle(root: Node<'_, '_>) -> bool {
    root.tag_name().name() == "bundle" && root.attribute("source") == Some("HistoryAtState/pocom")
}

/// Reads every holder, post, title and appointment of the bundle.
pub(crate) fn read(
    document: &Document<'_>,
    source: &Source<'_>,
    mut diagnostics: Vec<Diagnostic>,
) -> Parsed {
    let mut offices = Offices::default();
    for node in document.root_element().children().filter(|n| n.has_tag_name("record")) {
        let Some(item) = node.children().find(Node::is_element) else { continue };
        let line = document.text_pos_at(item.range().start).row as usize;
        if let Err(message) = read_item(item, &mut offices) {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: source.path.to_string(),
                line: Some(line),
                message,
            });
        }
    }
    for (what, n) in [
        ("office holders", offices.holders.len()),
        ("posts and titles", offices.titles.len()),
        ("appointments", offices.positions.len()),
    ] {
        if let Some(message) = bundle_too_large(n, what) {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: source.path.to_string(),
                line: Some(1),
                message,
            });
        }
    }
    // The data gives a few appointments the id of another (a second term under the first's id):
    // each keeps its own, the repeat with a suffix, so that none replaces another.
    let mut seen = std::collections::HashMap::new();
    for position in &mut offices.positions {
        let n = seen.entry(position.id.clone()).or_insert(0_usize);
        *n += 1;
        if *n > 1 {
            let kept = format!("{}-{n}", position.id);
            diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                path: source.path.to_string(),
                line: None,
                message: format!(
                    "appointment id `{}` is given twice (to {} in {}): the second is kept as `{kept}`",
                    position.id, position.holder, position.post
                ),
            });
            position.id = kept;
        }
    }
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let offices = (!failed && !offices.is_empty()).then(|| Box::new(offices));
    Parsed { offices, diagnostics, ..Parsed::default() }
}

/// A child's text, if not empty and within [`MAX_FIELD_BYTES`].
fn field(node: Node<'_, '_>, path: &[&str]) -> Result<Option<String>, String> {
    let mut at = node;
    for name in path {
        match child(at, name) {
            Some(next) => at = next,
            None => return Ok(None),
        }
    }
    let value = text(at);
    if value.len() > MAX_FIELD_BYTES {
        return Err(format!(
            "<{}> is {} bytes long; the limit is {MAX_FIELD_BYTES} bytes (MAX_FIELD_BYTES)",
            path.join("/"),
            value.len()
        ));
    }
    Ok((!value.is_empty()).then_some(value))
}

fn required(node: Node<'_, '_>, path: &[&str], of: &str) -> Result<String, String> {
    field(node, path)?.ok_or_else(|| format!("{of} without <{}>", path.join("/")))
}

fn read_item(item: Node<'_, '_>, offices: &mut Offices) -> Result<(), String> {
    match item.tag_name().name() {
        "person" => {
            let id = required(item, &["id"], "a <person>")?;
            let surname = required(item, &["persName", "surname"], &format!("person {id}"))?;
            let name = match field(item, &["persName", "forename"])? {
                Some(forename) => format!("{surname}, {forename}"),
                None => surname,
            };
            let persname = child(item, "persName").expect("read above");
            let other_names = persname
                .children()
                .filter(|n| n.has_tag_name("altname"))
                .map(text)
                .filter(|n| !n.is_empty() && n.len() <= MAX_FIELD_BYTES)
                .collect();
            offices.holders.push(OfficeHolder {
                id,
                name,
                other_names,
                birth: field(item, &["birth"])?,
                death: field(item, &["death"])?,
                career: field(item, &["career-type"])?,
            });
        }
        "role" => offices.titles.push(Title {
            id: required(item, &["id"], "a <role>")?,
            singular: required(item, &["names", "singular"], "a <role>")?,
        }),
        "country-mission" => {
            let country = required(item, &["territory-id"], "a <country-mission>")?;
            appointments(item, "chiefs", PostKind::Country, &country, offices)?;
        }
        "principal-position" | "org-mission" => {
            let id = required(item, &["id"], &format!("a <{}>", item.tag_name().name()))?;
            let singular = required(item, &["names", "singular"], &format!("post {id}"))?;
            let (list, kind) = if item.has_tag_name("principal-position") {
                ("principals", PostKind::Principal)
            } else {
                ("chiefs", PostKind::Organization)
            };
            appointments(item, list, kind, &id, offices)?;
            offices.titles.push(Title { id, singular });
        }
        _ => {}
    }
    Ok(())
}

fn appointments(
    item: Node<'_, '_>,
    list: &str,
    kind: PostKind,
    post: &str,
    offices: &mut Offices,
) -> Result<(), String> {
    // The list also holds notes on the mission (`<mission-note>`): only appointments are read.
    let entry = if list == "principals" { "principal" } else { "chief" };
    for chief in
        child(item, list).into_iter().flat_map(|l| l.children()).filter(|n| n.has_tag_name(entry))
    {
        let of = format!("an appointment to {post}");
        let id = required(chief, &["id"], &of)?;
        let of = format!("appointment {id}");
        offices.positions.push(Position {
            holder: required(chief, &["person-id"], &of)?,
            title: required(chief, &["role-title-id"], &of)?,
            kind,
            post: post.to_string(),
            contemporary: field(chief, &["contemporary-territory-id"])?,
            appointed: field(chief, &["appointed", "date"])?,
            started: field(chief, &["started", "date"])?,
            ended: field(chief, &["ended", "date"])?,
            ended_note: field(chief, &["ended", "note"])?,
            id,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Parsed {
        crate::parse(&Source {
            path: "pocom.xml",
            bytes: xml.as_bytes(),
            imported_at: time::OffsetDateTime::UNIX_EPOCH,
        })
    }

    /// Two Secretaries of State, an ambassador, their titles and two holders.
    fn bundle() -> String {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/offices/pocom.xml");
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_bundle_reads_as_holders_titles_and_appointments() {
        let parsed = parse(&bundle());
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let offices = parsed.offices.expect("offices");
        assert_eq!(offices.holders.len(), 3);
        assert_eq!(offices.holders[0].name, "Dulles, John Foster");
        assert_eq!(offices.holders[0].other_names, ["John Foster Dulles"]);
        assert_eq!(offices.holders[0].birth.as_deref(), Some("1888"));
        let titles: Vec<(&str, &str)> =
            offices.titles.iter().map(|t| (t.id.as_str(), t.singular.as_str())).collect();
        assert_eq!(
            titles,
            [
                ("secretary", "Secretary of State"),
                ("ambassador-e-p", "Ambassador Extraordinary and Plenipotentiary")
            ]
        );
        let ridd = &offices.positions[2];
        assert_eq!((ridd.kind, ridd.post.as_str()), (PostKind::Country, "yugoslavia"));
        assert_eq!(ridd.started.as_deref(), Some("1953-04-27"));
        assert_eq!(ridd.ended_note.as_deref(), Some("Left post on"));
        assert_eq!(offices.positions[0].kind, PostKind::Principal);
        assert!(parsed.records.is_empty() && parsed.persons.is_empty());
    }

    #[test]
    fn an_id_given_twice_keeps_both_appointments() {
        let bundle = bundle().replace("secr-1959-hert", "secr-1953-dull");
        let parsed = parse(&bundle);
        let offices = parsed.offices.expect("offices");
        let ids: Vec<&str> = offices.positions.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["secr-1953-dull", "secr-1953-dull-2", "yu-1953-ridd"]);
        assert_eq!(parsed.diagnostics.len(), 1);
        assert_eq!(parsed.diagnostics[0].severity, Severity::Warning);
        assert!(parsed.diagnostics[0].message.contains("kept as `secr-1953-dull-2`"));
    }

    #[test]
    fn an_appointment_without_its_holder_is_refused_with_its_line() {
        let bundle = bundle();
        let broken = bundle.replace("<person-id>riddleberger-james-williams</person-id>", "");
        let parsed = parse(&broken);
        assert!(parsed.offices.is_none());
        let error = &parsed.diagnostics[0];
        assert_eq!(error.severity, Severity::Error);
        assert!(error.message.contains("yu-1953-ridd without <person-id>"), "{}", error.message);
        let mission = bundle.lines().position(|l| l.contains("<country-mission>")).unwrap() + 1;
        assert_eq!(error.line, Some(mission), "the line of the mission holding it");
    }
}
