"""Facts about 智慧國家方案(2021-2025年) 整體推動成果 (003_392c06949711f1a9.txt), checked by reading
the document; each test names the line it checks. The format traps are in
docs/corpus-formats.md ("003").
"""

from __future__ import annotations

import pytest

from graph.model import Edge, EdgeType, GraphBatch, Node, NodeKind
from loaders.corpus import DEFAULT_CORPUS
from loaders.pipeline import build_batch, read_corpus_sources

DOC = "smart-nation-2021"
P, S, M, A, T = NodeKind.PILLAR, NodeKind.STRATEGY, NodeKind.MEASURE, NodeKind.ACTION, NodeKind.TARGET
L, C, R = EdgeType.LEADS, EdgeType.CO_ORGANIZES, EdgeType.RESPONSIBLE_FOR


@pytest.fixture(scope="module")
def batch() -> GraphBatch:
    # This document alone: its facts do not depend on the other readers.
    return build_batch([s for s in read_corpus_sources(DEFAULT_CORPUS) if s[0].id == DOC])


def at(batch: GraphBatch, line: int, kind: NodeKind) -> Node:
    found = [n for n in batch.nodes if n.kind == kind and n.document == DOC and n.provenance.line_start == line]
    assert len(found) == 1, f"expected one {kind.value} at 003:{line}, found {[n.id for n in found]}"
    return found[0]


def parent(batch: GraphBatch, node: Node) -> Node:
    ids = [e.source for e in batch.edges if e.type == EdgeType.CONTAINS and e.target == node.id]
    assert len(ids) == 1, node.id
    return next(n for n in batch.nodes if n.id == ids[0])


def chain(batch: GraphBatch, node: Node) -> list[tuple[int, NodeKind, str]]:
    out: list[tuple[int, NodeKind, str]] = []
    cur = parent(batch, node)
    while cur.kind != NodeKind.PLAN:
        out.append((cur.provenance.line_start, cur.kind, cur.title))
        cur = parent(batch, cur)
    return out


def edges_to(batch: GraphBatch, node: Node, etype: EdgeType) -> list[Edge]:
    return [e for e in batch.edges if e.target == node.id and e.type == etype]


def names(batch: GraphBatch, node: Node, etype: EdgeType) -> set[str]:
    titles = {n.id: n.title for n in batch.nodes if n.kind == NodeKind.AGENCY}
    return {titles[e.source] for e in edges_to(batch, node, etype)}


def warnings_at(batch: GraphBatch, line: int, code: str) -> list[str]:
    return [w.message for w in batch.warnings if w.document == DOC and w.line == line and w.code == code]


# --- Pillars and their conveners ------------------------------------------------------------------


def test_four_pillars_with_conveners(batch: GraphBatch) -> None:
    # 463, 722, 1338, 2714 `…分組推動成果【召集部會：X】`; 77 adds the convening units of 數位基盤
    # (數位發展部（韌性建設司）) and 數位治理 (數位發展部（數位政府司）).
    pillars = sorted((n for n in batch.nodes if n.kind == P and n.document == DOC), key=lambda n: n.order)
    assert [(n.provenance.line_start, n.title) for n in pillars] == [
        (463, "數位基盤分組"),
        (722, "數位創新分組"),
        (1338, "數位治理分組"),
        (2714, "數位包容分組"),
    ]
    assert names(batch, pillars[0], L) == {"數位發展部", "數位發展部韌性建設司"}
    assert names(batch, pillars[1], L) == {"經濟部"}
    assert names(batch, pillars[2], L) == {"數位發展部", "數位發展部數位政府司"}
    assert names(batch, pillars[3], L) == {"教育部"}
    unit_edge = next(e for e in edges_to(batch, pillars[0], L) if e.provenance.line_start == 77)
    assert "韌性建設司" in unit_edge.provenance.quote


def test_results_summaries_are_not_work_areas(batch: GraphBatch) -> None:
    # 465, 724, 1340, 2716 `一、2021-2025年…整體推動效益`: no Strategy there; the first work area is 二、.
    for line in (465, 724, 1340, 2716):
        assert not [n for n in batch.nodes if n.document == DOC and n.provenance.line_start == line]
    strategies = [n for n in batch.nodes if n.kind == S and n.document == DOC]
    assert strategies and all(n.number != "一" for n in strategies)
    # 貳 has 二、…七、 (479, 507, 599, 631, 673, 714)
    pillar = at(batch, 463, P)
    assert [n.provenance.line_start for n in strategies if parent(batch, n).id == pillar.id] == [
        479,
        507,
        599,
        631,
        673,
        714,
    ]


def test_governance_states_seven_performance_goals(batch: GraphBatch) -> None:
    # 1342 「數位治理分組之主要績效目標共計 7 項」; the goals are (一)…(七) at 1344-1353.
    pillar = at(batch, 1338, P)
    goals = [e for e in batch.edges if e.source == pillar.id and e.type == EdgeType.HAS_TARGET]
    targets = sorted((next(n for n in batch.nodes if n.id == e.target) for e in goals), key=lambda n: n.order)
    assert len(targets) == 7
    assert [t.provenance.line_start for t in targets] == [1344, 1345, 1346, 1347, 1348, 1352, 1353]
    assert all(t.attrs["type"] == "target" for t in targets)
    assert "64.73%" in targets[3].attrs["text"]  # 1347 主要績效目標 4 … 已達 64.73%


def test_inclusion_performance_indicators(batch: GraphBatch) -> None:
    # 2732-2736: 伍's 績效指標 (一)…(五); (二) 「2025 年達成建立 10 個 5G 校園應用實作場域」.
    pillar = at(batch, 2714, P)
    targets = [e.target for e in batch.edges if e.source == pillar.id and e.type == EdgeType.HAS_TARGET]
    assert len(targets) == 5
    kpi = at(batch, 2733, T)
    assert kpi.id in targets
    assert "10 個 5G 校園應用實作場域" in kpi.attrs["text"]


# --- Parent chains ----------------------------------------------------------------------------------

CHAINS = [
    pytest.param(
        1161,
        A,
        "Å世代半導體-前瞻半導體及量子技術研發計畫",
        [
            (1156, M, "吸引國際大廠來臺設立 Demo Lab、推動國際級領導廠商在臺前瞻研究佈局"),
            (1111, S, "數位關鍵技術"),
            (722, P, "數位創新分組"),
        ],
        id="003:1161",
    ),
    pytest.param(
        # `##` heading depth, `(二)` under `###`-level 三、 (540 vs 507)
        540,
        M,
        "完善臺灣光纜通道",
        [(507, S, "先進網路建設整備"), (463, P, "數位基盤分組")],
        id="003:540",
    ),
    pytest.param(
        # `#####` (一) under `####` 四、
        601,
        M,
        "B5G 1A和1B衛星本體系統/次系統發展",
        [(599, S, "B5G衛星通訊發展"), (463, P, "數位基盤分組")],
        id="003:601",
    ),
    pytest.param(
        # plain (三) with no markdown at all
        694,
        M,
        "研析前瞻6G潛在頻段，提升我國行動頻譜整備成熟度",
        [(673, S, "擘劃頻譜政策"), (463, P, "數位基盤分組")],
        id="003:694",
    ),
    pytest.param(
        # `## 2.` is an item of (三) 783, not a section
        794,
        A,
        "次世代通訊賦能智慧醫療系統",
        [(783, M, "次世代行動創新應用賦能發展"), (753, S, "擴大數位經濟"), (722, P, "數位創新分組")],
        id="003:794",
    ),
    pytest.param(
        # 肆.三: (一) is a category, the tagged work items are its 1. … 52.
        2076,
        A,
        "運用大數據分析能力提升 COVID-19 緊急疫情應變量能",
        [(1621, M, "改善政府數位施政效能及為民服務品質"), (1619, S, "推升智慧政府服務"), (1338, P, "數位治理分組")],
        id="003:2076",
    ),
]


@pytest.mark.parametrize(("line", "kind", "title", "expected"), CHAINS)
def test_parent_chain(
    batch: GraphBatch, line: int, kind: NodeKind, title: str, expected: list[tuple[int, NodeKind, str]]
) -> None:
    node = at(batch, line, kind)
    assert node.title == title
    assert chain(batch, node) == expected


# --- Titles of untitled and broken items ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "title"),
    [
        # 564 untitled result paragraph: the opening clause
        pytest.param(564, A, "國道部分光纜通道管道建置工程於2024年5月27日開工", id="003:564"),
        # 1158 the text before `：`
        pytest.param(1158, A, "推動國際大廠半導體設備來臺研發與生產，深化在臺供應鏈", id="003:1158"),
        # 610/612: a title cut by a page break mid-word (`全球定位` / `系統接收機`)
        pytest.param(
            610,
            A,
            "完成S頻段螺旋天線飛行體、S頻段平板天線飛行體、全球定位系統接收機飛行體、星象儀飛行體、磁力計飛行體研製",
            id="003:610-612",
        ),
        # 1079 (十一) a paragraph heading whose tag is on its own bold line (1081)
        pytest.param(1079, M, "協助電動車企業將設計思考導入研發前端流程", id="003:1079"),
        # 990-991 the tag's last name overflows onto the next line: not part of the title
        pytest.param(990, M, "推動永續時尚產業鏈整合及臺北時裝週文化科技匯流平臺", id="003:990"),
    ],
)
def test_titles(batch: GraphBatch, line: int, kind: NodeKind, title: str) -> None:
    assert at(batch, line, kind).title == title


def test_title_split_by_a_hard_break(batch: GraphBatch) -> None:
    # 2754 `3. 強化資訊培力…等觀念  ` / 2755 `20 萬 4,823 人次`: one title over two lines.
    node = at(batch, 2754, A)
    assert node.title.startswith("強化資訊培力及應用能力")
    assert node.title.endswith("20 萬 4,823 人次")
    assert node.provenance.line_end == 2755


# --- Agency tags wherever they sit ------------------------------------------------------------------

TAGS = [
    # end of a heading, two co-equal bodies: both responsible, neither said to lead
    pytest.param(493, M, {"數位發展部", "原住民族委員會"}, 493, id="003:493"),
    # end of the paragraph, after a page break inside it (514 … 516 `…。【數發部】`)
    pytest.param(514, A, {"數位發展部"}, 516, id="003:514-516"),
    # on its own line after the paragraph (571 → 573 `【國科會】`)
    pytest.param(571, A, {"國家科學及技術委員會"}, 573, id="003:573"),
    # bold on its own line for (十一) (1079 → 1081)
    pytest.param(1079, M, {"經濟部產業發展署"}, 1081, id="003:1081"),
    # after a page-break continuation of the heading (1252 → 1254)
    pytest.param(1252, M, {"經濟部產業發展署"}, 1254, id="003:1254"),
    # split across lines: `【文化部】` / `文創發展司` (990-991)
    pytest.param(990, M, {"文化部文創發展司"}, 990, id="003:990-991"),
    # elliptical list: 工程處 = 國科會工程處
    pytest.param(
        1161,
        A,
        {
            "國家科學及技術委員會自然科學及永續研究發展處",
            "國家科學及技術委員會工程技術研究發展處",
            "國家實驗研究院台灣半導體研究中心",
        },
        1161,
        id="003:1161",
    ),
    # `及` splits like `、`; the ministry carries over
    pytest.param(1840, A, {"交通部公路局", "交通部鐵道局", "交通部運輸研究所"}, 1840, id="003:1840"),
    # `及` inside a name (護理及健康照護司) does not split; 醫事司 takes 衛福部
    pytest.param(2775, M, {"衛生福利部護理及健康照護司", "衛生福利部醫事司"}, 2775, id="003:2775"),
    # the parenthesised executing body
    pytest.param(2607, A, {"國家災害防救科技中心"}, 2607, id="003:2607"),
    # former names: 公路總局 (1607) is today's 公路局
    pytest.param(1607, A, {"交通部公路局"}, 1607, id="003:1607"),
]


@pytest.mark.parametrize(("line", "kind", "bodies", "tag_line"), TAGS)
def test_agency_tags(batch: GraphBatch, line: int, kind: NodeKind, bodies: set[str], tag_line: int) -> None:
    # One tagged body leads its item; several are each responsible, role unstated (a tag makes no
    # lead/co distinction, docs/corpus-formats.md, 003 "Responsibility").
    node = at(batch, line, kind)
    role = L if len(bodies) == 1 else R
    assert names(batch, node, role) == bodies
    assert names(batch, node, C) == set()
    assert names(batch, node, R if role is L else L) == set()
    edges = edges_to(batch, node, role)
    assert {e.provenance.line_start for e in edges} == {tag_line}
    assert all(e.attrs["raw"].startswith("【") for e in edges)


def test_untagged_parent_keeps_no_tag_of_its_children(batch: GraphBatch) -> None:
    # 509 (一) is untagged; its items 511-534 carry 【國科會】/【數發部】/【教育部】.
    parent_node = at(batch, 509, M)
    assert names(batch, parent_node, L) == set()
    assert names(batch, at(batch, 530, A), L) == {"教育部"}


def test_prose_makes_lead_and_co_2742(batch: GraphBatch) -> None:
    # 2740 tag lists seven bodies; 2742 「由教育部偕同 6 個部會共同執行」.
    node = at(batch, 2740, M)
    assert names(batch, node, L) == {"教育部"}
    co = edges_to(batch, node, C)
    unresolved = warnings_at(batch, 2740, "unknown-agency")
    assert len(co) + len(unresolved) == 6  # the count the document states
    assert {"原住民族委員會", "數位發展部韌性建設司", "內政部移民署"} <= names(batch, node, C)
    assert all("2742" in (e.provenance.note or "") for e in co)


def test_prose_makes_lead_and_co_2790(batch: GraphBatch) -> None:
    # 2788 `【數發部】`; 2790 「由數發部協同教育部、衛福部、文化部共同執行」.
    node = at(batch, 2788, M)
    assert names(batch, node, L) == {"數位發展部"}
    assert names(batch, node, C) == {"教育部", "衛生福利部", "文化部"}
    assert {e.provenance.line_start for e in edges_to(batch, node, C)} == {2790}


def test_tags_kept_as_printed_for_the_same_project(batch: GraphBatch) -> None:
    # 1466 and 1873: the same project under two measures, tagged 【交通部】 vs 【交通部中央氣象署】.
    first, second = at(batch, 1466, A), at(batch, 1873, A)
    assert first.title == second.title == "氣象衛星資料環境監測服務計畫"
    assert names(batch, first, L) == {"交通部"}
    assert names(batch, second, L) == {"交通部中央氣象署"}
    assert second.id in first.attrs["same_title_as"]


def test_odd_tag_name_is_reported(batch: GraphBatch) -> None:
    # 1595 tags 【金融管理委員會】, not the council's name (金融監督管理委員會): read only by fuzzy
    # matching, and said so.
    node = at(batch, 1595, A)
    edges = edges_to(batch, node, L)
    if warnings_at(batch, 1595, "unknown-agency"):
        assert edges == []
    else:
        assert warnings_at(batch, 1595, "agency-fuzzy-match")
        assert names(batch, node, L) == {"金融監督管理委員會"}
        assert all(e.attrs.get("fuzzy") for e in edges)


# --- Numbering traps ---------------------------------------------------------------------------------


def test_stray_list_in_figure_text_is_not_items(batch: GraphBatch) -> None:
    # 2025-2048: `1. 2.`, `1. 2.`, `1. 2. 3.` inside the figure of item 32 (2005); 33 follows at 2076.
    for line in (2025, 2026, 2037, 2038, 2046, 2047, 2048, 2016, 2019):
        assert not [n for n in batch.nodes if n.document == DOC and n.provenance.line_start == line], line
    item32, item33 = at(batch, 2005, A), at(batch, 2076, A)
    assert (item32.number, item33.number) == ("32", "33")
    assert parent(batch, item32).id == parent(batch, item33).id


def test_numbering_gap_is_kept_and_reported(batch: GraphBatch) -> None:
    # 829 `1.` then 869 `5.` under (四) 827; 2.-4. are missing from the document.
    gap = at(batch, 869, A)
    assert gap.number == "5"
    assert parent(batch, gap).provenance.line_start == 827
    assert warnings_at(batch, 869, "numbering-gap")


def test_duplicate_paragraph_numbered_twice(batch: GraphBatch) -> None:
    # 1135 (14) and 1136 (15) are the same paragraph; only 15 carries the tag 【經濟部產業技術司】.
    first, second = at(batch, 1135, A), at(batch, 1136, A)
    assert (first.number, second.number) == ("14", "15")
    assert second.attrs["duplicate_of"] == first.id
    assert warnings_at(batch, 1136, "duplicate-item")
    assert names(batch, second, L) == {"經濟部產業技術司"}
    assert names(batch, first, L) == set()


# --- 表1 overall indicators ------------------------------------------------------------------------

INDICATORS = [
    # line, indicator, dimension, target, achieved, unit
    pytest.param(427, "數位經濟規模", "創新數位經濟", 6.5, 9.8, "兆元", id="003:427"),
    pytest.param(430, "數位生活服務使用普及率", "活躍網路社會", 80.0, 80.5, "%", id="003:430"),
    pytest.param(434, "5G 網路非偏鄉人口涵蓋率", "優勢寬頻環境", 85.0, 98.74, "%", id="003:434"),
]


@pytest.mark.parametrize(("line", "name", "dimension", "target", "achieved", "unit"), INDICATORS)
def test_indicator(
    batch: GraphBatch, line: int, name: str, dimension: str, target: float, achieved: float, unit: str
) -> None:
    rows = [n for n in batch.nodes if n.kind == T and n.document == DOC and n.provenance.line_start == line]
    by_type = {n.attrs["type"]: n for n in rows}
    assert set(by_type) == {"target", "achieved"}
    for kind, value in (("target", target), ("achieved", achieved)):
        a = by_type[kind].attrs
        assert (a["indicator"], a["dimension"], a["value"], a["unit"], a["year"]) == (
            name,
            dimension,
            value,
            unit,
            2025,
        )
    assert by_type["target"].attrs["pair"] == by_type["achieved"].id


def test_indicators_cover_three_dimensions(batch: GraphBatch) -> None:
    # 421 「就「創新數位經濟」、「活躍網路社會」、「優勢寬頻環境」三大面向，設定2025年總體指標」; six rows.
    ind = [n for n in batch.nodes if n.kind == T and n.attrs.get("source") == "表1"]
    assert len({n.attrs["indicator"] for n in ind}) == 6
    assert {n.attrs["dimension"] for n in ind} == {"創新數位經濟", "活躍網路社會", "優勢寬頻環境"}
    estimated = at_type(ind, 427, "achieved")
    assert estimated.attrs["qualifier"] == "預估值"  # 427 `9.8 兆元(預估值)`
    assert "OECD" in estimated.attrs["definition"]  # note [1] at 438


def at_type(nodes: list[Node], line: int, kind: str) -> Node:
    return next(n for n in nodes if n.provenance.line_start == line and n.attrs["type"] == kind)


def test_second_table_captioned_table_1_is_not_indicators(batch: GraphBatch) -> None:
    # 685 `表1、我國開放衛星固定通信與衛星行動通信之使用頻段` is another table.
    assert not [n for n in batch.nodes if n.document == DOC and 685 <= n.provenance.line_start <= 688]


# --- Targets in headings and summaries -------------------------------------------------------------


def heading_targets(batch: GraphBatch, node: Node) -> list[Node]:
    ids = {e.target for e in batch.edges if e.source == node.id and e.type == EdgeType.HAS_TARGET}
    return sorted((n for n in batch.nodes if n.id in ids), key=lambda n: n.id)


def test_target_in_a_measure_heading_1113(batch: GraphBatch) -> None:
    # 1113 `(一) 打造臺灣成為亞洲「高階製造、半導體先進製程」中心，至2025年至少吸引1家國際大廠來臺設立 Demo Lab`
    measure = at(batch, 1113, M)
    [target] = heading_targets(batch, measure)
    assert target.title == "至2025年至少吸引1家國際大廠來臺設立 Demo Lab"
    a = target.attrs
    assert (a["type"], a["value"], a["unit"], a["year"]) == ("target", 1.0, "家", 2025)


def test_targets_in_a_measure_heading_1283(batch: GraphBatch) -> None:
    # 1283 「至2024年至少開發商轉 6 個具產業影響力的數位平臺，帶動所涉領域中小企業新增營收累計達 20 億元」
    measure = at(batch, 1283, M)
    got = {(t.attrs["value"], t.attrs["unit"], t.attrs["year"]) for t in heading_targets(batch, measure)}
    assert got == {(6.0, "個", 2024), (20.0, "億元", 2024)}


def test_performance_goal_label_is_not_its_title(batch: GraphBatch) -> None:
    # 1344 `主要績效目標 1：政府資料開放，民間活化應用發展服務，政府機關每年至少發展 3 項高價值資料集…`
    goal = at(batch, 1344, T)
    assert goal.attrs["label"] == "主要績效目標 1"
    assert goal.title == "政府資料開放"
    assert any(f["value"] == 3.0 and f["unit"] == "項" for f in goal.attrs["figures"])


def test_five_commitment_areas(batch: GraphBatch) -> None:
    # 2703 「五大範疇承諾事項相關成果包括：」 then (一)…(五) at 2705-2712 under 五、促進公民協力參與.
    strategy = at(batch, 2699, S)
    areas = [n for n in batch.nodes if n.kind == M and parent(batch, n).id == strategy.id]
    assert [n.provenance.line_start for n in areas] == [2705, 2706, 2707, 2711, 2712]
    assert areas[3].title == "落實清廉施政"  # 2711 `- (四)落實清廉施政：…`


# --- Summary Targets: value, unit and year where the document gives them ---------------------------


@pytest.mark.parametrize(
    ("line", "kind", "value", "unit", "year"),
    [
        # 貳 (results achieved): 477 「完成維運專案辦公室及 141 案專網申請審查。提供 350 件申請者諮詢」
        pytest.param(477, "achieved", 141.0, "案", None, id="003:477 141 案"),
        # 475 「…並於 18 處以上 5G 應用場域完成資安驗證…」 (its `145 條` has no unit the extractor knows)
        pytest.param(475, "achieved", 18.0, "處", None, id="003:475 18 處以上"),
        # 參: 738 「在國內創造 38 萬人次的科藝展演熱潮」
        pytest.param(738, "achieved", 38.0, "萬人次", None, id="003:738 38 萬人次"),
        # 746 「整體製造業數位化比例由 19% 躍升至 93%」: 19% is where it started, 93% the result
        pytest.param(746, "achieved", 93.0, "%", None, id="003:746 由 19% 躍升至 93%"),
        # 肆: 1346 「截至 2025 年度…已達目標值 159 項應用案例」
        pytest.param(1346, "target", 159.0, "項", 2025, id="003:1346 目標值 159 項"),
        # 伍 (績效指標): 2732 「2025 年達成數位生活服務使用普及率達 80%」
        pytest.param(2732, "target", 80.0, "%", 2025, id="003:2732 80%"),
        # 2733 「2025 年達成建立 10 個 5G 校園應用實作場域，並成立至少 1 個 5G 跨校教學聯盟」: the first indicator
        pytest.param(2733, "target", 10.0, "個", 2025, id="003:2733 10 個"),
    ],
)
def test_summary_target_figures(
    batch: GraphBatch, line: int, kind: str, value: float, unit: str, year: int | None
) -> None:
    t = at(batch, line, T)
    assert (t.attrs["type"], t.attrs["value"], t.attrs["unit"], t.attrs["year"]) == (kind, value, unit, year)


def test_from_to_baseline_746(batch: GraphBatch) -> None:
    # 746 「整體製造業數位化比例由 19% 躍升至 93%」
    figures = at(batch, 746, T).attrs["figures"]
    assert [(f["type"], f["value"]) for f in figures if f["unit"] == "%"] == [("baseline", 19.0), ("achieved", 93.0)]


@pytest.mark.parametrize(
    ("line", "year"),
    [
        # no figure of its own kind, but the item says when
        pytest.param(470, 2025, id="003:470 於 2025 年建立多個公部門混合雲服務平臺"),
        pytest.param(471, 2025, id="003:471 至 2025 年 12 月底"),
        pytest.param(476, 2024, id="003:476 已於 2024 年12月完成第 4 階段補償"),
        pytest.param(1347, 2025, id="003:1347 截至 2025 年度…已達 64.73%"),
        pytest.param(1348, 2025, id="003:1348 截至 2025 年度已有 66 個政府機關"),
        pytest.param(1352, 2025, id="003:1352 截至 2025 年…523 萬 9,000 人次"),
        pytest.param(1353, 2024, id="003:1353 截至 2024 年推動成果包括"),
        pytest.param(2736, 2025, id="003:2736 至 2025 年達成重點偏鄉學校 5G 智慧教室"),
    ],
)
def test_summary_target_year_from_its_text(batch: GraphBatch, line: int, year: int) -> None:
    t = at(batch, line, T)
    assert (t.attrs["value"], t.attrs["year"], t.attrs["year_from"]) == (None, year, "text")


@pytest.mark.parametrize(
    "line",
    [
        # 730 (參 (一) 確立全球 AI 與半導體供應鏈的關鍵地位): no figure, no year in 730-737
        pytest.param(730, id="003:730"),
        # 2734 「充足適性數位人才能量，建立數位人才滾動調查與技能分級認證機制…」: no figure, no year
        pytest.param(2734, id="003:2734"),
    ],
)
def test_summary_targets_the_document_leaves_open(batch: GraphBatch, line: int) -> None:
    t = at(batch, line, T)
    assert (t.attrs.get("value"), t.attrs.get("unit"), t.attrs.get("year")) == (None, None, None)
