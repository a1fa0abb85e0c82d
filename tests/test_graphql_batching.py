"""One request costs a bounded number of store calls, whatever the page size (DataLoaders).

The store is wrapped in a proxy that counts every call made on it; the same nested query with
first: 5 and first: 50 must cost the same."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from graph.store import GraphStore


class CountingStore:
    """Delegates to a real store and counts the calls made on it, by method."""

    def __init__(self, inner: GraphStore) -> None:
        self._inner = inner
        self.calls: Counter[str] = Counter()

    def pinned(self) -> CountingStore:
        """The view a request reads through counts into the same counter."""
        self.calls["pinned"] += 1
        view = CountingStore(self._inner.pinned())
        view.calls = self.calls
        return view

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr) or name.startswith("_"):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attr(*args, **kwargs)

        return counted


@pytest.fixture()
def counted(any_store: GraphStore) -> tuple[CountingStore, Callable[..., dict[str, Any]]]:
    proxy = CountingStore(any_store)
    svc = GraphService(Settings(), store=cast(GraphStore, proxy))
    client = TestClient(create_app(svc.settings, svc))

    def post(query: str, **variables: Any) -> dict[str, Any]:
        body: dict[str, Any] = client.post("/graphql", json={"query": query, "variables": variables}).json()
        assert not body.get("errors"), body.get("errors")
        return body

    return proxy, post


NESTED = """query($n: Int!) { nodes(kinds: [MEASURE], document: "st-plan-114", first: $n) { nodes {
  id title plan { id }
  ... on HierarchyNode {
    parent { id title ... on HierarchyNode { responsibleAgencies { nodes { role explicit agency { name } } } } }
    responsibleAgencies { nodes { role agency { id } via { id } } }
  } } } }"""


def cost(proxy: CountingStore, post: Callable[..., dict[str, Any]], n: int) -> tuple[int, dict[str, Any]]:
    proxy.calls.clear()
    body = post(NESTED, n=n)
    assert proxy.calls.pop("pinned") == 1  # one view per request, whatever it asks
    return sum(proxy.calls.values()), body


def test_nested_query_costs_the_same_for_5_and_50_items(
    counted: tuple[CountingStore, Callable[..., dict[str, Any]]],
) -> None:
    proxy, post = counted
    cost(proxy, post, 5)  # builds the per-generation caches once
    c5, b5 = cost(proxy, post, 5)
    calls5 = dict(proxy.calls)
    c50, b50 = cost(proxy, post, 50)
    # Again, in the other order: the cost must not depend on which batch happens to finish first.
    again = [cost(proxy, post, n)[0] for n in (50, 5, 50)]
    assert again == [c50, c5, c50]
    assert len(b5["data"]["nodes"]["nodes"]) == 5
    assert len(b50["data"]["nodes"]["nodes"]) == 50
    # The 50 measures sit under several strategies, each with its own agencies: real work was done.
    parents = {n["parent"]["id"] for n in b50["data"]["nodes"]["nodes"]}
    assert len(parents) > 5
    assert all(n["parent"]["responsibleAgencies"]["nodes"] for n in b50["data"]["nodes"]["nodes"])
    print("store calls per request:", c50, dict(proxy.calls))
    assert c5 == c50, f"{calls5} != {dict(proxy.calls)}"
    # generation, parents_many, responsible_for_many (one per level), get_nodes for plans and for
    # `via`: a handful.
    assert c50 <= 8, dict(proxy.calls)
    assert proxy.calls["parents_many"] == 1
    assert "parent" not in proxy.calls and "responsible_for" not in proxy.calls
    # The DESCRIBES edges (node -> plan) are a whole-graph list kept per generation, not re-read.
    assert "edges" not in proxy.calls, dict(proxy.calls)


REPORT = """query($a: String!) { responsibilities(agency: $a) { totalCount leadCount coCount
  byPlan(first: 3) { nodes { plan { id } leadCount items(first: 5) { nodes { role node { id title } } } } } } }"""


def test_a_repeated_agency_report_reads_no_whole_graph_list(
    counted: tuple[CountingStore, Callable[..., dict[str, Any]]],
) -> None:
    """An agency's report and the edge lists it needs are built once per generation: asking again
    costs a few point reads, not a scan that grows with the corpus (on Neo4j at 1,000 plans the
    DESCRIBES scan alone took over a second per request)."""
    proxy, post = counted
    first = post(REPORT, a="數發部")
    proxy.calls.clear()
    again = post(REPORT, a="數位發展部")
    assert again == first
    assert first["data"]["responsibilities"]["totalCount"] > 10  # real work: 數位發展部 leads across plans
    proxy.calls.pop("pinned")
    assert not {"edges", "responsibilities", "nodes"} & set(proxy.calls), dict(proxy.calls)


WALKS = """query($n: Int!) { nodes(kinds: [STRATEGY], first: $n) { nodes {
  id
  relations(first: 3) { totalCount nodes { type } }
  ... on HierarchyNode {
    children(first: 2) { totalCount nodes { id } }
    ancestors { totalCount nodes { hops node { id } } }
    descendants(maxDepth: 2, first: 1) { totalCount }
    deep: descendants(maxDepth: 3, first: 1) { totalCount }
    crossPlanLinks { totalCount nodes { type } }
    outgoing: relations(direction: OUTGOING, types: [CONTAINS]) { totalCount }
  } } } }"""


def test_walks_from_every_node_of_a_page_are_batched(
    counted: tuple[CountingStore, Callable[..., dict[str, Any]]],
) -> None:
    """children, ancestors, descendants (two depths), relations and cross-plan links of every node of
    a page: one store call per field and argument, for 5 nodes as for 50."""
    proxy, post = counted

    def walk(n: int) -> tuple[Counter[str], dict[str, Any]]:
        proxy.calls.clear()
        body = post(WALKS, n=n)
        proxy.calls.pop("pinned")
        return Counter(proxy.calls), body

    walk(5)  # per-generation caches
    c5, _ = walk(5)
    c50, b50 = walk(50)
    assert c5 == c50, (c5, c50)
    assert c50["children_many"] == 1 and c50["ancestors_many"] == 1
    assert c50["descendants_many"] == 2  # one per distinct maxDepth
    assert c50["edges_at"] == 3  # all types; cross-plan types; CONTAINS
    assert not {"children", "ancestors", "descendants", "edges"} & set(c50)
    nodes = b50["data"]["nodes"]["nodes"]
    assert len(nodes) == 50
    # Real answers: every strategy has a parent chain and measures under it; some have cross-plan links.
    assert all(n["ancestors"]["totalCount"] >= 1 for n in nodes)
    assert sum(n["children"]["totalCount"] for n in nodes) > len(nodes)
    assert all(n["deep"]["totalCount"] >= n["descendants"]["totalCount"] for n in nodes)
    assert all(n["outgoing"]["totalCount"] == n["children"]["totalCount"] for n in nodes)
    assert any(n["crossPlanLinks"]["totalCount"] for n in nodes)


def test_repeated_stats_read_no_whole_graph_counts(
    counted: tuple[CountingStore, Callable[..., dict[str, Any]]],
) -> None:
    """Counts over the whole graph are kept per generation: a client that asks for them with every
    request (as the load test's consistency fields do) does not make the database count again."""
    proxy, post = counted
    q = "{ stats { generation nodeCount edgeCount byKind { key count } } }"
    first = post(q)
    proxy.calls.clear()
    assert post(q) == first
    assert first["data"]["stats"]["nodeCount"] == 2044  # the bundled corpus (README counts table)
    assert "stats" not in proxy.calls, dict(proxy.calls)
