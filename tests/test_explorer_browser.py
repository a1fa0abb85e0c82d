"""The explorer page in a real Chromium (Debian's /usr/bin/chromium driven by Python Playwright).

The app runs under uvicorn on a free loopback port, with the bundled corpus (or, for the
`<script>` test, a tiny corpus of its own). Facts checked here were read in the documents:
  000:827-828  （四）策略四、優化資安防護能力，建構可信賴的數位生態系，並導入 AI 技術優化安防輔助
  000:830      1. 建構數位政府資安治理環境，公私協力情資分享，深化網路防禦縱深及應變韌性
  000:2660     表4: strategy 4 -> 數發部／經濟部、內政部、國科會 (lead 數發部; co 經濟部, 內政部, 國科會)
  000:1200     1. 支持國內高教發展，強化學生培養關鍵能力; its text (000:1202) states the target
               「第二期計畫（112—116年）挹注970億元」
  004:346      ■ 推動量子科技研發 (smart-nation-2:p1.m8), under 布局前瞻科技研發 / 智慧科技 / 智慧國家2.0;
               its plan is cited and continued by AI 新十大建設 (001:83 「…融合智慧國家2.0新綱領…」,
               001:51 「…於亞洲·矽谷、智慧國家2.0新綱領…等政策基礎上…」), succeeds and reports on the
               智慧國家方案 (003:2983, 004:769); docs/cross-plan.md, example 1
Screenshots of the main views are written to tests/.artifacts/screenshots/ (ignored by git), or,
with POLICYGRAPH_UPDATE_SCREENSHOTS=1 (`make screenshots`), to docs/screenshots/, which the README
shows: an ordinary test run leaves the committed images alone.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import uvicorn
import yaml
from fastapi import FastAPI

from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from graph.model import GraphBatch
from loaders.corpus import DEFAULT_CORPUS
from loaders.pipeline import ProgressFn, build_batch, read_corpus_sources

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent


def screenshot_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """docs/screenshots/ with POLICYGRAPH_UPDATE_SCREENSHOTS=1 (`make screenshots`), else a folder
    git ignores: the committed images change only on request (PNG bytes differ from run to run)."""
    if environ.get("POLICYGRAPH_UPDATE_SCREENSHOTS", "") not in ("", "0"):
        return ROOT / "docs" / "screenshots"
    return ROOT / "tests" / ".artifacts" / "screenshots"


SCREENSHOTS = screenshot_dir()
CHROMIUM = Path(os.environ.get("POLICYGRAPH_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

ST_DOC = DEFAULT_CORPUS / "000_94c0ce11f244451c.txt"
PLAN = "st-plan-114:plan"
STRATEGY = "st-plan-114:g1.sg1.s4"  # 000:827
MEASURE = "st-plan-114:g1.sg1.s4.m1"  # 000:830
CHAIN = [PLAN, "st-plan-114:g1", "st-plan-114:g1.sg1", STRATEGY, MEASURE]


# ---- harness (also used by benchmarks/bench_explorer.py) --------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_app(app: FastAPI, timeout: float = 180.0) -> Iterator[str]:
    """Run the app with uvicorn in a thread on a free loopback port; yields its base URL once the
    lifespan (the corpus load) has finished."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="explorer-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the app server stopped during start-up (see the log above)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the app server did not start within {timeout:.0f} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def chromium_missing_message() -> str | None:
    if CHROMIUM.is_file():
        return None
    return (
        f"Chromium is not installed at {CHROMIUM}: run scripts/system-deps.sh (make test does it), "
        "or set POLICYGRAPH_CHROMIUM to a Chromium binary"
    )


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    missing = chromium_missing_message()
    if missing:
        raise RuntimeError(missing)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ---- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = chromium_missing_message()
    if missing:
        pytest.fail(missing, pytrace=False)  # never skipped: the browser tests are part of `make test`
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_app(create_app(Settings())) as url:
        yield url


class Page:
    """A Playwright page that records page errors and waits for the explorer to settle."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int] = DESKTOP) -> None:
        self.context = browser.new_context(viewport=viewport, accept_downloads=True, locale="zh-TW")
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base + path)
        # The first view, then the plan filters (loaded after it).
        self.page.wait_for_function("document.body.dataset.filters === 'ready'", timeout=30_000)
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_function("document.body.dataset.state === 'ready'", timeout=30_000)

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.settle()

    def canvas_ids(self) -> list[str]:
        return list(
            self.page.evaluate(
                "window.__explorer.cy.nodes().filter(n => !n.hasClass('filtered') && !n.data('pseudo')).map(n => n.id())"
            )
        )

    def y_of(self, node_id: str) -> float:
        return float(self.page.evaluate("id => window.__explorer.cy.getElementById(id).position('y')", node_id))

    def panel_title(self) -> str:
        return str(self.page.text_content("#panel h2"))

    def search(self, text: str) -> None:
        self.page.fill("#search-input", text)
        self.page.press("#search-input", "Enter")
        self.settle()
        self.page.wait_for_selector("#results button.result, #results p.note")

    def shot(self, name: str, full_page: bool = False) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)

    def no_horizontal_scroll(self) -> bool:
        return bool(self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def page(browser: Any, base_url: str) -> Iterator[Page]:
    p = Page(browser, base_url)
    yield p
    errors = list(p.errors)
    p.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def doc_line(n: int, doc: Path = ST_DOC) -> str:
    return doc.read_text(encoding="utf-8").split("\n")[n - 1].strip()


def graphql(base: str, query: str, **variables: Any) -> dict[str, Any]:
    """The public API, as the page calls it (no browser)."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    req = urllib.request.Request(f"{base}/graphql", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        out: dict[str, Any] = json.loads(r.read())
    assert not out.get("errors"), out["errors"]
    data: dict[str, Any] = out["data"]
    return data


# ---- the analyst's scenario ------------------------------------------------------------------
def test_search_agency_measure_lineage_source_and_reload(page: Page, browser: Any, base_url: str) -> None:
    p = page
    p.open("/")
    assert p.page.is_enabled("#search-input")
    assert len(p.canvas_ids()) >= 2, "the first view draws the documents and their plans"
    p.shot("01-overview.png")

    # Search by abbreviation: 數發部 is 數位發展部 (data/agencies.yaml).
    p.search("數發部")
    agency_result = p.page.locator("#results button.result[data-kind='Agency']").first
    assert agency_result.get_attribute("data-id") == "agency/moda", "the agency itself is the best agency result"
    assert agency_result.locator(".result-title").text_content() == "數位發展部"
    p.shot("02-search.png")
    agency_result.click()
    p.settle()
    assert p.panel_title() == "數位發展部"

    # Agency view: what it leads and co-organises, grouped by plan, with counts.
    p.click("#act-agency")
    assert "view=agency" in p.page.url
    assert "數位發展部" in str(p.page.text_content("#canvas-title"))
    st_group = p.page.locator(f"#panel details[data-plan='{PLAN}']")
    assert st_group.count() == 1
    counts = str(st_group.locator("summary").text_content())
    assert "lead" in counts and "co" in counts
    assert STRATEGY in p.canvas_ids(), "000:2660: 數發部 leads strategy 4 of goal 1 / sub-goal 1"
    p.shot("03-agency.png")

    # Open a measure: the strategy 數發部 leads (listed with the explicit items), then its measure 1,
    # which inherits the strategy's agencies (000:830, 000:2660).
    if st_group.get_attribute("open") is None:
        st_group.locator("summary").click()
    st_group.locator(f"button[data-id='{STRATEGY}']").click()
    p.settle()
    assert p.panel_title() == "優化資安防護能力，建構可信賴的數位生態系，並導入 AI 技術優化安防輔助"
    p.click(f"#panel .members button[data-id='{MEASURE}']")
    assert p.panel_title() == doc_line(830).removeprefix("1. ")
    inherited = str(p.page.text_content("#panel .agencies"))
    for name in ("數位發展部", "經濟部", "內政部", "國家科學及技術委員會"):
        assert name in inherited
    assert "Inherited" in inherited and "Assigned to this item" not in inherited

    # Lineage: top-down from the plan to the measure.
    p.click("#act-lineage")
    ids = p.canvas_ids()
    assert all(i in ids for i in CHAIN), ids
    ys = [p.y_of(i) for i in CHAIN]
    assert ys == sorted(ys) and len(set(ys)) == len(ys), f"not laid out top-down: {ys}"
    crumbs = p.page.locator("#panel .crumbs li")
    assert crumbs.count() == len(CHAIN)
    p.shot("04-lineage.png")

    # Follow the lineage to the plan (first breadcrumb), then Back to the measure.
    p.page.locator("#panel .crumbs li button").first.click()
    p.settle()
    assert p.panel_title() == "國家科學技術發展計畫（民國 114 年至 117 年）（核定本）"  # manifest title
    p.page.go_back()
    p.settle()
    p.page.wait_for_function("document.querySelector('#panel h2')?.textContent.startsWith('建構數位政府資安治理')")
    assert "view=lineage" in p.page.url

    # The source quote, with the surrounding lines of the document and the quote highlighted.
    p.click("#btn-source")
    p.page.wait_for_selector("#source-context li.hl")
    hl = p.page.locator("#source-context li.hl")
    assert hl.count() == 1 and hl.get_attribute("data-line") == "830"
    assert str(hl.locator(".tx").text_content()).strip() == doc_line(830)
    assert p.page.locator("#source-context li").count() > 10, "surrounding lines are shown"
    assert str(p.page.text_content("#source-quote")) == doc_line(830)
    p.shot("05-source.png")

    # Reload the copied URL in a fresh browser context: the same view.
    url = p.page.url
    before = (p.panel_title(), sorted(p.canvas_ids()), p.page.text_content("#canvas-title"))
    again = Page(browser, base_url)
    try:
        again.page.goto(url)
        again.settle()
        again.page.wait_for_selector("#source-context li.hl")
        after = (again.panel_title(), sorted(again.canvas_ids()), again.page.text_content("#canvas-title"))
        assert after == before
        assert again.page.get_attribute("#views button[data-view='lineage']", "aria-pressed") == "true"
        assert again.page.locator("#source-context li.hl").get_attribute("data-line") == "830"
        assert not again.errors
    finally:
        again.close()


def test_keyboard_only_search_and_open(page: Page) -> None:
    p = page
    p.open("/")
    p.page.locator("body").click(position={"x": 5, "y": 790})  # focus away from the search box
    p.page.keyboard.press("/")
    assert p.page.evaluate("document.activeElement.id") == "search-input"
    p.page.keyboard.type("MODA")
    p.page.keyboard.press("Enter")
    p.settle()
    p.page.wait_for_selector("#results button.result")
    p.page.keyboard.press("ArrowDown")
    assert p.page.evaluate("document.activeElement.classList.contains('result')")
    # Move to the agency result with the arrow keys, then open it with Enter.
    for _ in range(p.page.locator("#results button.result").count()):
        if p.page.evaluate("document.activeElement.dataset.kind") == "Agency":
            break
        p.page.keyboard.press("ArrowDown")
    p.page.keyboard.press("Enter")
    p.settle()
    assert p.panel_title() == "數位發展部"
    assert p.page.evaluate("document.activeElement.id") == "panel-title", "the panel takes the focus"
    p.page.keyboard.press("Tab")  # next stop: the panel's first control
    assert p.page.evaluate("document.activeElement.closest('#panel') !== null")
    # Every control has a name: buttons have text or aria-label, inputs have labels.
    unnamed = p.page.evaluate(
        """[...document.querySelectorAll('button, input')].filter(el => {
             const name = el.getAttribute('aria-label') || el.textContent.trim() ||
               (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label');
             return !name; }).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []


def test_expand_show_more_collapse_undo(page: Page) -> None:
    p = page
    p.open("/?node=agency/moda")
    ids = p.canvas_ids()
    more = p.page.evaluate("window.__explorer.cy.nodes('.more').map(n => n.data('label'))")
    assert "agency/moda" in ids
    # 數發部 has far more than 12 relations (表4 and the other plans): capped, the rest behind "show more".
    assert len(more) == 1 and len(ids) == 1 + 12
    pos = p.page.evaluate("window.__explorer.cy.nodes('.more')[0].renderedPosition()")
    box = p.page.locator("#cy").bounding_box()
    p.page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    p.page.wait_for_function(f"window.__explorer.cy.nodes().filter(n => !n.data('pseudo')).length > {len(ids)}")
    assert len(p.canvas_ids()) == 1 + 24
    # Expand a neighbour (keyboard: select it in the list, then E), collapse it, undo the collapse.
    first = next(i for i in p.canvas_ids() if i != "agency/moda")
    p.page.click("#visible-nodes summary")
    p.click(f"#visible-list button[data-id='{first}']")
    n_before = len(p.canvas_ids())
    p.page.locator("#cy").focus()
    p.page.keyboard.press("e")
    p.page.wait_for_function(f"window.__explorer.cy.nodes().filter(n => !n.data('pseudo')).length > {n_before}")
    x = parse_qs(urlparse(p.page.url).query)["x"][0].split(",")
    assert x == ["agency/moda", first], "show more, then the expansion, in order"
    expanded = sorted(p.canvas_ids())
    url = p.page.url
    p.page.click("#btn-collapse")
    assert len(p.canvas_ids()) == n_before
    p.page.click("#btn-undo")
    assert sorted(p.canvas_ids()) == expanded
    assert p.page.url == url
    # The URL replays the expansions, "show more" included: a reload draws the same nodes.
    p.page.reload()
    p.settle()
    assert sorted(p.canvas_ids()) == expanded


def test_filters_in_url_and_back(page: Page) -> None:
    p = page
    p.open(f"/?node={STRATEGY}")
    kinds_before = set(p.page.evaluate("window.__explorer.cy.nodes().map(n => n.data('kind'))"))
    # Its measures (children) and at least one other kind (its sub-goal, agencies or links).
    assert "Measure" in kinds_before and kinds_before - {"Measure", "Strategy", "More"}
    p.page.click("#filters summary")
    p.click("#kind-filters input[value='Measure']")
    assert "kinds=Measure" in p.page.url
    shown = set(
        p.page.evaluate(
            "window.__explorer.cy.nodes().filter(n => !n.hasClass('filtered') && !n.data('pseudo')).map(n => n.data('kind'))"
        )
    )
    assert shown == {"Measure", "Strategy"}, "only measures, plus the node in focus"
    p.page.go_back()
    p.settle()
    assert "kinds=" not in p.page.url
    assert p.page.evaluate("window.__explorer.cy.nodes('.filtered').length") == 0


def test_path_between_two_nodes(page: Page) -> None:
    p = page
    p.open(f"/?node={MEASURE}")
    p.click("#act-path-from")
    p.search("數發部")
    p.page.click("#results button.result[data-id='agency/moda']")
    p.settle()
    p.click("#act-path-to")
    assert "view=path" in p.page.url
    edges = p.page.evaluate(
        "window.__explorer.cy.edges('.on-path').map(e => [e.data('source'), e.data('type'), e.data('target')])"
    )
    # measure <-CONTAINS- strategy <-LEADS- 數發部 (000:2660): two hops, none shorter (the measure has
    # no assignment of its own); another two-hop path may be the one shown, but it reaches the agency
    # through an assignment.
    assert len(edges) == 2
    assert any(s == "agency/moda" and t in {"LEADS", "CO_ORGANIZES"} for s, t, _ in edges), edges
    assert {MEASURE, "agency/moda"} <= set(p.canvas_ids())
    p.shot("06-path.png")


def test_exports_match_the_visible_subgraph(page: Page) -> None:
    p = page
    p.open(f"/?view=lineage&focus={MEASURE}&node={MEASURE}")
    ids = set(p.canvas_ids())
    with p.page.expect_download() as dl:
        p.page.click("#btn-json")
    data = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == ids
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    with p.page.expect_download() as dl:
        p.page.click("#btn-csv")
    raw = Path(dl.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["id"] for r in rows if r["element"] == "node"} == ids
    with p.page.expect_download() as dl:
        p.page.click("#btn-png")
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_readable_at_desktop_and_phone_width(browser: Any, base_url: str) -> None:
    view = f"/?view=agency&focus=agency/moda&node={MEASURE}"
    for name, vp in (("desktop", DESKTOP), ("phone", PHONE)):
        p = Page(browser, base_url, vp)
        try:
            p.open(view)
            assert p.no_horizontal_scroll(), f"horizontal scrolling at {name} width"
            assert p.page.is_visible("#search-input") and p.page.is_visible("#panel h2")
            assert p.page.locator("#cy").bounding_box()["height"] >= 250
            if name == "phone":
                p.shot("07-phone.png", full_page=True)
            assert not p.errors
        finally:
            p.close()


# ---- lineage across plans, filters, legend, targets, assignments, agency counts -----------------
AI_DOC = DEFAULT_CORPUS / "001_3e3adedee198aa68.txt"
SN2_DOC = DEFAULT_CORPUS / "004_7fdd740c596be875.txt"
QUANTUM = "smart-nation-2:p1.m8"  # 004:346 ■ 推動量子科技研發
QUANTUM_CHAIN = ["smart-nation-2:plan", "smart-nation-2:p1", "smart-nation-2:p1.s3", QUANTUM]
HIGHER_ED = "st-plan-114:g1.sg4.s1.m1"  # 000:1200, its target on 000:1202


def canvas_edge(p: Page, edge_id: str) -> dict[str, Any] | None:
    """What cytoscape draws for an edge (None when it is not on the canvas)."""
    return p.page.evaluate(
        """id => { const e = window.__explorer.cy.getElementById(id);
             if (e.empty()) return null;
             const ev = e.data('evidence');
             return { label: e.style('label'), lineStyle: e.style('line-style'), visible: e.visible(),
                      cross: e.hasClass('cross'), source: e.source().id(), target: e.target().id(),
                      line: ev ? ev.lineStart : null, document: ev ? ev.document : null }; }""",
        edge_id,
    )


def test_lineage_draws_cross_plan_links_labelled_by_type(page: Page) -> None:
    p = page
    p.open(f"/?view=lineage&focus={QUANTUM}&node={QUANTUM}")
    assert p.panel_title() == doc_line(346, SN2_DOC).removeprefix("■ ")
    ids = p.canvas_ids()
    assert all(i in ids for i in QUANTUM_CHAIN), ids
    ys = [p.y_of(i) for i in QUANTUM_CHAIN]
    assert ys == sorted(ys) and len(set(ys)) == len(ys), f"not laid out top-down: {ys}"
    # docs/cross-plan.md, example 1: the plan of the measure is cited and continued by AI 新十大建設
    # (001:83, 001:51), and succeeds and reports on the 智慧國家方案 (003:2983, 004:769).
    expected = {
        ("ai-ten:plan", "CITES", "smart-nation-2:plan"): ("cites", "ai-ten", 83),
        ("ai-ten:plan", "CONTINUES", "smart-nation-2:plan"): ("continues", "ai-ten", 51),
        ("smart-nation-2:plan", "SUCCEEDS", "smart-nation-2021:plan"): ("succeeds", "smart-nation-2021", 2983),
        ("smart-nation-2:plan", "REPORTS_ON", "smart-nation-2021:plan"): ("reports on", "smart-nation-2", 769),
    }
    for (source, type_, target), (label, document, line) in expected.items():
        edge = canvas_edge(p, f"{source}|{type_}|{target}")
        assert edge is not None, f"{source} {type_} {target} is not drawn"
        assert edge["visible"] and edge["cross"], edge
        assert edge["label"] == label, f"{type_} is labelled {edge['label']!r}"
        assert edge["lineStyle"] == "dashed", "cross-plan links are dashed (legend)"
        assert (edge["source"], edge["target"]) == (source, target)
        assert (edge["document"], edge["line"]) == (document, line)
    assert "智慧國家2.0新綱領" in doc_line(83, AI_DOC) and "智慧國家2.0新綱領" in doc_line(51, AI_DOC)
    assert {"ai-ten:plan", "smart-nation-2021:plan"} <= set(ids), "the other plans are drawn"
    # Hierarchy edges carry no label, so the cross-plan labels stand out.
    chain_edge = canvas_edge(p, "smart-nation-2:plan|CONTAINS|smart-nation-2:p1")
    assert chain_edge is not None and chain_edge["label"] == "" and not chain_edge["cross"]
    assert "cross-plan link" in str(p.page.text_content("#canvas-note"))


VISIBLE_PLANS = """() => window.__explorer.cy.nodes()
  .filter(n => n.visible() && !n.data('pseudo')).map(n => n.data('plan') || null)"""


def wait_for_visible_plans(p: Page, expected: set[str | None]) -> None:
    """Cytoscape updates visible() a frame after a class changes: wait until the drawn nodes' plans
    are `expected` (a timeout fails the test)."""
    p.page.wait_for_function(
        f"expected => {{ const got = new Set(({VISIBLE_PLANS})()); "
        "return got.size === expected.length && expected.every(x => got.has(x)); }",
        arg=sorted(expected, key=str),
        timeout=10_000,
    )


def test_plan_filter_in_url_and_back(page: Page) -> None:
    p = page
    p.open("/?view=agency&focus=agency/moda&node=agency/moda")
    plans_before = set(
        p.page.evaluate("window.__explorer.cy.nodes().filter(n => !n.data('pseudo') && n.data('plan')).map(n => n.data('plan'))")
    )
    assert PLAN in plans_before and plans_before - {PLAN}, "the agency view spans several plans"
    url_before = p.page.url
    p.page.click("#filters summary")
    p.click(f"#plan-filters input[value='{PLAN}']")
    assert parse_qs(urlparse(p.page.url).query).get("plans") == [PLAN]
    wait_for_visible_plans(p, {PLAN, None})  # only the S&T plan's items (and the agency)
    shown = p.page.evaluate(
        """window.__explorer.cy.nodes().filter(n => n.visible() && !n.data('pseudo'))
             .map(n => [n.id(), n.data('plan')])"""
    )
    assert {plan for _, plan in shown} == {PLAN, None}, "only the S&T plan's items (and the agency)"
    assert [i for i, plan in shown if plan is None] == ["agency/moda"]
    assert STRATEGY in {i for i, _ in shown}
    hidden = p.page.evaluate("window.__explorer.cy.nodes('.filtered').filter(n => n.visible()).length")
    assert hidden == 0, "filtered nodes are not drawn"
    assert p.page.is_checked(f"#plan-filters input[value='{PLAN}']")
    listed = set(p.page.eval_on_selector_all("#visible-list button", "bs => bs.map(b => b.dataset.id)"))
    assert listed == {i for i, _ in shown}, "the list of nodes in view follows the filter"
    p.page.go_back()
    p.settle()
    assert p.page.url == url_before
    assert p.page.evaluate("window.__explorer.cy.nodes('.filtered').length") == 0
    wait_for_visible_plans(p, plans_before | {None})  # the agency has no plan
    plans_after = set(
        p.page.evaluate(
            "window.__explorer.cy.nodes().filter(n => n.visible() && !n.data('pseudo') && n.data('plan')).map(n => n.data('plan'))"
        )
    )
    assert plans_after == plans_before
    assert not p.page.is_checked(f"#plan-filters input[value='{PLAN}']")


def test_legend_lists_every_kind_drawn_with_its_own_shape_and_colour(page: Page) -> None:
    p = page
    p.open(f"/?view=lineage&focus={QUANTUM}&node={QUANTUM}")
    drawn = p.page.evaluate(
        """Object.fromEntries(window.__explorer.cy.nodes().filter(n => !n.data('pseudo')).map(n =>
             [n.data('kind'), [n.style('shape'), n.style('background-color')]]))"""
    )
    assert {"Plan", "Pillar", "Strategy", "Measure"} <= set(drawn), drawn
    legend = p.page.evaluate(
        """Object.fromEntries([...document.querySelectorAll('#legend-list li[data-kind]')].map(li => {
             const shape = li.querySelector('svg.swatch > *');
             const geometry = shape.tagName + ' ' + (shape.getAttribute('points') || shape.getAttribute('rx') || '');
             return [li.dataset.kind, [geometry, getComputedStyle(shape).fill.replace(/ /g, ''),
                                       li.textContent.trim()]]; }))"""
    )
    assert set(drawn) <= set(legend), f"kinds drawn but not in the legend: {set(drawn) - set(legend)}"
    shapes = {kind: shape for kind, (shape, _) in drawn.items()}
    colours = {kind: colour.replace(" ", "") for kind, (_, colour) in drawn.items()}
    assert len(set(shapes.values())) == len(shapes), f"two kinds share a shape: {shapes}"
    assert len(set(colours.values())) == len(colours), f"two kinds share a colour: {colours}"
    for kind, colour in colours.items():
        assert legend[kind][1] == colour, f"{kind}: legend swatch {legend[kind][1]} but nodes drawn {colour}"
    swatches = {legend[k][0] for k in drawn}
    assert len(swatches) == len(drawn), "each kind drawn has its own swatch shape in the legend"
    assert legend["Measure"][2] == "Measure 措施" and legend["Strategy"][2] == "Strategy 策略"


def test_targets_in_the_panel_and_the_target_links_back(page: Page) -> None:
    p = page
    p.open(f"/?node={HIGHER_ED}")
    assert p.panel_title() == doc_line(1200).removeprefix("1. ")
    targets = p.page.locator("#panel .targets li")
    assert targets.count() >= 1
    line = doc_line(1202)
    entry = targets.filter(has_text="970")
    assert entry.count() == 1, str(p.page.text_content("#panel .targets"))
    title = str(entry.locator("button").text_content())
    detail = str(entry.locator(".target-detail").text_content())
    assert title == "第二期計畫（112—116年）挹注970億元" and title in line
    value, unit = detail.strip(" ()").split()[:2]
    assert f"{float(value):g}{unit}" == "970億元" and "970億元" in line  # the value and unit as stated
    target_id = str(entry.get_attribute("data-id"))

    # The target's own panel: its value, its source line, and a link back to the item that states it.
    entry.locator("button").click()
    p.settle()
    assert parse_qs(urlparse(p.page.url).query)["node"] == [target_id]
    assert p.panel_title() == title
    assert "970" in str(p.page.text_content("#panel .target-value"))
    assert str(p.page.text_content("#source-quote")) == line
    back = p.page.locator("#panel .target-of button")
    assert back.count() == 1 and back.get_attribute("data-id") == HIGHER_ED
    assert "Measure" in str(p.page.text_content("#panel .target-of"))
    # Keyboard: the link is a button in the tab order; Enter follows it.
    back.focus()
    assert p.page.evaluate("document.activeElement.dataset.id") == HIGHER_ED
    assert p.page.evaluate("document.activeElement.tabIndex") >= 0
    p.page.keyboard.press("Enter")
    p.settle()
    assert p.panel_title() == doc_line(1200).removeprefix("1. ")
    p.page.go_back()
    p.settle()
    assert p.panel_title() == title


def test_explicit_assignment_is_shown_as_explicit(page: Page) -> None:
    p = page
    p.open(f"/?node={STRATEGY}")
    assert p.panel_title() == "優化資安防護能力，建構可信賴的數位生態系，並導入 AI 技術優化安防輔助"
    section = p.page.locator("#panel .agencies")
    assert "Assigned to this item" in str(section.text_content())
    assert section.locator("ul.inherited li").count() == 0, "000:2660 assigns the strategy itself"
    rows = section.locator("ul.explicit li")
    got = {
        str(rows.nth(i).locator("button").first.text_content()): (
            rows.nth(i).get_attribute("data-role"),
            str(rows.nth(i).locator(".assignment").text_content()).strip(),
        )
        for i in range(rows.count())
    }
    row = "line 2660"
    assert got == {
        "數位發展部": ("lead", row),
        "經濟部": ("co", row),
        "內政部": ("co", row),
        "國家科學及技術委員會": ("co", row),
    }, got
    assert "數發部／經濟部、內政部、國科會" in doc_line(2660)
    lead = section.locator("ul.explicit li[data-agency='agency/moda'] .tag")
    assert str(lead.text_content()) == "lead 主辦"


def test_agency_view_counts_match_the_api(page: Page, base_url: str) -> None:
    q = """{ responsibilities(agency: "數位發展部") { agency { id }
               byPlan(first: 100) { nodes { plan { id } leadCount coCount responsibleCount explicitCount inheritedCount } } } }"""
    report = graphql(base_url, q)["responsibilities"]
    assert report["agency"]["id"] == "agency/moda"
    api = {
        g["plan"]["id"] if g["plan"] else "none": (
            g["leadCount"], g["coCount"], g["responsibleCount"], g["explicitCount"], g["inheritedCount"]
        )
        for g in report["byPlan"]["nodes"]
    }
    assert len(api) >= 2 and PLAN in api
    # 004 lists several bodies per strategy without saying who leads: some of its items are of unstated role.
    assert any(v[2] for v in api.values())
    p = page
    p.open("/?view=agency&focus=agency/moda&node=agency/moda")
    summaries = p.page.eval_on_selector_all(
        "#panel details[data-plan]", "ds => ds.map(d => [d.dataset.plan, d.querySelector('.group-count').textContent])"
    )
    shown = {}
    for plan, text in summaries:
        m = re.fullmatch(r" — lead (\d+) · co (\d+)(?: · unstated (\d+))? \(assigned (\d+), inherited (\d+)\)", text)
        assert m, text
        shown[plan] = tuple(int(x or 0) for x in m.groups())
    assert shown == api

    def label(lead: int, co: int, unstated: int) -> str:
        return f"lead {lead} · co {co}" + (f" · unstated {unstated}" if unstated else "")

    # The canvas's plan groups carry the same counts.
    groups = p.page.evaluate(
        "window.__explorer.cy.nodes('.group').map(n => [n.data('plan'), n.data('label').split('\\n').pop()])"
    )
    assert {plan: text for plan, text in groups} == {plan: label(*v[:3]) for plan, v in api.items()}


# ---- a document that contains markup -----------------------------------------------------------
# The manifest title reaches the page as it is (Document and Plan nodes); the outline parser drops
# tags from item titles, but the quotes keep the source lines verbatim.
XSS_TITLE = '<img src=x onerror="window.__xss = 1"><script>window.__xss = 1</script>測試計畫'

XSS_LINES = [
    "<script>window.__xss = 2</script>測試計畫",
    "",
    "肆、策略與重要措施",
    '目標一：<img src=x onerror="window.__xss = 3">防護目標',
    "（一）策略一、<b>粗體</b><script>window.__xss = 4</script>策略",
    '1. 測試措施：<iframe src="javascript:window.top.__xss = 5"></iframe>說明',
    "伍、結語",
]


class TinyProfileService(GraphService):
    """The real service, with loader profiles read from a folder of the test's own."""

    def __init__(self, settings: Settings, profiles: Path) -> None:
        super().__init__(settings)
        self.profiles = profiles

    def build(self, corpus: Path | None = None, progress: ProgressFn | None = None) -> GraphBatch:
        sources = read_corpus_sources(corpus or self.settings.corpus)
        return build_batch(sources, profiles_dir=self.profiles, progress=progress)


@pytest.fixture(scope="module")
def markup_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("markup")
    corpus, profiles = root / "corpus", root / "profiles"
    corpus.mkdir()
    profiles.mkdir()
    (corpus / "doc.txt").write_text("\n".join(XSS_LINES) + "\n", encoding="utf-8")
    manifest = {
        "documents": [
            {
                "id": "markup",
                "file": "doc.txt",
                "title": XSS_TITLE,
                "short_name": "<b>markup</b>",
                "kind": "plan",
                "issuer": "<i>test</i>",
                "published": "2025-01-01",
                "profile": "tiny",
            }
        ]
    }
    (corpus / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    profile = {
        "reader": "st_plan",
        "root": {"kind": "Plan"},
        "outline": {
            "region_start": "^肆、",
            "region_end": "^伍、",
            "levels": [
                {"kind": "Goal", "id": "g", "pattern": "^目標(?P<num>[一二三四五六七八九十]+)[：:]\\s*(?P<title>.+)$"},
                {
                    "kind": "Strategy",
                    "id": "s",
                    "pattern": "^[(（](?P<num>[一二三四五六七八九十]+)[)）]\\s*(?:策略[一二三四五六七八九十]+[、，,]\\s*)?(?P<title>.+)$",
                },
                {"kind": "Measure", "id": "m", "pattern": "^(?P<num>\\d{1,2})[.．]\\s*(?P<title>\\S.*)$"},
            ],
        },
    }
    (profiles / "tiny.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    settings = Settings(corpus=corpus)
    svc = TinyProfileService(settings, profiles)
    report = svc.reload()
    assert report.ok, report.error
    with serve_app(create_app(settings, service=svc)) as url:
        yield url


def test_markup_in_documents_is_shown_as_text(browser: Any, markup_url: str) -> None:
    p = Page(browser, markup_url)
    try:
        p.open("/")
        p.search("測試")
        results = p.page.locator("#results button.result")
        assert results.count() >= 2
        assert XSS_TITLE in str(p.page.text_content("#results"))
        for i in range(results.count()):
            p.page.locator("#results button.result").nth(i).click()
            p.settle()
            if p.page.locator("#btn-source").count():
                p.click("#btn-source")
                p.page.wait_for_selector("#source-context li")
        p.page.click("#results button.result[data-kind='Plan']")
        p.settle()
        assert p.panel_title() == XSS_TITLE
        # The plan quotes line 1; the document view shows it and the lines around it, each as text.
        if p.page.get_attribute("#btn-source", "aria-expanded") != "true":
            p.click("#btn-source")
        p.page.wait_for_selector("#source-context li[data-line='1']")
        assert str(p.page.text_content("#source-context li[data-line='1'] .tx")) == XSS_LINES[0]
        shown = p.page.eval_on_selector_all(
            "#source-context li", "lis => lis.map(li => [Number(li.dataset.line), li.querySelector('.tx').textContent])"
        )
        assert shown == [[i + 1, line] for i, line in enumerate(XSS_LINES)], shown
        p.click("#act-lineage")
        p.page.wait_for_timeout(300)  # give an injected handler time to run, were there one
        assert p.page.evaluate("window.__xss") is None
        assert p.page.evaluate("document.querySelectorAll('main script, main img, main iframe, main b').length") == 0
        assert str(p.page.text_content("#source-context li[data-line='1'] .tx")) == XSS_LINES[0]
        assert str(p.page.text_content("#source-context li[data-line='6'] .tx")) == XSS_LINES[5]
        assert str(p.page.text_content("#panel h2")) == XSS_TITLE
        assert not p.errors
        p.shot("08-markup-as-text.png")
    finally:
        p.close()
