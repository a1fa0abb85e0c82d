"""Bad requests get a clear one-line error with a code, never a stack trace; limits hold; the API
is read-only unless an admin token is configured; CORS is off unless configured.

Store-independent cases (limits, parsing) run on both stores through the same `api` fixture as the
query tests; cases that need a special store or settings (slow, failing, admin token, CORS) build
their own app on the embedded store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from graphql import get_introspection_query

from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from core.agencies import agency_node_id, load_agency_book
from graph.embedded_store import EmbeddedStore
from graph.store import GraphStore, StoreUnavailable
from tests.test_graphql_api import Api, api_for


@pytest.fixture()
def api(any_store: GraphStore) -> Api:
    return api_for(any_store)


# --- unknown things ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        '{ node(id: "st-plan-114:g99") { id } }',
        '{ lineage(id: "no-such-node") { truncated } }',
        '{ paths(from: "st-plan-114:g1", to: "no-such-node") { length } }',
        '{ responsibleFor(id: "no-such-node") { totalCount } }',
        '{ targets(node: "no-such-node") { totalCount } }',
        '{ nodes(plan: "no-such-plan") { totalCount } }',
        '{ document(id: "999") { title } }',
    ],
)
def test_unknown_ids_are_not_found(api: Api, query: str) -> None:
    e = api.error(query)
    assert e["extensions"]["code"] == "NOT_FOUND"
    assert "no " in e["message"]


def test_unknown_agency_suggests_close_names(api: Api) -> None:
    e = api.error('{ responsibilities(agency: "數位發展") { totalCount } }')
    assert e["extensions"]["code"] == "NOT_FOUND"
    assert "數位發展部" in e["extensions"]["suggestions"]
    assert "did you mean" in e["message"]
    e = api.error('{ agency(name: "Ministry of Magic") { id } }')
    assert e["extensions"]["code"] == "NOT_FOUND"
    assert "Ministry of Magic" in e["message"]


def test_known_agency_that_no_document_mentions(api: Api) -> None:
    # In the reference list (data/agencies.yaml) but not in the graph: the error says it is known.
    in_graph: set[str] = set()
    after = None
    while True:
        conn = api.data(
            "query($a: String) { agencies(first: 100, after: $a) { nodes { id } pageInfo { hasNextPage endCursor } } }",
            a=after,
        )["agencies"]
        in_graph |= {n["id"] for n in conn["nodes"]}
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    book = load_agency_book()
    absent = [r for r in sorted(book.records.values(), key=lambda r: r.id) if agency_node_id(r.id) not in in_graph]
    assert absent, "every agency of the reference list is in the graph; pick another case"
    e = api.error("query($n: String!) { agency(name: $n) { id } }", n=absent[0].name)
    assert e["extensions"]["code"] == "NOT_FOUND"
    assert e["message"] == f"{absent[0].name} is a known agency, but no loaded document mentions it"


# --- malformed -------------------------------------------------------------------------------
def test_syntax_error(api: Api) -> None:
    e = api.error("{ nodes { totalCount ")
    assert e["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert e["message"].startswith("Syntax Error")


def test_unknown_field(api: Api) -> None:
    e = api.error("{ nodes { totalCount salary } }")
    assert e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "salary" in e["message"]


def test_wrong_variable_type(api: Api) -> None:
    e = api.error("query($n: Int) { nodes(first: $n) { totalCount } }", n="many")
    assert e["extensions"]["code"] == "BAD_USER_INPUT"


def test_body_that_is_not_json(api: Api) -> None:
    r = api.client.post("/graphql", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert "JSON" in r.text and "Traceback" not in r.text


def test_bad_cursor(api: Api) -> None:
    e = api.error('{ nodes(after: "not-a-cursor") { totalCount } }')
    assert e["extensions"]["code"] == "BAD_USER_INPUT"
    assert "cursor" in e["message"]


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ('{ search(text: "   ") { totalCount } }', "text"),
        ('{ search(text: "' + "資" * 300 + '") { totalCount } }', "longer"),
        ('{ document(id: "st-plan-114") { lines(from: 1, to: 5000) { number } } }', "lines"),
        ("{ nodes(year: 99999) { totalCount } }", "year"),
        ('{ paths(from: "st-plan-114:g1", to: "st-plan-114:g2", via: []) { length } }', "via"),
    ],
)
def test_bad_arguments(api: Api, query: str, needle: str) -> None:
    e = api.error(query)
    assert e["extensions"]["code"] == "BAD_USER_INPUT"
    assert needle in e["message"]


# --- limits ----------------------------------------------------------------------------------
@pytest.mark.parametrize("first", [101, 100000, -1])
def test_page_size_is_capped(api: Api, first: int) -> None:
    e = api.error("query($n: Int) { nodes(first: $n) { totalCount } }", n=first)
    assert e["extensions"]["code"] == "BAD_USER_INPUT"
    assert "between 0 and 100" in e["message"]
    e = api.error('query($n: Int) { search(text: "AI", first: $n) { totalCount } }', n=first)
    assert e["extensions"]["code"] == "BAD_USER_INPUT"


def test_huge_first_beyond_graphql_int(api: Api) -> None:
    e = api.error("{ nodes(first: 99999999999) { totalCount } }")
    assert e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "32-bit" in e["message"]


@pytest.mark.parametrize(
    "query",
    [
        '{ lineage(id: "st-plan-114:plan", down: 11) { truncated } }',
        '{ lineage(id: "st-plan-114:plan", crossPlanLevels: 4) { truncated } }',
        '{ paths(from: "st-plan-114:g1", to: "st-plan-114:g2", maxHops: 9) { length } }',
        '{ paths(from: "st-plan-114:g1", to: "st-plan-114:g2", limit: 11) { length } }',
        '{ node(id: "st-plan-114:g1") { ... on HierarchyNode { descendants(maxDepth: 50) { totalCount } } } }',
    ],
)
def test_depth_caps(api: Api, query: str) -> None:
    e = api.error(query)
    assert e["extensions"]["code"] == "BAD_USER_INPUT"
    assert "must be between" in e["message"]


def test_lineage_within_the_cap_reports_truncation(api: Api) -> None:
    lin = api.data('{ lineage(id: "st-plan-114:plan", down: 2) { truncated descendants { totalCount } } }')
    assert lin["lineage"]["truncated"] is True  # measures sit deeper than 2 levels
    lin = api.data('{ lineage(id: "st-plan-114:g1.sg1.s1.m1", down: 10) { truncated } }')
    assert lin["lineage"]["truncated"] is False


def nested_parents(depth: int) -> str:
    q = "id"
    for _ in range(depth):
        q = f"... on HierarchyNode {{ parent {{ id {q} }} }}"
    return '{ node(id: "st-plan-114:g1.sg1.s1.m1.a1") { ' + q + " } }"


def test_query_depth_limit(api: Api) -> None:
    ok = api.data(nested_parents(5))
    assert ok["node"]["parent"]["parent"]["id"]
    e = api.error(nested_parents(20))
    assert e["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "depth" in e["message"]


def test_alias_bomb(api: Api) -> None:
    aliases = " ".join(f'a{i}: search(text: "AI", first: 100) {{ totalCount }}' for i in range(40))
    e = api.error("{ " + aliases + " }")
    assert e["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "aliases" in e["message"]


def test_token_bomb(api: Api) -> None:
    e = api.error("{ " + "__typename " * 5000 + "}")
    assert e["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "tokens" in e["message"]


def test_introspection_for_graphiql_passes_the_limits(api: Api) -> None:
    data = api.data(get_introspection_query())
    assert any(t["name"] == "Node" for t in data["__schema"]["types"])


def test_graphiql_is_served(api: Api) -> None:
    r = api.client.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert "graphiql" in r.text.lower()


def test_read_only_without_admin_token(api: Api) -> None:
    e = api.error("mutation { reload { ok } }")
    assert e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "mutation" in e["message"].lower()


# --- apps with special stores or settings (embedded) ----------------------------------------
class SlowStore:
    """A store whose reads take `delay` seconds (a slow database)."""

    def __init__(self, inner: GraphStore, delay: float) -> None:
        self._inner = inner
        self.delay = delay

    def pinned(self) -> SlowStore:  # the view a request reads through is just as slow
        return SlowStore(self._inner.pinned(), self.delay)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name in ("get_nodes", "nodes", "responsible_for_many"):

            def slow(*args: Any, **kwargs: Any) -> Any:
                time.sleep(self.delay)
                return attr(*args, **kwargs)

            return slow
        return attr


class FailingStore:
    def __init__(self, inner: GraphStore, exc: Exception) -> None:
        self._inner = inner
        self.exc = exc

    def pinned(self) -> FailingStore:
        return FailingStore(self._inner.pinned(), self.exc)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name == "get_nodes":

            def fail(*args: Any, **kwargs: Any) -> Any:
                raise self.exc

            return fail
        return attr


def client_for(store: Any, settings: Settings | None = None) -> TestClient:
    settings = settings or Settings()
    svc = GraphService(settings, store=cast(GraphStore, store))
    return TestClient(create_app(settings, svc))


def post(client: TestClient, query: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = client.post("/graphql", json={"query": query}, headers=headers or {})
    assert r.status_code == 200, r.text
    assert "Traceback" not in r.text
    body: dict[str, Any] = r.json()
    return body


def test_request_timeout(corpus_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGRAPH_GRAPHQL_TIMEOUT_SECONDS", "0.3")
    client = client_for(SlowStore(corpus_store, delay=10.0))
    t0 = time.monotonic()
    body = post(client, '{ node(id: "st-plan-114:g1") { id } }')
    elapsed = time.monotonic() - t0
    assert body["errors"][0]["extensions"]["code"] == "TIMEOUT"
    assert "0.3 s" in body["errors"][0]["message"]
    assert elapsed < 5.0  # answered at the deadline (0.3 s), not when the slow call finished (10 s)


def test_store_call_budget(corpus_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGRAPH_GRAPHQL_MAX_STORE_CALLS", "10")
    client = client_for(corpus_store)
    # Per-node fields are batched (one call per field), so ask for 11 separate lineages instead.
    lineages = " ".join(f'l{i}: lineage(id: "st-plan-114:g1", down: 1) {{ node {{ id }} }}' for i in range(11))
    body = post(client, "{ " + lineages + " }")
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"QUERY_TOO_COMPLEX"}
    assert "store operations" in body["errors"][0]["message"]


def test_unexpected_errors_are_masked(corpus_store: EmbeddedStore) -> None:
    client = client_for(FailingStore(corpus_store, RuntimeError("password=hunter2 at db.internal:7687")))
    r = client.post("/graphql", json={"query": '{ node(id: "st-plan-114:g1") { id } }'})
    assert "hunter2" not in r.text and "Traceback" not in r.text
    e = r.json()["errors"][0]
    assert e["message"] == "internal error"
    assert e["extensions"]["code"] == "INTERNAL_SERVER_ERROR"


def test_store_unavailable_is_reported_in_one_line(corpus_store: EmbeddedStore) -> None:
    client = client_for(FailingStore(corpus_store, StoreUnavailable("cannot reach Neo4j at bolt://db:7687\nretrying")))
    e = post(client, '{ node(id: "st-plan-114:g1") { id } }')["errors"][0]
    assert e["extensions"]["code"] == "STORE_UNAVAILABLE"
    assert e["message"] == "cannot reach Neo4j at bolt://db:7687"


@pytest.fixture(scope="module")
def admin_client() -> Iterator[TestClient]:
    # A store of its own: the reload replaces its graph.
    settings = Settings(admin_token="s3cret-token")
    yield client_for(EmbeddedStore(), settings)


def test_reload_needs_the_admin_token(admin_client: TestClient) -> None:
    e = post(admin_client, "mutation { reload { ok } }")["errors"][0]
    assert e["extensions"]["code"] == "UNAUTHENTICATED"
    e = post(admin_client, "mutation { reload { ok } }", {"Authorization": "Bearer wrong"})["errors"][0]
    assert e["extensions"]["code"] == "FORBIDDEN"
    e = post(admin_client, "mutation { reload { ok } }", {"Authorization": "Basic s3cret-token"})["errors"][0]
    assert e["extensions"]["code"] == "UNAUTHENTICATED"


def test_reload_with_the_admin_token(admin_client: TestClient) -> None:
    body = post(admin_client, "{ stats { nodeCount } }")
    # Nothing loaded yet: no graph (NO_GRAPH), not an empty one; the reload mutation still runs.
    assert [e["extensions"]["code"] for e in body["errors"]] == ["NO_GRAPH"], body
    body = post(
        admin_client,
        "mutation { reload { ok generation nodeCount edgeCount error } }",
        {"Authorization": "Bearer s3cret-token"},
    )
    assert not body.get("errors"), body
    rel = body["data"]["reload"]
    assert rel["ok"] is True and rel["error"] is None and rel["generation"]
    # The API serves the new graph at once (per-generation caches follow the generation).
    after = post(
        admin_client, '{ stats { nodeCount generation } nodes(kinds: [GOAL], document: "st-plan-114") { totalCount } }'
    )
    assert after["data"]["stats"]["nodeCount"] == rel["nodeCount"]
    assert after["data"]["stats"]["generation"] == rel["generation"]
    assert after["data"]["nodes"]["totalCount"] == 4  # 000:2643 「4 項目標」


def test_cors_off_by_default(corpus_store: EmbeddedStore) -> None:
    client = client_for(corpus_store)
    r = client.options(
        "/graphql", headers={"Origin": "http://analyst.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in r.headers


def test_cors_when_configured(corpus_store: EmbeddedStore) -> None:
    client = client_for(corpus_store, Settings(cors_origins=["http://analyst.example"]))
    r = client.options(
        "/graphql", headers={"Origin": "http://analyst.example", "Access-Control-Request-Method": "POST"}
    )
    assert r.headers["access-control-allow-origin"] == "http://analyst.example"
    r = client.options("/graphql", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert r.headers.get("access-control-allow-origin") != "http://evil.example"
