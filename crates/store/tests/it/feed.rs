//! The change feed never skips: writers committing at once, followers reading "changes after N"
//! as they go, and every follower sees every change exactly once, in sequence order. On
//! PostgreSQL (`CHANCERY_TEST_POSTGRES`) this is the test that sequence values taken by
//! concurrent transactions do not become visible out of order (see `WRITE_LOCK`).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chancery_model::id::RecordId;
use chancery_store::Store;
use time::macros::datetime;

use crate::{fresh, letter};

const WRITERS: usize = 4;
const WRITES_EACH: usize = 40;
const FOLLOWERS: usize = 3;

async fn write(store: Store, writer: usize) {
    for n in 0..WRITES_EACH {
        let mut record = letter(&format!("Writer {writer}, letter {n}."));
        record.id = RecordId::parse(&format!("feed-{writer}-{n}")).unwrap();
        store.import(&[record], &[], datetime!(2026-12-01 9:00 UTC)).await.unwrap();
    }
}

/// Reads the feed from the start until it has `expected` changes or the deadline passes.
async fn follow(store: Store, expected: usize) -> Vec<(i64, String)> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut seen, mut after) = (Vec::new(), 0);
    while seen.len() < expected && Instant::now() < deadline {
        let changes = store.changes_after(after, 7).await.unwrap();
        if changes.is_empty() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        for change in changes {
            after = change.seq;
            seen.push((change.seq, change.record_id.as_str().to_string()));
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_follower_sees_every_change_once_while_writers_commit_at_once() {
    let store = fresh().await;
    let expected = WRITERS * WRITES_EACH;
    let followers: Vec<_> =
        (0..FOLLOWERS).map(|_| tokio::spawn(follow(store.clone(), expected))).collect();
    let writers: Vec<_> = (0..WRITERS).map(|w| tokio::spawn(write(store.clone(), w))).collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let written: BTreeSet<String> =
        (0..WRITERS).flat_map(|w| (0..WRITES_EACH).map(move |n| format!("feed-{w}-{n}"))).collect();
    for follower in followers {
        let seen = follower.await.unwrap();
        assert_eq!(seen.len(), expected, "a follower missed changes (or saw one twice)");
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "in sequence order, each once");
        let ids: BTreeSet<String> = seen.into_iter().map(|(_, id)| id).collect();
        assert_eq!(ids, written, "every record's change, none skipped");
    }
    assert_eq!(store.last_change().await.unwrap(), expected as i64);
}
