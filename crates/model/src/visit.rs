//! Visits between the United States and another country, as the Office of the Historian
//! records them: foreign leaders' visits to the United States, and the trips abroad of U.S.
//! Presidents and Secretaries of State.

/// Who travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisitKind {
    /// A foreign leader's visit to the United States.
    ToUnitedStates,
    /// A U.S. President's trip abroad.
    President,
    /// A U.S. Secretary of State's trip abroad.
    Secretary,
}

impl VisitKind {
    /// The kind's key in the store and the API.
    pub fn key(self) -> &'static str {
        match self {
            VisitKind::ToUnitedStates => "visit",
            VisitKind::President => "president",
            VisitKind::Secretary => "secretary",
        }
    }

    /// The kind a key names.
    pub fn from_key(key: &str) -> Option<VisitKind> {
        [VisitKind::ToUnitedStates, VisitKind::President, VisitKind::Secretary]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// One visit or trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// The data's id, with its kind (`visit-2271`, `trip-3290`).
    pub id: String,
    /// Who travelled, and which way.
    pub kind: VisitKind,
    /// The visitor or traveller as the data names them ("President Tito", "John Foster Dulles").
    pub who: String,
    /// A traveller's id in the chiefs-of-mission data (`dulles-john-foster`).
    pub who_id: Option<String>,
    /// The other country's id (`yugoslavia`): where the visitor came from, or where the trip
    /// went.
    pub country: String,
    /// Where, for a trip ("Belgrade, Brioni").
    pub locale: Option<String>,
    /// The first day (ISO).
    pub start: String,
    /// The last day (ISO), where given.
    pub end: Option<String>,
    /// What the data says of it.
    pub note: String,
}
