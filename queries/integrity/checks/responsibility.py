"""Responsibility checks: who carries each item, and whether agency names resolve to one agency."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from graph.model import NodeKind
from loaders.agencies import REF_DOCUMENT, AgencyRecord, agency_node_id, index_collisions
from loaders.source import SourceText
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
    "An agency name the gazetteer cannot resolve is an assignment lost: add the name (or alias) to "
    "data/agencies.yaml.",
)
def unknown_agencies(ctx: CheckContext, out: Findings) -> None:
    warnings = ctx.warnings_with(["unknown-agency"])
    if warnings is None:
        raise out.skip("the load's warnings are not available for this graph")
    for w in warnings:
        out.add(
            f"{w.document}:{w.line}: {w.message}",
            evidence=[Evidence(document=w.document, line=w.line, quote=_line_quote(ctx, w.document, w.line))],
        )


def _gazetteer_records(path: Path) -> dict[str, AgencyRecord]:
    """The gazetteer's records without building the resolver (which refuses a colliding name)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    records: dict[str, AgencyRecord] = {}
    for entry in (yaml.safe_load(text) or {}).get("agencies", []):
        rec = AgencyRecord.model_validate(entry)
        rec.line = next((i for i, s in enumerate(lines, 1) if re.match(rf"\s*- id: {re.escape(rec.id)}\s*$", s)), 0)
        records[rec.id] = rec
    return records


@check(
    "ambiguous-alias",
    Severity.ERROR,
    "A name or alias that means two agencies would assign work to the wrong one; the next load "
    "refuses such a gazetteer, so this catches an edited data/agencies.yaml before it does.",
)
def ambiguous_aliases(ctx: CheckContext, out: Findings) -> None:
    try:
        records = _gazetteer_records(ctx.refs.agencies)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        out.add(f"the agency gazetteer cannot be read: {exc}".splitlines()[0])
        return
    for key, ids in index_collisions(records).items():
        # Keys of bare unit names are scoped to their parent ("moea:资讯处").
        scope, _, name = key.rpartition(":") if ":" in key and key.split(":")[0] in records else ("", "", key)
        where = f" inside {records[scope].name}" if scope else ""
        ev = [Evidence(document=REF_DOCUMENT, line=records[i].line or None, quote=f"- id: {i}") for i in ids]
        names = ", ".join(f"{records[i].name} ({i})" for i in ids)
        out.add(
            f"the name {name!r}{where} resolves to {len(ids)} agencies: {names}",
            focus=agency_node_id(ids[0]),
            evidence=ev,
        )
