//! Search over a real store: the issue's queries, ranking, filters, facets, snippets and sync.

use chancery_ingest::{Source, text};
use chancery_model::record::Record;
use chancery_search::query::{Atom, Clause, Query, parse};
use chancery_search::{FacetName, MatchMode, SearchIndex, SearchRequest, SearchResults, Sort};
use chancery_store::Store;
use time::macros::datetime;

const SEED: &str = include_str!("../../../../demo/000_5e4392f9da7ebfc5.txt");

fn record(name: &str, source: &str) -> Record {
    let parsed = text::parse(&Source {
        path: name,
        bytes: source.as_bytes(),
        imported_at: datetime!(2026-11-28 0:00 UTC),
    });
    assert!(!parsed.has_errors(), "{name}: {:?}", parsed.diagnostics);
    parsed.records.into_iter().next().unwrap()
}

fn corpus() -> Vec<Record> {
    vec![
        record("seed.txt", SEED),
        record(
            "decoy.txt",
            "**March 3, 1952**\n\n**Report on Yugoslav Party Congress**\n\n**Citation:**\n\n\"Report\", March 3, 1952, Wilson Center Digital Archive, RGANI, f. 5, op. 507, d. 119. Translated by Gary Goldberg.\n\n**Original Language:**\n\nRussian\n\n**Contents:**\n\nTranslation - English\n\nThe Sixth Congress discussed normalization in 1952; IX points were raised.\n",
        ),
        record(
            "ru.txt",
            "**May 26, 1955**\n\n**Record of Conversation between Хрущёв and Тито**\n\n**Original Language:**\n\nRussian\n\n**Contents:**\n\nTranscript - Russian\n\nХрущёв: Мы приехали в Београд для нормализации отношений.\n",
        ),
        record(
            "sr.txt",
            "**May 27, 1955**\n\n**Notes on the talks with Hruščov**\n\n**Original Language:**\n\nSerbo-Croatian\n\n**Contents:**\n\nTranscript - Serbo-Croatian\n\nHruščov je stigao u Beograd. Razgovori o Jugoslaviji.\n",
        ),
        record(
            "sr-plain.txt",
            "**May 28, 1955**\n\n**Notes on the talks with Hruscov**\n\n**Original Language:**\n\nSerbo-Croatian\n\n**Contents:**\n\nTranscript - Serbo-Croatian\n\nHruscov je stigao u Beograd. Razgovori o Jugoslaviji.\n",
        ),
        record(
            "de.txt",
            "**1956**\n\n**Telegram from the Embassy in Bonn**\n\n**Original Language:**\n\nGerman\n\n**Contents:**\n\nTranslation - English\n\nChruschtschow spoke in Moscow about Germany.\n",
        ),
        record(
            "en.txt",
            "**c. 1957**\n\n**Memorandum from the Secretary of State to the President**\n\n**Contents:**\n\nTranslation - English\n\nKhrushchev's speech to the Twentieth Congress. Relations with Yugoslavia improved.\n",
        ),
    ]
}

struct Fixture {
    store: Store,
    index: SearchIndex,
}

async fn fixture() -> Fixture {
    let store = Store::open_in_memory().await.unwrap();
    store.import(&corpus(), &[], datetime!(2026-11-28 0:00 UTC)).await.unwrap();
    let index = SearchIndex::in_memory().unwrap();
    let caught_up = index.catch_up(&store, &mut |_| {}).await.unwrap();
    assert_eq!(caught_up.n_records, 7);
    Fixture { store, index }
}

impl Fixture {
    fn search(&self, text: &str) -> SearchResults {
        let query = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        self.index.search(&SearchRequest::new(query, text)).unwrap()
    }

    async fn with_snippets(&self, text: &str) -> Vec<chancery_search::Hit> {
        let request = SearchRequest::new(parse(text).unwrap(), text);
        self.index.search_with_snippets(&request, &self.store).await.unwrap().hits
    }

    fn ids(&self, text: &str) -> Vec<String> {
        self.search(text).hits.into_iter().map(|h| h.id.to_string()).collect()
    }
}

#[tokio::test]
async fn the_issue_queries() {
    let f = fixture().await;
    assert_eq!(f.ids("normalization Djilas").first().map(String::as_str), Some("wcda-112970"));
    assert!(f.ids("Тито").contains(&"wcda-112970".to_string()), "Cyrillic Тито finds Tito");
    assert_eq!(
        f.ids("507 / IX, 119/I-50").first().map(String::as_str),
        Some("wcda-112970"),
        "the signature puts the record first even with a decoy holding 507, IX and 119"
    );
    assert_eq!(
        f.ids("https://digitalarchive.wilsoncenter.org/document/112970")
            .first()
            .map(String::as_str),
        Some("wcda-112970")
    );
    assert_eq!(f.ids("wcda-112970").first().map(String::as_str), Some("wcda-112970"));
    assert!(!f.ids("date:1950..1953").contains(&"wcda-112970".to_string()));
    assert!(f.ids("date:1954").contains(&"wcda-112970".to_string()));
    assert_eq!(f.ids("date:1954-08-11").len(), 1);
    assert!(f.ids("date:1954-09").is_empty());
}

#[tokio::test]
async fn names_meet_across_scripts_and_spellings() {
    let f = fixture().await;
    for spelling in ["Khrushchev", "Хрущёв", "Hruščov", "Chruschtschow"] {
        let titles: Vec<String> = f.search(spelling).hits.into_iter().map(|h| h.title).collect();
        for expected in [
            "Хрущёв and Тито",
            "Hruščov",
            "Telegram from the Embassy in Bonn",
            "Memorandum from the Secretary",
        ] {
            assert!(
                titles.iter().any(|t| t.contains(expected)),
                "{spelling} misses {expected}: {titles:?}"
            );
        }
    }
    assert!(f.ids("Beograd").len() >= 2, "Београд and Beograd meet");
    assert!(f.ids("Београд").len() >= 2);
}

#[tokio::test]
async fn exact_forms_rank_above_folded_ones() {
    let f = fixture().await;
    let hits = f.search("Hruščov").hits;
    assert_eq!(hits[0].title, "Notes on the talks with Hruščov", "{hits:?}");
    let hits = f.search("Hruscov").hits;
    assert_eq!(hits[0].title, "Notes on the talks with Hruscov", "{hits:?}");
}

#[tokio::test]
async fn operators_and_filters() {
    let f = fixture().await;
    let titles =
        |q: &str| -> Vec<String> { f.search(q).hits.into_iter().map(|h| h.title).collect() };
    assert!(titles("Congress -normalization").iter().all(|t| !t.contains("Letter from Tito")));
    assert!(titles("Chruschtschow OR Djilas").len() >= 2);
    assert_eq!(titles("\"poison the atmosphere\"").len(), 1);
    assert!(titles("\"atmosphere poison\"").is_empty(), "phrases keep word order");
    assert_eq!(titles("type:letter").len(), 1);
    assert_eq!(titles("lang:hbs").len(), 3);
    assert_eq!(titles("lang:Russian").len(), 2);
    assert_eq!(titles("archive:\"Arhiv Jugoslavije\"").len(), 1);
    assert_eq!(titles("archive:RGANI").len(), 1);
    assert_eq!(
        titles("author:Tito"),
        [
            "Letter from Tito and the Executive Committee [Politburo] of the CC LCY to Nikita Khrushchev and Central Committee of the Communist Party of the Soviet Union"
        ]
    );
    assert_eq!(titles("recipient:Khrushchev").len(), 1);
    assert_eq!(titles("recipient:Хрущёв").len(), 1, "names in filters meet across scripts too");
    assert_eq!(titles("title:Memorandum").len(), 1);
    assert_eq!(titles("").len(), 7, "an empty query browses everything");
}

#[tokio::test]
async fn facets_count_what_matches() {
    let f = fixture().await;
    let results = f.search("");
    let facet =
        |name: FacetName| results.facets.iter().find(|c| c.name == name).unwrap().values.clone();
    assert_eq!(facet(FacetName::Decade), [("1950".to_string(), 7)]);
    assert_eq!(
        facet(FacetName::Year).iter().map(|(y, n)| format!("{y}:{n}")).collect::<Vec<_>>(),
        ["1952:1", "1954:1", "1955:3", "1956:1", "1957:1"]
    );
    assert!(facet(FacetName::Language).contains(&("rus".to_string(), 2)));
    assert!(facet(FacetName::Type).contains(&("letter".to_string(), 1)));
    assert!(facet(FacetName::Archive).contains(&("Arhiv Jugoslavije".to_string(), 1)));
    assert!(facet(FacetName::Author).contains(&("Tito".to_string(), 1)));
    assert_eq!(results.total, 7);
    let narrowed = f.search("lang:rus");
    let years = narrowed.facets.iter().find(|c| c.name == FacetName::Year).unwrap();
    assert_eq!(years.values, [("1952".to_string(), 1), ("1955".to_string(), 1)]);
}

/// The clause a facet value's click adds.
fn clause(name: FacetName, value: &str) -> String {
    Query {
        clauses: vec![Clause {
            negated: false,
            alternatives: vec![Atom::Exact { facet: name, value: value.to_string() }],
        }],
    }
    .to_string()
}

#[tokio::test]
async fn facet_counts_are_what_a_click_returns() {
    let f = fixture().await;
    let mut checked = 0;
    for q in ["", "Khrushchev", "Beograd OR Yugoslavia", "-normalization", "date:1955"] {
        let results = f.search(q);
        for facet in &results.facets {
            assert_eq!(facet.distinct, facet.values.len(), "{q}: few enough to list");
            for (value, count) in &facet.values {
                let with = format!("{q} {}", clause(facet.name, value));
                let without = format!("{q} -{}", clause(facet.name, value));
                assert_eq!(f.search(&with).total as u64, *count, "{with}");
                // Excluding a value leaves exactly the others.
                assert_eq!(
                    f.search(&without).total as u64,
                    results.total as u64 - count,
                    "{without}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked}");
}

#[tokio::test]
async fn facets_select_by_identity_combine_with_or_and_count_without_their_own_selection() {
    let f = fixture().await;
    // By identity, not by words of the value: `archive:Arhiv` matches the word, `archive=Arhiv`
    // no archive (none is called just that), the archive's own name its records.
    let by_word = f.search("archive:Arhiv").total;
    assert!(by_word >= 1);
    assert_eq!(f.search("archive=Arhiv").total, 0);
    let jugoslavije = f.search("archive=\"Arhiv Jugoslavije\"").total;
    assert!(jugoslavije >= 1 && jugoslavije <= by_word);
    // An archive by any name the archive list knows: "RGANI" is the name it is filed under.
    let rgani = f.search("archive:RGANI").total;
    assert!(rgani >= 1);
    let everything = f.search("");
    let archives = everything.facets.iter().find(|c| c.name == FacetName::Archive).unwrap();
    let (filed, n) = archives.values.iter().find(|(v, _)| v.contains("Contemporary")).unwrap();
    assert_eq!(f.search("archive=RGANI").total as u64, *n, "{filed}");
    // OR within a facet: a record has one type, so the union is the sum.
    let types = everything.facets.iter().find(|c| c.name == FacetName::Type).unwrap();
    assert!(types.values.len() >= 2, "{types:?}");
    let (a, n_a) = &types.values[0];
    let (b, n_b) = &types.values[1];
    let either = f.search(&format!("type={a} OR type={b}"));
    assert_eq!(either.total as u64, n_a + n_b);
    // With a value selected, the facet's counts are each value's alone (the others' too), so
    // that adding one with OR adds exactly its count.
    let selected = f.search(&format!("type={a}"));
    let counts = &selected.facets.iter().find(|c| c.name == FacetName::Type).unwrap().values;
    assert_eq!(counts, &types.values);
    // … while the other facets count the selection's records.
    let decades = &selected.facets.iter().find(|c| c.name == FacetName::Decade).unwrap().values;
    assert_eq!(decades.iter().map(|(_, n)| n).sum::<u64>(), *n_a);
    // A year as its facet counts it, and every value of a facet for a query.
    assert_eq!(f.search("year=1955").total, 3);
    let request = SearchRequest::new(parse("").unwrap(), "");
    let all = f.index.facet_values(&request, FacetName::Year).unwrap();
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn prefixes_fuzzy_words_and_suggestions() {
    let f = fixture().await;
    let exact = f.ids("Khrushchev");
    assert!(!exact.is_empty());
    // A prefix finds every word it begins, in every script (through the skeletons).
    let prefixed = f.ids("Khrush*");
    for id in &exact {
        assert!(prefixed.contains(id), "Khrush* finds {id}: {prefixed:?}");
    }
    let cyrillic = f.ids("Хрущ*");
    assert!(cyrillic.iter().any(|id| prefixed.contains(id)), "{cyrillic:?}");
    assert!(f.ids("Khrush").is_empty(), "without the star a prefix is a word of its own");
    // Fuzzy: the misspelling finds the name; without the tilde it finds nothing.
    assert!(f.ids("Khruschev").is_empty());
    let fuzzy = f.ids("Khruschev~");
    for id in &exact {
        assert!(fuzzy.contains(id), "Khruschev~ finds {id}: {fuzzy:?}");
    }
    assert!(f.ids("Zzyzx~").is_empty(), "a fuzzy word with no neighbour finds nothing");
    // "Did you mean": built from the index's words.
    let suggested = f.index.suggest(&parse("Khruschev").unwrap(), &[]).unwrap();
    assert_eq!(suggested.to_string(), "Khrushchev", "written as the reader wrote it");
    let suggested = f.index.suggest(&parse("khruschev").unwrap(), &[]).unwrap();
    assert_eq!(suggested.to_string(), "khrushchev");
    let suggested = f.index.suggest(&parse("Khrushchev type:letter").unwrap(), &[]);
    assert_eq!(suggested, None, "a word the index holds is not replaced");
    // … and from the authority's names, where the index holds them.
    let suggested = f.index.suggest(&parse("Djilsa").unwrap(), &["Milovan Djilas".into()]);
    assert_eq!(suggested.map(|q| q.to_string()).as_deref(), Some("Djilas"));
    // A prefix's words are marked in snippets.
    let hit = f.with_snippets("Djila*").await.remove(0);
    assert!(hit.snippet.unwrap().marked("[", "]").contains("[Djilas]"));
}

#[tokio::test]
async fn snippets_mark_the_matches() {
    let f = fixture().await;
    let hit = f.with_snippets("Djilas").await.remove(0);
    let snippet = hit.snippet.unwrap();
    assert!(snippet.marked("[", "]").contains("[Djilas]"), "{snippet:?}");
    // A filter's words are not marked: only what the free text asked for.
    let hit = f.with_snippets("letter title:letter").await.remove(0);
    assert!(hit.snippet.unwrap().marked("[", "]").contains("[letter]"), "free text is marked");
    // The title filter's "to" is in the passage ("damage to both countries"), and not marked.
    let hit = f.with_snippets("Djilas title:to").await.remove(0);
    let marked = hit.snippet.unwrap().marked("[", "]");
    assert!(marked.contains("[Djilas]") && marked.contains(" to "), "{marked}");
    assert!(!marked.contains("[to]"), "{marked}");
    // A Latin query highlights the Cyrillic word it matched.
    let hit =
        f.with_snippets("Beograd").await.into_iter().find(|h| h.title.contains("Хрущёв")).unwrap();
    assert!(hit.snippet.unwrap().marked("[", "]").contains("[Београд]"));
}

#[tokio::test]
async fn sorting_and_pages() {
    let f = fixture().await;
    // An undated record comes last in either date order.
    let mut undated = corpus().remove(0);
    undated.id = chancery_model::id::RecordId::parse("undated-note").unwrap();
    undated.date.edtf = None;
    undated.date.printed = "Undated".into();
    undated.title = "An undated note".into();
    undated.texts.clear();
    undated.summary = None;
    undated.authors.clear();
    undated.recipients.clear();
    f.store.import(&[undated], &[], datetime!(2026-11-29 0:00 UTC)).await.unwrap();
    f.index.catch_up(&f.store, &mut |_| {}).await.unwrap();
    f.index.reload().unwrap();
    let query = parse("").unwrap();
    let mut request = SearchRequest::new(query, "");
    request.sort = Sort::Date;
    let all = f.index.search(&request).unwrap().hits;
    assert_eq!(all.last().map(|h| h.id.as_str()), Some("undated-note"));
    let dates: Vec<String> = all.into_iter().filter_map(|h| h.date_edtf).collect();
    assert_eq!(
        dates,
        ["1952-03-03", "1954-08-11", "1955-05-26", "1955-05-27", "1955-05-28", "1956", "1957~"]
    );
    request.sort = Sort::Newest;
    let all = f.index.search(&request).unwrap().hits;
    assert_eq!(all.last().map(|h| h.id.as_str()), Some("undated-note"));
    let newest: Vec<String> = all.into_iter().filter_map(|h| h.date_edtf).collect();
    assert_eq!(
        newest,
        ["1957~", "1956", "1955-05-28", "1955-05-27", "1955-05-26", "1954-08-11", "1952-03-03"]
    );
    request.sort = Sort::Date;
    request.limit = 2;
    request.offset = 2;
    let page: Vec<String> =
        f.index.search(&request).unwrap().hits.into_iter().map(|h| h.date_edtf.unwrap()).collect();
    assert_eq!(page, ["1955-05-26", "1955-05-27"]);
    request.limit = 5000;
    assert!(f.index.search(&request).is_err(), "limits are enforced");

    let mut any = SearchRequest::new(parse("Djilas Bonn").unwrap(), "Djilas Bonn");
    assert!(f.index.search(&any).unwrap().hits.is_empty(), "all words by default");
    any.mode = MatchMode::Any;
    assert_eq!(f.index.search(&any).unwrap().hits.len(), 2);
}

#[tokio::test]
async fn the_index_follows_the_store() {
    let f = fixture().await;
    assert!(f.index.check(&f.store).await.unwrap().problems.is_empty());
    let mut edited = corpus().remove(6);
    edited.summary = Some("A summary that mentions Tsvetkov.".into());
    f.store.import(&[edited.clone()], &[], datetime!(2026-11-29 0:00 UTC)).await.unwrap();
    let problems = f.index.check(&f.store).await.unwrap().problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("revision 1 but stored at 2"));
    f.index.catch_up(&f.store, &mut |_| {}).await.unwrap();
    assert_eq!(f.ids("Tsvetkov"), [edited.id.to_string()]);
    f.store.delete(&edited.id, datetime!(2026-11-30 0:00 UTC), None).await.unwrap();
    let caught_up = f.index.catch_up(&f.store, &mut |_| {}).await.unwrap();
    assert_eq!(caught_up.n_records, 1);
    assert!(f.ids("Tsvetkov").is_empty());
    assert!(f.index.check(&f.store).await.unwrap().problems.is_empty());
    assert_eq!(f.index.catch_up(&f.store, &mut |_| {}).await.unwrap().n_records, 0, "nothing new");
    assert_eq!(f.index.reindex(&f.store, &mut |_| {}).await.unwrap(), 6);
    assert_eq!(f.index.num_records(), 6);
    assert!(f.index.check(&f.store).await.unwrap().problems.is_empty());
}

/// The segments an index folder's `meta.json` lists.
fn segments(dir: &std::path::Path) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap();
    meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|segment| segment["segment_id"].as_str().unwrap().to_string())
        .collect()
}

fn numbered(from: usize, count: usize) -> Vec<Record> {
    (from..from + count)
        .map(|n| {
            record(
                "n.txt",
                &format!(
                    "**June 2, 1955**\n\n**Telegram {n}**\n\n**Identifier:**\n\nnumbered-{n}\n\n\
                     **Contents:**\n\nTranslation - English\n\nRelations with Yugoslavia, {n}.\n"
                ),
            )
        })
        .collect()
}

/// Regression (issue 15's million-record run): every large catch-up merged the whole index into
/// one segment, so each 10,000-record import into a growing archive rewrote all of it — imports
/// got slower and larger with the archive. Now only a catch-up that at least doubles the index
/// merges everything; a smaller one leaves the existing segments alone.
#[tokio::test]
async fn a_bulk_import_into_a_larger_index_does_not_rewrite_it() {
    let store = Store::open_in_memory().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    let at = datetime!(2026-12-01 0:00 UTC);
    store.import(&numbered(0, 1200), &[], at).await.unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    let first = segments(dir.path());
    assert_eq!(first.len(), 1, "a first bulk catch-up merges into one segment");

    store.import(&numbered(1200, 1100), &[], at).await.unwrap();
    assert_eq!(index.catch_up(&store, &mut |_| {}).await.unwrap().n_records, 1100);
    let second = segments(dir.path());
    assert!(second.contains(&first[0]), "the 1,200 records' segment was kept: {second:?}");
    assert!(second.len() > 1);

    store.import(&numbered(2300, 2400), &[], at).await.unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    assert_eq!(segments(dir.path()).len(), 1, "a catch-up that doubles the index merges it");
    assert_eq!(index.num_records(), 4700);
    assert!(index.check(&store).await.unwrap().problems.is_empty());
}

/// Segment files in an index folder that its `meta.json` does not list.
fn orphans(dir: &std::path::Path) -> Vec<String> {
    let meta = std::fs::read_to_string(dir.join("meta.json")).unwrap();
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| {
            let stem = name.split('.').next().unwrap_or_default();
            let dashed = |s: &str| {
                format!("{}-{}-{}-{}-{}", &s[..8], &s[8..12], &s[12..16], &s[16..20], &s[20..])
            };
            stem.len() == 32 && !meta.contains(&dashed(stem))
        })
        .collect();
    found.sort();
    found
}

/// Regression (issue 10): killed reindex runs left their segment files behind (127 files and
/// 54 MB instead of 19 and 26 MB) until a later reindex. The folder as a killed writer leaves
/// it (its segments flushed, never committed) is copied and opened: the files go at once.
#[tokio::test]
async fn files_a_killed_writer_left_are_collected_on_open() {
    let store = Store::open_in_memory().await.unwrap();
    store.import(&corpus(), &[], datetime!(2026-11-28 0:00 UTC)).await.unwrap();
    let live = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(live.path()).unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    drop(index);
    // A writer that flushes segments and dies before its commit: copy the folder at that moment.
    let raw = tantivy::Index::open_in_dir(live.path()).unwrap();
    chancery_search::register_tokenizers(&raw);
    let mut writer: tantivy::IndexWriter = raw.writer(15_000_000).unwrap();
    for _ in 0..100 {
        writer.add_document(tantivy::TantivyDocument::default()).unwrap();
    }
    let prepared = writer.prepare_commit().unwrap();
    let crashed = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(live.path()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), crashed.path().join(entry.file_name())).unwrap();
    }
    prepared.abort().unwrap();
    assert!(!orphans(crashed.path()).is_empty(), "the flushed segment is on disk, uncommitted");
    let reopened = SearchIndex::open(crashed.path()).unwrap();
    assert_eq!(orphans(crashed.path()), Vec::<String>::new());
    assert_eq!(reopened.check(&store).await.unwrap().problems, Vec::<String>::new());
}

/// Found by fuzzing (`fuzz/corpus/query/regression-excluded-phrase`): excluding a phrase that
/// matches no document (`--i~i~`, `-"i i"`) tripped an assertion inside tantivy. It must exclude
/// nothing, and a phrase that matches must exclude exactly its documents.
#[tokio::test]
async fn an_excluded_phrase_excludes_exactly_its_matches() {
    let f = fixture().await;
    let everything = f.search("").total;
    assert_eq!(f.search("--i~i~").total, everything);
    assert_eq!(f.search("-\"i i\"").total, everything);
    let phrase = f.search("\"Beograd\"").total;
    assert!(phrase > 0);
    assert_eq!(f.search("-\"Beograd\"").total, everything - phrase);
}

#[tokio::test]
async fn related_documents_say_why() {
    use chancery_model::date::DocDate;
    use chancery_model::id::RecordId;
    use chancery_search::Relation;
    let f = fixture().await;
    let seed = f.store.get(&RecordId::parse("wcda-112970").unwrap()).await.unwrap().unwrap();
    let related = f.index.related(&seed.record, 8).unwrap();
    assert!(related.iter().all(|r| r.hit.id != seed.record.id), "never itself");
    assert!(!related.is_empty());
    assert!(related.iter().all(|r| r.reasons == [Relation::SimilarText]), "{related:?}");
    // The thread: a document citing another, in one volume.
    let store = Store::open_in_memory().await.unwrap();
    let document = |n: u32, tei: &str| {
        let id = RecordId::parse(&format!("frus-x/d{n}")).unwrap();
        let mut record = Record::new(id, format!("Telegram {n}"), DocDate::default());
        record.collection_id = Some("frus-x/ch1".into());
        record.tei = Some(tei.to_string());
        record
    };
    let records = vec![
        document(1, r##"<p>As reported (<ref target="#d2">Document 2</ref>).</p>"##),
        document(2, "<p>Reported.</p>"),
        document(3, "<p>Unrelated.</p>"),
    ];
    store.import(&records, &[], datetime!(2026-11-28 0:00 UTC)).await.unwrap();
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    let of = |n: usize| index.related(&records[n], 8).unwrap();
    let cited = of(0);
    assert_eq!(cited[0].hit.id.to_string(), "frus-x/d2");
    assert_eq!(cited[0].reasons, [Relation::CitedHere]);
    let citing = of(1);
    assert_eq!(citing[0].hit.id.to_string(), "frus-x/d1");
    assert_eq!(citing[0].reasons, [Relation::CitesThis]);
    assert!(of(2).iter().all(|r| r.reasons[0] > Relation::CitesThis));
}

#[tokio::test]
async fn known_items_by_printed_date_and_by_citation() {
    use chancery_model::date::{DocDate, Edtf, EdtfDate};
    use chancery_model::id::RecordId;
    use chancery_model::record::Edition;
    let f = fixture().await;
    // A title with its printed date: the document of that day first, though "Belgrade" and
    // the date's words are nowhere in its text.
    let hits = f.ids("Report on Yugoslav Party Congress, Belgrade, March 3, 1952");
    assert!(hits[0].starts_with("report-on-yugoslav-party-congress"), "{hits:?}");
    // Without the date, every word must match, as always.
    assert!(f.ids("Report on Yugoslav Party Congress Belgrade").is_empty());
    // A citation of an edition finds the document it cites.
    let store = Store::open_in_memory().await.unwrap();
    let document = |n: u32| {
        let id = RecordId::parse(&format!("frus1955-57v26/d{n}")).unwrap();
        let date = EdtfDate::day(1955, 5, 23).unwrap();
        let mut record = Record::new(
            id,
            "Memorandum of a Conversation".into(),
            DocDate::new("May 23, 1955".into(), Some(Edtf::Date(date))),
        );
        record.edition = Some(Edition {
            series: "Foreign Relations of the United States".into(),
            subseries: Some("1955–1957".into()),
            volume: Some("XXVI".into()),
            volume_title: Some("Central and Southeastern Europe".into()),
            ..Default::default()
        });
        record.number = Some(n.to_string());
        record
    };
    let records: Vec<Record> = (248..=250).map(document).collect();
    store.import(&records, &[], datetime!(2026-11-28 0:00 UTC)).await.unwrap();
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    for cited in [
        "FRUS, 1955–1957, vol. XXVI, Document 249",
        "Foreign Relations of the United States, 1955–57, Volume XXVI, Document 249",
        "FRUS 1955-57 vol. 26 doc. 249",
    ] {
        let query = parse(cited).unwrap();
        let hits = index.search(&SearchRequest::new(query, cited)).unwrap().hits;
        assert_eq!(hits[0].id.to_string(), "frus1955-57v26/d249", "{cited}");
    }
}

#[tokio::test]
async fn an_expansion_stands_for_at_most_its_limit_of_words() {
    use chancery_model::date::DocDate;
    use chancery_model::id::RecordId;
    use chancery_model::record::{Text, TextKind};
    use chancery_search::MAX_EXPANSIONS;
    // One more word beginning alike than an expansion takes, each in its own record.
    let n = MAX_EXPANSIONS + 1;
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let id = RecordId::parse(&format!("r{i}")).unwrap();
            let mut record = Record::new(id, format!("Record {i}"), DocDate::default());
            let word = format!(
                "zeta{}",
                char::from(b'a' + (i / 26) as u8).to_string()
                    + &char::from(b'a' + (i % 26) as u8).to_string()
            );
            // The words are used more the earlier they come: the most frequent are kept.
            let body = vec![word; n - i].join(" ");
            record.texts.push(Text::new(TextKind::Original, None, "Original".into(), body));
            record
        })
        .collect();
    let store = Store::open_in_memory().await.unwrap();
    store.import(&records, &[], datetime!(2026-11-28 0:00 UTC)).await.unwrap();
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    let found = |q: &str| {
        let mut request = SearchRequest::new(parse(q).unwrap(), q);
        request.limit = 100;
        index.search(&request).unwrap()
    };
    // At the limit: every word but the rarest; past it, nothing more.
    let prefixed = found("zeta*");
    assert_eq!(prefixed.total, MAX_EXPANSIONS, "one word too many is left out");
    assert!(prefixed.hits.iter().all(|h| h.id.to_string() != format!("r{}", n - 1)));
    assert_eq!(found("zetaaa").total, 1);
}

/// Date filters read two dense columns (a record's first and last day), the second left out when
/// every record ends after the range starts: an undated record is kept by none, a record spanning
/// years by every range it overlaps.
#[tokio::test]
async fn date_filters_keep_what_overlaps_and_never_the_undated() {
    use chancery_model::date::{DocDate, Edtf};
    use chancery_model::id::RecordId;
    let dated = |id: &str, edtf: Option<&str>| {
        let date = DocDate::new(String::new(), edtf.map(|e| e.parse::<Edtf>().unwrap()));
        Record::new(RecordId::parse(id).unwrap(), format!("Report {id}"), date)
    };
    let records = vec![
        dated("day", Some("1955-05-26")),
        dated("span", Some("1950/1960")),
        dated("open", Some("1958/..")),
        dated("undated", None),
    ];
    let store = Store::open_in_memory().await.unwrap();
    store.import(&records, &[], datetime!(2026-11-28 0:00 UTC)).await.unwrap();
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store, &mut |_| {}).await.unwrap();
    let ids = |q: &str| -> Vec<String> {
        let request = SearchRequest::new(parse(q).unwrap(), q);
        let mut ids: Vec<String> =
            index.search(&request).unwrap().hits.into_iter().map(|h| h.id.to_string()).collect();
        ids.sort();
        ids
    };
    // Ranges every record ends after (one column read) and ranges some end before (two).
    assert_eq!(ids("report date:..2100"), ["day", "open", "span"]);
    assert_eq!(ids("report date:1000..1955"), ["day", "span"]);
    assert_eq!(ids("report date:1955-05-27..1957"), ["span"]);
    assert_eq!(ids("report date:1959"), ["open", "span"]);
    assert_eq!(ids("report date:1961..1970"), ["open"]);
    assert_eq!(ids("report date:1949"), Vec::<String>::new());
    assert_eq!(ids("report").len(), 4, "the undated record is found by its words");
}

/// A word is found by its stem, and its snippet marks the form the text has: `relation` finds
/// "Relations with Yugoslavia improved." and marks "Relations".
#[tokio::test]
async fn snippets_mark_the_inflection_a_word_was_found_by() {
    let f = fixture().await;
    let hits = f.with_snippets("relation").await;
    let hit = hits.iter().find(|h| h.title.starts_with("Memorandum from the Secretary")).unwrap();
    let snippet = hit.snippet.as_ref().expect("a snippet");
    assert_eq!(
        snippet.marked("[", "]"),
        "Khrushchev's speech to the Twentieth Congress. [Relations] with Yugoslavia improved"
    );
    // A phrase is those words as written: no inflection is marked.
    let hits = f.with_snippets("\"relation with\"").await;
    assert!(hits.iter().all(|h| !h.title.starts_with("Memorandum from the Secretary")));
}

/// What counting every record afresh says of the summary's facets.
fn counted_afresh(index: &SearchIndex) -> Vec<(FacetName, Vec<(String, u64)>)> {
    let every = SearchRequest::new(parse("").unwrap(), "");
    chancery_search::SUMMARY_FACETS
        .iter()
        .map(|&name| (name, index.facet_values(&every, name).unwrap()))
        .collect()
}

fn summarized(index: &SearchIndex) -> Vec<(FacetName, Vec<(String, u64)>)> {
    let summary = index.summary().unwrap();
    assert_eq!(summary.total, index.num_records());
    summary.facets.iter().map(|f| (f.name, f.values.clone())).collect()
}

/// The home page's counts (`SearchIndex::summary`) are kept per segment and brought up to date
/// from what changed; after an edit, a deletion, imports small and large (which merge segments)
/// they say what counting every record afresh says.
#[tokio::test]
async fn the_summary_follows_edits_deletions_imports_and_merges() {
    let store = Store::open_in_memory().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    let at = datetime!(2026-12-01 0:00 UTC);
    let step = async |records: &[Record], deleted: &[&Record]| {
        store.import(records, &[], at).await.unwrap();
        for record in deleted {
            store.delete(&record.id, at, None).await.unwrap();
        }
        index.catch_up(&store, &mut |_| {}).await.unwrap();
        index.reload().unwrap();
        let summary = summarized(&index);
        assert_eq!(summary, counted_afresh(&index));
        summary
    };
    let first = step(&corpus(), &[]).await;
    let years = &first[0].1;
    assert_eq!(years.first(), Some(&("1952".to_string(), 1)), "{first:?}");
    assert!(first[1].1.contains(&("deu".to_string(), 1)), "{first:?}");

    // The German telegram of 1956 becomes a Russian one of 1952.
    let mut edited = corpus().remove(5);
    edited.original_languages = corpus()[2].original_languages.clone();
    edited.date = corpus()[1].date.clone();
    let after = step(&[edited], &[]).await;
    assert!(!after[1].1.iter().any(|(language, _)| language == "deu"), "{after:?}");
    assert!(after[0].1.contains(&("1952".to_string(), 2)), "{after:?}");
    assert!(!after[0].1.iter().any(|(year, _)| year == "1956"), "{after:?}");

    let seed = corpus().remove(0);
    step(&[], &[&seed]).await;
    // 1,200 records into an index of 6 merge everything into one segment.
    let many = numbered(0, 1200);
    let merged = step(&many, &[]).await;
    assert!(merged[0].1.contains(&("1955".to_string(), 1203)), "{merged:?}");
    assert_eq!(segments(dir.path()).len(), 1);
    step(&numbered(1200, 30), &[&many[0], &many[1199]]).await;
    assert_eq!(index.summary().unwrap().total, 1234);
}
