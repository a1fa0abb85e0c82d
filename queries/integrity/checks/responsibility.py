"""Responsibility checks: who carries each item, and whether agency names resolve to one agency."""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from core.agencies import REF_DOCUMENT, AgencyRecord, agency_node_id, index_collisions, read_records
from core.errors import one_line
from core.fold import norm_key
from core.source import SourceText
from graph.model import Node, NodeKind
from queries.integrity.catalogue import Findings, check, node_evidence
from queries.integrity.context import CheckContext
from queries.integrity.model import Evidence, Severity


def expected_kinds(ctx: CheckContext, document: str) -> list[NodeKind]:
    """Node kinds of this document that need a responsible agency: the loader profile's
    `responsibility_expected` if it has one, else the entry for the manifest's document kind."""
    meta = ctx.index.docs_by_id.get(document)
    if meta is None:
        return []
    override = ctx.profile(meta).get("responsibility_expected")
    if isinstance(override, list):
        return [NodeKind(k) for k in override]
    return list(ctx.responsibility_expected.by_document_kind.get(meta.kind, []))


@check(
    "no-responsible-agency",
    Severity.WARNING,
    "Where a document assigns work to agencies, every item of the kinds it assigns needs a responsible "
    "agency, its own or inherited from an ancestor; an item without one drops out of every "
    "'what does agency X lead' answer.",
    needs_store=True,
)
def no_responsible_agency(ctx: CheckContext, out: Findings) -> None:
    assert ctx.store is not None
    index = ctx.index
    for meta in index.documents:
        kinds = set(expected_kinds(ctx, meta.id))
        if not kinds:
            continue
        nodes = [n for n in index.hierarchy_nodes(meta.id) if n.kind in kinds]
        if not nodes:
            continue
        answers = ctx.store.responsible_for_many([n.id for n in nodes])
        lacking = {n.id for n, r in zip(nodes, answers, strict=True) if not r}
        for n in nodes:
            if n.id not in lacking or index.parent_of(n.id) in lacking:
                continue  # reported once, at the topmost item that lacks one
            below = sum(1 for d in index.descendants(n.id) if d.id in lacking)
            extra = f" (nor do its {below} descendant(s) of the expected kinds)" if below else ""
            out.add(
                f"{n.kind.value} {n.id} {n.title!r} has no responsible agency{extra}",
                focus=n.id,
                evidence=[node_evidence(n)],
            )


def _line_quote(ctx: CheckContext, document: str, line: int) -> str | None:
    src = ctx.source(document)
    if isinstance(src, SourceText) and 1 <= line <= len(src.lines):
        return src.line(line).strip() or None
    return None


@check(
    "unknown-agency",
    Severity.WARNING,
    "An agency name the gazetteer cannot resolve is an assignment lost: add the name (or alias) to data/agencies.yaml.",
)
def unknown_agencies(ctx: CheckContext, out: Findings) -> None:
    warnings = ctx.warnings_with(["unknown-agency"])
    if warnings is None:
        raise out.skip(
            "the load's warnings are not available for this graph (no load of this generation is "
            "recorded in the check history, POLICYGRAPH_HISTORY_DB)"
        )
    for w in warnings:
        out.add(
            f"{w.document}:{w.line}: {w.message}",
            evidence=[Evidence(document=w.document, line=w.line, quote=_line_quote(ctx, w.document, w.line))],
        )


def _scoped_names(n: Node) -> list[tuple[str, str]]:
    """An Agency node's names with the scope their key gets: full and English names unscoped,
    other aliases within the parent ("parent-id:") for a unit. Attributes of any shape are skipped."""
    english = n.attrs.get("english")
    parent = n.attrs.get("parent")
    scope = f"{parent.removeprefix('agency/')}:" if isinstance(parent, str) and parent else ""
    names = [(n.title, ""), *([(english, "")] if isinstance(english, str) and english else [])]
    aliases = n.attrs.get("aliases")
    if isinstance(aliases, list):
        names += [(a, scope) for a in aliases if isinstance(a, str) and a and a != english]
    return names


def _names(n: Node) -> list[str]:
    return [name for name, _ in _scoped_names(n)]


def _graph_alias_collisions(ctx: CheckContext) -> dict[str, list[Node]]:
    """Names shared by two Agency nodes of the graph, keyed as the gazetteer keys them: full and
    English names anywhere; other aliases (abbreviations, former and unit names) anywhere for an
    agency without a parent, and within its parent for a unit (two ministries may each have a
    資訊處). A graph loaded with an older gazetteer, or written by other means, can hold what the
    current gazetteer would refuse."""
    owners: dict[str, dict[str, Node]] = {}
    for n in ctx.index.nodes:
        if n.kind is not NodeKind.AGENCY:
            continue
        for name, prefix in _scoped_names(n):
            key = norm_key(name)
            if key:
                owners.setdefault(prefix + key, {}).setdefault(n.id, n)
    return {k: sorted(v.values(), key=lambda x: x.id) for k, v in sorted(owners.items()) if len(v) > 1}


def _as_written(key: str, recs: list[AgencyRecord]) -> str:
    """The name as the gazetteer writes it (keys are folded: Simplified, half width, no spaces)."""
    for rec in recs:
        for name in (rec.name, *rec.aliases):
            if norm_key(name) == key:
                return name
    return key


def _split_key(key: str, scopes: Iterable[str]) -> tuple[str, str]:
    """(scope agency id or "", name key) of an index key: unit names are keyed `parent-id:name`."""
    scope, sep, name = key.partition(":")
    return (scope, name) if sep and scope in scopes else ("", key)


@check(
    "ambiguous-alias",
    Severity.ERROR,
    "A name or alias that means two agencies would assign work to the wrong one: checked in the "
    "gazetteer (the next load refuses it, so an edited data/agencies.yaml is caught first) and "
    "among the Agency nodes of the graph.",
    needs_graph=False,
)
def ambiguous_aliases(ctx: CheckContext, out: Findings) -> None:
    reported: set[tuple[str, frozenset[str]]] = set()
    try:
        records = read_records(ctx.refs.agencies, unique_ids=False)[0]
    except (OSError, ValueError, yaml.YAMLError, AttributeError) as exc:
        out.add(f"the agency gazetteer cannot be read: {one_line(exc)}")
        records = {}
    for key, ids in index_collisions(records).items():
        # Keys of bare unit names are scoped to their parent ("moea:资讯处").
        scope, name = _split_key(key, records)
        name = _as_written(name, [records[i] for i in ids])
        where = f" inside {records[scope].name}" if scope else ""
        ev = [Evidence(document=REF_DOCUMENT, line=records[i].line or None, quote=f"- id: {i}") for i in ids]
        names = ", ".join(f"{records[i].name} ({i})" for i in ids)
        reported.add((key, frozenset(agency_node_id(i) for i in ids)))
        out.add(
            f"the name {name!r}{where} resolves to {len(ids)} agencies: {names}",
            focus=agency_node_id(ids[0]),
            evidence=ev,
        )
    if not ctx.has_graph:
        out.note("no graph to compare: only the gazetteer was checked")
        return
    agency_ids = {n.id.removeprefix("agency/") for n in ctx.index.nodes if n.kind is NodeKind.AGENCY}
    for key, nodes in _graph_alias_collisions(ctx).items():
        if (key, frozenset(n.id for n in nodes)) in reported:
            continue  # the gazetteer finding above says it already
        scope, name = _split_key(key, agency_ids)
        name = next((a for n in nodes for a in _names(n) if norm_key(a) == name), name)
        parent = ctx.index.by_id.get(agency_node_id(scope)) if scope else None
        where = f" inside {parent.title if parent else scope}" if scope else ""
        names = ", ".join(f"{n.title} ({n.id})" for n in nodes)
        out.add(
            f"{len(nodes)} agencies of the graph share the name {name!r}{where}: {names}",
            focus=nodes[0].id,
            evidence=[node_evidence(n) for n in nodes],
        )
