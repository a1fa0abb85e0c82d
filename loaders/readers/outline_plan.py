"""Shared reader steps for outline-shaped plans: Document node, Plan root, outline tree."""

from __future__ import annotations

from graph.model import EdgeType, Node, NodeKind
from loaders.context import DocInput, DocResult
from loaders.outline import OutlineItem, OutlineSpec, outline_nodes, parse_outline


def plan_root(doc: DocInput, result: DocResult) -> Node:
    """The Document node and the Plan node it describes (the root of the plan's hierarchy)."""
    doc_node = result.add_node(doc.document_node())
    plan = result.add_node(
        Node(
            id=f"{doc.meta.id}:plan",
            kind=NodeKind(doc.profile.get("root", {}).get("kind", "Plan")),
            title=doc.meta.title,
            provenance=doc_node.provenance,
            order=0,
            attrs={
                "short_name": doc.meta.short_name,
                "aliases": doc.meta.aliases,
                "period_start": doc.meta.period_start,
                "period_end": doc.meta.period_end,
            },
        )
    )
    result.add_edge(doc_node.id, plan.id, EdgeType.DESCRIBES, doc_node.provenance)
    return plan


def read_outline(doc: DocInput, result: DocResult, root: Node) -> tuple[OutlineSpec, list[OutlineItem], list[Node]]:
    spec = OutlineSpec.model_validate(doc.profile["outline"])
    items = parse_outline(doc.source, spec)
    nodes = outline_nodes(doc, spec, items, root.id, result)
    return spec, items, nodes
