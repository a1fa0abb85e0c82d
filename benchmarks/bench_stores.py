"""Both stores side by side: bulk load of the bundled corpus (nodes/s) and the main queries' latency.

    .venv/bin/python benchmarks/bench_stores.py [--iterations N] [--loads N]

The Neo4j store runs against NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE) when set,
else against an ArcadeDB Bolt server started for the run (tests/bolt_server.py) and stopped after.
A Neo4j load is timed until the generation it replaced is deleted too: the store deletes it after
a grace period for in-flight readers (30 s by default: idle time, not work), here a millisecond,
and the benchmark waits for that deletion (Neo4jStore.wait_retired) inside the timed load. (A grace
of 0, deleting inline, deadlocks on the store's write lock: replace() holds it while _retire ->
_discard_retired takes it again.) Latencies are per call, over the same seeded
sample of ids for both stores; the median and p99 are printed in milliseconds, with the number of
calls timed (the whole-graph and multi-hop queries run fewer times).

Besides the store reads: `cross_lineage` (a node's chain to its plan, then cross-plan links two
hops out), `explain_paths` (why two nodes are connected: shortest paths over every edge type,
between a hierarchy node and an agency, and between two plans), and search (queries/search.py): the
index built from the store's nodes, then ranked queries over it (agency names, which expand to
their abbreviations, and title fragments). Search answers from the in-memory index on either store,
so only the index build differs by store; both are printed.
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
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.embedded_store import EmbeddedStore  # noqa: E402
from graph.export import export_json  # noqa: E402
from graph.model import HIERARCHY_KINDS, EdgeType, GraphBatch, NodeKind  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from graph.store import GraphStore  # noqa: E402
from loaders.corpus import DEFAULT_CORPUS  # noqa: E402
from loaders.pipeline import load_corpus  # noqa: E402
from queries import search as sq  # noqa: E402

T = TypeVar("T")

# Seconds a replaced Neo4j generation stays readable; the timed load waits for its deletion.
GRACE = 0.001


def replace(store: GraphStore, batch: GraphBatch) -> None:
    store.replace(batch)
    if isinstance(store, Neo4jStore):
        store.wait_retired()


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
            grace_seconds=GRACE,
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
        store = Neo4jStore(server.uri, server.user, server.password, "bench", graph="bench", grace_seconds=GRACE)
        try:
            yield store, "ArcadeDB Bolt server (arcadedb-embedded), local"
        finally:
            store.close()
            server.stop()


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def time_calls(fn: Callable[[T], object], args: list[T], iterations: int) -> list[float]:
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
    replace(store, batch)
    load_times = []
    for _ in range(loads):
        t = time.perf_counter()
        replace(store, batch)
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
    # Multi-hop walks: one store round trip per level on Neo4j, so fewer calls.
    walks = max(10, iterations // 4)
    results["cross_lineage"] = time_calls(store.cross_lineage, sample, walks)
    plan_pairs = [(a, b) for a in roots for b in roots if a < b]
    pairs = [(n, rng.choice(agencies)) for n in sample[: walks // 2]] + plan_pairs
    rng.shuffle(pairs)
    results["explain_paths"] = time_calls(lambda ab: store.explain_paths(*ab), pairs, walks)
    results["export json"] = time_calls(lambda _: export_json(store), ["-"], max(3, iterations // 40))
    builds = max(3, iterations // 40)
    results["search index build"] = time_calls(lambda _: sq.SearchIndex.build(store), ["-"], builds)
    index = sq.SearchIndex.build(store)
    by_id = {n.id: n for n in batch.nodes}
    terms = [by_id[a].title for a in agencies[:20]] + [by_id[i].title[:6] for i in sample[:40]]
    rng.shuffle(terms)
    results["search"] = time_calls(lambda t: sq.search(index, t), terms, iterations)
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
    print(f"{'query (ms)':22}{'median / p99':>26}{'median / p99':>26}{'calls':>8}")
    for name in embedded:
        if name == "load (s)":
            continue
        e, q = embedded[name], neo[name]
        cell_e = f"{statistics.median(e):.3f} / {percentile(e, 99):.3f}"
        cell_q = f"{statistics.median(q):.3f} / {percentile(q, 99):.3f}"
        print(f"{name:22}{cell_e:>26}{cell_q:>26}{len(e):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
