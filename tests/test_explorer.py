"""The explorer page as the app serves it (no browser): index, static files, vendored libraries,
offline (no CDN) and GraphQL-only data access. The browser tests are in test_explorer_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import explorer
from app.main import create_app
from app.settings import Settings

STATIC = explorer.STATIC_DIR
OWN_JS = sorted(p for p in STATIC.glob("*.js"))


@pytest.fixture(scope="module")
def client() -> TestClient:
    # No `with`: the lifespan (corpus load) is not needed to serve static files.
    return TestClient(create_app(Settings()))


def test_index_is_the_explorer_page(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200, "vendor libraries missing? run scripts/build-frontend.sh (make install)"
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"
    assert '<script type="module" src="/static/explorer.js"></script>' in r.text
    assert 'id="search-input"' in r.text


@pytest.mark.parametrize("name", [p.name for p in OWN_JS] + list(explorer.VENDOR_FILES))
def test_scripts_are_served_as_javascript(client: TestClient, name: str) -> None:
    r = client.get(f"/static/{name}")
    assert r.status_code == 200, f"/static/{name} not served (run scripts/build-frontend.sh for vendor files)"
    # Module scripts are refused by browsers unless the MIME type is JavaScript.
    assert r.headers["content-type"].split(";")[0] in {"text/javascript", "application/javascript"}


def test_static_does_not_serve_files_outside_its_folder(client: TestClient) -> None:
    assert client.get("/static/../main.py").status_code == 404
    assert client.get("/static/%2e%2e/main.py").status_code == 404


def test_missing_vendor_files_give_a_clear_page(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>", encoding="utf-8")
    monkeypatch.setattr(explorer, "STATIC_DIR", tmp_path)
    r = client.get("/")
    assert r.status_code == 503
    assert "make install" in r.text and "Traceback" not in r.text


def _imports(js: str) -> list[str]:
    return re.findall(r"^\s*import\s+(?:[^'\"]+\s+from\s+)?[\"']([^\"']+)[\"']", js, re.MULTILINE)


@pytest.mark.parametrize("path", OWN_JS, ids=lambda p: p.name)
def test_module_imports_resolve_to_served_files(path: Path) -> None:
    """Plain ES modules without a bundler: every import must be a relative path to a file that exists
    (vendor files after the install step)."""
    for spec in _imports(path.read_text(encoding="utf-8")):
        assert spec.startswith("./"), f"{path.name}: bare or absolute import {spec!r} needs a bundler or a CDN"
        assert (path.parent / spec).is_file(), f"{path.name}: imports {spec}, which does not exist"


def test_page_uses_only_the_graphql_endpoint_and_no_cdn() -> None:
    """Offline at run time: no absolute URL in the page's own files; the only fetch is to /graphql."""
    svg_ns = "http://www.w3.org/2000/svg"
    files = [*OWN_JS, STATIC / "index.html", STATIC / "explorer.css"]
    for f in files:
        text = f.read_text(encoding="utf-8").replace(svg_ns, "")
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.IGNORECASE), f"absolute URL in {f.name}"
    fetches = [m for f in OWN_JS for m in re.findall(r"\bfetch\(([^,)]+)", f.read_text(encoding="utf-8"))]
    assert fetches == ["ENDPOINT"]
    assert 'const ENDPOINT = "/graphql";' in (STATIC / "api.js").read_text(encoding="utf-8")


def test_page_never_writes_html_from_data() -> None:
    """Document text must go in as text: no innerHTML/outerHTML/insertAdjacentHTML/document.write."""
    for f in OWN_JS:
        text = f.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser"):
            assert sink not in text, f"{f.name} uses {sink}"


def _api_queries() -> dict[str, str]:
    """The GraphQL documents api.js sends, with its ${CONST} fragments filled in."""
    js = (STATIC / "api.js").read_text(encoding="utf-8")
    consts = dict(re.findall(r'^const ([A-Z]+) = ["`](.*?)["`];$', js, re.MULTILINE))

    def fill(text: str) -> str:
        while "${" in text:
            text = re.sub(r"\$\{([A-Z]+)\}", lambda m: consts[m.group(1)], text)
        return text

    docs = re.findall(r"await gql\(\s*`(.*?)`", js, re.DOTALL)
    return {re.search(r"query (\w+)", d).group(1): fill(d) for d in docs}  # type: ignore[union-attr]


def test_every_query_of_the_page_is_valid_against_the_served_schema() -> None:
    """The page's queries against the schema the app serves: a renamed field fails here, not in a browser."""
    from graphql import parse, validate

    from app.gql.schema import schema

    queries = _api_queries()
    assert {"Search", "Node", "Lines", "Neighbours", "Lineage", "Agency", "AgencyItems", "Path", "Overview"} <= set(
        queries
    )
    for name, doc in queries.items():
        errors = validate(schema._schema, parse(doc))
        assert not errors, f"{name}: {[e.message for e in errors]}"


def test_browser_tests_leave_the_committed_screenshots_alone() -> None:
    """A test run writes its screenshots where git does not look; `make screenshots` updates docs/."""
    from tests.test_explorer_browser import ROOT, screenshot_dir

    default = screenshot_dir({})
    assert default == ROOT / "tests" / ".artifacts" / "screenshots"
    assert screenshot_dir({"POLICYGRAPH_UPDATE_SCREENSHOTS": "0"}) == default
    assert screenshot_dir({"POLICYGRAPH_UPDATE_SCREENSHOTS": "1"}) == ROOT / "docs" / "screenshots"
    assert "tests/.artifacts/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "POLICYGRAPH_UPDATE_SCREENSHOTS=1" in make.split("\nscreenshots:", 1)[1].split("\n\n", 1)[0]
