//! The events between two parties: curated ones (an events file, kept with revisions by the
//! store) and those the records between them are.

use std::collections::HashMap;
use std::sync::Arc;

use chancery_model::date::CalendarDay;
use chancery_model::id::RecordId;

use super::table::{Direction, Entry, text};
use crate::Shared;
use crate::parties::{Failure, Party};

/// An event between two parties: curated (from an events file, with its revision) or derived
/// from a record between them (a letter is an event of its kind on its date).
#[derive(Debug, Clone)]
pub(crate) struct EventLine {
    /// The curated event's id; `None` for a derived one.
    pub(crate) id: Option<String>,
    /// EDTF.
    pub(crate) date: String,
    pub(crate) day: Option<CalendarDay>,
    /// `model::event::EventKind`'s key.
    pub(crate) kind: &'static str,
    pub(crate) statement: String,
    /// Who acted first, as the file names the parties: `a` (the relation's first party) or `b`.
    pub(crate) from_a: bool,
    /// The records that show it, each with its title where the archive holds it.
    pub(crate) evidence: Vec<(RecordId, Option<String>)>,
    pub(crate) sources: Vec<String>,
    pub(crate) revision: Option<i64>,
}

/// The curated events whose two parties are `a` and `b` (in either order; a file may name a
/// party by any address a relation takes: `ussr`, `tito`), by date, their evidence looked up.
pub(crate) async fn curated_events(
    archive: &Shared,
    a: &Party,
    b: &Party,
) -> Result<Vec<EventLine>, Failure> {
    let all = archive.store.events().await.map_err(text)?;
    let mut parties: HashMap<String, Option<Party>> = HashMap::new();
    let mut out = Vec::new();
    for stored in all {
        let event = stored.event;
        let mut found = [None, None];
        for (n, slug) in event.parties.iter().enumerate() {
            if !parties.contains_key(slug) {
                let party = crate::parties::find(archive, slug).await?.map(|n| n.party);
                parties.insert(slug.clone(), party);
            }
            found[n] = parties.get(slug).cloned().flatten();
        }
        let from_a = match (&found[0], &found[1]) {
            (Some(x), Some(y)) if x == a && y == b => true,
            (Some(x), Some(y)) if x == b && y == a => false,
            _ => continue,
        };
        let held = archive.store.get_many_without_tei(&event.evidence).await.map_err(text)?;
        let evidence = event
            .evidence
            .iter()
            .map(|id| {
                let title =
                    held.iter().find(|s| s.record.id == *id).map(|s| s.record.title.clone());
                (id.clone(), title)
            })
            .collect();
        out.push(EventLine {
            id: Some(event.id.clone()),
            date: event.date.to_string(),
            day: event.date.bounds().0,
            kind: event.kind.key(),
            statement: event.statement.clone(),
            from_a,
            evidence,
            sources: event.sources.clone(),
            revision: Some(stored.revision),
        });
    }
    out.sort_by(|x, y| (x.day.is_none(), x.day, &x.id).cmp(&(y.day.is_none(), y.day, &y.id)));
    Ok(out)
}

/// The events the records between two parties are: a letter (or telegram, note…) on its date
/// from its side, a conversation a meeting.
pub(crate) fn derived_events(between: &[(Arc<Entry>, Direction)]) -> Vec<EventLine> {
    between
        .iter()
        .map(|(entry, direction)| EventLine {
            id: None,
            date: entry.day.map(|d| d.to_string()).unwrap_or_default(),
            day: entry.day,
            kind: match direction {
                Direction::Conversation => chancery_model::event::EventKind::Meeting.key(),
                _ => chancery_model::event::EventKind::Letter.key(),
            },
            statement: entry.title.clone(),
            from_a: *direction != Direction::BToA,
            evidence: vec![(entry.id.clone(), Some(entry.title.clone()))],
            sources: Vec::new(),
            revision: None,
        })
        .collect()
}
