"""Counts a document states about itself (data/stated_counts.yaml) against the counts loaded."""

from __future__ import annotations

import re

from core.source import SourceText
from graph.model import RESPONSIBILITY_TYPES, EdgeType, Node, NodeKind
from queries.integrity.catalogue import Findings, check
from queries.integrity.context import CheckContext, GraphIndex
from queries.integrity.model import Evidence, Severity
from queries.integrity.reference import StatedCount

_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _scope_nodes(index: GraphIndex, sc: StatedCount) -> list[Node]:
    nodes = index.hierarchy_nodes(sc.document)
    if sc.scope == "plan":
        described = {e.target for e in index.edges if e.type is EdgeType.DESCRIBES and e.source == sc.document}
        return [n for n in nodes if n.id in described or n.kind is NodeKind.PLAN]
    return [n for n in nodes if n.provenance.line_start == sc.scope_line][:1]


def count_in_scope(index: GraphIndex, scope: list[Node], sc: StatedCount) -> int:
    """Nodes of the entry's kinds below the scope (Targets: attached by HAS_TARGET to the scope or
    below); for Agency: distinct agencies assigned to the scope or below (units count as bodies of
    their own, as the documents count them: 003:2742). `direct` stops at the scope's own children,
    `via` counts the nodes pointed to by that edge type instead of those contained, `within` keeps
    nodes whose provenance starts in that line range."""
    kinds = set(sc.kind)
    scope_ids = {s.id for s in scope}
    below: dict[str, Node] = {}
    for s in scope:
        kids = index.children.get(s.id, []) if sc.direct else index.descendants(s.id)
        below.update((d.id, d) for d in kids)
    covered = scope_ids if sc.direct else set(below) | scope_ids
    if sc.via is not None:
        pointed = {e.target for e in index.edges if e.type is sc.via and e.source in covered}
        below = {i: index.by_id[i] for i in pointed if i in index.by_id}
    found: set[str] = {d.id for d in below.values() if d.kind in kinds and d.kind is not NodeKind.AGENCY}
    if NodeKind.TARGET in kinds:  # targets hang from items by HAS_TARGET, not CONTAINS
        found |= {e.target for e in index.edges if e.type is EdgeType.HAS_TARGET and e.source in covered}
    if NodeKind.AGENCY in kinds:
        found |= {e.source for e in index.edges if e.type in RESPONSIBILITY_TYPES and e.target in covered}
    if sc.within is not None:
        lo, hi = sc.within
        found = {i for i in found if i in index.by_id and lo <= index.by_id[i].provenance.line_start <= hi}
    return len(found)


@check(
    "stated-count",
    Severity.ERROR,
    "A document that says it has 4 goals and 249 measures must load as 4 goals and 249 measures; a "
    "different count means items were lost or invented (severity per entry in data/stated_counts.yaml).",
)
def stated_counts(ctx: CheckContext, out: Findings) -> None:
    index = ctx.index
    not_in_graph = 0
    unstructured: dict[str, int] = {}
    for sc in ctx.stated_counts:
        if sc.document not in index.docs_by_id:
            not_in_graph += 1
            continue
        ev = Evidence(document=sc.document, line=sc.line, quote=sc.quote)
        src = ctx.source(sc.document)
        if isinstance(src, SourceText):
            text = src.line(sc.line) if sc.line <= len(src.lines) else ""
            if _squash(sc.quote) not in _squash(text):
                out.add(
                    f"{sc.document}:{sc.line} no longer says {sc.quote!r}: the document changed; "
                    "update data/stated_counts.yaml",
                    evidence=[ev],
                    severity=sc.severity,
                )
                continue
        if not index.hierarchy_nodes(sc.document):
            unstructured[sc.document] = unstructured.get(sc.document, 0) + 1
            continue
        scope = _scope_nodes(index, sc)
        where = "its plan" if sc.scope == "plan" else f"the item at line {sc.scope_line}"
        if not scope:
            out.add(
                f"{sc.document}:{sc.line} states {sc.expected} {sc.label} under {where}, "
                f"but no node of {sc.document} starts at line {sc.scope_line}"
                if sc.scope == "line"
                else f"{sc.document}:{sc.line} states {sc.expected} {sc.label}, but the document has no plan node",
                evidence=[ev],
                severity=sc.severity,
            )
            continue
        got = count_in_scope(index, scope, sc)
        if got != sc.expected:
            out.add(
                f"{sc.document}:{sc.line} states {sc.expected} {sc.label} under {where} ({scope[0].id}); "
                f"the graph has {got}",
                focus=scope[0].id,
                evidence=[ev],
                severity=sc.severity,
            )
    for doc, n in sorted(unstructured.items()):
        out.note(f"{doc}: loaded without structure, {n} stated count(s) not checked")
    if not_in_graph:
        out.note(f"{not_in_graph} stated count(s) are for documents not in this graph")
