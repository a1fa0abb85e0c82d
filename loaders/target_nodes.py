"""Target nodes from extracted figures: one builder for every reader, so a Target looks the same
whichever document it comes from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.text import HTML_TAG, clean_title
from graph.model import EdgeType, Node, NodeKind
from loaders.context import DocInput, DocResult
from loaders.targets import TargetFact, TargetType, extract_targets

_CLAUSE_ENDS = "，。；："
# A list marker at the start of a line (- (1), I., 2., A.) is not part of a title.
_LEAD_MARKER = re.compile(
    r"^\s*(?:-\s+)?(?:[(（][0-9一二三四五六七八九十]{1,3}[)）]|[0-9]{1,2}[.．]|[IVXivx]{1,4}[.．]|[A-Za-z][.．])\s*"
)
# Footnote marks (<sup>2</sup> at 001:89) are not part of a title.
_SUP = re.compile(r"<sup>.*?</sup>")


def clause_title(text: str, span: tuple[int, int], ends: str = _CLAUSE_ENDS) -> str:
    """The clause around a figure (between the punctuation marks before and after it)."""
    a, b = span
    lo = max(text.rfind(p, 0, a) for p in ends) + 1
    his = [i for i in (text.find(p, b) for p in ends) if i >= 0]
    clause = text[lo : min(his) if his else len(text)]
    if lo == 0:
        clause = _LEAD_MARKER.sub("", clause)
    return clean_title(HTML_TAG.sub("", _SUP.sub("", clause))).rstrip("：:")


def target_node(
    doc: DocInput,
    node_id: str,
    fact: TargetFact,
    title: str,
    lines: tuple[int, int],
    **extra: Any,
) -> Node:
    return Node(
        id=node_id,
        kind=NodeKind.TARGET,
        title=title,
        order=lines[0],
        provenance=doc.prov(*lines),
        attrs={
            "type": fact.type,
            "value": fact.value,
            "unit": fact.unit,
            "year": fact.year,
            "qualifier": fact.qualifier,
            "amount": fact.amount,
            "base_unit": fact.base_unit,
            "text": fact.text,
            "span": list(fact.span),
            **extra,
        },
    )


def add_line_targets(
    doc: DocInput,
    owner: str | Sequence[str],
    lines: Iterable[int],
    ref_year: int | None,
    result: DocResult,
    default: TargetType | None = None,
    skip_tables: bool = True,
    types: Iterable[TargetType] | None = None,
    extra: Callable[[TargetFact], dict[str, Any]] | None = None,
    part: Callable[[str], str] | None = None,
) -> list[Node]:
    """Targets stated on the given source lines, each linked to `owner` (or to each of several
    owners) by HAS_TARGET. Ids are `<doc>:t<line>.<k>`, stable across loads. Tab-separated lines
    are tables (data, not the text's own targets) and are skipped unless skip_tables is False.
    `part` reads only a leading part of each line (a table's first cell), so spans stay offsets into
    the source line. `types` keeps only figures of those types; `extra` adds attrs to a figure's
    node. Returns the nodes added."""
    owners = [owner] if isinstance(owner, str) else list(owner)
    wanted = set(types) if types is not None else None
    added: list[Node] = []
    for n in sorted(set(lines)):
        text = doc.source.line(n)
        if part is not None:
            text = part(text)
        if not text.strip() or (skip_tables and "\t" in text):
            continue
        for k, fact in enumerate(extract_targets(text, ref_year, default), 1):
            if wanted is not None and fact.type not in wanted:
                continue
            more = extra(fact) if extra is not None else {}
            node = result.add_node(
                target_node(doc, f"{doc.meta.id}:t{n}.{k}", fact, clause_title(text, fact.span), (n, n), **more)
            )
            for o in owners:
                result.add_edge(o, node.id, EdgeType.HAS_TARGET, node.provenance)
            added.append(node)
    return added


@dataclass(frozen=True)
class YearTable:
    """A table with one column per year (000 表5: `年度 | 2025 年度 | … | 2028 年度`): each labelled
    row's cells by year, with the line each row is printed on."""

    caption_line: int
    header_line: int
    units: tuple[str, ...]
    rows: dict[str, tuple[int, dict[int, str]]]


_TABLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def read_year_table(doc: DocInput, start: int, end: int, caption: str, unit_line: str) -> YearTable | None:
    """The first table captioned `caption` between lines start and end whose header row names
    years; `unit_line` (a regex with group `units`) gives the units, `；`-separated, in row order."""
    cap = re.compile(caption)
    unit_re = re.compile(unit_line)
    lines = range(start, end + 1)
    at = next((n for n in lines if cap.match(doc.source.line(n).strip())), None)
    if at is None:
        return None
    units: tuple[str, ...] = ()
    header: tuple[int, list[int | None]] | None = None
    rows: dict[str, tuple[int, dict[int, str]]] = {}
    for n in range(at + 1, end + 1):
        raw = doc.source.line(n)
        if not raw.strip():
            continue
        if "\t" not in raw:
            um = unit_re.match(raw.strip())
            if um is not None:
                units = tuple(u.strip() for u in re.split(r"[；;]", um.group("units")) if u.strip())
                continue
            if header is not None:
                break  # the first line after the rows that is not a row ends the table
            continue
        cells = [c.strip() for c in raw.split("\t")]
        if header is None:
            years = [int(m.group(1)) if (m := _TABLE_YEAR.search(c)) else None for c in cells[1:]]
            if any(y is not None for y in years):
                header = (n, years)
            continue
        rows[clean_title(cells[0])] = (n, {y: v for y, v in zip(header[1], cells[1:], strict=False) if y and v})
    if header is None:
        return None
    return YearTable(at, header[0], units, rows)
