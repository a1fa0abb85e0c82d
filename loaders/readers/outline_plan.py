"""Shared reader steps for outline-shaped plans: Document node, Plan root, outline tree, and the
profile sections they read."""

from __future__ import annotations

from typing import TypeVar

from pydantic import Field

from graph.model import EdgeType, Node, NodeKind
from loaders.context import DocInput, DocResult, Profile, ProfileSection
from loaders.outline import OutlineItem, OutlineSpec, outline_nodes, parse_outline


class RootSpec(ProfileSection):
    # The kind of the node the document describes (the root of its hierarchy).
    kind: NodeKind = NodeKind.PLAN


class PlanProfile(Profile):
    """A profile of a document that describes a plan (its root node)."""

    root: RootSpec = Field(default_factory=RootSpec)


class OutlinePlanProfile(PlanProfile):
    """A plan whose tree the generic outline parser reads (the profile's `outline`)."""

    outline: OutlineSpec

    def region_ends(self) -> list[str]:
        return [self.outline.region_end] if self.outline.region_end else []


PP = TypeVar("PP", bound=PlanProfile)
OP = TypeVar("OP", bound=OutlinePlanProfile)


def plan_root(doc: DocInput[PP], result: DocResult) -> Node:
    """The Document node and the Plan node it describes (the root of the plan's hierarchy)."""
    doc_node = result.add_node(doc.document_node())
    plan = result.add_node(
        Node(
            id=f"{doc.meta.id}:plan",
            kind=doc.profile.root.kind,
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


def read_outline(doc: DocInput[OP], result: DocResult, root: Node) -> tuple[OutlineSpec, list[OutlineItem], list[Node]]:
    spec = doc.profile.outline
    items = parse_outline(doc.source, spec)
    nodes = outline_nodes(doc, spec, items, root.id, result)
    return spec, items, nodes
