//! Persons: found by any of their names, one with its names, persons-list entries and the
//! documents that name it, and a record's names resolved to persons with the rule that matched.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chancery_model::id::RecordId;
use chancery_model::person::PersonId;
use chancery_store::{MAX_PERSON_QUERY_CHARS, MAX_PERSONS_FOUND};
use serde::{Deserialize, Serialize};

use crate::Shared;
use crate::api::json_response;
use crate::error::{ApiPath, ApiQuery, Problem};
use crate::html::people::MAX_PERSON_DOCUMENTS;
use crate::people::{Resolution, resolve_record};

/// Query string of the person search.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PeopleParams {
    /// Any of the person's names, in either order ("Tito", "Josip Broz Tito", "Tito, Josip").
    #[param(min_length = 1, max_length = 200)]
    q: String,
}

/// A person in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct PersonLine {
    id: String,
    /// The preferred name, as persons lists invert it.
    name: String,
    /// Its page on the site.
    url: String,
}

/// Persons found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct PersonList {
    people: Vec<PersonLine>,
}

/// A name of a person and where it is written.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct NameJson {
    name: String,
    sources: Vec<String>,
}

/// A form of the name made by rule (not found in a source), with its language and script.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct GeneratedNameJson {
    name: String,
    /// ISO 639-3.
    language: &'static str,
    /// ISO 15924.
    script: &'static str,
    /// How it was made.
    system: &'static str,
}

/// A person with everything the archive knows of them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct PersonDetail {
    id: String,
    /// The preferred name, inverted.
    name: String,
    /// The preferred name in reading order.
    display_name: String,
    names: Vec<NameJson>,
    /// Forms of the name in other scripts and romanizations, made by rule for a Soviet or
    /// Yugoslav person (`Хрущёв`, `Chruschtschow`…): they may be wrong.
    generated_names: Vec<GeneratedNameJson>,
    birth: Option<String>,
    death: Option<String>,
    remarks: Vec<NameJson>,
    /// The Office of the Historian's id for the person.
    hsg_id: Option<String>,
    /// The volumes' persons-list entries that are this person (`frus1955-57v26#p_TMJB1`).
    entries: Vec<String>,
    /// Ids of the documents that name the person through those entries, by date.
    documents: Vec<String>,
    /// Posts held, from the chiefs-of-mission data, in order of time.
    positions: Vec<crate::api::countries::PositionJson>,
    url: String,
}

/// A record's authors, recipients and participants, each resolved to a person or not, with the
/// rule that decided.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RecordPeople {
    record: String,
    names: Vec<Resolution>,
}

/// Finds persons by any of their names, in either order.
#[utoipa::path(
    get,
    path = "/api/v1/people",
    params(PeopleParams),
    responses(
        (status = 200, description = "The persons found (at most 100), by name", body = PersonList),
        (status = 400, description = "No query", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "people"
)]
pub(super) async fn list(
    State(archive): State<Shared>,
    ApiQuery(params): ApiQuery<PeopleParams>,
) -> Result<Response, Problem> {
    let q = params.q.trim();
    if q.is_empty() || q.chars().count() > MAX_PERSON_QUERY_CHARS {
        return Err(Problem::bad_request(format!(
            "give `q`: a name of 1 to {MAX_PERSON_QUERY_CHARS} characters (MAX_PERSON_QUERY_CHARS)"
        )));
    }
    let base = &archive.config.base_url;
    let people = archive
        .store
        .find_persons(q, MAX_PERSONS_FOUND)
        .await?
        .into_iter()
        .map(|p| PersonLine {
            url: format!("{base}/people/{}", p.id),
            id: p.id.to_string(),
            name: p.name,
        })
        .collect();
    Ok(json_response(serde_json::to_string(&PersonList { people }).unwrap_or_default()))
}

/// One person.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}",
    params(("id" = String, Path, description = "Person id, such as `tito-josip-broz`", pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)),
    responses(
        (status = 200, description = "The person", body = PersonDetail),
        (status = 301, description = "A curator merged the person into another: see `Location`"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "people"
)]
pub(super) async fn person(
    State(archive): State<Shared>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let missing = || Problem::not_found(format!("no person `{id}`; find one at /api/v1/people?q="));
    let Ok(person_id) = PersonId::parse(&id) else { return Err(missing()) };
    if let Some(now) = archive.store.person_now(&person_id).await?
        && now != person_id
    {
        return Ok(crate::html::chrome::redirect(&format!("/api/v1/people/{now}")));
    }
    let Some(person) = archive.store.person(&person_id).await? else { return Err(missing()) };
    let documents = archive
        .store
        .records_naming_person(&person_id, MAX_PERSON_DOCUMENTS)
        .await?
        .into_iter()
        .map(|s| s.id.as_str().to_string())
        .collect();
    let positions = archive.store.positions_of_person(&person_id).await?;
    let holder = positions.iter().find_map(|h| h.holder.as_ref());
    let generated_names = chancery_model::transliterate::person_generated_names(&person)
        .into_iter()
        .map(|g| GeneratedNameJson {
            name: g.name,
            language: g.language,
            script: g.script,
            system: g.system,
        })
        .collect();
    let detail = PersonDetail {
        generated_names,
        positions: positions.iter().map(crate::api::countries::PositionJson::of).collect(),
        id: person.id.to_string(),
        display_name: person.display_name(),
        names: person
            .variants
            .iter()
            .map(|v| NameJson { name: v.name.clone(), sources: v.sources.clone() })
            .collect(),
        birth: person.birth.clone().or_else(|| holder.and_then(|h| h.birth.clone())),
        death: person.death.clone().or_else(|| holder.and_then(|h| h.death.clone())),
        remarks: person
            .remarks
            .iter()
            .map(|r| NameJson { name: r.text.clone(), sources: r.sources.clone() })
            .collect(),
        hsg_id: person.hsg_id.clone(),
        entries: person.entries.clone(),
        documents,
        url: format!("{}/people/{}", archive.config.base_url, person.id),
        name: person.name,
    };
    Ok(json_response(serde_json::to_string(&detail).unwrap_or_default()))
}

/// Every person as schema.org JSON-LD (`Person` nodes in one `@graph`), for linked-data
/// harvesters and for anyone who wants the authority whole.
#[utoipa::path(
    get,
    path = "/api/v1/people.jsonld",
    responses((status = 200, description = "Every person, schema.org JSON-LD", content_type = "application/ld+json")),
    tag = "people"
)]
pub(super) async fn export(State(archive): State<Shared>) -> Result<Response, Problem> {
    let base = &archive.config.base_url;
    let mut graph = Vec::new();
    let mut after: Option<PersonId> = None;
    loop {
        let page = archive.store.persons_after(after.as_ref(), 1000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        graph.extend(page.iter().map(|p| crate::people::json_ld(p, base)));
    }
    let body = serde_json::json!({"@context": "https://schema.org", "@graph": graph});
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/ld+json")],
        serde_json::to_string(&body).unwrap_or_default(),
    )
        .into_response())
}

/// A record's names resolved to persons (`/api/v1/records/{id}/people`).
#[utoipa::path(
    get,
    path = "/api/v1/records/{id}/people",
    params(("id" = String, Path, description = "Record id", pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160)),
    responses(
        (status = 200, description = "Each name with the person it is, the rule and its confidence", body = RecordPeople),
        (status = 400, description = "Not a record id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "people"
)]
pub(super) async fn record_people(archive: &Shared, id: &str) -> Result<Response, Problem> {
    let asked = RecordId::parse(id).map_err(|e| Problem::bad_request(e.to_string()))?;
    let Some(stored) = archive.store.get(&asked).await? else {
        return Err(Problem::not_found(format!("no record `{id}`")));
    };
    let names = resolve_record(archive, &stored.record).await?;
    let body = RecordPeople { record: stored.record.id.as_str().to_string(), names };
    Ok(json_response(serde_json::to_string(&body).unwrap_or_default()))
}
