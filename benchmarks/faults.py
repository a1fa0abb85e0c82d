"""Faults: the Bolt server killed during a load, killed during queries, stopped cleanly during queries,
each time restarted; then a GraphQL fuzz run. Prints every check and the figures of each scenario.

    .venv/bin/python benchmarks/faults.py [--docs 40] [--seconds 20] [--clients 16] [--fuzz 400]

Runs against an ArcadeDB Bolt server it starts on 127.0.0.1 (tests/bolt_server.py through
benchmarks/bolt_helper.py) and stops at the end; the service and app run in this process
(tools/fault_scenarios.py). Bounded: at most 200 generated plans, 120 s of queries, 5,000 fuzz cases.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bolt_helper import BenchBoltServer  # noqa: E402
from tools.fault_scenarios import Result, fuzz, kill_during_load, kill_during_queries  # noqa: E402
from tools.gen_corpus import generate_corpus, write_corpus  # noqa: E402

DATABASE = "bench"


def show(res: Result, seconds: float) -> None:
    print(f"\n== {res.name} ({seconds:.0f} s): {'PASS' if res.ok else 'FAIL'}")
    for what, ok in res.checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {what}")
    for k, v in res.figures.items():
        text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        print(f"  {k}: {text[:400]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=40, help="plans in the corpus a load writes when it is killed")
    ap.add_argument("--seconds", type=float, default=20.0, help="query time per query scenario")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--fuzz", type=int, default=400, help="valid generated queries (half as many invalid)")
    args = ap.parse_args(argv)
    if not (4 <= args.docs <= 200 and 4 <= args.seconds <= 120 and 1 <= args.clients <= 64 and 1 <= args.fuzz <= 5000):
        ap.error("bounds: 4-200 docs, 4-120 seconds, 1-64 clients, 1-5000 fuzz cases")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        small, big = Path(tmp) / "small", Path(tmp) / "big"
        write_corpus(generate_corpus(5, 99), small)
        write_corpus(generate_corpus(args.docs, 99), big)
        truth = json.loads((small / "truth.json").read_text(encoding="utf-8"))
        ids = [n["id"] for d in truth["documents"] for n in d["nodes"] if n["kind"] in ("Measure", "Strategy")][:50]
        server = BenchBoltServer(Path(tmp) / "arcadedb", databases=(DATABASE,), heap="1g")
        print(f"ArcadeDB on 127.0.0.1 ({server.uri}); corpora of 5 and {args.docs} generated plans")
        server.start()
        try:
            t0 = time.perf_counter()
            res = kill_during_load(server, DATABASE, small, big)
            show(res, time.perf_counter() - t0)
            results.append(res)
            for clean in (False, True):
                t0 = time.perf_counter()
                res = kill_during_queries(
                    server, DATABASE, small, ids, clients=args.clients, seconds=args.seconds, clean=clean
                )
                show(res, time.perf_counter() - t0)
                results.append(res)
        finally:
            server.stop()

    from app.service import GraphService
    from app.settings import Settings
    from graph.embedded_store import EmbeddedStore

    svc = GraphService(Settings(), store=EmbeddedStore())
    report = svc.reload()  # the bundled corpus
    assert report.ok, report.error
    t0 = time.perf_counter()
    res = fuzz(svc, args.fuzz)
    show(res, time.perf_counter() - t0)
    results.append(res)
    print(f"\n{sum(r.ok for r in results)} of {len(results)} scenarios passed")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
