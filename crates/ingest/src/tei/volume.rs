//! What a volume says about itself (its id, title and the edition a citation needs, from the TEI
//! header) and the authority entries of its front matter (persons and terms).

use std::collections::HashMap;

use chancery_model::authority::{Authority, AuthorityKind};
use chancery_model::record::{Edition, Record, RecordKind};
use roxmltree::Node;

use super::{child, is, plain, xml_id};

/// What the volume says about itself.
pub(super) struct Volume {
    /// Its id, as the edition spells it (`frus1955-57v26`).
    pub(super) id: String,
    /// Its complete title.
    pub(super) title: String,
    /// Its editors, as the header lists them.
    pub(super) editors: Vec<String>,
    /// Its publication year.
    pub(super) published: Option<String>,
    /// The edition as a citation needs it.
    pub(super) edition: Option<Edition>,
}

impl Volume {
    pub(super) fn read(root: Node<'_, '_>, path: &str) -> Volume {
        let header = child(root, "teiHeader");
        let find = |name: &str, attribute: (&str, &str)| {
            header.and_then(|h| {
                h.descendants()
                    .find(|n| is(*n, name) && n.attribute(attribute.0) == Some(attribute.1))
                    .map(plain)
                    .filter(|t| !t.is_empty())
            })
        };
        let stem = std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let id = xml_id(root)
            .map(str::to_string)
            .or_else(|| find("idno", ("type", "frus")))
            .unwrap_or(stem);
        let title = find("title", ("type", "complete"))
            .or_else(|| header.and_then(|h| h.descendants().find(|n| is(*n, "title")).map(plain)))
            .unwrap_or_else(|| id.clone());
        let editor_nodes: Vec<Node<'_, '_>> = header
            .map(|h| h.descendants().filter(|n| is(*n, "editor")).collect())
            .unwrap_or_default();
        let editors: Vec<String> =
            editor_nodes.iter().map(|n| plain(*n)).filter(|e| !e.is_empty()).collect();
        let publication = header.and_then(|h| h.descendants().find(|n| is(*n, "publicationStmt")));
        let in_publication = |name: &str| {
            publication.and_then(|p| child(p, name)).map(plain).filter(|d| !d.is_empty())
        };
        let published = in_publication("date");
        // A citation names the volume's own editors first and its general editor last.
        let mut cited_editors: Vec<String> = editor_nodes
            .iter()
            .filter(|n| n.attribute("role") != Some("general"))
            .map(|n| plain(*n))
            .filter(|e| !e.is_empty())
            .collect();
        cited_editors.extend(
            editor_nodes
                .iter()
                .filter(|n| n.attribute("role") == Some("general"))
                .map(|n| plain(*n))
                .filter(|e| !e.is_empty()),
        );
        let edition = find("title", ("type", "series")).map(|series| Edition {
            series,
            subseries: find("title", ("type", "subseries")),
            volume: find("title", ("type", "volumenumber")).map(|v| {
                v.strip_prefix("Volume ")
                    .or_else(|| v.strip_prefix("Vol. "))
                    .unwrap_or(&v)
                    .to_string()
            }),
            volume_title: find("title", ("type", "volume")),
            editors: cited_editors,
            publisher: in_publication("publisher"),
            place: in_publication("pubPlace"),
            year: published.clone(),
            position: None,
        });
        Volume { id, title, editors, published, edition }
    }
}

/// The persons (`list[@type='names']`) and terms (`list[@type='terms']`) of a volume's front
/// matter: each item's `persName` or `term` with an `xml:id` names the entry; the rest of the
/// item describes it.
pub(super) fn authorities(root: Node<'_, '_>, volume: &str) -> HashMap<String, Authority> {
    let mut out = HashMap::new();
    let Some(front) = child(root, "text").and_then(|t| child(t, "front")) else { return out };
    for list in front.descendants().filter(|n| is(*n, "list")) {
        let (kind, element) = match list.attribute("type") {
            Some("names") => (AuthorityKind::Person, "persName"),
            Some("terms") => (AuthorityKind::Term, "term"),
            _ => continue,
        };
        for item in list.children().filter(|n| is(*n, "item")) {
            let Some(name_node) =
                item.descendants().find(|n| is(*n, element) && xml_id(*n).is_some())
            else {
                continue;
            };
            let id = xml_id(name_node).expect("found by its xml:id");
            let name = plain(name_node);
            let full = plain(item);
            let description = full
                .strip_prefix(&name)
                .unwrap_or(&full)
                .trim_start_matches([',', ' '])
                .trim()
                .to_string();
            let key = format!("{}#{id}", volume.to_lowercase());
            out.entry(key.clone()).or_insert(Authority { key, kind, name, description });
        }
    }
    out
}

impl Volume {
    /// A record's citation as the edition gives it: "Title," date, in Series, Subseries, vol. N,
    /// Volume Title, ed. Editors (Place: Publisher, Year), Document N. Permalink. The date is left
    /// out where the title ends with it already, and where there is none.
    pub(super) fn cite(&self, record: &Record) -> String {
        let mut out = format!("“{},”", record.title.trim_end_matches(['.', ',']));
        let printed = &record.date.printed;
        if record.date.edtf.is_some()
            && record.kind != RecordKind::FrontMatter
            && !record.title.ends_with(printed.trim_matches(['[', ']']))
        {
            out.push(' ');
            out.push_str(printed);
            out.push(',');
        }
        out.push_str(" in ");
        match &self.edition {
            Some(edition) => {
                out.push_str(&edition.series);
                if let Some(subseries) = &edition.subseries {
                    out.push_str(", ");
                    out.push_str(subseries);
                }
                if let Some(volume) = &edition.volume {
                    out.push_str(", vol. ");
                    out.push_str(volume);
                }
                if let Some(title) = &edition.volume_title {
                    out.push_str(", ");
                    out.push_str(title);
                }
                if !edition.editors.is_empty() {
                    out.push_str(", ed. ");
                    out.push_str(&editors(&edition.editors));
                }
                let imprint: Vec<String> = [
                    match (&edition.place, &edition.publisher) {
                        (Some(place), Some(publisher)) => Some(format!("{place}: {publisher}")),
                        (None, Some(publisher)) => Some(publisher.clone()),
                        (Some(place), None) => Some(place.clone()),
                        (None, None) => None,
                    },
                    edition.year.clone(),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !imprint.is_empty() {
                    out.push_str(&format!(" ({})", imprint.join(", ")));
                }
            }
            None => out.push_str(&self.title),
        }
        if let Some(number) =
            record.number.as_deref().filter(|_| record.kind != RecordKind::FrontMatter)
        {
            out.push_str(", Document ");
            out.push_str(number);
        }
        out.push('.');
        if let Some(url) = record.citation.as_ref().and_then(|c| c.parts.source_url.as_deref()) {
            out.push(' ');
            out.push_str(url);
        }
        out
    }
}

/// Editors as a citation names them: "A", "A and B", "A, B, and C", "A et al.".
fn editors(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b}, and {c}"),
        [first, ..] => format!("{first} et al."),
    }
}
