"""`policygraph check`: run the integrity catalogue and report (table, JSON or JUnit XML).

Exit codes: 0 no error-severity finding; 1 at least one error-severity finding (or a check that
crashed); 2 the graph could not be checked at all (unreadable corpus, unreachable store, bad option).
"""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph.ids import generation_id
from graph.model import LoadWarning
from graph.store import GraphStore, StoreUnavailable
from loaders.pipeline import load_corpus
from loaders.source import DocumentError
from queries.integrity import (
    CheckStatus,
    GazetteerRefused,
    HistoryError,
    IntegrityReport,
    RunHistory,
    Severity,
    UnknownCheck,
    catalogue,
    check_corpus,
    check_store,
    check_without_graph,
    history_path,
    load_corpus_with,
)
from queries.integrity.formats import to_json, to_junit
from queries.integrity.reference import ReferenceDataError, References

if TYPE_CHECKING:
    from app.settings import Settings

EXIT_ERRORS = 1
EXIT_CANNOT_CHECK = 2


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    junit = "junit"


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_STATUS_STYLE = {
    CheckStatus.PASSED: "green",
    CheckStatus.FAILED: "red",
    CheckStatus.SKIPPED: "dim",
    CheckStatus.CRASHED: "bold magenta",
}


def _stored_warnings(store: GraphStore, settings: Settings) -> list[LoadWarning] | None:
    """The warnings of the load that produced a graph this process did not load (Neo4j): those the
    load recorded in the history for the served generation; failing that, rebuild the batch from
    the corpus, without writing, and use its warnings only if it is the very graph the store serves."""
    info = store.generation()
    if info is None:
        return None
    try:
        recorded = RunHistory(history_path(settings.history_db)).load_warnings(info.generation)
    except HistoryError:
        recorded = None
    if recorded is not None:
        return recorded
    try:
        batch = load_corpus(settings.corpus)
    except (DocumentError, ValueError):
        return None
    return list(batch.warnings) if generation_id(batch) == info.generation else None


def _check_served(settings: Settings, only: list[str] | None, refs: References) -> IntegrityReport:
    from app.cli import fail, progress_display
    from app.stores import make_store

    store = make_store(settings)
    try:
        if settings.store_name == "embedded":
            # The embedded store is this process's: the served graph is the configured corpus, loaded.
            try:
                with progress_display() as progress:
                    batch = load_corpus_with(settings.corpus, refs, progress)
            except GazetteerRefused as exc:  # no graph: report the gazetteer's ambiguous names
                return check_without_graph(exc.load_error, settings.corpus, only, refs)
            store.replace(batch)
            return check_store(store, list(batch.warnings), settings.corpus, only, refs=refs)
        with store.reading() as view:  # the warnings and the checks of one generation
            if view.generation() is None:
                raise fail("the Neo4j database holds no graph yet: run `policygraph load` first", EXIT_CANNOT_CHECK)
            return check_store(view, _stored_warnings(view, settings), settings.corpus, only, refs=refs)
    finally:
        store.close()


def render_table(report: IntegrityReport, console: Console, limit: int | None) -> None:
    """One row per check, then the findings (at most `limit` per check)."""
    t = Table(title="integrity checks", title_justify="left")
    t.add_column("check", no_wrap=True)
    t.add_column("severity")
    t.add_column("status")
    t.add_column("findings", justify="right")
    t.add_column("notes", overflow="fold")
    for run in report.checks:
        t.add_row(
            run.id,
            f"[{_STYLE[run.severity]}]{run.severity.value}[/]",
            f"[{_STATUS_STYLE[run.status]}]{run.status.value}[/]",
            str(run.findings),
            escape("; ".join(run.notes)),
        )
    console.print(t)
    if report.findings:
        f_table = Table(title="findings", title_justify="left")
        f_table.add_column("severity")
        f_table.add_column("check", overflow="fold")
        f_table.add_column("where", no_wrap=True)
        f_table.add_column("message", overflow="fold")
        shown: dict[str, int] = {}
        hidden = 0
        for f in report.findings:
            shown[f.check] = shown.get(f.check, 0) + 1
            if limit is not None and shown[f.check] > limit:
                hidden += 1
                continue
            ev = f.evidence[0] if f.evidence else None
            where = f"{ev.document}:{ev.line}" if ev and ev.line else (ev.document if ev else "")
            f_table.add_row(f"[{_STYLE[f.severity]}]{f.severity.value}[/]", f.check, escape(where), escape(f.message))
        console.print(f_table)
        if hidden:
            console.print(f"… {hidden} more finding(s) not shown: use --all, or --format json")
    s = report.summary
    verdict = "[green]conforms[/]" if report.conforms else "[bold red]does not conform[/]"
    console.print(
        f"{verdict}: {s.error} error(s), {s.warning} warning(s), {s.info} info; {report.store} store, "
        f"generation {report.generation or '-'}, {report.duration_ms:.0f} ms",
        highlight=False,
    )
    if report.load_error:
        console.print(f"[bold red]load error:[/] {escape(report.load_error)}")


def check_command(
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="table, json or junit (XML for CI)")] = (
        CheckFormat.table
    ),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout)")] = None,
    corpus: Annotated[
        Path | None, typer.Option("--corpus", help="Corpus directory with manifest.yaml [env POLICYGRAPH_CORPUS]")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Build the corpus into a store of its own and check it; the served graph "
                     "is not touched"),
    ] = False,
    only: Annotated[
        list[str] | None, typer.Option("--check", "-c", help="Run only this check (repeatable)")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Table: list every finding (default: 20 per check)")] = False,
    list_checks: Annotated[bool, typer.Option("--list", help="List the catalogue of checks and exit")] = False,
    record: Annotated[
        bool, typer.Option("--record", help="Record the run in the check history [env POLICYGRAPH_HISTORY_DB]")
    ] = False,
    agencies: Annotated[
        Path | None,
        typer.Option("--agencies", help="Agency gazetteer to check (and, for the embedded store or a dry run, to "
                     "load with) instead of data/agencies.yaml: an edited copy, before it replaces the bundled one"),
    ] = None,
    neo4j_uri: Annotated[
        str | None, typer.Option("--neo4j-uri", help="Use Neo4j at this Bolt URI [env POLICYGRAPH_NEO4J_URI]")
    ] = None,
    neo4j_user: Annotated[str | None, typer.Option("--neo4j-user", help="[env POLICYGRAPH_NEO4J_USER]")] = None,
    neo4j_password: Annotated[
        str | None, typer.Option("--neo4j-password", help="[env POLICYGRAPH_NEO4J_PASSWORD]")
    ] = None,
    neo4j_database: Annotated[
        str | None, typer.Option("--neo4j-database", help="[env POLICYGRAPH_NEO4J_DATABASE]")
    ] = None,
) -> None:
    """Run the integrity checks; exit 1 when any error-severity check fails (2: could not check)."""
    # Imported here: app.cli imports this module while it registers its commands.
    from app.cli import fail, make_settings, out

    if list_checks:
        t = Table("check", "severity", "rationale", title="integrity checks", title_justify="left")
        for c in catalogue():
            t.add_row(c.id, f"[{_STYLE[c.severity]}]{c.severity.value}[/]", escape(c.rationale))
        out.print(t)
        return

    settings = make_settings(
        corpus=corpus,
        neo4j_uri=neo4j_uri,
        neo4j_user=neo4j_user,
        neo4j_password=neo4j_password,
        neo4j_database=neo4j_database,
    )
    refs = References(agencies=agencies) if agencies is not None else References()
    try:
        report = check_corpus(settings.corpus, only, refs) if dry_run else _check_served(settings, only, refs)
        if record:
            RunHistory(history_path(settings.history_db)).record(report, "dry-run" if dry_run else "cli")
    except (DocumentError, UnknownCheck, StoreUnavailable, HistoryError, ReferenceDataError) as exc:
        raise fail(str(exc).splitlines()[0], EXIT_CANNOT_CHECK) from None
    except ValueError as exc:  # e.g. a gazetteer the loader refuses
        raise fail(str(exc).splitlines()[0] if str(exc) else "the corpus cannot be loaded", EXIT_CANNOT_CHECK) from None

    limit = None if show_all else 20
    if format is CheckFormat.table and output is None:
        render_table(report, out, limit)
    else:
        if format is CheckFormat.table:
            buf = io.StringIO()
            render_table(report, Console(file=buf, width=160, color_system=None), limit)
            text = buf.getvalue()
        else:
            text = to_json(report) if format is CheckFormat.json else to_junit(report)
        if output is None:
            typer.echo(text, nl=False)
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise fail(f"cannot write {output}: {exc.strerror}", EXIT_CANNOT_CHECK) from None
    raise typer.Exit(0 if report.conforms else EXIT_ERRORS)
