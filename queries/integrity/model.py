"""The integrity report, shaped like a SHACL validation report: one result per violation, each with
the check that found it (sourceConstraintComponent), its severity, the focus node, a message and the
evidence (document, line, quote) a maintainer needs to look it up."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


class Evidence(BaseModel):
    document: str
    line: int | None = None
    quote: str | None = None


class Finding(BaseModel):
    check: str
    severity: Severity
    focus_node: str | None = None
    message: str
    evidence: list[Evidence] = Field(default_factory=list)


class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # at least one finding
    SKIPPED = "skipped"  # could not run (e.g. no graph in a store); `notes` says why
    CRASHED = "crashed"  # the check itself raised; `notes` holds the one-line reason


class CheckInfo(BaseModel):
    """A catalogue entry: what a check is and why it exists."""

    id: str
    severity: Severity
    rationale: str


class CheckRun(CheckInfo):
    status: CheckStatus
    findings: int = 0
    duration_ms: float = 0.0
    # Why parts were not checked (documents without structure, sources not available, ...).
    notes: list[str] = Field(default_factory=list)


class Summary(BaseModel):
    error: int = 0
    warning: int = 0
    info: int = 0

    def get(self, severity: Severity) -> int:
        return int(getattr(self, severity.value))


class IntegrityReport(BaseModel):
    # SHACL's sh:conforms: no error-severity finding and no crashed check.
    conforms: bool
    generated_at: str
    duration_ms: float
    store: str
    generation: str | None = None
    corpus: str | None = None
    # Set when the batch could not be written to a store (dry run): only batch-level checks ran.
    load_error: str | None = None
    summary: Summary
    checks: list[CheckRun]
    findings: list[Finding]

    def findings_of(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check_id]


class RunRecord(BaseModel):
    """One recorded run in the history (without its findings)."""

    id: int
    generated_at: str
    trigger: str
    store: str
    generation: str | None
    corpus: str | None
    duration_ms: float
    conforms: bool
    summary: Summary
