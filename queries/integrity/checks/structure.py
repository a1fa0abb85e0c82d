"""Structural checks: ids, edges and the plan hierarchy (CONTAINS)."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import networkx as nx

from core.numbering import numeral_value
from core.text import match_key
from graph.model import HIERARCHY_KINDS, EdgeType, Node, NodeKind
from queries.integrity.catalogue import Findings, check, edge_evidence, node_evidence
from queries.integrity.context import CheckContext, GraphIndex
from queries.integrity.model import Severity

CROSS_PLAN_TYPES = frozenset(
    {EdgeType.CITES, EdgeType.CONTINUES, EdgeType.SUCCEEDS, EdgeType.REPORTS_ON, EdgeType.COVERS, EdgeType.MENTIONS}
)


@check(
    "duplicate-id",
    Severity.ERROR,
    "Ids must be unique and deterministic: two nodes with one id make every lookup and link ambiguous.",
)
def duplicate_ids(ctx: CheckContext, out: Findings) -> None:
    groups = dict(ctx.index.duplicate_ids)
    if ctx.batch is not None and ctx.index.origin == "store":
        # A store may refuse or silently merge duplicates: the batch shows what the load produced.
        counts = Counter(n.id for n in ctx.batch.nodes)
        for n in ctx.batch.nodes:
            if counts[n.id] > 1:
                groups.setdefault(n.id, [])
                if n not in groups[n.id]:
                    groups[n.id].append(n)
    for node_id, nodes in sorted(groups.items()):
        out.add(
            f"{len(nodes)} nodes share the id {node_id!r}",
            focus=node_id,
            evidence=[node_evidence(n) for n in nodes],
        )


def _edges_to_check(ctx: CheckContext) -> list[GraphIndex]:
    indexes = [ctx.index]
    if ctx.batch is not None and ctx.index.origin == "store":
        indexes.append(GraphIndex.from_batch(ctx.batch))
    return indexes


@check(
    "dangling-edge",
    Severity.ERROR,
    "An edge whose source or target is not in the graph leads nowhere: lineage and responsibility "
    "answers that follow it break.",
)
def dangling_edges(ctx: CheckContext, out: Findings) -> None:
    seen: set[tuple[str, str, str, str]] = set()
    for index in _edges_to_check(ctx):
        for e in index.edges:
            # A cross-plan link's missing target is reported by unknown-plan-reference.
            ends = (e.source,) if e.type in CROSS_PLAN_TYPES else (e.source, e.target)
            for end in ends:
                key = (*e.key, end)
                if end not in index.by_id and key not in seen:
                    seen.add(key)
                    out.add(
                        f"{e.type.value} edge {e.source} -> {e.target}: no node {end!r}",
                        focus=e.source if end == e.target else None,
                        evidence=[edge_evidence(e)],
                    )


def _gazetteer_entry(node: Node, gazetteer: set[str]) -> bool:
    # Known: the node names its entry (attrs["gazetteer"]), its id is an entry id or ends in one
    # ("plan/digi-plus"), or it comes from reference data (a `ref:` provenance, as agencies do).
    if node.provenance.document.startswith("ref:"):
        return True
    tail = node.id.replace(":", "/").rsplit("/", 1)[-1]
    return bool({str(node.attrs.get("gazetteer")), node.id, tail} & gazetteer)


@check(
    "unknown-plan-reference",
    Severity.ERROR,
    "A cross-plan link (CITES, CONTINUES, SUCCEEDS, REPORTS_ON, COVERS, MENTIONS) to a plan that is not "
    "in the graph cannot be followed.",
)
def unknown_plan_references(ctx: CheckContext, out: Findings) -> None:
    seen: set[tuple[str, str, str]] = set()
    for index in _edges_to_check(ctx):
        for e in index.edges:
            if e.type in CROSS_PLAN_TYPES and e.target not in index.by_id and e.key not in seen:
                seen.add(e.key)
                out.add(
                    f"{e.type.value} from {e.source} to {e.target!r}, which is not in the graph",
                    focus=e.source,
                    evidence=[edge_evidence(e)],
                )


@check(
    "unlisted-external-plan",
    Severity.WARNING,
    "A cross-plan link to an external plan (one no bundled document describes) should name a plan of "
    "the plan gazetteer (data/plans.yaml), so one plan is one node however documents spell it.",
)
def unlisted_external_plans(ctx: CheckContext, out: Findings) -> None:
    index = ctx.index
    gazetteer = ctx.plan_gazetteer
    reported: set[str] = set()
    for e in index.edges:
        target = index.by_id.get(e.target)
        if e.type not in CROSS_PLAN_TYPES or target is None or target.id in reported:
            continue
        if target.kind is NodeKind.PLAN and target.attrs.get("external") and not _gazetteer_entry(target, gazetteer):
            reported.add(target.id)
            out.add(
                f"external plan {target.title!r} ({target.id}) is referenced ({e.type.value} from {e.source}) "
                "but has no gazetteer entry",
                focus=target.id,
                evidence=[edge_evidence(e)],
            )


@check(
    "multiple-parents",
    Severity.ERROR,
    "The hierarchy is a tree: an item with two parents has two lineages and is counted twice.",
)
def multiple_parents(ctx: CheckContext, out: Findings) -> None:
    index = ctx.index
    for child, parents in index.parents.items():
        distinct = sorted(set(parents))
        if len(distinct) > 1:
            ev = [edge_evidence(e) for e in index.edges if e.type is EdgeType.CONTAINS and e.target == child]
            out.add(f"{child} has {len(distinct)} parents: {', '.join(distinct)}", focus=child, evidence=ev)


def _cycles(index: GraphIndex) -> list[list[str]]:
    g: nx.DiGraph = nx.DiGraph()
    g.add_edges_from((e.source, e.target) for e in index.edges if e.type is EdgeType.CONTAINS)
    out: list[list[str]] = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) > 1 or any(g.has_edge(n, n) for n in comp):
            out.append(sorted(comp))
    return sorted(out)


@check(
    "hierarchy-cycle",
    Severity.ERROR,
    "A cycle in CONTAINS makes an item its own ancestor: lineage never reaches a plan.",
)
def hierarchy_cycles(ctx: CheckContext, out: Findings) -> None:
    index = ctx.index
    for members in _cycles(index):
        nodes = [index.by_id[m] for m in members if m in index.by_id]
        out.add(
            f"CONTAINS cycle through {len(members)} node(s): {' -> '.join(members)}",
            focus=members[0],
            evidence=[node_evidence(n) for n in nodes],
        )


def _is_root(index: GraphIndex, node: Node) -> bool:
    return node.kind is NodeKind.PLAN or node.id in index.described


@check(
    "orphan-item",
    Severity.ERROR,
    "Every plan item must descend from a plan (and every target hang from an item), else lineage "
    "questions cannot be answered for it.",
)
def orphan_items(ctx: CheckContext, out: Findings) -> None:
    index = ctx.index
    has_target_edge = {e.target for e in index.edges if e.type is EdgeType.HAS_TARGET}
    for node in index.nodes:
        if node.kind is NodeKind.TARGET:
            if node.id not in has_target_edge:
                out.add(f"target {node.id} belongs to no item (no HAS_TARGET edge)", node.id, [node_evidence(node)])
            continue
        if node.kind not in HIERARCHY_KINDS or _is_root(index, node) or index.parents.get(node.id):
            continue
        below = len(index.descendants(node.id))
        extra = f"; it and its {below} descendant(s) are under no plan" if below else "; it is under no plan"
        out.add(f"{node.kind.value} {node.id} has no parent{extra}", node.id, [node_evidence(node)])


@check(
    "duplicate-title",
    Severity.WARNING,
    "Two items with the same title under one parent are usually one item read twice (or a page "
    "repeated by the PDF conversion).",
)
def duplicate_titles(ctx: CheckContext, out: Findings) -> None:
    index = ctx.index
    for parent_id, kids in index.children.items():
        groups: dict[str, list[Node]] = {}
        for k in kids:
            key = match_key(k.title)
            if key:
                groups.setdefault(key, []).append(k)
        for same in groups.values():
            if len(same) > 1:
                out.add(
                    f"{len(same)} children of {parent_id} have the title {same[0].title!r}: "
                    + ", ".join(n.id for n in same),
                    focus=same[1].id,
                    evidence=[node_evidence(n) for n in same],
                )


@check(
    "numbering-sequence",
    Severity.WARNING,
    "Siblings numbered 1, 2, 4 or 1, 2, 2 mean an item was lost, split or read twice (a list that starts "
    "past 1 is reported as info).",
)
def numbering_sequence(ctx: CheckContext, out: Findings) -> None:
    index = ctx.index
    for parent_id, kids in index.children.items():
        by_kind: dict[NodeKind, list[tuple[int, Node]]] = {}
        for k in kids:
            value = numeral_value(k.number) if k.number else None
            if value is not None:
                by_kind.setdefault(k.kind, []).append((value, k))
        for kind, seq in by_kind.items():
            shown = ", ".join(n.number or "?" for _, n in seq)
            first_value, first = seq[0]
            if first_value > 1:
                # Often by design (壹 前言 or a summary 一、 is not an item), so only informative.
                out.add(
                    f"{kind.value} numbering under {parent_id} ({shown}) starts at {first.number}: the earlier "
                    "siblings are not items or were lost",
                    focus=first.id,
                    evidence=[node_evidence(first)],
                    severity=Severity.INFO,
                )
            for (prev, _), (value, node) in pairwise(seq):
                if value == prev:
                    problem = f"repeats {node.number}"
                elif value != prev + 1:
                    problem = f"has {node.number} where {prev + 1} is expected"
                else:
                    continue
                out.add(
                    f"{kind.value} numbering under {parent_id} ({shown}) {problem}",
                    focus=node.id,
                    evidence=[node_evidence(node)],
                )
