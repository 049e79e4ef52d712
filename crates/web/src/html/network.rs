//! A party's correspondence network, `/network?party=…&from=…&until=…`: the graph drawn on the
//! server (an SVG, nodes on a circle, the party's own people and bodies together, each edge a link
//! to the relation between its ends), the same edges as a table, and the exports.

use std::f64::consts::PI;
use std::fmt::Write as _;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::Shared;
use crate::error::{PageError, PageQuery};
use crate::html::chrome::{Chrome, accepts_gzip, cached_html, keep};
use crate::html::markup::{escape, query_value};
use crate::network::{Network, network, range_day};

#[derive(Deserialize)]
pub(crate) struct NetworkParams {
    party: Option<String>,
    from: Option<String>,
    until: Option<String>,
}

struct EdgeRow {
    source: String,
    target: String,
    kind: &'static str,
    count: usize,
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage {
    chrome: Chrome,
    party: String,
    from: String,
    until: String,
    /// The party's name, once one is chosen.
    name: Option<String>,
    party_href: String,
    svg: String,
    edges: Vec<EdgeRow>,
    nodes: usize,
    records: usize,
    left_out: usize,
    exports: Vec<(String, &'static str)>,
}

pub(crate) async fn show(
    State(archive): State<Shared>,
    PageQuery(params): PageQuery<NetworkParams>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let party = params.party.unwrap_or_default();
    let from = params.from.unwrap_or_default();
    let until = params.until.unwrap_or_default();
    let mut chrome = Chrome::plain("Correspondence network");
    let empty = NetworkPage {
        chrome: Chrome::plain("Correspondence network"),
        party: party.clone(),
        from: from.clone(),
        until: until.clone(),
        name: None,
        party_href: String::new(),
        svg: String::new(),
        edges: Vec::new(),
        nodes: 0,
        records: 0,
        left_out: 0,
        exports: Vec::new(),
    };
    if party.trim().is_empty() {
        return Ok(crate::html::chrome::html_response(empty.render()?));
    }
    let day = |text: &str, last| -> Result<_, PageError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        range_day(text.trim(), last).map(Some).map_err(PageError::bad_request)
    };
    let (first, last) = (day(&from, false)?, day(&until, true)?);
    let key = format!("network|{party}|{from}|{until}");
    if let Some(page) = archive.cached_page(&key) {
        return Ok(cached_html(page, accepts_gzip(&headers)));
    }
    let generation = archive.generation();
    let Some(named) =
        crate::parties::find(&archive, &party).await.map_err(|e| PageError::internal(&e))?
    else {
        return Err(PageError::not_found(format!(
            "The archive knows no person, organization or country `{}`.",
            party.chars().take(80).collect::<String>()
        )));
    };
    let graph = network(&archive, named, first, last).await.map_err(|e| PageError::internal(&e))?;
    chrome.title = graph.description();
    let query = format!(
        "party={}&from={}&until={}",
        query_value(graph.party.party.id()),
        query_value(&from),
        query_value(&until)
    );
    let page = NetworkPage {
        chrome,
        party,
        from,
        until,
        name: Some(graph.party.name.clone()),
        party_href: graph.party.href.clone(),
        svg: svg(&graph),
        edges: graph
            .edges
            .iter()
            .map(|e| EdgeRow {
                source: graph.nodes[e.source].name.clone(),
                target: graph.nodes[e.target].name.clone(),
                kind: if e.conversation { "conversations" } else { "letters" },
                count: e.count,
                href: graph.edge_href(e),
            })
            .collect(),
        nodes: graph.nodes.len(),
        records: graph.records,
        left_out: graph.left_out,
        exports: vec![
            (format!("/api/v1/network?{query}"), "JSON"),
            (format!("/api/v1/network?{query}&format=gexf"), "GEXF (Gephi)"),
            (format!("/api/v1/network?{query}&format=graphml"), "GraphML"),
        ],
    };
    Ok(keep(&archive, &key, page.render()?, accepts_gzip(&headers), generation))
}

/// The longest label drawn beside a node, in characters (the whole name is its title).
const MAX_LABEL_CHARS: usize = 32;

/// A node's label: its name, cut at [`MAX_LABEL_CHARS`] with an ellipsis.
fn label(name: &str) -> String {
    if name.chars().count() <= MAX_LABEL_CHARS {
        return name.to_string();
    }
    let cut: String = name.chars().take(MAX_LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The graph on a circle: the party's own people and bodies first, so that they sit together;
/// a node's size by its records, an edge's width by its count.
fn svg(graph: &Network) -> String {
    if graph.nodes.is_empty() {
        return String::new();
    }
    let (width, height) = (1000.0_f64, 760.0_f64);
    let (cx, cy, radius) = (width / 2.0, height / 2.0, 280.0_f64);
    let mut order: Vec<usize> = (0..graph.nodes.len()).collect();
    order.sort_by_key(|&n| (!graph.nodes[n].inside, n));
    let mut at = vec![(0.0, 0.0); graph.nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        let angle = 2.0 * PI * i as f64 / order.len() as f64 - PI / 2.0;
        at[n] = (cx + radius * angle.cos(), cy + radius * angle.sin());
    }
    let max_node = graph.nodes.iter().map(|n| n.count).max().unwrap_or(1).max(1) as f64;
    let max_edge = graph.edges.iter().map(|e| e.count).max().unwrap_or(1).max(1) as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"network\" viewBox=\"0 0 {width} {height}\" role=\"group\" aria-label=\"{}: {} correspondents, {} links; each line is a link to the relation\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"arrowhead\"/></marker></defs>",
        escape(&graph.description()),
        graph.nodes.len(),
        graph.edges.len()
    );
    for edge in graph.edges.iter().rev() {
        let ((x1, y1), (x2, y2)) = (at[edge.source], at[edge.target]);
        let source = &graph.nodes[edge.source].name;
        let target = &graph.nodes[edge.target].name;
        let what = if edge.conversation {
            format!("{source} and {target}: {} conversation(s)", edge.count)
        } else {
            format!("{source} → {target}: {} letter(s)", edge.count)
        };
        let line = format!(
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" class=\"{}\" stroke-width=\"{:.1}\"{}><title>{}</title></line>",
            if edge.conversation { "edge conversation" } else { "edge" },
            1.0 + 5.0 * edge.count as f64 / max_edge,
            if edge.conversation { "" } else { " marker-end=\"url(#arrow)\"" },
            escape(&what)
        );
        match graph.edge_href(edge) {
            // A wide transparent line over the drawn one, so that a thin line is easy to hit.
            Some(href) => {
                let _ = write!(
                    out,
                    "<a href=\"{}\">{line}<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" class=\"hit\"/></a>",
                    escape(&href)
                );
            }
            None => out.push_str(&line),
        }
    }
    for (n, node) in graph.nodes.iter().enumerate() {
        let (x, y) = at[n];
        let r = 4.0 + 10.0 * (node.count as f64 / max_node).sqrt();
        let (lx, anchor) = if x >= cx { (x + r + 4.0, "start") } else { (x - r - 4.0, "end") };
        let _ = write!(
            out,
            "<g class=\"node{}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"><title>{}: {} record(s)</title></circle><text x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text></g>",
            if node.inside { " inside" } else { "" },
            escape(&node.name),
            node.count,
            y + 4.0,
            escape(&label(&node.name)),
        );
    }
    out.push_str("</svg>");
    out
}
