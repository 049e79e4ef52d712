//! The search commands: search, reindex and check.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chancery_search::query::parse;
use chancery_search::{SearchIndex, SearchRequest, Sort};

use crate::args::SortOrder;
use crate::data::{open_index, open_store, open_store_for_reading, rejected};
use crate::progress::Progress;
use crate::{EXIT_USAGE, Failure};

pub(crate) async fn search(
    data: &Path,
    text: &str,
    limit: usize,
    offset: usize,
    sort: SortOrder,
    json: bool,
) -> Result<()> {
    let query = parse(text)
        .map_err(|error| Failure { code: EXIT_USAGE, message: format!("bad query: {error}") })?;
    let store = open_store_for_reading(data).await?;
    let index = open_index(data, &store).await?;
    let mut request = SearchRequest::new(query, text);
    request.limit = limit;
    request.offset = offset;
    request.facets = json;
    request.sort = match sort {
        SortOrder::Relevance => Sort::Relevance,
        SortOrder::Date => Sort::Date,
        SortOrder::Newest => Sort::Newest,
        SortOrder::Edition => Sort::Edition,
    };
    let results =
        index.search_with_snippets(&request, &store).await.map_err(|error| match error {
            chancery_search::Error::Request(message) => {
                Failure { code: EXIT_USAGE, message }.into()
            }
            other => anyhow::Error::new(other),
        })?;
    let mut stdout = std::io::stdout().lock();
    if json {
        let hits: Vec<serde_json::Value> = results
            .hits
            .iter()
            .map(|hit| {
                serde_json::json!({
                    "id": hit.id.as_str(),
                    "date": hit.date_printed,
                    "edtf": hit.date_edtf,
                    "title": hit.title,
                    "score": hit.score,
                    "snippet": hit.snippet.as_ref().map(|s| serde_json::json!({
                        "text": s.text,
                        "highlights": s.highlights.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
                    })),
                })
            })
            .collect();
        let facets: serde_json::Map<String, serde_json::Value> = results
            .facets
            .iter()
            .map(|facet| {
                let values: Vec<serde_json::Value> = facet
                    .values
                    .iter()
                    .map(|(value, count)| serde_json::json!({"value": value, "count": count}))
                    .collect();
                (facet.name.key().to_string(), serde_json::Value::Array(values))
            })
            .collect();
        let out = serde_json::json!({"total": results.total, "offset": offset, "hits": hits, "facets": facets});
        writeln!(stdout, "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        if results.hits.is_empty() {
            eprintln!("no records match");
        }
        for hit in &results.hits {
            let date = hit.date_edtf.as_deref().unwrap_or("undated");
            writeln!(stdout, "{}  {date}  {}  ({:.2})", hit.id, hit.title, hit.score)?;
            if let Some(snippet) = &hit.snippet {
                writeln!(stdout, "    {}", snippet.marked("«", "»").replace('\n', " "))?;
            }
        }
        let shown = offset + results.hits.len();
        eprintln!("{}–{shown} of {} record(s)", (offset + 1).min(shown), results.total);
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn reindex(data: &Path) -> Result<()> {
    let store = open_store(data).await?;
    let dir = data.join("index");
    let index = SearchIndex::open(&dir)
        .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
    let mut progress = Progress::new("reindexing");
    let started = std::time::Instant::now();
    let n_records = index.reindex(&store, &mut |p| progress.update(p.done, p.total)).await;
    progress.finish();
    let n_records = n_records?;
    eprintln!("reindexed {n_records} record(s) in {:.1} s", started.elapsed().as_secs_f64());
    store.close().await;
    Ok(())
}

pub(crate) async fn check(data: &Path) -> Result<()> {
    let store = open_store_for_reading(data).await?;
    let index = open_index(data, &store).await?;
    let agreement = index.check(&store).await?;
    let copy = crate::preservation::copy_problems(data, &store).await;
    store.close().await;
    let (copy_problems, copy_summary) = copy?;
    if agreement.problems.is_empty() {
        println!("the search index agrees with the store: {} record(s)", index.num_records());
    }
    for problem in &agreement.problems {
        println!("{problem}");
    }
    if copy_problems.is_empty() {
        println!("{copy_summary}");
    }
    for problem in &copy_problems {
        println!("{problem}");
    }
    let mut failed = Vec::new();
    if !agreement.problems.is_empty() {
        failed.push(format!(
            "{} disagreement(s) between the search index and the store; `chancery reindex` rebuilds the index",
            agreement.problems.len()
        ));
    }
    if !copy_problems.is_empty() {
        failed.push(format!(
            "{} problem(s) with the preservation copy; `chancery fixity` checks its files",
            copy_problems.len()
        ));
    }
    if failed.is_empty() { Ok(()) } else { Err(rejected(failed.join("; "))) }
}
