//! Authority entries (the persons and terms an edition identifies) and collections (volumes,
//! chapters): the entities records belong to and refer to.

/// What an authority entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthorityKind {
    /// A person.
    Person,
    /// A term or abbreviation.
    Term,
}

impl AuthorityKind {
    /// Stable lowercase key.
    pub fn key(self) -> &'static str {
        match self {
            AuthorityKind::Person => "person",
            AuthorityKind::Term => "term",
        }
    }

    /// Parses a key.
    pub fn from_key(key: &str) -> Option<AuthorityKind> {
        match key {
            "person" => Some(AuthorityKind::Person),
            "term" => Some(AuthorityKind::Term),
            _ => None,
        }
    }
}

/// An authority entry: `frus1955-57v26#p_TMJB1` is "Tito, Marshal Josip Broz", President of
/// Yugoslavia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// `<source>#<id>`: unique across the archive.
    pub key: String,
    /// Person or term.
    pub kind: AuthorityKind,
    /// The name or term as the source gives it.
    pub name: String,
    /// What the source says about it ("President of Yugoslavia").
    pub description: String,
}

/// A collection: a published volume, or a part of one (compilation, chapter, subchapter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// Unique id (`frus1955-57v26`, `frus1955-57v26/ch3`).
    pub id: String,
    /// The enclosing collection, if any.
    pub parent: Option<String>,
    /// `volume`, `compilation`, `chapter`, `subchapter`…
    pub kind: String,
    /// Its title or heading.
    pub title: String,
    /// Editors, for a volume.
    pub editors: Vec<String>,
    /// Publication year, for a volume.
    pub published: Option<String>,
    /// Position among its parent's parts, from 1.
    pub position: u32,
}
