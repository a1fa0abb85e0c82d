"""Rows and model objects: what the Neo4j store writes for a node, an edge and a document, and how it
reads them back; and the check of a batch before any of it is written."""

from __future__ import annotations

import json
from typing import Any

from core.hierarchy import document_order as doc_order
from graph.model import Edge, EdgeType, GraphBatch, Node, NodeKind, Provenance
from graph.store import Ranked

Row = dict[str, Any]


def node_props(n: Node, slot: str, assigned: bool) -> Row:
    attrs = n.model_dump(mode="json")["attrs"]
    return {
        "g": slot,
        "id": n.id,
        "kind": n.kind.value,
        "title": n.title,
        "document": n.provenance.document,
        "line_start": n.provenance.line_start,
        "line_end": n.provenance.line_end,
        "quote": n.provenance.quote,
        "note": n.provenance.note,
        "number": n.number,
        "order": n.order,
        "attrs": json.dumps(attrs, ensure_ascii=False),
        "assigned": assigned,
    }


def edge_props(e: Edge) -> Row:
    return {
        "document": e.provenance.document,
        "line_start": e.provenance.line_start,
        "line_end": e.provenance.line_end,
        "quote": e.provenance.quote,
        "note": e.provenance.note,
        "attrs": json.dumps(e.model_dump(mode="json")["attrs"], ensure_ascii=False),
    }


def to_provenance(p: Row) -> Provenance:
    return Provenance(
        document=p["document"],
        line_start=p["line_start"],
        line_end=p["line_end"],
        quote=p["quote"],
        note=p.get("note"),
    )


def to_node(p: Row) -> Node:
    return Node(
        id=p["id"],
        kind=NodeKind(p["kind"]),
        title=p["title"],
        provenance=to_provenance(p),
        number=p.get("number"),
        order=p["order"],
        attrs=json.loads(p.get("attrs") or "{}"),
    )


def to_edge(source: str, target: str, type_: str, p: Row) -> Edge:
    return Edge(
        source=source,
        target=target,
        type=EdgeType(type_),
        provenance=to_provenance(p),
        attrs=json.loads(p.get("attrs") or "{}"),
    )


def ranked_ancestors(node_id: str, rows: list[Row]) -> list[Ranked]:
    out: list[Ranked] = []
    seen = {node_id}
    for r in sorted(rows, key=lambda r: r["depth"]):
        n = to_node(r["n"])
        if n.id in seen:  # a cycle: stop where the walk comes back, as the embedded store does
            break
        seen.add(n.id)
        out.append(Ranked(n, r["depth"], r["parent"]))
    return out


def ranked_descendants(node_id: str, rows: list[Row]) -> list[Ranked]:
    best: dict[str, Ranked] = {}
    for r in rows:
        n = to_node(r["n"])
        if n.id == node_id:
            continue
        if n.id not in best or r["depth"] < best[n.id].depth:
            best[n.id] = Ranked(n, r["depth"], r["parent"])
    return sorted(best.values(), key=lambda x: (x.depth, *doc_order(x.node)))


def validate(batch: GraphBatch) -> None:
    """The same rules as the embedded store, checked before anything is written."""
    ids: set[str] = set()
    for n in batch.nodes:
        if n.id in ids:
            raise ValueError(f"duplicate node id {n.id!r}")
        ids.add(n.id)
    keys: set[tuple[str, str, str]] = set()
    has_parent: set[str] = set()
    for e in batch.edges:
        for end in (e.source, e.target):
            if end not in ids:
                raise ValueError(f"edge {e.type} {e.source} -> {e.target}: unknown node {end!r}")
        if e.key in keys:
            # A relationship database would store it twice; the interface has one edge per key.
            raise ValueError(f"duplicate edge {e.type} {e.source} -> {e.target}")
        keys.add(e.key)
        if e.type is EdgeType.CONTAINS:
            if e.target in has_parent:
                raise ValueError(f"node {e.target!r} has two parents")
            has_parent.add(e.target)
