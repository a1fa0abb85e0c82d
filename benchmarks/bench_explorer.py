"""Time to the explorer's first interactive view in headless Chromium, with the whole corpus loaded.

"Interactive" = the page's own mark `explorer-interactive`: the search box is enabled and the first
graph is drawn (after the GraphQL answers), measured from navigation start. For each view (the plain
page and deep links that open a view):

- cold: the first navigation to a freshly started app (corpus loaded, its startup integrity run
  finished) in a fresh browser context: nothing cached in the server's query path or the browser;
  what the first visitor of the day gets;
- warm: the next --runs navigations, each in a fresh browser context (no HTTP cache) on the same app.

For the cold navigation it also prints where the time goes: when the page's scripts had run (HTML,
module fetch and parse, cytoscape included), each GraphQL request the page sent before it was
interactive (the page measures them: `graphql <operation>`), and the layout time (`explorer layout`).
Machine load is printed beside the figures: the 2-core machines are shared.

    .venv/bin/python benchmarks/bench_explorer.py [--runs N] [--views NAME,...] [--static DIR]

--static serves another copy of the page (say an older commit's app/static, from `git archive`, with
the vendor/ folder beside it) from the same app: an A/B of a page change on the same server code.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import explorer  # noqa: E402
from app.main import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.test_explorer_browser import chromium, chromium_missing_message, serve_app  # noqa: E402

MARK = "explorer-interactive"
VIEWS = {
    "first page (overview)": "/",
    "agency view 數發部": "/?view=agency&focus=agency/moda&node=agency/moda",
    "lineage + source lines": "/?view=lineage&focus=st-plan-114:g1.sg1.s4.m1&node=st-plan-114:g1.sg1.s4.m1&src=1",
    "explore around a strategy": "/?node=st-plan-114:g1.sg1.s4",
}

# Read in the page after it is interactive: its marks and measures, relative to navigation start.
PROFILE_JS = f"""() => {{
  const at = (name) => {{ const e = performance.getEntriesByName(name)[0]; return e ? e.startTime : null; }};
  const interactive = at('{MARK}');
  const measures = performance.getEntriesByType('measure').map(m => ({{
    name: m.name, start: m.startTime, end: m.startTime + m.duration }}));
  const scripts = performance.getEntriesByType('resource')
    .filter(r => r.initiatorType !== 'fetch' && /\\.js$/.test(r.name))
    .map(r => ({{ name: r.name.split('/').pop(), end: r.responseEnd, bytes: r.encodedBodySize }}));
  return {{ interactive, start: at('explorer-start'), measures, scripts,
           nodes: window.__explorer.cy.nodes().length }};
}}"""


def graphql(base: str, query: str) -> dict[str, Any]:
    req = urllib.request.Request(
        f"{base}/graphql", json.dumps({"query": query}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        data: dict[str, Any] = json.loads(r.read())["data"]
    return data


def wait_for_startup_checks(base: str, timeout: float = 120.0) -> None:
    """The app runs the integrity checks once after its load; let them finish so that they do not
    compete with the page for the CPU (a server that has been up for a while has done so)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if graphql(base, "{ integrity { latest { generation } } }")["integrity"]["latest"]:
            return
        time.sleep(0.2)
    raise SystemExit("the app's startup integrity run did not finish")


def navigate(browser: Any, url: str) -> dict[str, Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_function(f"performance.getEntriesByName('{MARK}').length > 0", timeout=120_000)
        out: dict[str, Any] = page.evaluate(PROFILE_JS)
        return out
    finally:
        ctx.close()


def describe(profile: dict[str, Any]) -> list[str]:
    interactive = profile["interactive"]
    before = [m for m in profile["measures"] if m["end"] <= interactive + 0.5]
    gql = [m for m in before if m["name"].startswith("graphql ")]
    layout = sum(m["end"] - m["start"] for m in before if m["name"] == "explorer layout")
    js_end = max((s["end"] for s in profile["scripts"]), default=0.0)
    js_kb = sum(s["bytes"] for s in profile["scripts"]) / 1024
    running = "" if profile["start"] is None else f", page code running at {profile['start']:.0f} ms"
    lines = [f"    scripts fetched by {js_end:.0f} ms ({len(profile['scripts'])} files, {js_kb:.0f} KiB){running}"]
    if gql:
        first, last = min(m["start"] for m in gql), max(m["end"] for m in gql)
        ops = ", ".join(f"{m['name'][8:]} {m['start']:.0f}+{m['end'] - m['start']:.0f}" for m in gql)
        lines.append(f"    {len(gql)} GraphQL request(s) before interactive, {first:.0f}-{last:.0f} ms: {ops}")
    lines.append(f"    layout {layout:.0f} ms; interactive at {interactive:.0f} ms")
    return lines


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPU(s)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="warm navigations per view")
    ap.add_argument("--views", default="", help="comma-separated view names (default: all)")
    ap.add_argument("--static", type=Path, default=None, help="serve the page from this folder instead")
    args = ap.parse_args()
    if args.static:
        if not (args.static / "index.html").is_file():
            raise SystemExit(f"{args.static} has no index.html")
        explorer.STATIC_DIR = args.static.resolve()  # read when the app is created and on every "/"
        print(f"page served from {explorer.STATIC_DIR}")
    missing = chromium_missing_message()
    if missing:
        raise SystemExit(missing)
    views = {k: v for k, v in VIEWS.items() if not args.views or k in args.views.split(",")}
    print(f"before: {load()}")
    rows: list[tuple[str, float, list[float], int]] = []
    profiles: dict[str, dict[str, Any]] = {}
    with chromium() as browser, tempfile.TemporaryDirectory() as tmp:
        for i, (name, path) in enumerate(views.items()):
            t0 = time.perf_counter()
            app = create_app(Settings(history_db=Path(tmp) / f"history-{i}.sqlite"))
            with serve_app(app) as base:
                wait_for_startup_checks(base)
                print(f"{name}: fresh app up (corpus loaded, startup checks done) in {time.perf_counter() - t0:.1f}s")
                cold = navigate(browser, base + path)
                warm = [float(navigate(browser, base + path)["interactive"]) for _ in range(args.runs)]
            rows.append((name, float(cold["interactive"]), warm, int(cold["nodes"])))
            profiles[name] = cold
    print(f"after: {load()}")
    print()
    print("navigation start -> interactive, ms (headless Chromium, 1280x800)")
    print(f"{'view':<28}{'cold':>7}{'warm median':>13}{'min':>7}{'max':>7}  nodes drawn")
    for name, cold_ms, warm, nodes in rows:
        med = statistics.median(warm) if warm else float("nan")
        lo, hi = (min(warm), max(warm)) if warm else (float("nan"), float("nan"))
        print(f"{name:<28}{cold_ms:>7.0f}{med:>13.0f}{lo:>7.0f}{hi:>7.0f}  {nodes} ({len(warm)} warm runs)")
    print()
    print("where the cold navigation's time goes (start+duration in ms from navigation start):")
    for name, profile in profiles.items():
        print(f"  {name}")
        for line in describe(profile):
            print(line)


if __name__ == "__main__":
    main()
