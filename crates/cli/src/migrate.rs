//! `chancery migrate --from SOURCE --to TARGET`: a whole store copied to another backend and
//! verified (see `Store::copy_into`).

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use chancery_store::{DATABASE_FILE, Location, Store};

use crate::data::rejected;

/// A data folder, or a PostgreSQL URL.
fn location(given: &str) -> Result<Location> {
    if given.contains("://") {
        Location::new(Some(given), None, Path::new(".")).map_err(|e| rejected(e.to_string()))
    } else {
        Ok(Location::Folder(given.into()))
    }
}

pub(crate) async fn migrate(from: &str, to: &str) -> Result<()> {
    let (from, to) = (location(from)?, location(to)?);
    if from == to {
        return Err(rejected(format!("--from and --to are both {from}: nothing to copy")));
    }
    if let Location::Folder(dir) = &from
        && !dir.join(DATABASE_FILE).is_file()
    {
        return Err(rejected(format!("there is no store in {} to copy", dir.display())));
    }
    if let Location::Folder(dir) = &to
        && dir.join(DATABASE_FILE).exists()
    {
        return Err(rejected(format!(
            "{} holds a store already: copy into a data folder with no store, or an empty database",
            dir.display()
        )));
    }
    let source = Store::open_at_for_reading(&from)
        .await
        .with_context(|| format!("cannot open the store {from}"))?;
    let target =
        Store::open_at(&to).await.with_context(|| format!("cannot open the store {to}"))?;
    let started = Instant::now();
    eprintln!("copying {from} to {to}…");
    let copied =
        source.copy_into(&target, &mut |table, rows| eprintln!("  {table}: {rows} row(s)")).await;
    let digests = match copied {
        Ok(digests) => digests,
        Err(error) => {
            target.close().await;
            if let Location::Folder(dir) = &to {
                // The empty store made for the copy goes too, so that a second try may run.
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(dir.join(format!("{DATABASE_FILE}{suffix}")));
                }
            }
            return Err(error).with_context(|| format!("nothing was copied to {to}"));
        }
    };
    let rows: u64 = digests.iter().map(|d| d.rows).sum();
    println!("table\trows\tsha256");
    for digest in &digests {
        println!("{}\t{}\t{}", digest.table, digest.rows, digest.sha256);
    }
    eprintln!(
        "copied {rows} row(s) of {} table(s) in {:.1} s; each table's rows and SHA-256 agree with the source's",
        digests.len(),
        started.elapsed().as_secs_f64()
    );
    if to.is_shared() {
        eprintln!(
            "serve it with `chancery serve --database <URL>`: each server builds its search index in its own --data folder"
        );
    }
    source.close().await;
    target.close().await;
    Ok(())
}
