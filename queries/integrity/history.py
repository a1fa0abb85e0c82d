"""History of integrity runs in SQLite (stdlib sqlite3): one row per run with its counts and the whole
report as JSON, and one row per finding (indexed by focus node, for "findings for this node").

It also keeps the warnings of each load, keyed by the generation the load produced, so that a
process that did not do the load (the server after `policygraph load`, or any process on a Neo4j
graph) can still check them (unknown-agency)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from core.errors import PolicyGraphError
from core.files import PathRefused, regular_or_absent
from graph.model import LoadWarning
from queries.integrity.model import Finding, IntegrityReport, RunRecord, Summary

DEFAULT_HISTORY = Path(".policygraph") / "history.sqlite"
# Runs kept; older ones are pruned so a frequent schedule cannot grow the file without bound.
KEEP_RUNS = 1000
# Generations whose load warnings are kept (the most recently loaded).
KEEP_LOADS = 100

_WARNINGS = TypeAdapter(list[LoadWarning])

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    generated_at TEXT NOT NULL,
    trigger TEXT NOT NULL,
    store TEXT NOT NULL,
    generation TEXT,
    corpus TEXT,
    duration_ms REAL NOT NULL,
    conforms INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    infos INTEGER NOT NULL,
    report TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    focus_node TEXT,
    finding TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_by_focus ON findings (focus_node, run_id);
CREATE TABLE IF NOT EXISTS load_warnings (
    generation TEXT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    store TEXT NOT NULL,
    corpus TEXT,
    warnings TEXT NOT NULL
);
"""


def history_path(configured: Path | None) -> Path:
    """Settings.history_db when set, else .policygraph/history.sqlite in the working directory."""
    return configured if configured is not None else Path.cwd() / DEFAULT_HISTORY


class HistoryError(PolicyGraphError, RuntimeError):
    """The history database cannot be used; str() is one line naming the file."""


class RunHistory:
    def __init__(self, path: Path, keep: int = KEEP_RUNS, keep_loads: int = KEEP_LOADS) -> None:
        self.path = path
        self.keep = keep
        self.keep_loads = keep_loads
        self._lock = threading.Lock()
        self._ready = False

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per call: runs come from the scheduler's thread, the load hook
        # and API requests alike.
        with self._lock:
            try:
                if not self._ready:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                # SQLite would open a FIFO or a device too (and hang or fail later): only a regular file.
                regular_or_absent(self.path, "the check history (POLICYGRAPH_HISTORY_DB)")
                con = sqlite3.connect(self.path, timeout=10)
            except PathRefused as exc:
                raise HistoryError(str(exc)) from None
            except (OSError, sqlite3.Error) as exc:
                raise HistoryError(f"cannot open the check history {self.path}: {exc}") from None
            try:
                con.execute("PRAGMA foreign_keys = ON")
                if not self._ready:
                    con.executescript(_SCHEMA)
                    self._ready = True
                with con:
                    yield con
            except sqlite3.Error as exc:
                raise HistoryError(f"check history {self.path}: {exc}") from None
            finally:
                con.close()

    def record(self, report: IntegrityReport, trigger: str) -> int:
        s = report.summary
        with self._db() as con:
            cur = con.execute(
                "INSERT INTO runs (generated_at, trigger, store, generation, corpus, duration_ms, conforms,"
                " errors, warnings, infos, report) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    report.generated_at,
                    trigger,
                    report.store,
                    report.generation,
                    report.corpus,
                    report.duration_ms,
                    int(report.conforms),
                    s.error,
                    s.warning,
                    s.info,
                    report.model_dump_json(),
                ),
            )
            run_id = int(cur.lastrowid or 0)
            con.executemany(
                "INSERT INTO findings (run_id, check_id, severity, focus_node, finding) VALUES (?,?,?,?,?)",
                [(run_id, f.check, f.severity.value, f.focus_node, f.model_dump_json()) for f in report.findings],
            )
            con.execute("DELETE FROM runs WHERE id <= ?", (run_id - self.keep,))
        return run_id

    def record_load(
        self, generation: str, store: str, corpus: str | None, warnings: Iterable[LoadWarning]
    ) -> None:
        """Keep the warnings of the load that produced `generation` (replacing an earlier load of
        the same generation: the same corpus gives the same graph and the same warnings)."""
        with self._db() as con:
            con.execute(
                "INSERT OR REPLACE INTO load_warnings (generation, recorded_at, store, corpus, warnings)"
                " VALUES (?,?,?,?,?)",
                (
                    generation,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    store,
                    corpus,
                    _WARNINGS.dump_json(list(warnings)).decode(),
                ),
            )
            con.execute(
                "DELETE FROM load_warnings WHERE rowid NOT IN"
                " (SELECT rowid FROM load_warnings ORDER BY rowid DESC LIMIT ?)",
                (self.keep_loads,),
            )

    def load_warnings(self, generation: str) -> list[LoadWarning] | None:
        """The warnings recorded for the load that produced `generation`; None when no load of it
        was recorded (or there is no history file yet: reading does not create one)."""
        if not self.path.exists():
            return None
        with self._db() as con:
            row = con.execute("SELECT warnings FROM load_warnings WHERE generation = ?", (generation,)).fetchone()
        if row is None:
            return None
        try:
            return _WARNINGS.validate_json(row[0])
        except ValidationError as exc:
            raise HistoryError(f"check history {self.path}: unreadable load warnings of {generation}") from exc

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """Most recent first."""
        with self._db() as con:
            rows = con.execute(
                "SELECT id, generated_at, trigger, store, generation, corpus, duration_ms, conforms,"
                " errors, warnings, infos FROM runs ORDER BY id DESC LIMIT ?",
                (max(0, limit),),
            ).fetchall()
        return [
            RunRecord(
                id=r[0],
                generated_at=r[1],
                trigger=r[2],
                store=r[3],
                generation=r[4],
                corpus=r[5],
                duration_ms=r[6],
                conforms=bool(r[7]),
                summary=Summary(error=r[8], warning=r[9], info=r[10]),
            )
            for r in rows
        ]

    def report(self, run_id: int | None = None) -> IntegrityReport | None:
        """A run's full report (the latest when run_id is None)."""
        with self._db() as con:
            if run_id is None:
                row = con.execute("SELECT report FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            else:
                row = con.execute("SELECT report FROM runs WHERE id = ?", (run_id,)).fetchone()
        return IntegrityReport.model_validate_json(row[0]) if row else None

    def findings_for(self, node_id: str, run_id: int | None = None) -> list[Finding]:
        """Findings about one node in a run (the latest when run_id is None)."""
        with self._db() as con:
            if run_id is None:
                row = con.execute("SELECT max(id) FROM runs").fetchone()
                run_id = row[0] if row else None
                if run_id is None:
                    return []
            rows = con.execute(
                "SELECT finding FROM findings WHERE focus_node = ? AND run_id = ? ORDER BY rowid",
                (node_id, run_id),
            ).fetchall()
        return [Finding.model_validate(json.loads(r[0])) for r in rows]
