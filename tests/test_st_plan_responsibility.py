"""Responsibility in the S&T plan: 表4 (000:2645-2815) read by hand, compared with the graph.

Each case names the 表4 line(s) that print the 參與部會 string and the body line of the strategy it
belongs to. `A／B、C`: A leads, B and C co-organise. Short forms as printed in 表4 are mapped to the
canonical names by FULL (000 notes, "Agencies").
"""

from __future__ import annotations

import pytest

from graph.embedded_store import EmbeddedStore
from graph.export import export_dict
from graph.model import EdgeType, GraphBatch, Node, NodeKind
from graph.store import Role

DOC = "st-plan-114"

FULL = {
    "國科會": "國家科學及技術委員會",
    "經濟部": "經濟部",
    "數發部": "數位發展部",
    "中研院": "中央研究院",
    "交通部": "交通部",
    "內政部": "內政部",
    "國防部": "國防部",
    "海委會": "海洋委員會",
    "農業部": "農業部",
    "農委會": "農業部",  # former name, restructured as 農業部 on 2023-08-01 (000 表2 note 2)
    "衛福部": "衛生福利部",
    "環境部": "環境部",
    "國發會": "國家發展委員會",
    "外交部": "外交部",
    "教育部": "教育部",
    "金管會": "金融監督管理委員會",
    "僑委會": "僑務委員會",
    "勞動部": "勞動部",
    "文化部": "文化部",
    "客委會": "客家委員會",
}


def strategy_at(store: EmbeddedStore, line: int) -> Node:
    found = [n for n in store.nodes(kinds=[NodeKind.STRATEGY], document=DOC) if n.provenance.line_start == line]
    assert len(found) == 1, f"no strategy at 000:{line}"
    return found[0]


def own(store: EmbeddedStore, node: Node) -> tuple[list[str], set[str]]:
    resp = [r for r in store.responsible_for(node.id) if r.explicit]
    return [r.agency.title for r in resp if r.role is Role.LEAD], {r.agency.title for r in resp if r.role is Role.CO}


def parse(expected: str) -> tuple[list[str], set[str]]:
    lead, _, co = expected.partition("／")
    return [FULL[lead]], {FULL[c] for c in co.split("、") if c}


# (body line of the strategy, expected string, 表4 line that must be among the edge's lines)
CASES = [
    # 2648: combined row, two strategies and two strings side by side.
    pytest.param(721, "經濟部／國科會", 2648, id="2648-first-of-combined"),
    pytest.param(749, "國科會／經濟部、中研院、交通部、數發部", 2648, id="2648-second-of-combined"),
    # 2653 repeats strategy 2 with its string after the page break.
    pytest.param(749, "國科會／經濟部、中研院、交通部、數發部", 2653, id="2653-repeat"),
    # 2654: string in a sixth column.
    pytest.param(785, "經濟部／國科會、數發部", 2654, id="2654"),
    pytest.param(827, "數發部／經濟部、內政部、國科會", 2660, id="2660"),
    # 2665: <p> cells, two strategies but three strings; the third belongs to 902, named on 2666.
    pytest.param(827, "數發部／經濟部、內政部、國科會", 2665, id="2665-first"),
    pytest.param(872, "經濟部／數發部、國科會、國防部", 2665, id="2665-second"),
    pytest.param(902, "國科會／經濟部、中研院、數發部", 2665, id="2665-third-for-next-row"),
    pytest.param(902, "國科會／經濟部、中研院、數發部", 2671, id="2671-repeat"),
    pytest.param(956, "國科會／經濟部、數發部、交通部", 2672, id="2672"),
    pytest.param(976, "海委會／國科會、中研院、農業部、交通部", 2673, id="2673-truncated-name"),
    pytest.param(1024, "衛福部／國科會、經濟部、中研院、農業部", 2677, id="2677"),
    pytest.param(1083, "國科會／經濟部、環境部、中研院、國發會、農業部", 2678, id="2678"),
    # 2679: lone 數發部 (lead, no co-organisers); the row also carries 1142's measures.
    pytest.param(1122, "數發部", 2679, id="2679-lone-name"),
    pytest.param(1142, "國科會／經濟部、外交部", 2682, id="2682"),
    # 2683: strategy name in the 子目標 column, string in the 措施 column.
    pytest.param(1159, "經濟部／國科會、國防部", 2683, id="2683-shifted"),
    pytest.param(1175, "經濟部／農業部、國科會、數發部、國防部", 2690, id="2690"),
    # 2694: measures and the lone 教育部 come before the strategy name (2695).
    pytest.param(1198, "教育部", 2694, id="2694-name-after-string"),
    # 2698: 農委會, the former name of 農業部.
    pytest.param(1236, "教育部／國科會、農委會、衛福部、中研院", 2698, id="2698-old-name"),
    pytest.param(1316, "教育部／國發會、經濟部、農業部、外交部", 2699, id="2699"),
    pytest.param(1367, "經濟部／國科會、數發部、交通部、金管會、農業部", 2700, id="2700"),
    # 2701: `2. 爭取國際頂尖人工智慧企業在臺設立研發中心 … 經濟部／國科會` -> 1397 (二) 策略二 of the same name.
    pytest.param(1397, "經濟部／國科會", 2701, id="2701"),
    pytest.param(1409, "農業部／經濟部、交通部", 2702, id="2702"),
    pytest.param(1416, "經濟部／內政部、國科會、數發部", 2707, id="2707"),
    # 2708: three strategies, three strings.
    pytest.param(1450, "經濟部／國科會、數發部、衛福部", 2708, id="2708-first"),
    pytest.param(1468, "經濟部／數發部、內政部", 2708, id="2708-second"),
    pytest.param(1487, "金管會／數發部", 2708, id="2708-third"),
    pytest.param(1487, "金管會／數發部", 2711, id="2711-repeat"),
    # 2712: `環境 部` with a space inside the name.
    pytest.param(1503, "經濟部／國科會、環境部、農業部", 2712, id="2712-space-in-name"),
    # 2716: `數發 部`; the strategy is named only later (2724), its measures identify it.
    pytest.param(1522, "經濟部／農業部、數發部、衛福部", 2716, id="2716-space-in-name"),
    pytest.param(1550, "經濟部／國科會、農業部", 2725, id="2725"),
    # 2728-2729: measures of two strategies on 2728, the second string alone on 2729.
    pytest.param(1569, "經濟部／數發部、交通部", 2728, id="2728-combined"),
    pytest.param(1597, "經濟部／數發部、環境部", 2729, id="2729-combined"),
    # 2732: 僑委會 printed twice; the second strategy's string sits beside the first's.
    pytest.param(1681, "經濟部／教育部、僑委會、數發部", 2732, id="2732-duplicate"),
    pytest.param(1731, "教育部／勞動部、環境部、農業部、交通部", 2732, id="2732-second"),
    pytest.param(1755, "教育部", 2738, id="2738-lone-name"),
    pytest.param(1773, "衛福部／經濟部、數發部、農業部", 2739, id="2739"),
    # 2743: two strategies side by side after the empty cell of 2740.
    pytest.param(1819, "衛福部／經濟部、教育部、國科會", 2743, id="2743-first"),
    pytest.param(1862, "衛福部／經濟部、數發部、內政部、交通部、教育部、中研院", 2743, id="2743-second"),
    # 2749: a sub-goal name in the strategy column; 2750 names the next strategy with its string.
    pytest.param(1951, "文化部／客委會、國科會", 2749, id="2749"),
    pytest.param(1981, "文化部／衛福部、客委會、經濟部", 2750, id="2750"),
    pytest.param(2026, "衛福部／經濟部、農業部、內政部、國科會", 2758, id="2758"),
    pytest.param(2075, "衛福部／國發會、經濟部、農業部、內政部", 2759, id="2759"),
    pytest.param(2140, "交通部／國科會", 2763, id="2763"),
    pytest.param(2150, "衛福部／內政部", 2764, id="2764"),
    pytest.param(2217, "環境部／國科會、農業部、交通部、中研院", 2772, id="2772"),
    pytest.param(2241, "環境部／交通部、經濟部", 2776, id="2776"),
    # 2779: strategy name in the 目標 column, beside the previous strategy's last measure (4).
    pytest.param(2261, "農業部／海委會、經濟部、國科會", 2779, id="2779-shifted"),
    # 2782 vs 2789/2792: the two later pages agree (with 數發部); 2782 is kept as a warning.
    pytest.param(
        2281, "環境部／國科會、農業部、經濟部、交通部、數發部、衛福部、內政部、中研院", 2789, id="2789-majority"
    ),
    pytest.param(
        2281, "環境部／國科會、農業部、經濟部、交通部、數發部、衛福部、內政部、中研院", 2792, id="2792-majority"
    ),
    pytest.param(2365, "環境部／國發會、國科會、海委會、勞動部、交通部、經濟部、教育部、金管會", 2793, id="2793"),
    # 2796-2800 carry no string; it comes with measure (6) on 2805.
    pytest.param(2386, "環境部／農業部、國科會、交通部、金管會、內政部、衛福部、教育部、經濟部", 2805, id="2805"),
    pytest.param(2428, "經濟部／農業部、海委會", 2807, id="2807"),
    pytest.param(2446, "經濟部／衛福部、國科會、農業部、環境部、內政部", 2809, id="2809"),
    pytest.param(2460, "經濟部／國科會、農業部", 2811, id="2811"),
    pytest.param(2478, "經濟部／交通部、內政部、國科會", 2813, id="2813"),
]


@pytest.mark.parametrize(("line", "expected", "table_line"), CASES)
def test_strategy_responsibility(corpus_store: EmbeddedStore, line: int, expected: str, table_line: int) -> None:
    node = strategy_at(corpus_store, line)
    assert own(corpus_store, node) == parse(expected)
    edges = corpus_store.edges(target=node.id, types=[EdgeType.LEADS, EdgeType.CO_ORGANIZES])
    for e in edges:
        assert e.attrs["source"] == "表4"
        assert table_line in e.attrs["lines"]
        assert e.provenance.line_start in e.attrs["lines"]
        # The quoted line holds the string as printed.
        assert e.attrs["raw"] in e.provenance.quote


def test_every_strategy_but_two_has_one_lead(corpus_store: EmbeddedStore) -> None:
    strategies = corpus_store.nodes(kinds=[NodeKind.STRATEGY], document=DOC)
    leads = {s.provenance.line_start: own(corpus_store, s)[0] for s in strategies}
    # 1809: empty 參與部會 cell on 2740. 2573: its rows are lost after 2815.
    assert sorted(line for line, lead in leads.items() if not lead) == [1809, 2573]
    assert all(len(lead) == 1 for line, lead in leads.items() if line not in (1809, 2573))


def test_nineteen_agencies_execute(corpus_store: EmbeddedStore) -> None:
    # 000:2643 「…由 19 個部、會、署共同執行」
    names = {
        corpus_store.node(e.source).title  # type: ignore[union-attr]
        for e in corpus_store.edges(types=[EdgeType.LEADS, EdgeType.CO_ORGANIZES])
        if e.provenance.document == DOC
    }
    assert len(names) == 19
    assert names == set(FULL.values())


def test_measures_carry_no_assignment_of_their_own(corpus_store: EmbeddedStore) -> None:
    kinds = {
        corpus_store.node(e.target).kind  # type: ignore[union-attr]
        for e in corpus_store.edges(types=[EdgeType.LEADS, EdgeType.CO_ORGANIZES])
        if e.provenance.document == DOC
    }
    assert kinds == {NodeKind.STRATEGY}


@pytest.mark.parametrize(
    ("measure_line", "strategy_line", "expected"),
    [
        # 000:2380 measure 4 of 2365, whose string is on 2793.
        (2380, 2365, "環境部／國發會、國科會、海委會、勞動部、交通部、經濟部、教育部、金管會"),
        # 000:723 measure 1 of 721 (2648 `經濟部／國科會`).
        (723, 721, "經濟部／國科會"),
        # 000:1124 measure 1 of 1122 (2679 lone 數發部).
        (1124, 1122, "數發部"),
    ],
    ids=["000:2380", "000:723", "000:1124"],
)
def test_measure_inherits_from_its_strategy(
    corpus_store: EmbeddedStore, measure_line: int, strategy_line: int, expected: str
) -> None:
    measure = next(
        n for n in corpus_store.nodes(kinds=[NodeKind.MEASURE], document=DOC) if n.provenance.line_start == measure_line
    )
    strategy = strategy_at(corpus_store, strategy_line)
    resp = corpus_store.responsible_for(measure.id)
    assert resp and all(not r.explicit and r.via == strategy.id for r in resp)
    lead = [r.agency.title for r in resp if r.role is Role.LEAD]
    co = {r.agency.title for r in resp if r.role is Role.CO}
    assert (lead, co) == parse(expected)


def test_measure_under_unassigned_strategy_inherits_nothing(corpus_store: EmbeddedStore) -> None:
    # 000:1815 is a measure of 1809, whose 表4 cell (2740) is empty.
    measure = next(
        n for n in corpus_store.nodes(kinds=[NodeKind.MEASURE], document=DOC) if n.provenance.line_start == 1815
    )
    assert corpus_store.responsible_for(measure.id) == []


def test_agency_responsibilities_list_explicit_then_inherited(corpus_store: EmbeddedStore) -> None:
    # 數位發展部 leads 827 (2660) and 1122 (2679); measures of those inherit.
    moda = next(n for n in corpus_store.nodes(kinds=[NodeKind.AGENCY]) if n.title == "數位發展部")
    resp = corpus_store.responsibilities(moda.id)
    led = {r.node.provenance.line_start for r in resp if r.explicit and r.role is Role.LEAD and r.node.document == DOC}
    assert led == {827, 1122}
    inherited = {r.node.provenance.line_start for r in resp if not r.explicit and r.role is Role.LEAD}
    assert {830, 834, 838, 849, 853, 858, 868, 1124, 1132, 1136} <= inherited


def test_export_separates_own_and_inherited(corpus_store: EmbeddedStore) -> None:
    data = export_dict(corpus_store)
    by_line = {
        (n["kind"], n["line"]): n
        for n in data["nodes"]
        if n["document"] == DOC and n["kind"] in ("Strategy", "Measure")
    }
    strategy = by_line[("Strategy", 1122)]  # 2679 lone 數發部
    assert len(strategy["lead"]) == 1 and strategy["co"] == [] and strategy["inherited_lead"] == []
    measure = by_line[("Measure", 1124)]
    assert measure["lead"] == [] and measure["inherited_lead"] == strategy["lead"]
    assert measure["inherited_from"] == strategy["id"]


def _warnings(batch: GraphBatch, code: str) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in batch.warnings if w.document == DOC and w.code == code]


def test_warnings_for_what_the_table_does_not_say(corpus_batch: GraphBatch) -> None:
    # 2740: empty 參與部會 cell for 推動在宅醫療…; 2815: the table stops before 發展電力去碳化與節能科技.
    missing = _warnings(corpus_batch, "no-responsibility")
    assert [line for line, _ in missing] == [2740, 2815]
    assert "推動在宅醫療" in missing[0][1]
    assert "發展電力去碳化與節能科技" in missing[1][1]


def test_warning_for_the_duplicate_name(corpus_batch: GraphBatch) -> None:
    # 2732 `經濟部／教育部、僑委會、數發部、僑委會`
    dups = _warnings(corpus_batch, "duplicate-agency")
    assert [line for line, _ in dups] == [2732]
    assert "僑委會" in dups[0][1]


def test_warning_for_the_conflicting_string(corpus_batch: GraphBatch) -> None:
    # 2782 lacks 數發部 (and prints 衛生福利部); 2789 and 2792 agree with each other.
    conflicts = _warnings(corpus_batch, "conflicting-responsibility")
    assert [line for line, _ in conflicts] == [2782]
    assert "衛生福利部" in conflicts[0][1] and "2789, 2792" in conflicts[0][1]


def test_every_table_name_resolves(corpus_batch: GraphBatch) -> None:
    # All 20 short forms printed in 表4 are agencies of the gazetteer (農委會 as a former name).
    assert _warnings(corpus_batch, "unknown-agency") == []


def test_old_name_is_kept_on_the_edge(corpus_store: EmbeddedStore) -> None:
    # 2698 prints 農委會; the edge goes to 農業部 and says what was printed.
    node = strategy_at(corpus_store, 1236)
    edges = [e for e in corpus_store.edges(target=node.id) if e.attrs.get("name") == "農委會"]
    assert len(edges) == 1
    assert corpus_store.node(edges[0].source).title == "農業部"  # type: ignore[union-attr]
    assert "農委會" in (edges[0].attrs.get("note") or "")
