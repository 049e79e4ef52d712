//! `/api/v1/health` (also `/health`): whether this server is in step with its store, how far
//! its search index and the preservation copy follow it, and the last fixity check — for load
//! balancers (503 when a fixity check failed) and operators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use crate::Shared;
use crate::api::json_response;
use crate::error::Problem;

/// The server's health.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct Health {
    /// `ok`, or `fixity failed` when the last fixity check found a stored file changed.
    status: String,
    /// The store's last change.
    last_change: i64,
    /// The last change this server's search index and pages reflect.
    index_change: i64,
    /// How many changes the index is behind (it follows within about a second).
    index_behind: i64,
    /// The last change the preservation copy holds, when there is one.
    copy_change: Option<i64>,
    /// How many changes the preservation copy is behind (the command that wrote them catches
    /// it up as it ends).
    copy_behind: Option<i64>,
    /// The last fixity check since the server started, if any.
    fixity: Option<FixityJson>,
    /// Whether a fixity check is running now.
    fixity_running: bool,
}

/// A fixity check's result, by count.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct FixityJson {
    /// When it finished (RFC 3339).
    finished: String,
    /// How long it took, in seconds.
    seconds: f64,
    /// Stored source files hashed.
    sources: u64,
    /// Of which no longer match their SHA-256.
    source_failures: u64,
    /// Objects of the preservation copy checked.
    objects: u64,
    /// Files of the copy that no longer match their inventory.
    copy_failures: u64,
}

#[utoipa::path(
    get,
    path = "/api/v1/health",
    responses(
        (status = 200, description = "In step, and the last fixity check (if any) passed", body = Health),
        (status = 503, description = "The last fixity check found a stored file changed", body = Health)
    ),
    tag = "health"
)]
/// Whether the server is in step with its store, how far its index and the preservation copy
/// follow it, and the last fixity check (503 when that check found a stored file changed).
pub(crate) async fn health(State(archive): State<Shared>) -> Result<Response, Problem> {
    let last_change = archive.store.last_change().await?;
    let index_change = archive.generation();
    let preservation = archive.preservation();
    let fixity = preservation.fixity.as_ref().map(|run| FixityJson {
        finished: run.finished.format(&Rfc3339).unwrap_or_default(),
        seconds: (run.seconds * 10.0).round() / 10.0,
        sources: run.sources,
        source_failures: run.source_failures,
        objects: run.objects,
        copy_failures: run.copy_failures,
    });
    let failed = preservation.fixity.as_ref().is_some_and(|run| !run.passed());
    let health = Health {
        status: if failed { "fixity failed" } else { "ok" }.to_string(),
        last_change,
        index_change,
        index_behind: (last_change - index_change).max(0),
        copy_change: preservation.copy_change,
        copy_behind: preservation.copy_change.map(|c| (last_change - c).max(0)),
        fixity,
        fixity_running: preservation.checking,
    };
    let body = serde_json::to_string(&health).unwrap_or_else(|_| "{}".to_string());
    let status = if failed { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    Ok((status, json_response(body)).into_response())
}
