//! The peer benchmark, run through Chancery's index: the same corpus and query files as
//! `../shared/bench/peers/`, the same figures (build time, peak memory, index size, latency
//! percentiles per query type, throughput, known-item MRR@10).
//!
//! ```text
//! cargo bench -p chancery-search --bench peers -- \
//!     --corpus ../shared/corpus/frus-docs.jsonl \
//!     --queries ../shared/bench/peers/queries/frus-q.jsonl [--warmup 1] [--repeat 3] [--json OUT]
//!     [--ranks OUT]   # each known-item query's rank and top three, one JSON line per query
//! ```
//!
//! Like the peers: one thread issues one query at a time for the top 10 ids (no total count, no
//! snippets, no facets); `term`, `and` and `date` queries require every word, `phrase` the exact
//! sequence, `known` any word. (Snippets are made by a separate call and cost nothing here.) Build time runs from reading the first line of the corpus to a
//! committed index, JSON parsing included.

use std::collections::BTreeMap;
use std::time::Instant;

use chancery_model::date::{CalendarDay, DocDate, EdtfDate};
use chancery_model::id::RecordId;
use chancery_model::language::Language;
use chancery_model::record::{Record, Text, TextKind};
use chancery_search::query::{Atom, Clause, DateRange, Query, Scope};
use chancery_search::{MatchMode, SearchIndex, SearchRequest};
use chancery_store::StoredRecord;
use serde_json::Value;
use time::OffsetDateTime;

struct Args {
    corpus: String,
    queries: String,
    warmup: usize,
    repeat: usize,
    json: Option<String>,
    /// Where to write each known-item query's rank, one JSON line per query.
    ranks: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        corpus: String::new(),
        queries: String::new(),
        warmup: 1,
        repeat: 3,
        json: None,
        ranks: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--corpus" => args.corpus = it.next().expect("--corpus FILE"),
            "--queries" => args.queries = it.next().expect("--queries FILE"),
            "--warmup" => args.warmup = it.next().and_then(|n| n.parse().ok()).expect("--warmup N"),
            "--repeat" => args.repeat = it.next().and_then(|n| n.parse().ok()).expect("--repeat N"),
            "--json" => args.json = it.next(),
            "--ranks" => args.ranks = it.next(),
            _ => {} // cargo bench passes `--bench`
        }
    }
    if args.corpus.is_empty() || args.queries.is_empty() {
        eprintln!(
            "usage: cargo bench -p chancery-search --bench peers -- --corpus FILE --queries FILE"
        );
        std::process::exit(2);
    }
    args
}

fn record(line: &str) -> StoredRecord {
    let doc: Value = serde_json::from_str(line).expect("corpus lines are JSON");
    let text = |key: &str| doc[key].as_str().unwrap_or_default().to_string();
    let printed = text("date");
    let edtf = printed
        .get(..10)
        .or(printed.get(..7))
        .or(printed.get(..4))
        .and_then(|d| d.parse::<EdtfDate>().ok());
    let mut record = Record::new(
        RecordId::parse(&text("id")).expect("corpus ids are valid record ids"),
        text("title"),
        DocDate::new(printed, edtf.map(chancery_model::date::Edtf::Date)),
    );
    record.texts.push(Text::new(
        TextKind::Original,
        Language::from_code("eng"),
        "Original".into(),
        text("text"),
    ));
    StoredRecord {
        record,
        revision: 1,
        created_at: OffsetDateTime::UNIX_EPOCH,
        updated_at: OffsetDateTime::UNIX_EPOCH,
        deleted_at: None,
        oai_id: String::new(),
    }
}

fn day(text: &str) -> CalendarDay {
    let date: EdtfDate = text.parse().expect("query dates are ISO days");
    date.earliest()
}

struct BenchQuery {
    kind: String,
    text: String,
    request: SearchRequest,
    target: Option<String>,
}

fn query(line: &str) -> BenchQuery {
    let q: Value = serde_json::from_str(line).expect("query lines are JSON");
    let kind = q["type"].as_str().unwrap_or_default().to_string();
    let text = q["text"].as_str().unwrap_or_default().to_lowercase();
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    let word = |w: &String| Clause {
        negated: false,
        alternatives: vec![Atom::Text { scope: Scope::Any, text: w.clone(), phrase: false }],
    };
    let mut clauses: Vec<Clause> = match kind.as_str() {
        "phrase" => vec![Clause {
            negated: false,
            alternatives: vec![Atom::Text {
                scope: Scope::Any,
                text: words.join(" "),
                phrase: true,
            }],
        }],
        _ => words.iter().map(word).collect(),
    };
    if kind == "date" {
        let range = DateRange {
            from: Some(day(q["from"].as_str().unwrap())),
            to: Some(day(q["to"].as_str().unwrap())),
        };
        clauses.push(Clause { negated: false, alternatives: vec![Atom::Date(range)] });
    }
    let mut request = SearchRequest::new(Query { clauses }, "");
    request.count = false;
    request.facets = false;
    if kind == "known" {
        request.mode = MatchMode::Any;
    }
    BenchQuery { kind, text, request, target: q["target"].as_str().map(str::to_string) }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let k = ((p / 100.0 * n as f64 + 0.5).round() as usize).clamp(1, n) - 1;
    sorted[k]
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("a temporary folder");

    let started = Instant::now();
    let corpus = std::fs::read_to_string(&args.corpus).expect("the corpus file");
    let records: Vec<StoredRecord> =
        corpus.lines().filter(|l| !l.trim().is_empty()).map(record).collect();
    let n_docs = records.len();
    let index = SearchIndex::open(dir.path()).expect("an index");
    index.rebuild_from(records, 0).expect("indexing");
    let build_s = started.elapsed().as_secs_f64();
    let build_rss = peak_rss_mib();
    let size_mib = dir_size(dir.path()) as f64 / (1024.0 * 1024.0);
    drop(corpus);

    let open_started = Instant::now();
    drop(index);
    let index = SearchIndex::open(dir.path()).expect("reopening the index");
    let open_s = open_started.elapsed().as_secs_f64();
    let queries: Vec<BenchQuery> = std::fs::read_to_string(&args.queries)
        .expect("the query file")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(query)
        .collect();

    for _ in 0..args.warmup {
        for q in &queries {
            index.search(&q.request).expect("search");
        }
    }
    let mut latencies: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut empty: BTreeMap<String, usize> = BTreeMap::new();
    let mut reciprocal_ranks = Vec::new();
    let mut ranks: Vec<serde_json::Value> = Vec::new();
    let timed_started = Instant::now();
    for pass in 0..args.repeat {
        for q in &queries {
            let t0 = Instant::now();
            let results = index.search(&q.request).expect("search");
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            latencies.entry(q.kind.clone()).or_default().push(ms);
            if pass == 0 {
                if results.hits.is_empty() {
                    *empty.entry(q.kind.clone()).or_default() += 1;
                }
                if let Some(target) = &q.target {
                    // Ids from outside are matched without regard to case.
                    let rank = results
                        .hits
                        .iter()
                        .position(|h| h.id.as_str().eq_ignore_ascii_case(target));
                    reciprocal_ranks.push(rank.map_or(0.0, |r| 1.0 / (r as f64 + 1.0)));
                    let top: Vec<&str> =
                        results.hits.iter().take(3).map(|h| h.id.as_str()).collect();
                    ranks.push(serde_json::json!({"target": target, "rank": rank.map(|r| r + 1), "top": top, "text": q.text}));
                }
            }
        }
    }
    let timed_s = timed_started.elapsed().as_secs_f64();
    let n_timed = queries.len() * args.repeat;

    println!("# Chancery on the peer benchmark\n");
    println!("- corpus: `{}` — {n_docs} docs", args.corpus);
    println!(
        "- queries: `{}` — {} queries; warm-up passes: {}; timed passes: {}",
        args.queries,
        queries.len(),
        args.warmup,
        args.repeat
    );
    println!(
        "- build: {build_s:.2} s ({:.0} docs/s), peak RSS {build_rss:.0} MiB, index {size_mib:.1} MiB, open {open_s:.3} s\n",
        n_docs as f64 / build_s
    );
    println!("| type | n | p50 ms | p95 ms | p99 ms | mean ms | empty |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut summary = serde_json::Map::new();
    for (kind, values) in &mut latencies {
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let n = values.len() / args.repeat;
        let (p50, p95, p99) =
            (percentile(values, 50.0), percentile(values, 95.0), percentile(values, 99.0));
        let n_empty = empty.get(kind).copied().unwrap_or(0);
        println!("| {kind} | {n} | {p50:.3} | {p95:.3} | {p99:.3} | {mean:.3} | {n_empty}/{n} |");
        summary.insert(kind.clone(), serde_json::json!({"n": n, "p50": p50, "p95": p95, "p99": p99, "mean": mean, "empty": n_empty}));
    }
    let mrr = reciprocal_ranks.iter().sum::<f64>() / reciprocal_ranks.len().max(1) as f64;
    let success = reciprocal_ranks.iter().filter(|&&r| r > 0.0).count() as f64
        / reciprocal_ranks.len().max(1) as f64;
    println!(
        "\n- throughput: {:.1} queries/s ({n_timed} queries in {timed_s:.2} s), peak RSS {:.0} MiB",
        n_timed as f64 / timed_s,
        peak_rss_mib()
    );
    println!(
        "- known-item: MRR@10 {mrr:.3}, success@10 {success:.3} over {} queries",
        reciprocal_ranks.len()
    );
    if let Some(path) = &args.ranks {
        let lines: Vec<String> = ranks.iter().map(|r| r.to_string()).collect();
        std::fs::write(path, lines.join("\n") + "\n").expect("writing --ranks");
    }
    if let Some(path) = args.json {
        let out = serde_json::json!({
            "docs": n_docs, "build_s": build_s, "build_peak_rss_mib": build_rss, "index_mib": size_mib,
            "by_type": summary, "queries_per_s": n_timed as f64 / timed_s, "mrr_at_10": mrr, "success_at_10": success,
        });
        std::fs::write(path, serde_json::to_string_pretty(&out).expect("JSON"))
            .expect("writing --json");
    }
}
