"""Integrity checks over GraphQL: the latest report, the history of runs, the catalogue, and the
findings about one node (Node.integrityFindings).

Everything is read from the service's run history (app.monitoring.history_for): the checks run after
every load and on a schedule; reading the API never runs them. The latest report is read once per
request (Loaders.integrity), however many fields and nodes ask for it."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from app.gql.connection import Connection, paginate
from app.gql.errors import ApiError, BadInput, shown
from app.gql.limits import Limits, page_size
from app.gql.types import LineSpan, Node, SourceDocument, ctx_of, load_node_opt
from app.monitoring import history_for
from app.service import GraphService
from queries.integrity import CATALOGUE, HistoryError, catalogue, history, latest_report
from queries.integrity import model as im
from queries.integrity.model import CheckStatus, Severity

strawberry.enum(CheckStatus, name="IntegrityCheckStatus", description="How a check went in a run.")


class HistoryUnavailable(ApiError):
    code = "HISTORY_UNAVAILABLE"


# --- reading the history (in a worker thread through ctx.run_without_graph) --------------------------
def read_latest(svc: GraphService) -> im.IntegrityReport | None:
    try:
        return latest_report(history_for(svc))
    except HistoryError as exc:
        raise HistoryUnavailable(str(exc)) from None


def read_runs(svc: GraphService) -> list[im.RunRecord]:
    """Every kept run, most recent first (the history prunes itself to `keep` runs)."""
    db = history_for(svc)
    try:
        return history(db, limit=db.keep)
    except HistoryError as exc:
        raise HistoryUnavailable(str(exc)) from None


def check_arg(check: str | None) -> str | None:
    if check is not None and check not in CATALOGUE:
        raise BadInput(f"unknown check {shown(check)} (known: {', '.join(CATALOGUE)})", known=list(CATALOGUE))
    return check


def select(findings: Sequence[im.Finding], severity: Severity | None, check: str | None) -> list[im.Finding]:
    check_arg(check)
    return [f for f in findings if (severity is None or f.severity is severity) and (check is None or f.check == check)]


# --- types ------------------------------------------------------------------------------------
@strawberry.type(description="Findings counted by severity.")
class IntegritySummary:
    errors: int
    warnings: int
    infos: int


def summary_of(s: im.Summary) -> IntegritySummary:
    return IntegritySummary(errors=s.error, warnings=s.warning, infos=s.info)


@strawberry.type(description="A named check of the catalogue (docs/integrity.md explains each).")
class IntegrityCheck:
    info: strawberry.Private[im.CheckInfo]

    @strawberry.field(description="The check's id, e.g. no-responsible-agency.")
    def id(self) -> str:
        return self.info.id

    @strawberry.field(description="The severity of its findings (a check may lower it for one finding).")
    def severity(self) -> Severity:
        return self.info.severity

    @strawberry.field(description="Why the check exists, in one line.")
    def rationale(self) -> str:
        return self.info.rationale


@strawberry.type(description="How one check went in a run.")
class IntegrityCheckRun:
    run: strawberry.Private[im.CheckRun]

    @strawberry.field
    def id(self) -> str:
        return self.run.id

    @strawberry.field
    def severity(self) -> Severity:
        return self.run.severity

    @strawberry.field
    def rationale(self) -> str:
        return self.run.rationale

    @strawberry.field
    def status(self) -> CheckStatus:
        return self.run.status

    @strawberry.field
    def finding_count(self) -> int:
        return self.run.findings

    @strawberry.field
    def duration_seconds(self) -> float:
        return self.run.duration_ms / 1000

    @strawberry.field(description="What the check could not look at, or why it was skipped or crashed.")
    def notes(self) -> list[str]:
        return list(self.run.notes)


@strawberry.type(
    description="Evidence for a finding: a document, the line the report records and the text there (the "
    "report records one line per piece of evidence, so `lines` starts and ends at it)."
)
class FindingEvidence:
    ev: strawberry.Private[im.Evidence]

    @strawberry.field
    def document_id(self) -> str:
        return self.ev.document

    @strawberry.field
    async def document(self, info: strawberry.Info) -> SourceDocument | None:
        meta = (await ctx_of(info).loaders.documents()).get(self.ev.document)
        return SourceDocument(meta=meta) if meta else None

    @strawberry.field
    def line(self) -> int | None:
        return self.ev.line

    @strawberry.field(description="The recorded line as a span (null when the evidence has no line).")
    def lines(self) -> LineSpan | None:
        return LineSpan(start=self.ev.line, end=self.ev.line) if self.ev.line is not None else None

    @strawberry.field
    def quote(self) -> str | None:
        return self.ev.quote


@strawberry.type(description="One finding of a check: severity, focus node, message and evidence.")
class IntegrityFinding:
    f: strawberry.Private[im.Finding]

    @strawberry.field(description="Id of the check that found it (see Integrity.catalogue).")
    def check(self) -> str:
        return self.f.check

    @strawberry.field
    def severity(self) -> Severity:
        return self.f.severity

    @strawberry.field
    def message(self) -> str:
        return self.f.message

    @strawberry.field(description="Why the check exists (null for a check no longer in the catalogue).")
    def rationale(self) -> str | None:
        c = CATALOGUE.get(self.f.check)
        return c.rationale if c else None

    @strawberry.field(description="Id of the node the finding is about (null for findings about no single node).")
    def focus_node_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.f.focus_node) if self.f.focus_node is not None else None

    @strawberry.field(description="The node the finding is about; null when it is not in the served graph.")
    async def focus_node(self, info: strawberry.Info) -> Node | None:
        return await load_node_opt(info, self.f.focus_node)

    @strawberry.field(description="Document, line and text to look it up (a fixed list, not a page).")
    def evidence(self) -> list[FindingEvidence]:
        return [FindingEvidence(ev=e) for e in self.f.evidence]


@strawberry.type(description="The report of one check run, shaped like a SHACL validation report.")
class IntegrityReport:
    rep: strawberry.Private[im.IntegrityReport]

    @strawberry.field(description="No error-severity finding and no crashed check.")
    def conforms(self) -> bool:
        return self.rep.conforms

    @strawberry.field(description="The graph generation checked.")
    def generation(self) -> str | None:
        return self.rep.generation

    @strawberry.field(description="True when the checked generation is the graph served now.")
    async def current(self, info: strawberry.Info) -> bool:
        return self.rep.generation is not None and self.rep.generation == await ctx_of(info).generation()

    @strawberry.field(description="embedded or neo4j.")
    def store(self) -> str:
        return self.rep.store

    @strawberry.field(description="The corpus directory the graph was loaded from, where known.")
    def corpus(self) -> str | None:
        return self.rep.corpus

    @strawberry.field(description="When the run started (ISO 8601, UTC).")
    def started_at(self) -> str:
        return self.rep.generated_at

    @strawberry.field
    def duration_seconds(self) -> float:
        return self.rep.duration_ms / 1000

    @strawberry.field(description="Set for a dry run whose batch no store accepts: only batch checks ran.")
    def load_error(self) -> str | None:
        return self.rep.load_error

    @strawberry.field
    def summary(self) -> IntegritySummary:
        return summary_of(self.rep.summary)

    @strawberry.field(description="Every check of the run, in catalogue order (a fixed list, not a page).")
    def checks(self) -> list[IntegrityCheckRun]:
        return [IntegrityCheckRun(run=r) for r in self.rep.checks]

    @strawberry.field(description="Findings in report order (by check, then as found), filtered by severity and check.")
    def findings(
        self,
        info: strawberry.Info,
        severity: Severity | None = None,
        check: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[IntegrityFinding]:
        limits = ctx_of(info).limits
        page_size(first, limits)
        return findings_page(self.rep.findings, severity, check, first, after, limits)


def findings_page(
    found: Sequence[im.Finding],
    severity: Severity | None,
    check: str | None,
    first: int | None,
    after: str | None,
    limits: Limits,
) -> Connection[IntegrityFinding]:
    """One page of the findings of the given severity and check, in their order."""
    return paginate(select(found, severity, check), first, after, limits, lambda f: IntegrityFinding(f=f))


@strawberry.type(description="One recorded run (its counts; the latest run's findings are in Integrity.latest).")
class IntegrityRun:
    rec: strawberry.Private[im.RunRecord]

    @strawberry.field(description="Run number in the history (increasing).")
    def id(self) -> int:
        return self.rec.id

    @strawberry.field(description="When the run started (ISO 8601, UTC).")
    def started_at(self) -> str:
        return self.rec.generated_at

    @strawberry.field(description="What started it: load, startup, schedule, cli or dry-run.")
    def trigger(self) -> str:
        return self.rec.trigger

    @strawberry.field
    def store(self) -> str:
        return self.rec.store

    @strawberry.field
    def generation(self) -> str | None:
        return self.rec.generation

    @strawberry.field
    def corpus(self) -> str | None:
        return self.rec.corpus

    @strawberry.field
    def conforms(self) -> bool:
        return self.rec.conforms

    @strawberry.field
    def duration_seconds(self) -> float:
        return self.rec.duration_ms / 1000

    @strawberry.field
    def summary(self) -> IntegritySummary:
        return summary_of(self.rec.summary)


@strawberry.type(
    description="Integrity checks of the served graph: they run after every load and on a schedule, and "
    "every run is recorded. HISTORY_UNAVAILABLE when the history file cannot be read."
)
class Integrity:
    @strawberry.field(description="The report of the most recent run (null before the first run).")
    async def latest(self, info: strawberry.Info) -> IntegrityReport | None:
        rep = await ctx_of(info).loaders.integrity.load(LATEST)
        return IntegrityReport(rep=rep) if rep is not None else None

    @strawberry.field(description="Recorded runs, most recent first.")
    async def history(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> Connection[IntegrityRun]:
        ctx = ctx_of(info)
        page_size(first, ctx.limits)
        runs = await ctx.run_without_graph(read_runs, ctx.svc)
        return paginate(runs, first, after, ctx.limits, lambda r: IntegrityRun(rec=r))

    @strawberry.field(description="Every check: id, severity, rationale (in run order; a fixed list).")
    def catalogue(self) -> list[IntegrityCheck]:
        return [IntegrityCheck(info=c) for c in catalogue()]


LATEST = "latest"  # the one key of Loaders.integrity


async def node_findings(
    info: strawberry.Info,
    node_id: str,
    severity: Severity | None,
    check: str | None,
    first: int | None,
    after: str | None,
) -> Connection[IntegrityFinding]:
    ctx = ctx_of(info)
    page_size(first, ctx.limits)  # a bad page size is refused before the history is read
    return findings_page(await ctx.loaders.findings.load(node_id), severity, check, first, after, ctx.limits)
