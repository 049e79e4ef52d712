//! The authority and collection commands.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::data::{open_store_for_reading, rejected};
use crate::records::summary_line;

pub(crate) async fn authority(data: &Path, key: &str) -> Result<()> {
    let store = open_store_for_reading(data).await?;
    let Some(entry) = store.authority(key).await? else {
        return Err(rejected(format!(
            "no authority entry `{key}`; keys look like frus1955-57v26#p_TMJB1"
        )));
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}  ({}, {})", entry.name, entry.kind.key(), entry.key)?;
    if !entry.description.is_empty() {
        writeln!(stdout, "{}", entry.description)?;
    }
    let records = store.records_mentioning(key, 10_000).await?;
    writeln!(stdout, "\n{} record(s):", records.len())?;
    for summary in records {
        writeln!(stdout, "{}", summary_line(&summary))?;
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn collections(data: &Path, id: Option<&str>) -> Result<()> {
    let store = open_store_for_reading(data).await?;
    let mut stdout = std::io::stdout().lock();
    if let Some(id) = id {
        let Some(collection) = store.collection(id).await? else {
            return Err(rejected(format!(
                "no collection `{id}`; `chancery collections` lists them"
            )));
        };
        writeln!(stdout, "{} ({}, {})", collection.title, collection.kind, collection.id)?;
        if !collection.editors.is_empty() {
            writeln!(stdout, "edited by {}", collection.editors.join(", "))?;
        }
        if let Some(year) = &collection.published {
            writeln!(stdout, "published {year}")?;
        }
    }
    for part in store.collection_parts(id).await? {
        writeln!(stdout, "{}\t{}\t{}", part.id, part.kind, part.title)?;
    }
    store.close().await;
    Ok(())
}
