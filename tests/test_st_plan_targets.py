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


def targets_at(store: EmbeddedStore, line: int) -> list:  # type: ignore[type-arg]
    found = [t for t in store.nodes(kinds=[NodeKind.TARGET], document=DOC) if t.provenance.line_start == line]
    return sorted(found, key=lambda t: t.attrs["span"])


def test_from_to_is_a_baseline_and_a_target_2490(corpus_store: EmbeddedStore) -> None:
    # 000:2490 「2030 年之前擴充超一路…容量（由原 1,000 MW 提升至 3,000 MW）；擴充超二路…容量（由原 2,000 MW
    # 提升至 3,000 MW）。」: the 原 figures are where capacity stands; 2030 covers both `；` parts.
    got = [(t.attrs["type"], t.attrs["value"], t.attrs["year"]) for t in targets_at(corpus_store, 2490)]
    assert got == [
        ("baseline", 1000.0, None),
        ("target", 3000.0, 2030),
        ("baseline", 2000.0, None),
        ("target", 3000.0, 2030),
    ]


def test_from_to_ramp_rate_2504(corpus_store: EmbeddedStore) -> None:
    # 000:2504 「2030 年至 2050 年之間，將燃氣複循環機組升降載率由原 5%/min 調整至 7%/min。」
    got = [(t.attrs["type"], t.attrs["value"], t.attrs["unit"]) for t in targets_at(corpus_store, 2504)]
    assert got == [("baseline", 5.0, "%/min"), ("target", 7.0, "%/min")]


@pytest.mark.parametrize(
    "line",
    [
        # 000:1779 「規劃結合科技廠商提供智慧型裝置之應用系統、24 小時監測機制」: what the system does
        pytest.param(1779, id="000:1779"),
        # 000:2330 「…產生 2 倍或 4 倍解析度 (透過參數選擇) 影像回傳」: a feature of the API
        pytest.param(2330, id="000:2330"),
    ],
)
def test_descriptions_are_not_targets(corpus_store: EmbeddedStore, line: int) -> None:
    assert targets_at(corpus_store, line) == []


def test_plan_budget_by_year_2931(corpus_store: EmbeddedStore) -> None:
    # 000:2931 「2024 年度中央政府總體科技預算編列 1,517 億元，2025 年度至 2028 年度科技預算需求推估為 1,595 億元、
    # 1,800 億元、1,890 億元以及 1,985 億元（表 5）」; 表5 (000:2933-2940, 單位：億元；%) prints the same
    # 2025-2028 figures on 000:2938 (整體科技預算) and their share of GDP on 000:2940 (占比 0.60 0.65 0.66 0.68).
    plan = f"{DOC}:plan"
    budgets = sorted(
        (t for e in corpus_store.edges(source=plan, types=[EdgeType.HAS_TARGET]) if (t := corpus_store.node(e.target))),
        key=lambda t: t.attrs["year"],
    )
    assert [(t.attrs["type"], t.attrs["year"], t.attrs["value"], t.attrs["unit"]) for t in budgets] == [
        ("budget", 2024, 1517.0, "億元"),
        ("budget", 2025, 1595.0, "億元"),
        ("budget", 2026, 1800.0, "億元"),
        ("budget", 2027, 1890.0, "億元"),
        ("budget", 2028, 1985.0, "億元"),
    ]
    assert all(t.provenance.line_start == 2931 for t in budgets)
    assert "table" not in budgets[0].attrs  # 2024 is in the text only
    assert [(t.attrs["table"]["line"], t.attrs["table"]["cell"]) for t in budgets[1:]] == [
        (2938, "1,595"),
        (2938, "1,800"),
        (2938, "1,890"),
        (2938, "1,985"),
    ]
    assert [t.attrs["gdp_share"] for t in budgets[1:]] == [0.60, 0.65, 0.66, 0.68]
    assert budgets[1].attrs["gdp_share_line"] == 2940


def test_budget_years_only_the_table_gives() -> None:
    """Without 000:2931's second clause (the 2025-2028 estimates), the budget for those years comes
    from 表5's 整體科技預算 row (000:2938: 1,595 1,800 1,890 1,985, 單位：億元)."""
    from core.source import decode_source
    from loaders.corpus import DEFAULT_CORPUS
    from loaders.pipeline import build_batch, read_corpus_sources

    meta, src = next(s for s in read_corpus_sources(DEFAULT_CORPUS) if s[0].id == DOC)
    lines = list(src.lines)
    assert lines[2930].startswith("我國政府科技經費之配置") and "1,595 億元" in lines[2930]
    lines[2930] = lines[2930].split("，2025 年度至 2028 年度")[0] + "。"
    batch = build_batch([(meta, decode_source(meta.file, "\n".join(lines).encode()))])
    plan_targets = {e.target for e in batch.edges if e.source == f"{DOC}:plan" and e.type is EdgeType.HAS_TARGET}
    budgets = sorted((n for n in batch.nodes if n.id in plan_targets), key=lambda n: n.attrs["year"])
    got = [(t.provenance.line_start, t.attrs["year"], t.attrs["value"], t.attrs["unit"]) for t in budgets]
    assert got == [
        (2931, 2024, 1517.0, "億元"),
        *[(2938, y, v, "億元") for y, v in ((2025, 1595.0), (2026, 1800.0), (2027, 1890.0), (2028, 1985.0))],
    ]
    assert [(t.attrs["amount"], t.attrs["base_unit"]) for t in budgets[1:2]] == [(1595e8, "元")]
    assert budgets[-1].attrs["gdp_share"] == 0.68  # 000:2940 占比
