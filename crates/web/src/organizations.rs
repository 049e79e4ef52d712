//! Organizations as the site and the API show them: every body that wrote or received a record
//! (the authors and recipients the index holds that are bodies, less the U.S. missions, which are
//! their countries'), gathered under one organization per name (`model::organization`), with how
//! many records it wrote and received; and one organization's records by and to it, confirmed
//! name by name.

use chancery_model::id::RecordId;
use chancery_model::organization::{Organization, is_body, organization_key};
use chancery_search::FacetName;
use chancery_search::query::{Atom, Clause, Query, Scope};

use crate::Shared;
use crate::people::Context;

/// The most names of one organization searched for its records.
const MAX_SEARCHED_NAMES: usize = 24;
/// The most records looked at for an organization's records by or to it (the newest past it are
/// in the search).
const MAX_ORGANIZATION_RECORDS: usize = 1000;

/// An organization with the names records give it and its counts.
pub(crate) struct OrganizationLine {
    pub(crate) organization: Organization,
    /// The names as records write them, most frequent first.
    pub(crate) written: Vec<String>,
    /// Records it wrote (as an author).
    pub(crate) by: u64,
    /// Records it received.
    pub(crate) to: u64,
}

/// A failure to read the index or the store.
pub(crate) type Failure = String;

/// Every organization, most records first.
pub(crate) async fn organizations(archive: &Shared) -> Result<Vec<OrganizationLine>, Failure> {
    let context = Context::load(archive).await.map_err(|e| e.to_string())?;
    let mut lines: Vec<OrganizationLine> = Vec::new();
    let mut by_id: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (facet, by_author) in [(FacetName::Author, true), (FacetName::Recipient, false)] {
        let values = archive.index.all_facet_values(facet).map_err(|e| e.to_string())?;
        for (name, count) in values {
            if !is_body(&name) || context.mission_country(&name).is_some() {
                continue;
            }
            let Some(mut organization) = Organization::of_name(&name) else { continue };
            let line = match by_id.get(&organization.id) {
                Some(&n) => &mut lines[n],
                None => {
                    by_id.insert(organization.id.clone(), lines.len());
                    if organization.country.is_none() {
                        organization.country = context.country_named_in(&name);
                    }
                    lines.push(OrganizationLine {
                        organization,
                        written: Vec::new(),
                        by: 0,
                        to: 0,
                    });
                    lines.last_mut().expect("just pushed")
                }
            };
            if !line.written.contains(&name) {
                line.written.push(name);
            }
            if by_author {
                line.by += count;
            } else {
                line.to += count;
            }
        }
    }
    lines.sort_by(|a, b| {
        (b.by + b.to)
            .cmp(&(a.by + a.to))
            .then_with(|| a.organization.name.cmp(&b.organization.name))
    });
    Ok(lines)
}

/// One organization by id, if a record names it (or it is a known one).
pub(crate) async fn organization(
    archive: &Shared,
    id: &str,
) -> Result<Option<OrganizationLine>, Failure> {
    let found = organizations(archive).await?.into_iter().find(|l| l.organization.id == id);
    Ok(found.or_else(|| {
        Organization::known_by_id(id).map(|organization| OrganizationLine {
            organization,
            written: Vec::new(),
            by: 0,
            to: 0,
        })
    }))
}

/// A record an organization wrote or received.
pub(crate) struct OrganizationRecord {
    pub(crate) id: RecordId,
    pub(crate) title: String,
    pub(crate) date: String,
}

/// The records an organization wrote and received, by date: found by the index through every
/// name records give it, then kept only where an author or recipient is the organization.
pub(crate) async fn records(
    archive: &Shared,
    line: &OrganizationLine,
) -> Result<(Vec<OrganizationRecord>, Vec<OrganizationRecord>), Failure> {
    let names: Vec<&String> = line.written.iter().take(MAX_SEARCHED_NAMES).collect();
    if names.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let alternatives = names
        .iter()
        .flat_map(|name| {
            [Scope::Author, Scope::Recipient].map(|scope| Atom::Text {
                scope,
                text: name.to_string(),
                phrase: true,
            })
        })
        .collect();
    let query = Query { clauses: vec![Clause { negated: false, alternatives }] };
    let mut request = chancery_search::SearchRequest::new(query, "");
    request.sort = chancery_search::Sort::Date;
    request.limit = MAX_ORGANIZATION_RECORDS;
    request.count = false;
    request.facets = false;
    let results = archive.index.search(&request).map_err(|e| e.to_string())?;
    let ids: Vec<RecordId> = results.hits.iter().map(|h| h.id.clone()).collect();
    let mut stored = archive.store.get_many_without_tei(&ids).await.map_err(|e| e.to_string())?;
    stored.sort_by_key(|s| ids.iter().position(|id| *id == s.record.id));
    let key = organization_key(&line.organization.name);
    let is_it = |name: &String| {
        is_body(name)
            && Organization::of_name(name).is_some_and(|o| o.id == line.organization.id)
            && !key.is_empty()
    };
    let (mut by, mut to) = (Vec::new(), Vec::new());
    for s in stored {
        let record = &s.record;
        let entry = || OrganizationRecord {
            id: record.id.clone(),
            title: record.title.clone(),
            date: record.date.printed.clone(),
        };
        if record.authors.iter().any(is_it) {
            by.push(entry());
        }
        if record.recipients.iter().any(is_it) {
            to.push(entry());
        }
    }
    Ok((by, to))
}
