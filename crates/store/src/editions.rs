//! Where each record of an edition stands in its volume (`edition_places`): the volume's table of
//! contents in the order it prints them, and a record's previous and next, read through an index
//! on volume and position without reading the records' bodies.

use chancery_model::id::RecordId;
use chancery_model::record::{Record, RecordKind};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::records::parse_id;
use crate::{Error, Result, Store};

/// A record in its volume's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The record.
    pub id: RecordId,
    /// Its title.
    pub title: String,
    /// Its date as printed.
    pub date_printed: String,
    /// Its EDTF date, if any.
    pub date_edtf: Option<String>,
    /// The innermost collection holding it (a chapter, or the volume itself).
    pub collection_id: String,
    /// Its place in the volume's order, from 1.
    pub position: u32,
    /// The number the edition gives it, for a document.
    pub number: Option<String>,
    /// A document, a calendar entry or front matter.
    pub kind: RecordKind,
}

/// A record's place in its volume, with its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The volume's collection id.
    pub volume_id: String,
    /// Documents and calendar entries of the volume up to and including this record (0 for
    /// front matter).
    pub ordinal: u32,
    /// Documents and calendar entries the volume holds.
    pub of: u32,
    /// The record printed just before, if any.
    pub previous: Option<Placed>,
    /// The record printed just after, if any.
    pub next: Option<Placed>,
}

const PLACED: &str = "SELECT p.record_id, p.collection_id, p.position, p.number, p.kind,
        r.title, r.date_printed, r.date_edtf
    FROM edition_places p JOIN records r ON r.id = p.record_id";

impl Store {
    /// Every current record of a volume (by its collection id, in any case), in the order the
    /// volume prints them.
    pub async fn edition_contents(&self, volume_id: &str) -> Result<Vec<Placed>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PLACED} WHERE p.volume_id = $1 ORDER BY p.position"
        )))
        .bind(volume_id.to_lowercase())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(placed).collect()
    }

    /// Where a record stands in its volume; `None` for a record that is not part of an edition.
    pub async fn edition_place(&self, id: &RecordId) -> Result<Option<Place>> {
        let Some(row) = sqlx::query(
            "SELECT p.volume_id, p.position, p.kind FROM edition_places p
             JOIN records r ON r.id = p.record_id WHERE r.id_key = $1",
        )
        .bind(id.key())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let volume_id: String = row.try_get("volume_id")?;
        let position: i64 = row.try_get("position")?;
        let kind: String = row.try_get("kind")?;
        let neighbour = |order: &str, compare: &str| {
            format!(
                "{PLACED} WHERE p.volume_id = $1 AND p.position {compare} $2
                 ORDER BY p.position {order} LIMIT 1"
            )
        };
        let previous = sqlx::query(sqlx::AssertSqlSafe(neighbour("DESC", "<")))
            .bind(&volume_id)
            .bind(position)
            .fetch_optional(&self.pool)
            .await?;
        let next = sqlx::query(sqlx::AssertSqlSafe(neighbour("ASC", ">")))
            .bind(&volume_id)
            .bind(position)
            .fetch_optional(&self.pool)
            .await?;
        let counted = "kind IN ('document', 'calendar-entry')";
        let (before, of): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FILTER (WHERE position <= $2), count(*) FROM edition_places
             WHERE volume_id = $1 AND {counted}"
        )))
        .bind(&volume_id)
        .bind(position)
        .fetch_one(&self.pool)
        .await?;
        let counts = kind != RecordKind::FrontMatter.key();
        Ok(Some(Place {
            ordinal: if counts { u32::try_from(before).unwrap_or(0) } else { 0 },
            of: u32::try_from(of).unwrap_or(0),
            previous: previous.as_ref().map(placed).transpose()?,
            next: next.as_ref().map(placed).transpose()?,
            volume_id,
        }))
    }
}

/// Gives the record its place in its edition (or takes it away: a record without a position or
/// a collection has none). Called wherever a record's current version is written.
pub(crate) async fn place(tx: &mut Transaction<'static, Any>, record: &Record) -> Result<()> {
    unplace(tx, &record.id).await?;
    let position = record.edition.as_ref().and_then(|e| e.position);
    let (Some(position), Some(collection)) = (position, record.collection_id.as_deref()) else {
        return Ok(());
    };
    let volume = collection.split('/').next().unwrap_or(collection);
    sqlx::query(
        "INSERT INTO edition_places (record_id, volume_id, collection_id, position, number, kind)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(record.id.as_str())
    .bind(volume.to_lowercase())
    .bind(collection.to_lowercase())
    .bind(i64::from(position))
    .bind(&record.number)
    .bind(record.kind.key())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes a record out of its edition's order (it was deleted).
pub(crate) async fn unplace(tx: &mut Transaction<'static, Any>, id: &RecordId) -> Result<()> {
    sqlx::query("DELETE FROM edition_places WHERE record_id = $1")
        .bind(id.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn placed(row: &AnyRow) -> Result<Placed> {
    let id: String = row.try_get("record_id")?;
    let kind: String = row.try_get("kind")?;
    let position: i64 = row.try_get("position")?;
    Ok(Placed {
        kind: RecordKind::from_key(&kind).ok_or_else(|| Error::Corrupt {
            id: id.clone(),
            message: format!("unknown record kind `{kind}` in its edition place"),
        })?,
        id: parse_id(&id)?,
        title: row.try_get("title")?,
        date_printed: row.try_get("date_printed")?,
        date_edtf: row.try_get("date_edtf")?,
        collection_id: row.try_get("collection_id")?,
        position: u32::try_from(position).unwrap_or(0),
        number: row.try_get("number")?,
    })
}
