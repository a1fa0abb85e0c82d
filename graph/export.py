"""Export the served graph as JSON (a public contract, see README) or GraphML (Gephi/yEd).

Export reads only through the GraphStore interface, so both stores export the same bytes for the
same corpus.
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from graph.model import EdgeType, Node, NodeKind
from graph.store import GraphStore, Responsibility, Role


def _node_record(n: Node, parent: str | None, resp: list[Responsibility]) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": n.id, "kind": n.kind.value}
    if n.kind is NodeKind.AGENCY:
        rec["name"] = n.title
        rec["aliases"] = list(n.attrs.get("aliases", []))
    else:
        rec["title"] = n.title
    rec.update(
        {
            "document": n.document,
            "line": n.provenance.line_start,
            "line_end": n.provenance.line_end,
            "quote": n.provenance.quote,
            "number": n.number,
            "parent": parent,
        }
    )
    if n.kind is not NodeKind.AGENCY and n.kind is not NodeKind.DOCUMENT:
        own = [r for r in resp if r.explicit]
        inh = [r for r in resp if not r.explicit]
        # lead, co, responsible, then inherited_lead, inherited_co, inherited_responsible
        for prefix, rs in (("", own), ("inherited_", inh)):
            for role in Role:
                rec[prefix + role.value] = [r.agency.id for r in rs if r.role is role]
        rec["inherited_from"] = inh[0].via if inh else None
    rec["attrs"] = dict(sorted(n.attrs.items()))
    return rec


def export_dict(store: GraphStore) -> dict[str, Any]:
    # One generation, even if a reload swaps the graph meanwhile, held for as long as the export runs.
    with store.reading() as view:
        return _export(view)


def _export(store: GraphStore) -> dict[str, Any]:
    nodes = store.nodes()
    parents = {e.target: e.source for e in store.edges(types=[EdgeType.CONTAINS])}
    edges = store.edges()
    return {
        "generation": (g.generation if (g := store.generation()) else None),
        "documents": [d.model_dump(mode="json") for d in store.documents()],
        "nodes": [
            _node_record(n, parents.get(n.id), resp)
            for n, resp in zip(nodes, store.responsible_for_many([n.id for n in nodes]), strict=True)
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "type": e.type.value,
                "document": e.provenance.document,
                "line": e.provenance.line_start,
                "line_end": e.provenance.line_end,
                "quote": e.provenance.quote,
                "note": e.provenance.note,
                "attrs": dict(sorted(e.attrs.items())),
            }
            for e in edges
        ],
    }


def export_json(store: GraphStore) -> str:
    return json.dumps(export_dict(store), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _flat(value: Any) -> str | int | float | bool:
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def export_graphml(store: GraphStore) -> str:
    data = export_dict(store)
    g = nx.MultiDiGraph()
    for n in data["nodes"]:
        attrs = {k: _flat(v) for k, v in n.items() if k != "id" and v is not None}
        attrs["label"] = n.get("title") or n.get("name") or n["id"]
        g.add_node(n["id"], **attrs)
    for i, e in enumerate(data["edges"]):
        attrs = {k: _flat(v) for k, v in e.items() if k not in ("source", "target") and v is not None}
        g.add_edge(e["source"], e["target"], key=f"e{i}", **attrs)
    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")
