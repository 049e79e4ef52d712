//! Authority entries (persons and terms of an edition), collections (volumes and their parts),
//! and which records refer to which entries.

use chancery_model::authority::{Authority, AuthorityKind, Collection};
use chancery_model::record::Record;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::records::{Summary, summary};
use crate::{Error, Result, Store, dialect};

const COLLECTION_COLUMNS: &str = "id, parent_id, kind, title, editors, published, position";

impl Store {
    /// An authority entry by key (`frus1955-57v26#p_TMJB1`, in any case).
    pub async fn authority(&self, key: &str) -> Result<Option<Authority>> {
        let row = sqlx::query(
            "SELECT key, kind, name, description FROM authorities WHERE lower(key) = lower($1)",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(authority).transpose()
    }

    /// Several authority entries in one query, in the order of `keys`; unknown keys are left
    /// out. At most 1,000 keys.
    pub async fn authorities(&self, keys: &[String]) -> Result<Vec<Authority>> {
        let keys = &keys[..keys.len().min(1000)];
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=keys.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT key, kind, name, description FROM authorities WHERE key IN ({})",
            placeholders.join(", ")
        );
        // Only numbered placeholders are formatted into the statement; the keys are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for key in keys {
            query = query.bind(key.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut found: Vec<Authority> = rows.iter().map(authority).collect::<Result<_>>()?;
        found.sort_by_key(|a| keys.iter().position(|k| *k == a.key));
        Ok(found)
    }

    /// Current records that refer to an authority entry, in id order.
    pub async fn records_mentioning(&self, key: &str, limit: u32) -> Result<Vec<Summary>> {
        let rows = sqlx::query(
            "SELECT r.id, r.title, r.date_printed, r.date_edtf FROM record_entities e
             JOIN records r ON r.id = e.record_id
             WHERE e.authority_key = $1 AND r.deleted_at IS NULL ORDER BY r.id LIMIT $2",
        )
        .bind(key)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary).collect()
    }

    /// A collection by id.
    pub async fn collection(&self, id: &str) -> Result<Option<Collection>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| collection(&row)).transpose()
    }

    /// The parts of a collection (or the top-level collections, for `None`), in order.
    pub async fn collection_parts(&self, parent: Option<&str>) -> Result<Vec<Collection>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections
             WHERE parent_id IS NOT DISTINCT FROM $1 ORDER BY position, id"
        )))
        .bind(parent)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(collection).collect()
    }

    /// Every collection, in id order (a parent before its parts).
    pub async fn collections(&self) -> Result<Vec<Collection>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections ORDER BY id"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(collection).collect()
    }
}

/// Adds (or replaces) authority entries and collections inside an import.
pub(crate) async fn write_entities(
    tx: &mut Transaction<'static, Any>,
    authorities: &[Authority],
    collections: &[Collection],
) -> Result<()> {
    // One statement for a volume's thousands of entries. An entry given twice counts as given
    // last (PostgreSQL updates a row once per statement, so the earlier ones are left out here).
    let mut last = std::collections::HashMap::new();
    for (at, authority) in authorities.iter().enumerate() {
        last.insert(authority.key.as_str(), at);
    }
    let rows: Vec<[&str; 4]> = authorities
        .iter()
        .enumerate()
        .filter(|(at, a)| last.get(a.key.as_str()) == Some(at))
        .map(|(_, a)| [a.key.as_str(), a.kind.key(), a.name.as_str(), a.description.as_str()])
        .collect();
    if !rows.is_empty() {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO authorities (key, kind, name, description)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM {} WHERE true
             ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, name = excluded.name,
             description = excluded.description",
            dialect::of(tx).arrays(1)
        )))
        .bind(serde_json::to_string(&rows).expect("strings serialize"))
        .execute(&mut **tx)
        .await?;
    }
    for collection in collections {
        sqlx::query(
            "INSERT INTO collections (id, parent_id, kind, title, editors, published, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, kind = excluded.kind,
             title = excluded.title, editors = excluded.editors, published = excluded.published,
             position = excluded.position",
        )
        .bind(&collection.id)
        .bind(&collection.parent)
        .bind(&collection.kind)
        .bind(&collection.title)
        .bind(serde_json::to_string(&collection.editors).expect("names serialize"))
        .bind(&collection.published)
        .bind(i64::from(collection.position))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Rewrites the record's links to authority entries (one statement for all of them: a bulk import
/// writes tens of thousands of links).
pub(crate) async fn link_entities(
    tx: &mut Transaction<'static, Any>,
    record: &Record,
    existed: bool,
) -> Result<()> {
    if existed {
        sqlx::query("DELETE FROM record_entities WHERE record_id = $1")
            .bind(record.id.as_str())
            .execute(&mut **tx)
            .await?;
    }
    if record.entities.is_empty() {
        return Ok(());
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO record_entities (record_id, authority_key) SELECT $1, value FROM {} WHERE true
         ON CONFLICT DO NOTHING",
        dialect::of(tx).strings(2)
    )))
    .bind(record.id.as_str())
    .bind(serde_json::to_string(&record.entities).expect("strings serialize"))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn collection(row: &AnyRow) -> Result<Collection> {
    let id: String = row.try_get("id")?;
    let editors: String = row.try_get("editors")?;
    let position: i64 = row.try_get("position")?;
    Ok(Collection {
        editors: serde_json::from_str(&editors)
            .map_err(|e| Error::Corrupt { id: id.clone(), message: format!("bad editors: {e}") })?,
        parent: row.try_get("parent_id")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        published: row.try_get("published")?,
        position: u32::try_from(position).unwrap_or(0),
        id,
    })
}

fn authority(row: &AnyRow) -> Result<Authority> {
    let key: String = row.try_get("key")?;
    let kind: String = row.try_get("kind")?;
    Ok(Authority {
        kind: AuthorityKind::from_key(&kind).ok_or_else(|| Error::Corrupt {
            id: key.clone(),
            message: format!("unknown authority kind `{kind}`"),
        })?,
        key,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
    })
}
