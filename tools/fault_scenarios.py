"""Faults on a real Bolt server under the real service, and a GraphQL fuzz run: the scenarios that
benchmarks/faults.py runs at full size and tests/test_faults.py runs small.

- `kill_during_load`: the server is SIGKILLed while a reload writes the new graph. The reload fails
  with one line, /health says degraded while the server is down, GraphQL answers STORE_UNAVAILABLE
  (no 5xx); after a restart /health is ok again by itself (same service, no reload), the served
  graph is the last complete one, and the next reload succeeds.
- `kill_during_queries`: analysts keep asking while the server is killed and restarted: every
  answer is data or STORE_UNAVAILABLE, never a 5xx or an internal error; answers come back with the
  same generation after the restart.
- `restart`: a clean stop and start (SIGTERM) behaves the same.
- `fuzz`: queries generated from the schema (hypothesis-graphql, valid and invalid) find no 5xx
  and no masked internal error.

The server object needs `kill()`, `stop()`, `start()` (tests/bolt_server.BoltServer). Everything
runs in-process against the FastAPI app over httpx.ASGITransport: loopback only, nothing listens.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from app.main import create_app
from app.service import GraphService, LoadReport
from app.settings import Settings
from graph.neo4j_store import Neo4jStore

PROBE = "{ stats { generation nodeCount } }"
QUERY = (
    "query($id: ID!) { lineage(id: $id, down: 1) { ancestors { nodes { node { id } } } } "
    "responsibleFor(id: $id) { nodes { role agency { name } } } stats { generation nodeCount } }"
)


class Server(Protocol):
    user: str
    password: str

    @property
    def uri(self) -> str: ...

    def kill(self) -> None: ...
    def stop(self, timeout: float = 60.0) -> None: ...
    def start(self) -> None: ...


@dataclass
class Result:
    name: str
    checks: dict[str, bool] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    def check(self, what: str, ok: bool) -> None:
        self.checks[what] = bool(ok)

    @property
    def ok(self) -> bool:
        return all(self.checks.values())


def make_service(server: Server, database: str, corpus: Path, graph: str) -> GraphService:
    store = Neo4jStore(
        server.uri,
        server.user,
        server.password,
        database,
        graph=graph,
        batch_size=200,  # many small transactions: a kill lands between two of them
        connect_timeout=2.0,
        retry_seconds=2.0,
        grace_seconds=0.2,
    )
    return GraphService(Settings(corpus=corpus), store=store)


async def _get(client: httpx.AsyncClient, path: str) -> httpx.Response:
    return await client.get(path)


async def _gql(client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> tuple[int, Any]:
    r = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    try:
        return r.status_code, r.json()
    except ValueError:
        return r.status_code, {"raw": r.text[:200]}


def _codes(body: Any) -> list[str]:
    return [str((e.get("extensions") or {}).get("code")) for e in (body or {}).get("errors") or []]


async def _wait_health(client: httpx.AsyncClient, want: str, timeout: float) -> tuple[bool, float, dict[str, Any]]:
    t0 = time.monotonic()
    body: dict[str, Any] = {}
    while time.monotonic() - t0 < timeout:
        r = await _get(client, "/health")
        body = r.json()
        if body.get("status") == want:
            return True, time.monotonic() - t0, body
        await asyncio.sleep(0.2)
    return False, time.monotonic() - t0, body


def _client(svc: GraphService) -> httpx.AsyncClient:
    app = create_app(svc.settings, svc)  # lifespan not run: the graph is loaded by the scenario
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://faults", timeout=60)


def kill_during_load(
    server: Server, database: str, small: Path, big: Path, graph: str = "faults-load", kill_after: float = 0.5
) -> Result:
    res = Result("kill during load")
    svc = make_service(server, database, small, graph)
    try:
        first = svc.reload(small)
        res.check("first load", first.ok)
        before = svc.store.generation()
        assert before is not None

        writing = threading.Event()
        box: dict[str, LoadReport] = {}

        def progress(msg: str) -> None:
            if msg.startswith("write "):
                writing.set()

        t = threading.Thread(target=lambda: box.setdefault("r", svc.reload(big, progress)), daemon=True)
        t.start()
        res.check("the second load reached the write", writing.wait(300))
        time.sleep(kill_after)
        server.kill()
        t.join(120)
        report = box.get("r")
        res.check("the interrupted load reports failure", report is not None and not report.ok)
        error = report.error if report is not None else None
        res.figures["load error"] = error
        res.check("its error is one line", bool(error) and "\n" not in (error or ""))

        async def during_and_after() -> None:
            async with _client(svc) as c:
                h = await _get(c, "/health")
                res.figures["health while down"] = h.json()
                res.check("/health degraded while down", h.status_code == 503 and h.json()["status"] == "degraded")
                status, body = await _gql(c, PROBE)
                res.check(
                    "GraphQL while down: 200 + STORE_UNAVAILABLE", status == 200 and "STORE_UNAVAILABLE" in _codes(body)
                )
                t0 = time.monotonic()
                server.start()
                res.figures["restart s"] = round(time.monotonic() - t0, 1)
                ok, waited, body2 = await _wait_health(c, "ok", 60)
                res.figures["healthy again after s"] = round(waited, 1)
                res.figures["health after"] = body2
                res.check("/health ok again by itself", ok)
                status, body = await _gql(c, PROBE)
                gen = ((body.get("data") or {}).get("stats") or {}).get("generation")
                res.check("served graph is the last complete one", gen == before.generation)
                res.check(
                    "node count is the last complete one",
                    (body.get("data") or {}).get("stats", {}).get("nodeCount") == before.nodes,
                )

        asyncio.run(during_and_after())
        again = svc.reload(big)
        res.check("the next load succeeds", again.ok)
        res.figures["next load"] = f"{again.nodes} nodes" if again.ok else again.error
    finally:
        _cleanup(svc)
    return res


def kill_during_queries(
    server: Server,
    database: str,
    corpus: Path,
    ids: list[str],
    graph: str = "faults-queries",
    clients: int = 8,
    seconds: float = 12.0,
    clean: bool = False,
) -> Result:
    """Analysts ask for `seconds`; the server goes down at 1/4 and comes back (restart) at 1/2."""
    res = Result("clean restart during queries" if clean else "kill during queries")
    svc = make_service(server, database, corpus, graph)
    try:
        first = svc.reload(corpus)
        res.check("first load", first.ok)
        before = svc.store.generation()
        assert before is not None
        outcomes: Counter[str] = Counter()
        gens: Counter[str] = Counter()
        after_restart: Counter[str] = Counter()
        phase = {"up": True, "restarted": False}

        async def analyst(c: httpx.AsyncClient, k: int, stop: float) -> None:
            i = k
            while time.monotonic() < stop:
                i += clients
                status, body = await _gql(c, QUERY, {"id": ids[i % len(ids)]})
                if status >= 500:
                    kind = f"HTTP {status}"
                elif body.get("errors"):
                    codes = set(_codes(body))
                    kind = "STORE_UNAVAILABLE" if codes == {"STORE_UNAVAILABLE"} else f"error {sorted(codes)}"
                else:
                    kind = "data"
                    gens[body["data"]["stats"]["generation"]] += 1
                outcomes[kind] += 1
                if phase["restarted"]:
                    after_restart[kind] += 1
                await asyncio.sleep(0.01)

        async def operator(c: httpx.AsyncClient, stop: float) -> None:
            await asyncio.sleep(seconds / 4)
            await asyncio.to_thread(server.stop if clean else server.kill)
            phase["up"] = False
            h = await _get(c, "/health")
            res.check("/health degraded while down", h.status_code == 503 and h.json()["status"] == "degraded")
            await asyncio.sleep(seconds / 4)
            await asyncio.to_thread(server.start)
            ok, waited, _ = await _wait_health(c, "ok", 60)
            res.check("/health ok again by itself", ok)
            res.figures["healthy again after s"] = round(waited, 1)
            phase["restarted"] = True

        async def run() -> None:
            async with _client(svc) as c:
                stop = time.monotonic() + seconds
                await asyncio.gather(operator(c, stop + 60), *(analyst(c, k, stop) for k in range(clients)))
                # Answers after the restart, once more, so the check does not depend on timing.
                for k in range(clients):
                    status, body = await _gql(c, QUERY, {"id": ids[k % len(ids)]})
                    after_restart["data" if status == 200 and not body.get("errors") else f"HTTP {status}"] += 1
                    if status == 200 and not body.get("errors"):
                        gens[body["data"]["stats"]["generation"]] += 1

        asyncio.run(run())
        res.figures["answers"] = dict(outcomes)
        res.figures["after restart"] = dict(after_restart)
        res.check("no 5xx", not any(k.startswith("HTTP 5") for k in outcomes))
        res.check("only data or STORE_UNAVAILABLE", set(outcomes) <= {"data", "STORE_UNAVAILABLE"})
        res.check("some answers failed while down", outcomes["STORE_UNAVAILABLE"] > 0)
        res.check("answers after the restart", after_restart["data"] >= clients)
        res.check("one generation throughout", set(gens) == {before.generation})
    finally:
        _cleanup(svc)
    return res


def _cleanup(svc: GraphService) -> None:
    store = svc.store
    try:
        if isinstance(store, Neo4jStore):
            store.drop()
    except Exception:  # the server may be down when a scenario failed half-way
        pass
    store.close()


# --- fuzz -----------------------------------------------------------------------------------------
def fuzz(svc: GraphService, examples: int, seed: int = 0) -> Result:
    """GraphQL queries generated from the read-only schema (valid ones, then invalid ones), sent to the
    app in-process: no 5xx, no INTERNAL_SERVER_ERROR."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed
    from hypothesis_graphql import Mode, queries
    from starlette.testclient import TestClient

    from app.gql.schema import make_schema

    res = Result("GraphQL fuzz")
    sdl = str(make_schema(mutations=False))
    app = create_app(svc.settings, svc)
    client = TestClient(app, raise_server_exceptions=False)
    seen: Counter[str] = Counter()
    bad: list[str] = []

    def run(mode: Mode, n: int) -> None:
        @hseed(seed)
        @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(q=queries(sdl, mode=mode))
        def one(q: str) -> None:
            r = client.post("/graphql", json={"query": q})
            json_body = r.headers.get("content-type", "").startswith("application/json")
            codes = _codes(r.json()) if json_body else []
            seen[f"{mode.name.lower()} HTTP {r.status_code}"] += 1
            for c in codes:
                seen[c] += 1
            if r.status_code >= 500 or "INTERNAL_SERVER_ERROR" in codes:
                bad.append(f"{r.status_code} {codes}: {q[:300]}")

        one()

    run(Mode.POSITIVE, examples)
    run(Mode.NEGATIVE, max(1, examples // 2))
    res.figures["responses"] = dict(seen)
    res.figures["failures"] = bad[:5]
    res.check("no 5xx and no internal error", not bad)
    return res
