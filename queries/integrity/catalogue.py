"""The catalogue of named checks: each has an id, a severity, a one-line rationale and a function over
a CheckContext that reports findings. Checks register themselves with @check (modules under
queries/integrity/checks/)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.errors import PolicyGraphError
from graph.model import Edge, Node
from queries.integrity.context import CheckContext
from queries.integrity.model import CheckInfo, Evidence, Finding, Severity


class SkipCheck(PolicyGraphError):
    """Raised by a check that cannot run on this context; the message says why."""


class Findings:
    """Collects one check's findings and notes."""

    def __init__(self, check: Check) -> None:
        self.check = check
        self.items: list[Finding] = []
        self.notes: list[str] = []

    def add(
        self,
        message: str,
        focus: str | None = None,
        evidence: Iterable[Evidence] = (),
        severity: Severity | None = None,
    ) -> None:
        self.items.append(
            Finding(
                check=self.check.id,
                severity=severity or self.check.severity,
                focus_node=focus,
                message=message,
                evidence=list(evidence),
            )
        )

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def skip(self, reason: str) -> SkipCheck:
        return SkipCheck(reason)


CheckFn = Callable[[CheckContext, Findings], None]


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    rationale: str
    fn: CheckFn
    # Needs the store itself (not only the graph's nodes and edges), e.g. its responsibility rule.
    needs_store: bool = False
    # Needs a graph at all. False for checks of reference data alone (ambiguous-alias), which still
    # run when no graph could be built (a gazetteer the loader refuses).
    needs_graph: bool = True

    @property
    def info(self) -> CheckInfo:
        return CheckInfo(id=self.id, severity=self.severity, rationale=self.rationale)


CATALOGUE: dict[str, Check] = {}


def check(
    id: str, severity: Severity, rationale: str, needs_store: bool = False, needs_graph: bool = True
) -> Callable[[CheckFn], CheckFn]:
    def deco(fn: CheckFn) -> CheckFn:
        if id in CATALOGUE:
            raise ValueError(f"integrity check {id!r} registered twice")
        CATALOGUE[id] = Check(id, severity, rationale, fn, needs_store, needs_graph)
        return fn

    return deco


def node_evidence(node: Node) -> Evidence:
    p = node.provenance
    return Evidence(document=p.document, line=p.line_start, quote=p.quote)


def edge_evidence(edge: Edge) -> Evidence:
    p = edge.provenance
    return Evidence(document=p.document, line=p.line_start, quote=p.quote)
