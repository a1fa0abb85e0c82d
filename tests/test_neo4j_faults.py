"""Faults on a real Bolt server: the server killed during a load, readers during a reload.

The served graph must stay whole: after the server is killed half-way through a load and restarted,
the previous graph is still served (by the same store object, which reconnects by itself); a reader
polling while a reload is written sees the old totals or the new ones, nothing in between.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from neo4j import GraphDatabase

from app.main import health_payload
from app.service import GraphService
from app.settings import Settings
from graph.model import Edge, EdgeType, GraphBatch, Node, NodeKind, Provenance
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore, StoreUnavailable
from tests.bolt_server import BoltServer
from tests.conftest_bolt import TEST_DATABASE, BoltTarget

pytestmark = pytest.mark.bolt


def synthetic(n: int, doc: str) -> GraphBatch:
    """A plan tree of about n nodes (plan -> 10 goals -> measures -> actions) with lead agencies."""
    prov = Provenance(document=doc, line_start=1, line_end=1, quote="…")
    nodes = [Node(id=f"{doc}:plan", kind=NodeKind.PLAN, title="計畫", provenance=prov)]
    edges: list[Edge] = []
    agencies = [Node(id=f"{doc}:ag{i}", kind=NodeKind.AGENCY, title=f"機關{i}", provenance=prov) for i in range(5)]
    nodes += agencies
    i = 0
    while len(nodes) < n:
        goal = Node(id=f"{doc}:g{i}", kind=NodeKind.GOAL, title=f"目標{i}", order=len(nodes), provenance=prov)
        nodes.append(goal)
        edges.append(Edge(source=f"{doc}:plan", target=goal.id, type=EdgeType.CONTAINS, provenance=prov))
        edges.append(Edge(source=agencies[i % 5].id, target=goal.id, type=EdgeType.LEADS, provenance=prov))
        for j in range(20):
            m = Node(id=f"{goal.id}/m{j}", kind=NodeKind.MEASURE, title=f"措施{j}", order=len(nodes), provenance=prov)
            nodes.append(m)
            edges.append(Edge(source=goal.id, target=m.id, type=EdgeType.CONTAINS, provenance=prov))
        i += 1
    return GraphBatch(nodes=nodes, edges=edges)


def totals(store: GraphStore) -> tuple[int, int]:
    s = store.stats()
    return sum(s["by_kind"].values()), sum(s["by_edge_type"].values())


@pytest.fixture()
def own_server_store(bolt_server: BoltServer) -> Iterator[Neo4jStore]:
    """A store on the ArcadeDB server this session controls (even when NEO4J_URI is set)."""
    store = Neo4jStore(
        bolt_server.uri,
        bolt_server.user,
        bolt_server.password,
        TEST_DATABASE,
        graph="fault-test",
        batch_size=250,  # many small transactions: a kill lands between two of them
        retry_seconds=3.0,
        grace_seconds=0.2,
    )
    yield store
    if bolt_server.proc is None:  # a failed test left the server down
        bolt_server.start()
    store.drop()
    store.close()


def _slots_in_database(server: BoltServer, prefix: str) -> dict[str, int]:
    """Slot -> number of GNodes whose id starts with `prefix`, read directly from the database."""
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:GNode) WHERE n.id STARTS WITH $prefix RETURN n.g AS g, count(n) AS c",
            {"prefix": prefix},
            database_=TEST_DATABASE,
        )
    return {r["g"]: r["c"] for r in records}


def test_server_killed_during_a_load_keeps_the_previous_graph(
    bolt_server: BoltServer, own_server_store: Neo4jStore
) -> None:
    store = own_server_store
    small, big = synthetic(300, "small"), synthetic(8000, "big")
    before = store.replace(small)
    svc = GraphService(Settings(), store=store)

    failure: list[BaseException] = []

    def load() -> None:
        try:
            store.replace(big)
        except BaseException as exc:
            failure.append(exc)

    writer = threading.Thread(target=load)
    writer.start()
    # Kill once part of the new graph is written (and long before all of it is).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        written = sum(_slots_in_database(bolt_server, "big:").values())
        if written >= 1000:
            break
        time.sleep(0.05)
    assert written < len(big.nodes), "the load finished before the server could be killed"
    bolt_server.kill()
    writer.join(60)
    assert not writer.is_alive()
    assert len(failure) == 1 and isinstance(failure[0], StoreUnavailable), failure
    assert "\n" not in str(failure[0])

    # While the server is down the service is degraded, with a one-line reason.
    down = health_payload(svc)
    assert down["status"] == "degraded" and "unreachable" in down["reason"]

    bolt_server.start()  # same data directory and ports
    # The same store object recovers by itself and still serves the previous graph, whole.
    assert store.generation() == before
    assert totals(store) == (len(small.nodes), len(small.edges))
    assert store.get_nodes([n.id for n in small.nodes]) == small.nodes
    assert store.node("big:plan") is None
    assert health_payload(svc)["status"] == "ok"
    # The killed load left a partial slot behind; the next load removes it.
    partial = _slots_in_database(bolt_server, "big:")
    assert len(partial) == 1 and 0 < next(iter(partial.values())) < len(big.nodes), partial
    store.batch_size = 2000  # no need for small transactions any more
    after = store.replace(big)
    assert store.generation() == after
    assert totals(store) == (len(big.nodes), len(big.edges))
    store.wait_retired(30)  # the small graph is retired, then deleted after its grace period
    assert list(_slots_in_database(bolt_server, "big:").values()) == [len(big.nodes)]
    assert _slots_in_database(bolt_server, "small:") == {}


def test_readers_never_see_a_half_loaded_graph(bolt_target: BoltTarget) -> None:
    store = bolt_target.store(graph="reader-test", batch_size=200, grace_seconds=0.5)
    try:
        old, new = synthetic(500, "small"), synthetic(4000, "big")
        store.replace(old)
        allowed = {(len(old.nodes), len(old.edges)), (len(new.nodes), len(new.edges))}
        seen: list[tuple[int, int]] = []  # (nodes, edges) from one stats() call
        node_counts: set[int] = set()  # nodes() and edges() are separate reads: checked one by one
        edge_counts: set[int] = set()
        stop = threading.Event()
        errors: list[BaseException] = []

        def reader() -> None:
            try:
                while not stop.is_set():
                    seen.append(totals(store))
                    node_counts.add(len(store.nodes()))
                    edge_counts.add(len(store.edges()))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        started = len(seen)
        store.replace(new)
        during = len(seen) - started
        time.sleep(0.3)  # and a little after the swap, while the old generation is deleted
        stop.set()
        for t in threads:
            t.join(30)
        assert not errors, errors
        assert during >= 10, f"the readers barely ran during the reload ({during} reads)"
        assert set(seen) <= allowed, sorted(set(seen) - allowed)[:5]
        assert node_counts <= {len(old.nodes), len(new.nodes)}, node_counts
        assert edge_counts <= {len(old.edges), len(new.edges)}, edge_counts
        assert seen[0] == (len(old.nodes), len(old.edges))
        assert totals(store) == (len(new.nodes), len(new.edges))
    finally:
        store.drop()
        store.close()


def test_another_loader_does_not_take_a_load_in_progress_for_a_dead_one(bolt_target: BoltTarget) -> None:
    """Two processes loading graphs into one database (e.g. parallel CI jobs): each load begins by
    deleting what dead loads left behind, and must not delete the other's slot while it is written."""
    slow = bolt_target.store(graph="lease-slow", batch_size=100)
    other = bolt_target.store(graph="lease-other")
    big = synthetic(3000, "lease")
    try:
        done: list[object] = []
        writer = threading.Thread(target=lambda: done.append(_outcome(slow.replace, big)))
        writer.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _written(bolt_target, "lease:"):
            time.sleep(0.05)
        assert writer.is_alive(), "the slow load finished before the other could start"
        other.replace(synthetic(50, "other"))  # cleans up dead loads: must leave the live one alone
        writer.join(300)
        assert not writer.is_alive()
        assert len(done) == 1 and not isinstance(done[0], BaseException), done
        assert totals(slow) == (len(big.nodes), len(big.edges))
    finally:
        for s in (slow, other):
            s.drop()
            s.close()


def _outcome(fn: object, *args: object) -> object:
    try:
        return fn(*args)  # type: ignore[operator]
    except BaseException as exc:
        return exc


def _written(target: BoltTarget, prefix: str) -> int:
    with GraphDatabase.driver(target.uri, auth=(target.user or "", target.password or "")) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:GNode) WHERE n.id STARTS WITH $prefix RETURN count(n) AS c",
            {"prefix": prefix},
            database_=target.database,
        )
    return int(records[0]["c"])
