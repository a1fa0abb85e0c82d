"""Reader for cross-ministry programmes laid out like the AI 新十大建設推動方案 (001): an outline of
initiatives -> strategies -> measures -> actions (the generic outline parser, driven by the
profile), a table naming each initiative's lead (表1), per-initiative measure tables (schedules and
主/協辦 agencies, matched to the body's items) and the plan's goals and quantified targets.

Everything document-specific is in the profile (data/profiles/ai_ten.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.agencies import AgencyBook, AgencyRecord
from core.numbering import numeral_value
from core.text import clean_title, similarity
from graph.model import EdgeType, Node, NodeKind, Provenance
from loaders.components import readers
from loaders.context import DocInput, DocResult, LoadContext
from loaders.outline import OutlineItem, OutlineSpec, strip_decoration
from loaders.readers.ai_ten.profile import (
    LeadTableSpec,
    MeasureTablesSpec,
    OutcomesSpec,
    PlanTargetsSpec,
    ProgrammeProfile,
)
from loaders.readers.ai_ten.tables import (
    Candidate,
    ParagraphIndex,
    RowMatch,
    Schedule,
    SubRow,
    TableEntry,
    TableGroup,
    clean_cell,
    match_group,
    merge_page_breaks,
    parse_schedule,
    read_tables,
    schedule_bounds,
)
from loaders.readers.outline_plan import plan_root, read_outline
from loaders.target_nodes import add_line_targets


@readers.register("ai_ten", profile=ProgrammeProfile)
def read_ai_ten(doc: DocInput[ProgrammeProfile], ctx: LoadContext) -> DocResult:
    result = DocResult()
    prof = doc.profile
    plan = plan_root(doc, result)
    spec, items, nodes = read_outline(doc, result, plan)
    book = ctx.agencies.book
    extra: dict[str, dict[str, Any]] = {}
    edges = _EdgeBag()
    tops = [(it, n) for it, n in zip(items, nodes, strict=True) if it.parent is None]
    ref_year = int(doc.meta.published[:4])
    _read_lead_table(doc, ctx, book, prof.leads, tops, edges, result)
    _read_measure_tables(doc, ctx, book, prof.tables, spec, items, nodes, extra, edges, result, ref_year)
    _read_plan_targets(doc, prof.plan_targets, plan, ref_year, result)
    if prof.outcomes is not None:
        _read_outcomes(doc, prof.outcomes, tops, spec, ref_year, result)
    if prof.item_targets:
        for it, node in zip(items, nodes, strict=True):
            lines = [ln for ln in range(it.line_start, it.line_end + 1) if doc.source.line(ln).strip()]
            add_line_targets(doc, node.id, [*lines, *it.text_lines], ref_year, result)
    edges.emit(result)
    if extra:
        result.nodes = [
            n.model_copy(update={"attrs": {**n.attrs, **extra[n.id]}}) if n.id in extra else n for n in result.nodes
        ]
    return result


# --- responsibility edges -------------------------------------------------------------------------


@dataclass
class _EdgeBag:
    """Assignment edges, one per (agency, item, role); later rows for the same assignment add
    their lines and cells to its attrs."""

    edges: dict[tuple[str, str, EdgeType], tuple[Provenance, dict[str, Any]]] = field(default_factory=dict)

    def add(self, agency: str, node: str, type: EdgeType, prov: Provenance, **attrs: Any) -> None:
        key = (agency, node, type)
        if key not in self.edges:
            self.edges[key] = (prov, {**attrs, "rows": [prov.line_start]})
            return
        rows = self.edges[key][1]["rows"]
        if prov.line_start not in rows:
            rows.append(prov.line_start)

    def emit(self, result: DocResult) -> None:
        for (agency, node, type), (prov, attrs) in self.edges.items():
            result.add_edge(agency, node, type, prov, **attrs)


def _cell_agencies(
    doc: DocInput,
    ctx: LoadContext,
    book: AgencyBook,
    cell: str,
    policy: MeasureTablesSpec | None,
    line: int,
    result: DocResult,
) -> tuple[list[tuple[AgencyRecord, EdgeType, str | None]], list[str]]:
    """(agency, role, note) for every agency a 主/協辦 cell names, and the collectives it names.
    Names nothing resolves are reported as unknown-agency warnings with their line."""
    slash = _top_level_slash(cell)
    refs = book.parse_names(cell)
    out: list[tuple[AgencyRecord, EdgeType, str | None]] = []
    collectives: list[str] = []
    lead_seen = False
    several = sum(1 for r in refs if not r.is_collective and r.record is not None) > 1
    unstated = slash is None and several and (policy is None or policy.unslashed_list == "unstated")
    for ref in refs:
        if ref.is_collective:
            collectives.append(ref.surface)
            continue
        if ref.record is None:
            result.warn(
                doc.meta.id,
                line,
                "unknown-agency",
                f"{ref.surface!r} (cell {clean_cell(cell)!r}) is not in the agency gazetteer",
            )
            continue
        if slash is not None:
            role = EdgeType.LEADS if ref.start < slash else EdgeType.CO_ORGANIZES
        elif unstated:
            role = EdgeType.RESPONSIBLE_FOR
        elif policy is not None and policy.unslashed_list == "first_lead" and lead_seen:
            role = EdgeType.CO_ORGANIZES
        else:
            role = EdgeType.LEADS
        lead_seen = True
        note = f"resolved by fuzzy match ({ref.score:.0f})" if ref.fuzzy else None
        outer = ref.outer
        if outer is not None and not _is_unit_of(book, ref.record, outer):
            # 國科會前瞻處(國網中心): the agency is the one outside the brackets; the one inside executes.
            out.append((outer, role, note))
            if policy is None or policy.executing_body != "skip":
                body_role = role if policy is None or policy.executing_body == "lead" else EdgeType.CO_ORGANIZES
                out.append((ref.record, body_role, f"executing body named in brackets after {outer.name}"))
            continue
        out.append((ref.record, role, note))
    return out, collectives


def _top_level_slash(cell: str) -> int | None:
    depth = 0
    for i, c in enumerate(cell):
        if c in "(（":
            depth += 1
        elif c in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and c in "/／":
            return i
    return None


def _is_unit_of(book: AgencyBook, rec: AgencyRecord, outer: AgencyRecord) -> bool:
    cur: AgencyRecord | None = rec
    while cur is not None:
        if cur.id == outer.id:
            return True
        cur = book.records.get(cur.parent) if cur.parent else None
    return False


# --- 表1: the lead of each initiative -------------------------------------------------------------


def _read_lead_table(
    doc: DocInput,
    ctx: LoadContext,
    book: AgencyBook,
    spec: LeadTableSpec,
    tops: list[tuple[OutlineItem, Node]],
    edges: _EdgeBag,
    result: DocResult,
) -> None:
    src = doc.source
    cap = re.compile(spec.caption)
    start = next((i for i, s in enumerate(src.lines, 1) if cap.match(s.strip())), None)
    if start is None:
        result.warn(doc.meta.id, 1, "missing-table", f"no lead table ({spec.caption})")
        return
    matched: set[str] = set()
    n = start + 1
    while n <= len(src.lines):
        raw = src.line(n)
        if raw.strip() and "\t" not in raw:
            break
        cells = [clean_cell(c) for c in raw.split("\t")] if raw.strip() else []
        if len(cells) >= 2 and cells[0] and cells[0] != clean_cell(spec.header_first_cell):
            best = max(tops, key=lambda t: similarity(cells[0], t[1].title))
            if similarity(cells[0], best[1].title) < 90:
                result.warn(doc.meta.id, n, "unmatched-row", f"lead table row {cells[0]!r} names no initiative")
            else:
                matched.add(best[1].id)
                found, _ = _cell_agencies(doc, ctx, book, cells[1], None, n, result)
                for rec, role, note in found:
                    prov = doc.prov(n, n, note)
                    edges.add(
                        ctx.agencies.mention(rec, prov),
                        best[1].id,
                        role,
                        prov,
                        table=_caption(src.line(start)),
                        cell=cells[1],
                    )
        n += 1
    for _, node in tops:
        if node.id not in matched:
            result.warn(doc.meta.id, node.line, "no-lead", f"{node.title}: no row in the lead table")


def _caption(line: str) -> str:
    m = re.match(r"^\s*(表\s*\d+)", clean_cell(line))
    return m.group(1).replace(" ", "") if m else clean_cell(line)


# --- 表2-表11: schedules and agencies of measures -------------------------------------------------


def _read_measure_tables(
    doc: DocInput,
    ctx: LoadContext,
    book: AgencyBook,
    spec: MeasureTablesSpec,
    ospec: OutlineSpec,
    items: list[OutlineItem],
    nodes: list[Node],
    extra: dict[str, dict[str, Any]],
    edges: _EdgeBag,
    result: DocResult,
    ref_year: int,
) -> None:
    children: dict[int | None, list[int]] = {}
    for i, it in enumerate(items):
        children.setdefault(it.parent, []).append(i)
    tops = children.get(None, [])
    # Every strategy's candidates, once: rare words are rare across the whole document.
    cands_of = {s: _candidates(doc, ospec, items, nodes, children, s) for t in tops for s in children.get(t, [])}
    paragraphs = ParagraphIndex(c for cs in cands_of.values() for c in cs)
    for table in read_tables(doc.source, spec):
        title = re.sub(r"^表\s*\d+\s*", "", table.caption)
        name = re.search(r"「([^」]+)」", title)
        key = name.group(1) if name else title
        top = max(tops, key=lambda i: similarity(key, items[i].title), default=None)
        if top is None or similarity(key, items[top].title) < spec.min_caption_similarity:
            result.warn(doc.meta.id, table.line, "unmatched-table", f"{table.caption!r} names no initiative")
            continue
        for group in table.groups:
            strat = next((i for i in children.get(top, []) if items[i].seq == group.number), None)
            if strat is None:
                result.warn(
                    doc.meta.id,
                    group.line,
                    "unmatched-group",
                    f"group row {group.number}. {group.title} names no strategy of {items[top].title}",
                )
                continue
            cands = cands_of[strat]
            entries = merge_page_breaks(group.entries, cands)
            matches = match_group(entries, cands, paragraphs=paragraphs)
            _apply_group(doc, ctx, book, spec, table.caption, group, matches, nodes[strat], extra, edges, result)
            if spec.measure_cell_targets:
                _row_targets(doc, matches, nodes[strat], ref_year, result)
    for attrs in extra.values():
        parsed: list[Schedule] = attrs.pop("_parsed", [])
        if parsed:
            attrs["schedule_start"], attrs["schedule_end"] = schedule_bounds(parsed)
            attrs["schedule_raw"] = [s["raw"] for s in attrs["schedules"]]


def _descendants(children: dict[int | None, list[int]], i: int) -> list[int]:
    out: list[int] = []
    for k in children.get(i, []):
        out.append(k)
        out.extend(_descendants(children, k))
    return out


def _candidates(
    doc: DocInput,
    ospec: OutlineSpec,
    items: list[OutlineItem],
    nodes: list[Node],
    children: dict[int | None, list[int]],
    strat: int,
) -> list[Candidate]:
    """The strategy's measures and their sub-items (or the strategy itself when it has none)."""
    below = _descendants(children, strat)
    if not below:
        it = items[strat]
        # The strategy itself (no measure to match by position or by paragraph).
        return [
            Candidate(
                nodes[strat].id,
                it.title,
                _heading(doc, ospec, it),
                f"{it.title} {it.description}",
                (nodes[strat].id,),
                positional=False,
            )
        ]
    top_level = items[below[0]].level
    out = []
    for i in below:
        it = items[i]
        lineage: list[str] = []
        cur: int | None = i
        while cur is not None and cur != strat:
            lineage.append(nodes[cur].id)
            cur = items[cur].parent
        text = " ".join(
            [it.title, it.description] + [f"{items[k].title} {items[k].description}" for k in _descendants(children, i)]
        )
        measure = it.level == top_level
        out.append(
            Candidate(
                nodes[i].id, it.title, _heading(doc, ospec, it), text, tuple(lineage), 1.0 if measure else 0.97, measure
            )
        )
    return out


def _heading(doc: DocInput, ospec: OutlineSpec, it: OutlineItem) -> str:
    """The item's marker line(s) as printed, without the marker (title and `：說明` together)."""
    text = "".join(
        strip_decoration(doc.source.line(n))
        for n in range(it.line_start, it.line_end + 1)
        if doc.source.line(n).strip()
    )
    m = re.match(ospec.levels[it.level].pattern, text)
    return clean_title(m.group("title") if m else text)


def _row_cells(
    doc: DocInput,
    spec: MeasureTablesSpec,
    table: str,
    row: SubRow,
    above: dict[str, tuple[str, int]],
    result: DocResult,
) -> dict[str, tuple[str, int | None]]:
    """A row's 起訖時程 and 主/協辦 cells (column -> (text, line it was taken from, None for the
    row's own)). An empty cell takes the nearest non-empty one above (`above`, updated here) when
    the profile says so (a merged cell lost in conversion), reported as a merged-cell warning."""
    first = row.lines[0]
    cells: dict[str, tuple[str, int | None]] = {}
    for col, value in (("schedule", row.schedule), ("agency", row.agency)):
        if clean_cell(value):
            cells[col] = (value, None)
            above[col] = (value, first)
        elif spec.empty_cells == "inherit_in_group" and col in above:
            cells[col] = (above[col][0], above[col][1])
            what = "起訖時程" if col == "schedule" else "主/協辦"
            result.warn(
                doc.meta.id,
                first,
                "merged-cell",
                f"{table}: empty {what} cell; took {clean_cell(above[col][0])!r} "
                f"from line {above[col][1]} (assumed merged cell)",
            )
    return cells


def _apply_group(
    doc: DocInput,
    ctx: LoadContext,
    book: AgencyBook,
    spec: MeasureTablesSpec,
    caption: str,
    group: TableGroup,
    matches: list[RowMatch],
    strategy: Node,
    extra: dict[str, dict[str, Any]],
    edges: _EdgeBag,
    result: DocResult,
) -> None:
    table = _caption(caption)
    above: dict[str, tuple[str, int]] = {}  # column -> (nearest non-empty cell above, its line)
    for m in matches:
        row: SubRow = m.subrow
        first, last = row.lines[0], row.lines[-1]
        targets = m.targets or [strategy.id]
        notes = [m.note] if m.note else []
        if not m.targets:
            notes.append("no body measure matches this row: assigned to the strategy its group row names")
        cells = _row_cells(doc, spec, table, row, above, result)
        row_title = clean_cell(m.entry.title)
        for target in targets:
            bag = extra.setdefault(target, {})
            bag.setdefault("table_rows", [])
            if first not in bag["table_rows"]:
                bag["table_rows"].append(first)
                bag.setdefault("table_titles", []).append(row_title)
            if "schedule" in cells:
                value, src_line = cells["schedule"]
                sched = parse_schedule(value)
                entry = _schedule_attrs(sched, first, src_line)
                if entry not in bag.setdefault("schedules", []):
                    bag["schedules"].append(entry)
                    bag.setdefault("_parsed", []).append(sched)
            if "agency" in cells:
                value, src_line = cells["agency"]
                found, collectives = _cell_agencies(doc, ctx, book, value, spec, src_line or first, result)
                if collectives:
                    bag.setdefault("collectives", [])
                    bag["collectives"].extend(c for c in collectives if c not in bag["collectives"])
                for rec, role, note in found:
                    why = list(notes)
                    if src_line is not None:
                        why.append(
                            f"inferred from a merged cell: the 主/協辦 cell at line {first} is empty; "
                            f"the name is at line {src_line}"
                        )
                    if note:
                        why.append(note)
                    prov = doc.prov(min(first, src_line or first), last, "; ".join(why) or None)
                    if _top_level_slash(value) is not None:
                        rule = "slash"
                    elif role is EdgeType.RESPONSIBLE_FOR or spec.unslashed_list != "unstated":
                        rule = f"unslashed_list: {spec.unslashed_list}"
                    else:
                        rule = "one name"
                    edges.add(
                        ctx.agencies.mention(rec, prov),
                        target,
                        role,
                        prov,
                        table=table,
                        cell=clean_cell(value),
                        role_rule=rule,
                        row_title=row_title,
                        match=m.how,
                        inferred=src_line is not None,
                    )


def _row_targets(doc: DocInput, matches: list[RowMatch], strategy: Node, ref_year: int, result: DocResult) -> None:
    """Figures in each row's 具體措施 cell, as Targets of the body items the row was matched to (the
    strategy when none): a measure table lists what the plan will do, so a figure with no cue is a
    target."""
    owners: dict[int, list[str]] = {}
    entries: dict[int, TableEntry] = {}
    for m in matches:
        key = id(m.entry)
        entries[key] = m.entry
        bag = owners.setdefault(key, [])
        bag.extend(t for t in (m.targets or [strategy.id]) if t not in bag)
    for key, entry in entries.items():
        add_line_targets(
            doc,
            owners[key],
            entry.lines,
            ref_year,
            result,
            default="target",
            skip_tables=False,
            extra=lambda _: {"source": "table row"},
            part=_first_cell,
        )


def _first_cell(line: str) -> str:
    return line.split("\t", 1)[0]


def _schedule_attrs(s: Schedule, line: int, inferred_from: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "raw": s.raw,
        "line": line,
        "periods": [[r.start, r.end] for r in s.ranges],
    }
    if s.remarks:
        out["remarks"] = list(s.remarks)
    if inferred_from is not None:
        out["inferred_from"] = inferred_from
    return out


# --- targets --------------------------------------------------------------------------------------


def _read_plan_targets(doc: DocInput, spec: PlanTargetsSpec, plan: Node, ref_year: int, result: DocResult) -> None:
    src = doc.source
    start_re, end_re = re.compile(spec.section_start), re.compile(spec.section_end)
    start = next((i for i, s in enumerate(src.lines, 1) if start_re.match(s.strip())), None)
    if start is None:
        result.warn(doc.meta.id, 1, "missing-section", f"no vision section ({spec.section_start})")
        return
    end = next((i for i in range(start + 1, len(src.lines) + 1) if end_re.match(src.line(i).strip())), len(src.lines))
    intro = re.compile(spec.goals_intro)
    goal = re.compile(spec.goal_pattern)
    stated: tuple[int, int] | None = None
    goals: list[tuple[int, str, str]] = []
    prose: list[int] = []
    for n in range(start + 1, end):
        text = strip_decoration(src.line(n))
        if not text:
            continue
        gm = goal.match(text)
        if stated is not None and gm:
            goals.append((n, gm.group("num"), clean_title(gm.group("title"))))
            continue
        prose.append(n)
        im = intro.search(text)
        if im:
            count = numeral_value(im.group("count"))
            stated = (n, count or 0)
    for n, num, title in goals:
        node = result.add_node(
            Node(
                id=f"{plan.id}.goal{numeral_value(num)}",
                kind=NodeKind.TARGET,
                title=title.rstrip("。"),
                number=num,
                order=n,
                provenance=doc.prov(n),
                attrs={"type": "target", "statement": "goal", "value": None, "unit": None, "year": None},
            )
        )
        result.add_edge(plan.id, node.id, EdgeType.HAS_TARGET, node.provenance)
    if stated is not None and stated[1] != len(goals):
        result.warn(
            doc.meta.id, stated[0], "stated-count", f"the text states {stated[1]} goals; {len(goals)} are listed"
        )
    add_line_targets(doc, plan.id, prose, ref_year, result)


def _read_outcomes(
    doc: DocInput,
    spec: OutcomesSpec,
    tops: list[tuple[OutlineItem, Node]],
    ospec: OutlineSpec,
    ref_year: int,
    result: DocResult,
) -> None:
    """Figures in each top-level item's outcomes list (001 (二) 預期亮點成果) as its targets."""
    start_re = re.compile(spec.start)
    ends = [it.line_start for it, _ in tops[1:]] + [_region_end(doc, ospec)]
    for (it, node), end in zip(tops, ends, strict=True):
        first = next(
            (n for n in range(it.line_start, end) if start_re.match(strip_decoration(doc.source.line(n)))), None
        )
        if first is not None:
            add_line_targets(doc, node.id, list(range(first + 1, end)), ref_year, result, default="target")


def _region_end(doc: DocInput, ospec: OutlineSpec) -> int:
    end_re = re.compile(ospec.region_end) if ospec.region_end else None
    if end_re is None:
        return len(doc.source.lines) + 1
    return next((i for i, s in enumerate(doc.source.lines, 1) if end_re.search(s)), len(doc.source.lines) + 1)
