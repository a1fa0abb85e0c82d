"""Schedules (attrs schedule_start / schedule_end) and targets (Target attrs year / unit)."""

from __future__ import annotations

import re
from typing import Any

from graph.model import Node, NodeKind
from queries.integrity.catalogue import Findings, check, node_evidence
from queries.integrity.context import CheckContext
from queries.integrity.model import Evidence, Severity

_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?\s*$")


def parse_when(value: Any) -> tuple[int, int | None, int | None] | None:
    """An AD year, "YYYY-MM" or "YYYY-MM-DD" -> (year, month, day); None when absent or unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return (value, None, None)
    m = _DATE.match(str(value))
    if not m:
        return None
    return (int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None)


def _first(w: tuple[int, int | None, int | None]) -> tuple[int, int, int]:
    return (w[0], w[1] or 1, w[2] or 1)


def _last(w: tuple[int, int | None, int | None]) -> tuple[int, int, int]:
    return (w[0], w[1] or 12, w[2] or 31)


def schedule_evidence(n: Node) -> list[Evidence]:
    """Where the schedule is printed (attrs schedules: [{line, raw}], e.g. a table row), then the item."""
    out: list[Evidence] = []
    rows = n.attrs.get("schedules")
    if isinstance(rows, list):
        for r in rows:
            if isinstance(r, dict) and isinstance(r.get("line"), int):
                raw = r.get("raw")
                out.append(Evidence(document=n.document, line=r["line"], quote=str(raw) if raw else None))
    return [*out, node_evidence(n)]


def _scheduled(ctx: CheckContext, out: Findings) -> list[tuple[Node, Any, Any]]:
    rows = []
    for n in ctx.index.nodes:
        start, end = n.attrs.get("schedule_start"), n.attrs.get("schedule_end")
        if start is None and end is None:
            continue
        for label, v in (("start", start), ("end", end)):
            if v is not None and parse_when(v) is None:
                out.note(f"{n.id}: schedule_{label} {v!r} is not a year or YYYY-MM date; not checked")
        rows.append((n, start, end))
    return rows


@check(
    "schedule-reversed",
    Severity.ERROR,
    "A schedule that ends before it starts is a misread date (often an ROC year taken as AD or the reverse).",
)
def schedule_reversed(ctx: CheckContext, out: Findings) -> None:
    for n, start, end in _scheduled(ctx, out):
        s, e = parse_when(start), parse_when(end)
        if s is not None and e is not None and _last(e) < _first(s):
            out.add(f"{n.id}: schedule ends {end} before it starts {start}", focus=n.id, evidence=schedule_evidence(n))


@check(
    "schedule-outside-period",
    Severity.WARNING,
    "An item scheduled outside its plan's period is either a misread date or work the plan only "
    "prepares; either way an analyst should see it.",
)
def schedule_outside_period(ctx: CheckContext, out: Findings) -> None:
    docs = ctx.index.docs_by_id
    for n, start, end in _scheduled(ctx, out):
        meta = docs.get(n.document)
        if meta is None or meta.period_start is None or meta.period_end is None:
            out.note(f"{n.document}: the manifest gives no period; schedules not compared")
            continue
        s, e = parse_when(start), parse_when(end)
        problems = []
        if s is not None and s[0] < meta.period_start:
            problems.append(f"starts {start}")
        if e is not None and e[0] > meta.period_end:
            problems.append(f"ends {end}")
        if problems:
            out.add(
                f"{n.id}: {' and '.join(problems)}, outside the plan period {meta.period_start}-{meta.period_end}",
                focus=n.id,
                evidence=schedule_evidence(n),
            )


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


@check(
    "target-incomplete",
    Severity.WARNING,
    "A target without a year, or a quantity without a unit, cannot be compared or tracked (\"at least "
    "5%\" by when? \"600\" of what?). Achievements, baselines and budgets (attrs type) are not targets.",
)
def target_incomplete(ctx: CheckContext, out: Findings) -> None:
    for n in ctx.index.nodes:
        if n.kind is not NodeKind.TARGET or n.attrs.get("type", "target") != "target":
            continue
        missing = ["year"] if _blank(n.attrs.get("year")) else []
        # A qualitative goal states no quantity, so it has no unit to give.
        if n.attrs.get("value") is not None and _blank(n.attrs.get("unit")):
            missing.append("unit")
        if missing:
            what = " and no ".join(missing)
            out.add(f"target {n.id} {n.title!r} has no {what}", focus=n.id, evidence=[node_evidence(n)])
