"""`policygraph serve --neo4j-*`: the flags select the Neo4j store, as a user runs it.

The server runs as a real process (the console script) on a free port against the test Bolt server,
on a graph name of its own (POLICYGRAPH_NEO4J_GRAPH), so it never touches a deployment's 'main'.
Every wait is bounded; nothing is asserted about how long anything takes.
(`policygraph check --neo4j-* --format json` is tested in tests/test_integrity_app.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.bolt_server import free_port
from tests.conftest_bolt import BoltTarget
from tests.serve_process import policygraph

pytestmark = pytest.mark.bolt

# Bounds, not expectations: the load of the bundled corpus into the Bolt server, on a shared machine.
START_SECONDS = 120.0
LOAD_SECONDS = 600.0


def get_json(url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:  # /health answers 503 while loading or degraded
        return e.code, json.loads(e.read())


def test_serve_with_neo4j_flags_serves_the_neo4j_store(bolt_target: BoltTarget, tmp_path: Path) -> None:
    graph = f"serve-test-{uuid.uuid4().hex[:12]}"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYGRAPH_NEO4J_", "NEO4J_"))}
    # Only the flags name the database; the environment names just the graph and a history of its own.
    env.update(POLICYGRAPH_NEO4J_GRAPH=graph, POLICYGRAPH_HISTORY_DB=str(tmp_path / "history.sqlite"))
    log = tmp_path / "serve.log"
    served = bolt_target.store(graph=graph)  # the graph the server writes, read from here
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*policygraph(), "serve", "--host", "127.0.0.1", "--port", str(port), *bolt_target.cli_flags()],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"

    def fail(why: str) -> None:
        pytest.fail(f"{why}; server output:\n{log.read_text(errors='replace')[-3000:]}")

    try:
        # /health answers from the start (loading or ok); its `store` is what the flags chose.
        deadline = time.monotonic() + START_SECONDS
        health: dict[str, Any] | None = None
        while health is None:
            if proc.poll() is not None:
                fail(f"policygraph serve exited with {proc.returncode}")
            if time.monotonic() > deadline:
                fail(f"no answer on {base}/health within {START_SECONDS:.0f} s")
            try:
                _, health = get_json(f"{base}/health")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert health["store"] == "neo4j", health

        # The corpus is loaded into that graph in the background; then the API serves it from there.
        deadline = time.monotonic() + LOAD_SECONDS
        while health["status"] != "ok":
            if proc.poll() is not None:
                fail(f"policygraph serve exited with {proc.returncode}")
            if time.monotonic() > deadline:
                fail(f"not loaded within {LOAD_SECONDS:.0f} s: {health}")
            time.sleep(1.0)
            _, health = get_json(f"{base}/health")
        assert health["store"] == "neo4j" and health["reason"] is None
        info = served.generation()
        assert info is not None and health["generation"] == info.generation
        status, body = get_json(
            f"{base}/graphql", {"query": '{ health stats { generation } node(id: "st-plan-114:g1") { title } }'}
        )
        assert status == 200 and not body.get("errors"), body
        assert body["data"]["health"] == "ok"
        assert body["data"]["stats"]["generation"] == info.generation
        assert body["data"]["node"]["title"] == "強化智慧科技生態系，打造人工智慧島"  # 000:717
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        served.drop()
        served.close()
