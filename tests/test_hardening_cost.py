"""No request can stall the server (issue 13, requirement 2): a query's cost is computed from the
query and its variables before it runs and refused above the limit, whatever the form (fragments,
inline fragments, aliases, variables, GET, operationName); execution runs off the event loop, so
/health answers while a heavy query runs and the timeout fires near its configured value; the
reload's time budget applies only when the operation executed is the mutation.

Refusals run on both stores (the `api` fixture); the server-process cases run on the embedded
store, where resolving is CPU work in the server's own process."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.gql.limits import Limits
from app.settings import Settings
from graph.embedded_store import EmbeddedStore
from graph.store import GraphStore
from tests.serve_process import ServeProcess, serving
from tests.test_graphql_api import Api, api_for
from tests.test_graphql_safety import SlowStore, client_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def api(any_store: GraphStore) -> Api:
    return api_for(any_store)


def refused(api: Api, query: str, **variables: Any) -> dict[str, Any]:
    e = api.error(query, **variables)
    assert e["extensions"]["code"] == "QUERY_TOO_COMPLEX", e
    cost, limit = e["extensions"]["cost"], e["extensions"]["limit"]
    assert limit == Limits().max_cost and cost > limit
    assert f"costs {cost}" in e["message"] and f"limit of {limit}" in e["message"]
    return e


# The issue's query: relations(first: 100) nested three levels deep under a page of nodes.
ISSUE = (
    "{ nodes(first: 100) { nodes { id relations(first: 100) { nodes { target { id relations(first: 100) { "
    "nodes { target { id relations(first: 100) { nodes { type target { id title } } } } } } } } } } } }"
)
RELATIONS = "relations(first: 100) { nodes { type source { id } target { id } } }"
ALIASES = "{ " + " ".join(f"a{i}: nodes(first: 100) {{ nodes {{ {RELATIONS} }} }}" for i in range(30)) + " }"
FRAGMENTS = """query { nodes(first: 100) { nodes { ...Out } } }
fragment Out on Node { relations(first: 100) { nodes { target { ...In } } } }
fragment In on Node { relations(first: 100) { nodes { type target { id } } } }"""
INLINE = """{ nodes(first: 100) { nodes { ... on HierarchyNode { children(first: 100) { nodes {
  ... on HierarchyNode { descendants(maxDepth: 10, first: 100) { nodes { node { id title } } } } } } } } } }"""
# Not a page: a list bounded by its arguments (lines from..to), repeated by aliases.
LINES = (
    "{ "
    + " ".join(f"d{i}: documents(first: 100) {{ nodes {{ lines(from: 1, to: 400) {{ text }} }} }}" for i in range(30))
    + " }"
)
# Fragments that each spread the next twice: the cost doubles per level, the check stays linear.
DOUBLING = "query { ...F0 }\n" + "\n".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
DOUBLING += "\nfragment F40 on Query { stats { nodeCount } }"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("query", [ISSUE, ALIASES, FRAGMENTS, INLINE, LINES, DOUBLING])
def test_expensive_queries_are_refused_with_their_cost(api: Api, query: str) -> None:
    refused(api, query)


@pytest.mark.timeout(120)
def test_page_size_from_variables_counts(api: Api) -> None:
    q = "query($n: Int) { nodes(first: $n) { nodes { relations(first: $n) { nodes { target { relations(first: $n) { nodes { type } } } } } } } }"
    refused(api, q, n=100)
    assert api.data(q, n=2)["nodes"]["nodes"]  # the same query with small pages runs
    # A variable's default counts when the request leaves it out.
    refused(api, q.replace("$n: Int", "$n: Int = 100"))


@pytest.mark.timeout(120)
def test_the_operation_executed_is_the_one_costed(api: Api) -> None:
    doc = f"query Cheap {{ stats {{ nodeCount }} }} query Dear {ISSUE}"
    r = api.client.post("/graphql", json={"query": doc, "operationName": "Dear"}).json()
    assert r["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    r = api.client.post("/graphql", json={"query": doc, "operationName": "Cheap"}).json()
    assert "errors" not in r and r["data"]["stats"]["nodeCount"] > 0


@pytest.mark.timeout(120)
def test_get_queries_fall_under_the_cost_limit(api: Api) -> None:
    for query in (ISSUE, FRAGMENTS):
        r = api.client.get("/graphql", params={"query": query})
        assert r.status_code == 200, r.text
        e = r.json()["errors"][0]
        assert e["extensions"]["code"] == "QUERY_TOO_COMPLEX" and e["extensions"]["cost"] > e["extensions"]["limit"]
    # Variables by GET too.
    q = "query($n: Int) { nodes(first: $n) { nodes { relations(first: $n) { nodes { target { relations(first: $n) { nodes { type } } } } } } } }"
    r = api.client.get("/graphql", params={"query": q, "variables": '{"n": 100}'})
    assert r.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_a_query_at_the_limit_runs_and_one_above_is_refused(
    corpus_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "{ nodes(first: 50) { totalCount nodes { id relations(first: 5) { nodes { type target { id } } } } } }"

    def ask(limit: int) -> dict[str, Any]:
        monkeypatch.setenv("POLICYGRAPH_GRAPHQL_MAX_COST", str(limit))
        body: dict[str, Any] = client_for(corpus_store).post("/graphql", json={"query": query}).json()
        return body

    cost = ask(100)["errors"][0]["extensions"]["cost"]
    assert cost > 100
    assert len(ask(cost)["data"]["nodes"]["nodes"]) == 50
    e = ask(cost - 1)["errors"][0]
    assert e["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": cost, "limit": cost - 1}


# --- every query the explorer sends passes the default limit -------------------------------------
def explorer_queries() -> dict[str, str]:
    """The page's queries from app/static/api.js, with its string constants substituted."""
    js = (ROOT / "app" / "static" / "api.js").read_text()
    consts = dict(re.findall(r'const (REF|EVIDENCE|FINDING) = "([^"]*)"', js))
    items = re.search(r"const ITEMS = `([^`]*)`", js)
    assert items is not None
    consts["ITEMS"] = items.group(1)

    def fill(text: str) -> str:
        for _ in range(3):
            for k, v in consts.items():
                text = text.replace("${" + k + "}", v)
        return text

    found = {re.match(r"query (\w+)", q).group(1): fill(q) for q in re.findall(r"`(query \w+[^`]*)`", js)}  # type: ignore[union-attr]
    assert "${" not in "".join(found.values())
    return found


EXPLORER_VARIABLES: dict[str, dict[str, Any]] = {
    "Search": {"text": "數發部", "first": 60},
    "Node": {"id": "st-plan-114:g1.sg1.s4"},
    "IntegrityFlags": {"after": None},
    "Lines": {"document": "st-plan-114", "from": 1, "to": 400},
    "Neighbours": {"id": "agency/moda", "first": 100, "after": None},
    "Lineage": {"id": "st-plan-114:g1.sg1.s4.m1"},
    "AgencyItems": {"agency": "數發部", "plan": "st-plan-114:plan", "after": None},
    "Agency": {"agency": "數發部"},
    "Path": {"from": "st-plan-114:g1.sg1.s4.m1", "to": "agency/moi"},
    "Overview": {},
}


def test_every_explorer_query_passes_the_default_limit(api: Api) -> None:
    queries = explorer_queries()
    assert set(queries) == set(EXPLORER_VARIABLES), "a new explorer query: add its variables here"
    for name, query in queries.items():
        body = api.post(query, **EXPLORER_VARIABLES[name])
        codes = [e["extensions"]["code"] for e in body.get("errors") or []]
        assert "QUERY_TOO_COMPLEX" not in codes, (name, body["errors"])
        assert body.get("data") is not None, (name, body)


# --- the reload's budget goes with the operation executed ----------------------------------------
@pytest.mark.timeout(60)
def test_an_unused_mutation_does_not_lend_its_budget(
    corpus_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_GRAPHQL_TIMEOUT_SECONDS", "0.5")
    client = client_for(SlowStore(corpus_store, delay=8.0), Settings(admin_token="s3cret-token"))
    doc = 'query Look { node(id: "st-plan-114:g1") { id } } mutation Reload { reload { ok } }'
    t0 = time.monotonic()
    r = client.post("/graphql", json={"query": doc, "operationName": "Look"}).json()
    elapsed = time.monotonic() - t0
    e = r["errors"][0]
    assert e["extensions"]["code"] == "TIMEOUT" and "0.5 s" in e["message"]
    assert elapsed < 8.0  # answered at the query's deadline, not when the slow read finished


@pytest.mark.timeout(60)
def test_the_mutation_executed_gets_the_reload_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGRAPH_GRAPHQL_TIMEOUT_SECONDS", "0.01")
    monkeypatch.setenv("POLICYGRAPH_GRAPHQL_RELOAD_TIMEOUT_SECONDS", "120")
    client = client_for(EmbeddedStore(), Settings(admin_token="s3cret-token"))  # a store of its own: reloaded
    doc = "query Look { stats { nodeCount } } mutation Reload { reload { ok nodeCount } }"
    r = client.post(
        "/graphql",
        json={"query": doc, "operationName": "Reload"},
        headers={"Authorization": "Bearer s3cret-token"},
    ).json()
    assert "errors" not in r, r  # a reload takes far longer than the query budget of 0.01 s
    assert r["data"]["reload"]["ok"] and r["data"]["reload"]["nodeCount"] > 0


# --- a heavy query in a real server process ------------------------------------------------------
TIMEOUT_SECONDS = 1.0
# Thousands of relations per level on the bundled corpus (the busiest agencies, then their
# neighbours'): far more than a second of work, admitted only because the limit is raised here.
HEAVY = (
    "{ "
    + " ".join(
        f'h{i}: node(id: "agency/{a}") {{ relations(first: 100) {{ nodes {{ target {{ id title '
        f"relations(first: 100) {{ nodes {{ type source {{ id title }} target {{ id title }} }} }} }} }} }} }}"
        for i, a in enumerate(["moda", "moea", "nstc", "moe", "mohw", "motc", "ndc", "moi"] * 3)
    )
    + " }"
)


def cpu_seconds(server: ServeProcess) -> float:
    fields = Path(f"/proc/{server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def threads(server: ServeProcess) -> int:
    status = Path(f"/proc/{server.proc.pid}/status").read_text()
    return int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    tmp = tmp_path_factory.mktemp("cost-server")
    env = {"POLICYGRAPH_GRAPHQL_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS), "POLICYGRAPH_GRAPHQL_MAX_COST": str(10**15)}
    with serving(tmp, 120, **env) as server:
        yield server


def heavy(server: ServeProcess, out: list[tuple[float, dict[str, Any]]]) -> None:
    t0 = time.monotonic()
    r = httpx.post(f"{server.base}/graphql", json={"query": HEAVY}, timeout=120)
    out.append((time.monotonic() - t0, r.json()))


@pytest.mark.timeout(180)
def test_health_answers_and_the_timeout_fires_while_a_heavy_query_runs(server: ServeProcess) -> None:
    out: list[tuple[float, dict[str, Any]]] = []
    t = threading.Thread(target=heavy, args=(server, out))
    t.start()
    waits = []
    while t.is_alive():
        t0 = time.monotonic()
        assert httpx.get(f"{server.base}/health", timeout=30).status_code == 200
        waits.append(time.monotonic() - t0)
        time.sleep(0.05)
    t.join()
    elapsed, body = out[0]
    assert body["errors"][0]["extensions"]["code"] == "TIMEOUT", str(body)[:300]
    # Near the configured timeout: a generous bound on a shared machine, far below the heavy
    # query's own duration.
    assert TIMEOUT_SECONDS * 0.9 <= elapsed <= TIMEOUT_SECONDS + 2.5, elapsed
    assert waits and max(waits) < 1.0, waits


@pytest.mark.timeout(180)
def test_timed_out_work_stops(server: ServeProcess) -> None:
    before = threads(server)
    out: list[tuple[float, dict[str, Any]]] = []
    clients = [threading.Thread(target=heavy, args=(server, out)) for _ in range(6)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    assert [b["errors"][0]["extensions"]["code"] for _, b in out] == ["TIMEOUT"] * 6
    # Nothing keeps computing the answers no one waits for: the server is idle again within a few
    # seconds (freeing the cancelled executions' objects takes a moment on a busy machine), while the
    # six answers themselves would keep a core busy for far longer than that.
    idle = []
    for _ in range(10):
        cpu0 = cpu_seconds(server)
        time.sleep(1.0)
        idle.append(cpu_seconds(server) - cpu0)
        if idle[-1] < 0.25:
            break
    assert idle[-1] < 0.25, idle
    assert threads(server) <= before + Limits().workers + Limits().heavy_workers
    # And it answers ordinary queries.
    r = httpx.post(f"{server.base}/graphql", json={"query": "{ stats { nodeCount } }"}, timeout=30).json()
    assert r["data"]["stats"]["nodeCount"] > 0
