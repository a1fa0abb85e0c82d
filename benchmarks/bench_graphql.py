"""The GraphQL endpoint under concurrent analysts: throughput and p50/p99 per representative query,
and the overhead against calling the store directly for the same answer.

    .venv/bin/python benchmarks/bench_graphql.py [--stores embedded,neo4j] [--requests 200] [--clients 8]
    .venv/bin/python benchmarks/bench_graphql.py --url http://127.0.0.1:8000/graphql   # a server you run

For each store it starts a server (uvicorn, one process, 127.0.0.1, a free port) in a subprocess,
waits for /health, then drives it with `--clients` concurrent httpx clients sending `--requests`
requests per query (loopback only, bounded). The Neo4j store runs against NEO4J_URI (with
NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE) when set, else against an ArcadeDB Bolt server
started for the run. "direct" is the same answer computed in this process by calling the store
(and queries/) without GraphQL or HTTP, sequentially, each call on a view pinned to one generation
as the server reads for each request; overhead = the endpoint's p50 with one client (no queueing) /
direct p50. The clients run in this process, on the same machine as the server.

Like for like: the server builds some answers once per graph generation and keeps them (the
responsibility report per agency and arguments, the responsibility matrix; the search index and the
agency list, which every direct call here also reuses). For those rows (marked "cached") the direct
call does what the server does per request once the value is built -- read the generation, the
reads the resolver makes before its cache lookup, the lookup -- and the uncached computation is
printed beside it ("build p50"): what the first request after a load would pay without the cache.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.embedded_store import EmbeddedStore  # noqa: E402
from graph.model import EdgeType, GraphBatch, NodeKind  # noqa: E402
from graph.store import GraphStore  # noqa: E402
from loaders.pipeline import load_corpus  # noqa: E402
from queries import lineage as lq  # noqa: E402
from queries import responsibility as rq  # noqa: E402
from queries import search as sq  # noqa: E402

GRAPH = "bench-graphql"
MEASURE = "st-plan-114:g1.sg1.s4.m1"  # 000:830, under 策略四 (表4 000:2660)


Direct = Callable[[GraphStore, dict[str, Any]], object]


@dataclass
class Case:
    name: str
    query: str
    variables: dict[str, Any]
    # What the server computes for one request, without GraphQL and HTTP.
    direct: Direct
    # For an answer the server keeps per generation: the computation the cache saves (else None).
    build: Direct | None = None


def per_generation(view: GraphStore, memo: dict[str, Any], key: str, build: Callable[[], object]) -> object:
    """The server's per-generation cache (app.gql.context.Ctx.cached): read the view's generation,
    build the value the first time that generation asks for it, return the kept value after."""
    info = view.generation()
    cache: dict[tuple[str, str], object] = memo.setdefault("cache", {})
    k = (info.generation if info else "", key)
    if k not in cache:
        cache[k] = build()
    return cache[k]


def _direct_node(store: GraphStore, memo: dict[str, Any]) -> object:
    n = store.get_nodes([MEASURE])[0]
    parent = store.parents_many([MEASURE])[0]
    return n, parent, store.responsible_for_many([MEASURE])


def _direct_page(store: GraphStore, memo: dict[str, Any]) -> object:
    idx: sq.SearchIndex = memo["index"]  # the server keeps the same per-generation list
    page = [e.node for e in idx.entries if e.node.kind is NodeKind.MEASURE and e.node.document == "st-plan-114"][:50]
    parents = store.parents_many([n.id for n in page])
    return store.responsible_for_many([p.id for p in parents if p is not None])


def _direct_search(store: GraphStore, memo: dict[str, Any]) -> object:
    return sq.search(memo["index"], "數發部")[:20]


def _direct_lineage(store: GraphStore, memo: dict[str, Any]) -> object:
    return lq.lineage(store, MEASURE, None, 1, 1)


def _build_responsibilities(store: GraphStore, memo: dict[str, Any]) -> object:
    agency = rq.resolve_agency(store, "數發部", memo["agencies"])
    assert agency is not None
    return rq.report(store, agency, describes=store.edges(types=[EdgeType.DESCRIBES]))


def _direct_responsibilities(store: GraphStore, memo: dict[str, Any]) -> object:
    # Per request the resolver resolves the agency and reads the DESCRIBES edges (a per-request
    # memo) before it looks the report up in the per-generation cache.
    agency = rq.resolve_agency(store, "數發部", memo["agencies"])
    assert agency is not None
    describes = store.edges(types=[EdgeType.DESCRIBES])
    return per_generation(store, memo, f"report {agency.id}", lambda: rq.report(store, agency, describes=describes))


def _direct_paths(store: GraphStore, memo: dict[str, Any]) -> object:
    return lq.shortest_paths(store, MEASURE, "agency/moi")


def _build_matrix(store: GraphStore, memo: dict[str, Any]) -> object:
    return rq.matrix(store)


def _direct_matrix(store: GraphStore, memo: dict[str, Any]) -> object:
    return per_generation(store, memo, "matrix", lambda: rq.matrix(store))


CASES = [
    Case(
        "node+parent+agencies",
        """query($id: ID!) { node(id: $id) { id title lines { start } ... on HierarchyNode { parent { id title }
             responsibleAgencies { nodes { role explicit agency { name } evidence { quote } } } } } }""",
        {"id": MEASURE},
        _direct_node,
    ),
    Case(
        "nodes(50)->parent->agencies",
        """{ nodes(kinds: [MEASURE], document: "st-plan-114", first: 50) { totalCount nodes { id ... on HierarchyNode {
             parent { id ... on HierarchyNode { responsibleAgencies { nodes { role agency { name } } } } } } } } }""",
        {},
        _direct_page,
    ),
    Case(
        "search 數發部",
        """{ search(text: "數發部", first: 20) {
             totalCount nodes { score field matchedText node { id kind title } } } }""",
        {},
        _direct_search,
    ),
    Case(
        "lineage",
        """query($id: ID!) { lineage(id: $id, down: 1) { ancestors { nodes { hops node { id title } } }
             descendants { totalCount } crossPlan { totalCount } } }""",
        {"id": MEASURE},
        _direct_lineage,
    ),
    Case(
        "responsibilities 數發部",
        """{ responsibilities(agency: "數發部") { totalCount leadCount coCount byPlan { nodes {
             plan { id } leadCount coCount items(first: 20) { nodes { role node { id title } } } } } } }""",
        {},
        _direct_responsibilities,
        _build_responsibilities,
    ),
    Case(
        "paths measure->內政部",
        """query($id: ID!) { paths(from: $id, to: "agency/moi") {
             length paths { nodes { hops { type evidence { quote } } } } } }""",
        {"id": MEASURE},
        _direct_paths,
    ),
    Case(
        "responsibility matrix",
        """{ responsibilityMatrix { plans { id }
             rows(first: 100) { nodes { agency { name } lead co cells { lead co } } } } }""",
        {},
        _direct_matrix,
        _build_matrix,
    ),
]


# --- server ------------------------------------------------------------------------------------
def serve(args: argparse.Namespace) -> None:
    """Child process: the app on one store, until SIGTERM."""
    import uvicorn

    from app.main import create_app
    from app.service import GraphService
    from app.settings import Settings

    if args.neo4j_uri:
        from graph.neo4j_store import Neo4jStore

        settings = Settings(
            neo4j_uri=args.neo4j_uri,
            neo4j_user=args.neo4j_user,
            neo4j_password=args.neo4j_password,
            neo4j_database=args.neo4j_database,
        )
        store: GraphStore = Neo4jStore(
            args.neo4j_uri, args.neo4j_user, args.neo4j_password, args.neo4j_database, graph=GRAPH
        )
        svc = GraphService(settings, store=store)
    else:
        settings = Settings()
        svc = GraphService(settings)
    uvicorn.run(create_app(settings, svc), host="127.0.0.1", port=args.port, log_level="warning")


@contextmanager
def server_process(port: int, neo4j: dict[str, str | None] | None, start_seconds: float = 120) -> Iterator[str]:
    """A `--serve` process of this script on `port`, waited for up to `start_seconds` (a busy machine
    loads the corpus slowly); yields its GraphQL URL."""
    cmd = [sys.executable, __file__, "--serve", "--port", str(port)]
    if neo4j:
        for key, value in neo4j.items():
            if value is not None:
                cmd += [f"--neo4j-{key}", value]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=5).json().get("status") == "ok":
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not come up")
            time.sleep(0.3)
        yield f"{base}/graphql"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def bolt() -> Iterator[dict[str, str | None]]:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield {
            "uri": uri,
            "user": os.environ.get("NEO4J_USER"),
            "password": os.environ.get("NEO4J_PASSWORD"),
            "database": os.environ.get("NEO4J_DATABASE"),
        }
        return
    from tests.bolt_server import BoltServer

    with tempfile.TemporaryDirectory(prefix="bench-gql-arcadedb-") as tmp:
        server = BoltServer(Path(tmp), databases=("bench",))
        server.start()
        try:
            yield {"uri": server.uri, "user": server.user, "password": server.password, "database": "bench"}
        finally:
            server.stop()


# --- load --------------------------------------------------------------------------------------
def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


async def drive(url: str, case: Case, requests: int, clients: int) -> tuple[float, list[float], int]:
    """(requests per second, latencies in ms, errors)."""
    latencies: list[float] = []
    errors = 0
    todo = iter(range(requests))
    body = json.dumps({"query": case.query, "variables": case.variables})
    headers = {"Content-Type": "application/json"}

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for _ in todo:
            t0 = time.perf_counter()
            r = await client.post(url, content=body, headers=headers)
            latencies.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200 or r.json().get("errors"):
                errors += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        # warm-up: the per-generation caches and the parser cache
        for _ in range(3):
            await client.post(url, content=body, headers=headers)
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        wall = time.perf_counter() - t0
    return requests / wall, latencies, errors


def direct_times(store: GraphStore, fn: Direct, memo: dict[str, Any], n: int) -> list[float]:
    """Each call on a fresh pinned view, as each request of the server (on Neo4j the view's first
    read fetches the generation it pins: one round trip, as in the server)."""
    fn(store.pinned(), memo)  # warm-up; builds what a cached row keeps
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn(store.pinned(), memo)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def memo_for(store: GraphStore) -> dict[str, Any]:
    return {
        "index": sq.SearchIndex.build(store),
        "agencies": store.nodes(kinds=[NodeKind.AGENCY]),
    }


def report(label: str, url: str, store: GraphStore | None, args: argparse.Namespace) -> None:
    print(f"\n{label}: {args.clients} concurrent clients x {args.requests} requests per query, {url}")
    print("  concurrent: throughput and latency under load; 1 client: latency alone (what overhead uses)")
    print("  cached: the server keeps this answer per graph generation; direct does the same per-request")
    print("  work (generation read, pre-lookup reads, lookup); build p50 = the uncached computation")
    print(
        f"{'query':30} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} | "
        f"{'1 client p50':>12} {'direct p50':>10} {'overhead':>9} | {'cached':>6} {'build p50':>9}"
    )
    memo = memo_for(store) if store is not None else {}
    for case in CASES:
        rps, lat, errors = asyncio.run(drive(url, case, args.requests, args.clients))
        _, alone, errors1 = asyncio.run(drive(url, case, max(20, args.requests // 4), 1))
        p50, p99, a50 = statistics.median(lat), pct(lat, 99), statistics.median(alone)
        if store is not None:
            d50 = statistics.median(direct_times(store, case.direct, memo, args.direct))
            extra = f"{d50:10.3f} {a50 / max(d50, 1e-6):8.1f}x"
            if case.build is not None:
                b50 = statistics.median(direct_times(store, case.build, memo, max(3, args.direct // 5)))
                extra += f" | {'yes':>6} {b50:9.2f}"
            else:
                extra += f" | {'no':>6} {'-':>9}"
        else:
            extra = f"{'-':>10} {'-':>9} | {'yes' if case.build is not None else 'no':>6} {'-':>9}"
        print(
            f"{case.name:30} {rps:7.0f} {p50:7.1f} {p99:7.1f} {errors + errors1:6d} | {a50:12.2f} {extra}", flush=True
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stores", default="embedded,neo4j", help="comma-separated: embedded, neo4j")
    ap.add_argument("--requests", type=int, default=200, help="requests per query")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (bounded)")
    ap.add_argument("--direct", type=int, default=50, help="direct store calls per query, for the ratio")
    ap.add_argument("--url", help="drive this running server instead of starting one (no direct ratio)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    for key in ("uri", "user", "password", "database"):
        ap.add_argument(f"--neo4j-{key}", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args)
        return 0
    if args.clients < 1 or args.clients > 64 or args.requests < 1:
        ap.error("--clients must be 1..64 and --requests positive")
    if args.url:
        if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
            ap.error("--url must be a loopback address")
        report("running server", args.url, None, args)
        return 0

    from tests.bolt_server import free_port

    batch: GraphBatch = load_corpus()
    for name in [s.strip() for s in args.stores.split(",") if s.strip()]:
        with ExitStack() as stack:
            if name == "embedded":
                store: GraphStore = EmbeddedStore()
                store.replace(batch)
                url = stack.enter_context(server_process(free_port(), None))
                report("embedded store", url, store, args)
            elif name == "neo4j":
                from graph.neo4j_store import Neo4jStore

                conn = stack.enter_context(bolt())
                neo = Neo4jStore(conn["uri"] or "", conn["user"], conn["password"], conn["database"], graph=GRAPH)
                stack.callback(neo.close)
                stack.callback(neo.drop)
                neo.replace(batch)
                url = stack.enter_context(server_process(free_port(), conn))
                report(
                    "neo4j store (" + ("NEO4J_URI" if os.environ.get("NEO4J_URI") else "ArcadeDB Bolt") + ")",
                    url,
                    neo,
                    args,
                )
            else:
                ap.error(f"unknown store {name!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
