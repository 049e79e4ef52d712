//! Countries: every country with U.S. chiefs of mission, and one with its names, its years where
//! the state no longer exists, its chiefs of mission and the queries that find its documents.

use axum::extract::State;
use axum::response::Response;
use chancery_store::HeldPosition;
use serde::Serialize;

use crate::Shared;
use crate::api::json_response;
use crate::error::{ApiPath, Problem};
use crate::offices::country_queries;

/// A country in the list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CountryLine {
    id: String,
    name: String,
    /// How many U.S. chiefs of mission the archive knows there.
    chiefs_of_mission: i64,
    url: String,
}

/// Every country.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CountryList {
    countries: Vec<CountryLine>,
}

/// An appointment: a holder in a post, with the dates the chiefs-of-mission data gives.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PositionJson {
    /// The data's id for the appointment.
    id: String,
    /// `country`, `principal` (an office of the Department) or `organization`.
    kind: &'static str,
    /// The country's id, or the office's or mission's.
    post: String,
    /// The post's name.
    post_name: String,
    /// The title held.
    title: Option<String>,
    /// The holder's id in the chiefs-of-mission data.
    holder: String,
    /// The holder's name, inverted.
    holder_name: Option<String>,
    /// The person of the archive the holder is, where known.
    person: Option<String>,
    /// ISO days.
    appointed: Option<String>,
    started: Option<String>,
    ended: Option<String>,
    /// How the appointment ended, as the data says.
    ended_note: Option<String>,
}

impl PositionJson {
    pub(crate) fn of(held: &HeldPosition) -> PositionJson {
        let p = &held.position;
        PositionJson {
            id: p.id.clone(),
            kind: p.kind.key(),
            post: p.post.clone(),
            post_name: held.post.clone(),
            title: held.title.clone(),
            holder: p.holder.clone(),
            holder_name: held.holder.as_ref().map(|h| h.name.clone()),
            person: held.person.as_ref().map(ToString::to_string),
            appointed: p.appointed.clone(),
            started: p.started.clone(),
            ended: p.ended.clone(),
            ended_note: p.ended_note.clone(),
        }
    }
}

/// A search that finds some of a country's documents.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CountryQuery {
    /// What it finds.
    label: String,
    /// The query, for `/api/v1/search?q=`.
    q: String,
}

/// A country with everything the archive knows of it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CountryDetail {
    id: String,
    name: String,
    other_names: Vec<String>,
    /// For a state that no longer exists (or an id that also stood for one): its years.
    former_state: Option<FormerStateJson>,
    chiefs_of_mission: Vec<PositionJson>,
    /// The searches for its documents: from and to the U.S. mission, and naming it.
    queries: Vec<CountryQuery>,
    url: String,
}

/// A state that no longer exists.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct FormerStateJson {
    from: i32,
    until: i32,
    note: &'static str,
}

/// Every country with U.S. chiefs of mission, by name.
#[utoipa::path(
    get,
    path = "/api/v1/countries",
    responses((status = 200, description = "Every country", body = CountryList)),
    tag = "people"
)]
pub(super) async fn list(State(archive): State<Shared>) -> Result<Response, Problem> {
    let base = &archive.config.base_url;
    let countries = archive
        .store
        .countries()
        .await?
        .into_iter()
        .map(|line| CountryLine {
            url: format!("{base}/countries/{}", line.country.id),
            id: line.country.id,
            name: line.country.name,
            chiefs_of_mission: line.chiefs,
        })
        .collect();
    Ok(json_response(serde_json::to_string(&CountryList { countries }).unwrap_or_default()))
}

/// One country.
#[utoipa::path(
    get,
    path = "/api/v1/countries/{id}",
    params(("id" = String, Path, description = "Country id, such as `yugoslavia`", pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)),
    responses(
        (status = 200, description = "The country", body = CountryDetail),
        (status = 404, description = "No such country", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "people"
)]
pub(super) async fn country(
    State(archive): State<Shared>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let Some(country) =
        crate::parties::country(&archive, &id).await.map_err(|e| Problem::internal(&e))?
    else {
        return Err(Problem::not_found(format!(
            "no country `{id}`; the countries are at /api/v1/countries"
        )));
    };
    let chiefs = archive.store.chiefs_of_mission(&country.id).await?;
    let detail = CountryDetail {
        id: country.id.clone(),
        name: country.name.clone(),
        other_names: country.other_names.clone(),
        former_state: country.former.map(|f| FormerStateJson {
            from: f.from,
            until: f.until,
            note: f.note,
        }),
        chiefs_of_mission: chiefs.iter().map(PositionJson::of).collect(),
        queries: country_queries(&country)
            .into_iter()
            .map(|(label, q)| CountryQuery { label, q })
            .collect(),
        url: format!("{}/countries/{}", archive.config.base_url, country.id),
    };
    Ok(json_response(serde_json::to_string(&detail).unwrap_or_default()))
}
