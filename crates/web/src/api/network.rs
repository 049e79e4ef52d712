//! A party's correspondence network as JSON (nodes, edges, counts), GEXF 1.2 or GraphML.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::Shared;
use crate::api::json_response;
use crate::error::{ApiQuery, Problem};
use crate::network::{network, range_day};
use crate::parties::Party;

/// Which network.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct NetworkParams {
    /// A person, organization or country, as a relation's address names it (`yugoslavia`,
    /// `tito`, `department-of-state`).
    party: String,
    /// The first day: `1954`, `1954-08` or `1954-08-11`.
    from: Option<String>,
    /// The last day, likewise (`1956` is up to 31 December 1956).
    until: Option<String>,
    /// `json` (the default), `gexf` or `graphml`.
    format: Option<String>,
}

/// A correspondent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct NodeJson {
    /// `person:<id>`, `organization:<id>`, or `name:<name>` for a name the archive does not
    /// resolve.
    id: String,
    /// `person`, `organization` or `name`.
    kind: &'static str,
    name: String,
    /// Records it is a correspondent of, within the dates.
    records: usize,
    /// Whether it is the party or one of its people and bodies.
    inside: bool,
}

/// Letters from one correspondent to another, or conversations between two.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct EdgeJson {
    source: String,
    target: String,
    /// `letters` (directed) or `conversations` (undirected).
    kind: &'static str,
    count: usize,
    /// The relation's page, where both ends are parties.
    relation: Option<String>,
}

/// A party's correspondence network.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct NetworkJson {
    party: String,
    name: String,
    from: Option<String>,
    until: Option<String>,
    /// Records drawn from.
    records: usize,
    nodes: Vec<NodeJson>,
    edges: Vec<EdgeJson>,
    /// Correspondents left out past the 60 on the most records.
    left_out: usize,
}

/// Who wrote to whom among a party's records, within dates.
#[utoipa::path(
    get,
    path = "/api/v1/network",
    params(NetworkParams),
    responses(
        (status = 200, description = "The network as JSON, or GEXF 1.2 (`format=gexf`) or GraphML (`format=graphml`)", body = NetworkJson),
        (status = 400, description = "A date or format that cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such party", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "people"
)]
pub(super) async fn network_graph(
    State(archive): State<Shared>,
    ApiQuery(params): ApiQuery<NetworkParams>,
) -> Result<Response, Problem> {
    let format = params.format.as_deref().unwrap_or("json");
    if !["json", "gexf", "graphml"].contains(&format) {
        return Err(Problem::bad_request(format!(
            "no format `{}`: use json, gexf or graphml",
            format.chars().take(20).collect::<String>()
        )));
    }
    let day = |text: &Option<String>, last| -> Result<_, Problem> {
        match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => range_day(t, last).map(Some).map_err(Problem::bad_request),
        }
    };
    let (from, until) = (day(&params.from, false)?, day(&params.until, true)?);
    let Some(named) =
        crate::parties::find(&archive, &params.party).await.map_err(|e| Problem::internal(&e))?
    else {
        return Err(Problem::not_found(format!(
            "no person, organization or country `{}`",
            params.party.chars().take(80).collect::<String>()
        )));
    };
    let graph = network(&archive, named, from, until).await.map_err(|e| Problem::internal(&e))?;
    let base = &archive.config.base_url;
    match format {
        "gexf" => {
            return Ok(([(header::CONTENT_TYPE, "application/gexf+xml")], graph.gexf(base))
                .into_response());
        }
        "graphml" => {
            return Ok(([(header::CONTENT_TYPE, "application/graphml+xml")], graph.graphml(base))
                .into_response());
        }
        _ => {}
    }
    let body = NetworkJson {
        party: graph.party.party.id().to_string(),
        name: graph.party.name.clone(),
        from: graph.from.map(|d| d.to_string()),
        until: graph.until.map(|d| d.to_string()),
        records: graph.records,
        nodes: graph
            .nodes
            .iter()
            .map(|n| NodeJson {
                id: n.key.clone(),
                kind: n.party.as_ref().map_or("name", Party::kind),
                name: n.name.clone(),
                records: n.count,
                inside: n.inside,
            })
            .collect(),
        edges: graph
            .edges
            .iter()
            .map(|e| EdgeJson {
                source: graph.nodes[e.source].key.clone(),
                target: graph.nodes[e.target].key.clone(),
                kind: if e.conversation { "conversations" } else { "letters" },
                count: e.count,
                relation: graph.edge_href(e).map(|h| format!("{base}{h}")),
            })
            .collect(),
        left_out: graph.left_out,
    };
    Ok(json_response(serde_json::to_string(&body).unwrap_or_default()))
}
