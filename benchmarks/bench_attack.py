"""Ordinary analysts while attackers send the most expensive query the cost limit still admits:
their p50/p99 with and without the attack, and the ratio (issue 13 aims for at most 2x).

    .venv/bin/python benchmarks/bench_attack.py [--seconds 20] [--clients 8] [--attackers 4]
    .venv/bin/python benchmarks/bench_attack.py --url http://127.0.0.1:8000/graphql   # a server you run

It starts a server (uvicorn, one process, embedded store, 127.0.0.1, a free port; the same as
benchmarks/bench_graphql.py), then for `--seconds` runs `--clients` concurrent clients cycling
through bench_graphql's representative analyst queries; then again while `--attackers` more clients
send the attack query back to back. A prober asks /health every 100 ms throughout; its worst wait
is printed too.

The attack query: 30 aliases, each a full page of 100 relations of the busiest agency with every
field of both ends (a fragment keeps it under the token limit). Its cost is computed as the server
computes it (app.gql.cost, the same POLICYGRAPH_GRAPHQL_* settings) and is as close to the limit as
30 aliases allow: on the bundled corpus every page is full, so its real size is its cost -- the
query the limit admits that does the most work. Clients run in this process, on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphql import parse  # noqa: E402

from app.gql.cost import query_cost  # noqa: E402
from app.gql.limits import Limits  # noqa: E402
from app.gql.schema import make_schema  # noqa: E402
from benchmarks import bench_graphql  # noqa: E402
from benchmarks.bench_graphql import CASES, pct  # noqa: E402

NODE = (
    "id kind title number documentId quote years attributes lines { start end } "
    "evidence { documentId quote note lines { start end } } "
    "document { id title shortName kind issuer published file } plan { id title }"
)
FRAGMENTS = (
    f"fragment N on Node {{ {NODE} }}\n"
    "fragment R on Relation { type attributes evidence { documentId quote note lines { start end } } "
    "source { ...N } target { ...N } }"
)
AGENCIES = ["agency/moda", "agency/moea"]  # the nodes with more than 100 relations on the bundled corpus


def attack_query(limits: Limits) -> tuple[str, int]:
    """The attack query with the most aliases (at most the alias limit) whose cost the limit admits."""
    schema = make_schema(limits)._schema
    best: tuple[str, int] | None = None
    for n in range(1, min(30, limits.max_aliases) + 1):
        aliases = " ".join(
            f'a{i}: node(id: "{AGENCIES[i % 2]}") {{ relations(first: 100) {{ nodes {{ ...R }} }} }}' for i in range(n)
        )
        q = f"{{ {aliases} }}\n{FRAGMENTS}"
        cost = query_cost(schema, parse(q), {}, None, limits)
        if cost is None or cost > limits.max_cost:
            break
        best = (q, cost)
    if best is None:
        raise SystemExit("even one alias of the attack query costs more than the limit")
    return best


async def analysts(url: str, clients: int, seconds: float) -> tuple[list[float], int]:
    """Latencies (ms) of `clients` closed-loop clients cycling through the analyst queries, and errors."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    bodies = [json.dumps({"query": c.query, "variables": c.variables}) for c in CASES]
    headers = {"Content-Type": "application/json"}

    async def worker(client: httpx.AsyncClient, k: int) -> None:
        nonlocal errors
        i = k
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            r = await client.post(url, content=bodies[i % len(bodies)], headers=headers)
            latencies.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200 or r.json().get("errors"):
                errors += 1
            i += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        await asyncio.gather(*(worker(client, k) for k in range(clients)))
    return latencies, errors


async def attackers(url: str, n: int, query: str, stop: asyncio.Event) -> Counter[str]:
    """Send the attack query back to back from `n` clients until `stop`; outcomes by error code."""
    outcomes: Counter[str] = Counter()
    body = json.dumps({"query": query})

    async def worker(client: httpx.AsyncClient) -> None:
        while not stop.is_set():
            r = await client.post(url, content=body, headers={"Content-Type": "application/json"})
            errs = r.json().get("errors") if r.status_code == 200 else [{"extensions": {"code": str(r.status_code)}}]
            outcomes[errs[0]["extensions"]["code"] if errs else "answered"] += 1

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=n), timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(n)))
    return outcomes


async def prober(base: str, stop: asyncio.Event) -> list[float]:
    waits: list[float] = []
    async with httpx.AsyncClient(timeout=60) as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            await client.get(f"{base}/health")
            waits.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.1)
    return waits


async def phase(url: str, args: argparse.Namespace, attack: str | None) -> tuple[list[float], int, Counter[str], float]:
    stop = asyncio.Event()
    base = url.rsplit("/graphql", 1)[0]
    probe = asyncio.create_task(prober(base, stop))
    attack_task = asyncio.create_task(attackers(url, args.attackers, attack, stop)) if attack else None
    if attack_task is not None:
        await asyncio.sleep(1.0)  # the attack is under way before the analysts are measured
    latencies, errors = await analysts(url, args.clients, args.seconds)
    stop.set()
    outcomes = await attack_task if attack_task is not None else Counter()
    waits = await probe
    return latencies, errors, outcomes, max(waits) if waits else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="measured seconds per phase (bounded: 5..300)")
    ap.add_argument("--clients", type=int, default=8, help="analyst clients (1..64)")
    ap.add_argument("--attackers", type=int, default=4, help="attacking clients (1..64)")
    ap.add_argument("--url", help="drive this running server (loopback) instead of starting one")
    ap.add_argument(
        "--no-attack", action="store_true", help="only the first phase (e.g. against a server without the limit)"
    )
    args = ap.parse_args()
    if not 5 <= args.seconds <= 300 or not 1 <= args.clients <= 64 or not 1 <= args.attackers <= 64:
        ap.error("--seconds must be 5..300, --clients and --attackers 1..64")
    limits = Limits()
    query, cost = attack_query(limits)
    with ExitStack() as stack:
        if args.url:
            if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
                ap.error("--url must be a loopback address")
            url = args.url
        else:
            from tests.bolt_server import free_port

            url = stack.enter_context(bench_graphql.server_process(free_port(), None, start_seconds=600))
        # Warm-up: per-generation caches, the parser cache, the attack once.
        asyncio.run(analysts(url, 1, 2.0))
        base_lat, base_err, _, base_health = asyncio.run(phase(url, args, None))
        if args.no_attack:
            print(
                f"no attack: {len(base_lat)} requests, {base_err} errors, p50 {pct(base_lat, 50):.1f} ms, "
                f"p99 {pct(base_lat, 99):.1f} ms, /health max {base_health:.1f} ms"
            )
            return 0 if base_err == 0 else 1
        t0 = time.perf_counter()
        first = httpx.post(url, json={"query": query}, timeout=120).json()
        alone = time.perf_counter() - t0
        errs = first.get("errors")
        print(
            f"attack query: {len(query)} bytes, cost {cost} (limit {limits.max_cost}); alone: "
            f"{alone * 1000:.0f} ms, {errs[0]['extensions']['code'] if errs else 'answered'}"
        )
        att_lat, att_err, outcomes, att_health = asyncio.run(phase(url, args, query))
    print(f"\n{args.clients} analyst clients, {args.seconds:g} s per phase; {args.attackers} attackers in the second")
    print(f"{'phase':16} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'/health max ms':>15}")
    for name, lat, err, health in (
        ("no attack", base_lat, base_err, base_health),
        ("under attack", att_lat, att_err, att_health),
    ):
        print(f"{name:16} {len(lat):8d} {err:6d} {pct(lat, 50):8.1f} {pct(lat, 99):8.1f} {health:15.1f}")
    r50 = pct(att_lat, 50) / max(pct(base_lat, 50), 1e-9)
    r99 = pct(att_lat, 99) / max(pct(base_lat, 99), 1e-9)
    print(f"ratio under attack / without: p50 {r50:.2f}x, p99 {r99:.2f}x (aim: at most 2x)")
    print(f"attack requests: {dict(outcomes)}; analyst mean {statistics.mean(att_lat):.1f} ms under attack")
    return 0 if base_err == 0 and att_err == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
