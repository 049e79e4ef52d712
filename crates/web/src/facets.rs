//! Facets as the search page and the API show them: each value selects records by its identity
//! (`collection=frus1955-57v26/comp5/ch5`, `archive="…"`, `author="…"`; see the query
//! language), so the count beside a value is the number of records a click returns. Several
//! values of one facet combine with OR; a value can be excluded. The links are the query
//! rewritten, never strings pasted together.

use chancery_model::doc_type::DocType;
use chancery_search::FacetName;
use chancery_search::query::{Atom, Clause, Query};

use crate::Shared;
use crate::html::markup::{grouped, query_value};
use crate::search::Ran;

/// The values of a facet the search page shows before "more".
pub(crate) const FACET_VALUES_SHOWN: usize = 12;
/// Values per page of a facet's "more" page (and the most the API gives at once).
pub(crate) const FACET_PAGE_SIZE: usize = 100;
/// The most author or recipient values looked at to gather them by person.
pub(crate) const MAX_PERSON_FACET_VALUES: usize = 30;

/// One facet value as links: select it (or drop it from the selection), exclude it (or stop
/// excluding it).
pub(crate) struct FacetValue {
    pub(crate) label: String,
    /// The count, with thousands separators.
    pub(crate) count: String,
    /// Selects the value (OR with the facet's other selected values), or drops it if selected.
    pub(crate) href: String,
    /// Whether the query selects this value.
    pub(crate) active: bool,
    /// Excludes the value, or stops excluding it if excluded.
    pub(crate) exclude_href: String,
    /// Whether the query excludes this value.
    pub(crate) excluded: bool,
    /// The value as the facet counts it (one of a person's names, for a person).
    pub(crate) raw: String,
}

/// One facet for the page.
pub(crate) struct FacetView {
    /// The facet's key (`collection`).
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
    pub(crate) values: Vec<FacetValue>,
    /// The page of all values, where there are more than shown.
    pub(crate) more: Option<(usize, String)>,
    /// Whether a value is selected: the counts are then each value's alone (see
    /// `chancery_search::FacetCounts::values`).
    pub(crate) selecting: bool,
}

/// A facet's name for readers.
pub(crate) fn label(name: FacetName) -> &'static str {
    match name {
        FacetName::Decade => "Decade",
        FacetName::Year => "Year",
        FacetName::Language => "Original language",
        FacetName::Type => "Type",
        FacetName::Archive => "Archive",
        FacetName::Collection => "Collection",
        FacetName::Author => "From",
        FacetName::Recipient => "To",
    }
}

/// The facet with this key.
pub(crate) fn by_key(key: &str) -> Option<FacetName> {
    FacetName::ALL.into_iter().find(|n| n.key() == key)
}

/// The `=` atom that selects a value of a facet.
pub(crate) fn atom(name: FacetName, value: &str) -> Atom {
    Atom::Exact { facet: name, value: value.to_string() }
}

/// The query-language clause that selects a value (`type=letter`).
pub(crate) fn clause(name: FacetName, value: &str) -> String {
    Query { clauses: vec![Clause { negated: false, alternatives: vec![atom(name, value)] }] }
        .to_string()
}

/// The query with these values selected (joined by OR to the facet's selected values), or
/// without them if all are selected; and whether they were.
pub(crate) fn toggle_selected(query: &Query, name: FacetName, atoms: &[Atom]) -> (Query, bool) {
    let mut query = query.clone();
    if let Some(at) = query.selection(name) {
        let clause = &mut query.clauses[at];
        if atoms.iter().all(|a| clause.alternatives.contains(a)) {
            clause.alternatives.retain(|a| !atoms.contains(a));
            if clause.alternatives.is_empty() {
                query.clauses.remove(at);
            }
            return (query, true);
        }
        for atom in atoms {
            if !clause.alternatives.contains(atom) {
                clause.alternatives.push(atom.clone());
            }
        }
    } else {
        query.clauses.push(Clause { negated: false, alternatives: atoms.to_vec() });
    }
    query.clauses.retain(|c| !(c.negated && c.alternatives.iter().all(|a| atoms.contains(a))));
    (query, false)
}

/// The query with these values excluded (and no longer selected), or no longer excluded if they
/// all are; and whether they were.
pub(crate) fn toggle_excluded(query: &Query, name: FacetName, atoms: &[Atom]) -> (Query, bool) {
    let mut query = query.clone();
    let is_exclusion = |c: &Clause, a: &Atom| c.negated && c.alternatives == [a.clone()];
    let excluded = atoms.iter().all(|a| query.clauses.iter().any(|c| is_exclusion(c, a)));
    if excluded {
        query.clauses.retain(|c| !atoms.iter().any(|a| is_exclusion(c, a)));
        return (query, true);
    }
    if let Some(at) = query.selection(name) {
        let clause = &mut query.clauses[at];
        clause.alternatives.retain(|a| !atoms.contains(a));
        if clause.alternatives.is_empty() {
            query.clauses.remove(at);
        }
    }
    for atom in atoms {
        if !query.clauses.iter().any(|c| is_exclusion(c, atom)) {
            query.clauses.push(Clause { negated: true, alternatives: vec![atom.clone()] });
        }
    }
    (query, false)
}

/// The search page's address for a query, keeping the sort.
fn href(query: &Query, sort: &str) -> String {
    format!("/search?q={}&sort={sort}", query_value(&query.to_string()))
}

/// Labels facet values for readers: languages and types by name, decades as "1950s", and
/// collections by title — a part of a volume with its volume, since chapter titles such as
/// "Yugoslavia" recur across volumes.
pub(crate) struct Labeller {
    collections: std::sync::Arc<crate::Collections>,
}

impl Labeller {
    pub(crate) async fn new(archive: &Shared) -> Result<Labeller, chancery_store::Error> {
        Ok(Labeller { collections: archive.collections().await? })
    }

    pub(crate) fn label(&self, name: FacetName, value: &str) -> String {
        if name != FacetName::Collection {
            return plain_label(name, value);
        }
        match self.collections.get(value) {
            Some(collection) => match value.split_once('/') {
                Some((volume, _)) => {
                    let volume = self
                        .collections
                        .get(volume)
                        .map_or_else(|| volume.to_string(), |v| volume_label(&v.title));
                    format!("{} ({volume})", collection.title)
                }
                None => volume_label(&collection.title),
            },
            // A named collection, or an id the store no longer has.
            None => value.to_string(),
        }
    }
}

/// A volume's title as a short label: "Foreign Relations of the United States, 1955–1957,
/// Central and Southeastern Europe, Volume XXVI" → "FRUS 1955–1957, vol. XXVI"; other titles as
/// they are.
pub(crate) fn volume_label(title: &str) -> String {
    let Some(rest) = title.strip_prefix("Foreign Relations of the United States, ") else {
        return title.to_string();
    };
    let years = rest.split(',').next().unwrap_or(rest).trim();
    let volume = rest.find("Volume ").map(|at| {
        let tail = &rest[at + "Volume ".len()..];
        let number = tail.split([',', ' ']).next().unwrap_or_default();
        let part = tail
            .find("Part ")
            .map(|p| format!(", pt. {}", tail[p + 5..].split([',', ' ']).next().unwrap_or("")))
            .unwrap_or_default();
        format!(", vol. {number}{part}")
    });
    format!("FRUS {years}{}", volume.unwrap_or_default())
}

/// The page's facets for a search.
pub(crate) async fn views(
    archive: &Shared,
    ran: &Ran,
    sort: &str,
) -> Result<Vec<FacetView>, String> {
    let labeller = Labeller::new(archive).await.map_err(|e| e.to_string())?;
    let mut views = Vec::new();
    for name in [
        FacetName::Decade,
        FacetName::Language,
        FacetName::Type,
        FacetName::Archive,
        FacetName::Collection,
        FacetName::Author,
        FacetName::Recipient,
    ] {
        let Some(counts) = ran.results.facets.iter().find(|f| f.name == name) else { continue };
        let values = match name {
            FacetName::Author | FacetName::Recipient => {
                person_values(archive, ran, name, sort).await?
            }
            FacetName::Decade | FacetName::Language | FacetName::Type => {
                plain_values(ran, name, sort)
            }
            _ => {
                let mut values = Vec::new();
                for (value, count) in counts.values.iter().take(FACET_VALUES_SHOWN) {
                    let label = labeller.label(name, value);
                    values.push(value_links(
                        &ran.typed,
                        name,
                        &[atom(name, value)],
                        label,
                        *count,
                        sort,
                    ));
                }
                values
            }
        };
        let mut values = values;
        // Excluded values match no record, so no count lists them: they are shown to be let in.
        for clause in ran.typed.clauses.iter().filter(|c| c.negated) {
            let [Atom::Exact { facet, value }] = clause.alternatives.as_slice() else { continue };
            if *facet != name || values.iter().any(|v| v.excluded && v.raw == *value) {
                continue;
            }
            let label = labeller.label(name, value);
            let mut links = value_links(&ran.typed, name, &[atom(name, value)], label, 0, sort);
            links.count = String::new();
            links.raw = value.clone();
            values.push(links);
        }
        if values.is_empty() {
            continue;
        }
        let more = (counts.distinct > values.len()).then(|| {
            (
                counts.distinct,
                format!(
                    "/search/facets/{}?q={}&sort={sort}",
                    name.key(),
                    query_value(&ran.typed.to_string())
                ),
            )
        });
        let selecting = ran.typed.selection(name).is_some();
        views.push(FacetView { key: name.key(), label: label(name), values, more, selecting });
    }
    Ok(views)
}

/// The values of a facet whose labels need no lookup (decades, languages, types).
pub(crate) fn plain_values(ran: &Ran, name: FacetName, sort: &str) -> Vec<FacetValue> {
    let Some(counts) = ran.results.facets.iter().find(|f| f.name == name) else {
        return Vec::new();
    };
    counts
        .values
        .iter()
        .take(FACET_VALUES_SHOWN)
        .map(|(value, count)| {
            value_links(
                &ran.typed,
                name,
                &[atom(name, value)],
                plain_label(name, value),
                *count,
                sort,
            )
        })
        .collect()
}

/// The label of a decade, a language or a type.
pub(crate) fn plain_label(name: FacetName, value: &str) -> String {
    match name {
        FacetName::Decade => format!("{value}s"),
        FacetName::Language => isolang::Language::from_639_3(value)
            .map_or_else(|| value.to_string(), |l| l.to_name().to_string()),
        FacetName::Type => DocType::from_key(value).map_or(value, |t| t.label()).to_string(),
        _ => value.to_string(),
    }
}

/// The links of one value (or of a person's several names, `atoms`).
pub(crate) fn value_links(
    typed: &Query,
    name: FacetName,
    atoms: &[Atom],
    label: String,
    count: u64,
    sort: &str,
) -> FacetValue {
    let (selected, active) = toggle_selected(typed, name, atoms);
    let (excluded, is_excluded) = toggle_excluded(typed, name, atoms);
    let raw = match atoms.first() {
        Some(Atom::Exact { value, .. }) => value.clone(),
        _ => String::new(),
    };
    FacetValue {
        raw,
        label,
        count: grouped(count),
        href: href(&selected, sort),
        active,
        exclude_href: href(&excluded, sort),
        excluded: is_excluded,
    }
}

/// An author or recipient facet counted by person, not by string: the names of one person of
/// the archive ("Tito", "Josip Broz Tito", "Tito, Marshal Josip Broz") are one value, labelled
/// with the person's name, whose link selects every one of them. Where a person has several
/// names the count is taken again for all of them together (a record may give two), so that it
/// is what the link returns; names that are no person stay as they are.
async fn person_values(
    archive: &Shared,
    ran: &Ran,
    name: FacetName,
    sort: &str,
) -> Result<Vec<FacetValue>, String> {
    let Some(facet) = ran.results.facets.iter().find(|f| f.name == name) else {
        return Ok(Vec::new());
    };
    let failed = |e: chancery_store::Error| e.to_string();
    let context = crate::people::Context::load(archive).await.map_err(failed)?;
    // (label, names, count, person), in the index's order of counts.
    let mut groups: Vec<(String, Vec<String>, u64, Option<String>)> = Vec::new();
    for (value, count) in facet.values.iter().take(MAX_PERSON_FACET_VALUES) {
        let resolution =
            crate::people::resolve(archive, value, "author", &context).await.map_err(failed)?;
        match resolution.person.filter(|_| resolution.confidence != "none") {
            Some(person) => match groups.iter_mut().find(|g| g.3.as_deref() == Some(&person)) {
                Some(group) => {
                    group.1.push(value.clone());
                    group.2 += count;
                }
                None => {
                    let label = context
                        .display_name(archive, &person)
                        .await
                        .map_err(failed)?
                        .unwrap_or_else(|| value.clone());
                    groups.push((label, vec![value.clone()], *count, Some(person)));
                }
            },
            None => groups.push((value.clone(), vec![value.clone()], *count, None)),
        }
    }
    groups.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    groups.truncate(FACET_VALUES_SHOWN);
    let mut values = Vec::new();
    for (label, names, count, _) in groups {
        let atoms: Vec<Atom> = names.iter().map(|n| atom(name, n)).collect();
        let count = if names.len() > 1 { count_with(archive, ran, name, &atoms)? } else { count };
        let label =
            if names.len() > 1 { format!("{label} ({} names)", names.len()) } else { label };
        values.push(value_links(&ran.typed, name, &atoms, label, count, sort));
    }
    Ok(values)
}

/// How many records the search's query gives with these values of a facet alone selected.
fn count_with(archive: &Shared, ran: &Ran, name: FacetName, atoms: &[Atom]) -> Result<u64, String> {
    let mut query = ran.searched.clone();
    if let Some(at) = query.selection(name) {
        query.clauses.remove(at);
    }
    query.clauses.push(Clause { negated: false, alternatives: atoms.to_vec() });
    let mut request = chancery_search::SearchRequest::new(query, &ran.q);
    request.limit = 0;
    request.facets = false;
    let results =
        archive.index.search(&request).map_err(|e| format!("counting a facet value: {e}"))?;
    Ok(results.total as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chancery_search::query::parse;

    fn toggled(q: &str, name: FacetName, values: &[&str]) -> (String, bool) {
        let atoms: Vec<Atom> = values.iter().map(|v| atom(name, v)).collect();
        let (query, was) = toggle_selected(&parse(q).unwrap(), name, &atoms);
        (query.to_string(), was)
    }

    #[test]
    fn values_are_selected_with_or_and_dropped_again() {
        assert_eq!(
            toggled("tito", FacetName::Type, &["letter"]),
            ("tito type=letter".into(), false)
        );
        assert_eq!(
            toggled("tito type=letter", FacetName::Type, &["telegram"]),
            ("tito type=letter OR type=telegram".into(), false)
        );
        assert_eq!(
            toggled("tito type=letter OR type=telegram", FacetName::Type, &["letter"]),
            ("tito type=telegram".into(), true)
        );
        assert_eq!(toggled("type=letter", FacetName::Type, &["letter"]), ("".into(), true));
        // `type:letter` is a typed filter, not the facet's selection: the value is added.
        assert_eq!(
            toggled("type:letter", FacetName::Type, &["letter"]),
            ("type:letter type=letter".into(), false)
        );
        assert_eq!(
            toggled("x", FacetName::Archive, &["National Archives"]),
            ("x archive=\"National Archives\"".into(), false)
        );
        assert_eq!(
            toggled("x", FacetName::Author, &["Tito", "Josip Broz Tito"]),
            ("x author=Tito OR author=\"Josip Broz Tito\"".into(), false)
        );
    }

    #[test]
    fn values_are_excluded_and_let_in_again() {
        let atoms = [atom(FacetName::Type, "letter")];
        let (query, was) =
            toggle_excluded(&parse("tito type=letter").unwrap(), FacetName::Type, &atoms);
        assert_eq!((query.to_string().as_str(), was), ("tito -type=letter", false));
        let (query, was) = toggle_excluded(&query, FacetName::Type, &atoms);
        assert_eq!((query.to_string().as_str(), was), ("tito", true));
        // Selecting an excluded value lets it in.
        let (query, _) = toggle_selected(&parse("-type=letter").unwrap(), FacetName::Type, &atoms);
        assert_eq!(query.to_string(), "type=letter");
    }

    #[test]
    fn volumes_have_short_labels() {
        assert_eq!(
            volume_label(
                "Foreign Relations of the United States, 1955–1957, Central and Southeastern Europe, Volume XXVI"
            ),
            "FRUS 1955–1957, vol. XXVI"
        );
        assert_eq!(
            volume_label(
                "Foreign Relations of the United States, 1958–1960, Eastern Europe; Finland; Greece; Turkey, Volume X, Part 2"
            ),
            "FRUS 1958–1960, vol. X, pt. 2"
        );
        assert_eq!(volume_label("Soviet–Yugoslav Relations"), "Soviet–Yugoslav Relations");
    }
}
