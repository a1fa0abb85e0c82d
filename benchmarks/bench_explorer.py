"""Time to the explorer's first interactive view in headless Chromium, with the whole corpus loaded.

"Interactive" = the page's own mark `explorer-interactive`: the search box is enabled and the first
graph is drawn (after the GraphQL answers). Measured from navigation start, in a fresh browser
context each run (no HTTP cache), for the plain page and for deep links that open a view.

    .venv/bin/python benchmarks/bench_explorer.py [--runs N]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from app.main import create_app
from app.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking"]
MARK = "explorer-interactive"
VIEWS = {
    "first page (overview)": "/",
    "agency view 數發部": "/?view=agency&focus=agency/moda&node=agency/moda",
    "lineage + source lines": "/?view=lineage&focus=st-plan-114:g1.sg1.s4.m1&node=st-plan-114:g1.sg1.s4.m1&src=1",
    "explore around a strategy": "/?node=st-plan-114:g1.sg1.s4",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if not CHROMIUM.is_file():
        raise SystemExit(f"Chromium is not installed at {CHROMIUM}: run scripts/system-deps.sh")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings()), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("the app server did not start")
        time.sleep(0.05)
    print(f"server up with the corpus loaded in {time.perf_counter() - t0:.2f}s")
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            print(f"{'view':<28}{'median ms':>10}{'min ms':>8}{'max ms':>8}  (navigation start -> interactive)")
            for name, path in VIEWS.items():
                marks: list[float] = []
                for i in range(args.runs + 1):
                    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                    page = ctx.new_page()
                    page.goto(base + path)
                    page.wait_for_function(f"performance.getEntriesByName('{MARK}').length > 0", timeout=60_000)
                    ms = page.evaluate(f"performance.getEntriesByName('{MARK}')[0].startTime")
                    nodes = page.evaluate("window.__explorer.cy.nodes().length")
                    ctx.close()
                    if i > 0:  # the first run warms the server's caches (search index, loaders)
                        marks.append(float(ms))
                print(
                    f"{name:<28}{statistics.median(marks):>10.0f}{min(marks):>8.0f}{max(marks):>8.0f}"
                    f"  ({nodes} nodes drawn, {args.runs} runs)"
                )
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=30)


if __name__ == "__main__":
    main()
