"""Neo4j-store behaviour beyond the shared conformance suite: schema, dialect, parameterised reads,
generation slots, unreachable databases, and selection by configuration (CLI)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

import graph.neo4j_store.lifecycle as neo4j_store_module
from app.cli import cli
from app.main import health_payload
from app.service import GraphService
from app.settings import Settings
from app.stores import make_store
from graph.embedded_store import EmbeddedStore
from graph.export import export_json
from graph.model import Edge, EdgeType, GraphBatch, Node, NodeKind, Provenance
from graph.neo4j_store import Neo4jStore
from graph.store import StoreUnavailable
from tests.bolt_server import free_port
from tests.conftest_bolt import BoltTarget

pytestmark = pytest.mark.bolt

Factory = Callable[..., Neo4jStore]


def _node(id: str, kind: NodeKind = NodeKind.MEASURE, order: int = 0) -> Node:
    return Node(
        id=id,
        kind=kind,
        title=f"t {id}",
        order=order,
        provenance=Provenance(document="d", line_start=1, line_end=1, quote=id),
    )


def _edge(s: str, t: str, type: EdgeType = EdgeType.CONTAINS) -> Edge:
    return Edge(
        source=s, target=t, type=type, provenance=Provenance(document="d", line_start=1, line_end=1, quote=f"{s}>{t}")
    )


def _raw(target: BoltTarget, query: str, **params: object) -> list[dict[str, Any]]:
    with GraphDatabase.driver(target.uri, auth=(target.user or "", target.password or "")) as driver:
        records, _, _ = driver.execute_query(query, params, database_=target.database)
        return [r.data() for r in records]


def _orphans(target: BoltTarget) -> int:
    """GNodes no graph pointer or retired slot refers to (the remains of failed loads)."""
    rows = _raw(
        target,
        "OPTIONAL MATCH (m:GMeta) WITH collect(m.slot) AS served "
        "OPTIONAL MATCH (r:GRetired) WITH served, collect(r.slot) AS retired WITH served + retired AS live "
        "MATCH (n:GNode) WHERE NOT n.g IN live RETURN count(n) AS c",
    )
    return int(rows[0]["c"]) if rows else 0


TREE = GraphBatch(
    nodes=[_node("p", NodeKind.PLAN), _node("m1", order=1), _node("m2", order=2)],
    edges=[_edge("p", "m1"), _edge("p", "m2")],
)


def test_schema_constraints_and_indexes(neo4j_store_factory: Factory, bolt_target: BoltTarget) -> None:
    neo4j_store_factory().replace(TREE)
    constraints = {r["name"]: r for r in _raw(bolt_target, "SHOW CONSTRAINTS")}
    assert constraints["pg_node_key"]["labelsOrTypes"] == ["GNode"]
    assert constraints["pg_node_key"]["properties"] == ["g", "id"]
    assert constraints["pg_meta_key"]["properties"] == ["key"]
    indexed = {(tuple(r["labelsOrTypes"]), tuple(r["properties"])) for r in _raw(bolt_target, "SHOW INDEXES")}
    for wanted in [(("GNode",), ("g", "kind")), (("GNode",), ("g", "document")), (("GDoc",), ("g",))]:
        assert wanted in indexed


def test_dialect_is_probed(neo4j_store_factory: Factory, bolt_target: BoltTarget) -> None:
    # Our test server is ArcadeDB (which calls itself Neo4j); NEO4J_URI points at a real Neo4j.
    expected = "arcadedb" if bolt_target.server is not None else "neo4j"
    assert neo4j_store_factory().dialect().name == expected


def test_ids_are_parameters_not_cypher(neo4j_store_factory: Factory) -> None:
    nasty = "x'}) MATCH (n) DETACH DELETE n //\"` $id"
    store = neo4j_store_factory()
    store.replace(GraphBatch(nodes=[*TREE.nodes, _node(nasty, order=3)], edges=[*TREE.edges, _edge("p", nasty)]))
    assert store.node(nasty) == _node(nasty, order=3)
    assert [n.id for n in store.children("p")] == ["m1", "m2", nasty]
    assert store.ancestors(nasty)[0].node.id == "p"
    assert len(store.nodes(document="d' OR true //")) == 0
    assert len(store.nodes()) == 4


def test_graphs_sharing_a_database_are_independent(neo4j_store_factory: Factory) -> None:
    a, b = neo4j_store_factory(), neo4j_store_factory()
    a.replace(TREE)
    b.replace(GraphBatch(nodes=[_node("only-b")]))
    a.replace(TREE)  # a's load cleans up stale slots: b's served slot is not stale
    assert [n.id for n in b.nodes()] == ["only-b"]
    assert [n.id for n in a.nodes()] == ["p", "m1", "m2"]


def test_old_generation_is_deleted_after_the_swap(neo4j_store_factory: Factory, bolt_target: BoltTarget) -> None:
    store = neo4j_store_factory()
    store.replace(TREE)
    old = _raw(bolt_target, "MATCH (m:GMeta {key: $k}) RETURN m.slot AS s", k=store.graph)[0]["s"]
    assert _raw(bolt_target, "MATCH (n:GNode {g: $g}) RETURN count(n) AS c", g=old) == [{"c": 3}]
    store.replace(GraphBatch(nodes=[_node("p", NodeKind.PLAN)]))
    new = _raw(bolt_target, "MATCH (m:GMeta {key: $k}) RETURN m.slot AS s", k=store.graph)[0]["s"]
    assert new != old
    # Retired, not deleted yet: readers pinned to it get the grace period to finish.
    assert _raw(bolt_target, "MATCH (n:GNode {g: $g}) RETURN count(n) AS c", g=old) == [{"c": 3}]
    store.wait_retired(30)
    assert _raw(bolt_target, "MATCH (n:GNode {g: $g}) RETURN count(n) AS c", g=old) == [{"c": 0}]
    assert _raw(bolt_target, "MATCH (n:GNode {g: $g}) RETURN count(n) AS c", g=new) == [{"c": 1}]


def test_write_failing_inside_the_database_cleans_up_its_partial_generation(
    neo4j_store_factory: Factory, bolt_target: BoltTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Turn off the up-front check so the database itself meets the bad edge half-way through."""
    store = neo4j_store_factory(batch_size=2)
    before = store.replace(TREE)
    monkeypatch.setattr(neo4j_store_module, "validate", lambda batch: None)
    bad = GraphBatch(nodes=[_node(f"n{i}") for i in range(7)], edges=[_edge("n0", "n1"), _edge("n1", "missing")])
    with pytest.raises(ValueError, match="missing nodes"):
        store.replace(bad)
    assert store.generation() == before
    assert [n.id for n in store.nodes()] == ["p", "m1", "m2"]
    assert _orphans(bolt_target) == 0


# --- unreachable database -------------------------------------------------------------------------
def test_unreachable_database_is_one_clear_line() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"  # nothing listens there
    store = Neo4jStore(uri, "neo4j", "secret", retry_seconds=1.0, connect_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as err:
        store.generation()
    assert time.monotonic() - started < 15
    message = str(err.value)
    assert message == f"Neo4j at {uri} is unreachable: Connection refused"
    with pytest.raises(StoreUnavailable):
        store.nodes()
    with pytest.raises(StoreUnavailable):
        store.replace(TREE)
    payload = health_payload(GraphService(Settings(), store=store))
    assert payload["status"] == "degraded"
    assert payload["reason"] == message
    assert payload["store"] == "neo4j"


def test_wrong_password_is_unavailable_not_a_crash(bolt_target: BoltTarget) -> None:
    store = Neo4jStore(
        bolt_target.uri, bolt_target.user or "neo4j", "wrong-password", bolt_target.database, retry_seconds=1.0
    )
    with pytest.raises(StoreUnavailable, match=r"credentials|unreachable") as err:
        store.generation()
    store.close()
    # The server's message, not the driver's dump of codes and GQL statuses.
    assert "\n" not in str(err.value) and "neo4j_code" not in str(err.value)


def test_invalid_uri_is_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="invalid Neo4j URI"):
        Neo4jStore("htp://nowhere:1").generation()


# --- selection by configuration -------------------------------------------------------------------
def test_settings_select_the_neo4j_store(bolt_target: BoltTarget) -> None:
    store = make_store(
        Settings(
            neo4j_uri=bolt_target.uri,
            neo4j_user=bolt_target.user,
            neo4j_password=bolt_target.password,
            neo4j_database=bolt_target.database,
        )
    )
    assert isinstance(store, Neo4jStore)
    assert (store.uri, store.database) == (bolt_target.uri, bolt_target.database)
    assert isinstance(make_store(Settings(neo4j_uri=None)), EmbeddedStore)


def test_cli_load_stats_export_on_neo4j(
    bolt_target: BoltTarget, corpus_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A graph name of its own: NEO4J_URI may name a database that serves a real graph ("main").
    graph = f"cli-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("POLICYGRAPH_NEO4J_GRAPH", graph)
    flags = bolt_target.cli_flags()
    runner = CliRunner()
    try:
        loaded = runner.invoke(cli, ["load", *flags])
        assert loaded.exit_code == 0, loaded.output
        assert "into the neo4j store" in loaded.output
        out = tmp_path / "graph.json"
        exported = runner.invoke(cli, ["export", "--format", "json", "-o", str(out), *flags])
        assert exported.exit_code == 0, exported.output
        assert out.read_text(encoding="utf-8") == export_json(corpus_store)
        stats = runner.invoke(cli, ["stats", *flags])
        assert stats.exit_code == 0, stats.output
        assert str(len(corpus_store.nodes(kinds=[NodeKind.MEASURE]))) in stats.output
    finally:
        bolt_target.store(graph=graph).drop()
    info = corpus_store.generation()
    assert info is not None and json.loads(out.read_text(encoding="utf-8"))["generation"] == info.generation


def test_no_grace_period_deletes_the_old_generation_at_once(
    neo4j_store_factory: Factory, bolt_target: BoltTarget
) -> None:
    """grace_seconds=0 (a single reader, e.g. a batch job): the replaced slot goes with the load."""
    store = neo4j_store_factory(grace_seconds=0)
    store.replace(TREE)
    old = _raw(bolt_target, "MATCH (m:GMeta {key: $k}) RETURN m.slot AS s", k=store.graph)[0]["s"]
    store.replace(GraphBatch(nodes=[_node("p", NodeKind.PLAN)]))
    assert _raw(bolt_target, "MATCH (n:GNode {g: $g}) RETURN count(n) AS c", g=old) == [{"c": 0}]
    assert _raw(bolt_target, "MATCH (r:GRetired {slot: $g}) RETURN count(r) AS c", g=old) == [{"c": 0}]


def _slot_nodes(target: BoltTarget, slot: str) -> int:
    return int(_raw(target, "MATCH (n:GNode {g: $g}) RETURN count(n) AS c", g=slot)[0]["c"])


def test_a_long_read_keeps_its_generation_past_the_grace_period(
    neo4j_store_factory: Factory, bolt_target: BoltTarget
) -> None:
    """An export or integrity run reads through `reading()`: a reload during it retires the old slot,
    but the slot is deleted only once the read is over, however long past the grace period."""
    store = neo4j_store_factory(grace_seconds=1)
    store.replace(TREE)
    old = _raw(bolt_target, "MATCH (m:GMeta {key: $k}) RETURN m.slot AS s", k=store.graph)[0]["s"]
    with store.reading() as view:
        assert [n.id for n in view.nodes()] == ["p", "m1", "m2"]
        store.replace(GraphBatch(nodes=[_node("p", NodeKind.PLAN)]))
        time.sleep(3.5)  # three grace periods: the timer fired and found the slot held
        assert [n.id for n in view.nodes()] == ["p", "m1", "m2"]
        assert view.children("p") and _slot_nodes(bolt_target, old) == 3
        # Other processes' stale-slot cleanup sees the slot's grace extended while it is read.
        (until,) = (r["u"] for r in _raw(bolt_target, "MATCH (r:GRetired {slot: $g}) RETURN r.until AS u", g=old))
        assert until > time.time()
    assert [n.id for n in store.nodes()] == ["p"]
    deadline = time.monotonic() + 30
    while _slot_nodes(bolt_target, old) and time.monotonic() < deadline:
        store.wait_retired(5)
        time.sleep(0.2)
    assert _slot_nodes(bolt_target, old) == 0  # released: deleted after the block


def test_a_long_read_whose_graph_another_process_deleted_fails_clearly(
    neo4j_store_factory: Factory, bolt_target: BoltTarget
) -> None:
    """Another process (a store of its own on the same graph, no grace period) replaces and deletes
    the generation being read: the read ends in StoreUnavailable, not with a partial answer."""
    store = neo4j_store_factory(grace_seconds=30)
    store.replace(TREE)
    other = neo4j_store_factory(graph=store.graph, grace_seconds=0)
    with pytest.raises(StoreUnavailable, match="replaced and deleted meanwhile"), store.reading() as view:
        assert len(view.nodes()) == 3
        other.replace(GraphBatch(nodes=[_node("p", NodeKind.PLAN)]))
        assert view.nodes() == []  # what a silent partial read would return
    with store.reading() as view:  # a new read sees the new graph
        assert [n.id for n in view.nodes()] == ["p"]


def test_a_view_of_a_view_keeps_the_pin(neo4j_store_factory: Factory) -> None:
    store = neo4j_store_factory(grace_seconds=30)
    store.replace(TREE)
    view = store.pinned()
    assert len(view.nodes()) == 3
    store.replace(GraphBatch(nodes=[_node("p", NodeKind.PLAN)]))
    assert len(view.pinned().nodes()) == 3
    assert len(store.pinned().nodes()) == 1
