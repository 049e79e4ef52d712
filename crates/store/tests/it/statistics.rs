//! After a bulk import PostgreSQL plans on the loaded tables, not on an empty database's guesses
//! (`ANALYZE_AFTER_RECORDS`); a small import leaves statistics to autovacuum. SQLite keeps no
//! statistics to refresh: there the test has nothing to check and says so.

use chancery_model::id::RecordId;
use chancery_store::{ANALYZE_AFTER_RECORDS, Store};
use sqlx::Connection;
use time::macros::datetime;

use crate::{fresh_postgres, letter};

/// PostgreSQL's estimate of the rows in `records` (-1 before it was ever analyzed).
async fn estimated_rows(url: &str) -> f64 {
    let mut connection = sqlx::postgres::PgConnection::connect(url).await.unwrap();
    let rows: f64 = sqlx::query_scalar(
        "SELECT reltuples::float8 FROM pg_class WHERE oid = 'records'::regclass",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    connection.close().await.unwrap();
    rows
}

fn letters(from: usize, count: usize) -> Vec<chancery_model::record::Record> {
    (from..from + count)
        .map(|n| {
            let mut record = letter(&format!("Letter {n}."));
            record.id = RecordId::parse(&format!("bulk-{n}")).unwrap();
            record
        })
        .collect()
}

#[tokio::test]
async fn a_bulk_import_refreshes_the_planner_statistics_and_a_small_one_leaves_them() {
    let Some(url) = fresh_postgres().await else {
        eprintln!("CHANCERY_TEST_POSTGRES is not set: SQLite has no statistics to refresh");
        return;
    };
    let store = Store::open_postgres(&url).await.unwrap();
    let at = datetime!(2026-12-01 9:00 UTC);

    // Just under the threshold: nothing analyzed (and too few rows for autovacuum to act).
    store.import(&letters(0, ANALYZE_AFTER_RECORDS - 1), &[], at).await.unwrap();
    assert!(estimated_rows(&url).await < 0.0, "a small import left statistics alone");

    // At the threshold, and more than a tenth of what the table held: analyzed in the import.
    store.import(&letters(1000, ANALYZE_AFTER_RECORDS), &[], at).await.unwrap();
    let expected = (2 * ANALYZE_AFTER_RECORDS - 1) as f64;
    assert_eq!(estimated_rows(&url).await, expected, "the bulk import's rows are counted");
}
