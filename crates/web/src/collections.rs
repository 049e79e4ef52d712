//! Volumes and their parts as the site and the API show them: every volume with its editors,
//! year, date span and count; a volume's or chapter's table of contents in the order the volume
//! prints its records, grouped under the chapters that hold them.

use chancery_model::authority::Collection;
use chancery_model::date::{CalendarDay, Edtf};
use chancery_model::record::RecordKind;
use chancery_store::Placed;

use crate::Shared;

/// The deepest chain of parents followed from a collection to its volume (FRUS: 3).
const MAX_COLLECTION_DEPTH: usize = 16;

/// A volume in the list of volumes.
pub(crate) struct VolumeSummary {
    pub(crate) collection: Collection,
    /// Documents and calendar entries.
    pub(crate) documents: usize,
    pub(crate) span: Span,
}

/// The earliest and latest day the documents of a part can be dated to.
#[derive(Clone, Copy, Default)]
pub(crate) struct Span {
    pub(crate) first: Option<CalendarDay>,
    pub(crate) last: Option<CalendarDay>,
}

impl Span {
    fn of<'a>(entries: impl IntoIterator<Item = &'a Placed>) -> Span {
        Span::of_dates(
            entries.into_iter().filter_map(|placed| {
                placed.date_edtf.as_deref().and_then(|d| d.parse::<Edtf>().ok())
            }),
        )
    }

    /// The span of some dates.
    pub(crate) fn of_dates(dates: impl IntoIterator<Item = Edtf>) -> Span {
        let mut span = Span::default();
        for edtf in dates {
            let (start, end) = edtf.bounds();
            if let Some(start) = start {
                span.first = Some(span.first.map_or(start, |f| f.min(start)));
            }
            if let Some(end) = end.or(start) {
                span.last = Some(span.last.map_or(end, |l| l.max(end)));
            }
        }
        span
    }

    /// "March 1955 – December 1957", "12 May 1955" or nothing.
    pub(crate) fn text(&self) -> String {
        match (self.first, self.last) {
            (Some(first), Some(last)) if first == last => day_text(first),
            (Some(first), Some(last)) if first.year == last.year && first.month == last.month => {
                format!("{}–{}", first.day, day_text(last))
            }
            (Some(first), Some(last)) => {
                format!("{} – {}", month_text(first), month_text(last))
            }
            (Some(day), None) | (None, Some(day)) => day_text(day),
            (None, None) => String::new(),
        }
    }
}

fn month_text(day: CalendarDay) -> String {
    let month = chancery_model::date::month_name(day.month);
    format!("{month} {}", day.year)
}

fn day_text(day: CalendarDay) -> String {
    format!("{} {}", day.day, month_text(day))
}

/// An ISO day ("1953-04-27") as text ("27 April 1953"); what is not one, as it is.
pub(crate) fn iso_day_text(iso: &str) -> String {
    match iso.parse::<Edtf>().ok().map(|e| e.bounds()) {
        Some((Some(first), Some(last))) if first == last => day_text(first),
        _ => iso.to_string(),
    }
}

/// A collection with everything its page shows.
pub(crate) struct Contents {
    pub(crate) collection: Collection,
    /// The collections holding it, the volume first.
    pub(crate) trail: Vec<Collection>,
    /// The volume it is part of (itself, for a volume).
    pub(crate) volume: Collection,
    /// Front and back matter of the volume (on the volume's page only).
    pub(crate) matter: Vec<Placed>,
    /// Its records grouped under the parts that hold them, in the volume's order.
    pub(crate) parts: Vec<Part>,
    pub(crate) documents: usize,
    pub(crate) span: Span,
}

/// A run of records under one heading of the table of contents.
pub(crate) struct Part {
    /// The part (a chapter) the records belong to; `None` for records directly in the page's
    /// own collection.
    pub(crate) collection: Option<Collection>,
    /// How deep the part sits below the page's collection, from 1.
    pub(crate) depth: usize,
    /// Documents in the part and every part inside it.
    pub(crate) documents: usize,
    pub(crate) span: Span,
    pub(crate) entries: Vec<Placed>,
}

fn is_document(placed: &Placed) -> bool {
    placed.kind != RecordKind::FrontMatter
}

/// Whether `id` is `ancestor` or inside it.
fn within(id: &str, ancestor: &str) -> bool {
    id.len() >= ancestor.len()
        && id[..ancestor.len()].eq_ignore_ascii_case(ancestor)
        && (id.len() == ancestor.len() || id.as_bytes()[ancestor.len()] == b'/')
}

/// Every volume (a top-level collection), in id order, with its counts.
pub(crate) async fn volumes(archive: &Shared) -> Result<Vec<VolumeSummary>, chancery_store::Error> {
    let mut volumes = Vec::new();
    for collection in archive.store.collection_parts(None).await? {
        let contents = archive.store.edition_contents(&collection.id).await?;
        let documents: Vec<&Placed> = contents.iter().filter(|p| is_document(p)).collect();
        volumes.push(VolumeSummary {
            span: Span::of(documents.iter().copied()),
            documents: documents.len(),
            collection,
        });
    }
    Ok(volumes)
}

/// A collection's page: `None` if there is no such collection.
pub(crate) async fn contents(
    archive: &Shared,
    id: &str,
) -> Result<Option<Contents>, chancery_store::Error> {
    let Some(collection) = archive.store.collection(&id.to_lowercase()).await? else {
        return Ok(None);
    };
    let mut trail = Vec::new();
    let mut parent = collection.parent.clone();
    while let Some(id) = parent.take() {
        if trail.len() >= MAX_COLLECTION_DEPTH {
            break;
        }
        if let Some(up) = archive.store.collection(&id).await? {
            parent = up.parent.clone();
            trail.push(up);
        }
    }
    trail.reverse();
    let volume = trail.first().cloned().unwrap_or_else(|| collection.clone());
    let everything = archive.store.edition_contents(&volume.id).await?;
    let inside: Vec<Placed> =
        everything.into_iter().filter(|p| within(&p.collection_id, &collection.id)).collect();
    let known: Vec<Collection> = archive
        .store
        .collections()
        .await?
        .into_iter()
        .filter(|c| within(&c.id, &collection.id) && c.id != collection.id)
        .collect();
    let (matter, records): (Vec<Placed>, Vec<Placed>) = inside
        .into_iter()
        .partition(|p| !is_document(p) && p.collection_id.eq_ignore_ascii_case(&collection.id));

    // Walk the records in the volume's order, opening a part whenever a record is in another
    // collection than the one before it.
    let mut parts: Vec<Part> = Vec::new();
    for placed in records {
        let here = known.iter().find(|c| c.id.eq_ignore_ascii_case(&placed.collection_id));
        let same = parts.last().is_some_and(|part| {
            part.collection.as_ref().map(|c| c.id.as_str()) == here.map(|c| c.id.as_str())
        });
        if !same {
            // Also open the parts enclosing this one that are not open already (a chapter whose
            // first records sit in a subchapter).
            let mut chain: Vec<&Collection> = Vec::new();
            let mut at = here;
            while let Some(c) = at {
                if chain.len() >= MAX_COLLECTION_DEPTH {
                    break;
                }
                chain.push(c);
                at = c.parent.as_deref().and_then(|p| known.iter().find(|k| k.id == p));
            }
            chain.reverse();
            let open: Vec<String> =
                parts.iter().filter_map(|p| p.collection.as_ref().map(|c| c.id.clone())).collect();
            for (depth, c) in chain.iter().enumerate() {
                let last = depth + 1 == chain.len();
                if last || !open.contains(&c.id) {
                    parts.push(Part {
                        collection: Some((*c).clone()),
                        depth: depth + 1,
                        documents: 0,
                        span: Span::default(),
                        entries: Vec::new(),
                    });
                }
            }
            if here.is_none() {
                parts.push(Part {
                    collection: None,
                    depth: 1,
                    documents: 0,
                    span: Span::default(),
                    entries: Vec::new(),
                });
            }
        }
        if let Some(part) = parts.last_mut() {
            part.entries.push(placed);
        }
    }
    // Counts and spans of each part take in the parts inside it.
    let summaries: Vec<(usize, Span)> = parts
        .iter()
        .map(|part| {
            let subtree: Vec<&Placed> = parts
                .iter()
                .filter(|other| match (&part.collection, &other.collection) {
                    (Some(c), Some(o)) => within(&o.id, &c.id),
                    (None, None) => std::ptr::eq(part, *other),
                    _ => false,
                })
                .flat_map(|p| &p.entries)
                .filter(|p| is_document(p))
                .collect();
            (subtree.len(), Span::of(subtree))
        })
        .collect();
    for (part, (documents, span)) in parts.iter_mut().zip(summaries) {
        part.documents = documents;
        part.span = span;
    }
    let all: Vec<&Placed> =
        parts.iter().flat_map(|p| &p.entries).filter(|p| is_document(p)).collect();
    Ok(Some(Contents {
        span: Span::of(all.iter().copied()),
        documents: all.len(),
        collection,
        trail,
        volume,
        matter,
        parts,
    }))
}

/// The OAI-PMH set of a collection (`:` for `/`).
pub(crate) fn set_spec(collection_id: &str) -> String {
    collection_id.replace('/', ":")
}

/// Where a named collection's page is: `/collections/named/<slug>`.
pub(crate) const NAMED_PREFIX: &str = "named/";
/// The most records a named collection's page lists (the search holds the rest).
pub(crate) const MAX_NAMED_RECORDS: usize = 1000;

/// A collection a record names itself to be part of ("Collections: Soviet–Yugoslav Relations",
/// as the Wilson Center's records say), which is no volume or part of one.
pub(crate) struct Named {
    pub(crate) name: String,
    pub(crate) slug: String,
    /// Records naming it.
    pub(crate) records: u64,
}

/// The slug of a named collection (`Soviet–Yugoslav Relations` → `soviet-yugoslav-relations`).
pub(crate) fn named_slug(name: &str) -> String {
    chancery_model::organization::organization_key(name)
        .split(' ')
        .map(|w| w.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Every named collection, most records first: the collections records name that are not the
/// title of a volume or of one of its parts.
pub(crate) async fn named(archive: &Shared) -> Result<Vec<Named>, String> {
    // The collection facet counts the parts of volumes by id (and, for records an older index
    // holds, by title): neither is a named collection.
    let editions: std::collections::HashSet<String> = archive
        .store
        .collections()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .flat_map(|c| [c.title, c.id])
        .collect();
    let values = archive
        .index
        .all_facet_values(chancery_search::FacetName::Collection)
        .map_err(|e| e.to_string())?;
    Ok(values
        .into_iter()
        .filter(|(name, _)| !editions.contains(name))
        .filter_map(|(name, records)| {
            let slug = named_slug(&name);
            (!slug.is_empty()).then_some(Named { name, slug, records })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_holds_its_parts_and_nothing_that_only_starts_alike() {
        assert!(within("frus1955-57v26/ch1", "frus1955-57v26"));
        assert!(within("FRUS1955-57v26", "frus1955-57v26"));
        assert!(!within("frus1955-57v26x/ch1", "frus1955-57v26"));
        assert!(!within("frus1955", "frus1955-57v26"));
    }

    #[test]
    fn spans_read_as_dates() {
        let day = |year, month, day| Some(CalendarDay { year, month, day });
        let span = |first, last| Span { first, last }.text();
        assert_eq!(span(day(1955, 3, 2), day(1957, 12, 20)), "March 1955 – December 1957");
        assert_eq!(span(day(1955, 3, 2), day(1955, 3, 9)), "2–9 March 1955");
        assert_eq!(span(day(1955, 3, 2), day(1955, 3, 2)), "2 March 1955");
        assert_eq!(span(None, None), "");
    }
}
