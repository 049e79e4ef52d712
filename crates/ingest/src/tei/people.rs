//! The persons a document's head names as its authors, recipients or participants, resolved to
//! the edition's persons list where the TEI refers to it (`corresp="#p_DJF1"`), so that "Dulles"
//! the Secretary of State and "Dulles" the Director of Central Intelligence are two people.

use std::collections::HashMap;

use chancery_model::authority::{Authority, AuthorityKind};
use roxmltree::Node;

use super::{is, plain};

/// Ranks and forms of address a persons list prints before a given name ("Dapčević, Colonel
/// General Peko"): a name is the person's, not their rank's.
const RANKS: &[&str] = &[
    "Colonel General",
    "Lieutenant General",
    "Major General",
    "Brigadier General",
    "General of the Army",
    "General",
    "Fleet Admiral",
    "Vice Admiral",
    "Rear Admiral",
    "Admiral",
    "Air Chief Marshal",
    "Air Marshal",
    "Field Marshal",
    "Marshal",
    "Lieutenant Colonel",
    "Colonel",
    "Major",
    "Captain",
    "Commander",
    "Lieutenant",
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Sir",
];

/// A persons-list name in reading order: "Dulles, John Foster" → "John Foster Dulles",
/// "Davis, Vice Admiral A.C." → "A.C. Davis"; a name without a comma stays as it is.
pub(super) fn reading_order(name: &str) -> String {
    // "Dulles, Allen (Ascham, Robert A.)": a name the person also went by follows the name.
    if let Some(open) = name.find(" (")
        && name.ends_with(')')
    {
        return format!("{} {}", reading_order(&name[..open]), &name[open + 1..]);
    }
    let Some((family, given)) = name.split_once(", ") else { return name.trim().to_string() };
    let mut given = given.trim();
    // "Bohlen, Charles E., Jr."
    let (given_names, suffix) = match given.rsplit_once(", ") {
        Some((names, suffix @ ("Jr." | "Sr." | "II" | "III"))) => (names, Some(suffix)),
        _ => (given, None),
    };
    given = given_names;
    for rank in RANKS {
        if let Some(rest) = given.strip_prefix(rank)
            && rest.starts_with(' ')
            && !rest.trim().is_empty()
        {
            given = rest.trim();
            break;
        }
    }
    match suffix {
        Some(suffix) => format!("{given} {}, {suffix}", family.trim()),
        None => format!("{given} {}", family.trim()),
    }
}

/// The people a head marks `type="from"` and `type="to"`, outside its notes, each by the name
/// the persons list gives where the element refers to one, else as printed.
pub(super) fn from_and_to(
    head: Option<Node<'_, '_>>,
    volume: &str,
    authorities: &HashMap<String, Authority>,
) -> (Vec<String>, Vec<String>) {
    let Some(head) = head else { return (Vec::new(), Vec::new()) };
    let mut from = Vec::new();
    let mut to = Vec::new();
    for node in
        head.descendants().filter(|n| n.is_element() && !n.ancestors().any(|a| is(a, "note")))
    {
        let list = match node.attribute("type") {
            Some("from") => &mut from,
            Some("to") => &mut to,
            _ => continue,
        };
        let named = node
            .descendants()
            .filter_map(|n| n.attribute("corresp"))
            .flat_map(str::split_whitespace)
            .filter_map(|r| r.strip_prefix('#'))
            .find_map(|id| authorities.get(&format!("{}#{id}", volume.to_lowercase())))
            .filter(|a| a.kind == AuthorityKind::Person)
            .map(|a| reading_order(&a.name));
        let name = named.unwrap_or_else(|| plain(node));
        if !name.is_empty() && !list.contains(&name) {
            list.push(name);
        }
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_reading_order() {
        assert_eq!(reading_order("Dulles, John Foster"), "John Foster Dulles");
        assert_eq!(reading_order("Dulles, Allen W."), "Allen W. Dulles");
        assert_eq!(reading_order("Dapčević, Colonel General Peko"), "Peko Dapčević");
        assert_eq!(reading_order("Bohlen, Charles E., Jr."), "Charles E. Bohlen, Jr.");
        assert_eq!(reading_order("Tito"), "Tito");
        assert_eq!(reading_order("Major, John"), "John Major");
        assert_eq!(
            reading_order("Dulles, Allen (Ascham, Robert A.)"),
            "Allen Dulles (Ascham, Robert A.)"
        );
    }
}
