"""The GraphQL API through HTTP, on both stores: every query, and analysts' questions end to end.

Expected answers come from reading the documents (file:line in each test). The app is created once
per store and driven with starlette's TestClient, the same requests a notebook or the explorer
sends; no resolver is called directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import monitoring
from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from graph.model import GraphBatch
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from queries.integrity import CATALOGUE

ST = "st-plan-114"  # 000_94c0ce11f244451c.txt
AI = "ai-ten"  # 001_3e3adedee198aa68.txt
SN21 = "smart-nation-2021"  # 003_392c06949711f1a9.txt


@dataclass
class Api:
    client: TestClient

    def post(self, query: str, **variables: Any) -> dict[str, Any]:
        r = self.client.post("/graphql", json={"query": query, "variables": variables})
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        assert "Traceback" not in r.text
        return body

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.post(query, **variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def error(self, query: str, **variables: Any) -> dict[str, Any]:
        """The first error; every error must carry a code and no trace."""
        body = self.post(query, **variables)
        errors = body.get("errors")
        assert errors, body
        for e in errors:
            assert isinstance(e["extensions"]["code"], str)
            assert set(e) <= {"message", "locations", "path", "extensions"}
            assert "\n" not in e["message"]
        first: dict[str, Any] = errors[0]
        return first


_apps: dict[int, Api] = {}


def api_for(store: GraphStore) -> Api:
    """One app per store for the session (so the per-generation caches are exercised too)."""
    if id(store) not in _apps:
        svc = GraphService(Settings(), store=store)
        _apps[id(store)] = Api(TestClient(create_app(svc.settings, svc)))
    return _apps[id(store)]


@pytest.fixture()
def api(any_store: GraphStore) -> Api:
    return api_for(any_store)


def names(conn: dict[str, Any], key: str = "name") -> list[str]:
    return [n["agency"][key] for n in conn["nodes"]]


# --- analysts' questions ------------------------------------------------------------------------
def test_who_leads_a_strategy_of_the_st_plan(api: Api) -> None:
    # 000:827-828 （四）策略四、優化資安防護能力…; 000:2660 表4: 數發部／經濟部、內政部、國科會
    hit = api.data(
        "query($t: String!) { search(text: $t, kinds: [STRATEGY], first: 1) { nodes { node { id lines { start } } } } }",
        t="優化資安防護能力",
    )["search"]["nodes"][0]["node"]
    assert hit["lines"]["start"] == 827
    who = api.data(
        """query($id: ID!) { responsibleFor(id: $id) { totalCount nodes {
             role explicit agency { name } evidence { documentId lines { start } quote } } } }""",
        id=hit["id"],
    )["responsibleFor"]
    assert who["totalCount"] == 4
    lead = [n for n in who["nodes"] if n["role"] == "LEAD"]
    assert [n["agency"]["name"] for n in lead] == ["數位發展部"]
    co = {n["agency"]["name"] for n in who["nodes"] if n["role"] == "CO"}
    assert co == {"經濟部", "內政部", "國家科學及技術委員會"}
    assert all(n["explicit"] for n in who["nodes"])
    ev = lead[0]["evidence"]
    assert (ev["documentId"], ev["lines"]["start"]) == (ST, 2660)
    assert "數發部／經濟部、內政部、國科會" in ev["quote"]


def test_a_measure_inherits_its_strategys_agencies(api: Api) -> None:
    # 000:830 measure 1 of 策略四 has no agency of its own; 表4 assigns the strategy (000:2660).
    node = api.data(
        """{ search(text: "建構數位政府資安治理環境", kinds: [MEASURE], first: 1) { nodes { node {
             id lines { start } ... on HierarchyNode {
               responsibleAgencies { nodes { role explicit agency { name } via { id title lines { start } } } } } } } } }"""
    )["search"]["nodes"][0]["node"]
    assert node["lines"]["start"] == 830
    rs = node["responsibleAgencies"]["nodes"]
    assert [r["agency"]["name"] for r in rs if r["role"] == "LEAD"] == ["數位發展部"]
    assert not any(r["explicit"] for r in rs)
    assert {r["via"]["lines"]["start"] for r in rs} == {827}


def test_sole_lead_with_no_co_organisers(api: Api) -> None:
    # 000:1198 (一) 策略一、投資高教品質、教研及國際化; 000:2694 表4 cell: 教育部 (no ／)
    node = api.data(
        """{ search(text: "投資高教品質、教研及國際化", kinds: [STRATEGY], first: 1) { nodes { node {
             lines { start } ... on HierarchyNode { responsibleAgencies { totalCount nodes { role agency { name } } } } } } } }"""
    )["search"]["nodes"][0]["node"]
    assert node["lines"]["start"] == 1198
    assert node["responsibleAgencies"]["totalCount"] == 1
    assert names(node["responsibleAgencies"]) == ["教育部"]
    assert node["responsibleAgencies"]["nodes"][0]["role"] == "LEAD"


def test_ocean_council_by_english_name_leads_the_ocean_strategy(api: Api) -> None:
    # 000:976 策略三、精進海洋基礎科研…; 000:2673 海委會／國科會、中研院、農業部、交通部
    rep = api.data(
        """{ responsibilities(agency: "Ocean Affairs Council", role: LEAD, explicit: true) {
             agency { name abbreviations } totalCount items { nodes { node { title lines { start } } evidence { lines { start } } } } } }"""
    )["responsibilities"]
    assert rep["agency"]["name"] == "海洋委員會"
    assert "海委會" in rep["agency"]["abbreviations"]
    titles = {(n["node"]["lines"]["start"], n["evidence"]["lines"]["start"]) for n in rep["items"]["nodes"]}
    assert (976, 2673) in titles


def test_what_moda_leads_and_coorganises_in_the_st_plan(api: Api) -> None:
    # 表4 strings with 數發部 before ／ or alone: 000:2660 (策略四 優化資安防護能力) and 000:2679
    # (策略六 建構資料賦能及環境, cell 數發部 alone; body heading 000:1122).
    rep = api.data(
        """{ responsibilities(agency: "數發部", plan: "st-plan-114:plan", explicit: true) {
             leadCount coCount explicitCount inheritedCount
             items(first: 100) { nodes { role node { lines { start } } evidence { lines { start } } } } } }"""
    )["responsibilities"]
    leads = sorted(
        (n["node"]["lines"]["start"], n["evidence"]["lines"]["start"])
        for n in rep["items"]["nodes"]
        if n["role"] == "LEAD"
    )
    assert leads == [(827, 2660), (1122, 2679)]
    assert rep["leadCount"] == 2
    assert rep["inheritedCount"] == 0
    # 數發部 co-organises e.g. 策略三 布局次世代通訊技術 (000:785; 表4 000:2654 經濟部／國科會、數發部)
    co = {
        (n["node"]["lines"]["start"], n["evidence"]["lines"]["start"])
        for n in rep["items"]["nodes"]
        if n["role"] == "CO"
    }
    assert (785, 2654) in co


def test_what_moda_leads_in_ai_ten(api: Api) -> None:
    # 001:117 AI 數位產業登峰 / 數發部 and 001:124 智慧政府與資料治理 / 數發部 (表1, 主政部會).
    rep = api.data(
        """{ responsibilities(agency: "MODA", plan: "ai-ten:plan", role: LEAD, explicit: true, includeUnits: true) {
             totalCount items(first: 100) { nodes { node { kind title } evidence { lines { start } } } } } }"""
    )["responsibilities"]
    assert rep["totalCount"] == len(rep["items"]["nodes"])  # one page holds them all
    got = {
        (n["node"]["title"].replace(" ", ""), n["evidence"]["lines"]["start"])
        for n in rep["items"]["nodes"]
        if n["node"]["kind"] == "INITIATIVE"
    }
    # 表1 (001:112-126) names 數發部 as 主政部會 of exactly these two of the ten initiatives.
    assert got == {("AI數位產業登峰", 117), ("智慧政府與資料治理", 124)}


def test_lineage_of_a_measure_up_to_the_plan(api: Api) -> None:
    # 000:787 1. 開發 6G 自主技術與國際布局 < 000:785 策略三 布局次世代通訊技術 < 000:719 一、發展五大信賴產業
    # < 000:717 目標一：強化智慧科技生態系，打造人工智慧島 < the plan.
    hit = api.data(
        '{ search(text: "開發 6G 自主技術與國際布局", kinds: [MEASURE], first: 1) { nodes { node { id } } } }'
    )
    mid = hit["search"]["nodes"][0]["node"]["id"]
    lin = api.data(
        """query($id: ID!) { lineage(id: $id, down: 1) { node { lines { start } } plan { id }
             ancestors { totalCount nodes { hops node { id kind lines { start } } parent { id } } }
             descendants { totalCount nodes { hops node { kind } } } truncated crossPlan { totalCount } } }""",
        id=mid,
    )["lineage"]
    chain = [(a["hops"], a["node"]["kind"], a["node"]["lines"]["start"]) for a in lin["ancestors"]["nodes"]]
    assert chain[:3] == [(1, "STRATEGY", 785), (2, "SUBGOAL", 719), (3, "GOAL", 717)]
    assert chain[3][:2] == (4, "PLAN")
    assert lin["plan"]["id"] == f"{ST}:plan"
    # each ancestor's parent is the next one up
    anc = lin["ancestors"]["nodes"]
    assert [a["parent"]["id"] if a["parent"] else None for a in anc] == [a["node"]["id"] for a in anc[1:]] + [None]
    # 000:788-790: the measure has actions under it (研發 6G 自主技術… ).
    assert lin["descendants"]["totalCount"] >= 1
    assert {d["node"]["kind"] for d in lin["descendants"]["nodes"]} == {"ACTION"}
    assert all(d["hops"] == 1 for d in lin["descendants"]["nodes"])


def test_why_a_measure_is_connected_to_the_interior_ministry(api: Api) -> None:
    # 000:830 measure under 策略四 (000:827); 內政部 co-organises 策略四 (000:2660).
    mid = api.data('{ search(text: "建構數位政府資安治理環境", kinds: [MEASURE], first: 1) { nodes { node { id } } } }')
    res = api.data(
        """query($a: ID!) { paths(from: $a, to: "agency/moi") { length exhausted paths { totalCount nodes {
             length nodes { id } hops { type forward from { lines { start } } to { id } evidence { documentId lines { start } } } } } } }""",
        a=mid["search"]["nodes"][0]["node"]["id"],
    )["paths"]
    assert res["length"] == 2
    hops = res["paths"]["nodes"][0]["hops"]
    assert [(h["type"], h["forward"]) for h in hops] == [("CONTAINS", False), ("CO_ORGANIZES", False)]
    assert hops[1]["from"]["lines"]["start"] == 827  # through the strategy, 策略四
    assert (hops[1]["evidence"]["documentId"], hops[1]["evidence"]["lines"]["start"]) == (ST, 2660)


def test_moda_by_every_name_is_one_agency(api: Api) -> None:
    # 數位發展部 (數發部) — 001:110 「數位發展部(下稱數發部)」; MODA / Ministry of Digital Affairs (reference list).
    ids = set()
    for name in [
        "數發部",
        "MODA",
        "數位發展部",
        "Ministry of Digital Affairs",
        "数发部",
        "數發 部",
        "ＭＯＤＡ",
        "agency/moda",
    ]:
        ids.add(api.data("query($n: String!) { agency(name: $n) { id name } }", n=name)["agency"]["id"])
    assert len(ids) == 1
    for text in ["數發部", "MODA", "數位發展部", "ministry of digital affairs"]:
        top = api.data(
            "query($t: String!) { search(text: $t, first: 3) { nodes { field matchedText node { id kind } } } }", t=text
        )["search"]["nodes"][0]
        assert top["node"]["id"] in ids, text
        assert top["node"]["kind"] == "AGENCY"


def test_search_is_width_and_script_insensitive(api: Api) -> None:
    # 000:787 「開發 6G 自主技術與國際布局」: full-width ６Ｇ and Simplified 开发/术/际 find it.
    for text in ["６Ｇ自主技術", "开发 6G 自主技术与国际布局", "開發6G自主技術"]:
        hits = api.data(
            'query($t: String!) { search(text: $t, document: "st-plan-114", first: 5) { totalCount nodes { matchedText node { lines { start } } } } }',
            t=text,
        )["search"]
        assert hits["totalCount"] >= 1, text
        assert hits["nodes"][0]["node"]["lines"]["start"] == 787, text
    # The matched text is the document's own characters.
    hit = api.data('{ search(text: "开发 6G", document: "st-plan-114", first: 1) { nodes { matchedText snippet } } }')
    first = hit["search"]["nodes"][0]
    assert first["matchedText"].replace(" ", "") == "開發6G"
    assert first["matchedText"] in first["snippet"]


def test_st_plan_counts_match_what_it_states(api: Api) -> None:
    # 000:2643 「4 項目標、16 項子目標、53 項策略，及 249 項與策略相關之措施」
    stats = api.data("{ stats { nodeCount edgeCount byPlan { plan { id } count byKind { key count } } } }")["stats"]
    st = next(p for p in stats["byPlan"] if p["plan"]["id"] == f"{ST}:plan")
    kinds = {k["key"]: k["count"] for k in st["byKind"]}
    assert (kinds["Goal"], kinds["SubGoal"], kinds["Strategy"], kinds["Measure"]) == (4, 16, 53, 249)
    assert stats["nodeCount"] > st["count"]
    total = api.data('{ nodes(kinds: [MEASURE], document: "st-plan-114") { totalCount } }')["nodes"]["totalCount"]
    assert total == 249


def test_targets_of_the_smart_nation_results_for_2025(api: Api) -> None:
    # 003:427 數位經濟規模 | 6.5 兆元 | 9.8 兆元(預估值): the 2025 target and the achieved estimate.
    ts = api.data(
        """{ targets(plan: "smart-nation-2021:plan", year: 2025, first: 100) { totalCount nodes {
             value unit year targetKind lines { start } item { id } plan { id } } } }"""
    )["targets"]
    at427 = {(t["value"], t["unit"], t["targetKind"]) for t in ts["nodes"] if t["lines"]["start"] == 427}
    assert (6.5, "兆元", "target") in at427
    assert (9.8, "兆元", "achieved") in at427
    assert all(t["year"] == 2025 or t["year"] is None for t in ts["nodes"])
    assert all(t["plan"]["id"] == f"{SN21}:plan" for t in ts["nodes"])


def test_targets_query_works_when_nothing_matches(api: Api) -> None:
    # The S&T plan states targets only inside action text (e.g. 000:2511); a year far away has none.
    ts = api.data("{ targets(year: 1950) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }")["targets"]
    assert ts == {"totalCount": 0, "nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


def test_targets_of_a_node(api: Api) -> None:
    # 000:2569 「6. 推動永續航空燃油」; its text 000:2571 「…以及國籍航空 SAF 使用比例至少 5%」: one target, 5 %.
    mid = api.data(
        '{ search(text: "推動永續航空燃油", kinds: [MEASURE], first: 1) { nodes { node { id lines { start } } } } }'
    )
    measure = mid["search"]["nodes"][0]["node"]
    assert measure["lines"]["start"] == 2569
    q = """query($n: ID!, $y: Int) { targets(node: $n, year: $y, first: 100) { totalCount nodes {
             value unit year lines { start } quote item { id lines { start } } plan { id } } } }"""
    saf = api.data(q, n=measure["id"])["targets"]
    assert saf["totalCount"] == 1
    [t] = saf["nodes"]
    assert (t["value"], t["unit"], t["lines"]["start"]) == (5.0, "%", 2571)
    assert "SAF 使用比例至少 5%" in t["quote"]
    assert t["item"] == {"id": measure["id"], "lines": {"start": 2569}}
    assert t["plan"]["id"] == f"{ST}:plan"

    # 000:1200 「1. 支持國內高教發展…」, text 000:1202 「第二期計畫（112—116年）挹注970億元」: 970 億元 by
    # 民國 116 年 (2027).
    mid = api.data(
        '{ search(text: "支持國內高教發展", kinds: [MEASURE], first: 1) { nodes { node { id lines { start } } } } }'
    )
    measure = mid["search"]["nodes"][0]["node"]
    assert measure["lines"]["start"] == 1200
    [t] = api.data(q, n=measure["id"])["targets"]["nodes"]
    assert (t["value"], t["unit"], t["year"], t["lines"]["start"]) == (970.0, "億元", 2027, 1202)

    # A node's targets include those stated under it: 000:2480 (1) 強化電網基礎設施 holds 000:2510 (6) 應用儲能系統,
    # whose 000:2511 「電網端及發電端，2025 年目標分別為：1,000 MW 及 500 MW」 are its only 2025 targets.
    n2480 = api.data(
        '{ search(text: "強化電網基礎設施，提升電網韌性", kinds: [MEASURE], first: 1) { nodes { node { id lines { start } } } } }'
    )
    measure = n2480["search"]["nodes"][0]["node"]
    assert measure["lines"]["start"] == 2480
    y2025 = api.data(q, n=measure["id"], y=2025)["targets"]
    assert sorted((t["value"], t["unit"], t["year"], t["lines"]["start"]) for t in y2025["nodes"]) == [
        (500.0, "MW", 2025, 2511),
        (1000.0, "MW", 2025, 2511),
    ]
    assert y2025["totalCount"] == 2
    assert all(t["item"]["lines"]["start"] == 2511 for t in y2025["nodes"])
    # An unknown node is an error, not an empty list.
    e = api.error('{ targets(node: "st-plan-114:no-such-node") { totalCount } }')
    assert e["extensions"]["code"] == "NOT_FOUND"


def test_nodes_by_year_and_text(api: Api) -> None:
    # 000:2511 「電網端及發電端，2025 年目標分別為：1,000 MW 及 500 MW」; 000:2512 the 2030 one.
    q = 'query($y: Int!) { nodes(document: "st-plan-114", text: "電網端", year: $y) { nodes { lines { start } years } } }'
    got2030 = [n["lines"]["start"] for n in api.data(q, y=2030)["nodes"]["nodes"]]
    got2025 = [n["lines"]["start"] for n in api.data(q, y=2025)["nodes"]["nodes"]]
    assert got2030 == [2512]
    assert got2025 == [2511]


def test_nodes_of_a_plan(api: Api) -> None:
    # 000:717, 1363, 1769, 2213: 目標一…目標四 (the plan states 4 項目標 at 000:2643), in document order.
    goals = api.data(
        '{ nodes(plan: "st-plan-114:plan", kinds: [GOAL]) { totalCount nodes { id title lines { start } } } }'
    )
    assert goals["nodes"]["totalCount"] == 4
    assert [(g["lines"]["start"], g["title"]) for g in goals["nodes"]["nodes"]] == [
        (717, "強化智慧科技生態系，打造人工智慧島"),
        (1363, "運用創新驅動雙軸轉型，促進產業均衡發展"),
        (1769, "運用普惠智慧科技，實現多元包容共融社會"),
        (2213, "推動綠色生活及循環經濟，邁向淨零永續"),
    ]
    # 000:2643 「53 項策略，及 249 項與策略相關之措施」
    sm = api.data('{ nodes(plan: "st-plan-114:plan", kinds: [STRATEGY, MEASURE]) { totalCount } }')
    assert sm["nodes"]["totalCount"] == 53 + 249
    # 001:112-126 表1 lists ten initiatives; the first three in the body at 001:130, 556, 633.
    ai = api.data(
        '{ nodes(plan: "ai-ten:plan", kinds: [INITIATIVE], first: 3) { totalCount nodes { title lines { start } } } }'
    )
    assert ai["nodes"]["totalCount"] == 10
    assert [(n["lines"]["start"], n["title"]) for n in ai["nodes"]["nodes"]] == [
        (130, "全民智慧生活圈"),
        (556, "百工百業智慧應用"),
        (633, "AI 數位產業登峰"),
    ]
    # Unfiltered: the plan, everything under it and its targets -- stats' count for the plan by kind, less
    # the document node (which stats counts for its plan; `nodes(plan:)` lists what is in the plan).
    stats = api.data("{ stats { byPlan { plan { id } byKind { key count } } } }")["stats"]["byPlan"]
    by_kind = {
        k["key"].upper(): k["count"] for k in next(p for p in stats if p["plan"]["id"] == f"{ST}:plan")["byKind"]
    }
    assert by_kind.pop("DOCUMENT") == 1
    q = """query($after: String) { nodes(plan: "st-plan-114:plan", first: 100, after: $after) {
             totalCount pageInfo { hasNextPage endCursor } nodes { kind } } }"""
    counts: dict[str, int] = {}
    after = None
    while True:
        page = api.data(q, after=after)["nodes"]
        for n in page["nodes"]:
            counts[n["kind"]] = counts.get(n["kind"], 0) + 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert counts == by_kind
    assert page["totalCount"] == sum(by_kind.values())
    assert (counts["GOAL"], counts["SUBGOAL"], counts["STRATEGY"], counts["MEASURE"]) == (4, 16, 53, 249)


def test_nodes_filtered_by_agency_are_its_responsibilities(api: Api) -> None:
    # 海委會 leads 策略三 (000:976; 表4 000:2673), so its measures 000:978 強化海洋基礎科研 and
    # 000:1003 增加海域空間監測能力 are 海委會's too (inherited).
    data = api.data(
        '{ nodes(agency: "海委會", kinds: [STRATEGY, MEASURE], document: "st-plan-114", first: 100) '
        "{ totalCount nodes { kind lines { start } } } }"
    )["nodes"]
    got = {(n["kind"], n["lines"]["start"]) for n in data["nodes"]}
    assert {("STRATEGY", 976), ("MEASURE", 978), ("MEASURE", 1003)} <= got
    # ...and not a strategy it has nothing to do with: 策略四 資安 (000:827, 表4 000:2660).
    assert ("STRATEGY", 827) not in got
    assert data["totalCount"] == len(data["nodes"])


def test_responsibility_matrix(api: Api) -> None:
    # 表4 (000:2645-2815): 數發部 leads at 2660 and 2679; 海委會 leads the ocean strategy (000:2673).
    m = api.data(
        """{ responsibilityMatrix { plans { id } rows(first: 100) { totalCount nodes {
             agency { id } lead co cells { plan { id } lead co leadItems coItems } } } } }"""
    )["responsibilityMatrix"]
    plan_ids = [p["id"] for p in m["plans"]]
    assert f"{ST}:plan" in plan_ids
    col = plan_ids.index(f"{ST}:plan")
    rows = {r["agency"]["id"]: r for r in m["rows"]["nodes"]}
    moda = rows["agency/moda"]["cells"][col]
    assert moda["plan"]["id"] == f"{ST}:plan"
    assert moda["lead"] == 2
    assert moda["leadItems"] > moda["lead"]  # the measures and actions under those strategies
    assert rows["agency/oac"]["cells"][col]["lead"] >= 1
    for r in m["rows"]["nodes"]:
        assert len(r["cells"]) == len(plan_ids)
        assert r["lead"] == sum(c["lead"] for c in r["cells"])


def test_agency_fields_and_units(api: Api) -> None:
    a = api.data(
        """{ agency(name: "經濟部") { id name englishName aliases category parent { id }
             subUnits(first: 100) { totalCount nodes { id name parent { id } } } } }"""
    )["agency"]
    assert a["name"] == "經濟部"
    assert a["englishName"] == "Ministry of Economic Affairs"
    assert a["parent"] is None
    # 000:1807 中小及新創企業署 is a unit of 經濟部 (000 notes, sub-units in the prose).
    assert "中小及新創企業署" in " ".join(u["name"] for u in a["subUnits"]["nodes"])
    assert all(u["parent"]["id"] == a["id"] for u in a["subUnits"]["nodes"])
    listed = api.data('{ agencies(text: "經濟部", first: 100) { totalCount nodes { id } } }')["agencies"]
    assert a["id"] in [n["id"] for n in listed["nodes"]]


def test_node_fields_and_evidence(api: Api) -> None:
    # 000:717 目標一：強化智慧科技生態系，打造人工智慧島
    n = api.data(
        """{ node(id: "st-plan-114:g1") { id kind title number documentId lines { start end } quote
             evidence { documentId lines { start } quote } document { id issuer published periodStart periodEnd }
             plan { id } attributes years
             ... on HierarchyNode { parent { id } children(first: 2) { totalCount nodes { kind lines { start } } } }
             relations(types: [CONTAINS], direction: OUTGOING, first: 1) { totalCount nodes { type source { id } target { id } evidence { lines { start } } } } } }"""
    )["node"]
    assert (n["kind"], n["lines"]["start"], n["number"]) == ("GOAL", 717, "一")
    assert n["title"] == "強化智慧科技生態系，打造人工智慧島"
    assert "目標一" in n["quote"] and n["evidence"]["quote"] == n["quote"]
    assert n["document"] == {
        "id": ST,
        "issuer": "行政院",
        "published": "2025-10-20",
        "periodStart": 2025,
        "periodEnd": 2028,
    }
    assert n["parent"]["id"] == n["plan"]["id"] == f"{ST}:plan"
    # 000:719 一、發展五大信賴產業 is the first of 目標一's sub-goals (719, 900, 1140, 1196).
    assert n["children"]["nodes"][0] == {"kind": "SUBGOAL", "lines": {"start": 719}}
    assert n["children"]["totalCount"] == n["relations"]["totalCount"] == 4
    rel = n["relations"]["nodes"][0]
    assert rel["type"] == "CONTAINS" and rel["source"]["id"] == n["id"]


def test_documents_and_source_lines(api: Api) -> None:
    docs = api.data("{ documents { totalCount nodes { id title issuer published shortName plan { id } } } }")[
        "documents"
    ]
    by_id = {d["id"]: d for d in docs["nodes"]}
    assert docs["totalCount"] == 5
    assert by_id[AI]["issuer"] == "國家發展委員會"  # 001:110 「本方案係由國家發展委員會(下稱國發會)統籌」
    assert by_id[ST]["plan"]["id"] == f"{ST}:plan"
    lines = api.data('{ document(id: "st-plan-114") { lines(from: 2643, to: 2643) { number text } } }')
    assert "249 項與策略相關之措施" in lines["document"]["lines"][0]["text"]


def test_hierarchy_descendants_and_ancestors_fields(api: Api) -> None:
    n = api.data(
        """{ node(id: "st-plan-114:g1.sg1") { ... on HierarchyNode {
             ancestors { totalCount nodes { hops node { id } } }
             descendants(maxDepth: 2, kinds: [MEASURE], first: 3) { totalCount nodes { hops node { kind } parent { kind } } } } } }"""
    )["node"]
    assert [a["hops"] for a in n["ancestors"]["nodes"]] == [1, 2]
    assert all(
        d["hops"] == 2 and d["node"]["kind"] == "MEASURE" and d["parent"]["kind"] == "STRATEGY"
        for d in n["descendants"]["nodes"]
    )


def test_pagination_walks_every_item_once_in_document_order(api: Api) -> None:
    q = """query($after: String) { nodes(kinds: [MEASURE], document: "st-plan-114", first: 100, after: $after) {
             totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id lines { start } } } } }"""
    seen: list[tuple[int, str]] = []
    after = None
    pages = 0
    while True:
        conn = api.data(q, after=after)["nodes"]
        pages += 1
        seen += [(e["node"]["lines"]["start"], e["node"]["id"]) for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] is (pages > 1)
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert pages == 3
    assert len(seen) == len({i for _, i in seen}) == 249
    assert seen == sorted(seen)


def test_cross_plan_fields_answer_with_evidence(api: Api) -> None:
    # 001:51 「…於亞洲·矽谷、智慧國家2.0新綱領、六大區域產業及生活圈計畫、國家人才競爭力躍升方案、
    # 亞灣2.0-智慧科技創新園區推動方案等政策基礎上，規劃「AI 新十大建設推動方案」」: AI 新十大建設 continues
    # those five; 001:1546 「亞洲·矽谷3.0—智慧物聯」…後續將併入本方案: and 亞洲·矽谷3.0.
    links = api.data(
        """{ node(id: "ai-ten:plan") { ... on HierarchyNode { crossPlanLinks(types: [CONTINUES], first: 100) {
             totalCount nodes { type source { id } target { id title } evidence { documentId lines { start } quote } } } } } }"""
    )["node"]["crossPlanLinks"]
    got = {(n["target"]["id"], n["evidence"]["lines"]["start"]) for n in links["nodes"]}
    assert got == {
        ("plan/asia-silicon-valley", 51),
        ("smart-nation-2:plan", 51),
        ("plan/six-regional-life-circles", 51),
        ("plan/national-talent-competitiveness", 51),
        ("plan/yawan-2", 51),
        ("plan/asia-silicon-valley-3", 1546),
    }
    assert links["totalCount"] == 6
    assert all(n["source"]["id"] == f"{AI}:plan" and n["type"] == "CONTINUES" for n in links["nodes"])
    assert all(n["evidence"]["documentId"] == AI for n in links["nodes"])
    at1546 = next(n for n in links["nodes"] if n["evidence"]["lines"]["start"] == 1546)
    assert "後續將併入本方案" in at1546["evidence"]["quote"]

    # The lineage's cross-plan part: level 1 from the plan itself, level 2 from what it links to.
    lin = api.data(
        """{ lineage(id: "ai-ten:plan", down: 0, crossPlanLevels: 2) { crossPlan(first: 100) { totalCount nodes {
             hops level direction type origin { id } node { id } evidence { documentId lines { start end } quote } } } } }"""
    )["lineage"]["crossPlan"]
    hops = {
        (
            h["level"],
            h["direction"],
            h["type"],
            h["origin"]["id"],
            h["node"]["id"],
            h["evidence"]["documentId"],
            h["evidence"]["lines"]["start"],
        )
        for h in lin["nodes"]
    }
    # 001:83 「…融合智慧國家2.0新綱領與六大區域產業及生活圈…」: cites 智慧國家2.0.
    assert (1, "OUTGOING", "CITES", f"{AI}:plan", "smart-nation-2:plan", AI, 83) in hops
    assert (1, "OUTGOING", "CONTINUES", f"{AI}:plan", "plan/asia-silicon-valley-3", AI, 1546) in hops
    # 002:155 the periodical's article 「推動 AI 新十大建設——…」 mentions the plan (a link into it).
    assert (1, "INCOMING", "MENTIONS", f"{AI}:plan", "tef-23-3:a1", "tef-23-3", 155) in hops
    # Level 2: 000:2883 the S&T plan names 亞洲·矽谷 3.0 推動方案, which AI 新十大建設 continues (001:1546).
    assert (2, "INCOMING", "MENTIONS", "plan/asia-silicon-valley-3", f"{ST}:plan", ST, 2883) in hops
    assert {h["level"] for h in lin["nodes"]} == {1, 2}
    assert lin["totalCount"] == len(lin["nodes"])
    for h in lin["nodes"]:
        assert h["hops"] == h["level"]  # from the plan itself: no hierarchy hops before the first link
        assert h["evidence"]["quote"]
        assert h["evidence"]["lines"]["start"] <= h["evidence"]["lines"]["end"]


def test_why_the_st_plan_and_ai_ten_are_connected(api: Api) -> None:
    # 000:2883 「透過亞洲·矽谷 3.0 推動方案…」 and 001:1546 「亞洲·矽谷3.0—智慧物聯…後續將併入本方案」:
    # both documents name 亞洲·矽谷3.0, so the two plans are two hops apart through it.
    res = api.data(
        """{ paths(from: "st-plan-114:plan", to: "ai-ten:plan", maxHops: 4, limit: 10) { length paths { nodes {
             nodes { id title } hops { evidence { documentId lines { start } quote } } } } } }"""
    )["paths"]
    assert res["length"] == 2
    via = [p for p in res["paths"]["nodes"] if "亞洲·矽谷" in p["nodes"][1]["title"].replace(" ", "")]
    assert via, [p["nodes"][1]["title"] for p in res["paths"]["nodes"]]
    evidence = {(h["evidence"]["documentId"], h["evidence"]["lines"]["start"]) for h in via[0]["hops"]}
    assert evidence == {(ST, 2883), (AI, 1546)}
    assert all(h["evidence"]["quote"] for h in via[0]["hops"])


def test_lineage_reaches_across_plans(api: Api) -> None:
    # The S&T plan's own text names 亞洲·矽谷 3.0 推動方案 at 000:2883; from a measure (000:787) the
    # chain climbs 4 levels to the plan, so that link is 5 hops away.
    lin = api.data(
        """{ lineage(id: "st-plan-114:g1.sg1.s3.m1", down: 0) { crossPlan(first: 100) { nodes {
             hops level origin { id } node { title } evidence { documentId lines { start } } } } } }"""
    )["lineage"]["crossPlan"]["nodes"]
    hit = [h for h in lin if h["evidence"]["lines"]["start"] == 2883 and h["evidence"]["documentId"] == ST]
    assert hit, lin
    assert hit[0]["hops"] == 5 and hit[0]["level"] == 1
    assert hit[0]["origin"]["id"] == f"{ST}:plan"
    assert "亞洲·矽谷" in hit[0]["node"]["title"].replace(" ", "")


# --- health and integrity, on both stores -------------------------------------------------------
def test_health_on_both_stores(api: Api, any_store: GraphStore) -> None:
    stats = api.data("{ health stats { generation nodeCount } }")
    assert stats["health"] == "ok"
    r = api.client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["reason"] is None
    assert body["store"] == any_store.name == ("neo4j" if isinstance(any_store, Neo4jStore) else "embedded")
    assert body["generation"] == stats["stats"]["generation"]
    info = any_store.generation()
    assert info is not None and body["generation"] == info.generation


FLAGGED_STRATEGIES = {
    # 000:1809 策略二 推動在宅醫療: its 表4 row (000:2740) names no agency.
    1809: "(二) 策略二、推動在宅醫療，擴大公共醫療服務",
    # 000:2573 策略二 發展電力去碳化與節能科技: 表4's rows for 確保供電穩定與電力去碳化 (000:2811, 2813)
    # are strategies 3 and 1; none is for strategy 2.
    2573: "(二) 策略二、發展電力去碳化與節能科技",
}


def test_integrity_on_both_stores(any_store: GraphStore, corpus_batch: GraphBatch, tmp_path: Path) -> None:
    # A check run of the served graph recorded by the real monitor (what a load does) in a history of
    # its own, then read through the API: the same answers on either store.
    svc = GraphService(Settings(history_db=tmp_path / "history.sqlite"), store=any_store)
    assert monitoring.monitor_for(svc).run("load", corpus_batch) is not None
    api = Api(TestClient(create_app(svc.settings, svc)))
    info = any_store.generation()
    assert info is not None
    data = api.data(
        """{ integrity {
             latest { conforms current generation store summary { errors warnings infos }
               checks { id status }
               findings(check: "no-responsible-agency", first: 100) { totalCount nodes {
                 severity focusNode { id kind lines { start } } evidence { documentId lines { start } quote } } } }
             history { totalCount nodes { trigger store generation conforms } }
             catalogue { id } } }"""
    )["integrity"]
    latest = data["latest"]
    assert latest["store"] == any_store.name
    assert latest["generation"] == info.generation and latest["current"] is True
    assert latest["conforms"] is True and latest["summary"]["errors"] == 0
    assert {c["id"] for c in latest["checks"]} == set(CATALOGUE)
    flagged = {
        f["focusNode"]["lines"]["start"]: (f["focusNode"]["kind"], f["severity"], f["evidence"][0])
        for f in latest["findings"]["nodes"]
        if f["focusNode"]["id"].startswith(f"{ST}:")
    }
    for line, quote in FLAGGED_STRATEGIES.items():
        assert flagged[line] == ("STRATEGY", "WARNING", {"documentId": ST, "lines": {"start": line}, "quote": quote})
    assert data["history"] == {
        "totalCount": 1,
        "nodes": [{"trigger": "load", "store": any_store.name, "generation": info.generation, "conforms": True}],
    }
    assert [c["id"] for c in data["catalogue"]] == list(CATALOGUE)

    # The same finding on its node, and nothing on a strategy 表4 assigns (000:827, 000:2660).
    q = """query($id: ID!) { node(id: $id) { lines { start } integrityFindings(first: 10) { totalCount nodes {
             check severity evidence { lines { start } } } } } }"""
    strategy = next(
        f["focusNode"]["id"] for f in latest["findings"]["nodes"] if f["focusNode"]["lines"]["start"] == 1809
    )
    node = api.data(q, id=strategy)["node"]
    assert node["lines"]["start"] == 1809
    assert node["integrityFindings"] == {
        "totalCount": 1,
        "nodes": [{"check": "no-responsible-agency", "severity": "WARNING", "evidence": [{"lines": {"start": 1809}}]}],
    }
    assigned = api.data(q, id="st-plan-114:g1.sg1.s4")["node"]
    assert assigned["lines"]["start"] == 827
    assert assigned["integrityFindings"] == {"totalCount": 0, "nodes": []}
