//! A curator's decisions about persons: merge one person into another, assign a volume's
//! persons-list entry to a person, split entries off into a new person. Each decision is
//! recorded with its reason and time (`person_decisions`) and applied at once; after every import
//! of persons all decisions are applied again, in the order they were taken, so that an import
//! never undoes them. A merged person keeps its row (`persons.merged_into`): its id redirects to
//! the person it joined, and the import still updates its names.

use chancery_model::person::{Person, PersonId, name_keys, name_words, word_keys};
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

use crate::audit::append;
use crate::{Error, Result, Store, dialect, timestamp};

/// The longest reason a decision may give.
pub const MAX_REASON_BYTES: usize = 4096;
/// The longest name a split may give its new person.
pub const MAX_SPLIT_NAME_BYTES: usize = 4096;

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Its number, in the order decisions were taken.
    pub seq: i64,
    /// `merge`, `assign` or `split`.
    pub kind: String,
    /// The person merged, the entry assigned, or the person split.
    pub subject: String,
    /// The person merged into, assigned to, or split off.
    pub target: String,
    /// For a split, the entries moved.
    pub entries: Vec<String>,
    /// For a split, the new person's name.
    pub name: Option<String>,
    /// Why.
    pub reason: String,
    /// When (RFC 3339).
    pub decided_at: String,
}

fn rejected(message: String) -> Error {
    Error::Rejected(message)
}

fn check_reason(reason: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(rejected("give a reason: it is recorded with the decision".into()));
    }
    if reason.len() > MAX_REASON_BYTES {
        return Err(rejected(format!(
            "the reason is {} bytes; the limit is {MAX_REASON_BYTES} (MAX_REASON_BYTES)",
            reason.len()
        )));
    }
    Ok(())
}

impl Store {
    /// Merges `from` into `into`: `from`'s entries, names and documents are `into`'s from now on,
    /// and `from`'s id redirects to `into`.
    pub async fn merge_persons(
        &self,
        from: &PersonId,
        into: &PersonId,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        check_reason(reason)?;
        let mut tx = self.begin_write().await?;
        let into = current(&mut tx, into).await?;
        let from = current(&mut tx, from).await?;
        if from == into {
            return Err(rejected(format!("`{from}` is `{into}` already")));
        }
        record(&mut tx, "merge", from.as_str(), into.as_str(), &[], None, reason, now).await?;
        let at = timestamp(now);
        append(
            &mut tx,
            &self.actor,
            "person-merge",
            Some(from.as_str()),
            Some(reason),
            Some(into.as_str()),
            &at,
        )
        .await?;
        apply_decisions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Assigns a volume's persons-list entry (`frus1955-57v26#p_TMJB1`) to a person: a person of
    /// a volume that the people data does not know joins a person of the archive.
    pub async fn assign_entry(
        &self,
        entry: &str,
        into: &PersonId,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        check_reason(reason)?;
        let mut tx = self.begin_write().await?;
        let into = current(&mut tx, into).await?;
        let known: Option<String> = sqlx::query_scalar(
            "SELECT key FROM authorities WHERE lower(key) = lower($1) AND kind = 'person'",
        )
        .bind(entry)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(entry) = known else {
            return Err(rejected(format!(
                "no persons-list entry `{entry}`; entries look like frus1955-57v26#p_TMJB1"
            )));
        };
        record(&mut tx, "assign", &entry, into.as_str(), &[], None, reason, now).await?;
        let at = timestamp(now);
        append(
            &mut tx,
            &self.actor,
            "person-assign",
            Some(&entry),
            Some(reason),
            Some(into.as_str()),
            &at,
        )
        .await?;
        apply_decisions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Splits entries off a person into a new person `new` named `name` (inverted, as persons
    /// lists write names): the entries were two people taken for one.
    #[allow(clippy::too_many_arguments)]
    pub async fn split_person(
        &self,
        person: &PersonId,
        entries: &[String],
        new: &PersonId,
        name: &str,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        check_reason(reason)?;
        if entries.is_empty() {
            return Err(rejected("name the entries to split off (--entry)".into()));
        }
        if name.trim().is_empty() {
            return Err(rejected(
                "give the new person's name (--name \"Surname, Forename\")".into(),
            ));
        }
        if name.len() > MAX_SPLIT_NAME_BYTES {
            return Err(rejected(format!(
                "the name is {} bytes; the limit is {MAX_SPLIT_NAME_BYTES} (MAX_SPLIT_NAME_BYTES)",
                name.len()
            )));
        }
        let mut tx = self.begin_write().await?;
        let person = current(&mut tx, person).await?;
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM persons WHERE id = $1")
            .bind(new.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(rejected(format!("`{new}` is a person already; choose another id")));
        }
        let mut lower = Vec::new();
        for entry in entries {
            let owner: Option<String> =
                sqlx::query_scalar("SELECT person_id FROM person_entries WHERE entry_key = $1")
                    .bind(entry.to_lowercase())
                    .fetch_optional(&mut *tx)
                    .await?;
            if owner.as_deref() != Some(person.as_str()) {
                return Err(rejected(format!("`{entry}` is not an entry of `{person}`")));
            }
            lower.push(entry.to_lowercase());
        }
        record(&mut tx, "split", person.as_str(), new.as_str(), &lower, Some(name), reason, now)
            .await?;
        let at = timestamp(now);
        append(
            &mut tx,
            &self.actor,
            "person-split",
            Some(person.as_str()),
            Some(reason),
            Some(new.as_str()),
            &at,
        )
        .await?;
        apply_decisions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every decision, in the order taken.
    pub async fn person_decisions(&self) -> Result<Vec<Decision>> {
        let rows = sqlx::query(
            "SELECT seq, kind, subject, target, entries, name, reason, decided_at FROM person_decisions ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let entries: String = row.try_get("entries")?;
                Ok(Decision {
                    seq: row.try_get("seq")?,
                    kind: row.try_get("kind")?,
                    subject: row.try_get("subject")?,
                    target: row.try_get("target")?,
                    entries: serde_json::from_str(&entries).unwrap_or_default(),
                    name: row.try_get("name")?,
                    reason: row.try_get("reason")?,
                    decided_at: row.try_get("decided_at")?,
                })
            })
            .collect()
    }

    /// The person an id names now: itself, or the person it was merged into; `None` for an id
    /// no person ever had.
    pub async fn person_now(&self, id: &PersonId) -> Result<Option<PersonId>> {
        let mut at = id.clone();
        for _ in 0..MAX_MERGE_CHAIN {
            let row: Option<Option<String>> =
                sqlx::query_scalar("SELECT merged_into FROM persons WHERE id = $1")
                    .bind(at.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
            match row {
                None => return Ok(None),
                Some(None) => return Ok(Some(at)),
                Some(Some(next)) => at = parse(&next)?,
            }
        }
        Ok(Some(at))
    }

    /// The persons merged into `id`, whose names and remarks are `id`'s too.
    pub async fn merged_persons(&self, id: &PersonId) -> Result<Vec<Person>> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM persons WHERE merged_into = $1 ORDER BY id")
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
        let mut persons = Vec::new();
        for id in ids {
            if let Some(person) = self.person(&parse(&id)?).await? {
                persons.push(person);
            }
        }
        Ok(persons)
    }
}

/// The longest chain of merges followed (a merged person merged again).
const MAX_MERGE_CHAIN: usize = 32;

fn parse(id: &str) -> Result<PersonId> {
    PersonId::parse(id).map_err(|message| Error::Corrupt { id: id.to_string(), message })
}

/// The person an id names now, which must exist (a usage error otherwise).
async fn current(tx: &mut Transaction<'static, Any>, id: &PersonId) -> Result<PersonId> {
    let mut at = id.clone();
    for _ in 0..MAX_MERGE_CHAIN {
        let row: Option<Option<String>> =
            sqlx::query_scalar("SELECT merged_into FROM persons WHERE id = $1")
                .bind(at.as_str())
                .fetch_optional(&mut **tx)
                .await?;
        match row {
            None => {
                return Err(rejected(format!(
                    "no person `{id}`; `chancery people NAME` finds ids"
                )));
            }
            Some(None) => return Ok(at),
            Some(Some(next)) => at = parse(&next)?,
        }
    }
    Ok(at)
}

#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut Transaction<'static, Any>,
    kind: &str,
    subject: &str,
    target: &str,
    entries: &[String],
    name: Option<&str>,
    reason: &str,
    now: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO person_decisions (kind, subject, target, entries, name, reason, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(kind)
    .bind(subject)
    .bind(target)
    .bind(serde_json::to_string(entries).expect("strings serialize"))
    .bind(name)
    .bind(reason.trim())
    .bind(timestamp(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Applies every decision again, in order (each is idempotent): after an import of persons,
/// entries and names the import gave back to a merged or split person go where the curator put
/// them.
pub(crate) async fn apply_decisions(tx: &mut Transaction<'static, Any>) -> Result<()> {
    let rows = sqlx::query(
        "SELECT kind, subject, target, entries, name, decided_at FROM person_decisions ORDER BY seq",
    )
    .fetch_all(&mut **tx)
    .await?;
    for row in rows {
        let kind: String = row.try_get("kind")?;
        let subject: String = row.try_get("subject")?;
        let target: String = row.try_get("target")?;
        match kind.as_str() {
            "merge" => {
                sqlx::query(
                    "UPDATE persons SET merged_into = $2 WHERE id = $1 OR merged_into = $1",
                )
                .bind(&subject)
                .bind(&target)
                .execute(&mut **tx)
                .await?;
                move_person_rows(tx, &subject, &target).await?;
            }
            "assign" => {
                sqlx::query(
                    "INSERT INTO person_entries (entry_key, person_id) VALUES (lower($1), $2)
                     ON CONFLICT (entry_key) DO UPDATE SET person_id = excluded.person_id",
                )
                .bind(&subject)
                .bind(&target)
                .execute(&mut **tx)
                .await?;
            }
            "split" => {
                let name: Option<String> = row.try_get("name")?;
                let name = name.unwrap_or_default();
                let at: String = row.try_get("decided_at")?;
                sqlx::query(
                    "INSERT INTO persons (id, hsg_id, name, body, updated_at) VALUES ($1, NULL, $2, $3, $4)
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&target)
                .bind(&name)
                .bind(r#"{"variants":[],"remarks":[],"entries":[]}"#)
                .bind(&at)
                .execute(&mut **tx)
                .await?;
                let entries: String = row.try_get("entries")?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE person_entries SET person_id = $1
                     WHERE entry_key IN (SELECT value FROM {})",
                    dialect::of(tx).strings(2)
                )))
                .bind(&target)
                .bind(&entries)
                .execute(&mut **tx)
                .await?;
                let mut keys = name_keys(&name);
                keys.extend(
                    name_words(&name).iter().flat_map(|w| word_keys(w)).map(|k| format!("w:{k}")),
                );
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO person_keys (key, person_id) SELECT value, $1 FROM {} WHERE true
                     ON CONFLICT DO NOTHING",
                    dialect::of(tx).strings(2)
                )))
                .bind(&target)
                .bind(serde_json::to_string(&keys).expect("strings serialize"))
                .execute(&mut **tx)
                .await?;
            }
            _ => {}
        }
    }
    // A merged person's own rows, written again by an import, go to where it was merged.
    let merged = sqlx::query("SELECT id, merged_into FROM persons WHERE merged_into IS NOT NULL")
        .fetch_all(&mut **tx)
        .await?;
    for row in merged {
        let id: String = row.try_get("id")?;
        let into: String = row.try_get("merged_into")?;
        move_person_rows(tx, &id, &into).await?;
    }
    Ok(())
}

/// Gives `from`'s entries and name keys to `into`.
async fn move_person_rows(
    tx: &mut Transaction<'static, Any>,
    from: &str,
    into: &str,
) -> Result<()> {
    sqlx::query("UPDATE person_entries SET person_id = $2 WHERE person_id = $1")
        .bind(from)
        .bind(into)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO person_keys (key, person_id) SELECT key, $2 FROM person_keys WHERE person_id = $1
         ON CONFLICT DO NOTHING",
    )
    .bind(from)
    .bind(into)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM person_keys WHERE person_id = $1")
        .bind(from)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
