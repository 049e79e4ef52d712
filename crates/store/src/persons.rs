//! Persons across the archive (schema 6): each with our own id, kept once given; the
//! persons-list entries of the volumes that name them; and the keys their names are matched by.

use std::collections::HashMap;

use chancery_model::person::{
    NameVariant, Person, PersonId, Remark, name_keys, name_words, word_keys,
};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::records::{Summary, summary};
use crate::{Error, Result, Store, dialect};

/// The most persons a name search returns.
pub const MAX_PERSONS_FOUND: u32 = 100;
/// The longest person search, in characters.
pub const MAX_PERSON_QUERY_CHARS: usize = 200;
/// The most words a query may have to be matched against persons' names (more name no one).
pub const MAX_NAME_QUERY_WORDS: usize = 16;

/// A person's names, dates and remarks as stored (`persons.body`).
#[derive(Serialize, Deserialize)]
struct Body {
    variants: Vec<(String, Vec<String>)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    death: Option<String>,
    remarks: Vec<(String, Vec<String>)>,
    entries: Vec<String>,
}

/// A person found by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonLine {
    /// The person.
    pub id: PersonId,
    /// The preferred name.
    pub name: String,
}

impl Store {
    /// A person by id.
    pub async fn person(&self, id: &PersonId) -> Result<Option<Person>> {
        let row = sqlx::query("SELECT id, hsg_id, name, body FROM persons WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(person).transpose()
    }

    /// Persons in id order after `after`, at most `limit` (for exports).
    pub async fn persons_after(&self, after: Option<&PersonId>, limit: u32) -> Result<Vec<Person>> {
        let rows = sqlx::query(
            "SELECT id, hsg_id, name, body FROM persons WHERE id > $1 AND merged_into IS NULL
             ORDER BY id LIMIT $2",
        )
        .bind(after.map_or("", PersonId::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(person).collect()
    }

    /// A token that changes whenever persons, offices, curated events or visits change (an import
    /// of persons, of the chiefs-of-mission data, of events or of visits, a curator's decision): what a
    /// server's caches compare, since none is in the change sequence.
    pub async fn persons_version(&self) -> Result<String> {
        Ok(sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM persons) || '/' || (SELECT coalesce(max(updated_at), '') FROM persons)
                 || '/' || (SELECT coalesce(max(seq), 0) FROM person_decisions)
                 || '/' || (SELECT count(*) FROM positions)
                 || '/' || (SELECT coalesce(max(updated_at), '') FROM positions)
                 || '/' || (SELECT coalesce(max(updated_at), '') FROM office_holders)
                 || '/' || (SELECT count(*) FROM events)
                 || '/' || (SELECT count(*) FROM event_revisions)
                 || '/' || (SELECT count(*) FROM visits)
                 || '/' || (SELECT coalesce(max(updated_at), '') FROM visits)",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// How many persons the archive knows.
    pub async fn person_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM persons WHERE merged_into IS NULL")
            .fetch_one(&self.pool)
            .await?)
    }

    /// The persons that persons-list entries (`frus1955-57v26#p_TMJB1`, any case) belong to, by
    /// entry key as asked. At most 1,000 keys.
    pub async fn persons_of_entries(&self, keys: &[String]) -> Result<HashMap<String, PersonId>> {
        let keys = &keys[..keys.len().min(1000)];
        let lower: Vec<String> = keys.iter().map(|k| k.to_lowercase()).collect();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT entry_key, person_id FROM person_entries
             WHERE entry_key IN (SELECT value FROM {})",
            self.backend.strings(1)
        )))
        .bind(serde_json::to_string(&lower).expect("strings serialize"))
        .fetch_all(&self.pool)
        .await?;
        let mut by_lower = HashMap::new();
        for row in rows {
            let key: String = row.try_get("entry_key")?;
            by_lower.insert(key, person_id(&row.try_get::<String, _>("person_id")?)?);
        }
        Ok(keys
            .iter()
            .zip(lower)
            .filter_map(|(key, lower)| by_lower.get(&lower).map(|id| (key.clone(), id.clone())))
            .collect())
    }

    /// The persons a name may mean, through its keys (`model::person::name_keys`): those with
    /// the name's first key ("josip tito"), or, where none has it, those with its last (the
    /// surname). The caller decides what one or several mean.
    pub async fn persons_named(&self, name: &str) -> Result<(Vec<PersonId>, Option<String>)> {
        for key in name_keys(name) {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT person_id FROM person_keys WHERE key = $1 ORDER BY person_id LIMIT 10",
            )
            .bind(&key)
            .fetch_all(&self.pool)
            .await?;
            if !ids.is_empty() {
                let ids = ids.iter().map(|i| person_id(i)).collect::<Result<_>>()?;
                return Ok((ids, Some(key)));
            }
        }
        Ok((Vec::new(), None))
    }

    /// The persons whose names together hold every one of these words, in any script or
    /// romanization (each word matched through `model::person::word_keys`); at most 10.
    pub async fn persons_with_words(&self, words: &[String]) -> Result<Vec<PersonId>> {
        if words.is_empty() || words.len() > MAX_NAME_QUERY_WORDS {
            return Ok(Vec::new());
        }
        let keys: Vec<(String, usize)> = words
            .iter()
            .enumerate()
            .flat_map(|(n, w)| word_keys(w).into_iter().map(move |k| (format!("w:{k}"), n)))
            .collect();
        let ids: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT k.person_id FROM person_keys k
             JOIN (SELECT value ->> 0 AS key, value ->> 1 AS word FROM {}) q ON q.key = k.key
             GROUP BY k.person_id HAVING count(DISTINCT q.word) = $2 ORDER BY k.person_id LIMIT 10",
            self.backend.arrays(1)
        )))
        .bind(serde_json::to_string(&keys).expect("strings serialize"))
        .bind(i64::try_from(words.len()).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        ids.iter().map(|i| person_id(i)).collect()
    }

    /// Persons whose names match a query: any of the query's keys, every one of its words in
    /// any script or romanization, or a name starting with it.
    pub async fn find_persons(&self, query: &str, limit: u32) -> Result<Vec<PersonLine>> {
        let keys = name_keys(query);
        let by_words = self.persons_with_words(&name_words(query)).await?;
        let prefix = format!("{}%", query.trim().replace(['%', '_'], ""));
        // `lower(…) LIKE lower(…)`: SQLite's LIKE ignores case, PostgreSQL's does not.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT p.id, p.name FROM persons p
             WHERE (p.id IN (SELECT person_id FROM person_keys WHERE key IN (SELECT value FROM {}))
                OR p.id IN (SELECT value FROM {})
                OR lower(p.name) LIKE lower($2))
               AND p.merged_into IS NULL
             ORDER BY p.name LIMIT $3",
            self.backend.strings(1),
            self.backend.strings(4)
        )))
        .bind(serde_json::to_string(&keys).expect("strings serialize"))
        .bind(prefix)
        .bind(i64::from(limit.min(MAX_PERSONS_FOUND)))
        .bind(
            serde_json::to_string(&by_words.iter().map(PersonId::as_str).collect::<Vec<_>>())
                .expect("strings serialize"),
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PersonLine {
                    id: person_id(&row.try_get::<String, _>("id")?)?,
                    name: row.try_get("name")?,
                })
            })
            .collect()
    }

    /// Current records that name the person through a persons-list entry, by date.
    pub async fn records_naming_person(&self, id: &PersonId, limit: u32) -> Result<Vec<Summary>> {
        let rows = sqlx::query(
            "SELECT DISTINCT r.id, r.title, r.date_printed, r.date_edtf, r.date_min
             FROM person_entries pe
             JOIN record_entities e ON lower(e.authority_key) = pe.entry_key
             JOIN records r ON r.id = e.record_id
             WHERE pe.person_id = $1 AND r.deleted_at IS NULL
             ORDER BY r.date_min NULLS FIRST, r.id LIMIT $2",
        )
        .bind(id.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary).collect()
    }

    /// The entries of the volumes' persons lists that are the person's and that the archive
    /// holds, with what each says (key, name, description).
    pub async fn person_entries(&self, id: &PersonId) -> Result<Vec<(String, String, String)>> {
        let rows = sqlx::query(
            "SELECT a.key, a.name, a.description FROM person_entries pe
             JOIN authorities a ON lower(a.key) = pe.entry_key
             WHERE pe.person_id = $1 ORDER BY a.key",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("key")?, row.try_get("name")?, row.try_get("description")?)))
            .collect()
    }
}

/// Adds or updates persons inside an import. A person the store knows by its HSG id keeps the
/// id it was given first; a new person whose id another person holds gets its HSG id as a
/// suffix. Returns the ids the persons are stored under, in order.
pub(crate) async fn write_persons(
    tx: &mut Transaction<'static, Any>,
    persons: &[Person],
    now: &str,
) -> Result<Vec<PersonId>> {
    let mut ids = Vec::with_capacity(persons.len());
    for person in persons {
        let known: Option<String> = match &person.hsg_id {
            Some(hsg) => {
                sqlx::query_scalar("SELECT id FROM persons WHERE hsg_id = $1")
                    .bind(hsg)
                    .fetch_optional(&mut **tx)
                    .await?
            }
            None => None,
        };
        let id = match known {
            Some(id) => person_id(&id)?,
            None => {
                let holder: Option<Option<String>> =
                    sqlx::query_scalar("SELECT hsg_id FROM persons WHERE id = $1")
                        .bind(person.id.as_str())
                        .fetch_optional(&mut **tx)
                        .await?;
                match (holder, &person.hsg_id) {
                    (Some(other), Some(hsg)) if other.as_ref() != Some(hsg) => {
                        person.id.with_suffix(hsg)
                    }
                    _ => person.id.clone(),
                }
            }
        };
        let body = Body {
            variants: person.variants.iter().map(|v| (v.name.clone(), v.sources.clone())).collect(),
            birth: person.birth.clone(),
            death: person.death.clone(),
            remarks: person.remarks.iter().map(|r| (r.text.clone(), r.sources.clone())).collect(),
            entries: person.entries.clone(),
        };
        sqlx::query(
            "INSERT INTO persons (id, hsg_id, name, body, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET hsg_id = excluded.hsg_id, name = excluded.name,
             body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(id.as_str())
        .bind(&person.hsg_id)
        .bind(&person.name)
        .bind(serde_json::to_string(&body).expect("bodies serialize"))
        .bind(now)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM person_entries WHERE person_id = $1")
            .bind(id.as_str())
            .execute(&mut **tx)
            .await?;
        let entries: Vec<String> = person.entries.iter().map(|e| e.to_lowercase()).collect();
        let backend = dialect::of(tx);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO person_entries (entry_key, person_id)
             SELECT DISTINCT value, $1 FROM {} WHERE true
             ON CONFLICT (entry_key) DO UPDATE SET person_id = excluded.person_id",
            backend.strings(2)
        )))
        .bind(id.as_str())
        .bind(serde_json::to_string(&entries).expect("strings serialize"))
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM person_office_holders WHERE person_id = $1")
            .bind(id.as_str())
            .execute(&mut **tx)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO person_office_holders (holder, person_id)
             SELECT value, $1 FROM {} WHERE true ON CONFLICT DO NOTHING",
            backend.strings(2)
        )))
        .bind(id.as_str())
        .bind(serde_json::to_string(&person.office_ids()).expect("strings serialize"))
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM person_keys WHERE person_id = $1")
            .bind(id.as_str())
            .execute(&mut **tx)
            .await?;
        // Name keys, and each word of every name as `w:<word>` (what a query's words are
        // matched against; a name key holds no `:`).
        let mut keys: Vec<String> = person.names().flat_map(name_keys).collect();
        keys.extend(
            person
                .names()
                .flat_map(name_words)
                .flat_map(|w| word_keys(&w))
                .map(|k| format!("w:{k}")),
        );
        keys.sort();
        keys.dedup();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO person_keys (key, person_id) SELECT value, $1 FROM {} WHERE true
             ON CONFLICT DO NOTHING",
            backend.strings(2)
        )))
        .bind(id.as_str())
        .bind(serde_json::to_string(&keys).expect("strings serialize"))
        .execute(&mut **tx)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

pub(crate) fn person_id(text: &str) -> Result<PersonId> {
    PersonId::parse(text).map_err(|message| Error::Corrupt { id: text.to_string(), message })
}

fn person(row: &AnyRow) -> Result<Person> {
    let id: String = row.try_get("id")?;
    let body: String = row.try_get("body")?;
    let body: Body = serde_json::from_str(&body)
        .map_err(|e| Error::Corrupt { id: id.clone(), message: format!("bad person body: {e}") })?;
    Ok(Person {
        id: person_id(&id)?,
        name: row.try_get("name")?,
        variants: body
            .variants
            .into_iter()
            .map(|(name, sources)| NameVariant { name, sources })
            .collect(),
        birth: body.birth,
        death: body.death,
        remarks: body.remarks.into_iter().map(|(text, sources)| Remark { text, sources }).collect(),
        hsg_id: row.try_get("hsg_id")?,
        entries: body.entries,
    })
}
