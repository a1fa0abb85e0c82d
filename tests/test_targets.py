"""The generic target extractor on sentences from all five documents (each quoted from its line)."""

from __future__ import annotations

import pytest

from loaders.corpus import DEFAULT_CORPUS
from loaders.targets import TargetFact, extract_targets, roc_year

FILES = {
    "000": "000_94c0ce11f244451c.txt",
    "001": "001_3e3adedee198aa68.txt",
    "002": "002_44819a52b52d1726.txt",
    "003": "003_392c06949711f1a9.txt",
    "004": "004_7fdd740c596be875.txt",
}


def line(doc: str, n: int) -> str:
    return (DEFAULT_CORPUS / FILES[doc]).read_text(encoding="utf-8").split("\n")[n - 1]


def summary(facts: list[TargetFact]) -> list[tuple[str, float, str, int | None]]:
    return [(f.type, f.value, f.unit, f.year) for f in facts]


@pytest.mark.parametrize(
    ("doc", "n", "ref", "expected"),
    [
        # 001:89 「於 2040 年創造新臺幣(下同)逾 15 兆元的產值，產生 50 萬個高薪就業機會，並打造出 3 個國際級實驗室」
        pytest.param(
            "001",
            89,
            2026,
            [("target", 15.0, "兆元", 2040), ("target", 50.0, "萬個", 2040), ("target", 3.0, "個", 2040)],
            id="001:89",
        ),
        # 001:1101 「預計至2028年，將以完成累計能耗約20MW，至2029年約23MW 之算力建設為目標」: each figure its own year
        pytest.param("001", 1101, 2026, [("target", 20.0, "MW", 2028), ("target", 23.0, "MW", 2029)], id="001:1101"),
        # 001:1093 「臺灣於2025年11月全球算力排名第13、亞洲排名第4」
        pytest.param(
            "001", 1093, 2026, [("baseline", 13.0, "rank", 2025), ("baseline", 4.0, "rank", 2025)], id="001:1093"
        ),
        # 001:1438 「並於2028年達成每年1,500億元之募資目標」: the thousands comma is not a clause break
        pytest.param("001", 1438, 2026, [("target", 1500.0, "億元", 2028)], id="001:1438"),
        # 002:486 「預計於 2028 年協助 20 萬家企業完成 AI 導入，並在 2040 年達到百萬家企業全面應用」
        pytest.param("002", 486, 2025, [("target", 20.0, "萬家", 2028), ("target", 100.0, "萬家", 2040)], id="002:486"),
        # 002:782 「由國發基金匡列新臺幣 100 億元」
        pytest.param("002", 782, 2025, [("budget", 100.0, "億元", None)], id="002:782"),
        # 002:1488 「2024 年我國原住民族微型企業數已成長至約 1 萬 8 千家，相較 2016 年之增幅已超過一倍，
        # 且整體就業人口成長 18.6%」: 2016 is the base of the comparison; the figures are 2024's
        pytest.param(
            "002",
            1488,
            2025,
            [("achieved", 18000.0, "家", 2024), ("achieved", 18.6, "%", 2024)],
            id="002:1488 two-part figure, comparison base",
        ),
        # 002:974 「國發基金也規劃與各部會合作推動主題式投資…針對 AI、綠色成長、智慧機器人等領域，各設立
        # 100 億元基金」: money set aside as funds, not a figure aimed at
        pytest.param("002", 974, 2025, [("budget", 100.0, "億元", None)], id="002:974 fund"),
        # 000:2490 「2030 年之前擴充…容量（由原 1,000 MW 提升至 3,000 MW）；擴充…容量（由原 2,000 MW 提升至
        # 3,000 MW）。」: 由原 X 提升至 Y is a baseline X and a target Y; the second `；` part keeps 2030
        pytest.param(
            "000",
            2490,
            2025,
            [
                ("baseline", 1000.0, "MW", None),
                ("target", 3000.0, "MW", 2030),
                ("baseline", 2000.0, "MW", None),
                ("target", 3000.0, "MW", 2030),
            ],
            id="000:2490 由原…提升至",
        ),
        # 000:2504 「2030 年至 2050 年之間，將燃氣複循環機組升降載率由原 5%/min 調整至 7%/min。」
        pytest.param(
            "000",
            2504,
            2025,
            [("baseline", 5.0, "%/min", None), ("target", 7.0, "%/min", 2050)],
            id="000:2504 由原…調整至",
        ),
        # 000:1779 「規劃結合科技廠商提供智慧型裝置之應用系統、24 小時監測機制」: what the system is
        pytest.param("000", 1779, 2025, [], id="000:1779 24 小時監測機制"),
        # 000:2330 「…產生 2 倍或 4 倍解析度 (透過參數選擇) 影像回傳」: a feature, not a figure aimed at
        pytest.param("000", 2330, 2025, [], id="000:2330 2 倍或 4 倍解析度"),
        # 001:1025 「(至少120小時)」: a duration with its own cue stays a target
        pytest.param("001", 1025, 2026, [("target", 120.0, "小時", None)], id="001:1025 至少120小時"),
        # 000:2931 「2024 年度中央政府總體科技預算編列 1,517 億元，2025 年度至 2028 年度科技預算需求推估為
        # 1,595 億元、1,800 億元、1,890 億元以及 1,985 億元（表 5）」: each year its own figure
        pytest.param(
            "000",
            2931,
            2025,
            [
                ("budget", 1517.0, "億元", 2024),
                ("budget", 1595.0, "億元", 2025),
                ("budget", 1800.0, "億元", 2026),
                ("budget", 1890.0, "億元", 2027),
                ("budget", 1985.0, "億元", 2028),
            ],
            id="000:2931 budget by year",
        ),
        # 003:1346 「截至 2025 年度…已達目標值 159 項應用案例」: 目標值 names the target
        pytest.param("003", 1346, 2025, [("target", 159.0, "項", 2025)], id="003:1346 目標值"),
        # 002:203 EU 「規劃投入 2,000 億歐元」; 002:1008 「根據麥肯錫…將可創造超過 17 兆美元產值」: not the plan's
        pytest.param("002", 203, 2025, [], id="002:203 foreign currency"),
        pytest.param("002", 1008, 2025, [], id="002:1008 sourced world figure"),
        # 002:952 「根據臺灣經濟研究院統計，2024 年臺灣新創募資金額達 33.4 億美元…並以 2027 年達成新創募資新臺幣 1,500 億元為目標」
        pytest.param(
            "002",
            952,
            2025,
            [("baseline", 33.4, "億美元", 2024), ("target", 1500.0, "億元", 2027)],
            id="002:952 reported baseline",
        ),
        # 003:456 「至2025年，「民眾具備個人數位競爭力人口占比」達64%，已達成原訂2025年60%的政策目標。」
        pytest.param("003", 456, 2025, [("achieved", 64.0, "%", 2025), ("target", 60.0, "%", 2025)], id="003:456"),
        # 003:461 「…已達98.74%，超越原定2025年達85%之目標」
        pytest.param("003", 461, 2025, [("achieved", 98.74, "%", 2025), ("target", 85.0, "%", 2025)], id="003:461"),
        # 000:2484 「預計於 2030 年之前完成 7 站 7 線強化工程，以增加離岸風力 11 GW 併網容量」
        pytest.param(
            "000",
            2484,
            2025,
            [("target", 7.0, "站", 2030), ("target", 7.0, "線", 2030), ("target", 11.0, "GW", 2030)],
            id="000:2484",
        ),
        # 000:1202 「第二期計畫（112—116年）挹注970億元」: ROC years
        pytest.param("000", 1202, 2025, [("budget", 970.0, "億元", 2027)], id="000:1202 ROC"),
    ],
)
def test_sentences(doc: str, n: int, ref: int, expected: list[tuple[str, float, str, int | None]]) -> None:
    assert summary(extract_targets(line(doc, n), ref)) == expected


def test_roc_year_end_001_1450() -> None:
    # 001:1450 「預計115年底累計投資至少8家 AI 新創」: 民國115年 = 2026
    facts = extract_targets(line("001", 1450), 2026)
    eight = [f for f in facts if f.value == 8.0]
    assert [(f.type, f.unit, f.year, f.qualifier) for f in eight] == [("target", "家", 2026, "至少")]
    assert roc_year(114) == 2025


def test_spans_point_at_the_text() -> None:
    text = line("001", 89)
    for f in extract_targets(text, 2026):
        assert text[f.span[0] : f.span[1]] == f.text
    assert [f.amount for f in extract_targets(text, 2026)][:2] == [15e12, 50e4]


def test_quantity_without_unit_or_cue_is_not_a_target() -> None:
    # 001:55 (壹 results, a past summary): 「數位經濟產業累計產值達9,189億元」 has no year and no target cue
    assert [f for f in extract_targets(line("001", 55), 2026) if f.type == "target"] == []
    # a year alone, a list number and a schedule are not figures
    assert extract_targets("1. 於 2026 年完成 113/01-116/12") == []
