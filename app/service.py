"""The graph service: one store, the load that fills it, and the report of the last load.

Used by the command line and the web app alike. A load builds the complete batch first and only
then replaces the served graph, so a broken document never replaces a good graph.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

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


# Called after every successful load with its report and batch (e.g. the integrity checks).
PostLoadHook = Callable[[LoadReport, GraphBatch], None]


class GraphService:
    def __init__(self, settings: Settings, store: GraphStore | None = None) -> None:
        self.settings = settings
        self.store = store or make_store(settings)
        self.last_load: LoadReport | None = None
        self.post_load: list[PostLoadHook] = []
        self._load_lock = threading.Lock()

    def build(self, corpus: Path | None = None, progress: ProgressFn | None = None) -> GraphBatch:
        return load_corpus(corpus or self.settings.corpus, progress=progress)

    def reload(self, corpus: Path | None = None, progress: ProgressFn | None = None) -> LoadReport:
        """Build from the corpus and replace the served graph; on any error keep the old one."""
        corpus = corpus or self.settings.corpus
        started = _now()
        with self._load_lock:
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


    def ensure_loaded(self) -> bool:
        """Serve a graph: the embedded store is always filled from the corpus; a database is
        filled only when it holds no graph yet. False when the database cannot be reached."""
        try:
            needs_load = self.settings.store_name == "embedded" or self.store.generation() is None
        except StoreUnavailable as exc:
            log.warning("graph store unavailable: %s", exc)
            return False
        if needs_load:
            report = self.reload()
            if not report.ok:
                log.error("load failed: %s", report.error)
                if report.unavailable:
                    return False
        return True

    def keep_loaded(self, retry_seconds: float) -> Callable[[], None]:
        """ensure_loaded now; if the database is unreachable, retry in the background until it
        answers (the service runs degraded meanwhile). Returns a function that stops retrying."""
        stop = threading.Event()
        if self.ensure_loaded():
            return stop.set

        def retry() -> None:
            while not stop.wait(retry_seconds):
                if self.ensure_loaded():
                    log.info("graph store reachable again")
                    return

        threading.Thread(target=retry, name="policygraph-reconnect", daemon=True).start()
        return stop.set


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else type(exc).__name__
    return msg if not isinstance(exc, (KeyError,)) else msg.strip("'\"")
