//! Organizations: every body that wrote or received a record, and one with its names, country
//! and the records it wrote and received.

use axum::extract::State;
use axum::response::Response;
use chancery_model::organization::is_organization_id;
use serde::Serialize;

use crate::Shared;
use crate::api::json_response;
use crate::error::{ApiPath, Problem};
use crate::organizations::{organization, organizations, records};

/// An organization in the list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct OrganizationLine {
    id: String,
    name: String,
    /// Its country's id (or `united-states`), where known.
    country: Option<String>,
    /// Records it wrote and received (by the index's counts of each name as written).
    wrote: u64,
    received: u64,
    url: String,
}

/// Every organization, most records first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct OrganizationList {
    organizations: Vec<OrganizationLine>,
}

/// An organization with its records.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct OrganizationDetail {
    id: String,
    name: String,
    other_names: Vec<String>,
    /// The names as records write them.
    written: Vec<String>,
    country: Option<String>,
    /// Whether the archive's table of bodies knows it (else it is its name as written).
    known: bool,
    /// Ids of the records it wrote, by date.
    wrote: Vec<String>,
    /// Ids of the records it received, by date.
    received: Vec<String>,
    url: String,
}

/// Every organization.
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    responses((status = 200, description = "Every organization that wrote or received a record", body = OrganizationList)),
    tag = "people"
)]
pub(super) async fn list(State(archive): State<Shared>) -> Result<Response, Problem> {
    let base = &archive.config.base_url;
    let organizations = organizations(&archive)
        .await
        .map_err(|e| Problem::internal(&e))?
        .into_iter()
        .map(|line| OrganizationLine {
            url: format!("{base}/organizations/{}", line.organization.id),
            id: line.organization.id,
            name: line.organization.name,
            country: line.organization.country,
            wrote: line.by,
            received: line.to,
        })
        .collect();
    Ok(json_response(
        serde_json::to_string(&OrganizationList { organizations }).unwrap_or_default(),
    ))
}

/// One organization.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    params(("id" = String, Path, description = "Organization id, such as `department-of-state`", pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)),
    responses(
        (status = 200, description = "The organization", body = OrganizationDetail),
        (status = 404, description = "No such organization", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "people"
)]
pub(super) async fn organization_detail(
    State(archive): State<Shared>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let missing = || {
        Problem::not_found(format!(
            "no organization `{id}`; the organizations are at /api/v1/organizations"
        ))
    };
    if !is_organization_id(&id) {
        return Err(missing());
    }
    let Some(line) = organization(&archive, &id).await.map_err(|e| Problem::internal(&e))? else {
        return Err(missing());
    };
    let (wrote, received) = records(&archive, &line).await.map_err(|e| Problem::internal(&e))?;
    let o = line.organization;
    let detail = OrganizationDetail {
        url: format!("{}/organizations/{}", archive.config.base_url, o.id),
        id: o.id,
        name: o.name,
        other_names: o.other_names,
        written: line.written,
        country: o.country,
        known: o.known,
        wrote: wrote.into_iter().map(|r| r.id.as_str().to_string()).collect(),
        received: received.into_iter().map(|r| r.id.as_str().to_string()).collect(),
    };
    Ok(json_response(serde_json::to_string(&detail).unwrap_or_default()))
}
