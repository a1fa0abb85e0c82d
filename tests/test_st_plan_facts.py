"""Facts about the S&T plan's tree (000_94c0ce11f244451c.txt), checked by reading the document.

Nodes are looked up by the line they start on, so a test names the line it checks. Titles are the
text after the marker as printed, joined where the PDF conversion broke them.
"""

from __future__ import annotations

import re

import pytest

from graph.embedded_store import EmbeddedStore
from graph.model import Node, NodeKind

DOC = "st-plan-114"
PLAN = NodeKind.PLAN
G, SG, S, M = NodeKind.GOAL, NodeKind.SUBGOAL, NodeKind.STRATEGY, NodeKind.MEASURE


def at(store: EmbeddedStore, line: int, kind: NodeKind) -> Node:
    found = [n for n in store.nodes(kinds=[kind], document=DOC) if n.provenance.line_start == line]
    assert len(found) == 1, f"expected one {kind.value} at 000:{line}, found {[n.id for n in found]}"
    return found[0]


# (measure line, measure title, [(line, kind, title) of strategy, sub-goal, goal])
CHAINS = [
    pytest.param(
        2380,
        "降低對利害關係人衝擊，落實盡力不遺落任何人之核心價值",  # 000:2380 + 2382 `值`
        [
            (2365, S, "確保不同個人、群體、產業及區域的公正轉型"),
            (2363, SG, "推動淨零生活與公正轉型"),
            (2213, G, "推動綠色生活及循環經濟，邁向淨零永續"),
        ],
        id="000:2380",
    ),
    pytest.param(
        723,
        "垂直整合推動化合物半導體技術自主發展，打造生態系產業模式",
        [
            (721, S, "開發下世代半導體，打造前瞻研發平臺，加速晶片技術與研發創新"),
            (719, SG, "發展五大信賴產業"),
            (717, G, "強化智慧科技生態系，打造人工智慧島"),
        ],
        id="000:723",
    ),
    pytest.param(
        1667,
        "提供財務支援",
        [
            (1597, S, "提升中小企業氣候行動能力"),
            (1567, SG, "加速中小企業雙軸轉型"),
            (1363, G, "運用創新驅動雙軸轉型，促進產業均衡發展"),
        ],
        id="000:1667",
    ),
    pytest.param(
        1815,
        "運用補助工具協助業界創新開發",  # same wording as 000:1802 under the previous strategy
        [
            (1809, S, "推動在宅醫療，擴大公共醫療服務"),
            (1771, SG, "普惠多元大眾"),
            (1769, G, "運用普惠智慧科技，實現多元包容共融社會"),
        ],
        id="000:1815",
    ),
    pytest.param(
        1411,
        "發展智慧農漁業技術",  # 000:1411 `1. 發展智慧農漁業技術：包括無人載具…`
        [
            (1409, S, "推動農漁業智慧化及糧食自主供應鏈"),
            (1365, SG, "促進 AI 產業化、產業 AI 化"),
            (1363, G, "運用創新驅動雙軸轉型，促進產業均衡發展"),
        ],
        id="000:1411",
    ),
    pytest.param(
        950,
        "發後量子晶片矽智財、檢測技術及推動產業密碼遷移",  # as printed (表4 2671 has 研發後量子)
        [
            (902, S, "研發量子電腦、量子通訊設備及周邊零組件技術，並推動量子科技軟體技術的開發與應用"),
            (900, SG, "推動前瞻科技布局"),
            (717, G, "強化智慧科技生態系，打造人工智慧島"),
        ],
        id="000:950",
    ),
    pytest.param(
        2360,
        "推動氣候預報於跨域調適科技，降低極端氣候衝擊",  # the 14th measure of its strategy
        [
            (2281, S, "提升氣候風險掌握能力，發展智慧監測、預警技術、即時反應系統及跨域調適科技"),
            (2215, SG, "強化氣候變遷與環境調適"),
            (2213, G, "推動綠色生活及循環經濟，邁向淨零永續"),
        ],
        id="000:2360",
    ),
    pytest.param(
        2629,
        "研發電力去碳化與節能之前瞻技術與人才培育",  # last measure of the plan
        [
            (2573, S, "發展電力去碳化與節能科技"),
            (2476, SG, "確保供電穩定與電力去碳化"),
            (2213, G, "推動綠色生活及循環經濟，邁向淨零永續"),
        ],
        id="000:2629",
    ),
    pytest.param(
        1723,
        "協助學研機構完善科研新創案源育成",
        [
            (1681, S, "強化五大信賴產業及前瞻科技人才培育"),
            (1679, SG, "投資未來世代產業人才"),
            (1363, G, "運用創新驅動雙軸轉型，促進產業均衡發展"),
        ],
        id="000:1723",
    ),
]


@pytest.mark.parametrize(("line", "title", "chain"), CHAINS)
def test_parent_chain(
    corpus_store: EmbeddedStore, line: int, title: str, chain: list[tuple[int, NodeKind, str]]
) -> None:
    measure = at(corpus_store, line, M)
    assert measure.title == title
    ancestors = corpus_store.ancestors(measure.id)
    got = [(r.node.provenance.line_start, r.node.kind, r.node.title) for r in ancestors[:3]]
    assert got == chain
    assert ancestors[3].node.kind is PLAN
    assert ancestors[3].node.title.startswith("國家科學技術發展計畫")
    assert len(ancestors) == 4


# Titles that the conversion broke or decorated (000 line -> (kind, clean title, last line)).
TITLES = [
    # 827-828: bold heading `**（四）策略四、…，` / `並導入 AI 技術優化安防輔助**` over two lines.
    pytest.param(827, S, "優化資安防護能力，建構可信賴的數位生態系，並導入 AI 技術優化安防輔助", 828, id="000:827-828"),
    # 2380 `…核心價`, blank line, 2382 `值`.
    pytest.param(2380, M, "降低對利害關係人衝擊，落實盡力不遺落任何人之核心價值", 2382, id="000:2380-2382"),
    # 902 `…零組件技術， 並推動…`: the stray space after the full-width comma goes.
    pytest.param(
        902, S, "研發量子電腦、量子通訊設備及周邊零組件技術，並推動量子科技軟體技術的開發與應用", 902, id="000:902"
    ),
    # 807: simplified 机 stays as printed.
    pytest.param(807, M, "鼓勵產業參與國際通訊標準組織，擴大通訊技術與國際供應鏈合作商机", 807, id="000:807"),
    # 976: full-width （三） marker.
    pytest.param(
        976, S, "精進海洋基礎科研及探測能力，發展海域大氣環境監測，保護海洋生態系統及生物多樣性", 976, id="000:976"
    ),
    # 1413: `2. 建立農民知識資料庫：建構老農經驗…` keeps only the part before `：`.
    pytest.param(1413, M, "建立農民知識資料庫", 1413, id="000:1413"),
]


@pytest.mark.parametrize(("line", "kind", "title", "end"), TITLES)
def test_clean_title(corpus_store: EmbeddedStore, line: int, kind: NodeKind, title: str, end: int) -> None:
    node = at(corpus_store, line, kind)
    assert node.title == title
    assert node.provenance.line_end == end


def test_title_description_split_keeps_the_description(corpus_store: EmbeddedStore) -> None:
    # 000:1411 `1. 發展智慧農漁業技術：包括無人載具與 AI 控制系統，…`
    node = at(corpus_store, 1411, M)
    assert str(node.attrs.get("text", "")).startswith("包括無人載具與 AI 控制系統")


def test_orphan_fragment_is_not_body_text(corpus_store: EmbeddedStore) -> None:
    # 000:2382 `值` belongs to the title, not to the measure's description (which starts at 2384).
    node = at(corpus_store, 2380, M)
    assert str(node.attrs.get("text", "")).startswith("為因應 2050 年全球溫室氣體淨零排放目標")


_CJK = "\u3400-\u9fff"
_STRAY = re.compile(rf"[{_CJK}，、：；。]\s+[{_CJK}，、：；。]")
_MARKERS = re.compile(
    r"^(?:目標[一二三四]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．]|策略[一二三四五六七八九十]+)"
)


def test_no_title_keeps_markers_markup_or_stray_spaces(corpus_store: EmbeddedStore) -> None:
    kinds = [G, SG, S, M]
    bad = []
    for n in corpus_store.nodes(kinds=kinds, document=DOC):
        t = n.title
        if "**" in t or "<" in t or _STRAY.search(t) or _MARKERS.match(t) or t != t.strip() or not t:
            bad.append((n.provenance.line_start, t))
    assert bad == []
