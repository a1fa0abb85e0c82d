"""Reader for plans written as measure cards (tests/data/sixth_document/grid_cards.txt):

主軸一：強化電網韌性            -> a Pillar under the Plan
【措施卡 1-1】                  -> a Measure under that Pillar
名稱：建置區域智慧電網示範場域  -> the Measure's title
主辦：經濟部                    -> LEADS, quoted from this line
協辦：國家科學及技術委員會、…   -> CO_ORGANIZES, one edge per agency
指標：2028年完成6處示範場域     -> a Target (HAS_TARGET), by the shared figure extractor
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.numbering import numeral_value
from core.text import clean_title
from graph.model import Edge, EdgeType, Node
from loaders.components import readers
from loaders.context import DocInput, DocResult, LoadContext
from loaders.readers.outline_plan import plan_root
from loaders.target_nodes import add_line_targets
from tests.example_reader.profile import MeasureCardsProfile

_FIELD = re.compile(r"^(?P<key>[^：:]{1,8})[：:]\s*(?P<value>.*)$")
_LIST_SEP = re.compile(r"[、,，／/]")


@dataclass
class _Card:
    id: str
    number: str
    start: int
    parent: str
    # key -> (line, value), in the order printed.
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)
    end: int = 0


@readers.register("measure_cards", profile=MeasureCardsProfile)
def read_measure_cards(doc: DocInput[MeasureCardsProfile], ctx: LoadContext) -> DocResult:
    result = DocResult()
    plan = plan_root(doc, result)
    prof = doc.profile
    pillar_re, card_re = re.compile(prof.pillar.pattern), re.compile(prof.card.pattern)
    ends = [re.compile(p) for p in prof.region_ends()]
    parent = plan.id
    card: _Card | None = None
    for n, raw in enumerate(doc.source.lines, 1):
        line = raw.strip()
        if any(e.match(line) for e in ends):
            break
        if m := pillar_re.match(line):
            _close(doc, ctx, card, result)
            card = None
            number = numeral_value(m["num"])
            pillar = result.add_node(
                Node(
                    id=f"{doc.meta.id}:p{number if number is not None else m['num']}",
                    kind=prof.pillar.kind,
                    title=clean_title(m["title"]),
                    number=m["num"],
                    order=n,
                    provenance=doc.prov(n),
                )
            )
            result.add_edge(plan.id, pillar.id, EdgeType.CONTAINS, pillar.provenance)
            parent = pillar.id
        elif m := card_re.match(line):
            _close(doc, ctx, card, result)
            # Ids are the numbering path (grid-2026:p1.m1-1), as the outline readers make them.
            prefix = f"{doc.meta.id}:" if parent == plan.id else f"{parent}."
            card = _Card(f"{prefix}m{m['num']}", m["num"], n, parent, end=n)
        elif card is not None and (f := _FIELD.match(line)):
            card.fields[f["key"].strip()] = (n, f["value"].strip())
            card.end = n
    _close(doc, ctx, card, result)
    return result


def _close(doc: DocInput[MeasureCardsProfile], ctx: LoadContext, card: _Card | None, result: DocResult) -> None:
    """The card's Measure node, its agencies and its target, once all its lines are read."""
    if card is None:
        return
    keys = doc.profile.fields
    doc_id = doc.meta.id
    title = card.fields.get(keys.title)
    if title is None:
        result.warn(doc_id, card.start, "card-without-title", f"measure card {card.number} has no {keys.title} line")
    node = result.add_node(
        Node(
            id=card.id,
            kind=doc.profile.card.kind,
            title=clean_title(title[1]) if title else f"措施卡 {card.number}",
            number=card.number,
            order=card.start,
            provenance=doc.prov(card.start, card.end),
            attrs={k: v for k, (_, v) in card.fields.items() if k not in (keys.title, keys.lead, keys.co, keys.target)},
        )
    )
    result.add_edge(card.parent, node.id, EdgeType.CONTAINS, node.provenance)
    for key, role in ((keys.lead, EdgeType.LEADS), (keys.co, EdgeType.CO_ORGANIZES)):
        if key in card.fields:
            line, value = card.fields[key]
            _assign(doc, ctx, node, role, line, value, result)
    if keys.target in card.fields:
        add_line_targets(doc, node.id, [card.fields[keys.target][0]], doc.meta.period_start, result)


def _assign(
    doc: DocInput[MeasureCardsProfile],
    ctx: LoadContext,
    node: Node,
    role: EdgeType,
    line: int,
    value: str,
    result: DocResult,
) -> None:
    """One edge per agency named on the line, quoted from it; a name the gazetteer does not know is
    a warning with its line, not an edge."""
    for name in (s.strip() for s in _LIST_SEP.split(value)):
        if not name:
            continue
        rec = ctx.agencies.book.resolve(name)
        if rec is None:
            result.warn(doc.meta.id, line, "unknown-agency", f"「{name}」 is not in the agency gazetteer")
            continue
        prov = doc.prov(line)
        agency_id = ctx.agencies.mention(rec, prov)
        # Built directly, as the bundled readers do: the attribute `source` would clash with add_edge's.
        attrs = {"raw": value, "name": name, "source": "措施卡"}
        result.edges.append(Edge(source=agency_id, target=node.id, type=role, provenance=prov, attrs=attrs))
