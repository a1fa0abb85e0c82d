"""The graph-explorer web page: static files only; the page talks to the public GraphQL API.

Mounted by app.main:  app.include_router(explorer.router())  and
                      app.mount(STATIC_PREFIX, explorer.static_files(), name="static")
The front-end libraries in static/vendor/ are copied from npm by scripts/build-frontend.sh (run by
`make install`); nothing is fetched from a CDN at run time.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/static"
VENDOR_FILES = ("vendor/cytoscape.esm.min.js", "vendor/cytoscape-dagre.esm.min.js")

_MISSING_VENDOR = """<!doctype html><html lang="en"><meta charset="utf-8"><title>policygraph explorer</title>
<body><h1>The explorer's front-end libraries are not installed</h1>
<p>Run <code>make install</code> (or <code>scripts/build-frontend.sh</code>) and reload this page.
The GraphQL API at <a href="/graphql">/graphql</a> works without them.</p></body></html>"""


def missing_vendor_files() -> list[str]:
    return [f for f in VENDOR_FILES if not (STATIC_DIR / f).is_file()]


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/", response_model=None)
    def index() -> Response:
        # A clear page instead of a blank one when the install step was skipped.
        if missing_vendor_files():
            return HTMLResponse(_MISSING_VENDOR, status_code=503)
        # no-cache: a reload after an upgrade picks up the new page (the URL carries the view).
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    return r
