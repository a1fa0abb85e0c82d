"""Facts about 台灣經濟論衡 第23卷第3期 (002_44819a52b52d1726.txt), checked by reading the issue, and
its links to the AI 新十大建設 initiatives of 001_3e3adedee198aa68.txt.
"""

from __future__ import annotations

import pytest

from graph.embedded_store import EmbeddedStore
from graph.model import EdgeType, GraphBatch, Node, NodeKind
from loaders.corpus import DEFAULT_CORPUS
from loaders.pipeline import build_batch, read_corpus_sources

DOC = "tef-23-3"
AI_TEN = "ai-ten"


def article(store: EmbeddedStore, line: int) -> Node:
    found = [n for n in store.nodes(kinds=[NodeKind.ARTICLE], document=DOC) if n.line == line]
    assert len(found) == 1, f"expected one article at 002:{line}, found {[n.id for n in found]}"
    return found[0]


def initiative(store: EmbeddedStore, title: str) -> Node:
    found = [n for n in store.nodes(kinds=[NodeKind.INITIATIVE], document=AI_TEN) if n.title == title]
    assert len(found) == 1, title
    return found[0]


def covered(store: EmbeddedStore, art: Node) -> dict[str, dict[str, object]]:
    """001 initiative title -> COVERS edge attrs (with the provenance line and note)."""
    out = {}
    for e in store.edges(source=art.id, types=[EdgeType.COVERS]):
        target = store.node(e.target)
        assert target is not None
        out[target.title] = {**e.attrs, "line": e.provenance.line_start, "note": e.provenance.note}
    return out


def test_one_article_per_contents_entry(corpus_store: EmbeddedStore) -> None:
    # 目錄 002:81-149 lists 15 entries (pages 04 … 91); their titles are at these body lines
    arts = corpus_store.nodes(kinds=[NodeKind.ARTICLE], document=DOC)
    assert [a.line for a in arts] == [
        155,
        309,
        362,
        555,
        818,
        1106,
        1215,
        1303,
        1341,
        1416,
        1458,
        1508,
        1558,
        1638,
        1705,
    ]
    assert [a.attrs["page"] for a in arts] == [4, 13, 17, 28, 40, 52, 58, 64, 68, 72, 74, 77, 81, 86, 91]
    doc_edges = corpus_store.edges(source=DOC, types=[EdgeType.DESCRIBES])
    assert {e.target for e in doc_edges} == {a.id for a in arts}


def test_titles_and_columns(corpus_store: EmbeddedStore) -> None:
    # 002:155 `推動 AI 新十大建設—— 落實臺灣成為智慧科技島國政願景` (stray space after ——), column 政策焦點 POLICY (153)
    a = article(corpus_store, 155)
    assert a.title == "推動 AI 新十大建設——落實臺灣成為智慧科技島國政願景"
    assert a.attrs["column"] == "政策焦點 POLICY"
    # 002:1106 名家觀點 VIEWPOINT (1104)
    assert article(corpus_store, 1106).attrs["column"] == "名家觀點 VIEWPOINT"
    # 002:1508 `大阪數位遊牧 …` (contents 134 prints 游): found despite the variant character
    assert article(corpus_store, 1508).attrs["contents_line"] == 134


@pytest.mark.parametrize(
    ("line", "author", "agencies"),
    [
        pytest.param(155, "國發會產業發展處", ["agency/ndc-did"], id="002:157"),
        pytest.param(1106, "數位發展部數位產業署 林俊秀署長", ["agency/moda-adi"], id="002:1108"),
        pytest.param(1638, "教育部、國發會綜合規劃處", ["agency/moe", "agency/ndc-dop"], id="002:1640"),
        pytest.param(1558, "國發會檔案管理局", ["agency/ndc-naa"], id="002:1560"),
    ],
)
def test_bylines(corpus_store: EmbeddedStore, line: int, author: str, agencies: list[str]) -> None:
    a = article(corpus_store, line)
    assert a.attrs["author"] == author
    assert a.attrs["author_agencies"] == agencies
    # bylines are authors, not leads: no responsibility edge to an article
    assert not corpus_store.edges(target=a.id, types=[EdgeType.LEADS, EdgeType.CO_ORGANIZES])


def test_english_articles_are_translations(corpus_store: EmbeddedStore) -> None:
    # 002:309 abridged translation of 155; 002:1705 translation of 1638
    assert article(corpus_store, 309).attrs["translation_of"] == article(corpus_store, 155).id
    assert article(corpus_store, 1705).attrs["translation_of"] == article(corpus_store, 1638).id
    assert article(corpus_store, 1508).attrs["language"] == "zh"  # 大阪數位遊牧 Digital Nomad Summit 2025活動


def test_duplicated_page_is_dropped(corpus_store: EmbeddedStore, corpus_batch: GraphBatch) -> None:
    # 002:1826-1843 repeat 1808-1825 (same heading at 1816 and 1834)
    last = article(corpus_store, 1705)
    assert last.attrs["line_end"] == 1825
    spans = [(n.provenance.line_start, n.provenance.line_end) for n in corpus_batch.nodes if n.document == DOC]
    spans += [
        (e.provenance.line_start, e.provenance.line_end) for e in corpus_batch.edges if e.provenance.document == DOC
    ]
    assert not [s for s in spans if s[1] >= 1826]
    warned = [(w.line, w.code) for w in corpus_batch.warnings if w.document == DOC and w.code == "duplicate-page"]
    assert warned == [(1826, "duplicate-page")]


# --- which initiatives of 001 each article covers ----------------------------------------------------


def test_focus_report_smart_applications_002_362(corpus_store: EmbeddedStore) -> None:
    # 002:372 貳、AI軟體產業登峰 -> 001 三、AI 數位產業登峰 (renamed); 432 參、百工百業智慧應用; 496 肆、全民智慧生活圈
    got = covered(corpus_store, article(corpus_store, 362))
    assert set(got) == {"AI 數位產業登峰", "百工百業智慧應用", "全民智慧生活圈"}
    renamed = got["AI 數位產業登峰"]
    assert (renamed["line"], renamed["relation"], renamed["issue_name"]) == (372, "renamed", "AI 軟體產業登峰")
    assert "AI 數位產業登峰" in str(renamed["note"])
    assert (got["百工百業智慧應用"]["line"], got["百工百業智慧應用"]["relation"]) == (432, "same")


def test_key_technologies_002_555(corpus_store: EmbeddedStore) -> None:
    # 002:567 貳、矽光子技術全球領先; 650 參、全球量子能力登頂; 722 肆、全球AI機器人供應鏈樞紐
    got = covered(corpus_store, article(corpus_store, 555))
    assert {t: v["line"] for t, v in got.items()} == {
        "矽光子技術全球領先": 567,
        "全球量子能力登頂": 650,
        "全球 AI 機器人供應鏈樞紐": 722,
    }


def test_digital_foundation_split_and_no_counterpart_002_818(corpus_store: EmbeddedStore) -> None:
    # 002:940 肆、千萬AI應用人才與千億創投資金 is one item; 001 has two (九 AI 人才生態系引領國際, 十 千億資金驅動創新)
    # 002:1000 伍、區域AI均衡發展 has no counterpart among 001's ten
    a = article(corpus_store, 818)
    got = covered(corpus_store, a)
    assert set(got) == {"主權 AI 及算力建設", "智慧政府與資料治理", "AI 人才生態系引領國際", "千億資金驅動創新"}
    for title in ("AI 人才生態系引領國際", "千億資金驅動創新"):
        assert (got[title]["line"], got[title]["relation"]) == (940, "split")
    region = [c for c in a.attrs["covers"] if c["line"] == 1000]
    assert [c["name"] for c in region] == ["區域 AI 均衡發展"]


def test_overview_list_of_ten_002_288(corpus_store: EmbeddedStore) -> None:
    # 002:288-303: the issue's own ten (3 + 3 + 4 under the 三大主軸); they map onto all ten of 001
    a = article(corpus_store, 155)
    names = {c["name"] for c in a.attrs["covers"] if 288 <= int(c["line"]) <= 303}
    assert len(names) == 10  # 002:17 「十大」
    got = covered(corpus_store, a)
    assert len(got) == 10
    assert got["AI 數位產業登峰"]["line"] == 288  # `1. AI 軟體產業登峰：…`
    # the English translation names them in English (002:334 `- a. AI Rising to Global Heights: …`)
    en = covered(corpus_store, article(corpus_store, 309))
    assert en["AI 數位產業登峰"]["printed"] == "AI Rising to Global Heights"
    assert en["AI 數位產業登峰"]["line"] == 334


def test_viewpoint_articles(corpus_store: EmbeddedStore) -> None:
    # 002:1153 貳、以軟體平臺為基礎推升AI軟體產業登峰
    assert {t: v["line"] for t, v in covered(corpus_store, article(corpus_store, 1106)).items()} == {
        "AI 數位產業登峰": 1153
    }
    # 002:1215 `以AI創造全民價值： 從智慧城市到全民智慧生活圈`
    assert set(covered(corpus_store, article(corpus_store, 1215))) == {"全民智慧生活圈"}
    # NDC news (002:1303) covers none
    assert covered(corpus_store, article(corpus_store, 1303)) == {}


def test_covers_do_not_depend_on_reading_order() -> None:
    sources = [s for s in read_corpus_sources(DEFAULT_CORPUS) if s[0].id in (DOC, AI_TEN)]
    forward = build_batch(sources)
    backward = build_batch(list(reversed(sources)))

    def covers(b: GraphBatch) -> list[tuple[str, str, int]]:
        return sorted((e.source, e.target, e.provenance.line_start) for e in b.edges if e.type is EdgeType.COVERS)

    assert covers(forward) == covers(backward)
    assert len(covers(forward)) == 32  # 10 (155) + 10 (309) + 3 + 3 + 4 + 1 + 1


# --- targets -----------------------------------------------------------------------------------------


def facts(store: EmbeddedStore, art_line: int, line: int) -> list[tuple[str, float, str, int | None]]:
    a = article(store, art_line)
    out = []
    for e in store.edges(source=a.id, types=[EdgeType.HAS_TARGET]):
        t = store.node(e.target)
        assert t is not None and t.kind is NodeKind.TARGET
        if t.line == line:
            out.append((t.attrs["type"], t.attrs["value"], t.attrs["unit"], t.attrs["year"]))
    return sorted(out, key=lambda f: f[1])


def test_headline_targets_002_270(corpus_store: EmbeddedStore) -> None:
    # 002:270 「期於 2040 年創造逾新臺幣 15 兆元的產值、50 萬高薪就業機會，並推進我國 AI 評比達到全球前五」
    assert facts(corpus_store, 155, 270) == [
        ("target", 5.0, "rank", 2040),
        ("target", 15.0, "兆元", 2040),
        ("target", 50.0, "萬", 2040),
    ]


def test_intermediate_targets(corpus_store: EmbeddedStore) -> None:
    # 002:486 「預計於 2028 年協助 20 萬家企業完成 AI 導入，並在 2040 年達到百萬家企業全面應用」
    assert facts(corpus_store, 362, 486) == [("target", 20.0, "萬家", 2028), ("target", 100.0, "萬家", 2040)]
    # 002:998 「預計至 2027 年達成每年新創募資金額突破新臺幣 1,500 億元的目標」
    assert facts(corpus_store, 818, 998) == [("target", 1500.0, "億元", 2027)]


def test_baseline_achievement_budget(corpus_store: EmbeddedStore) -> None:
    # 002:221 Tortoise 2024: 「臺灣綜合評比為全球排名第 21 名…於基礎建設項目位居全球第 4」
    assert ("baseline", 21.0, "rank", 2024) in facts(corpus_store, 155, 221)
    # 002:394 「至 2025 年，已有 5 家金融業者與 8 家電商導入應用」
    assert facts(corpus_store, 362, 394) == [("achieved", 5.0, "家", 2025), ("achieved", 8.0, "家", 2025)]
    # 002:782 「由國發基金匡列新臺幣 100 億元」
    assert facts(corpus_store, 555, 782) == [("budget", 100.0, "億元", None)]


def test_figures_of_others_are_not_targets(corpus_store: EmbeddedStore) -> None:
    # 002:179 Bain 「預計 AI 各次產業之年複合成長率平均可達 40% 至 55%」; 002:203 EU 2,000 億歐元;
    # 002:944 PwC; 002:1008 McKinsey: reported figures, not the targets
    for line in (179, 203, 944, 1008):
        assert facts(corpus_store, 155 if line < 300 else 818, line) == [], line


def test_english_copies_state_no_extra_targets(corpus_store: EmbeddedStore) -> None:
    # 002:319-321 repeat 270 in English; targets come from the Chinese articles only
    assert not corpus_store.edges(source=article(corpus_store, 309).id, types=[EdgeType.HAS_TARGET])
