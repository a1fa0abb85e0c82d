"""The graph service: one store, the load that fills it, and the report of the last load.

Used by the command line and the web app alike. A load builds the complete batch first and only
then replaces the served graph, so a broken document never replaces a good graph.

The service also says what it serves (`health()`: the one home of /health and of the GraphQL
NO_GRAPH error's reason) and, for a server, keeps a graph served (`keep_loaded()`): one watch
thread retries an unreachable database, retries a failed load, and reloads the corpus when the
database comes back without the graph.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from app.settings import Settings
from app.stores import make_store
from graph.model import GraphBatch, LoadWarning
from graph.store import GenerationInfo, GraphStore, StoreUnavailable
from loaders.pipeline import ProgressFn, load_corpus

log = logging.getLogger("policygraph")


@dataclass
class LoadReport:
    ok: bool
    corpus: str
    started: str
    finished: str
    generation: str | None = None
    nodes: int = 0
    edges: int = 0
    error: str | None = None
    warnings: list[LoadWarning] = field(default_factory=list)
    # The load failed because the database could not be reached (worth retrying).
    unavailable: bool = False


HealthStatus = Literal["ok", "loading", "failed", "degraded"]


@dataclass(frozen=True)
class Health:
    """What the service serves, for /health and the GraphQL errors: `ok` (a graph is served),
    `loading` (no graph yet, a load is due or running), `failed` (no graph: the last load failed;
    it is retried) or `degraded` (the database cannot be reached). `reason` is one line."""

    status: HealthStatus
    reason: str | None
    store: str
    generation: str | None
    last_load: LoadReport | None

    def payload(self) -> dict[str, Any]:
        last = self.last_load
        return {
            "status": self.status,
            "reason": self.reason,
            "store": self.store,
            "generation": self.generation,
            "last_load": None
            if last is None
            else {"ok": last.ok, "finished": last.finished, "error": last.error, "warnings": len(last.warnings)},
        }


class LoadFailed(RuntimeError):
    """The service has no graph to serve after its first load (Settings.exit_on_load_failure)."""


# Called after every successful load with its report and batch (e.g. the integrity checks).
PostLoadHook = Callable[[LoadReport, GraphBatch], None]


class GraphService:
    def __init__(self, settings: Settings, store: GraphStore | None = None) -> None:
        self.settings = settings
        self.store = store or make_store(settings)
        self.last_load: LoadReport | None = None
        self.post_load: list[PostLoadHook] = []
        self._load_lock = threading.Lock()
        self._loading = False
        # The generation last seen served, to tell "never loaded" from "the database lost it".
        self._served: str | None = None
        # Set when a reader finds no graph after a good load: the watch thread checks at once.
        self._wake = threading.Event()

    def build(self, corpus: Path | None = None, progress: ProgressFn | None = None) -> GraphBatch:
        return load_corpus(
            corpus or self.settings.corpus, progress=progress, allow_empty=self.settings.allow_empty_corpus
        )

    def reload(self, corpus: Path | None = None, progress: ProgressFn | None = None) -> LoadReport:
        """Build from the corpus and replace the served graph; on any error keep the old one."""
        corpus = corpus or self.settings.corpus
        started = _now()
        with self._load_lock:
            self._loading = True
            try:
                batch = self.build(corpus, progress)
                if progress:
                    progress(f"write {len(batch.nodes)} nodes to the {self.store.name} store")
                info: GenerationInfo = self.store.replace(batch)
            except Exception as exc:  # reported to the user as one line; the old graph stays
                report = LoadReport(
                    False,
                    str(corpus),
                    started,
                    _now(),
                    error=_one_line(exc),
                    unavailable=isinstance(exc, StoreUnavailable),
                )
                self.last_load = report
                return report
            finally:
                self._loading = False
            self._served = info.generation
            report = LoadReport(
                True,
                str(corpus),
                started,
                _now(),
                info.generation,
                info.nodes,
                info.edges,
                warnings=batch.warnings,
            )
            self.last_load = report
            for hook in list(self.post_load):
                try:
                    hook(report, batch)
                except Exception:  # a failing hook must not turn a good load into a failed one
                    log.exception("post-load hook %r failed", hook)
            return report

    # --- what is served ---------------------------------------------------------------------------
    def health(self) -> Health:
        """The service's state, read from the store now (one cheap query for a database)."""
        last = self.last_load
        try:
            info = self.store.generation()
        except Exception as exc:  # the store is unreachable: degraded, with the reason
            return Health("degraded", _one_line(exc), self.store.name, None, last)
        if info is None:
            return Health(*self._missing(), self.store.name, None, last)
        self._served = info.generation
        stale = None if last is None or last.ok else f"last load failed: {last.error}; serving the previous graph"
        return Health("ok", stale, self.store.name, info.generation, last)

    def _missing(self) -> tuple[HealthStatus, str]:
        """Status and reason when the store answers but holds no graph."""
        last = self.last_load
        if last is not None and not last.ok and not last.unavailable:
            # Failed, even while the retry runs: a supervisor must not read a retry as progress.
            return "failed", f"the load failed: {last.error}; retrying every {self.settings.load_retry_seconds:g} s"
        if self._served is not None:
            return "loading", (
                f"the graph store holds no graph any more (it served generation {self._served}); reloading the corpus"
            )
        if self._loading:
            return "loading", "the corpus is being loaded"
        return "loading", "no graph has been loaded yet"

    def no_graph_reason(self) -> str:
        """Why a reader found no graph, without asking the store again (one line)."""
        if self._served is not None:
            self._wake_if_lost()
        return self._missing()[1]

    def _wake_if_lost(self) -> None:
        # Only after a good load: a request must not be able to start loads of a broken corpus
        # (those are retried on their own interval).
        last = self.last_load
        if last is None or last.ok:
            self._wake.set()

    def require_graph(self) -> Health:
        """The health, if a graph is served; else LoadFailed with the reason."""
        health = self.health()
        if health.status != "ok":
            raise LoadFailed(f"no graph to serve: {health.reason}")
        return health

    # --- keeping a graph served ------------------------------------------------------------------
    def ensure_loaded(self) -> bool:
        """Load the corpus when the store holds no graph; the embedded store is also filled at the
        service's first load (it may hold another graph). False when the database cannot be reached."""
        try:
            info = self.store.generation()
        except StoreUnavailable as exc:
            log.warning("graph store unavailable: %s", exc)
            return False
        first_fill = self.settings.store_name == "embedded" and self.last_load is None
        if info is not None and not first_fill:
            self._served = info.generation
            return True
        if info is None and self._served is not None:
            log.warning("the graph store holds no graph any more (it served generation %s): reloading", self._served)
        report = self.reload()
        if not report.ok:
            log.error("load failed: %s", report.error)
            if report.unavailable:
                return False
        return True

    def keep_loaded(self) -> Callable[[], None]:
        """ensure_loaded now, then in a background thread for as long as the service runs: retry
        an unreachable database every `reconnect_seconds`, a failed load every `load_retry_seconds`,
        and reload when the database comes back without the graph (checked every
        `reconnect_seconds`, or at once when a request finds no graph after a good load). The
        service serves meanwhile: /health says why there is no graph. Returns the function that
        stops the thread."""
        reconnect = self.settings.reconnect_seconds
        retry = self.settings.load_retry_seconds
        stop = threading.Event()
        reachable = self.ensure_loaded()

        def watch() -> None:
            nonlocal reachable
            while not stop.is_set():
                last = self.last_load
                failed = reachable and last is not None and not last.ok and not last.unavailable
                self._wake.wait(retry if failed else reconnect)
                self._wake.clear()
                if stop.is_set():
                    return
                was_reachable = reachable
                try:
                    reachable = self.ensure_loaded()
                except Exception:  # the watch must never die: logged, tried again at the next tick
                    log.exception("keeping the graph loaded failed")
                    continue
                if reachable and not was_reachable:
                    log.info("graph store reachable again")

        thread = threading.Thread(target=watch, name="policygraph-watch", daemon=True)
        thread.start()

        def stop_watching() -> None:
            stop.set()
            self._wake.set()
            thread.join(timeout=5)  # a load in progress finishes on its own (daemon thread)

        return stop_watching


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else type(exc).__name__
    return msg if not isinstance(exc, (KeyError,)) else msg.strip("'\"")
