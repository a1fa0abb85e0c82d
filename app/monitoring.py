"""Monitoring: integrity checks after every load and on a schedule, their history, and /metrics.

- After each successful load (GraphService.post_load) the checks run on the new graph, and the
  load's warnings are recorded with its generation (so any process serving that generation can
  check them later: unknown-agency).
- APScheduler 3 (BackgroundScheduler) runs them every `check_interval_seconds` or on `check_cron`.
- Every run is recorded in the SQLite history (Settings.history_db, default
  .policygraph/history.sqlite in the working directory) with what started it (TRIGGERS).
- /metrics exposes Prometheus gauges: findings by check and severity, time and duration of the last
  run, runs by trigger.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest

from app.service import GraphService, LoadReport
from app.settings import Settings
from graph.model import GraphBatch, LoadWarning
from graph.store import GraphStore
from queries.integrity import (
    CATALOGUE,
    HistoryError,
    IntegrityReport,
    RunHistory,
    Severity,
    check_store,
    history_path,
)

log = logging.getLogger("policygraph")


# What starts a recorded run (RunRecord.trigger, the `trigger` label of the runs metric).
TRIGGERS = {
    "load": "a load by this process (`policygraph load`, the server's own load at start-up or once "
    "the database answers, the reload mutation), on the graph it just wrote",
    "startup": "the server started on a graph it did not load (Neo4j already holding one)",
    "schedule": "the server's schedule (check_interval_seconds or check_cron)",
    "cli": "`policygraph check --record`",
    "dry-run": "`policygraph check --dry-run --record` (a corpus built into a store of its own)",
}


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else repr(exc)


class ScheduleError(ValueError):
    """A schedule setting that cannot be used; str() is one line."""


def schedule_trigger(settings: Settings) -> BaseTrigger | None:
    """The trigger configured by check_cron (wins) or check_interval_seconds (> 0); None when off."""
    if settings.check_cron:
        try:
            return CronTrigger.from_crontab(settings.check_cron)
        except ValueError as exc:
            raise ScheduleError(f"check_cron {settings.check_cron!r} is not a cron expression: {exc}") from None
    if settings.check_interval_seconds > 0:
        return IntervalTrigger(seconds=settings.check_interval_seconds)
    return None


class IntegrityMonitor:
    """Runs the checks for one service, records them, and keeps the Prometheus gauges."""

    def __init__(self, svc: GraphService) -> None:
        self.svc = svc
        self.history = RunHistory(history_path(svc.settings.history_db))
        # A registry of its own: several apps (tests) in one process must not share gauges.
        self.registry = CollectorRegistry()
        self.findings = Gauge(
            "policygraph_integrity_findings",
            "Findings of the last integrity run, by check and severity",
            ["check", "severity"],
            registry=self.registry,
        )
        self.last_run = Gauge(
            "policygraph_integrity_last_run_timestamp_seconds",
            "When the last integrity run finished (Unix time)",
            registry=self.registry,
        )
        self.duration = Gauge(
            "policygraph_integrity_last_run_duration_seconds",
            "How long the last integrity run took",
            registry=self.registry,
        )
        self.conforms = Gauge(
            "policygraph_integrity_conforms",
            "1 when the last run found no error-severity finding, else 0",
            registry=self.registry,
        )
        self.runs = Counter(
            "policygraph_integrity_runs",
            "Integrity runs, by what started them",
            ["trigger"],
            registry=self.registry,
        )
        self.failures = Counter(
            "policygraph_integrity_run_failures",
            "Integrity runs that could not complete (store or history unavailable)",
            registry=self.registry,
        )
        self._run_lock = threading.Lock()
        self._scheduler: BackgroundScheduler | None = None
        # The last load whose run was recorded (by on_load or the initial run), so it is not run twice.
        self._checked_load: LoadReport | None = None
        self._state_lock = threading.Lock()

    # --- running --------------------------------------------------------------------------------
    def _corpus(self) -> Path:
        last = self.svc.last_load
        return Path(last.corpus) if last is not None and last.ok else self.svc.settings.corpus

    def _warnings(self, view: GraphStore) -> list[LoadWarning] | None:
        """The warnings of the load that produced the graph `view` reads: this process's own load,
        else the ones recorded in the history for that generation by whichever process loaded it."""
        last = self.svc.last_load
        info = view.generation()
        if info is None:
            return None
        if last is not None and last.ok and last.generation == info.generation:
            return list(last.warnings)
        try:
            return self.history.load_warnings(info.generation)
        except HistoryError as exc:  # unknown-agency is skipped, with the reason logged
            log.warning("load warnings unavailable: %s", exc)
            return None

    def _record_load(self, report: LoadReport) -> None:
        if not report.ok or report.generation is None:
            return
        try:
            self.history.record_load(report.generation, self.svc.store.name, report.corpus, report.warnings)
        except Exception as exc:  # the load stands; only its warnings cannot be checked elsewhere
            log.error("cannot record the load's warnings: %s", _first_line(exc))

    def run(self, trigger: str, batch: GraphBatch | None = None) -> IntegrityReport | None:
        """Check the served graph and record the run; None (logged) when it could not run."""
        with self._run_lock:
            t0 = time.perf_counter()
            try:
                # One generation for the warnings and every check, even if a reload swaps meanwhile.
                with self.svc.store.reading() as view:
                    if view.generation() is None:
                        return None  # nothing loaded yet: nothing to check
                    warnings = list(batch.warnings) if batch is not None else self._warnings(view)
                    report = check_store(view, warnings, self._corpus(), batch=batch)
            except Exception as exc:  # a scheduled job must never die; the reason is logged
                self._failed(trigger, exc)
                return None
            self._publish(report, trigger, time.perf_counter() - t0)
            try:
                self.history.record(report, trigger)
            except Exception as exc:  # the metrics still show the run
                self._failed(trigger, exc)
            return report

    def _failed(self, trigger: str, exc: BaseException) -> None:
        self.failures.inc()
        log.error("integrity checks (%s) failed: %s", trigger, _first_line(exc))

    def _publish(self, report: IntegrityReport, trigger: str, seconds: float) -> None:
        self.findings.clear()
        for check in CATALOGUE.values():
            for sev in Severity:
                n = sum(1 for f in report.findings if f.check == check.id and f.severity is sev)
                if n or sev is check.severity:
                    self.findings.labels(check=check.id, severity=sev.value).set(n)
        self.last_run.set(time.time())
        self.duration.set(seconds)
        self.conforms.set(1 if report.conforms else 0)
        self.runs.labels(trigger=trigger).inc()

    def on_load(self, report: LoadReport, batch: GraphBatch) -> None:
        with self._state_lock:
            if self._checked_load is report:
                return  # the initial run took it (last_load is set before the hooks run)
            self._checked_load = report
        self._record_load(report)
        self.run("load", batch)

    def initial_run(self) -> IntegrityReport | None:
        """Check the graph served when monitoring starts: as `load` when this process loaded it
        (the server's own load, done before the hook was installed), else as `startup`."""
        last = self.svc.last_load
        with self._state_lock:
            if last is not None and last is self._checked_load:
                return None  # on_load has checked it already
            own = last is not None and last.ok
            if own:
                self._checked_load = last
        if own and last is not None:
            try:
                info = self.svc.store.generation()
            except Exception as exc:
                self._failed("load", exc)
                return None
            if info is not None and info.generation == last.generation:
                self._record_load(last)
                return self.run("load")
        return self.run("startup")

    # --- lifetime ------------------------------------------------------------------------------
    def install(self) -> None:
        """Check (and record) after every load of the service from now on."""
        if self.on_load not in self.svc.post_load:
            self.svc.post_load.append(self.on_load)

    def start(self, trigger: BaseTrigger | None = None) -> Callable[[], None]:
        """Check after every load from now on, check the graph loaded so far, and run the schedule
        (`trigger`, else the one configured). Returns the function that stops all of it."""
        self.install()
        if trigger is None:
            try:
                trigger = schedule_trigger(self.svc.settings)
            except ScheduleError as exc:
                log.error("%s; scheduled integrity checks are off", exc)
        sched = BackgroundScheduler(daemon=True)
        # The graph loaded before monitoring started (the app's initial load) is checked at once.
        sched.add_job(self.initial_run, id="integrity-startup")
        if trigger is not None:
            sched.add_job(
                self.run, trigger, args=["schedule"], id="integrity-schedule", max_instances=1, coalesce=True
            )
        sched.start()
        self._scheduler = sched

        def stop() -> None:
            if self.on_load in self.svc.post_load:
                self.svc.post_load.remove(self.on_load)
            if sched.running:
                # Wait for a run in progress: the store is closed right after this.
                sched.shutdown(wait=True)

        return stop


_monitors: weakref.WeakKeyDictionary[GraphService, IntegrityMonitor] = weakref.WeakKeyDictionary()
_monitors_lock = threading.Lock()


def monitor_for(svc: GraphService) -> IntegrityMonitor:
    with _monitors_lock:
        mon = _monitors.get(svc)
        if mon is None:
            mon = _monitors[svc] = IntegrityMonitor(svc)
        return mon


def history_for(svc: GraphService) -> RunHistory:
    """The service's history of integrity runs (for queries.integrity.latest_report/history/findings_for)."""
    return monitor_for(svc).history


def install(svc: GraphService) -> IntegrityMonitor:
    """Run and record the checks after every load of `svc` (no scheduler): for the command line."""
    mon = monitor_for(svc)
    mon.install()
    return mon


def router(svc: GraphService) -> APIRouter:
    r = APIRouter()

    @r.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(monitor_for(svc).registry), media_type=CONTENT_TYPE_LATEST)

    return r


def start(svc: GraphService) -> Callable[[], None]:
    """Start background jobs for the app's lifetime; returns the function that stops them."""
    return monitor_for(svc).start()
