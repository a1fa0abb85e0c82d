"""Reader for the national S&T plan (000): the 肆 outline, responsibility from 表4.

表4 assigns each strategy one 參與部會 string `A／B、C` (lead A, co-organisers B and C); measures
carry no agency of their own and inherit their strategy's (the store computes inheritance), so
only strategies get LEADS / CO_ORGANIZES edges here.
"""

from __future__ import annotations

import re
from typing import Any

from core.numbering import numeral_value
from core.text import clean_title
from graph.model import Edge, EdgeType, Node, NodeKind
from loaders.components import readers
from loaders.context import DocInput, DocResult, LoadContext
from loaders.outline import OutlineItem
from loaders.readers.outline_plan import plan_root, read_outline
from loaders.readers.st_plan.profile import BudgetSpec, ResponsibilitySpec, StPlanProfile
from loaders.readers.st_plan.table import BodyMeasure, BodyStrategy, read_table, table_region
from loaders.target_nodes import add_line_targets, read_year_table, target_node
from loaders.targets import UNIT_MULTIPLIERS, TargetFact

TABLE_SOURCE = "表4"


@readers.register("st_plan", profile=StPlanProfile)
def read_st_plan(doc: DocInput[StPlanProfile], ctx: LoadContext) -> DocResult:
    result = DocResult()
    plan = plan_root(doc, result)
    _, items, nodes = read_outline(doc, result, plan)
    prof = doc.profile
    if prof.responsibility is not None:
        read_responsibility(doc, ctx, result, items, nodes, prof.responsibility)
    read_targets(doc, items, nodes, result)
    if prof.budget is not None:
        read_budget(doc, plan, prof.budget, result)
    return result


def read_budget(doc: DocInput[StPlanProfile], plan: Node, spec: BudgetSpec, result: DocResult) -> None:
    """Budget Targets of the plan, one per year: the amounts its prose states (000:2931 `2024 年度…
    編列 1,517 億元，2025 年度至 2028 年度…推估為 1,595 億元、…`), each confirmed by its cell of the
    table where the table prints it (表5, 000:2938) with the year's share of GDP (000:2940); a year
    only the table gives becomes a Target of its own, read from the table's row."""
    src = doc.source
    start_re, end_re = re.compile(spec.section_start), re.compile(spec.section_end)
    start = next((n for n in range(1, len(src.lines) + 1) if start_re.match(src.line(n).strip())), None)
    if start is None:
        result.warn(doc.meta.id, 1, "missing-section", f"no budget section ({spec.section_start})")
        return
    end = next((n for n in range(start + 1, len(src.lines) + 1) if end_re.match(src.line(n).strip())), len(src.lines))
    table = read_year_table(doc, start, end, spec.table_caption, spec.unit_line)
    amounts = table.rows.get(spec.amount_row) if table else None
    shares = table.rows.get(spec.share_row) if table and spec.share_row else None
    unit = table.units[0] if table and table.units else None
    share_unit = table.units[1] if table and len(table.units) > 1 else None
    caption = clean_title(src.line(table.caption_line)) if table else None
    stated: set[int] = set()

    def share_of(year: int) -> dict[str, Any]:  # the year's share of GDP, where the table prints it
        if shares is None or year not in shares[1]:
            return {}
        return {"gdp_share": _number(shares[1][year]), "gdp_share_unit": share_unit, "gdp_share_line": shares[0]}

    def confirm(fact: TargetFact) -> dict[str, Any]:
        if fact.year is None:
            return {}
        stated.add(fact.year)
        out: dict[str, Any] = {}
        if table is not None and amounts is not None and fact.year in amounts[1]:
            cell = amounts[1][fact.year]
            out["table"] = {"caption": caption, "line": amounts[0], "cell": cell, "unit": unit}
            if _number(cell) != fact.value or unit != fact.unit:
                result.warn(
                    doc.meta.id,
                    amounts[0],
                    "budget-mismatch",
                    f"{spec.amount_row} {fact.year}: the table prints {cell} {unit}, the text {fact.text}",
                )
        out.update(share_of(fact.year))
        return out

    prose = [n for n in range(start + 1, table.caption_line if table else end) if src.line(n).strip()]
    add_line_targets(doc, plan.id, prose, doc.meta.period_start, result, types=["budget"], extra=confirm)
    if table is None or amounts is None or unit is None:
        return
    line, cells = amounts
    for k, (year, cell) in enumerate(sorted(cells.items()), 1):
        value = _number(cell)
        if year in stated or value is None:
            continue
        raw = src.line(line)
        pos = raw.find(cell)
        scale = UNIT_MULTIPLIERS.get(unit[:1])
        base = unit[1:] if scale is not None else unit
        fact = TargetFact(value, unit, year, "budget", (pos, pos + len(cell)), cell, None, value * (scale or 1.0), base)
        node = result.add_node(
            target_node(
                doc,
                f"{doc.meta.id}:t{line}.{k}",
                fact,
                f"{spec.amount_row} {year}",
                (line, line),
                table={"caption": caption, "line": line, "cell": cell, "unit": unit, "header_line": table.header_line},
                **share_of(year),
            )
        )
        result.add_edge(plan.id, node.id, EdgeType.HAS_TARGET, node.provenance)


def _number(cell: str) -> float | None:
    try:
        return float(cell.replace(",", "").strip())
    except ValueError:
        return None


def read_targets(doc: DocInput[StPlanProfile], items: list[OutlineItem], nodes: list[Node], result: DocResult) -> None:
    """Targets stated in the plan's items (000 has no KPI table: they sit in action and sub-action
    text, most in 2480-2536). Each figure hangs on the item whose lines state it."""
    kinds = set(doc.profile.targets.kinds)
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
    doc: DocInput[StPlanProfile],
    ctx: LoadContext,
    result: DocResult,
    items: list[OutlineItem],
    nodes: list[Node],
    cfg: ResponsibilitySpec,
) -> None:
    book = ctx.agencies.book
    doc_id = doc.meta.id
    region = table_region(doc.source.lines, cfg.table_caption, cfg.table_end)
    if region is None:
        result.warn(doc_id, 1, "no-responsibility", f"the responsibility table ({cfg.table_caption}) is missing")
        return

    def resolve(name: str) -> str | None:
        rec = book.resolve(name)
        return rec.id if rec is not None else None

    strategies, headings = body_strategies(items, nodes, cfg.assign_to, cfg.measures)
    table = read_table(
        doc.source.lines,
        region[0],
        region[1],
        cfg.header_cells,
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
