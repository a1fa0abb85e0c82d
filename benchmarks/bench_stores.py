"""Both stores side by side: bulk load of the bundled corpus (nodes/s) and the main queries' latency.

    .venv/bin/python benchmarks/bench_stores.py [--iterations N] [--loads N]

The Neo4j store runs against NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE) when set,
else against an ArcadeDB Bolt server started for the run (tests/bolt_server.py) and stopped after.
Loads run with no grace period before the old generation is deleted (the store's default waits 1 s
there for in-flight readers: idle time, not work). Latencies are per call, over the same seeded
sample of ids for both stores; the median and p99 are printed in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.embedded_store import EmbeddedStore  # noqa: E402
from graph.export import export_json  # noqa: E402
from graph.model import HIERARCHY_KINDS, EdgeType, GraphBatch, NodeKind  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from graph.store import GraphStore  # noqa: E402
from loaders.corpus import DEFAULT_CORPUS  # noqa: E402
from loaders.pipeline import load_corpus  # noqa: E402


@contextmanager
def neo4j_store() -> Iterator[tuple[Neo4jStore, str]]:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        store = Neo4jStore(
            uri,
            os.environ.get("NEO4J_USER"),
            os.environ.get("NEO4J_PASSWORD"),
            os.environ.get("NEO4J_DATABASE"),
            graph="bench",
            grace_seconds=0.0,
        )
        try:
            yield store, f"Neo4j at {uri}"
        finally:
            store.drop()
            store.close()
        return
    from tests.bolt_server import BoltServer

    with tempfile.TemporaryDirectory(prefix="bench-arcadedb-") as tmp:
        server = BoltServer(Path(tmp), databases=("bench",))
        server.start()
        store = Neo4jStore(server.uri, server.user, server.password, "bench", graph="bench", grace_seconds=0.0)
        try:
            yield store, "ArcadeDB Bolt server (arcadedb-embedded), local"
        finally:
            store.close()
            server.stop()


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def time_calls(fn: Callable[[str], object], args: list[str], iterations: int) -> list[float]:
    out = []
    for i in range(iterations):
        a = args[i % len(args)]
        t = time.perf_counter()
        fn(a)
        out.append((time.perf_counter() - t) * 1000)
    return out


def bench_store(store: GraphStore, batch: GraphBatch, loads: int, iterations: int, seed: int) -> dict[str, list[float]]:
    # One untimed load and round of queries first: the JVM behind a Bolt server compiles its hot
    # paths on first use, and the first load also creates the schema.
    store.replace(batch)
    load_times = []
    for _ in range(loads):
        t = time.perf_counter()
        store.replace(batch)
        load_times.append(time.perf_counter() - t)
    results: dict[str, list[float]] = {"load (s)": load_times}
    rng = random.Random(seed)
    hierarchy = sorted(n.id for n in batch.nodes if n.kind in HIERARCHY_KINDS)
    sample = rng.sample(hierarchy, min(200, len(hierarchy)))
    # Hierarchy roots that have a hierarchy (documents' plans), not external plans named in passing.
    contains = [e for e in batch.edges if e.type is EdgeType.CONTAINS]
    roots = sorted({e.source for e in contains} - {e.target for e in contains}) or sample[:1]
    agencies = sorted(n.id for n in batch.nodes if n.kind is NodeKind.AGENCY) or sample[:1]
    time_calls(store.responsible_for, sample, 20)
    results["node"] = time_calls(store.node, sample, iterations)
    results["children"] = time_calls(store.children, sample, iterations)
    results["ancestors"] = time_calls(store.ancestors, sample, iterations)
    results["descendants (root)"] = time_calls(store.descendants, roots, max(10, iterations // 10))
    results["responsibilities"] = time_calls(store.responsibilities, agencies, iterations)
    results["responsible_for"] = time_calls(store.responsible_for, sample, iterations)
    results["export json"] = time_calls(lambda _: export_json(store), ["-"], max(3, iterations // 40))
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Bulk load and query latency of the embedded and Neo4j stores.")
    p.add_argument("--iterations", type=int, default=200, help="calls per query (default 200)")
    p.add_argument("--loads", type=int, default=3, help="bulk loads per store (default 3)")
    p.add_argument("--seed", type=int, default=5)
    args = p.parse_args(argv)

    t = time.perf_counter()
    batch = load_corpus(DEFAULT_CORPUS)
    parse_s = time.perf_counter() - t
    print(
        f"corpus: {len(batch.nodes)} nodes, {len(batch.edges)} edges, {len(batch.documents)} documents "
        f"(parsed in {parse_s:.2f} s)"
    )

    embedded = bench_store(EmbeddedStore(), batch, args.loads, args.iterations, args.seed)
    with neo4j_store() as (store, where):
        print(f"neo4j store: {where}")
        neo = bench_store(store, batch, args.loads, args.iterations, args.seed)

    n = len(batch.nodes)
    print()
    print(f"{'':22}{'embedded':>26}{'neo4j':>26}")
    emb_load, neo_load = statistics.median(embedded["load (s)"]), statistics.median(neo["load (s)"])
    print(
        f"{'bulk load':22}{f'{n / emb_load:,.0f} nodes/s ({emb_load:.2f} s)':>26}"
        f"{f'{n / neo_load:,.0f} nodes/s ({neo_load:.2f} s)':>26}"
    )
    print(f"{'query (ms)':22}{'median / p99':>26}{'median / p99':>26}")
    for name in embedded:
        if name == "load (s)":
            continue
        e, q = embedded[name], neo[name]
        cell_e = f"{statistics.median(e):.3f} / {percentile(e, 99):.3f}"
        cell_q = f"{statistics.median(q):.3f} / {percentile(q, 99):.3f}"
        print(f"{name:22}{cell_e:>26}{cell_q:>26}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
