//! Documents related to a record, for its page: what `SearchIndex::related` finds, with each
//! reason said for readers.

use chancery_model::record::Record;
use chancery_search::Relation;

use crate::Shared;
use crate::html::chrome::record_path;

/// A related document for a record's page, with why it is related.
pub(crate) struct RelatedView {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) date: String,
    /// Why, for readers ("Cites this document; same correspondents").
    pub(crate) reasons: String,
}

/// The most related documents a record's page shows.
const MAX_RELATED: usize = 8;

/// Documents related to a record (see `SearchIndex::related`); none if the index fails (the
/// page shows without them).
pub(crate) fn related(archive: &Shared, record: &Record) -> Vec<RelatedView> {
    let Ok(found) = archive.index.related(record, MAX_RELATED) else { return Vec::new() };
    let year = |edtf: Option<&str>| -> Option<i32> {
        edtf?.parse::<chancery_model::date::Edtf>().ok()?.bounds().0.map(|d| d.year)
    };
    let own_year = record.date.edtf.and_then(|e| e.bounds().0).map(|d| d.year);
    found
        .into_iter()
        .map(|related| {
            let hit = related.hit;
            let reasons: Vec<String> = related
                .reasons
                .iter()
                .map(|reason| match reason {
                    Relation::CitedHere => "cited in this document".to_string(),
                    Relation::CitesThis => "cites this document".to_string(),
                    Relation::SameCorrespondents => "same correspondents".to_string(),
                    Relation::SimilarText => match (own_year, year(hit.date_edtf.as_deref())) {
                        (Some(a), Some(b)) if a == b => "similar text, the same year".into(),
                        (Some(a), Some(b)) => {
                            let apart = (a - b).abs();
                            let noun = if apart == 1 { "year" } else { "years" };
                            format!("similar text, {apart} {noun} apart")
                        }
                        _ => "similar text".to_string(),
                    },
                })
                .collect();
            let mut reasons = reasons.join("; ");
            if let Some(first) = reasons.get(..1) {
                reasons = first.to_uppercase() + &reasons[1..];
            }
            RelatedView {
                href: record_path(&hit.id),
                title: hit.title,
                date: hit.date_printed,
                reasons,
            }
        })
        .collect()
}
