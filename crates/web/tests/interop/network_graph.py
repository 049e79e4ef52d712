"""A party's correspondence network read by networkx, as Gephi users' scripts read it: the GEXF
and GraphML exports parse, hold the same nodes and edges as the JSON answer, with the same
weights, and a conversation's edges are undirected.

    python network_graph.py BASE_URL PARTY
"""

import io
import json
import sys
import urllib.request

import networkx as nx


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def main():
    base, party = sys.argv[1], sys.argv[2]
    url = f"{base}/api/v1/network?party={party}"
    answer = json.loads(fetch(url))
    nodes = {n["id"] for n in answer["nodes"]}
    letters = {(e["source"], e["target"]): e["count"] for e in answer["edges"] if e["kind"] == "letters"}
    talks = {frozenset((e["source"], e["target"])): e["count"] for e in answer["edges"] if e["kind"] == "conversations"}
    assert nodes and (letters or talks), f"an empty network for {party}: nothing to compare"

    gexf = nx.read_gexf(io.BytesIO(fetch(url + "&format=gexf")))
    graphml = nx.read_graphml(io.BytesIO(fetch(url + "&format=graphml")))
    for name, graph in (("GEXF", gexf), ("GraphML", graphml)):
        assert set(graph.nodes) == nodes, f"{name}: nodes differ"
        seen_letters, seen_talks = {}, {}
        for source, target, data in graph.edges(data=True):
            weight = int(float(data.get("weight", 0)))
            kind = data.get("kind") or data.get("edge_kind")
            if kind == "letters":
                seen_letters[(source, target)] = weight
            else:
                seen_talks[frozenset((source, target))] = weight
        assert seen_letters == letters, f"{name}: letters differ: {seen_letters} against {letters}"
        assert seen_talks == talks, f"{name}: conversations differ: {seen_talks} against {talks}"
        print(f"ok   {name} read by networkx {nx.__version__}: {graph.number_of_nodes()} nodes, "
              f"{graph.number_of_edges()} edges, as the JSON answer")


if __name__ == "__main__":
    main()
