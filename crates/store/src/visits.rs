//! The visits data (`model::visit`): foreign leaders' visits to the United States and U.S.
//! Presidents' and Secretaries of State's trips abroad, written by an import of the Office of the
//! Historian's files and read by country.

use chancery_model::visit::{Visit, VisitKind};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Error, Result, Store};

/// Writes visits inside an import's transaction (a visit already stored is replaced).
pub(crate) async fn write_visits(
    tx: &mut Transaction<'static, Any>,
    visits: &[Visit],
    now: &str,
) -> Result<()> {
    for v in visits {
        sqlx::query(
            "INSERT INTO visits (id, kind, who, who_id, country, locale, start_day, end_day, note,
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, who = excluded.who,
                 who_id = excluded.who_id, country = excluded.country, locale = excluded.locale,
                 start_day = excluded.start_day, end_day = excluded.end_day, note = excluded.note,
                 updated_at = excluded.updated_at",
        )
        .bind(&v.id)
        .bind(v.kind.key())
        .bind(&v.who)
        .bind(v.who_id.as_deref())
        .bind(&v.country)
        .bind(v.locale.as_deref())
        .bind(&v.start)
        .bind(v.end.as_deref())
        .bind(&v.note)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn visit(row: &AnyRow) -> Result<Visit> {
    let id: String = row.try_get("id")?;
    let kind: String = row.try_get("kind")?;
    Ok(Visit {
        kind: VisitKind::from_key(&kind)
            .ok_or_else(|| Error::corrupt_row(&format!("visit {id}"), format!("kind `{kind}`")))?,
        id,
        who: row.try_get("who")?,
        who_id: row.try_get("who_id")?,
        country: row.try_get("country")?,
        locale: row.try_get("locale")?,
        start: row.try_get("start_day")?,
        end: row.try_get("end_day")?,
        note: row.try_get("note")?,
    })
}

impl Store {
    /// The visits between the United States and a country, by first day.
    pub async fn visits_with(&self, country: &str) -> Result<Vec<Visit>> {
        let rows = sqlx::query(
            "SELECT id, kind, who, who_id, country, locale, start_day, end_day, note FROM visits
             WHERE country = $1 ORDER BY start_day, id",
        )
        .bind(country)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(visit).collect()
    }
}
