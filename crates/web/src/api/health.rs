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
    /// How long ago the oldest change the index has not applied was made, in seconds (0 when in
    /// step): the node's lag behind the store, which other nodes may be writing.
    index_lag_seconds: f64,
    /// The store's database: `sqlite` (the data folder's) or `postgres` (shared by every node).
    store: &'static str,
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
    let index_lag_seconds = if last_change > index_change {
        let oldest = archive.store.changes_after(index_change, 1).await?;
        let now = archive.config.clock.now();
        oldest.first().map_or(0.0, |c| ((now - c.at).as_seconds_f64() * 10.0).round() / 10.0)
    } else {
        0.0
    };
    let health = Health {
        status: if failed { "fixity failed" } else { "ok" }.to_string(),
        last_change,
        index_change,
        index_behind: (last_change - index_change).max(0),
        index_lag_seconds: index_lag_seconds.max(0.0),
        store: match archive.store.backend() {
            chancery_store::Backend::Sqlite => "sqlite",
            chancery_store::Backend::Postgres => "postgres",
        },
        copy_change: preservation.copy_change,
        copy_behind: preservation.copy_change.map(|c| (last_change - c).max(0)),
        fixity,
        fixity_running: preservation.checking,
    };
    let body = serde_json::to_string(&health).unwrap_or_else(|_| "{}".to_string());
    let status = if failed { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    Ok((status, json_response(body)).into_response())
}
