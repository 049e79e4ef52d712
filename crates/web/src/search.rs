//! Searching for pages and the API: parameters, running the query, and what the search page
//! shows (facets as filters, the year histogram, hits with snippets, pagination).

use std::fmt::Write;

use chancery_model::record::Record;
use chancery_search::query::{MAX_QUERY_CHARS, Query, parse};
use chancery_search::{FacetName, SearchRequest, SearchResults, Sort};
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
    /// `relevance` (default when there is a query), `date` (oldest first, default when there is
    /// none), `newest` or `edition` (volume, then place in it).
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
            "edition" => Ok(Sort::Edition),
            other => Err(format!(
                "sort is `relevance`, `date` (oldest first), `newest` or `edition`, not `{other}`"
            )),
        }
    }

    pub(crate) fn sort_key(&self) -> &'static str {
        match self.sort() {
            Ok(Sort::Date) => "date",
            Ok(Sort::Newest) => "newest",
            Ok(Sort::Edition) => "edition",
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
    /// The query as typed, parsed: facet links rewrite it.
    pub(crate) typed: Query,
    /// The query as searched (a person's names widened; see `people::expand`).
    pub(crate) searched: Query,
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
    let typed = query.clone();
    let expansion = crate::people::expand(archive, &mut query)
        .await
        .map_err(|error| Failure::Internal(error.to_string()))?;
    crate::relations::answer_parties(archive, &mut query)
        .await
        .map_err(Failure::Internal)?
        .map_err(Failure::Bad)?;
    let sort = params.sort().map_err(Failure::Bad)?;
    let mut request = SearchRequest::new(query.clone(), q);
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
    Ok(Ran { q: q.to_string(), typed, searched: query, sort, results, expansion })
}

/// A hit for the page.
pub(crate) struct HitView {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) date: String,
    /// What tells it from others of the same title: kind, where it is printed or held, who
    /// wrote to whom (empty when unknown).
    pub(crate) details: HitDetails,
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
    pub(crate) facets: Vec<crate::facets::FacetView>,
    pub(crate) histogram: Option<Histogram>,
    pub(crate) pages: Vec<PageLink>,
    pub(crate) sort_relevance: String,
    pub(crate) sort_date: String,
    pub(crate) sort_newest: String,
    pub(crate) sort_edition: String,
    /// "Did you mean": the query with its misspelt words replaced, and its address.
    pub(crate) suggestion: Option<(String, String)>,
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
    let hits: Vec<HitView> = ran.results.hits.iter().map(HitView::of).collect();
    let sort = match ran.sort {
        Sort::Date => "date",
        Sort::Newest => "newest",
        Sort::Edition => "edition",
        Sort::Relevance => "relevance",
    };
    let facets = crate::facets::views(archive, &ran, sort).await.map_err(Failure::Internal)?;
    let suggestion = suggestion(archive, &ran).await.map_err(Failure::Internal)?;
    let total = ran.results.total;
    let n_pages = total.div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE);
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
        histogram: Histogram::from_results(&ran.results, &ran.typed, sort),
        hits,
        facets,
        pages,
        sort_relevance: href(1, "relevance"),
        sort_date: href(1, "date"),
        sort_newest: href(1, "newest"),
        sort_edition: href(1, "edition"),
        suggestion,
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

/// Every value of one facet for a search (see `SearchIndex::facet_values`).
pub(crate) async fn facet_values(
    archive: &Shared,
    params: &SearchParams,
    name: FacetName,
) -> Result<Vec<(String, u64)>, Failure> {
    let ran = run_with(archive, params, 0, 0, false).await?;
    let mut request = SearchRequest::new(ran.searched, &ran.q);
    request.limit = 0;
    archive.index.facet_values(&request, name).map_err(|e| Failure::Internal(e.to_string()))
}

/// What a hit shows besides its title and date.
#[derive(Default)]
pub(crate) struct HitDetails {
    /// Its kind ("Telegram").
    pub(crate) kind: String,
    /// Where it is printed ("FRUS 1955–1957, vol. XXVI, Document 249") or held (archive and
    /// signature).
    pub(crate) source: String,
    /// Who wrote to whom ("Embassy in Yugoslavia → Department of State"), or who took part.
    pub(crate) correspondents: String,
}

impl HitDetails {
    pub(crate) fn of(record: &Record) -> HitDetails {
        let kind = match (record.doc_type, record.kind) {
            (Some(doc_type), _) => doc_type.label().to_string(),
            (None, chancery_model::record::RecordKind::Document) => String::new(),
            (None, kind) => kind.label().to_string(),
        };
        let source = match (&record.edition, &record.citation) {
            (Some(edition), _) => {
                let mut out = edition_label(edition);
                if let Some(number) = &record.number {
                    let _ = write!(out, ", Document {number}");
                }
                out
            }
            (None, Some(citation)) => {
                let parts = &citation.parts;
                [parts.archive.as_deref(), parts.fonds.as_deref(), parts.signature.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            (None, None) => String::new(),
        };
        let names = |names: &[String]| names.join("; ");
        let correspondents = if !record.authors.is_empty() || !record.recipients.is_empty() {
            match (record.authors.is_empty(), record.recipients.is_empty()) {
                (false, false) => {
                    format!("{} → {}", names(&record.authors), names(&record.recipients))
                }
                (false, true) => format!("From {}", names(&record.authors)),
                _ => format!("To {}", names(&record.recipients)),
            }
        } else if !record.participants.is_empty() {
            format!("Participants: {}", names(&record.participants))
        } else {
            String::new()
        };
        HitDetails { kind, source, correspondents }
    }
}

/// An edition as a short label: "FRUS 1955–1957, vol. XXVI".
pub(crate) fn edition_label(edition: &chancery_model::record::Edition) -> String {
    let series = if edition.series == "Foreign Relations of the United States" {
        "FRUS".to_string()
    } else {
        edition.series.clone()
    };
    let mut out = series;
    if let Some(subseries) = &edition.subseries {
        let _ = write!(out, " {subseries}");
    }
    if let Some(volume) = &edition.volume {
        let _ = write!(out, ", vol. {volume}");
    }
    out
}

impl HitView {
    fn of(hit: &chancery_search::Hit) -> HitView {
        HitView {
            href: record_path(&hit.id),
            title: hit.title.clone(),
            date: hit.date_printed.clone(),
            details: hit.record.as_deref().map(HitDetails::of).unwrap_or_default(),
            snippet: hit.snippet.as_ref().map(|s| marked(&s.text, &s.highlights)),
        }
    }
}

/// A "Did you mean" for a query that found fewer than `SUGGEST_BELOW` records, from the index's
/// words and the authority's names, when it finds more.
pub(crate) async fn suggestion(
    archive: &Shared,
    ran: &Ran,
) -> Result<Option<(String, String)>, String> {
    if ran.results.total >= chancery_search::SUGGEST_BELOW || ran.typed.is_empty() {
        return Ok(None);
    }
    let lookup = archive.lookup().await.map_err(|e| e.to_string())?;
    let names = lookup.name_words(archive).await.map_err(|e| e.to_string())?;
    let Some(suggested) = archive.index.suggest(&ran.typed, names) else {
        return Ok(None);
    };
    let q = suggested.to_string();
    let mut request = SearchRequest::new(suggested, &q);
    request.limit = 0;
    request.facets = false;
    let found = archive.index.search(&request).map_err(|e| e.to_string())?;
    Ok((found.total > ran.results.total)
        .then(|| (q.clone(), format!("/search?q={}", query_value(&q)))))
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
    pub(crate) fn from_results(
        results: &SearchResults,
        typed: &Query,
        sort: &str,
    ) -> Option<Histogram> {
        let years: Vec<(i32, u64)> = results
            .facets
            .iter()
            .find(|f| f.name == FacetName::Year)?
            .values
            .iter()
            .filter_map(|(y, n)| Some((y.parse().ok()?, *n)))
            .collect();
        Histogram::from_years(&years, "Records per year", |year| {
            let atom = crate::facets::atom(FacetName::Year, &format!("{year:04}"));
            let (next, _) = crate::facets::toggle_selected(typed, FacetName::Year, &[atom]);
            format!("/search?q={}&sort={sort}", query_value(&next.to_string()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_around_marks() {
        assert_eq!(marked("a <b> c", std::slice::from_ref(&(2..5))), "a <mark>&lt;b&gt;</mark> c");
    }
}
