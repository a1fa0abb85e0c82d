"""Targets stated in the S&T plan's items (000 has no KPI table; figures sit in action text).

Each case was read in the document; the line is the source line of the figure."""

from __future__ import annotations

import pytest

from graph.embedded_store import EmbeddedStore
from graph.model import EdgeType, NodeKind

DOC = "st-plan-114"

CASES = [
    # 000:2511 「電網端及發電端，2025 年目標分別為：1,000 MW 及 500 MW。」
    (2511, 1000.0, "MW", 2025),
    (2511, 500.0, "MW", 2025),
    # 000:2512 「電網端及發電端，2030 年目標分別為：3,000 MW 及 2,500 MW。」
    (2512, 3000.0, "MW", 2030),
    (2512, 2500.0, "MW", 2030),
    # 000:2524 「智慧型電表布建於 2030 年之前 達 600 萬用戶。」
    (2524, 600.0, "萬用戶", 2030),
    # 000:2525 「2030 年之前完成智慧變電所 185 所布建」
    (2525, 185.0, "所", 2030),
    # 000:2484 「預計於 2030 年之前完成 7 站 7 線強化工程」
    (2484, 7.0, "站", 2030),
    # 000:2571 「國籍航空 SAF 使用比例至少 5%」 (no year given)
    (2571, 5.0, "%", None),
]


@pytest.mark.parametrize(("line", "value", "unit", "year"), CASES)
def test_target_read_from_line(
    corpus_store: EmbeddedStore, line: int, value: float, unit: str, year: int | None
) -> None:
    targets = [t for t in corpus_store.nodes(kinds=[NodeKind.TARGET], document=DOC) if t.provenance.line_start == line]
    match = [t for t in targets if t.attrs["value"] == value and t.attrs["unit"] == unit]
    assert len(match) == 1, [(t.attrs["value"], t.attrs["unit"]) for t in targets]
    t = match[0]
    assert t.attrs["year"] == year
    assert t.attrs["type"] == "target"
    # It hangs on the plan item whose lines state it.
    owners = corpus_store.edges(target=t.id, types=[EdgeType.HAS_TARGET])
    assert len(owners) == 1
    owner = corpus_store.node(owners[0].source)
    assert owner is not None and owner.kind in {NodeKind.MEASURE, NodeKind.ACTION, NodeKind.ITEM}
    assert owner.document == DOC


def test_2511_targets_belong_to_the_storage_action(corpus_store: EmbeddedStore) -> None:
    # 000:2510 「- (6) 應用儲能系統」 is the action; 2511 is its sub-item I.
    t = next(t for t in corpus_store.nodes(kinds=[NodeKind.TARGET], document=DOC) if t.provenance.line_start == 2511)
    owner_id = corpus_store.edges(target=t.id, types=[EdgeType.HAS_TARGET])[0].source
    chain = [owner_id, *[r.node.id for r in corpus_store.ancestors(owner_id)]]
    titles = [n.title for n in corpus_store.get_nodes(chain) if n is not None]
    assert "應用儲能系統" in titles
    assert "發展智慧電網與儲能科技" in titles  # 000:2478 策略一
