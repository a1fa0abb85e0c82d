"""Scale: 10, 100 and 1,000 generated plans (tools/gen_corpus.py) on both stores. Load time and peak
memory, load accuracy against the generator's truth, and p50/p99 latency of lineage,
responsibility, search and cross-plan queries through GraphQL (in-process ASGI, sequential).

    .venv/bin/python benchmarks/bench_scale.py                      # 10,100,1000 on both stores
    .venv/bin/python benchmarks/bench_scale.py --sizes 10,100       # quick
    .venv/bin/python benchmarks/bench_scale.py --stores embedded --plot docs/scale.png

Each (store, size) runs in its own process (clean memory figures) with a time limit (--limit-minutes,
default 15): a run that exceeds it is stopped, and its load time is projected from the smaller
sizes. The Neo4j store runs against NEO4J_URI (NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE) when
set, else against an ArcadeDB Bolt server this script starts on 127.0.0.1 (benchmarks/bolt_helper.py,
the tests' server with a bigger heap) and stops at the end.

Queries are asked about the same nodes at every size (in the first plans), so a query whose work
does not depend on the corpus should not slow down when unrelated plans are added. After the write
the server's post-load hooks run, as in a load by GraphService.reload: the GraphQL router builds the
per-generation caches (search index, agency list), then the app freezes the collector's view
(`--no-gc-freeze` leaves that out); their time is "warm s". Each latency is one request after
warm-up requests; "first ms" is the first request of each query (caches not warmed by the hooks are
built there).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SEED = 7
RESULT = "RESULT "


# --- the queries ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    name: str
    # What the answer's size depends on: "constant" (same answer at every size) or "corpus".
    work: str
    text: str


QUERIES = [
    Query(
        "lineage",
        "constant",
        """query($id: ID!) { lineage(id: $id, down: 1) { ancestors { nodes { hops node { id title } } }
           descendants { totalCount nodes { node { id } } } } }""",
    ),
    Query(
        "responsibleFor",
        "constant",
        """query($id: ID!) { responsibleFor(id: $id) { totalCount nodes { role explicit agency { name }
           evidence { quote } } } }""",
    ),
    Query(
        "responsibilities",
        "corpus",
        """query($agency: String!) { responsibilities(agency: $agency) { totalCount leadCount coCount
           byPlan(first: 5) { totalCount nodes { plan { id } leadCount coCount
           items(first: 10) { nodes { role node { id title } } } } } } }""",
    ),
    Query(
        "search (rare title)",
        "constant",
        """query($text: String!) { search(text: $text, first: 10) { totalCount nodes { score node { id } } } }""",
    ),
    Query(
        "search (common word)",
        "corpus",
        """query($text: String!) { search(text: $text, first: 10) { totalCount nodes { score node { id } } } }""",
    ),
    Query(
        "cross-plan lineage",
        "constant",
        """query($id: ID!) { lineage(id: $id, up: 0, down: 0, crossPlanLevels: 1) {
           crossPlan(first: 20) { totalCount nodes { hops node { id } } } } }""",
    ),
    Query(
        "cross-plan paths",
        "corpus",
        """query($id: ID!, $to: ID!) { paths(from: $id, to: $to, maxHops: 4) { length
           paths { nodes { hops { type } } } } }""",
    ),
]


def query_params(truth: dict[str, Any], n: int) -> dict[str, list[dict[str, Any]]]:
    """Variables for each query, taken from the first plans (present at every size)."""
    docs = truth["documents"][: min(5, len(truth["documents"]))]
    measures = [t for d in docs for t in d["nodes"] if t["kind"] == "Measure"][:n]
    strategies = [t for d in docs for t in d["nodes"] if t["kind"] == "Strategy"][:n]
    other = [t for t in truth["documents"][1]["nodes"] if t["kind"] == "Strategy"]
    agencies = ["國科會", "經濟部", "數發部", "衛福部", "交通部", "教育部", "內政部", "農業部"]
    return {
        "lineage": [{"id": m["id"]} for m in measures],
        "responsibleFor": [{"id": m["id"]} for m in measures],
        "responsibilities": [{"agency": agencies[i % len(agencies)]} for i in range(n)],
        "search (rare title)": [{"text": m["title"]} for m in measures],
        "search (common word)": [{"text": w} for w in ["半導體", "人才培育", "資安", "淨零", "國際合作"]],
        "cross-plan lineage": [{"id": s["id"]} for s in strategies],
        "cross-plan paths": [{"id": s["id"], "to": other[i % len(other)]["id"]} for i, s in enumerate(strategies)],
    }


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


# --- one (store, size) run, in a child process ---------------------------------------------------------
def _rss(key: str) -> float:
    """VmRSS / VmHWM (peak) of this process in MB. Not ru_maxrss: Linux carries the parent's peak
    across fork and exec, so a child would report the generator's memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: argparse.Namespace) -> int:
    import httpx

    from app.main import create_app, freeze_after_load
    from app.service import GraphService, LoadReport
    from app.settings import Settings
    from core.agencies import load_agency_book
    from graph.embedded_store import EmbeddedStore
    from graph.store import GraphStore
    from loaders.pipeline import build_batch, read_corpus_sources
    from tools.truth_check import compare

    out = Path(args.result)

    def emit(**kv: Any) -> None:
        with out.open("a", encoding="utf-8") as f:
            f.write(json.dumps(kv, ensure_ascii=False) + "\n")

    base_mb = _rss("VmRSS")
    corpus = Path(args.corpus)
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    sources = read_corpus_sources(corpus)
    t1 = time.perf_counter()
    batch = build_batch(sources, book=load_agency_book())
    t2 = time.perf_counter()
    acc = compare(batch, truth)
    emit(
        phase="parse",
        read_s=t1 - t0,
        parse_s=t2 - t1,
        nodes=len(batch.nodes),
        edges=len(batch.edges),
        aligns=sum(1 for e in batch.edges if e.type.value == "ALIGNS_WITH"),
        accuracy={k: [s.precision, s.recall] for k, s in acc.scores().items()},
        perfect=acc.perfect(),
    )
    settings = Settings(corpus=corpus)
    store: GraphStore
    if args.store == "neo4j":
        from graph.neo4j_store import Neo4jStore

        store = Neo4jStore(
            args.neo4j_uri, args.neo4j_user, args.neo4j_password, args.neo4j_database, graph=f"scale-{args.size}"
        )
    else:
        store = EmbeddedStore()
    svc = GraphService(settings, store=store)
    app = create_app(settings, svc)  # registers the server's post-load hooks (caches' warm-up, gc.freeze)
    if args.no_gc_freeze:  # experiment: without the server's gc.freeze() after the warm-up
        svc.post_load.remove(freeze_after_load)
    t3 = time.perf_counter()
    info = store.replace(batch)
    t4 = time.perf_counter()
    # What GraphService.reload does after the write: the post-load hooks.
    report = LoadReport(True, str(corpus), "", "", info.generation, info.nodes, info.edges)
    hooks: dict[str, float] = {}
    for hook in svc.post_load:
        t = time.perf_counter()
        hook(report, batch)
        hooks[getattr(hook, "__name__", repr(hook))] = time.perf_counter() - t
    t5 = time.perf_counter()
    peak_mb = _rss("VmHWM")
    emit(phase="load", write_s=t4 - t3, warm_s=t5 - t4, hooks=hooks, base_mb=base_mb, peak_mb=peak_mb)
    params = query_params(truth, args.requests)
    del batch, sources, report
    # Time spent in the collector's full (generation 2) collections while queries run: with a few
    # million live objects one takes seconds, which shows as p99 outliers.
    import gc

    gc_full = {"n": 0, "s": 0.0, "t": 0.0}

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            gc_full["t"] = time.perf_counter()
        else:
            gc_full["n"] += 1
            gc_full["s"] += time.perf_counter() - gc_full["t"]

    gc.callbacks.append(on_gc)

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:

            async def ask(q: Query, variables: dict[str, Any], cold: bool = False) -> float:
                t = time.perf_counter()
                while True:
                    r = await client.post("/graphql", json={"query": q.text, "variables": variables})
                    body = r.json()
                    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
                    # A cold request may time out while the per-generation cache it waits for is
                    # still being built (the build goes on): ask again, and count it.
                    if cold and codes == ["TIMEOUT"] and time.perf_counter() - t < 600:
                        timeouts[q.name] = timeouts.get(q.name, 0) + 1
                        continue
                    break
                dt = (time.perf_counter() - t) * 1000
                if r.status_code != 200 or body.get("errors"):
                    raise RuntimeError(f"{q.name}: {r.status_code} {json.dumps(body, ensure_ascii=False)[:300]}")
                return dt

            timeouts: dict[str, int] = {}
            for q in QUERIES:
                vs = params[q.name]
                first = await ask(q, vs[0], cold=True)  # builds the per-generation caches it needs
                for i in range(3):  # warm-up (parser cache, JIT of the database server)
                    await ask(q, vs[(i + 1) % len(vs)])
                lat = [await ask(q, vs[i % len(vs)]) for i in range(args.requests)]
                emit(
                    phase="query",
                    query=q.name,
                    first_ms=first,
                    first_timeouts=timeouts.get(q.name, 0),
                    p50=statistics.median(lat),
                    p99=pct(lat, 99),
                )

    try:
        asyncio.run(run())
    finally:
        if args.store == "neo4j":
            from graph.neo4j_store import Neo4jStore

            assert isinstance(store, Neo4jStore)
            store.drop()
        store.close()
    emit(
        phase="done",
        peak_mb=_rss("VmHWM"),
        gc_full_collections=gc_full["n"],
        gc_full_seconds=gc_full["s"],
        objects=len(gc.get_objects()),
    )
    return 0


# --- the driver -----------------------------------------------------------------------------------------
@dataclass
class Run:
    store: str
    size: int
    parse: dict[str, Any] = field(default_factory=dict)
    load: dict[str, Any] = field(default_factory=dict)
    queries: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float = 0.0
    status: str = "ok"
    server_mb: float = 0.0

    @property
    def load_s(self) -> float | None:
        if not self.parse or not self.load:
            return None
        return float(self.parse["read_s"] + self.parse["parse_s"] + self.load["write_s"])


def run_one(store: str, size: int, corpus: Path, args: argparse.Namespace, bolt: dict[str, str]) -> Run:
    run = Run(store, size)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        result = Path(f.name)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--store",
        store,
        "--size",
        str(size),
        "--corpus",
        str(corpus),
        "--result",
        str(result),
        "--requests",
        str(args.requests),
        *(["--no-gc-freeze"] if args.no_gc_freeze else []),
    ]
    for k, v in bolt.items():
        cmd += [f"--neo4j-{k}", v]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate(timeout=args.limit_minutes * 60)
        if proc.returncode != 0:
            run.status = "failed: " + (err.strip().splitlines() or ["?"])[-1][:200]
    except subprocess.TimeoutExpired:
        proc.kill()  # our own child
        proc.communicate()
        run.status = f"stopped after {args.limit_minutes:g} min"
    run.seconds = time.perf_counter() - t0
    for line in result.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        phase = rec.pop("phase")
        if phase == "parse":
            run.parse = rec
        elif phase == "load":
            run.load = rec
        elif phase == "query":
            run.queries[rec.pop("query")] = rec
        elif phase == "done":
            run.load["final_mb"] = rec["peak_mb"]
            run.load["gc"] = {k: rec[k] for k in ("gc_full_collections", "gc_full_seconds", "objects")}
    result.unlink()
    return run


def project(runs: list[Run], store: str, size: int, nodes: int | None) -> str:
    """Load time projected from the largest finished run of `store` (linear in nodes)."""
    done = [r for r in runs if r.store == store and r.load_s is not None and r.size < size]
    if not done or not nodes:
        return "?"
    ref = max(done, key=lambda r: r.size)
    assert ref.load_s is not None
    return f"~{ref.load_s * nodes / ref.parse['nodes'] / 60:.0f} min (projected from {ref.size})"


def print_tables(runs: list[Run]) -> None:
    print(
        "\nLoad (read + parse, then write to the store; warm = the post-load hooks that build the per-generation "
        "caches; peak RSS of the loading process; accuracy vs truth)"
    )
    cols = ["nodes", "edges", "parse s", "write s", "warm s", "nodes/s", "peak MB"]
    head = f"{'store':<9}{'docs':>6}" + "".join(f"{c:>9}" for c in cols) + "  accuracy"
    print(head)
    print("-" * (len(head) + 10))
    for r in runs:
        if not r.parse:
            print(f"{r.store:<9}{r.size:>6}  {r.status}")
            continue
        p = r.parse
        write = r.load.get("write_s")
        total = r.load_s
        rate = f"{p['nodes'] / total:9.0f}" if total else f"{'-':>9}"
        acc = "1.0 (nodes, parents, responsibilities, lines, ids)" if p["perfect"] else json.dumps(p["accuracy"])
        w = f"{write:9.1f}" if write is not None else f"{'-':>9}"
        warm = r.load.get("warm_s")
        w += f"{warm:9.1f}" if warm is not None else f"{'-':>9}"
        peak = f"{r.load['peak_mb']:9.0f}" if r.load else f"{'-':>9}"
        parse = p["read_s"] + p["parse_s"]
        print(f"{r.store:<9}{r.size:>6}{p['nodes']:>9}{p['edges']:>9}{parse:>9.1f}{w}{rate}{peak}  {acc}")
        if r.load.get("hooks"):
            print(f"{'':<15}post-load hooks: " + ", ".join(f"{k} {v:.1f} s" for k, v in r.load["hooks"].items()))
        if r.server_mb:
            print(f"{'':<15}ArcadeDB server RSS after the run: {r.server_mb:.0f} MB")
        if r.status != "ok":
            print(f"{'':<15}{r.status}")
    print("\nFull garbage collections while the queries ran (tracked objects at the end)")
    for r in runs:
        g = r.load.get("gc")
        if g:
            print(
                f"{r.store:<9}{r.size:>6}  {g['gc_full_collections']} collections, {g['gc_full_seconds']:.2f} s, "
                f"{g['objects']:,} objects"
            )
    print("\nGraphQL latency, ms (p50 / p99 of sequential requests after warm-up; first = cold request)")
    names = [q.name for q in QUERIES]
    print(f"{'query':<22}{'work':<9}" + "".join(f"{f'{r.store[:3]} {r.size}':>20}" for r in runs))
    for q in QUERIES:
        cells = []
        for r in runs:
            v = r.queries.get(q.name)
            cells.append(f"{v['p50']:7.1f} /{v['p99']:7.1f}    " if v else f"{'-':>20}")
        print(f"{q.name:<22}{q.work:<9}" + "".join(f"{c:>20}" for c in cells))
    print(f"{'first (cold) request':<31}" + "".join(f"{'':>20}" for _ in runs))
    for name in names:
        cells = []
        for r in runs:
            v = r.queries.get(name)
            t = f" ({v['first_timeouts']} TIMEOUT)" if v and v.get("first_timeouts") else ""
            cells.append(f"{v['first_ms']:9.0f}{t}" if v else "-")
        print(f"  {name:<29}" + "".join(f"{c:>20}" for c in cells))


def plot(runs: list[Run], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stores = sorted({r.store for r in runs})
    fig, axes = plt.subplots(1, len(stores), figsize=(6.5 * len(stores), 4.8), squeeze=False, sharey=True)
    for ax, store in zip(axes[0], stores, strict=True):
        mine = sorted((r for r in runs if r.store == store), key=lambda r: r.size)
        for i, q in enumerate(QUERIES):
            pts = [(r.size, r.queries[q.name]) for r in mine if q.name in r.queries]
            if not pts:
                continue
            xs = [p[0] for p in pts]
            color = f"C{i}"
            style = "-" if q.work == "constant" else "--"
            ax.plot(xs, [p[1]["p50"] for p in pts], style, marker="o", color=color, label=f"{q.name} ({q.work})")
            ax.plot(xs, [p[1]["p99"] for p in pts], ":", color=color, alpha=0.5)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("generated plans in the corpus")
        ax.set_title(f"{store} store: p50 (markers), p99 (dotted)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("GraphQL latency, ms")
    axes[0][-1].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"\nplot: {path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--stores", default="embedded,neo4j")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--requests", type=int, default=40, help="requests per query (sequential)")
    ap.add_argument("--limit-minutes", type=float, default=15.0, help="per (store, size) run")
    ap.add_argument("--plot", type=Path, default=None, help="write the latency plot (PNG) here")
    ap.add_argument("--json", type=Path, default=None, help="write all figures as JSON here")
    ap.add_argument("--heap", default="3g", help="ArcadeDB JVM heap")
    ap.add_argument(
        "--no-gc-freeze", action="store_true", help="experiment: without the gc.freeze() after each load's warm-up"
    )
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    for k in ("uri", "user", "password", "database"):
        ap.add_argument(f"--neo4j-{k}", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    if not sizes or min(sizes) < 2 or max(sizes) > 5000 or not set(stores) <= {"embedded", "neo4j"}:
        ap.error("--sizes: 2..5000 each; --stores: embedded and/or neo4j")
    if not 1 <= args.requests <= 1000:
        ap.error("--requests: 1..1000")

    from tools.gen_corpus import generate_corpus, write_corpus

    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        corpora: dict[int, Path] = {}
        for n in sizes:
            t0 = time.perf_counter()
            corpora[n] = Path(tmp) / f"c{n}"
            info = write_corpus(generate_corpus(n, args.seed), corpora[n])
            print(
                f"generated {n} plans (seed {args.seed}): {info['nodes']} plan nodes, {info['bytes'] / 1e6:.1f} MB "
                f"in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
        server = None
        bolt: dict[str, str] = {}
        try:
            for store in stores:
                if store == "neo4j":
                    if os.environ.get("NEO4J_URI"):
                        bolt = {
                            k: v
                            for k, v in {
                                "uri": os.environ.get("NEO4J_URI"),
                                "user": os.environ.get("NEO4J_USER"),
                                "password": os.environ.get("NEO4J_PASSWORD"),
                                "database": os.environ.get("NEO4J_DATABASE"),
                            }.items()
                            if v
                        }
                    else:
                        from benchmarks.bolt_helper import BenchBoltServer

                        server = BenchBoltServer(Path(tmp) / "arcadedb", heap=args.heap)
                        print(f"starting ArcadeDB (Bolt, heap {args.heap}) on 127.0.0.1 ...", flush=True)
                        server.start()
                        bolt = {
                            "uri": server.uri,
                            "user": server.user,
                            "password": server.password,
                            "database": "bench",
                        }
                for n in sizes:
                    print(f"running {store} x {n} ...", flush=True)
                    r = run_one(store, n, corpora[n], args, bolt if store == "neo4j" else {})
                    if server is not None and store == "neo4j":
                        from benchmarks.bolt_helper import rss_mb

                        r.server_mb = rss_mb(server.pid)[0]
                    if r.status != "ok" and r.load_s is None:
                        nodes = next((x.parse.get("nodes") for x in runs if x.size == n and x.parse), None)
                        r.status += f"; load {project(runs, store, n, nodes)}"
                    print(
                        f"  {r.status} in {r.seconds:.0f} s"
                        + (f" (ArcadeDB RSS {r.server_mb:.0f} MB)" if r.server_mb else ""),
                        flush=True,
                    )
                    runs.append(r)
        finally:
            if server is not None:
                server.stop()
    print_tables(runs)
    if args.plot:
        plot(runs, args.plot)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in runs], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(r.status == "ok" for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
