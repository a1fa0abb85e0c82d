"""Integrity checks over GraphQL, through HTTP: Query.integrity (latest report, history, catalogue)
and Node.integrityFindings.

Runs are made by the real monitor (app.monitoring) on a real store and recorded in a tmp history
file; the API only reads them. The mini corpus (tests/test_integrity_checks.py) is one short plan
whose lines are MINI_LINES; the bundled corpus facts are from the documents:
  000:1809  (二) 策略二、推動在宅醫療，擴大公共醫療服務 -- its 表4 row (000:2740) names no agency
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
from graph.embedded_store import EmbeddedStore
from queries.integrity import CATALOGUE, RunHistory
from tests.test_integrity_checks import MINI_LINES, S1M1, S1M2, Mini, make_mini

ST_STRATEGY = "st-plan-114:g3.sg1.s2"  # 000:1809

REPORT = """{ integrity { latest {
  conforms current generation store startedAt durationSeconds summary { errors warnings infos }
  checks { id status findingCount }
  findings(first: 10) { totalCount nodes {
    check severity message rationale focusNodeId focusNode { id title kind }
    evidence { documentId document { id } lines { start end } quote } } } } } }"""

NODE_FINDINGS = """query($id: ID!, $severity: FindingSeverity, $check: String) {
  node(id: $id) { id integrityFindings(severity: $severity, check: $check) { totalCount nodes {
    check severity message evidence { documentId lines { start end } quote } } } } }"""


def node_findings(api: Api, node_id: str, **variables: str) -> list[dict[str, Any]]:
    """The findings about one node (all of them: the connection's first page is its whole list here)."""
    conn = api.data(NODE_FINDINGS, id=node_id, **variables)["node"]["integrityFindings"]
    assert conn["totalCount"] == len(conn["nodes"])
    found: list[dict[str, Any]] = conn["nodes"]
    return found


HISTORY = """query($first: Int, $after: String) { integrity { history(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id startedAt trigger store generation conforms durationSeconds summary { errors warnings infos } } } } }"""


@dataclass
class Api:
    client: TestClient
    token: str | None = None

    def post(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = self.client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert r.status_code == 200, r.text
        assert "Traceback" not in r.text
        body: dict[str, Any] = r.json()
        return body

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.post(query, **variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def error(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.post(query, **variables)
        assert body.get("errors"), body
        e: dict[str, Any] = body["errors"][0]
        assert "\n" not in e["message"]
        return e


def api_for(svc: GraphService, token: str | None = None) -> Api:
    # No `with`: the lifespan (corpus load, scheduler) is not started; runs are made by the tests.
    return Api(TestClient(create_app(svc.settings, svc)), token)


# --- a mini corpus made to violate a check -----------------------------------------------------
@dataclass
class MiniService:
    mini: Mini
    store: EmbeddedStore
    svc: GraphService
    api: Api

    def run(self, trigger: str) -> None:
        """Write the mini graph as it is now and record a check run of it (the real monitor)."""
        self.store.replace(self.mini.batch())
        assert monitoring.monitor_for(self.svc).run(trigger) is not None


@pytest.fixture()
def mini_service(tmp_path: Path) -> MiniService:
    m = make_mini(tmp_path)
    store = EmbeddedStore()
    svc = GraphService(Settings(corpus=m.dir, history_db=tmp_path / "history.sqlite"), store=store)
    return MiniService(m, store, svc, api_for(svc))


def test_a_violated_check_shows_on_the_latest_report_and_on_its_node(mini_service: MiniService) -> None:
    s = mini_service
    s.run("load")  # clean: no finding
    clean = s.api.data(REPORT)["integrity"]["latest"]
    assert clean["conforms"] and clean["summary"]["errors"] == 0 and clean["findings"]["totalCount"] == 0
    assert node_findings(s.api, S1M2) == []

    # 6 「2. 推動開放資料」 now ends (2026-12) before it starts (2027-03).
    s.mini.replace_node(S1M2, attrs={"schedule_start": "2027-03", "schedule_end": "2026-12"})
    s.run("schedule")
    latest = s.api.data(REPORT)["integrity"]["latest"]
    info = s.store.generation()
    assert info is not None
    assert latest["generation"] == info.generation and latest["current"] is True
    assert latest["store"] == "embedded" and latest["durationSeconds"] > 0
    assert latest["conforms"] is False and latest["summary"]["errors"] == 1
    assert {c["id"]: (c["status"], c["findingCount"]) for c in latest["checks"]}["schedule-reversed"] == ("FAILED", 1)
    [f] = latest["findings"]["nodes"]
    assert f["check"] == "schedule-reversed" and f["severity"] == "ERROR"
    assert "2027-03" in f["message"] and "2026-12" in f["message"]
    assert f["rationale"] == CATALOGUE["schedule-reversed"].rationale
    assert f["focusNodeId"] == S1M2
    assert f["focusNode"] == {"id": S1M2, "title": "推動開放資料", "kind": "MEASURE"}
    assert f["evidence"] == [
        {"documentId": "mini", "document": {"id": "mini"}, "lines": {"start": 6, "end": 6}, "quote": MINI_LINES[5]}
    ]

    # The same finding on its focus node, and only there.
    node = node_findings(s.api, S1M2)
    assert [(x["check"], x["severity"], x["evidence"][0]["lines"]["start"]) for x in node] == [
        ("schedule-reversed", "ERROR", 6)
    ]
    assert node_findings(s.api, S1M1) == []
    assert node_findings(s.api, S1M2, severity="WARNING") == []
    assert len(node_findings(s.api, S1M2, check="schedule-reversed")) == 1

    # Filters of the report's findings.
    q = "query($s: FindingSeverity, $c: String) { integrity { latest { findings(severity: $s, check: $c) { totalCount } } } }"

    def count(**v: str) -> int:
        return int(s.api.data(q, **v)["integrity"]["latest"]["findings"]["totalCount"])

    assert count(s="ERROR") == 1 and count(s="WARNING") == 0 and count(c="schedule-reversed") == 1
    assert count(c="orphan-item") == 0

    # Both runs in the history, most recent first.
    runs = s.api.data(HISTORY)["integrity"]["history"]
    assert runs["totalCount"] == 2
    assert [(r["trigger"], r["conforms"], r["summary"]["errors"]) for r in runs["nodes"]] == [
        ("schedule", False, 1),
        ("load", True, 0),
    ]
    assert runs["nodes"][0]["id"] > runs["nodes"][1]["id"]


def test_a_nodes_findings_are_a_connection(mini_service: MiniService) -> None:
    # 6 「2. 推動開放資料」 scheduled 2031-03 .. 2030-12: ends before it starts (schedule-reversed) and
    # lies outside the plan's period 2025-2028 (schedule-outside-period): two findings on one node.
    s = mini_service
    s.mini.replace_node(S1M2, attrs={"schedule_start": "2031-03", "schedule_end": "2030-12"})
    s.run("schedule")
    q = """query($id: ID!, $first: Int, $after: String) { node(id: $id) {
             integrityFindings(first: $first, after: $after) {
               totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { check } } } } }"""
    whole = s.api.data(q, id=S1M2)["node"]["integrityFindings"]
    checks = [e["node"]["check"] for e in whole["edges"]]
    assert whole["totalCount"] == 2 and sorted(checks) == ["schedule-outside-period", "schedule-reversed"]
    # One per page, in the same order, each once.
    p1 = s.api.data(q, id=S1M2, first=1)["node"]["integrityFindings"]
    assert p1["totalCount"] == 2 and [e["node"]["check"] for e in p1["edges"]] == checks[:1]
    assert p1["pageInfo"]["hasNextPage"] is True and p1["pageInfo"]["hasPreviousPage"] is False
    p2 = s.api.data(q, id=S1M2, first=1, after=p1["pageInfo"]["endCursor"])["node"]["integrityFindings"]
    assert [e["node"]["check"] for e in p2["edges"]] == checks[1:]
    assert p2["pageInfo"]["hasNextPage"] is False and p2["pageInfo"]["hasPreviousPage"] is True


def test_a_served_graph_newer_than_the_report_is_not_current(mini_service: MiniService) -> None:
    s = mini_service
    s.run("load")
    s.mini.replace_node(S1M1, title="建置資料平臺與服務")  # a new generation, not checked yet
    s.store.replace(s.mini.batch())
    latest = s.api.data("{ integrity { latest { current generation } } }")["integrity"]["latest"]
    info = s.store.generation()
    assert info is not None and latest["generation"] != info.generation and latest["current"] is False


def test_before_the_first_run_there_is_nothing_to_show(mini_service: MiniService) -> None:
    s = mini_service
    s.store.replace(s.mini.batch())
    data = s.api.data(
        """query($id: ID!) { integrity { latest { conforms } history { totalCount nodes { id } } }
           node(id: $id) { integrityFindings { totalCount nodes { check } } } }""",
        id=S1M2,
    )
    assert data["integrity"] == {"latest": None, "history": {"totalCount": 0, "nodes": []}}
    assert data["node"] == {"integrityFindings": {"totalCount": 0, "nodes": []}}


def test_catalogue(mini_service: MiniService) -> None:
    cat = mini_service.api.data("{ integrity { catalogue { id severity rationale } } }")["integrity"]["catalogue"]
    by_id = {c["id"]: c for c in cat}
    # docs/integrity.md, Catalogue: a few entries as documented there.
    assert by_id["no-responsible-agency"]["severity"] == "WARNING"
    assert by_id["schedule-reversed"]["severity"] == "ERROR"
    assert by_id["hierarchy-cycle"]["severity"] == "ERROR"
    assert [c["id"] for c in cat] == list(CATALOGUE) and all(c["rationale"] for c in cat)


def test_a_page_of_nodes_costs_one_history_read(mini_service: MiniService, monkeypatch: pytest.MonkeyPatch) -> None:
    s = mini_service
    s.mini.replace_node(S1M2, attrs={"schedule_start": "2027-03", "schedule_end": "2026-12"})
    s.run("schedule")
    # Every read of the history file opens one connection (RunHistory._db): count them.
    reads: list[str] = []
    real = RunHistory._db

    def counted(self: RunHistory) -> Any:
        reads.append(str(self.path))
        return real(self)

    monkeypatch.setattr(RunHistory, "_db", counted)
    q = """query($n: Int) { integrity { latest { summary { errors } } }
             nodes(first: $n) { nodes { id integrityFindings { totalCount } } } }"""
    for n in (2, 20):
        reads.clear()
        data = s.api.data(q, n=n)
        assert len(data["nodes"]["nodes"]) == min(n, len(s.mini.nodes))
        flagged = [x["id"] for x in data["nodes"]["nodes"] if x["integrityFindings"]["totalCount"]]
        assert flagged == ([S1M2] if n == 20 else [])
        assert len(reads) == 1, f"first: {n} read the history {len(reads)} times"


def test_bad_arguments_and_an_unreadable_history(mini_service: MiniService, tmp_path: Path) -> None:
    s = mini_service
    s.run("load")
    e = s.api.error('{ integrity { latest { findings(check: "no-such-check") { totalCount } } } }')
    assert e["extensions"]["code"] == "BAD_USER_INPUT" and "unknown check 'no-such-check'" in e["message"]
    e = s.api.error('query($id: ID!) { node(id: $id) { integrityFindings(check: "nope") { totalCount } } }', id=S1M2)
    assert e["extensions"]["code"] == "BAD_USER_INPUT"
    # A connection like every other list: the same page-size cap and cursor checks.
    e = s.api.error("query($id: ID!) { node(id: $id) { integrityFindings(first: 1000) { totalCount } } }", id=S1M2)
    assert e["extensions"]["code"] == "BAD_USER_INPUT"
    e = s.api.error(
        'query($id: ID!) { node(id: $id) { integrityFindings(after: "nonsense") { totalCount } } }', id=S1M2
    )
    assert e["extensions"]["code"] == "BAD_USER_INPUT"
    e = s.api.error("{ integrity { history(first: 1000) { totalCount } } }")
    assert e["extensions"]["code"] == "BAD_USER_INPUT"
    e = s.api.error('{ integrity { history(after: "nonsense") { totalCount } } }')
    assert e["extensions"]["code"] == "BAD_USER_INPUT"

    # A history path under a plain file cannot be opened: a one-line error with its own code.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    svc = GraphService(Settings(corpus=s.mini.dir, history_db=blocker / "h.sqlite"), store=s.store)
    api = api_for(svc)
    for q in ("{ integrity { latest { conforms } } }", "{ integrity { history { totalCount } } }"):
        e = api.error(q)
        assert e["extensions"]["code"] == "HISTORY_UNAVAILABLE" and "h.sqlite" in e["message"]


# --- the bundled corpus, reloaded twice through the API ----------------------------------------
def test_bundled_corpus_reloaded_twice(tmp_path: Path) -> None:
    svc = GraphService(Settings(admin_token="s3cret", history_db=tmp_path / "history.sqlite"), store=EmbeddedStore())
    monitoring.install(svc)  # what the app's lifespan does: check after every load
    api = api_for(svc, token="s3cret")
    for _ in range(2):
        assert api.data("mutation { reload { ok } }")["reload"]["ok"] is True
    generation = api.data("{ stats { generation } }")["stats"]["generation"]

    runs = api.data(HISTORY)["integrity"]["history"]
    assert runs["totalCount"] == 2
    for r in runs["nodes"]:
        assert (r["trigger"], r["store"], r["generation"]) == ("load", "embedded", generation)
        assert r["summary"]["errors"] == 0 and r["conforms"] is True
    # Paging: one run per page, newest first, each exactly once.
    first = api.data(HISTORY, first=1)["integrity"]["history"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = api.data(HISTORY, first=1, after=first["pageInfo"]["endCursor"])["integrity"]["history"]
    assert [first["nodes"][0]["id"], second["nodes"][0]["id"]] == [r["id"] for r in runs["nodes"]]
    assert second["pageInfo"]["hasNextPage"] is False

    latest = api.data(REPORT)["integrity"]["latest"]
    assert latest["conforms"] is True and latest["summary"]["errors"] == 0 and latest["current"] is True

    # 000:1809: the strategy with no responsible agency is flagged on its node.
    node = node_findings(api, ST_STRATEGY)
    assert [(f["check"], f["severity"]) for f in node] == [("no-responsible-agency", "WARNING")]
    assert node[0]["evidence"][0] == {
        "documentId": "st-plan-114",
        "lines": {"start": 1809, "end": 1809},
        "quote": "(二) 策略二、推動在宅醫療，擴大公共醫療服務",
    }

    # Every finding once over the pages, as many as the summary counts.
    q = """query($after: String) { integrity { latest { findings(first: 100, after: $after) {
             totalCount pageInfo { hasNextPage endCursor } nodes { check focusNodeId } } } } }"""
    seen: list[tuple[str, str | None]] = []
    after = None
    while True:
        page = api.data(q, after=after)["integrity"]["latest"]["findings"]
        seen += [(f["check"], f["focusNodeId"]) for f in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    s = latest["summary"]
    assert len(seen) == page["totalCount"] == s["errors"] + s["warnings"] + s["infos"] > 100
    assert ("no-responsible-agency", ST_STRATEGY) in seen
