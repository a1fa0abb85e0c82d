"""Target nodes from extracted figures: one builder for every reader, so a Target looks the same
whichever document it comes from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from graph.model import EdgeType, Node, NodeKind
from loaders.context import DocInput, DocResult
from loaders.targets import TargetFact, TargetType, extract_targets
from loaders.text import HTML_TAG, clean_title

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
    owner: str,
    lines: Iterable[int],
    ref_year: int | None,
    result: DocResult,
    default: TargetType | None = None,
    skip_tables: bool = True,
) -> int:
    """Targets stated on the given source lines, each linked to `owner` by HAS_TARGET. Ids are
    `<doc>:t<line>.<k>`, stable across loads. Tab-separated lines are tables (data, not the
    text's own targets) and are skipped unless skip_tables is False. Returns how many were added."""
    added = 0
    for n in sorted(set(lines)):
        text = doc.source.line(n)
        if not text.strip() or (skip_tables and "\t" in text):
            continue
        for k, fact in enumerate(extract_targets(text, ref_year, default), 1):
            node = result.add_node(
                target_node(doc, f"{doc.meta.id}:t{n}.{k}", fact, clause_title(text, fact.span), (n, n))
            )
            result.add_edge(owner, node.id, EdgeType.HAS_TARGET, node.provenance)
            added += 1
    return added
