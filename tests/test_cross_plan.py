"""Explicit cross-plan links (loaders/linkers/cross_plan.py, loaders/linkers/plan_mentions.py) and the
cross-plan lineage of both stores, checked against facts read in the five documents.

Lines are 1-based, as in data/corpus/00N_*.txt (000 st-plan-114, 001 ai-ten, 002 tef-23-3,
003 smart-nation-2021, 004 smart-nation-2).
"""

from __future__ import annotations

from functools import cache

import pytest

from core.plans import load_gazetteer
from core.source import SourceText
from graph.model import DocumentMeta, Edge, EdgeType, GraphBatch, Node, NodeKind
from graph.store import EXPLICIT_LINK_TYPES, GraphStore
from loaders.corpus import DEFAULT_CORPUS
from loaders.linkers.plan_mentions import (
    DEFAULT_TYPING,
    classify,
    find_plan_mentions,
    line_starts,
    paragraph_lines,
    with_documents,
)
from loaders.pipeline import read_corpus_sources

ST, AI, TEF, SN1, SN2 = "st-plan-114", "ai-ten", "tef-23-3", "smart-nation-2021", "smart-nation-2"
T = EdgeType
CROSS = EXPLICIT_LINK_TYPES | {EdgeType.ALIGNS_WITH}


@cache
def sources() -> dict[str, SourceText]:
    return {meta.id: src for meta, src in read_corpus_sources(DEFAULT_CORPUS)}


def explicit(batch: GraphBatch) -> list[Edge]:
    return [e for e in batch.edges if e.type in EXPLICIT_LINK_TYPES]


def node_at(batch: GraphBatch, doc: str, line: int, kind: NodeKind | None = None) -> Node:
    found = [n for n in batch.nodes if n.document == doc and n.line == line and (kind is None or n.kind is kind)]
    assert len(found) == 1, (doc, line, found)
    return found[0]


# --- which documents cite which ------------------------------------------------------------------
def test_which_documents_cite_which(corpus_batch: GraphBatch) -> None:
    """(document holding the evidence, the other bundled document), from the notes' cross-references,
    each checked in the text:
    - 001:51 「於亞洲·矽谷、智慧國家2.0新綱領、…等政策基礎上」 and 001:83 「融合智慧國家2.0新綱領」 → 004
    - 003:2983-2987 names 「智慧國家 2.0」 as its next stage → 004
    - 004:19 「行政院資通訊及智慧國家方案推動歷程」, 004:769 「附件-現階段推動成果與檢討」 → 003
    - 002 names the AI 新十大建設推動方案 throughout (002:17, 162, 1498) → 001
    000 names none of the others; 001 not 000 or 003; 003 not 000, 001 or 002; 004 not 000, 001, 002."""
    by_id = {n.id: n for n in corpus_batch.nodes}

    def owner(node_id: str) -> str | None:  # the bundled document a node belongs to (None: external plan)
        n = by_id[node_id]
        return None if n.attrs.get("external") else n.document

    pairs: dict[tuple[str, str], set[int]] = {}
    for e in explicit(corpus_batch):
        ev = e.provenance.document
        others = {owner(e.source), owner(e.target)} - {None, ev}
        if len(others) == 1:
            pairs.setdefault((ev, str(others.pop())), set()).add(e.provenance.line_start)
    assert set(pairs) == {(AI, SN2), (SN1, SN2), (SN2, SN1), (TEF, AI)}
    assert pairs[(AI, SN2)] == {51, 83}
    assert pairs[(SN1, SN2)] == {2983}  # with 2987 and 2985 in the edge's lines
    assert pairs[(SN2, SN1)] == {769}  # 19 and 683 folded into it (also_mentioned_at)
    assert pairs[(TEF, AI)] & {17, 155, 162, 1498}


# --- typed links, each read in the text ----------------------------------------------------------
# (source document, source line, source kind or None for the plan, target, type, evidence doc, line)
LINKS = [
    # 001:51 「於亞洲·矽谷、智慧國家2.0新綱領、…等政策基礎上，規劃「AI 新十大建設推動方案」」: builds on
    (AI, None, None, f"{SN2}:plan", T.CONTINUES, AI, 51),
    # 001:83 「…融合智慧國家2.0新綱領與六大區域產業及生活圈」
    (AI, None, None, f"{SN2}:plan", T.CITES, AI, 83),
    # 001:1546 「亞洲·矽谷3.0—智慧物聯」…後續將併入本方案 (absorbed: continues it, not succeeded by it)
    (AI, None, None, "plan/asia-silicon-valley-3", T.CONTINUES, AI, 1546),
    # 003:93 「…DIGI+方案自2017年推動至2020年…核定「智慧國家方案（2021-2025年）」賡續推動」
    (SN1, None, None, "plan/digi-plus", T.CONTINUES, SN1, 93),
    # 003:444 「智慧國家方案基於第一階段 DIGI+方案及 5+2 產業創新政策之基礎」
    (SN1, None, None, "plan/five-plus-two", T.CONTINUES, SN1, 444),
    # 000:479-483 「以下將分別就「國家科學技術發展計畫（民國 110 年至 113 年）」所推動之…來檢視我國科技施政之成效」
    (ST, None, None, "plan/st-plan-110", T.REPORTS_ON, ST, 479),
    # 004:769 「附件-現階段推動成果與檢討」: the predecessor's results (004:799 提前達成2025年85%目標)
    (SN2, None, None, f"{SN1}:plan", T.REPORTS_ON, SN2, 769),
    # 000:1378 action 「…並配合 AI 行動計畫 2.0，推動 AI 產品評測中心…」
    (ST, 1378, NodeKind.ACTION, "plan/taiwan-ai-action-2", T.CITES, ST, 1378),
    # 003:2854 under (四) 人工智慧技術與應用人才培育第 2 期計畫 (2852): 「配合行政院臺灣 AI 行動計畫 2.0」
    (SN1, 2852, NodeKind.MEASURE, "plan/taiwan-ai-action-2", T.CITES, SN1, 2854),
    # 001:190 (8)建構智慧化在宅醫療生態系：扣合「國家希望工程—打造健康臺灣政策」
    (AI, 190, NodeKind.MEASURE, "plan/national-hope-project", T.CITES, AI, 190),
    # 001:1101 under 打造高效便利安全之雲端開發環境 (1099): 奠基「晶片驅動臺灣產業創新方案」(2024–2028)
    (AI, 1099, NodeKind.MEASURE, "plan/chip-driven-innovation", T.CITES, AI, 1101),
    # …及「大南方新矽谷推動方案」(2026–2029): the cue reaches the second name of the list
    (AI, 1099, NodeKind.MEASURE, "plan/great-south-silicon-valley", T.CITES, AI, 1101),
    # 001:132 全民智慧生活圈 (130): 「另在過去智慧城鄉推動基礎上」
    (AI, 130, NodeKind.INITIATIVE, "plan/smart-city-countryside", T.CONTINUES, AI, 132),
    # 003:2935 under 高級中等學校智慧網路環境暨學術網路提升計畫 (2933): 「本計畫為延續前瞻基礎建設成果」
    (SN1, 2933, NodeKind.MEASURE, "plan/forward-looking-infrastructure", T.CONTINUES, SN1, 2935),
    # 000:1202 under 支持國內高教發展 (1200): 「持續推動「高等教育深耕計畫」」
    (ST, 1200, NodeKind.MEASURE, "plan/higher-education-sprout", T.CONTINUES, ST, 1202),
    # 000:2107 (OCR 大矜谷) under 推動區域治理在地多元活力 (2105): 「配合國家發展委員會「桃竹苗大矜谷推動方案」」
    (ST, 2105, NodeKind.MEASURE, "plan/taoyuan-hsinchu-miaoli-silicon-valley", T.CITES, ST, 2107),
    # 000:719 sub-goal 一、發展五大信賴產業: named, no cue
    (ST, 719, NodeKind.SUBGOAL, "plan/five-trusted-industries", T.MENTIONS, ST, 719),
    # 000:2883 (陸, outside the tree): 「透過亞洲·矽谷 3.0 推動方案，協助落實「創新經濟·智慧國家」願景」
    (ST, None, None, "plan/asia-silicon-valley-3", T.MENTIONS, ST, 2883),
    # 003:2894 under AI 智慧應用暨人才淬煉推動計畫 (2892): 「基於「臺灣 AI 行動計畫 2.0」與「六大核心戰略產業」策略」
    (SN1, 2892, NodeKind.MEASURE, "plan/six-core-strategic-industries", T.CITES, SN1, 2894),
]


@pytest.mark.parametrize("src_doc, src_line, kind, target, etype, ev_doc, ev_line", LINKS)
def test_explicit_link(
    corpus_batch: GraphBatch,
    src_doc: str,
    src_line: int | None,
    kind: NodeKind | None,
    target: str,
    etype: EdgeType,
    ev_doc: str,
    ev_line: int,
) -> None:
    source = f"{src_doc}:plan" if src_line is None else node_at(corpus_batch, src_doc, src_line, kind).id
    found = [e for e in corpus_batch.edges if (e.source, e.target, e.type) == (source, target, etype)]
    assert len(found) == 1, [e.key for e in explicit(corpus_batch) if e.source == source]
    e = found[0]
    assert (e.provenance.document, e.provenance.line_start) == (ev_doc, ev_line)
    assert e.attrs["method"] == "gazetteer"
    assert ev_line in e.attrs["lines"]


def test_every_explicit_type_is_found(corpus_batch: GraphBatch) -> None:
    got = {e.type for e in explicit(corpus_batch) if e.attrs.get("method") == "gazetteer"}
    assert got == {T.CITES, T.CONTINUES, T.SUCCEEDS, T.REPORTS_ON, T.MENTIONS}
    assert len({x[4] for x in LINKS}) >= 4 and len(LINKS) >= 10


def test_a_successor_named_by_its_predecessor_points_from_the_successor(corpus_batch: GraphBatch) -> None:
    # 003:2983 「智慧國家政策已邁向「智慧國家 2.0」的新階段」; 003:2987 「而在此基礎上推動之智慧國家 2.0，將承接既有成果」.
    e = next(e for e in corpus_batch.edges if e.type is T.SUCCEEDS)
    assert (e.source, e.target) == (f"{SN2}:plan", f"{SN1}:plan")
    assert (e.provenance.document, e.provenance.line_start) == (SN1, 2983)
    assert e.attrs["direction"] == "reverse"
    assert e.attrs["lines"] == [2983, 2987]
    assert 2985 in e.attrs["also_mentioned_at"]  # 「展望未來，智慧國家 2.0 將…」: named, no cue
    assert not [x for x in corpus_batch.edges if x.type is T.SUCCEEDS and x.source == f"{SN1}:plan"]


def test_a_cue_on_the_next_page_extends_the_evidence(corpus_batch: GraphBatch) -> None:
    # 000:479 ends with the name; the sentence (and its cue 成效) continues at 483 after a page break.
    e = next(e for e in corpus_batch.edges if e.target == "plan/st-plan-110")
    assert (e.provenance.line_start, e.provenance.line_end) == (479, 483)
    assert e.provenance.note is not None and "483" in e.provenance.note
    assert "國家科學技術發展計畫（民國 110 年至 113 年）" in e.provenance.quote
    assert "檢視我國科技施政之成效" in e.provenance.quote


# --- name traps ----------------------------------------------------------------------------------
def _evidence(batch: GraphBatch, doc: str, line: int) -> list[Edge]:
    return [
        e
        for e in explicit(batch)
        if e.provenance.document == doc and e.provenance.line_start <= line <= e.provenance.line_end
    ]


def test_singapore_smart_nation_is_not_smart_nation_2(corpus_batch: GraphBatch) -> None:
    # 004:763 (新加坡 column of the international table): 「智慧國家 2.0」(Smart Nation 2.0).
    assert _evidence(corpus_batch, SN2, 763) == []
    # The table's note (767) compares those plans with 五大信賴產業: the table is skipped as a whole;
    # 004 names 五大信賴產業 itself at 890.
    assert _evidence(corpus_batch, SN2, 767) == []
    five = next(
        e for e in explicit(corpus_batch) if (e.source, e.target) == (f"{SN2}:plan", "plan/five-trusted-industries")
    )
    assert five.provenance.line_start == 890
    line = sources()[SN2].line(763)
    hits = [m for m in find_plan_mentions(line, document=SN2) if m.plan == "smart-nation-2"]
    assert len(hits) == 1 and hits[0].rejected and "Singapore" in hits[0].rejected


def test_the_slogan_is_not_a_plan(corpus_batch: GraphBatch) -> None:
    # 「創新經濟，智慧國家」 (002:1498, 004:888) / 「創新經濟·智慧國家」 (000:2883): the 國家希望工程 slogan.
    smart_nation = {f"{SN1}:plan", f"{SN2}:plan"}
    for doc, line in [(TEF, 1498), (SN2, 888), (ST, 2883)]:
        assert not [e for e in _evidence(corpus_batch, doc, line) if smart_nation & {e.source, e.target}], (doc, line)
        slogans = [m for m in find_plan_mentions(sources()[doc].line(line)) if m.plan is None]
        assert slogans and "slogan" in (slogans[0].rejected or "")


def test_the_us_ai_action_plan_is_not_taiwans() -> None:
    # 001:38 美國「AI 行動計畫」 and 002:195 美國於 2025 年發布《AI 行動計畫》: no 2.0, no Taiwan.
    for doc, line in [(AI, 38), (TEF, 195)]:
        assert [m for m in find_plan_mentions(sources()[doc].line(line)) if m.accepted] == []
    # Even spelled like Taiwan's, next to 美國 it is the US plan; 000:1378 is Taiwan's.
    us = find_plan_mentions("如美國「AI 行動計畫 2.0」所示")
    assert us and us[0].plan == "taiwan-ai-action-2" and us[0].rejected
    tw = find_plan_mentions(sources()[ST].line(1378))
    assert [m.plan for m in tw if m.accepted] == ["taiwan-ai-action-2"]


def test_the_predecessor_st_plan_is_not_this_one(corpus_batch: GraphBatch) -> None:
    # 000:479 names 「國家科學技術發展計畫（民國 110 年至 113 年）」, the same title as 000 but 2021-2024.
    mentions = [m for m in find_plan_mentions(sources()[ST].line(479)) if m.accepted]
    # The bare title twice (000 naming itself, which the linker skips), then the predecessor.
    assert [(m.plan, "110" in m.surface) for m in mentions] == [
        ("st-plan-114", False),
        ("st-plan-114", False),
        ("st-plan-110", True),
    ]
    node = next(n for n in corpus_batch.nodes if n.id == "plan/st-plan-110")
    assert node.attrs["external"] is True and node.attrs["period_start"] == 2021
    # A document never links to its own plan (000 names itself at 33, 41, 479, 2929).
    assert not [e for e in explicit(corpus_batch) if e.target == f"{ST}:plan" or e.source == e.target]


def test_new_guidelines_name_smart_nation_2_from_ai_ten(corpus_batch: GraphBatch) -> None:
    # 001:51, 83 「智慧國家2.0新綱領」: 004 itself never says 新綱領, but it is 004's plan, not an external one.
    surfaces = {s for e in explicit(corpus_batch) if e.target == f"{SN2}:plan" for s in e.attrs["surfaces"]}
    assert surfaces == {"智慧國家2.0新綱領"}
    assert not [n for n in corpus_batch.nodes if n.id == "plan/smart-nation-2"]


def test_004_annex_is_the_predecessors_structure(corpus_batch: GraphBatch) -> None:
    # 004:683-754 「附件-現階段行政院智慧國家推動小組架構」 shows 003's groups: what is named there
    # belongs to 004's plan as a whole (the annex), never to one of 2.0's own items.
    for e in corpus_batch.edges:
        if e.type in CROSS and e.provenance.document == SN2 and 683 <= e.provenance.line_start <= 754:
            mentioning = e.attrs.get("mentioning", e.source)
            assert mentioning == f"{SN2}:plan", e.key
    link = next(e for e in corpus_batch.edges if e.attrs.get("lines") == [769])
    assert 683 in link.attrs["also_mentioned_at"]  # 004:683, the annex title, named with a local alias


def test_an_edge_from_a_local_alias_says_why(any_store: GraphStore, corpus_batch: GraphBatch) -> None:
    """004:769 「附件-現階段推動成果與檢討」 names no plan: only data/plans.yaml says that in 004 this
    heading means 003's results. The REPORTS_ON edge carries that reason, in its attributes and in
    its evidence note, in both stores."""
    g = load_gazetteer()
    local = next(la for la in g.entry(SN1).local_aliases if la.name == "現階段推動成果與檢討")
    e = next(
        e
        for e in explicit(corpus_batch)
        if (e.source, e.target, e.type) == (f"{SN2}:plan", f"{SN1}:plan", T.REPORTS_ON)
    )
    assert e.provenance.line_start == 769 and e.attrs["rule"] == "local-alias"
    assert e.attrs["alias"] == "現階段推動成果與檢討"
    assert e.attrs["alias_reason"] == local.reason and "004:799" in local.reason
    assert e.provenance.note is not None and local.reason in e.provenance.note
    (stored,) = any_store.edges(source=f"{SN2}:plan", target=f"{SN1}:plan", types=[T.REPORTS_ON])
    assert stored.attrs["alias_reason"] == local.reason and stored.provenance.note == e.provenance.note
    # Names every document uses explain themselves: no alias attributes there (001:51 智慧國家2.0新綱領).
    cont = next(
        e for e in explicit(corpus_batch) if (e.source, e.target, e.type) == (f"{AI}:plan", f"{SN2}:plan", T.CONTINUES)
    )
    assert "alias_reason" not in cont.attrs and cont.provenance.note is None


def test_local_alias_mentions_carry_the_gazetteer_reason() -> None:
    g = load_gazetteer()
    text = "附件-現階段推動成果與檢討"
    (m,) = [x for x in find_plan_mentions(text, g, SN2) if x.accepted]
    assert m.plan == SN1 and m.fixed_type is T.REPORTS_ON
    assert m.alias_reason == next(la.reason for la in g.entry(SN1).local_aliases if la.name in text)
    assert [x for x in find_plan_mentions(text, g, AI) if x.accepted] == []  # only 004's words
    (plain,) = [x for x in find_plan_mentions("智慧國家方案(2021-2025年)", g, SN2) if x.accepted]
    assert plain.alias_reason is None


def test_bodies_and_meetings_are_not_plans(corpus_batch: GraphBatch) -> None:
    # 行政院智慧國家推動小組 (001:1544, 003:73); 數位政策法制協調專案會議 (000:1419, 001:1220, 004:410).
    for doc, line in [(AI, 1544), (SN1, 73), (ST, 1419), (AI, 1220), (SN2, 410)]:
        assert _evidence(corpus_batch, doc, line) == [], (doc, line)
    assert not [n for n in corpus_batch.nodes if n.kind is NodeKind.PLAN and "推動小組" in n.title]


def test_mentions_outside_the_tree_belong_to_the_plan(corpus_batch: GraphBatch) -> None:
    # 001:1546 is in 肆、推動與管考機制 (after the tree); 000:35 in 壹、前言.
    for doc, line in [(AI, 1546), (ST, 35)]:
        assert {e.attrs["mentioning"] for e in _evidence(corpus_batch, doc, line)} == {f"{doc}:plan"}


# --- matching and typing (pure functions) --------------------------------------------------------
def test_names_match_across_width_script_and_line_breaks() -> None:
    g = load_gazetteer()
    cases = {
        "依據智慧国家2.0新纲领推动": "smart-nation-2",  # Simplified
        "ＤＩＧＩ＋方案": "digi-plus",  # full width
        "延續智慧國家\n2.0 新綱領": "smart-nation-2",  # broken by a line break and a space
        "亞洲‧矽谷 3.0 推動方案": "asia-silicon-valley-3",  # another middle dot
        "亞灣2.0—智慧科技創新園區推動方案": "yawan-2",  # another dash
        "配合「桃竹苗大矜谷推動方案」": "taoyuan-hsinchu-miaoli-silicon-valley",  # 000:2107's OCR error
    }
    for text, plan in cases.items():
        assert [m.plan for m in find_plan_mentions(text, g) if m.accepted] == [plan], text
    assert find_plan_mentions("15+2產業創新政策", g) == []  # 5+2 inside another number
    assert find_plan_mentions("智慧城鄉透過 IoT 建構智慧生活圈", g) == []  # 002:1205, the common noun


def _meta(doc_id: str, title: str, short_name: str, aliases: list[str]) -> DocumentMeta:
    return DocumentMeta(
        id=doc_id,
        file=f"{doc_id}.txt",
        title=title,
        short_name=short_name,
        aliases=aliases,
        kind="plan",
        issuer="行政院",
        published="2026-01",
        profile="st_plan",
    )


def test_manifest_documents_are_plans_merged_with_the_gazetteer() -> None:
    g = load_gazetteer()
    docs = [
        # A bundled document: its manifest names join its gazetteer entry (document: smart-nation-2).
        _meta(SN2, "智慧國家2.0 推動規劃報告", "智慧國家2.0", ["智慧國家 2.0", "數位新社會藍圖"]),
        # Added by manifest entry alone; one alias is the gazetteer's, one a slogan, one a word.
        _meta(
            "ocean", "海洋韌性推動方案（民國 115 年至 118 年）", "海洋韌性方案", ["DIGI+", "創新經濟，智慧國家", "AI"]
        ),
        # The gazetteer's external predecessor, now loaded: its title names it, so one plan.
        _meta("st-110", "國家科學技術發展計畫（民國 110 年至 113 年）", "國家科學技術發展計畫", []),
        # Two documents both calling themselves 藍色經濟方案: neither gets the name.
        _meta("blue-a", "藍色經濟方案（甲）", "藍色經濟方案", []),
        _meta("blue-b", "藍色經濟方案（乙）", "藍色經濟方案", []),
    ]
    merged, unused = with_documents(g, docs)
    assert len(load_gazetteer().plans) == len(g.plans)  # the gazetteer given is not changed

    def plans(text: str, document: str | None = None) -> list[str | None]:
        return [m.plan for m in find_plan_mentions(text, merged, document) if m.accepted]

    assert plans("融合「數位新社會藍圖」與「智慧國家2.0 推動規劃報告」") == [SN2, SN2]
    assert merged.entry(SN2).not_when  # the Singapore trap stays with the merged entry
    assert plans("新加坡「智慧國家 2.0」") == []
    assert plans("配合「海洋韌性方案」及「海洋韌性推動方案（民國 115 年至 118 年）」") == ["ocean", "ocean"]
    assert merged.entry("ocean").document == "ocean"
    assert plans("DIGI+方案與AI") == ["digi-plus"]  # DIGI+ stays the gazetteer's; AI is no plan
    st110 = merged.entry("st-plan-110")
    assert st110.document == "st-110" and plans("「國家科學技術發展計畫（民國 110 年至 113 年）」") == ["st-plan-110"]
    assert plans("國家科學技術發展計畫") == [ST]  # the bare title stays 114's (000 names itself)
    assert plans("藍色經濟方案（甲）與藍色經濟方案") == ["blue-a"]
    assert {(u.document, u.name) for u in unused} == {
        ("ocean", "DIGI+"),
        ("ocean", "創新經濟，智慧國家"),
        ("ocean", "AI"),
        ("st-110", "國家科學技術發展計畫"),
        ("blue-a", "藍色經濟方案"),
        ("blue-b", "藍色經濟方案"),
    }
    assert "DIGI+" not in merged.entry("ocean").names


def _type(text: str, plan: str) -> tuple[EdgeType, str]:
    mentions = find_plan_mentions(text)
    m = next(x for x in mentions if x.plan == plan)
    starts = line_starts(text)
    lo, _ = paragraph_lines(text.split("\n"), 1, 1)
    t = classify(text, (starts[lo - 1], len(text)), m, mentions)
    return t.type, t.direction


def test_cues_give_type_and_direction() -> None:
    assert _type("而在此基礎上推動之智慧國家 2.0，將承接既有成果", "smart-nation-2") == (T.SUCCEEDS, "reverse")
    # 「後續」 here means "later": absorbed into this programme, not succeeded.
    assert _type("「亞洲·矽谷3.0—智慧物聯」…後續將併入本方案，以避免管考重疊", "asia-silicon-valley-3") == (
        T.CONTINUES,
        "forward",
    )
    # 002:1498 「持續推動落實…國家希望工程願景」: carries out its vision, does not continue the programme.
    assert _type("我國持續推動落實賴總統國家希望工程願景所揭示之施政目標", "national-hope-project")[0] is T.CITES
    assert _type("本計畫為延續前瞻基礎建設成果", "forward-looking-infrastructure")[0] is T.CONTINUES
    assert _type("智慧城鄉計畫執行迄今已累積了", "smart-city-countryside")[0] is T.REPORTS_ON
    assert _type("政府提出全國六大區域旗艦計畫，中央政府與地方政府", "six-regional-life-circles") == (
        DEFAULT_TYPING.type,
        "forward",
    )


# --- evidence ------------------------------------------------------------------------------------
def test_every_cross_plan_edge_quotes_its_lines(corpus_batch: GraphBatch) -> None:
    src = sources()
    edges = [e for e in corpus_batch.edges if e.type in CROSS]
    assert len(edges) >= 60
    for e in edges:
        p = e.provenance
        assert p.quote and p.quote == src[p.document].quote(p.line_start, p.line_end), e.key
        if e.attrs.get("method") == "gazetteer":
            assert "".join(e.attrs["surface"].split()) in "".join(p.quote.split()), e.key
    for n in corpus_batch.nodes:
        if n.attrs.get("external"):
            assert n.id.startswith("plan/") and n.kind is NodeKind.PLAN
            assert n.provenance.quote == src[n.document].quote(n.provenance.line_start, n.provenance.line_end)


def test_external_plans_quote_their_first_mention(corpus_batch: GraphBatch) -> None:
    by_id = {n.id: n for n in corpus_batch.nodes}
    # 亞洲·矽谷 3.0: first named at 000:2883 (000 is read first), later at 001:1546.
    assert (by_id["plan/asia-silicon-valley-3"].document, by_id["plan/asia-silicon-valley-3"].line) == (ST, 2883)
    # DIGI+: 003:93, 「數位國家·創新經濟發展方案（2017-2025年）」（簡稱DIGI+方案）.
    assert (by_id["plan/digi-plus"].document, by_id["plan/digi-plus"].line) == (SN1, 93)
    assert by_id["plan/digi-plus"].attrs["gazetteer"] == "digi-plus"


# --- lineage across plans, both stores -----------------------------------------------------------
def test_cross_lineage_of_a_2_0_measure(any_store: GraphStore) -> None:
    # 004:346 ■ 推動量子科技研發 < 004:340 布局前瞻科技研發 < 004:308 智慧科技 < the plan.
    m = node_at_store(any_store, SN2, 346)
    got = any_store.cross_lineage(m.id, max_hops=2)
    assert got is not None
    assert [(h.hops, any_store.node(h.end).line) for h in got.chain] == [(1, 340), (2, 308), (3, 3)]  # type: ignore[union-attr]
    by = {(h.type, h.end): h for h in got.cross}
    # Hop 1: inferred, the shared text of 000:902 (策略一、研發量子電腦…).
    align = next(h for (t, _), h in by.items() if t is T.ALIGNS_WITH and got.nodes[h.end].line == 902)
    assert align.hops == 1 and align.level == 1 and align.edge.attrs["score"] >= 0.4
    # Hop 4 (three up, one across): 003 names 2.0 as its next stage (003:2983).
    succ = by[(T.SUCCEEDS, f"{SN1}:plan")]
    assert (succ.hops, succ.start, succ.forward) == (4, f"{SN2}:plan", True)
    assert (succ.edge.provenance.document, succ.edge.provenance.line_start) == (SN1, 2983)
    # AI 新十大建設 builds on 2.0 (001:51), walked against the edge.
    cont = by[(T.CONTINUES, f"{AI}:plan")]
    assert (cont.hops, cont.forward, cont.edge.provenance.line_start) == (4, False, 51)
    # Level 2, onwards from 003's plan: it continues DIGI+ (003:93).
    digi = by[(T.CONTINUES, "plan/digi-plus")]
    assert (digi.hops, digi.level, digi.start) == (5, 2, f"{SN1}:plan")


def test_why_ai_ten_and_the_smart_nation_programme_are_connected(any_store: GraphStore) -> None:
    got = any_store.explain_paths(f"{AI}:plan", f"{SN1}:plan", max_len=4, limit=10)
    # AI 新十大建設 rests on 智慧國家2.0 (001:51 builds on it, 001:83 cites it); 2.0 succeeds 003
    # (003:2983) and reports on its results (004:769): four paths of two stated links.
    assert {p.nodes for p in got.paths} == {(f"{AI}:plan", f"{SN2}:plan", f"{SN1}:plan")}
    steps = {
        tuple((h.type, h.forward, h.edge.provenance.document, h.edge.provenance.line_start) for h in p.hops)
        for p in got.paths
    }
    assert steps == {
        (first, second)
        for first in [(T.CONTINUES, True, AI, 51), (T.CITES, True, AI, 83)]
        for second in [(T.SUCCEEDS, True, SN1, 2983), (T.REPORTS_ON, True, SN2, 769)]
    }
    assert all(p.inferred == 0 for p in got.paths)


def node_at_store(store: GraphStore, doc: str, line: int) -> Node:
    found = [n for n in store.nodes(document=doc) if n.line == line and n.kind is not NodeKind.DOCUMENT]
    assert len(found) == 1, found
    return found[0]
