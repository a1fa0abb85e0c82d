"""Facts about 智慧國家2.0 推動規劃報告 (004_7fdd740c596be875.txt), checked by reading the deck; each
test names the line it checks. The format traps are in docs/corpus-formats.md ("004").
"""

from __future__ import annotations

import pytest

from graph.model import HIERARCHY_KINDS, Edge, EdgeType, GraphBatch, Node, NodeKind
from loaders.corpus import DEFAULT_CORPUS
from loaders.pipeline import build_batch, read_corpus_sources

DOC = "smart-nation-2"
P, S, M = NodeKind.PILLAR, NodeKind.STRATEGY, NodeKind.MEASURE
L, C, R = EdgeType.LEADS, EdgeType.CO_ORGANIZES, EdgeType.RESPONSIBLE_FOR


@pytest.fixture(scope="module")
def batch() -> GraphBatch:
    # This document alone: its facts do not depend on the other readers.
    return build_batch([s for s in read_corpus_sources(DEFAULT_CORPUS) if s[0].id == DOC])


def at(batch: GraphBatch, line: int, kind: NodeKind) -> Node:
    found = [n for n in batch.nodes if n.kind == kind and n.document == DOC and n.provenance.line_start == line]
    assert len(found) == 1, f"expected one {kind.value} at 004:{line}, found {[n.id for n in found]}"
    return found[0]


def contains_edge(batch: GraphBatch, node: Node) -> Edge:
    found = [e for e in batch.edges if e.type == EdgeType.CONTAINS and e.target == node.id]
    assert len(found) == 1, node.id
    return found[0]


def parent(batch: GraphBatch, node: Node) -> Node:
    pid = contains_edge(batch, node).source
    return next(n for n in batch.nodes if n.id == pid)


def agencies(batch: GraphBatch, node: Node, etype: EdgeType) -> list[str]:
    """Agency names in the order the document lists them."""
    titles = {n.id: n.title for n in batch.nodes if n.kind == NodeKind.AGENCY}
    edges = [e for e in batch.edges if e.target == node.id and e.type == etype]
    return [titles[e.source] for e in sorted(edges, key=lambda e: e.attrs.get("position", 0))]


def test_four_pillars(batch: GraphBatch) -> None:
    # 308/350/402/454: each detail heading is followed by its description (310, 352, 404, 456).
    pillars = [n for n in batch.nodes if n.kind == P and n.document == DOC]
    assert [(n.provenance.line_start, n.title) for n in pillars] == [
        (308, "智慧科技"),
        (350, "智慧產業"),
        (402, "智慧治理"),
        (454, "智慧共融"),
    ]
    assert pillars[0].attrs["text"].startswith("加速完善人工智慧與數位基礎建設")  # 310


@pytest.mark.parametrize(
    ("line", "lead", "co", "lead_line", "co_line"),
    [
        pytest.param(308, ["國家科學及技術委員會"], ["經濟部", "數位發展部"], 525, 526, id="004:525-526"),
        pytest.param(350, ["經濟部"], ["數位發展部"], 534, 535, id="004:534-535"),
        pytest.param(402, ["數位發展部"], ["國家發展委員會"], 544, 545, id="004:544-545"),
        pytest.param(454, ["教育部"], ["數位發展部"], 555, 556, id="004:555-556"),
    ],
)
def test_pillar_conveners(
    batch: GraphBatch, line: int, lead: list[str], co: list[str], lead_line: int, co_line: int
) -> None:
    # 召集部會 (lead) and 共同召集部會 (co) from 新小組架構.
    pillar = at(batch, line, P)
    assert agencies(batch, pillar, L) == lead
    assert sorted(agencies(batch, pillar, C)) == sorted(co)
    lines = {e.type: e.provenance.line_start for e in batch.edges if e.target == pillar.id and e.type in (L, C)}
    assert lines == {L: lead_line, C: co_line}


def test_strategies_per_pillar(batch: GraphBatch) -> None:
    # Bare lines between a description and the ■ lines: 312 326 340 | 354 368 378 388 | 406 412 438 444
    # | 458 476 486; 388 `AI產業化、產業AI化` has a 、 and is still a strategy.
    got: dict[str, list[int]] = {}
    for s in (n for n in batch.nodes if n.kind == S and n.document == DOC):
        got.setdefault(parent(batch, s).title, []).append(s.provenance.line_start)
    assert got == {
        "智慧科技": [312, 326, 340],
        "智慧產業": [354, 368, 378, 388],
        "智慧治理": [406, 412, 438, 444],
        "智慧共融": [458, 476, 486],
    }
    assert at(batch, 388, S).title == "AI產業化、產業AI化"


def test_measure_count_and_description(batch: GraphBatch) -> None:
    # 36 ■ bullets on the detail slides (314-492); 760's ■ is an annex bullet, not a measure.
    measures = [n for n in batch.nodes if n.kind == M and n.document == DOC]
    assert len(measures) == 36
    assert all(314 <= n.provenance.line_start <= 492 for n in measures)
    quantum = at(batch, 346, M)
    assert quantum.title == "推動量子科技研發"
    assert quantum.attrs["text"].startswith("研發量子電腦、量子通訊設備及周邊零組件技術")  # 348


def test_governance_slide_order_trap(batch: GraphBatch) -> None:
    # 402-452: strategy line 438 `智慧政府服務` follows the ■ lines it heads. The annex (657) puts
    # 數位公共服務/氣候調適與災防韌性/AI施政惠民/政府數位韌性/數位民主對話 under 智慧政府服務,
    # and 政府資料治理 (659) / 民間資料應用 (660) under 公私資料治理 (412).
    for line in (422, 426, 430, 434, 440):
        m = at(batch, line, M)
        assert parent(batch, m).provenance.line_start == 438, line
        assert contains_edge(batch, m).provenance.line_start == 657
    for line, annex in ((414, 659), (418, 660)):
        m = at(batch, line, M)
        assert parent(batch, m).provenance.line_start == 412
        assert contains_edge(batch, m).provenance.line_start == annex
    assert at(batch, 422, M).attrs["text_order_strategy"] == "公私資料治理"


def test_strategy_agencies_in_listed_order(batch: GraphBatch) -> None:
    # 529 `- 強化數位基礎建設 (數發部/經濟部/國科會)`: the list never says who leads (docs/corpus-formats.md,
    # 004): all three are responsible, role unstated, in the order printed.
    strategy = at(batch, 326, S)
    assert agencies(batch, strategy, R) == ["數位發展部", "經濟部", "國家科學及技術委員會"]
    assert agencies(batch, strategy, L) == [] and agencies(batch, strategy, C) == []
    edges = [e for e in batch.edges if e.target == strategy.id and e.type is R]
    assert {e.attrs["basis"] for e in edges} == {"list-order"}
    assert {e.provenance.line_start for e in edges} == {529}


def test_single_agency_strategy(batch: GraphBatch) -> None:
    # 560 `- 精進學習環境 (教育部)`
    strategy = at(batch, 486, S)
    assert agencies(batch, strategy, L) == ["教育部"]
    assert agencies(batch, strategy, C) == []


@pytest.mark.parametrize(
    ("line", "lead", "listed", "annex_line"),
    [
        # 622 `✓ 次世代通訊技術(經濟部/數發部)` ↔ 328 `■ 部署次世代通訊技術`: two bodies, no lead stated
        pytest.param(328, [], ["經濟部", "數位發展部"], 622, id="004:622"),
        # 624 `✓ 數位安全防護(數發部)`
        pytest.param(336, ["數位發展部"], [], 624, id="004:624"),
        # 655 leading slash `(/國發會/國科會/數發部/NCC)`: no lead printed; NCC = 國家通訊傳播委員會
        pytest.param(
            408, [], ["國家發展委員會", "國家科學及技術委員會", "數位發展部", "國家通訊傳播委員會"], 655, id="004:655"
        ),
        # 675 `✓ 高齡及新住民普惠(衛福部/數發部/內政部)` ↔ 472 `■ 普惠高齡及新住民科技` (alias)
        pytest.param(472, [], ["衛生福利部", "數位發展部", "內政部"], 675, id="004:675"),
        # 644 `✓ AI產業化(國科會/經濟部)` ↔ 390 `■ 群聚AI產業能量` (alias)
        pytest.param(390, [], ["國家科學及技術委員會", "經濟部"], 644, id="004:644"),
    ],
)
def test_measure_agencies(batch: GraphBatch, line: int, lead: list[str], listed: list[str], annex_line: int) -> None:
    m = at(batch, line, M)
    assert agencies(batch, m, L) == lead
    assert agencies(batch, m, R) == listed
    assert agencies(batch, m, C) == []  # the annex never says 協辦
    assert m.attrs["annex_line"] == annex_line
    assert m.attrs["shared"] is False


def test_shared_annex_items(batch: GraphBatch) -> None:
    # 620 `✓ AI軟硬體科研/AI主權/AI國際影響力(國科會/經濟部/數發部)`: the list goes to each of 314,
    # 318, 322, flagged shared; the order cannot say who leads which, so nobody is made lead.
    for line in (314, 318, 322):
        m = at(batch, line, M)
        assert m.attrs["shared"] is True
        assert agencies(batch, m, L) == [] and agencies(batch, m, C) == []
        assert agencies(batch, m, R) == ["國家科學及技術委員會", "經濟部", "數位發展部"]
    # 635: 資料驅動/數位文創升級/運科商業應用 (數發部/文化部/經濟部/教育部) → 356, 360, 364
    for line in (356, 360, 364):
        assert agencies(batch, at(batch, line, M), R) == ["數位發展部", "文化部", "經濟部", "教育部"]
    # 657: one body for five measures: it leads each of them
    assert agencies(batch, at(batch, 440, M), L) == ["數位發展部"]


def test_spurious_annex_item(batch: GraphBatch) -> None:
    # 640 `✓ 全球民主韌性供應鏈` repeats its strategy and names no agency: no measure from it.
    assert [w for w in batch.warnings if w.line == 640 and w.code == "annex-item-skipped"]
    assert not [n for n in batch.nodes if n.document == DOC and n.attrs.get("annex_line") == 640]


def test_predecessor_and_international_table_not_loaded(batch: GraphBatch) -> None:
    # 683-754: the predecessor's group structure; 756-767: the international table (763 has
    # Singapore's 「智慧國家 2.0」). Neither contributes items or assignments to this plan. (External
    # plans first named there, and the cross-plan link from 683 to the predecessor, are expected.)
    structure = {EdgeType.CONTAINS, EdgeType.LEADS, EdgeType.CO_ORGANIZES, EdgeType.RESPONSIBLE_FOR, EdgeType.HAS_TARGET}
    assert not [
        n
        for n in batch.nodes
        if n.document == DOC
        and n.kind in HIERARCHY_KINDS
        and n.kind is not NodeKind.PLAN
        and 576 <= n.provenance.line_start <= 919
    ]
    assert not [
        e
        for e in batch.edges
        if e.type in structure and e.provenance.document == DOC and 683 <= e.provenance.line_start <= 767
    ]
    assert not [n for n in batch.nodes if n.kind == NodeKind.AGENCY and n.title in ("交通部", "原住民族委員會")]


def test_plan_is_a_draft(batch: GraphBatch) -> None:
    # 573 「…以完備本草案，俾利於報院實施」
    plan = next(n for n in batch.nodes if n.kind == NodeKind.PLAN and n.document == DOC)
    assert (plan.attrs["status"], plan.attrs["status_line"]) == ("draft", 573)


def test_every_measure_is_in_the_annex(batch: GraphBatch) -> None:
    # Every ■ title has a ✓ entry (620-681), directly or through the alias table.
    codes = {w.code for w in batch.warnings if w.document == DOC}
    assert "measure-not-in-annex" not in codes
    assert "unmatched-annex-item" not in codes
    assert "unknown-agency" not in codes


def test_summary_slide_keywords(batch: GraphBatch) -> None:
    # 296 `- 智慧政府服務 (數位公共服務、善用AI施政惠民提升氣候調適及災防韌性、數位民主)`: the summary
    # slide agrees with the annex that 數位公共服務 belongs to 智慧政府服務 (438), not 公私資料治理.
    strategy = at(batch, 438, S)
    assert strategy.attrs["keywords_line"] == 296
    assert strategy.attrs["keywords"][0] == "數位公共服務"
    assert at(batch, 312, S).attrs["keywords"] == ["AI算力", "大型基礎模型", "AI國合", "AI軟硬體科研"]  # 276
