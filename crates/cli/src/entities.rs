//! The authority and collection commands.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use chancery_model::person::PersonId;
use time::OffsetDateTime;

use crate::args::AuthorityDecision;
use crate::data::{open_store, open_store_for_reading, rejected, usage};
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

fn person_id(text: &str) -> Result<PersonId> {
    PersonId::parse(text).map_err(|message| usage(&message))
}

/// Records a curator's decision about persons, or lists the decisions.
pub(crate) async fn decide(data: &Path, decision: AuthorityDecision) -> Result<()> {
    let now = OffsetDateTime::now_utc();
    let store_error = |e: chancery_store::Error| match e {
        chancery_store::Error::Rejected(message) | chancery_store::Error::NotFound(message) => {
            rejected(message)
        }
        other => anyhow::Error::new(other),
    };
    match decision {
        AuthorityDecision::Decisions => {
            let store = open_store_for_reading(data).await?;
            let mut stdout = std::io::stdout().lock();
            for d in store.person_decisions().await? {
                let entries = if d.entries.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", d.entries.join(", "))
                };
                writeln!(
                    stdout,
                    "{}\t{}\t{} -> {}{entries}\t{}\t{}",
                    d.seq, d.kind, d.subject, d.target, d.decided_at, d.reason
                )?;
            }
            store.close().await;
        }
        AuthorityDecision::Merge { from, into, reason } => {
            let into = person_id(&into)?;
            let store = open_store(data).await?;
            if from.contains('#') {
                store.assign_entry(&from, &into, &reason, now).await.map_err(store_error)?;
                eprintln!("the entry {from} is now {into}'s");
            } else {
                let from = person_id(&from)?;
                store.merge_persons(&from, &into, &reason, now).await.map_err(store_error)?;
                eprintln!("{from} is merged into {into}; /people/{from} redirects there");
            }
            crate::data::preserve(data, &store).await;
            store.close().await;
        }
        AuthorityDecision::Split { person, entries, new, name, reason } => {
            let person = person_id(&person)?;
            let new = person_id(&new)?;
            let store = open_store(data).await?;
            store
                .split_person(&person, &entries, &new, &name, &reason, now)
                .await
                .map_err(store_error)?;
            eprintln!(
                "{} entr{} of {person} are now the new person {new}",
                entries.len(),
                if entries.len() == 1 { "y" } else { "ies" }
            );
            crate::data::preserve(data, &store).await;
            store.close().await;
        }
    }
    Ok(())
}
