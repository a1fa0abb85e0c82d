"""Agency mentions in prose (spaCy blank zh + EntityRuler over the gazetteer).

The recall set is lines of the documents, each with the agencies a reader finds in it (checked by
reading the line; the line number is the key). Traps from the notes must not produce mentions.
"""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from core.agencies import load_agency_book
from graph.model import RESPONSIBILITY_TYPES, EdgeType, GraphBatch
from loaders.corpus import DEFAULT_CORPUS
from loaders.linkers.agency_mentions import find_mentions

LINES = {p.name[:3]: p.read_text(encoding="utf-8").split("\n") for p in DEFAULT_CORPUS.glob("0*.txt")}


def text_of(doc: str, first: int, last: int | None = None) -> str:
    return "\n".join(LINES[doc][first - 1 : (last or first)])


# (doc, first line, last line or None, agencies a reader finds there)
RECALL_SET: list[tuple[str, int, int | None, set[str]]] = [
    ("000", 1171, None, {"moea"}),  # 經濟部持續運用研發補助資源
    ("000", 1202, None, {"moe"}),  # 向來是教育部的重要施政方向
    ("000", 1314, None, {"moe"}),
    ("000", 1807, None, {"moea-sme"}),  # 透過中小及新創企業署「小型企業創新研發計畫」
    ("000", 2107, None, {"ndc"}),  # 配合國家發展委員會「桃竹苗大矽谷推動方案」
    ("000", 2608, None, {"moea-ea", "taipower", "cpc", "moenv"}),  # 能源署與台電、中油公司 … 環境部相關法規
    # 經濟部地質調查及礦業管理中心 … 地礦中心 … 臺灣電力公司、臺灣中油 … 中央研究院
    ("000", 2591, None, {"moea-gsmma", "taipower", "cpc", "sinica"}),
    ("000", 2309, None, {"motc-cwa"}),  # 介接交通部中央氣象署
    ("000", 2162, None, {"mohw-fda"}),  # 衛生福利部食品藥物管理署複審
    # 醫事司、國民健康署、口腔健康司、護理及健康照護司、中央健 / 康保險署及國軍退除役官兵輔導委員會 (wrapped)
    ("000", 2097, 2101, {"mohw-doma", "mohw-hpa", "mohw-doh", "mohw-dnhc", "mohw-nhia", "vac"}),
    ("000", 1895, None, {"mohw-hwdc"}),  # 衛生福利資料科學中心
    ("000", 1288, None, {"nhri"}),  # 財團法人國家衛生研究院
    ("000", 1983, None, {"nlrdc"}),  # 成立「國家語言研究發展中心」
    ("000", 2716, None, {"moea", "moa", "moda", "mohw"}),  # 經濟部／農業部、數發 部、衛福部
    ("000", 2712, None, {"moea", "nstc", "moenv", "moa"}),  # 經濟部／國科會、環境 部、農業部
    ("002", 162, None, {"ndc"}),  # 國家發展委員會已協調各部會
    ("002", 428, None, {"moda", "moda-aiec"}),  # 數發部已設立 AI 產品與系統評測中心（AIEC）
    ("002", 1010, None, {"moea-ida"}),  # 根據經濟部產業發展署的實證資料
    ("002", 1462, None, {"ndc-dop", "ftc", "fsc-sfb"}),  # 國發會綜規處 … 公平交易委員會、金融監督管理委員會證券期貨局
    ("002", 1652, None, {"moe", "ndc"}),  # 教育部以… ；國發會則是偕同中央部會
    ("002", 1686, None, {"mof-nta", "dgbas", "moenv"}),  # 財政部國稅局 … 主計總處 … 環境部
    ("002", 533, None, {"moi-npa"}),  # 內政部警政署 165 警示帳戶
    ("002", 1660, None, {"ndc", "taitung", "mohw-tph"}),  # 國發會 … 與臺東縣政府合作 … 衛福部臺北醫院
    # 數位發展部（韌性建設司）、經濟部、數位發展部（數位政府司）、教育部 + 「智慧國家推動小組」
    ("003", 77, None, {"sng", "moda", "moda-dor", "moea", "moda-ddg", "moe"}),
    ("003", 1860, None, {"motc-dos"}),  # 由交通部統計處辦理
    ("003", 2706, None, {"cec", "moe-yda", "ndc", "mol"}),
    ("003", 2707, None, {"ey-dge", "moi-nia"}),  # 行政院性別平等處 … 內政部移民署
    ("003", 2790, None, {"moda", "moe", "mohw", "moc"}),  # 由數發部協同教育部、衛福部、文化部共同執行
    ("003", 1489, None, {"ocac", "mofa-boca"}),  # 僑務委員會與外交部領事事務局
    ("004", 529, None, {"moda", "moea", "nstc"}),
    ("004", 548, None, {"ndc", "nstc", "moda", "ncc"}),  # (國發會/國科會/數發部/NCC)
    ("004", 607, None, {"aicoe", "cssc"}),  # 結合AICoE、科民社中心
    ("004", 697, None, {"sng-sec"}),  # 執行祕書室 (variant 祕)
]


def test_recall_over_document_lines() -> None:
    expected = 0
    missed: list[tuple[str, int, str]] = []
    for doc, first, last, want in RECALL_SET:
        found = {m.agency_id for m in find_mentions(text_of(doc, first, last))}
        expected += len(want)
        missed += [(doc, first, aid) for aid in sorted(want - found)]
    recall = 1 - len(missed) / expected
    assert expected >= 70
    assert recall == 1.0, missed


def test_no_extra_agencies_on_the_recall_lines() -> None:
    # Precision on the same lines: nothing found that a reader does not see there.
    extra = []
    for doc, first, last, want in RECALL_SET:
        found = {m.agency_id for m in find_mentions(text_of(doc, first, last))}
        extra += [(doc, first, aid) for aid in sorted(found - want)]
    assert extra == []


def test_offsets_point_at_the_printed_name() -> None:
    text = text_of("000", 2097, 2101)
    mentions = find_mentions(text)
    nhia = next(m for m in mentions if m.agency_id == "mohw-nhia")
    assert text[nhia.start : nhia.end] == nhia.surface
    assert nhia.surface.startswith("中央健") and nhia.surface.endswith("康保險署") and "\n" in nhia.surface
    spaced = find_mentions(text_of("000", 2716))
    assert "數發 部" in [m.surface for m in spaced]


def test_longest_name_wins() -> None:
    # 004:23 行政院國家資訊通信發展推動小組(簡稱NICI小組) is one body named twice, not 行政院 plus a
    # remainder.
    assert [m.agency_id for m in find_mentions(text_of("004", 23))] == ["nici", "nici"]
    # 002:1010 經濟部產業發展署 is the unit, not 經濟部 as well.
    assert [m.agency_id for m in find_mentions(text_of("002", 1010))] == ["moea-ida"]


@pytest.mark.parametrize(
    ("doc", "line", "absent"),
    [
        ("002", 1420, "motc"),  # 集思交通部國際會議中心 is a venue
        ("002", 1528, "moea"),  # 奈良市觀光經濟部產業政策課 is a Japanese city office
        ("000", 983, "iii"),  # `- III.` is a roman numeral, not 資策會
        ("002", 5, "iii-mic"),  # TAIWAN ECONOMIC FORUM: MIC inside a word
        ("000", 291, "moe"),  # 高等教育部門 (the higher-education sector) is not 教育部
    ],
)
def test_traps(doc: str, line: int, absent: str) -> None:
    assert absent not in {m.agency_id for m in find_mentions(text_of(doc, line))}


def test_venue_is_not_reported() -> None:
    text = text_of("002", 1420)
    assert "集思交通部國際會議中心" in text
    assert {m.agency_id for m in find_mentions(text)} == {"ndc"}  # 國發會 holds the event there


def test_simplified_script() -> None:
    traditional = text_of("003", 2706)
    simplified = opencc.OpenCC("t2s").convert(traditional)
    assert simplified != traditional
    want = [m.agency_id for m in find_mentions(traditional)]
    assert [m.agency_id for m in find_mentions(simplified)] == want
    assert set(want) == {"cec", "moe-yda", "ndc", "mol"}


def test_full_width_forms() -> None:
    text = text_of("004", 548).replace("NCC", "ＮＣＣ").replace("(", "（").replace(")", "）")
    assert [m.agency_id for m in find_mentions(text)] == ["ndc", "nstc", "moda", "ncc"]


def test_whole_corpus_in_one_call() -> None:
    # Chunked at paragraph breaks (spaCy's max_length); its speed is measured by benchmarks/bench_load.py.
    text = "\n\n".join("\n".join(v) for v in LINES.values())
    assert len(find_mentions(text)) > 1000


def test_a_given_gazetteer_is_used(tmp_path: Path) -> None:
    # A reference file with one agency: only its names are found, and the pipeline is built once.
    ref = tmp_path / "agencies.yaml"
    ref.write_text("agencies:\n  - id: x\n    name: 甲乙署\n    abbreviations: [甲署]\n", encoding="utf-8")
    book = load_agency_book(ref)
    mentions = find_mentions("經濟部與甲署、甲乙署", book)
    assert [(m.surface, m.agency_id) for m in mentions] == [("甲署", "x"), ("甲乙署", "x")]
    assert find_mentions("甲署", book)[0].agency_id == "x"


# --- in the graph: MENTIONED_IN edges (loaders/linkers/agency_prose.py) ------------------------------
def _mentions(batch: GraphBatch, doc: str, line: int) -> dict[str, set[str]]:
    """Agency -> items the text at `line` of `doc` names it in."""
    out: dict[str, set[str]] = {}
    for e in batch.edges:
        if e.type is EdgeType.MENTIONED_IN and e.provenance.document == doc and line in e.attrs["lines"]:
            out.setdefault(e.source, set()).add(e.target)
    return out


def _item_at(batch: GraphBatch, doc: str, line: int) -> str:
    return next(
        n.id for n in batch.nodes if n.document == doc and n.provenance.line_start == line and n.kind.value != "Target"
    )


def test_a_unit_named_in_an_action_000_1807(corpus_batch: GraphBatch) -> None:
    # 000:1807 「(3) 透過中小及新創企業署「小型企業創新研發計畫」(SBIR) 補助工具…」
    found = _mentions(corpus_batch, "st-plan-114", 1807)
    assert found == {"agency/moea-sme": {_item_at(corpus_batch, "st-plan-114", 1807)}}


def test_bodies_named_in_an_action_000_2608(corpus_batch: GraphBatch) -> None:
    # 000:2608 「(1) 能源署與台電、中油公司推動「二氧化碳捕捉及封存試驗計畫」…」
    found = _mentions(corpus_batch, "st-plan-114", 2608)
    item = _item_at(corpus_batch, "st-plan-114", 2608)
    assert {"agency/moea-ea", "agency/taipower", "agency/cpc"} <= set(found)
    assert all(targets == {item} for targets in found.values())


def test_an_assigned_agency_is_not_also_a_mention_003_470(corpus_batch: GraphBatch) -> None:
    # 003:470 「(二) 國科會、數位發展部、教育部為回應數位時代發展需求…」 under 貳 數位基盤分組, whose
    # 召集部會 is 數位發展部 (003:463): the other two are mentions, 數位發展部 is already its lead.
    found = _mentions(corpus_batch, "smart-nation-2021", 470)
    assert {"agency/nstc", "agency/moe"} <= set(found)
    assert "agency/moda" not in found
    assigned = {(e.source, e.target) for e in corpus_batch.edges if e.type in RESPONSIBILITY_TYPES}
    mentioned = {(e.source, e.target) for e in corpus_batch.edges if e.type is EdgeType.MENTIONED_IN}
    assert mentioned and not (assigned & mentioned)


def test_a_venue_in_an_article_is_no_mention_002_1420(corpus_batch: GraphBatch) -> None:
    # 002:1420 names 「集思交通部國際會議中心」, a venue: 交通部 is not named there.
    assert "agency/motc" not in _mentions(corpus_batch, "tef-23-3", 1420)


def test_mentions_outside_the_tree_attach_to_nothing(corpus_batch: GraphBatch) -> None:
    # 000's tree is 肆 (ends before 伍 at 000:2641); 表4 (伍) names every agency with its role.
    lines = [
        e.provenance.line_start
        for e in corpus_batch.edges
        if e.type is EdgeType.MENTIONED_IN and e.provenance.document == "st-plan-114"
    ]
    assert lines and max(lines) < 2641
    # Every mention quotes the line where the name is printed (names may wrap onto the next line).
    for e in corpus_batch.edges:
        if e.type is EdgeType.MENTIONED_IN:
            assert any(s in "".join(e.provenance.quote.split()) for s in e.attrs["surface"]), e
