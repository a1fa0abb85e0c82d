"""Running the catalogue: on a store (the served graph), or on a corpus directory built into a store of
its own (dry run), never touching the served graph."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from graph.embedded_store import EmbeddedStore
from graph.ids import generation_id
from graph.model import GraphBatch, LoadWarning
from graph.store import GraphStore
from loaders.agencies import load_agency_book
from loaders.pipeline import ProgressFn, build_batch, read_corpus_sources
from queries.integrity import checks as _checks  # noqa: F401 - registers the checks
from queries.integrity.catalogue import CATALOGUE, Check, Findings, SkipCheck
from queries.integrity.context import CheckContext
from queries.integrity.model import CheckRun, CheckStatus, Finding, IntegrityReport, Severity, Summary
from queries.integrity.reference import References, gazetteer_collisions


class UnknownCheck(ValueError):
    pass


def select(only: Iterable[str] | None = None) -> list[Check]:
    if only is None:
        return list(CATALOGUE.values())
    wanted = list(dict.fromkeys(only))
    unknown = [i for i in wanted if i not in CATALOGUE]
    if unknown:
        raise UnknownCheck(f"unknown check(s) {', '.join(unknown)} (known: {', '.join(CATALOGUE)})")
    return [CATALOGUE[i] for i in wanted]


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _run_one(check: Check, ctx: CheckContext) -> tuple[CheckRun, list[Finding]]:
    out = Findings(check)
    t0 = time.perf_counter()
    status = CheckStatus.PASSED
    if check.needs_graph and not ctx.has_graph:
        status = CheckStatus.SKIPPED
        out.note("no graph could be built (see the load error); this check needs one")
    elif check.needs_store and ctx.store is None:
        status = CheckStatus.SKIPPED
        out.note(f"the graph could not be stored ({ctx.load_error}); this check needs a store")
    else:
        try:
            check.fn(ctx, out)
        except SkipCheck as skip:
            status = CheckStatus.SKIPPED
            out.note(str(skip))
        except Exception as exc:  # one broken check must not hide the others' results
            status = CheckStatus.CRASHED
            out.note(_one_line(exc))
    if status is CheckStatus.PASSED and out.items:
        status = CheckStatus.FAILED
    run = CheckRun(
        **check.info.model_dump(),
        status=status,
        findings=len(out.items),
        duration_ms=round((time.perf_counter() - t0) * 1000, 2),
        notes=out.notes,
    )
    return run, out.items


def run_checks(ctx: CheckContext, only: Iterable[str] | None = None, corpus: str | None = None) -> IntegrityReport:
    """Run the catalogue (or the checks named in `only`) and build the report. Reading the graph
    happens first, so an unreachable store raises here instead of failing every check."""
    selected = select(only)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    _ = ctx.index
    runs: list[CheckRun] = []
    findings: list[Finding] = []
    for check in selected:
        run, items = _run_one(check, ctx)
        runs.append(run)
        findings.extend(items)
    summary = Summary(**{s.value: sum(1 for f in findings if f.severity is s) for s in Severity})
    if ctx.store is not None:
        info = ctx.store.generation()
        generation, store_name = (info.generation if info else None), ctx.store.name
    else:
        generation, store_name = (generation_id(ctx.batch) if ctx.batch else None), "none"
    return IntegrityReport(
        conforms=summary.error == 0 and not any(r.status is CheckStatus.CRASHED for r in runs),
        generated_at=started.isoformat(timespec="seconds"),
        duration_ms=round((time.perf_counter() - t0) * 1000, 2),
        store=store_name,
        generation=generation,
        corpus=corpus or (str(ctx.corpus_dir) if ctx.corpus_dir else None),
        load_error=ctx.load_error,
        summary=summary,
        checks=runs,
        findings=findings,
    )


def check_store(
    store: GraphStore,
    warnings: list[LoadWarning] | None,
    corpus_dir: Path | None,
    only: Iterable[str] | None = None,
    batch: GraphBatch | None = None,
    refs: References | None = None,
) -> IntegrityReport:
    """Check the graph a store serves (warnings: those of the load that produced it, if known).
    The checks read one generation, even if a reload swaps the graph meanwhile (held for as long
    as they run)."""
    with store.reading() as view:
        ctx = CheckContext(view, batch=batch, warnings=warnings, corpus_dir=corpus_dir, refs=refs or References())
        return run_checks(ctx, only)


def check_batch(
    batch: GraphBatch,
    corpus_dir: Path | None,
    only: Iterable[str] | None = None,
    refs: References | None = None,
) -> IntegrityReport:
    """Dry run: write the batch to a new embedded store of its own and check it. A batch no store
    accepts (duplicate ids, dangling edges) is checked as it is, with the reason in load_error."""
    store: GraphStore | None = EmbeddedStore()
    load_error = None
    try:
        assert store is not None
        store.replace(batch)
    except ValueError as exc:
        store, load_error = None, _one_line(exc)
    ctx = CheckContext(
        store,
        batch=batch,
        warnings=list(batch.warnings),
        corpus_dir=corpus_dir,
        load_error=load_error,
        refs=refs or References(),
    )
    return run_checks(ctx, only)


class GazetteerRefused(ValueError):
    """The agency gazetteer gives one name to two agencies, so the loader refuses it and no graph
    can be built; str() is the loader's one-line reason."""

    @property
    def load_error(self) -> str:
        """Why a check has no graph, as its report says it."""
        return f"the corpus cannot be loaded with this gazetteer: {self}"


def load_corpus_with(
    corpus_dir: Path,
    refs: References | None = None,
    progress: ProgressFn | None = None,
    allow_empty: bool = False,
) -> GraphBatch:
    """Build the corpus with the reference data's gazetteer and profiles (the bundled ones by
    default). Raises DocumentError for a document that cannot be read, GazetteerRefused for a
    gazetteer in which a name means two agencies, ValueError for any other unusable gazetteer."""
    refs = refs or References()
    if progress:
        progress(f"read {corpus_dir}")
    sources = read_corpus_sources(corpus_dir, allow_empty)
    try:
        book = load_agency_book(refs.agencies)
    except OSError as exc:
        raise ValueError(f"{refs.agencies}: cannot read the agency gazetteer ({exc.strerror})") from None
    except ValueError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if gazetteer_collisions(refs.agencies):
            raise GazetteerRefused(reason) from None
        raise
    return build_batch(sources, book=book, profiles_dir=refs.profiles, progress=progress)


def check_without_graph(
    reason: str,
    corpus_dir: Path | None,
    only: Iterable[str] | None = None,
    refs: References | None = None,
) -> IntegrityReport:
    """No graph could be built (`reason`): run the checks of reference data alone (ambiguous-alias)
    and report every other check as skipped, with the reason."""
    ctx = CheckContext(None, warnings=None, corpus_dir=corpus_dir, load_error=reason, refs=refs or References())
    return run_checks(ctx, only)


def check_corpus(
    corpus_dir: Path, only: Iterable[str] | None = None, refs: References | None = None, allow_empty: bool = False
) -> IntegrityReport:
    """Dry run of a corpus directory (raises DocumentError when a document cannot be read at all).
    A gazetteer the loader refuses because a name means two agencies is reported, not raised: the
    ambiguous-alias findings, and every check that needs the graph skipped."""
    refs = refs or References()
    try:
        batch = load_corpus_with(corpus_dir, refs, allow_empty=allow_empty)
    except GazetteerRefused as exc:
        return check_without_graph(exc.load_error, corpus_dir, only, refs)
    return check_batch(batch, corpus_dir, only, refs)
