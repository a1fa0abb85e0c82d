"""Time a full load of the bundled corpus: read, parse (documents -> batch) and build (batch ->
embedded store) separately. Prints median and min over several runs.

    .venv/bin/python benchmarks/bench_load.py [--runs N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from core.agencies import load_agency_book
from graph.embedded_store import EmbeddedStore
from loaders.corpus import DEFAULT_CORPUS
from loaders.pipeline import build_batch, read_corpus_sources


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args()
    # First run also pays imports and one-time caches (spaCy, OpenCC): reported separately.
    timings: dict[str, list[float]] = {"read": [], "parse": [], "build": []}
    nodes = edges = 0
    for i in range(args.runs + 1):
        t0 = time.perf_counter()
        sources = read_corpus_sources(args.corpus)
        t1 = time.perf_counter()
        batch = build_batch(sources, book=load_agency_book())
        t2 = time.perf_counter()
        EmbeddedStore().replace(batch)
        t3 = time.perf_counter()
        if i == 0:
            print(f"first (cold) run: read {t1 - t0:.3f}s parse {t2 - t1:.3f}s build {t3 - t2:.3f}s")
            continue
        timings["read"].append(t1 - t0)
        timings["parse"].append(t2 - t1)
        timings["build"].append(t3 - t2)
        nodes, edges = len(batch.nodes), len(batch.edges)
    print(f"corpus: {args.corpus} ({len(sources)} documents) -> {nodes} nodes, {edges} edges")
    print(f"{'stage':<8}{'median s':>10}{'min s':>10}")
    for stage, values in timings.items():
        print(f"{stage:<8}{statistics.median(values):>10.3f}{min(values):>10.3f}")
    total = sum(statistics.median(v) for v in timings.values())
    print(f"{'total':<8}{total:>10.3f}   ({nodes / total:,.0f} nodes/s)")


if __name__ == "__main__":
    main()
