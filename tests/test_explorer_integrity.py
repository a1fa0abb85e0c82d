"""Integrity findings in the explorer, in a real Chromium: the node panel lists the findings of the
selected node (severity badge, message, evidence line) and the canvas outlines the nodes that have
findings, with a legend entry. The app runs the checks itself (startup run of the lifespan) into a
history file of this module's own; the page reads them through GraphQL only.

Facts read in the documents:
  000:1809  (二) 策略二、推動在宅醫療，擴大公共醫療服務 -- its 表4 row (000:2740) lists measures but
            names no 參與部會, so the bundled run reports `no-responsible-agency` (warning) on it.
  000:827   （四）策略四、優化資安防護能力… -- assigned in 表4 (000:2660): no finding.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from app.main import create_app
from app.settings import Settings
from tests.test_explorer_browser import (
    STRATEGY,
    XSS_LINES,
    Page,
    TinyProfileService,
    chromium,
    chromium_missing_message,
    doc_line,
    graphql,
    serve_app,
)

pytestmark = pytest.mark.browser

FLAGGED = "st-plan-114:g3.sg1.s2"  # 000:1809


def wait_for_a_run(base: str, timeout: float = 60.0) -> None:
    """The lifespan schedules the startup run; wait until it is recorded."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if graphql(base, "{ integrity { latest { generation } } }")["integrity"]["latest"]:
            return
        time.sleep(0.1)
    raise AssertionError("no integrity run was recorded")


def flagged_ids(base: str) -> dict[str, set[str]]:
    """Focus node id -> severities of its findings, over every page of the latest report."""
    q = """query($after: String) { integrity { latest { findings(first: 100, after: $after) {
             pageInfo { hasNextPage endCursor } nodes { severity focusNodeId } } } } }"""
    out: dict[str, set[str]] = {}
    after = None
    while True:
        page = graphql(base, q, after=after)["integrity"]["latest"]["findings"]
        for f in page["nodes"]:
            if f["focusNodeId"]:
                out.setdefault(f["focusNodeId"], set()).add(f["severity"].lower())
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = chromium_missing_message()
    if missing:
        pytest.fail(missing, pytrace=False)
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    history = tmp_path_factory.mktemp("integrity") / "history.sqlite"
    with serve_app(create_app(Settings(history_db=history))) as url:
        wait_for_a_run(url)
        yield url


def open_page(browser: Any, base: str, path: str) -> Page:
    p = Page(browser, base)
    p.open(path)
    p.page.wait_for_function("document.body.dataset.integrity === 'ready'", timeout=30_000)
    return p


def canvas_marks(p: Page) -> dict[str, str]:
    return dict(
        p.page.evaluate(
            """Object.fromEntries(window.__explorer.cy.nodes().filter(n => !n.data('pseudo')).map(n =>
                 [n.id(), ['error', 'warning', 'info'].find(s => n.hasClass('finding-' + s)) || '']))"""
        )
    )


def test_node_with_a_finding_shows_the_badge_and_is_marked(browser: Any, base_url: str) -> None:
    summary = graphql(base_url, "{ integrity { latest { summary { errors warnings infos } } } }")
    assert summary["integrity"]["latest"]["summary"]["errors"] == 0  # the bundled corpus conforms
    p = open_page(browser, base_url, f"/?node={FLAGGED}")
    try:
        assert p.panel_title() == doc_line(1809).removeprefix("(二) 策略二、")
        findings = p.page.locator("#integrity-badges li.finding")
        assert findings.count() == 1
        # The title counts the node's findings (integrityFindings.totalCount): one, for 000:1809.
        assert p.page.text_content("#integrity-title") == "Integrity findings 檢核發現 (1)"
        f = findings.first
        assert f.get_attribute("data-check") == "no-responsible-agency"
        assert f.get_attribute("data-severity") == "warning"
        assert str(f.locator(".badge").text_content()) == "warning 警告"
        assert "has no responsible agency" in str(f.locator(".finding-message").text_content())
        evidence = str(f.locator(".finding-evidence").text_content())
        assert "line 1809" in evidence and str(f.locator(".finding-evidence q").text_content()) == doc_line(1809)
        assert "Check run of" in str(p.page.text_content("#integrity-badges"))
        # The panel also says, as before, that no agency is named.
        assert "No agency is named" in str(p.page.text_content("#panel .agencies"))

        # Canvas: the strategy is outlined as a warning; every marked node is one with findings.
        marks = canvas_marks(p)
        assert marks[FLAGGED] == "warning"
        assert p.page.evaluate(f"window.__explorer.cy.getElementById('{FLAGGED}').style('outline-style')") == "dashed"
        worst = {
            i: next(s for s in ("error", "warning", "info") if s in sev) for i, sev in flagged_ids(base_url).items()
        }
        assert {i: m for i, m in marks.items() if m} == {i: worst[i] for i in marks if i in worst}
        assert any(not m for m in marks.values()), "its neighbours without findings are not marked"
        legend = str(p.page.text_content("#legend-findings"))
        assert "Integrity finding" in legend and "0 error(s)" in legend and "warning 警告" in legend
        p.shot("09-integrity.png")

        # A node without findings: no badge, no outline.
        p.page.goto(f"{base_url}/?node={STRATEGY}")
        p.settle()
        p.page.wait_for_function("document.body.dataset.integrity === 'ready'")
        assert p.page.locator("#integrity-badges").count() == 1
        assert p.page.locator("#integrity-badges > *").count() == 0
        assert not p.page.is_visible("#integrity-badges")
        assert canvas_marks(p)[STRATEGY] == ""
        assert not p.errors, p.errors
    finally:
        p.close()


# ---- a finding whose evidence contains markup --------------------------------------------------
@pytest.fixture(scope="module")
def markup_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A one-plan corpus (tests/test_explorer_browser.py's XSS_LINES) whose strategy has no agency."""
    root = tmp_path_factory.mktemp("integrity-markup")
    corpus, profiles = root / "corpus", root / "profiles"
    corpus.mkdir()
    profiles.mkdir()
    (corpus / "doc.txt").write_text("\n".join(XSS_LINES) + "\n", encoding="utf-8")
    doc = {"id": "markup", "file": "doc.txt", "title": "測試計畫", "short_name": "測試", "kind": "plan"}
    doc |= {"issuer": "測試", "published": "2025-01-01", "profile": "tiny"}
    (corpus / "manifest.yaml").write_text(yaml.safe_dump({"documents": [doc]}, allow_unicode=True), encoding="utf-8")
    level = "^[(（](?P<num>[一二三四五六七八九十]+)[)）]\\s*(?:策略[一二三四五六七八九十]+[、，,]\\s*)?(?P<title>.+)$"
    profile = {
        "reader": "st_plan",
        "root": {"kind": "Plan"},
        "outline": {
            "region_start": "^肆、",
            "region_end": "^伍、",
            "levels": [
                {"kind": "Goal", "id": "g", "pattern": "^目標(?P<num>[一二三四五六七八九十]+)[：:]\\s*(?P<title>.+)$"},
                {"kind": "Strategy", "id": "s", "pattern": level},
                {"kind": "Measure", "id": "m", "pattern": "^(?P<num>\\d{1,2})[.．]\\s*(?P<title>\\S.*)$"},
            ],
        },
    }
    (profiles / "tiny.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    settings = Settings(corpus=corpus, history_db=root / "history.sqlite")
    with serve_app(create_app(settings, service=TinyProfileService(settings, profiles))) as url:
        wait_for_a_run(url)
        yield url


def test_markup_in_a_finding_is_shown_as_text(browser: Any, markup_url: str) -> None:
    q = '{ integrity { latest { findings(check: "no-responsible-agency") { nodes { focusNodeId evidence { quote } } } } } }'
    found = graphql(markup_url, q)["integrity"]["latest"]["findings"]["nodes"]
    # Line 5 「（一）策略一、<b>粗體</b><script>window.__xss = 4</script>策略」: the strategy has no agency.
    [strategy] = [f for f in found if f["evidence"][0]["quote"] == XSS_LINES[4]]
    p = open_page(browser, markup_url, f"/?node={strategy['focusNodeId']}")
    try:
        quote = p.page.locator("#integrity-badges .finding-evidence q")
        assert quote.count() == 1 and str(quote.text_content()) == XSS_LINES[4]
        p.page.wait_for_timeout(300)  # give an injected handler time to run, were there one
        assert p.page.evaluate("window.__xss") is None
        assert p.page.locator("#integrity-badges script, #integrity-badges b, #integrity-badges img").count() == 0
        assert not p.errors, p.errors
    finally:
        p.close()
