"""The service with its database gone: it starts degraded, says why on /health, answers queries
with a clear error, and recovers by itself (loading the corpus) when the database comes back."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from graph.neo4j_store import Neo4jStore
from tests.bolt_server import BoltServer
from tests.conftest_bolt import TEST_DATABASE

pytestmark = pytest.mark.bolt


def test_starts_degraded_and_recovers(bolt_server: BoltServer) -> None:
    store = Neo4jStore(
        bolt_server.uri,
        bolt_server.user,
        bolt_server.password,
        TEST_DATABASE,
        graph="app-degraded",
        retry_seconds=1.0,
        grace_seconds=0.2,
    )
    svc = GraphService(Settings(reconnect_seconds=0.5), store=store)
    bolt_server.kill()
    try:
        with TestClient(create_app(svc.settings, service=svc)) as client:
            r = client.get("/health")
            assert r.status_code == 503
            body = r.json()
            assert body["status"] == "degraded" and "unreachable" in body["reason"]
            # The reason /health gives, one line naming the database, with the code clients branch on.
            unreachable = f"Neo4j at {bolt_server.uri} (database {TEST_DATABASE!r}) is unreachable"
            assert body["reason"].startswith(unreachable)
            for query in ("{ stats { nodeCount } }", '{ node(id: "st-plan-114:g1") { title } }'):
                q = client.post("/graphql", json={"query": query})
                assert q.status_code == 200 and "Traceback" not in q.text
                errors = q.json()["errors"]
                assert [e["extensions"]["code"] for e in errors] == ["STORE_UNAVAILABLE"], errors
                message = errors[0]["message"]
                assert message.startswith(unreachable) and "\n" not in message, message
            # The health field answers without the store (it reports on it).
            assert client.post("/graphql", json={"query": "{ health }"}).json()["data"] == {"health": "degraded"}

            bolt_server.start()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if client.get("/health").json()["status"] == "ok":
                    break
                time.sleep(0.5)
            health = client.get("/health").json()
            assert health["status"] == "ok", health
            assert health["generation"]
            # The graph loaded in the background is the corpus.
            node = client.post("/graphql", json={"query": '{ node(id: "st-plan-114:g1") { title } }'}).json()
            assert node["data"]["node"]["title"] == "強化智慧科技生態系，打造人工智慧島"  # 000:717
    finally:
        if bolt_server.proc is None:
            bolt_server.start()
        store.drop()
        store.close()
