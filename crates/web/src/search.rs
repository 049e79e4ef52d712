//! Searching for pages and the API: parameters, running the query, and what the search page
//! shows (facets as filters, the year histogram, hits with snippets, pagination).

use std::fmt::Write;

use chancery_model::doc_type::DocType;
use chancery_model::record::Record;
use chancery_search::query::{MAX_QUERY_CHARS, parse};
use chancery_search::{FacetName, MatchMode, SearchRequest, SearchResults, Sort};
use serde::Deserialize;

use crate::Shared;
use crate::html::chrome::record_path;
use crate::html::markup::{escape, grouped, query_value};

/// Hits per page on the site.
pub(crate) const PAGE_SIZE: usize = 20;
/// The deepest page the site offers.
const MAX_PAGE: usize = 500;

/// The search page's query string.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// The query, in the query language (empty: every record).
    #[serde(default)]
    pub(crate) q: Option<String>,
    /// `relevance` (default when there is a query) or `date` (default when there is none).
    #[serde(default)]
    pub(crate) sort: Option<String>,
    /// Page number, from 1.
    #[serde(default)]
    pub(crate) page: Option<String>,
}

impl SearchParams {
    pub(crate) fn q(&self) -> &str {
        self.q.as_deref().unwrap_or("").trim()
    }

    pub(crate) fn sort(&self) -> Result<Sort, String> {
        match self.sort.as_deref().unwrap_or("") {
            "" if self.q().is_empty() => Ok(Sort::Date),
            "" | "relevance" => Ok(Sort::Relevance),
            "date" | "oldest" => Ok(Sort::Date),
            "newest" => Ok(Sort::Newest),
            other => Err(format!(
                "sort is `relevance`, `date` (oldest first) or `newest`, not `{other}`"
            )),
        }
    }

    pub(crate) fn sort_key(&self) -> &'static str {
        match self.sort() {
            Ok(Sort::Date) => "date",
            Ok(Sort::Newest) => "newest",
            _ => "relevance",
        }
    }

    pub(crate) fn page(&self) -> Result<usize, String> {
        match self.page.as_deref().unwrap_or("1").parse::<usize>() {
            Ok(page) if (1..=MAX_PAGE).contains(&page) => Ok(page),
            _ => Err(format!("page is a number from 1 to {MAX_PAGE}")),
        }
    }
}

/// Why a search failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The request was wrong: the message says how.
    Bad(String),
    /// Our side failed.
    Internal(String),
}

impl From<Failure> for crate::error::PageError {
    fn from(failure: Failure) -> crate::error::PageError {
        match failure {
            Failure::Bad(message) => crate::error::PageError::bad_request(message),
            Failure::Internal(message) => crate::error::PageError::internal(&message),
        }
    }
}

impl From<Failure> for crate::error::Problem {
    fn from(failure: Failure) -> crate::error::Problem {
        match failure {
            Failure::Bad(message) => crate::error::Problem::bad_request(message),
            Failure::Internal(message) => crate::error::Problem::internal(&message),
        }
    }
}

/// A search's results with the request that made them.
pub(crate) struct Ran {
    pub(crate) q: String,
    pub(crate) sort: Sort,
    pub(crate) results: SearchResults,
    /// The person whose names the query was widened to, if any.
    pub(crate) expansion: Option<crate::people::Expansion>,
}

/// Parses the query and runs it: `limit` hits from `offset`, snippets when asked.
pub(crate) async fn run(
    archive: &Shared,
    params: &SearchParams,
    offset: usize,
    snippets: bool,
) -> Result<Ran, Failure> {
    run_with(archive, params, offset, if snippets { PAGE_SIZE } else { 0 }, snippets).await
}

pub(crate) async fn run_with(
    archive: &Shared,
    params: &SearchParams,
    offset: usize,
    limit: usize,
    snippets: bool,
) -> Result<Ran, Failure> {
    let q = params.q();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(Failure::Bad(format!("a query has at most {MAX_QUERY_CHARS} characters")));
    }
    let mut query = parse(q).map_err(|error| Failure::Bad(format!("{error}")))?;
    let expansion = crate::people::expand(archive, &mut query)
        .await
        .map_err(|error| Failure::Internal(error.to_string()))?;
    let sort = params.sort().map_err(Failure::Bad)?;
    let mut request = SearchRequest::new(query, q);
    request.sort = sort;
    request.limit = limit;
    request.offset = offset;
    let results = if snippets {
        archive.index.search_with_snippets(&request, &archive.store).await
    } else {
        archive.index.search(&request)
    };
    let results = results.map_err(|error| match error {
        chancery_search::Error::Request(message) => Failure::Bad(message),
        other => Failure::Internal(other.to_string()),
    })?;
    Ok(Ran { q: q.to_string(), sort, results, expansion })
}

/// One facet value as a filter link.
pub(crate) struct FacetValue {
    pub(crate) label: String,
    /// The count, with thousands separators.
    pub(crate) count: String,
    pub(crate) href: String,
    /// Whether the query already holds this filter (the link then removes it).
    pub(crate) active: bool,
}

/// One facet for the page.
pub(crate) struct FacetView {
    pub(crate) label: &'static str,
    pub(crate) values: Vec<FacetValue>,
}

/// A hit for the page.
pub(crate) struct HitView {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) date: String,
    /// Escaped HTML with `<mark>` around matches.
    pub(crate) snippet: Option<String>,
}

/// A page link.
pub(crate) struct PageLink {
    pub(crate) label: String,
    pub(crate) href: Option<String>,
    pub(crate) current: bool,
}

/// What the search page shows.
pub(crate) struct View {
    pub(crate) total: usize,
    /// The total with thousands separators.
    pub(crate) total_text: String,
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) hits: Vec<HitView>,
    pub(crate) facets: Vec<FacetView>,
    pub(crate) histogram: Option<Histogram>,
    pub(crate) pages: Vec<PageLink>,
    pub(crate) sort_relevance: String,
    pub(crate) sort_date: String,
    pub(crate) sort_newest: String,
    /// Past the last page: how many pages there are, and the last one's address.
    pub(crate) past_end: Option<(usize, String)>,
    pub(crate) export_ris: String,
    pub(crate) export_bibtex: String,
    pub(crate) expansion: Option<ExpansionView>,
}

/// The search page's contents for these parameters.
pub(crate) async fn view(archive: &Shared, params: &SearchParams) -> Result<View, Failure> {
    let page = params.page().map_err(Failure::Bad)?;
    let ran = run(archive, params, (page - 1) * PAGE_SIZE, true).await?;
    let q = ran.q.as_str();
    let hits: Vec<HitView> = ran
        .results
        .hits
        .iter()
        .map(|hit| HitView {
            href: record_path(&hit.id),
            title: hit.title.clone(),
            date: hit.date_printed.clone(),
            snippet: hit.snippet.as_ref().map(|s| marked(&s.text, &s.highlights)),
        })
        .collect();
    let facets = [
        (FacetName::Decade, "Decade"),
        (FacetName::Language, "Original language"),
        (FacetName::Type, "Type"),
        (FacetName::Archive, "Archive"),
        (FacetName::Collection, "Collection"),
        (FacetName::Author, "From"),
        (FacetName::Recipient, "To"),
    ]
    .into_iter();
    let mut views = Vec::new();
    for (name, label) in facets {
        let values = match name {
            FacetName::Author | FacetName::Recipient => person_facet_values(archive, &ran, name, q)
                .await
                .map_err(|e| Failure::Internal(e.to_string()))?,
            _ => facet_values(&ran, name, q),
        };
        if !values.is_empty() {
            views.push(FacetView { label, values });
        }
    }
    let facets = views;
    let total = ran.results.total;
    let n_pages = total.div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE);
    let sort = match ran.sort {
        Sort::Date => "date",
        Sort::Newest => "newest",
        Sort::Relevance => "relevance",
    };
    let href =
        |page: usize, sort: &str| format!("/search?q={}&sort={sort}&page={page}", query_value(q));
    let mut pages = Vec::new();
    if n_pages > 1 {
        pages.push(PageLink {
            label: "Previous".into(),
            href: (page > 1).then(|| href(page - 1, sort)),
            current: false,
        });
        let window = page.saturating_sub(3).max(1)..=(page + 3).min(n_pages);
        for n in window {
            pages.push(PageLink {
                label: n.to_string(),
                href: Some(href(n, sort)),
                current: n == page,
            });
        }
        pages.push(PageLink {
            label: "Next".into(),
            href: (page < n_pages).then(|| href(page + 1, sort)),
            current: false,
        });
    }
    let first = if hits.is_empty() { 0 } else { (page - 1) * PAGE_SIZE + 1 };
    let hits_empty = hits.is_empty();
    Ok(View {
        total,
        total_text: grouped(total as u64),
        first,
        last: (page - 1) * PAGE_SIZE + hits.len(),
        histogram: Histogram::from_results(&ran.results, q),
        hits,
        facets,
        pages,
        sort_relevance: href(1, "relevance"),
        sort_date: href(1, "date"),
        sort_newest: href(1, "newest"),
        past_end: (hits_empty && total > 0).then(|| {
            let last_page = total.div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE);
            (last_page, href(last_page, sort))
        }),
        export_ris: format!("/api/v1/search/export?format=ris&q={}&sort={sort}", query_value(q)),
        export_bibtex: format!(
            "/api/v1/search/export?format=bibtex&q={}&sort={sort}",
            query_value(q)
        ),
        expansion: ran.expansion.map(|e| ExpansionView {
            person_href: format!("/people/{}", e.person),
            display: e.display,
            names: e.names.join(" · "),
            exact_href: format!(
                "/search?q={}",
                query_value(&format!("\"{}\"", q.replace('"', " ").trim()))
            ),
        }),
    })
}

/// The person a query was widened to, for the page.
pub(crate) struct ExpansionView {
    pub(crate) person_href: String,
    pub(crate) display: String,
    /// The other forms of the name searched, joined.
    pub(crate) names: String,
    /// The same words searched as a phrase only.
    pub(crate) exact_href: String,
}

/// A snippet as escaped HTML with `<mark>` around each match.
fn marked(text: &str, highlights: &[std::ops::Range<usize>]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for range in highlights {
        if range.start < at || range.end > text.len() {
            continue;
        }
        out.push_str(&escape(&text[at..range.start]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[range.clone()]));
        out.push_str("</mark>");
        at = range.end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// The query clause that filters on a facet value.
pub(crate) fn clause(name: FacetName, value: &str) -> String {
    let quoted = |field: &str| format!("{field}:\"{}\"", value.replace('"', " "));
    match name {
        FacetName::Decade => match value.parse::<i32>() {
            Ok(decade) => format!("date:{decade:04}..{:04}", decade + 9),
            Err(_) => quoted("date"),
        },
        FacetName::Year => format!("date:{value}"),
        FacetName::Language => format!("lang:{value}"),
        FacetName::Type => format!("type:{value}"),
        FacetName::Archive => quoted("archive"),
        FacetName::Collection => quoted("collection"),
        FacetName::Author => quoted("author"),
        FacetName::Recipient => quoted("recipient"),
    }
}

/// The query with `clause` added, or removed if it is there.
fn toggled(q: &str, clause: &str) -> (String, bool) {
    // The clause as a whole clause: `date:1954` is not inside `date:1954-08`.
    let standalone = q.match_indices(clause).map(|(at, _)| at).find(|&at| {
        let end = at + clause.len();
        q[..at].chars().next_back().is_none_or(char::is_whitespace)
            && q[end..].chars().next().is_none_or(char::is_whitespace)
    });
    if let Some(at) = standalone {
        let before = q[..at].trim_end();
        let after = q[at + clause.len()..].trim_start();
        let joined = format!("{before} {after}");
        (joined.trim().to_string(), true)
    } else if q.is_empty() {
        (clause.to_string(), false)
    } else {
        (format!("{q} {clause}"), false)
    }
}

fn facet_label(name: FacetName, value: &str) -> String {
    match name {
        FacetName::Decade => format!("{value}s"),
        FacetName::Language => isolang::Language::from_639_3(value)
            .map_or_else(|| value.to_string(), |l| l.to_name().to_string()),
        FacetName::Type => DocType::from_key(value).map_or(value, |t| t.label()).to_string(),
        _ => value.to_string(),
    }
}

/// A facet's values as filter links for the query `q`.
pub(crate) fn facet_values(ran: &Ran, name: FacetName, q: &str) -> Vec<FacetValue> {
    let Some(facet) = ran.results.facets.iter().find(|f| f.name == name) else { return Vec::new() };
    let mut values: Vec<FacetValue> = facet
        .values
        .iter()
        .map(|(value, count)| {
            let (next, active) = toggled(q, &clause(name, value));
            FacetValue {
                label: facet_label(name, value),
                count: grouped(*count),
                href: format!("/search?q={}", query_value(&next)),
                active,
            }
        })
        .collect();
    values.truncate(12);
    values
}

/// The most author or recipient values looked at to gather them by person.
pub(crate) const MAX_PERSON_FACET_VALUES: usize = 30;

/// An author or recipient facet counted by person, not by string: the names of one person of
/// the archive ("Tito", "Josip Broz Tito", "Tito, Marshal Josip Broz") are one value, labelled
/// with the person's name and counted together, whose link filters by every one of them. A
/// record naming one person twice in the same role is counted twice (names are counted by the
/// index, one count per name); names that are no person stay as they are.
pub(crate) async fn person_facet_values(
    archive: &Shared,
    ran: &Ran,
    name: FacetName,
    q: &str,
) -> Result<Vec<FacetValue>, chancery_store::Error> {
    let Some(facet) = ran.results.facets.iter().find(|f| f.name == name) else {
        return Ok(Vec::new());
    };
    let field = if name == FacetName::Author { "author" } else { "recipient" };
    let context = crate::people::Context::load(archive).await?;
    // (label, names, count), in the index's order of counts.
    let mut groups: Vec<(String, Vec<String>, u64, Option<String>)> = Vec::new();
    for (value, count) in facet.values.iter().take(MAX_PERSON_FACET_VALUES) {
        let resolution = crate::people::resolve(archive, value, "author", &context).await?;
        match resolution.person.filter(|_| resolution.confidence != "none") {
            Some(person) => match groups.iter_mut().find(|g| g.3.as_deref() == Some(&person)) {
                Some(group) => {
                    group.1.push(value.clone());
                    group.2 += count;
                }
                None => {
                    let label = context
                        .display_name(archive, &person)
                        .await?
                        .unwrap_or_else(|| value.clone());
                    groups.push((label, vec![value.clone()], *count, Some(person)));
                }
            },
            None => groups.push((value.clone(), vec![value.clone()], *count, None)),
        }
    }
    groups.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    groups.truncate(12);
    Ok(groups
        .into_iter()
        .map(|(label, names, count, _)| {
            let clause = names
                .iter()
                .map(|n| format!("{field}:\"{}\"", n.replace('"', " ")))
                .collect::<Vec<_>>()
                .join(" OR ");
            let (next, active) = toggled(q, &clause);
            let label =
                if names.len() > 1 { format!("{label} ({} names)", names.len()) } else { label };
            FacetValue {
                label,
                count: grouped(count),
                href: format!("/search?q={}", query_value(&next)),
                active,
            }
        })
        .collect())
}

/// The year histogram: an SVG bar chart whose bars are links that filter by year.
pub(crate) struct Histogram {
    /// The SVG, escaped where it holds text.
    pub(crate) svg: String,
    pub(crate) first: i32,
    pub(crate) last: i32,
}

impl Histogram {
    /// A histogram of the year facet, if the results span two years or more; each bar adds or
    /// removes its year as a filter of the query.
    pub(crate) fn from_results(results: &SearchResults, q: &str) -> Option<Histogram> {
        let years: Vec<(i32, u64)> = results
            .facets
            .iter()
            .find(|f| f.name == FacetName::Year)?
            .values
            .iter()
            .filter_map(|(y, n)| Some((y.parse().ok()?, *n)))
            .collect();
        Histogram::from_years(&years, "Records per year", |year| {
            let (next, _) = toggled(q, &format!("date:{year}"));
            format!("/search?q={}", query_value(&next))
        })
    }

    /// A histogram of counts per year (in year order), if they span two years or more; `href`
    /// gives each bar's link. The chart keeps its proportions (labels are never stretched) and
    /// labels the decades.
    pub(crate) fn from_years(
        years: &[(i32, u64)],
        what: &str,
        href: impl Fn(i32) -> String,
    ) -> Option<Histogram> {
        let first = years.first()?.0;
        let last = years.last()?.0;
        if last <= first || last - first > 400 {
            return None;
        }
        let max = years.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
        let n_years = (last - first + 1) as usize;
        let width = 720.0_f64;
        let height = 120.0_f64;
        let slot = width / n_years as f64;
        let bar = (slot * 0.8).max(1.0);
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg class=\"histogram\" viewBox=\"0 0 {width} {total_height}\" role=\"group\" aria-label=\"{what}, {first} to {last}; each bar is a link\">",
            what = escape(what),
            total_height = height + 18.0
        );
        for (year, count) in years {
            let x = (year - first) as f64 * slot + (slot - bar) / 2.0;
            let h = ((*count as f64 / max as f64) * height).max(2.0);
            let noun = if *count == 1 { "record" } else { "records" };
            let _ = write!(
                svg,
                "<a href=\"{href}\" aria-label=\"{year}: {count} {noun}\" class=\"bar\" data-year=\"{year}\"><rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{bar:.2}\" height=\"{h:.2}\"><title>{year}: {count} {noun}</title></rect></a>",
                href = escape(&href(*year)),
                y = height - h,
            );
        }
        // Decades where the span is long enough to have some; the ends otherwise.
        let decades: Vec<i32> = (first..=last).filter(|y| y % 10 == 0).collect();
        let labels = if decades.len() >= 2 { decades } else { vec![first, last] };
        for year in labels {
            let x = (year - first) as f64 * slot + slot / 2.0;
            let anchor = if year == last && year != first {
                "end"
            } else if year == first {
                "start"
            } else {
                "middle"
            };
            let _ = write!(
                svg,
                "<text x=\"{x:.2}\" y=\"{ty}\" class=\"axis\" text-anchor=\"{anchor}\">{year}</text>",
                ty = height + 15.0
            );
        }
        svg.push_str("</svg>");
        Some(Histogram { svg, first, last })
    }
}

/// Records like this one: its title's longer words and its correspondents, any of them.
pub(crate) async fn related(archive: &Shared, record: &Record) -> Vec<HitView> {
    let mut words: Vec<String> = Vec::new();
    let names = record.authors.iter().chain(&record.recipients);
    for word in record
        .title
        .split(|c: char| !c.is_alphanumeric())
        .chain(names.flat_map(|n| n.split_whitespace()))
    {
        let word: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        if word.chars().count() >= 5
            && !matches!(
                word.to_lowercase().as_str(),
                "letter"
                    | "memorandum"
                    | "telegram"
                    | "conversation"
                    | "department"
                    | "secretary"
                    | "embassy"
                    | "state"
            )
            && !words.contains(&word)
        {
            words.push(word);
        }
        if words.len() == 12 {
            break;
        }
    }
    if words.is_empty() {
        return Vec::new();
    }
    let raw = words.join(" ");
    let Ok(query) = parse(&raw) else { return Vec::new() };
    let mut request = SearchRequest::new(query, "");
    request.mode = MatchMode::Any;
    request.limit = 6;
    request.count = false;
    request.facets = false;
    let Ok(results) = archive.index.search(&request) else { return Vec::new() };
    results
        .hits
        .into_iter()
        .filter(|hit| hit.id != record.id)
        .take(5)
        .map(|hit| HitView {
            href: record_path(&hit.id),
            title: hit.title,
            date: hit.date_printed,
            snippet: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_clauses_toggle() {
        assert_eq!(toggled("", "lang:hbs"), ("lang:hbs".to_string(), false));
        assert_eq!(toggled("tito", "lang:hbs"), ("tito lang:hbs".to_string(), false));
        assert_eq!(
            toggled("tito lang:hbs date:1954", "lang:hbs"),
            ("tito date:1954".to_string(), true)
        );
        assert_eq!(clause(FacetName::Decade, "1950"), "date:1950..1959");
        assert_eq!(
            toggled("tito date:1954-08", "date:1954"),
            ("tito date:1954-08 date:1954".to_string(), false)
        );
        assert_eq!(clause(FacetName::Author, "A \"B\""), "author:\"A  B \"");
    }

    #[test]
    fn snippets_are_escaped_around_marks() {
        assert_eq!(marked("a <b> c", std::slice::from_ref(&(2..5))), "a <mark>&lt;b&gt;</mark> c");
    }
}
