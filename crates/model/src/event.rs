//! Events between two parties: dated, typed, stated in a sentence, with the records that are
//! their evidence. Curated by archivists (a file of events, imported like records and kept with
//! revisions); the records themselves give more (a letter is an event of its kind on its date),
//! which the web crate derives and does not store.

use std::fmt;

use crate::date::Edtf;
use crate::id::RecordId;

/// The longest event id, in bytes.
pub const MAX_EVENT_ID_BYTES: usize = 80;

/// What kind of event: a short vocabulary of what diplomatic history records between two
/// parties (after the root categories of event data such as CAMEO, grouped as historians name
/// them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// A meeting or a visit of one side's leaders to the other.
    Meeting,
    /// A treaty, an agreement, a joint declaration.
    Agreement,
    /// A letter, a note, a telegram between them.
    Letter,
    /// A public statement or resolution about the other.
    Statement,
    /// A break of relations, an expulsion, a rupture.
    Break,
    /// A recognition, a restoration or normalization of relations.
    Recognition,
    /// A change on one side that bore on the relation (a leader's death, a new government).
    Change,
    /// Anything else.
    Other,
}

impl EventKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [EventKind; 8] = [
        EventKind::Meeting,
        EventKind::Agreement,
        EventKind::Letter,
        EventKind::Statement,
        EventKind::Break,
        EventKind::Recognition,
        EventKind::Change,
        EventKind::Other,
    ];

    /// The kind's key in files and the API (`meeting`, `agreement`…).
    pub fn key(self) -> &'static str {
        match self {
            EventKind::Meeting => "meeting",
            EventKind::Agreement => "agreement",
            EventKind::Letter => "letter",
            EventKind::Statement => "statement",
            EventKind::Break => "break",
            EventKind::Recognition => "recognition",
            EventKind::Change => "change",
            EventKind::Other => "other",
        }
    }

    /// The kind a key names.
    pub fn from_key(key: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// An event between two parties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Our id: lowercase letters, digits and single hyphens (`cominform-resolution-1948`).
    pub id: String,
    /// When, in EDTF (`1948-06-28`, `1955-05-26/1955-06-02`, `1953-03~`).
    pub date: Edtf,
    /// What kind of event.
    pub kind: EventKind,
    /// The two parties, as a relation's address names them (`yugoslavia`, `russia`,
    /// `tito-josip-broz`).
    pub parties: [String; 2],
    /// What happened, in a sentence or two.
    pub statement: String,
    /// The records that show it.
    pub evidence: Vec<RecordId>,
    /// Other sources for it, as citations (a published work, a treaty series).
    pub sources: Vec<String>,
}

/// Whether a text is an event id (or a party slug): lowercase ASCII letters, digits and single
/// hyphens, at most [`MAX_EVENT_ID_BYTES`].
pub fn is_slug(text: &str) -> bool {
    crate::person::is_slug(text, MAX_EVENT_ID_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_keys() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(EventKind::from_key("war"), None);
    }

    #[test]
    fn ids_are_slugs() {
        assert!(is_slug("belgrade-declaration-1955"));
        assert!(!is_slug("Belgrade") && !is_slug("a--b") && !is_slug("-a") && !is_slug(""));
        assert!(!is_slug(&"a".repeat(MAX_EVENT_ID_BYTES + 1)));
    }
}
