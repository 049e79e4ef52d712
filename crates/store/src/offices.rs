//! Office holders, posts and appointments (schema 7, the chiefs-of-mission data), and the
//! countries they give: who held which post, where and when, and which person of the archive
//! each holder is.

use chancery_model::office::{Country, OfficeHolder, Offices, Position, PostKind};
use chancery_model::person::PersonId;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::persons::person_id;
use crate::{Error, Result, Store};

/// An office holder's other names, dates and career as stored (`office_holders.body`).
#[derive(Serialize, Deserialize)]
struct Body {
    other_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    death: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    career: Option<String>,
}

/// An appointment with the names of its title and post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPosition {
    /// The appointment.
    pub position: Position,
    /// The title held ("Ambassador Extraordinary and Plenipotentiary"), where the data names it.
    pub title: Option<String>,
    /// The post: a country's name, or the principal office or mission ("Secretary of State").
    pub post: String,
    /// The holder as the data names them.
    pub holder: Option<OfficeHolder>,
    /// The person of the archive the holder is, where the people data says so.
    pub person: Option<PersonId>,
}

/// A country with the number of U.S. chiefs of mission the archive knows there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryLine {
    /// The country.
    pub country: Country,
    /// Its chiefs of mission.
    pub chiefs: i64,
    /// The first and last year of their appointments.
    pub years: Option<(String, String)>,
}

pub(crate) async fn write_offices(
    tx: &mut Transaction<'static, Any>,
    offices: &Offices,
    now: &str,
) -> Result<()> {
    for holder in &offices.holders {
        let body = Body {
            other_names: holder.other_names.clone(),
            birth: holder.birth.clone(),
            death: holder.death.clone(),
            career: holder.career.clone(),
        };
        sqlx::query(
            "INSERT INTO office_holders (id, name, body, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body,
             updated_at = excluded.updated_at",
        )
        .bind(&holder.id)
        .bind(&holder.name)
        .bind(serde_json::to_string(&body).expect("bodies serialize"))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    for title in &offices.titles {
        sqlx::query(
            "INSERT INTO titles (id, singular) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET singular = excluded.singular",
        )
        .bind(&title.id)
        .bind(&title.singular)
        .execute(&mut **tx)
        .await?;
    }
    for p in &offices.positions {
        sqlx::query(
            "INSERT INTO positions (id, holder, title, kind, post, contemporary, appointed, started,
                 ended, ended_note, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, title = excluded.title,
                 kind = excluded.kind, post = excluded.post, contemporary = excluded.contemporary,
                 appointed = excluded.appointed, started = excluded.started,
                 ended = excluded.ended, ended_note = excluded.ended_note,
                 updated_at = excluded.updated_at",
        )
        .bind(&p.id)
        .bind(&p.holder)
        .bind(&p.title)
        .bind(p.kind.key())
        .bind(&p.post)
        .bind(&p.contemporary)
        .bind(&p.appointed)
        .bind(&p.started)
        .bind(&p.ended)
        .bind(&p.ended_note)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The columns [`held`] reads. Constant text: the queries that use it bind every value.
const HELD: &str = "SELECT p.id, p.holder, p.title, p.kind, p.post, p.contemporary, p.appointed,
        p.started, p.ended, p.ended_note, t.singular AS title_name, pt.singular AS post_name,
        h.name AS holder_name, h.body AS holder_body,
        (SELECT coalesce(ps.merged_into, ps.id) FROM person_office_holders ph
            JOIN persons ps ON ps.id = ph.person_id WHERE ph.holder = p.holder
            ORDER BY ps.merged_into IS NOT NULL, ps.id LIMIT 1) AS person_id
    FROM positions p
    LEFT JOIN titles t ON t.id = p.title
    LEFT JOIN titles pt ON pt.id = p.post AND p.kind != 'country'
    LEFT JOIN office_holders h ON h.id = p.holder";

/// Appointments in order of time: by the day the post was taken up, else the appointment.
const IN_ORDER: &str = "ORDER BY coalesce(p.started, p.appointed, p.ended, ''), p.id";

impl Store {
    /// The appointments a person of the archive held, in order of time.
    pub async fn positions_of_person(&self, id: &PersonId) -> Result<Vec<HeldPosition>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{HELD} WHERE p.holder IN (SELECT holder FROM person_office_holders ph
                 JOIN persons ps ON ps.id = ph.person_id
                 WHERE ps.id = $1 OR ps.merged_into = $1) {IN_ORDER}"
        )))
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(held).collect()
    }

    /// The U.S. chiefs of mission in a country (its id), in order of time.
    pub async fn chiefs_of_mission(&self, country: &str) -> Result<Vec<HeldPosition>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{HELD} WHERE p.kind = 'country' AND p.post = $1 {IN_ORDER}"
        )))
        .bind(country)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(held).collect()
    }

    /// The holders of a principal office (`secretary`) on a day (`1955-06-01`): those who had
    /// taken it up by then and not yet left it.
    pub async fn office_holders_on(&self, office: &str, day: &str) -> Result<Vec<HeldPosition>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{HELD} WHERE p.kind = 'principal' AND p.post = $1
                 AND coalesce(p.started, p.appointed) <= $2 AND (p.ended IS NULL OR p.ended >= $2)
             {IN_ORDER}"
        )))
        .bind(office)
        .bind(day)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(held).collect()
    }

    /// Every principal office with appointments: its id and title.
    pub async fn principal_offices(&self) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT t.id, t.singular FROM titles t
             WHERE EXISTS (SELECT 1 FROM positions p WHERE p.kind = 'principal' AND p.post = t.id)
             ORDER BY t.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every country with U.S. chiefs of mission, by name.
    pub async fn countries(&self) -> Result<Vec<CountryLine>> {
        let rows = sqlx::query(
            "SELECT post, count(*) AS chiefs,
                 min(substr(coalesce(started, appointed), 1, 4)) AS first,
                 max(substr(coalesce(ended, started, appointed), 1, 4)) AS last
             FROM positions WHERE kind = 'country' GROUP BY post",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut lines = rows
            .iter()
            .map(|row| {
                let first: Option<String> = row.try_get("first")?;
                let last: Option<String> = row.try_get("last")?;
                Ok(CountryLine {
                    country: Country::from_id(&row.try_get::<String, _>("post")?),
                    chiefs: row.try_get("chiefs")?,
                    years: first.zip(last),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        lines.sort_by(|a, b| a.country.name.cmp(&b.country.name));
        Ok(lines)
    }

    /// A country by id, if the archive knows U.S. chiefs of mission there.
    pub async fn country(&self, id: &str) -> Result<Option<Country>> {
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM positions WHERE kind = 'country' AND post = $1 LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(known.map(|_| Country::from_id(id)))
    }
}

fn row_id(row: &AnyRow) -> String {
    row.try_get("id").unwrap_or_default()
}

fn held(row: &AnyRow) -> Result<HeldPosition> {
    let kind: String = row.try_get("kind")?;
    let kind = PostKind::from_key(&kind).ok_or_else(|| Error::Corrupt {
        id: row_id(row),
        message: format!("a position of unknown kind `{kind}`"),
    })?;
    let post: String = row.try_get("post")?;
    let post_name: Option<String> = row.try_get("post_name")?;
    let holder_id: String = row.try_get("holder")?;
    let holder = match row.try_get::<Option<String>, _>("holder_name")? {
        Some(name) => {
            let body: String = row.try_get("holder_body")?;
            let body: Body = serde_json::from_str(&body).map_err(|e| Error::Corrupt {
                id: holder_id.clone(),
                message: format!("bad office holder body: {e}"),
            })?;
            Some(OfficeHolder {
                id: holder_id.clone(),
                name,
                other_names: body.other_names,
                birth: body.birth,
                death: body.death,
                career: body.career,
            })
        }
        None => None,
    };
    let person =
        row.try_get::<Option<String>, _>("person_id")?.map(|p| person_id(&p)).transpose()?;
    Ok(HeldPosition {
        title: row.try_get("title_name")?,
        post: match kind {
            PostKind::Country => Country::from_id(&post).name,
            _ => post_name.unwrap_or_else(|| post.clone()),
        },
        position: Position {
            id: row.try_get("id")?,
            holder: holder_id,
            title: row.try_get("title")?,
            kind,
            post,
            contemporary: row.try_get("contemporary")?,
            appointed: row.try_get("appointed")?,
            started: row.try_get("started")?,
            ended: row.try_get("ended")?,
            ended_note: row.try_get("ended_note")?,
        },
        holder,
        person,
    })
}
