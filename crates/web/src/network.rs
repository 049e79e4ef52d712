//! A party's correspondence network: who wrote to whom among the records a party is a
//! correspondent of, within a date range, with counts; as a graph for the site, as JSON, and as
//! GEXF 1.2 or GraphML for tools such as Gephi.
//!
//! A node is a person or an organization of the archive (a correspondent whose name resolves
//! to neither is a node by its name, not linked); an edge runs from each author to each
//! recipient of a letter (directed), or joins two participants of a conversation (undirected),
//! and counts the records. The graph keeps the [`MAX_NETWORK_NODES`] nodes with the most records
//! and the edges between them.

use std::collections::HashMap;
use std::fmt::Write as _;

use chancery_model::date::{CalendarDay, Edtf};

use crate::Shared;
use crate::html::markup::escape;
use crate::parties::{Failure, Named, Party, Side};

/// The most nodes a network keeps (those on the most records).
pub(crate) const MAX_NETWORK_NODES: usize = 60;

/// A node: a correspondent.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// `person:<id>`, `organization:<id>`, or `name:<name>` for a name the archive does not
    /// resolve.
    pub(crate) key: String,
    pub(crate) party: Option<Party>,
    pub(crate) name: String,
    /// Records the node is a correspondent of.
    pub(crate) count: usize,
    /// Whether it is the party itself or one of its people and bodies.
    pub(crate) inside: bool,
}

/// An edge: letters from one node to another, or conversations between two.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) source: usize,
    pub(crate) target: usize,
    pub(crate) conversation: bool,
    pub(crate) count: usize,
}

/// A party's network within a date range.
#[derive(Debug, Clone)]
pub(crate) struct Network {
    pub(crate) party: Named,
    pub(crate) from: Option<CalendarDay>,
    pub(crate) until: Option<CalendarDay>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) edges: Vec<Edge>,
    /// Records the network is drawn from.
    pub(crate) records: usize,
    /// Nodes left out past [`MAX_NETWORK_NODES`].
    pub(crate) left_out: usize,
}

/// A date range's end as a day: the first day `from` allows, the last `until` allows.
pub(crate) fn range_day(text: &str, last: bool) -> Result<CalendarDay, String> {
    let edtf: Edtf = text.parse().map_err(|e| {
        format!(
            "`{}` is not a date ({e}): write 1954, 1954-08 or 1954-08-11",
            text.chars().take(40).collect::<String>()
        )
    })?;
    let (first, end) = edtf.bounds();
    let day = if last { end.or(first) } else { first.or(end) };
    day.ok_or_else(|| format!("`{text}` has no day to begin or end at"))
}

fn node_key(side: &Side) -> (String, Option<Party>) {
    match side.who() {
        Some(party) => (format!("{}:{}", party.kind(), party.id()), Some(party.clone())),
        None => (format!("name:{}", side.name), None),
    }
}

/// The network of `party` from `from` to `until` (inclusive; either open).
pub(crate) async fn network(
    archive: &Shared,
    party: Named,
    from: Option<CalendarDay>,
    until: Option<CalendarDay>,
) -> Result<Network, Failure> {
    let table = crate::relations::table(archive).await?;
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut edges: HashMap<(usize, usize, bool), usize> = HashMap::new();
    let mut records = 0;
    for entry in table.records_with(&party.party) {
        let inside = |day: Option<CalendarDay>| {
            from.is_none_or(|f| day.is_some_and(|d| d >= f))
                && until.is_none_or(|u| day.is_some_and(|d| d <= u))
        };
        if !inside(entry.day) {
            continue;
        }
        records += 1;
        let mut node_of = |side: &Side| -> usize {
            let (key, who) = node_key(side);
            let n = *index.entry(key.clone()).or_insert_with(|| {
                nodes.push(Node {
                    key,
                    party: who,
                    name: side.name.clone(),
                    count: 0,
                    inside: false,
                });
                nodes.len() - 1
            });
            if side.is(&party.party) {
                nodes[n].inside = true;
            }
            n
        };
        let mut on_record: Vec<usize> = Vec::new();
        if entry.conversation {
            let with: Vec<usize> = entry.with.iter().map(&mut node_of).collect();
            for (i, x) in with.iter().enumerate() {
                for y in &with[i + 1..] {
                    if x != y {
                        let (s, t) = if x < y { (*x, *y) } else { (*y, *x) };
                        *edges.entry((s, t, true)).or_default() += 1;
                    }
                }
            }
            on_record.extend(with);
        } else {
            let from_nodes: Vec<usize> = entry.from.iter().map(&mut node_of).collect();
            let to_nodes: Vec<usize> = entry.to.iter().map(&mut node_of).collect();
            for x in &from_nodes {
                for y in &to_nodes {
                    if x != y {
                        *edges.entry((*x, *y, false)).or_default() += 1;
                    }
                }
            }
            on_record.extend(from_nodes);
            on_record.extend(to_nodes);
        }
        on_record.sort_unstable();
        on_record.dedup();
        for n in on_record {
            nodes[n].count += 1;
        }
    }
    // The busiest nodes, then their edges renumbered.
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|&x, &y| {
        nodes[y].count.cmp(&nodes[x].count).then_with(|| nodes[x].key.cmp(&nodes[y].key))
    });
    let left_out = order.len().saturating_sub(MAX_NETWORK_NODES);
    order.truncate(MAX_NETWORK_NODES);
    let renumber: HashMap<usize, usize> = order.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let mut kept: Vec<Node> = order.iter().map(|&n| nodes[n].clone()).collect();
    let years: Vec<i32> = table
        .records_with(&party.party)
        .filter_map(|e| e.day.map(|d| d.year))
        .filter(|y| from.is_none_or(|f| *y >= f.year) && until.is_none_or(|u| *y <= u.year))
        .collect();
    // Persons and countries under their names; an organization under a name the archive
    // knows for it, else as its first record writes it.
    for node in &mut kept {
        match &node.party {
            Some(p @ (Party::Person(_) | Party::Country(_))) => {
                node.name = crate::parties::name_of(archive, p, &years).await?;
            }
            Some(Party::Organization(id)) => {
                if let Some(known) = chancery_model::organization::Organization::known_by_id(id) {
                    node.name = known.name;
                }
            }
            None => {}
        }
    }
    let mut edges: Vec<Edge> = edges
        .into_iter()
        .filter_map(|((s, t, conversation), count)| {
            Some(Edge {
                source: *renumber.get(&s)?,
                target: *renumber.get(&t)?,
                conversation,
                count,
            })
        })
        .collect();
    edges.sort_by(|x, y| {
        y.count.cmp(&x.count).then_with(|| {
            (x.source, x.target, x.conversation).cmp(&(y.source, y.target, y.conversation))
        })
    });
    Ok(Network { party, from, until, nodes: kept, edges, records, left_out })
}

impl Network {
    /// The relation page an edge leads to, where both ends are parties.
    pub(crate) fn edge_href(&self, edge: &Edge) -> Option<String> {
        let (Some(a), Some(b)) = (&self.nodes[edge.source].party, &self.nodes[edge.target].party)
        else {
            return None;
        };
        Some(format!("/relations/{}/{}", a.id(), b.id()))
    }

    /// The graph in GEXF 1.2 (the version both Gephi and networkx read; networkx reads no 1.3):
    /// nodes with their kind and count, edges with their weight and kind. Every edge is written
    /// directed, since networkx reads no graph that mixes both: a conversation's edge says so by
    /// its kind (`conversations`), and its direction means nothing.
    pub(crate) fn gexf(&self, base: &str) -> String {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n",
        );
        let _ = writeln!(
            out,
            "  <meta><creator>Chancery</creator><description>{}</description></meta>",
            xml(&self.description())
        );
        out.push_str("  <graph defaultedgetype=\"directed\" mode=\"static\">\n");
        out.push_str("    <attributes class=\"node\"><attribute id=\"kind\" title=\"kind\" type=\"string\"/><attribute id=\"records\" title=\"records\" type=\"integer\"/><attribute id=\"url\" title=\"url\" type=\"string\"/></attributes>\n");
        out.push_str("    <attributes class=\"edge\"><attribute id=\"kind\" title=\"kind\" type=\"string\"/><attribute id=\"url\" title=\"url\" type=\"string\"/></attributes>\n");
        out.push_str("    <nodes>\n");
        for node in &self.nodes {
            let _ = writeln!(
                out,
                "      <node id=\"{}\" label=\"{}\"><attvalues><attvalue for=\"kind\" value=\"{}\"/><attvalue for=\"records\" value=\"{}\"/><attvalue for=\"url\" value=\"{}\"/></attvalues></node>",
                xml(&node.key),
                xml(&node.name),
                node.party.as_ref().map_or("name", Party::kind),
                node.count,
                xml(&self.node_url(node, base)),
            );
        }
        out.push_str("    </nodes>\n    <edges>\n");
        for (n, edge) in self.edges.iter().enumerate() {
            let _ = writeln!(
                out,
                "      <edge id=\"{n}\" source=\"{}\" target=\"{}\" weight=\"{}\"><attvalues><attvalue for=\"kind\" value=\"{}\"/><attvalue for=\"url\" value=\"{}\"/></attvalues></edge>",
                xml(&self.nodes[edge.source].key),
                xml(&self.nodes[edge.target].key),
                edge.count,
                if edge.conversation { "conversations" } else { "letters" },
                xml(&self.edge_href(edge).map(|h| format!("{base}{h}")).unwrap_or_default()),
            );
        }
        out.push_str("    </edges>\n  </graph>\n</gexf>\n");
        out
    }

    /// The graph in GraphML: the same nodes and edges, written as [`Network::gexf`] writes them.
    pub(crate) fn graphml(&self, base: &str) -> String {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
        );
        for (id, domain, kind) in [
            ("label", "node", "string"),
            ("kind", "node", "string"),
            ("records", "node", "int"),
            ("url", "node", "string"),
            ("weight", "edge", "int"),
            ("edge_kind", "edge", "string"),
            ("edge_url", "edge", "string"),
        ] {
            let name = id.trim_start_matches("edge_");
            let _ = writeln!(
                out,
                "  <key id=\"{id}\" for=\"{domain}\" attr.name=\"{name}\" attr.type=\"{kind}\"/>"
            );
        }
        let _ =
            writeln!(out, "  <graph id=\"{}\" edgedefault=\"directed\">", xml(&self.description()));
        for node in &self.nodes {
            let _ = writeln!(
                out,
                "    <node id=\"{}\"><data key=\"label\">{}</data><data key=\"kind\">{}</data><data key=\"records\">{}</data><data key=\"url\">{}</data></node>",
                xml(&node.key),
                xml(&node.name),
                node.party.as_ref().map_or("name", Party::kind),
                node.count,
                xml(&self.node_url(node, base)),
            );
        }
        for edge in &self.edges {
            let _ = writeln!(
                out,
                "    <edge source=\"{}\" target=\"{}\"><data key=\"weight\">{}</data><data key=\"edge_kind\">{}</data><data key=\"edge_url\">{}</data></edge>",
                xml(&self.nodes[edge.source].key),
                xml(&self.nodes[edge.target].key),
                edge.count,
                if edge.conversation { "conversations" } else { "letters" },
                xml(&self.edge_href(edge).map(|h| format!("{base}{h}")).unwrap_or_default()),
            );
        }
        out.push_str("  </graph>\n</graphml>\n");
        out
    }

    fn node_url(&self, node: &Node, base: &str) -> String {
        match &node.party {
            Some(Party::Person(id)) => format!("{base}{}", crate::html::chrome::person_path(id)),
            Some(Party::Organization(id)) => {
                format!("{base}{}", crate::html::chrome::organization_path(id))
            }
            Some(Party::Country(id)) => format!("{base}{}", crate::html::chrome::country_path(id)),
            None => String::new(),
        }
    }

    /// "Correspondence of Yugoslavia, 1954-01-01 to 1956-12-31".
    pub(crate) fn description(&self) -> String {
        let mut text = format!("Correspondence of {}", self.party.name);
        match (self.from, self.until) {
            (Some(f), Some(u)) => {
                let _ = write!(text, ", {f} to {u}");
            }
            (Some(f), None) => {
                let _ = write!(text, ", from {f}");
            }
            (None, Some(u)) => {
                let _ = write!(text, ", until {u}");
            }
            (None, None) => {}
        }
        text
    }
}

/// Text for an XML export: escaped, and without the control characters XML 1.0 cannot hold.
fn xml(text: &str) -> String {
    let kept: String =
        text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
    escape(&kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_runs_from_the_first_day_to_the_last() {
        assert_eq!(range_day("1954", false).unwrap().to_string(), "1954-01-01");
        assert_eq!(range_day("1954", true).unwrap().to_string(), "1954-12-31");
        assert_eq!(range_day("1954-02", true).unwrap().to_string(), "1954-02-28");
        assert!(range_day("June 1954", false).unwrap_err().contains("is not a date"));
    }
}
