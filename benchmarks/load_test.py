"""Concurrent analysts while the graph is reloaded: 50 async clients for 60 s against the GraphQL
endpoint of a real server (`policygraph serve` on 127.0.0.1), while an admin reloads the corpus
again and again through the `reload` mutation.

    .venv/bin/python benchmarks/load_test.py [--clients 50] [--seconds 60] [--docs 20] [--store neo4j]

The corpus (tools/gen_corpus.py) is switched between two manifests before every reload: A with
`--docs` plans and B with one more, so consecutive generations differ. Every analyst request asks
its own question (lineage, responsibility, search, node, responsibilities of an agency) together
with `stats { generation nodeCount }`, `documents { totalCount }` and `nodes(kinds: [PLAN]) {
totalCount }`: a response whose node count is not the one its generation was loaded with, or whose
document and plan counts disagree with each other or with that generation, mixed two generations.

Prints throughput, latency percentiles per question, errors, mixed responses and reload times.
Exit code 0 only with zero errors and zero mixed responses. Bounded: at most 200 clients, 600 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.gen_corpus import generate_corpus, write_corpus  # noqa: E402

CONSISTENCY = "stats { generation nodeCount } documents { totalCount } plans: nodes(kinds: [PLAN]) { totalCount }"
QUESTIONS: dict[str, str] = {
    "lineage": "query($id: ID!) { lineage(id: $id, down: 1) { ancestors { nodes { node { id } } } "
    "descendants { totalCount } } %s }",
    "responsibleFor": "query($id: ID!) { responsibleFor(id: $id) { nodes { role agency { name } } } %s }",
    "node": "query($id: ID!) { node(id: $id) { id title lines { start } } %s }",
    "search": "query($text: String!) { search(text: $text, first: 10) { totalCount nodes { node { id } } } %s }",
    "responsibilities": "query($agency: String!) { responsibilities(agency: $agency) { totalCount leadCount } %s }",
}
RELOAD = "mutation { reload { ok generation nodeCount edgeCount error } }"


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)
    generations_seen: Counter[str] = field(default_factory=Counter)
    reloads: list[tuple[float, bool, str]] = field(default_factory=list)  # (seconds, ok, generation)
    # generation -> (node count, documents): from the reload answers and the first load
    known: dict[str, tuple[int, int]] = field(default_factory=dict)
    # responses whose generation was not known yet when they arrived: checked at the end
    pending: list[tuple[str, int, int, int]] = field(default_factory=list)


def write_manifests(corpus: Path, docs: int, seed: int) -> tuple[str, str]:
    """Write docs+1 plans; return manifest texts A (docs plans) and B (docs+1)."""
    write_corpus(generate_corpus(docs + 1, seed), corpus)
    full = (corpus / "manifest.yaml").read_text(encoding="utf-8")
    head, _sep, _last = full.rpartition("\n- id: ")
    return head + "\n", full  # A: without the last entry


def check(stats: Stats, gen: str, nodes: int, docs: int, plans: int) -> None:
    if docs != plans:
        stats.mixed.append(f"generation {gen}: {docs} documents but {plans} plans")
        return
    known = stats.known.get(gen)
    if known is None:
        stats.pending.append((gen, nodes, docs, plans))
    elif known != (nodes, docs):
        stats.mixed.append(f"generation {gen} has {known[0]} nodes/{known[1]} documents; response said {nodes}/{docs}")


async def analyst(
    client: httpx.AsyncClient, url: str, stop: float, ids: list[str], words: list[str], stats: Stats, seed: int
) -> None:
    rng = random.Random(seed)
    agencies = ["國科會", "經濟部", "數發部", "衛福部", "交通部"]
    while time.monotonic() < stop:
        name = rng.choice(list(QUESTIONS))
        variables: dict[str, Any]
        if name == "search":
            variables = {"text": rng.choice(words)}
        elif name == "responsibilities":
            variables = {"agency": rng.choice(agencies)}
        else:
            variables = {"id": rng.choice(ids)}
        t0 = time.perf_counter()
        try:
            r = await client.post(url, json={"query": QUESTIONS[name] % CONSISTENCY, "variables": variables})
            body = r.json()
        except (httpx.HTTPError, ValueError) as exc:
            stats.errors[f"{name}: {type(exc).__name__}"] += 1
            if len(stats.error_samples) < 5:
                stats.error_samples.append(f"{name}: {exc!r}")
            continue
        stats.latencies[name].append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200 or body.get("errors"):
            stats.errors[f"{name}: HTTP {r.status_code}"] += 1
            if len(stats.error_samples) < 5:
                stats.error_samples.append(f"{name} {variables}: {str(body)[:300]}")
            continue
        d = body["data"]
        gen = d["stats"]["generation"]
        stats.generations_seen[gen] += 1
        check(stats, gen, d["stats"]["nodeCount"], d["documents"]["totalCount"], d["plans"]["totalCount"])


async def reloader(
    client: httpx.AsyncClient,
    url: str,
    token: str,
    stop: float,
    every: float,
    corpus: Path,
    manifests: tuple[str, str],
    stats: Stats,
) -> None:
    flip = 1
    while time.monotonic() + every < stop:
        await asyncio.sleep(every)
        (corpus / "manifest.yaml").write_text(manifests[flip], encoding="utf-8")
        t0 = time.perf_counter()
        r = await client.post(url, json={"query": RELOAD}, headers={"Authorization": f"Bearer {token}"}, timeout=600)
        dt = time.perf_counter() - t0
        body = r.json()
        res = (body.get("data") or {}).get("reload") or {}
        ok = bool(res.get("ok"))
        if ok:
            stats.known[res["generation"]] = (res["nodeCount"], _doc_count(manifests[flip]))
        else:
            stats.errors["reload failed"] += 1
            stats.error_samples.append(f"reload: {str(body)[:300]}")
        stats.reloads.append((dt, ok, res.get("generation") or ""))
        flip = 1 - flip


def _doc_count(manifest: str) -> int:
    return sum(1 for line in manifest.splitlines() if line.startswith("- id: "))


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] if s else 0.0


def start_server(corpus: Path, port: int, token: str, neo4j: dict[str, str] | None) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).parent / "policygraph"
    cmd = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--corpus", str(corpus)]
    for k, v in (neo4j or {}).items():
        cmd += [f"--neo4j-{k}", v]
    env = {**os.environ, "POLICYGRAPH_ADMIN_TOKEN": token}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as c:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace")[-1500:] if proc.stderr else ""
                raise SystemExit(f"the server exited:\n{err}")
            try:
                r = await c.get(f"{base}/health")
                if r.status_code == 200 and r.json().get("status") == "ok":
                    return dict(r.json())
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit("the server did not become healthy in time")


async def drive(
    args: argparse.Namespace, corpus: Path, manifests: tuple[str, str], neo4j: dict[str, str] | None
) -> Stats:
    from benchmarks.bolt_helper import free_port

    token = secrets.token_hex(16)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/graphql"
    (corpus / "manifest.yaml").write_text(manifests[0], encoding="utf-8")
    proc = start_server(corpus, port, token, neo4j)
    stats = Stats()
    try:
        await wait_ready(base, proc)
        limits = httpx.Limits(max_connections=args.clients + 2, max_keepalive_connections=args.clients + 2)
        async with httpx.AsyncClient(limits=limits, timeout=120) as client:
            first = (await client.post(url, json={"query": "{ " + CONSISTENCY + " }"})).json()["data"]
            stats.known[first["stats"]["generation"]] = (first["stats"]["nodeCount"], first["documents"]["totalCount"])
            ids_q = "{ nodes(kinds: [MEASURE, STRATEGY], first: 100) { nodes { id } } }"
            ids = [n["id"] for n in (await client.post(url, json={"query": ids_q})).json()["data"]["nodes"]["nodes"]]
            words = ["半導體", "人才培育", "資安", "淨零", "國際合作", "數發部", "智慧醫療"]
            stop = time.monotonic() + args.seconds
            t0 = time.perf_counter()
            await asyncio.gather(
                reloader(client, url, token, stop, args.reload_every, corpus, manifests, stats),
                *(analyst(client, url, stop, ids, words, stats, i) for i in range(args.clients)),
            )
            stats.latencies["_wall"] = [time.perf_counter() - t0]
    finally:
        proc.send_signal(signal.SIGTERM)  # our own server process
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    for gen, nodes, docs, _plans in stats.pending:
        known = stats.known.get(gen)
        if known is None:
            stats.mixed.append(f"generation {gen} was never loaded (response said {nodes} nodes, {docs} documents)")
        elif known != (nodes, docs):
            stats.mixed.append(f"generation {gen} has {known[0]}/{known[1]}; response said {nodes}/{docs}")
    return stats


def report(stats: Stats, args: argparse.Namespace) -> int:
    wall = stats.latencies.pop("_wall", [args.seconds])[0]
    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values())
    every = args.reload_every
    print(f"\n{args.clients} analysts for {wall:.0f} s against the {args.store} store, reloading every {every:g} s")
    print(f"requests: {total} answered ({total / wall:.0f}/s), errors: {errors}, mixed generations: {len(stats.mixed)}")
    print(f"{'question':<18}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    everything: list[float] = []
    for name, lat in sorted(stats.latencies.items()):
        everything += lat
        p50, p95, p99 = statistics.median(lat), pct(lat, 95), pct(lat, 99)
        print(f"{name:<18}{len(lat):>8}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{max(lat):>9.0f}")
    if everything:
        print(
            f"{'all':<18}{len(everything):>8}{statistics.median(everything):>9.1f}{pct(everything, 95):>9.1f}"
            f"{pct(everything, 99):>9.1f}{max(everything):>9.0f}"
        )
    ok = [r for r in stats.reloads if r[1]]
    if stats.reloads:
        secs = [r[0] for r in stats.reloads]
        print(
            f"reloads: {len(ok)} of {len(stats.reloads)} succeeded, {statistics.median(secs):.1f} s median "
            f"({min(secs):.1f}-{max(secs):.1f} s); generations answered: {len(stats.generations_seen)} "
            f"({', '.join(f'{g[:8]}×{n}' for g, n in stats.generations_seen.most_common())})"
        )
    for e, n in stats.errors.most_common():
        print(f"  error {e}: {n}")
    for s in stats.error_samples[:5]:
        print(f"  sample: {s}")
    for m in stats.mixed[:5]:
        print(f"  mixed: {m}")
    good = errors == 0 and not stats.mixed and len(ok) >= 1 and len(stats.generations_seen) >= 2
    print("PASS: zero errors, no mixed generations" if good else "FAIL")
    return 0 if good else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--reload-every", type=float, default=5.0, help="seconds between reloads (after the last ends)")
    ap.add_argument("--docs", type=int, default=20, help="generated plans in manifest A (B has one more)")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--store", choices=["embedded", "neo4j"], default="embedded")
    args = ap.parse_args(argv)
    if not (1 <= args.clients <= 200 and 5 <= args.seconds <= 600 and 1 <= args.docs <= 500):
        ap.error("bounds: 1-200 clients, 5-600 seconds, 1-500 docs")
    with tempfile.TemporaryDirectory(prefix="load-test-") as tmp:
        corpus = Path(tmp) / "corpus"
        manifests = write_manifests(corpus, args.docs, args.seed)
        if args.store == "neo4j":
            from benchmarks.bolt_helper import BenchBoltServer

            server = BenchBoltServer(Path(tmp) / "arcadedb", heap="1g")
            server.start()
            try:
                neo = {"uri": server.uri, "user": server.user, "password": server.password, "database": "bench"}
                stats = asyncio.run(drive(args, corpus, manifests, neo))
            finally:
                server.stop()
        else:
            stats = asyncio.run(drive(args, corpus, manifests, None))
    return report(stats, args)


if __name__ == "__main__":
    sys.exit(main())
