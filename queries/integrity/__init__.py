"""Integrity checks over the graph: a catalogue of named checks (queries/integrity/checks), a
validation report in the manner of SHACL, dry runs of a corpus, and the history of runs.

Entry points for the API layers (GraphQL wires these):

    latest_report(db) -> IntegrityReport | None
    history(db, limit=20) -> list[RunRecord]          # most recent first
    findings_for(db, node_id) -> list[Finding]        # in the latest run

where `db` is a RunHistory (app.monitoring.history_for(svc) gives the service's).
"""

from __future__ import annotations

from core.errors import ReferenceDataError
from queries.integrity.catalogue import CATALOGUE, Check
from queries.integrity.context import CheckContext, GraphIndex
from queries.integrity.history import HistoryError, RunHistory, history_path
from queries.integrity.model import (
    CheckInfo,
    CheckRun,
    CheckStatus,
    Evidence,
    Finding,
    IntegrityReport,
    RunRecord,
    Severity,
    Summary,
)
from queries.integrity.reference import References
from queries.integrity.runner import (
    UnknownCheck,
    check_batch,
    check_store,
    check_without_graph,
    run_checks,
)


def catalogue() -> list[CheckInfo]:
    """Every check: id, severity, rationale (in run order)."""
    return [c.info for c in CATALOGUE.values()]


def latest_report(db: RunHistory) -> IntegrityReport | None:
    """The report of the most recent recorded run, or None before the first run."""
    return db.report()


def history(db: RunHistory, limit: int = 20) -> list[RunRecord]:
    """Recorded runs, most recent first (timestamp, trigger, store, generation, counts by severity)."""
    return db.runs(limit)


def findings_for(db: RunHistory, node_id: str) -> list[Finding]:
    """Findings whose focus is this node, in the most recent recorded run."""
    return db.findings_for(node_id)


__all__ = [
    "CATALOGUE",
    "Check",
    "CheckContext",
    "CheckInfo",
    "CheckRun",
    "CheckStatus",
    "Evidence",
    "Finding",
    "GraphIndex",
    "HistoryError",
    "IntegrityReport",
    "ReferenceDataError",
    "References",
    "RunHistory",
    "RunRecord",
    "Severity",
    "Summary",
    "UnknownCheck",
    "catalogue",
    "check_batch",
    "check_store",
    "check_without_graph",
    "findings_for",
    "history",
    "history_path",
    "latest_report",
    "run_checks",
]
