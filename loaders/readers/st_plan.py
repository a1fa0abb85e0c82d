"""Reader for the national S&T plan (000): the 肆 outline, responsibility from 表4.

表4 assigns each strategy one 參與部會 string `A／B、C` (lead A, co-organisers B and C); measures
carry no agency of their own and inherit their strategy's (the store computes inheritance), so
only strategies get LEADS / CO_ORGANIZES edges here.
"""

from __future__ import annotations

from typing import Any

from graph.model import Edge, EdgeType, Node, NodeKind
from loaders.context import DocInput, DocResult
from loaders.numbering import numeral_value
from loaders.outline import OutlineItem
from loaders.pipeline import LoadContext, readers
from loaders.readers.outline_plan import plan_root, read_outline
from loaders.st_table import BodyMeasure, BodyStrategy, read_table, table_region
from loaders.target_nodes import add_line_targets

TABLE_SOURCE = "表4"


@readers.register("st_plan")
def read_st_plan(doc: DocInput, ctx: LoadContext) -> DocResult:
    result = DocResult()
    plan = plan_root(doc, result)
    _, items, nodes = read_outline(doc, result, plan)
    cfg = doc.profile.get("responsibility")
    if cfg:
        read_responsibility(doc, ctx, result, items, nodes, cfg)
    read_targets(doc, items, nodes, result)
    return result


def read_targets(doc: DocInput, items: list[OutlineItem], nodes: list[Node], result: DocResult) -> None:
    """Targets stated in the plan's items (000 has no KPI table: they sit in action and sub-action
    text, most in 2480-2536). Each figure hangs on the item whose lines state it."""
    kinds = {NodeKind(k) for k in doc.profile.get("targets", {}).get("kinds", [])}
    ref_year = doc.meta.period_start
    for it, node in zip(items, nodes, strict=True):
        if it.kind in kinds:
            lines = [*range(it.line_start, it.line_end + 1), *it.text_lines]
            add_line_targets(doc, node.id, lines, ref_year, result)


def body_strategies(
    items: list[OutlineItem], nodes: list[Node], assign_to: NodeKind, measure_kind: NodeKind
) -> tuple[list[BodyStrategy], list[str]]:
    """The strategies (with their measures) the table is matched against, and the titles of the
    levels above them (the table prints those with the same markers; they are not strategies)."""
    strategies: list[BodyStrategy] = []
    headings: list[str] = []
    assign_level = next((it.level for it in items if it.kind is assign_to), None)
    for i, it in enumerate(items):
        if assign_level is not None and it.level < assign_level:
            headings.append(it.title)
        if it.kind is not assign_to:
            continue
        measures = tuple(
            BodyMeasure(nodes[j].id, c.seq, c.title)
            for j, c in enumerate(items)
            if c.parent == i and c.kind is measure_kind
        )
        number = it.seq if it.seq is not None else numeral_value(it.number)
        strategies.append(BodyStrategy(nodes[i].id, it.title, it.line_start, number, measures))
    return strategies, headings


def read_responsibility(
    doc: DocInput,
    ctx: LoadContext,
    result: DocResult,
    items: list[OutlineItem],
    nodes: list[Node],
    cfg: dict[str, Any],
) -> None:
    book = ctx.agencies.book
    doc_id = doc.meta.id
    region = table_region(doc.source.lines, cfg["table_caption"], cfg["table_end"])
    if region is None:
        result.warn(doc_id, 1, "no-responsibility", f"the responsibility table ({cfg['table_caption']}) is missing")
        return

    def resolve(name: str) -> str | None:
        rec = book.resolve(name)
        return rec.id if rec is not None else None

    strategies, headings = body_strategies(
        items, nodes, NodeKind(cfg.get("assign_to", "Strategy")), NodeKind(cfg.get("measures", "Measure"))
    )
    table = read_table(
        doc.source.lines,
        region[0],
        region[1],
        cfg.get("header_cells", []),
        strategies,
        headings,
        resolve,
    )
    for w in table.warnings:
        result.warn(doc_id, w.line, w.code, w.message)

    for st in strategies:
        a = table.assignments.get(st.id)
        if a is None:
            continue
        s = a.string
        seen: set[str] = set()
        for role, name in [(EdgeType.LEADS, s.lead), *[(EdgeType.CO_ORGANIZES, n) for n in s.co]]:
            rec = book.resolve(name)
            if rec is None:
                continue  # reported by the table reader as unknown-agency, with its line
            if rec.id in seen:
                result.warn(
                    doc_id,
                    s.line,
                    "duplicate-agency",
                    f"「{name}」 in 「{s.raw}」 names {rec.name} a second time; counted once",
                )
                continue
            seen.add(rec.id)
            notes = [a.note] if a.note else []
            if name in rec.former_names:
                notes.append(f"{name} is a former name of {rec.name}")
            note = "; ".join(notes) or None
            prov = doc.prov(s.line, s.line, note=note)
            agency_id = ctx.agencies.mention(rec, prov)
            attrs: dict[str, Any] = {
                "raw": s.raw,
                "source": TABLE_SOURCE,
                "name": name,
                "lines": list(a.lines),
                "evidence": a.evidence,
            }
            if note:
                attrs["note"] = note
            # Built directly: the attribute `source` would clash with add_edge's parameter.
            result.edges.append(Edge(source=agency_id, target=st.id, type=role, provenance=prov, attrs=attrs))
