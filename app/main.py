"""The web app: FastAPI, with the graph service created in the lifespan and injected where needed."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app import explorer, graphql_api, monitoring
from app.http_limits import HeadAsGet, RequestLimits
from app.ratelimit import FailureLimiter
from app.service import GraphService, LoadFailed, LoadReport
from app.settings import Settings
from graph.model import GraphBatch

log = logging.getLogger("policygraph")


def freeze_after_load(report: LoadReport, batch: GraphBatch) -> None:
    """Post-load hook, after the GraphQL router's warm-up: put what is alive now (the graph just
    loaded and the caches built for it) out of the collector's reach. A full collection otherwise
    walks every one of those objects (5 M at 1,000 plans: seconds, holding the GIL, seen as p99
    outliers); the graph holds no reference cycles, so reference counting still frees it when a later
    load replaces it. Unfreezing first lets this collection take any cycles frozen last time."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def health_payload(svc: GraphService) -> dict[str, Any]:
    return svc.health().payload()


def create_app(settings: Settings | None = None, service: GraphService | None = None) -> FastAPI:
    settings = settings or Settings()
    svc = service or GraphService(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # An unreachable database or a failed load does not stop the service (unless
        # exit_on_load_failure): it says why on /health and keeps trying in the background.
        stop_retrying = await run_in_threadpool(svc.keep_loaded)
        if svc.settings.exit_on_load_failure:
            try:
                await run_in_threadpool(svc.require_graph)
            except LoadFailed:
                stop_retrying()
                svc.store.close()
                raise
        stop_monitoring = monitoring.start(svc)
        try:
            yield
        finally:
            stop_retrying()
            stop_monitoring()
            svc.store.close()

    app = FastAPI(title="policygraph", lifespan=lifespan)
    app.state.service = svc
    app.state.admin_failures = FailureLimiter(settings.admin_max_failures, settings.admin_failure_window_seconds)

    @app.exception_handler(Exception)
    async def no_stack_traces(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"error": "internal error", "detail": type(exc).__name__}, status_code=500)

    @app.get("/health")
    def health() -> JSONResponse:
        health = svc.health()
        return JSONResponse(health.payload(), status_code=200 if health.status == "ok" else 503)

    if settings.cors_origins:  # off by default: only the listed origins may call the API from a browser
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.include_router(graphql_api.router(svc), prefix="/graphql")
    if freeze_after_load in svc.post_load:
        svc.post_load.remove(freeze_after_load)
    svc.post_load.append(freeze_after_load)  # after the router's warm-up hook
    app.include_router(monitoring.router(svc))
    app.include_router(explorer.router())
    app.mount(explorer.STATIC_PREFIX, explorer.static_files(), name="static")
    # Outermost (added last): sizes and malformed GraphQL requests are refused before anything
    # parses them; HEAD is served as GET for every route.
    app.add_middleware(RequestLimits, settings=settings)
    app.add_middleware(HeadAsGet)
    return app
