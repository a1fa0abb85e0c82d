"""One GraphQL request, one graph generation: a reload that swaps the graph while a request is being
answered must not give that request half of each graph, on either store. The answer says which
generation it read (`extensions.generation`).

The reload is made to happen at the worst moment: inside the request, between the read of `stats`
and the reads of `documents` and `nodes`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from graph.embedded_store import EmbeddedStore
from graph.model import GraphBatch
from graph.store import GraphStore
from tests.conftest_bolt import BoltTarget

QUERY = "{ stats { generation nodeCount } documents { totalCount } plans: nodes(kinds: [PLAN]) { totalCount } }"
DROPPED = "tef-23-3"  # the periodical (002): the second graph is the corpus without it


def without_document(batch: GraphBatch, doc: str) -> GraphBatch:
    nodes = [n for n in batch.nodes if n.document != doc]
    keep = {n.id for n in nodes}
    edges = [e for e in batch.edges if e.source in keep and e.target in keep]
    return GraphBatch(documents=[d for d in batch.documents if d.id != doc], nodes=nodes, edges=edges)


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.bolt)])
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    if request.param == "embedded":
        yield EmbeddedStore()
        return
    target: BoltTarget = request.getfixturevalue("bolt_target")
    # Readers pinned to the replaced graph get longer than this test takes to read it.
    s = target.store(graph="generations-test", grace_seconds=30.0)
    yield s
    s.drop()
    s.close()


def _expected(batch: GraphBatch) -> tuple[int, int, int]:
    return len(batch.nodes), len(batch.documents), sum(1 for n in batch.nodes if n.kind.value == "Plan")


def _seen(body: dict[str, Any]) -> tuple[int, int, int]:
    d = body["data"]
    return d["stats"]["nodeCount"], d["documents"]["totalCount"], d["plans"]["totalCount"]


def test_a_reload_inside_a_request_does_not_mix_generations(
    store: GraphStore, corpus_batch: GraphBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_batch, second_batch = corpus_batch, without_document(corpus_batch, DROPPED)
    assert _expected(first_batch) != _expected(second_batch)
    first = store.replace(first_batch)
    svc = GraphService(Settings(), store=store)
    client = TestClient(create_app(svc.settings, svc))

    # The request's first read of the document list reloads the graph, then reads.
    original: Callable[[GraphStore], Any] = type(store).documents
    reloaded: list[str] = []

    def documents_after_a_reload(self: GraphStore) -> Any:
        if not reloaded:
            reloaded.append(store.replace(second_batch).generation)
        return original(self)

    monkeypatch.setattr(type(store), "documents", documents_after_a_reload)
    body = client.post("/graphql", json={"query": QUERY}).json()
    assert not body.get("errors"), body
    assert reloaded, "the reload did not happen inside the request"
    assert store.generation() is not None and store.generation().generation == reloaded[0]  # type: ignore[union-attr]
    # Everything the request read comes from the graph it started with ...
    assert body["data"]["stats"]["generation"] == first.generation
    assert _seen(body) == _expected(first_batch)
    assert body["extensions"]["generation"] == first.generation
    # ... and the next request reads the new one, whole.
    body = client.post("/graphql", json={"query": QUERY}).json()
    assert body["data"]["stats"]["generation"] == reloaded[0] == body["extensions"]["generation"]
    assert _seen(body) == _expected(second_batch)


def test_errors_without_data_carry_no_generation(corpus_store: EmbeddedStore) -> None:
    svc = GraphService(Settings(), store=corpus_store)
    client = TestClient(create_app(svc.settings, svc))
    body = client.post("/graphql", json={"query": "{ noSuchField }"}).json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "generation" not in (body.get("extensions") or {})
    body = client.post("/graphql", json={"query": "{ stats { generation } }"}).json()
    assert body["extensions"]["generation"] == body["data"]["stats"]["generation"] == corpus_store.generation().generation  # type: ignore[union-attr]


def test_an_export_spanning_a_reload_is_one_generation(
    store: GraphStore, corpus_batch: GraphBatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.export import export_dict

    first_batch, second_batch = corpus_batch, without_document(corpus_batch, DROPPED)
    first = store.replace(first_batch)
    original: Callable[..., Any] = type(store).edges
    reloaded: list[str] = []

    def edges_after_a_reload(self: GraphStore, *args: Any, **kwargs: Any) -> Any:
        if not reloaded:
            reloaded.append(store.replace(second_batch).generation)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(store), "edges", edges_after_a_reload)
    out = export_dict(store)
    assert reloaded and reloaded[0] != first.generation
    assert out["generation"] == first.generation
    assert (len(out["nodes"]), len(out["edges"]), len(out["documents"])) == (
        len(first_batch.nodes),
        len(first_batch.edges),
        len(first_batch.documents),
    )
