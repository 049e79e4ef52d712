//! The Office of the Historian's visits data: `<visits>` files (foreign leaders' visits to the
//! United States: `id`, `start-date`, `end-date`, `visitor`, `<from id>`, `description`) and
//! `<trips>` files (Presidents' and Secretaries of State's trips abroad: `<trip role who>` with
//! `id`, `name`, `start-date`, `end-date`, `<country id>`, `locale`, `remarks`), read into
//! `model::visit::Visit`s. Every problem names its line.

use chancery_model::visit::{Visit, VisitKind};
use roxmltree::{Document, Node};

use crate::limits::{MAX_BUNDLE_ENTRIES, MAX_FIELD_BYTES};
use crate::{Diagnostic, Parsed, Severity, Source};

/// Whether a parsed XML root is a visits or a trips file.
pub(crate) fn is_visits(root: Node<'_, '_>) -> bool {
    matches!(root.tag_name().name(), "visits" | "trips")
        && root
            .children()
            .filter(Node::is_element)
            .all(|n| matches!(n.tag_name().name(), "visit" | "trip"))
}

/// Reads every visit or trip of the file.
pub(crate) fn read(
    document: &Document<'_>,
    source: &Source<'_>,
    mut diagnostics: Vec<Diagnostic>,
) -> Parsed {
    let mut visits = Vec::new();
    for node in document.root_element().children().filter(Node::is_element) {
        let line = document.text_pos_at(node.range().start).row as usize;
        if visits.len() >= MAX_BUNDLE_ENTRIES {
            diagnostics.push(error(source, line, format!(
                "more than {MAX_BUNDLE_ENTRIES} visits in one file (MAX_BUNDLE_ENTRIES): split it"
            )));
            break;
        }
        match visit(node) {
            Ok(visit) => visits.push(visit),
            Err(message) => diagnostics.push(error(source, line, message)),
        }
    }
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Parsed { diagnostics, ..Parsed::default() };
    }
    Parsed { visits, diagnostics, ..Parsed::default() }
}

fn error(source: &Source<'_>, line: usize, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        path: source.path.to_string(),
        line: Some(line),
        message,
    }
}

/// A child's text, whitespace collapsed; `None` when absent or empty.
fn text(node: Node<'_, '_>, name: &str) -> Result<Option<String>, String> {
    let Some(child) = node.children().find(|n| n.has_tag_name(name)) else { return Ok(None) };
    let text: String =
        child.text().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    if text.len() > MAX_FIELD_BYTES {
        return Err(format!(
            "<{name}> holds {} bytes; the limit is {MAX_FIELD_BYTES} (MAX_FIELD_BYTES)",
            text.len()
        ));
    }
    Ok((!text.is_empty()).then_some(text))
}

fn day(node: Node<'_, '_>, name: &str) -> Result<Option<String>, String> {
    let Some(value) = text(node, name)? else { return Ok(None) };
    match value.parse::<chancery_model::date::Edtf>() {
        Ok(_) if value.len() == 10 => Ok(Some(value)),
        _ => Err(format!(
            "<{name}> is `{}`, not a day (YYYY-MM-DD)",
            value.chars().take(30).collect::<String>()
        )),
    }
}

fn visit(node: Node<'_, '_>) -> Result<Visit, String> {
    let trip = node.has_tag_name("trip");
    let id = text(node, "id")?.ok_or("a visit without an <id>")?;
    let (kind, who, who_id, country_tag, note_tag) = if trip {
        let kind = match node
            .attribute("role")
            .or_else(|| node.children().find(|n| n.has_tag_name("role")).and_then(|n| n.text()))
        {
            Some("president") => VisitKind::President,
            Some("secretary") => VisitKind::Secretary,
            other => {
                return Err(format!(
                    "trip {id}: the role is {other:?}, not `president` or `secretary`"
                ));
            }
        };
        (kind, text(node, "name")?, node.attribute("who").map(str::to_string), "country", "remarks")
    } else {
        (VisitKind::ToUnitedStates, text(node, "visitor")?, None, "from", "description")
    };
    let country = node
        .children()
        .find(|n| n.has_tag_name(country_tag))
        .and_then(|n| n.attribute("id"))
        .filter(|c| chancery_model::event::is_slug(c))
        .ok_or_else(|| format!("{id}: no <{country_tag} id=\"…\"> naming a country"))?;
    Ok(Visit {
        id: format!("{}-{id}", if trip { "trip" } else { "visit" }),
        kind,
        who: who.ok_or_else(|| format!("{id}: no one named as visitor or traveller"))?,
        who_id,
        country: country.to_string(),
        locale: if trip { text(node, "locale")? } else { None },
        start: day(node, "start-date")?.ok_or_else(|| format!("{id}: no <start-date>"))?,
        end: day(node, "end-date")?,
        note: text(node, note_tag)?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(xml: &str) -> Parsed {
        crate::parse(&Source {
            path: "visits.xml",
            bytes: xml.as_bytes(),
            imported_at: time::OffsetDateTime::UNIX_EPOCH,
        })
    }

    #[test]
    fn visits_and_trips_are_read_with_their_countries() {
        let p = parsed(
            r#"<?xml version="1.0"?><visits><visit><id>2380</id><start-date>1963-10-17</start-date><end-date>1963-10-25</end-date><visitor>President Tito</visitor><from id="yugoslavia">Yugoslavia</from><description>Private visit.
              Met with President Kennedy.</description></visit></visits>"#,
        );
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.visits[0].id, "visit-2380");
        assert_eq!(p.visits[0].note, "Private visit. Met with President Kennedy.");
        let p = parsed(
            r#"<trips><trip role="secretary" who="dulles-john-foster"><id>3301</id><role>secretary</role><name>John Foster Dulles</name><start-date>1955-11-06</start-date><end-date>1955-11-06</end-date><country id="yugoslavia">Yugoslavia</country><locale>Brioni</locale><remarks>Met with Tito.</remarks></trip></trips>"#,
        );
        assert_eq!(p.visits[0].kind, VisitKind::Secretary);
        assert_eq!(p.visits[0].who_id.as_deref(), Some("dulles-john-foster"));
        assert_eq!(p.visits[0].locale.as_deref(), Some("Brioni"));
    }

    #[test]
    fn a_visit_without_a_day_is_an_error_on_its_line() {
        let p = parsed(
            "<visits>\n<visit><id>1</id><start-date>soon</start-date><visitor>X</visitor><from id=\"chile\"/></visit></visits>",
        );
        assert!(p.visits.is_empty());
        assert_eq!(p.diagnostics[0].line, Some(2));
        assert!(p.diagnostics[0].message.contains("not a day"), "{:?}", p.diagnostics);
    }
}
