"""Bolt fixtures (a pytest plugin, registered in tests/conftest.py).

- `bolt_server`: an ArcadeDB server with a Bolt listener, started once per session in a
  subprocess (tests/bolt_server.py), stopped cleanly at the end. Tests that kill and restart a
  server use this one.
- `bolt_target`: where the Neo4j store tests connect: the real Neo4j named by NEO4J_URI (with
  NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE) when that is set, else `bolt_server`.
- `neo4j_store`: a Neo4jStore on `bolt_target` holding the bundled corpus (the counterpart of
  `corpus_store`). Do not replace its graph: use `neo4j_store_factory` for graphs of your own.
- `any_store`: parametrized over both stores (embedded, neo4j), each holding the bundled corpus.
- `neo4j_store_factory`: makes empty Neo4jStores, each on a graph name of its own in the same
  database (so they work on a single-database Neo4j Community too); dropped after the test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from graph.embedded_store import EmbeddedStore
from graph.ids import generation_id
from graph.model import GraphBatch
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from tests.bolt_server import BoltServer

TEST_DATABASE = "policygraph"


@dataclass(frozen=True)
class BoltTarget:
    uri: str
    user: str | None
    password: str | None
    database: str | None
    # The server process when it is ours (ArcadeDB), None for an external Neo4j.
    server: BoltServer | None

    def cli_flags(self) -> list[str]:
        """The `policygraph` options that select this server."""
        flags = ["--neo4j-uri", self.uri]
        for flag, value in (
            ("--neo4j-user", self.user),
            ("--neo4j-password", self.password),
            ("--neo4j-database", self.database),
        ):
            if value:
                flags += [flag, value]
        return flags

    def store(self, **kwargs: Any) -> Neo4jStore:
        # A short grace period: tests replace graphs often and read nothing that takes longer.
        kwargs.setdefault("grace_seconds", 0.2)
        return Neo4jStore(self.uri, self.user, self.password, self.database, **kwargs)


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    server = BoltServer(tmp_path_factory.mktemp("arcadedb"), databases=(TEST_DATABASE,))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def bolt_target(request: pytest.FixtureRequest) -> BoltTarget:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        return BoltTarget(
            uri,
            os.environ.get("NEO4J_USER"),
            os.environ.get("NEO4J_PASSWORD"),
            os.environ.get("NEO4J_DATABASE"),
            None,
        )
    server: BoltServer = request.getfixturevalue("bolt_server")
    return BoltTarget(server.uri, server.user, server.password, TEST_DATABASE, server)


@pytest.fixture(scope="session")
def neo4j_store(bolt_target: BoltTarget, corpus_batch: GraphBatch) -> Iterator[Neo4jStore]:
    store = bolt_target.store(graph="test-corpus")
    store.replace(corpus_batch)
    yield store
    store.drop()
    store.close()


@pytest.fixture()
def neo4j_corpus_store(neo4j_store: Neo4jStore, corpus_batch: GraphBatch) -> Neo4jStore:
    """`neo4j_store`, reloaded if a test replaced its graph after all."""
    info = neo4j_store.generation()
    if info is None or info.generation != generation_id(corpus_batch):
        neo4j_store.replace(corpus_batch)
    return neo4j_store


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.bolt)])
def any_store(request: pytest.FixtureRequest) -> GraphStore:
    if request.param == "embedded":
        store: EmbeddedStore = request.getfixturevalue("corpus_store")
        return store
    neo: Neo4jStore = request.getfixturevalue("neo4j_corpus_store")
    return neo


@pytest.fixture()
def neo4j_store_factory(bolt_target: BoltTarget) -> Iterator[Callable[..., Neo4jStore]]:
    made: list[Neo4jStore] = []

    def make(**kwargs: Any) -> Neo4jStore:
        kwargs.setdefault("graph", f"test-{uuid.uuid4().hex[:12]}")
        store = bolt_target.store(**kwargs)
        made.append(store)
        return store

    yield make
    for store in made:
        try:
            store.drop()
        finally:
            store.close()
