"""The `policygraph` command line: load, serve, export, check, schema, stats.

Every option can also come from a POLICYGRAPH_* environment variable. Errors are one clear line on
stderr and a non-zero exit code, never a stack trace.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.service import GraphService, LoadReport
from app.settings import Settings
from graph.store import StoreUnavailable

cli = typer.Typer(
    help="policygraph: a knowledge graph over government plans, agencies and initiatives.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

CorpusOpt = Annotated[
    Path | None, typer.Option("--corpus", help="Corpus directory with manifest.yaml [env POLICYGRAPH_CORPUS]")
]
UriOpt = Annotated[
    str | None, typer.Option("--neo4j-uri", help="Use Neo4j at this Bolt URI [env POLICYGRAPH_NEO4J_URI]")
]
UserOpt = Annotated[str | None, typer.Option("--neo4j-user", help="[env POLICYGRAPH_NEO4J_USER]")]
PasswordOpt = Annotated[str | None, typer.Option("--neo4j-password", help="[env POLICYGRAPH_NEO4J_PASSWORD]")]
DatabaseOpt = Annotated[str | None, typer.Option("--neo4j-database", help="[env POLICYGRAPH_NEO4J_DATABASE]")]


def make_settings(**flags: Any) -> Settings:
    """Environment first, flags override where given."""
    base = Settings()
    given = {k: v for k, v in flags.items() if v is not None}
    return base.model_copy(update=given)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def progress_display(enabled: bool = True) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    ) as prog:
        task = prog.add_task("loading", total=None)
        yield lambda msg: prog.update(task, description=msg)


def _load(svc: GraphService, quiet: bool = False) -> LoadReport:
    with progress_display(not quiet) as progress:
        report = svc.reload(progress=progress)
    if not report.ok:
        raise fail(report.error or "the load failed")
    return report


def _service_with_graph(settings: Settings) -> GraphService:
    """A service whose store holds a graph: the embedded store is filled from the corpus; a Neo4j
    store serves what was loaded into it before."""
    svc = GraphService(settings)
    if settings.store_name == "embedded":
        _load(svc)
    elif svc.store.generation() is None:
        raise fail("the Neo4j database holds no graph yet: run `policygraph load` first")
    return svc


@cli.command()
def load(
    corpus: CorpusOpt = None,
    neo4j_uri: UriOpt = None,
    neo4j_user: UserOpt = None,
    neo4j_password: PasswordOpt = None,
    neo4j_database: DatabaseOpt = None,
    show_warnings: Annotated[bool, typer.Option("--warnings/--no-warnings", help="List every warning")] = False,
) -> None:
    """Load the corpus into the configured store (embedded: parse and validate only)."""
    settings = make_settings(
        corpus=corpus,
        neo4j_uri=neo4j_uri,
        neo4j_user=neo4j_user,
        neo4j_password=neo4j_password,
        neo4j_database=neo4j_database,
    )
    svc = GraphService(settings)
    from app.monitoring import install as record_integrity_runs

    record_integrity_runs(svc)  # a command-line load is checked and recorded like a served one
    report = _load(svc)
    out.print(
        f"loaded {report.nodes} nodes and {report.edges} edges into the {svc.store.name} store "
        f"(generation {report.generation}); {len(report.warnings)} warnings"
    )
    if show_warnings and report.warnings:
        t = Table("document", "line", "code", "message")
        for w in report.warnings:
            t.add_row(w.document, str(w.line), w.code, w.message)
        out.print(t)


class ExportFormat(StrEnum):
    json = "json"
    graphml = "graphml"


@cli.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="json or graphml")] = ExportFormat.json,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout)")] = None,
    corpus: CorpusOpt = None,
    neo4j_uri: UriOpt = None,
    neo4j_user: UserOpt = None,
    neo4j_password: PasswordOpt = None,
    neo4j_database: DatabaseOpt = None,
) -> None:
    """Export the graph as JSON (the public contract, see README) or GraphML."""
    from graph.export import export_graphml, export_json

    settings = make_settings(
        corpus=corpus,
        neo4j_uri=neo4j_uri,
        neo4j_user=neo4j_user,
        neo4j_password=neo4j_password,
        neo4j_database=neo4j_database,
    )
    svc = _service_with_graph(settings)
    text = export_json(svc.store) if format is ExportFormat.json else export_graphml(svc.store)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror}") from None
        err.print(f"wrote {output} ({len(text.encode()):,} bytes)")


@cli.command()
def stats(
    corpus: CorpusOpt = None,
    neo4j_uri: UriOpt = None,
    neo4j_user: UserOpt = None,
    neo4j_password: PasswordOpt = None,
    neo4j_database: DatabaseOpt = None,
) -> None:
    """Counts of nodes by kind and document, and of edges by type."""
    settings = make_settings(
        corpus=corpus,
        neo4j_uri=neo4j_uri,
        neo4j_user=neo4j_user,
        neo4j_password=neo4j_password,
        neo4j_database=neo4j_database,
    )
    svc = _service_with_graph(settings)
    s = svc.store.stats()
    for title, key in (
        ("nodes by kind", "by_kind"),
        ("nodes by document", "by_document"),
        ("edges by type", "by_edge_type"),
    ):
        t = Table(title=title)
        t.add_column("name")
        t.add_column("count", justify="right")
        for k, v in s[key].items():
            t.add_row(k, str(v))
        out.print(t)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option("--host", help="[env POLICYGRAPH_HOST]")] = None,
    port: Annotated[int | None, typer.Option("--port", help="[env POLICYGRAPH_PORT]")] = None,
    corpus: CorpusOpt = None,
    neo4j_uri: UriOpt = None,
    neo4j_user: UserOpt = None,
    neo4j_password: PasswordOpt = None,
    neo4j_database: DatabaseOpt = None,
) -> None:
    """Serve the API (GraphQL at /graphql, health at /health) with the corpus loaded."""
    import uvicorn

    from app.main import create_app

    settings = make_settings(
        host=host,
        port=port,
        corpus=corpus,
        neo4j_uri=neo4j_uri,
        neo4j_user=neo4j_user,
        neo4j_password=neo4j_password,
        neo4j_database=neo4j_database,
    )
    # Keep-alive longer than uvicorn's 5 s: a reload of the embedded store holds the GIL for seconds,
    # and when the event loop resumes, the idle timers of connections whose next request is already
    # sent fire first and close them under the client (4 ReadErrors in 8,500 requests of the load test).
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level="info", timeout_keep_alive=60
    )


def _register_external_commands() -> None:
    # These commands live in their own modules (owned by the API and integrity work).
    from app.check_command import check_command
    from app.schema_command import schema_command

    cli.command("check")(check_command)
    cli.command("schema")(schema_command)


_register_external_commands()


def main() -> None:
    try:
        cli()
    except StoreUnavailable as exc:  # the database went away: one line, no stack trace
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise SystemExit(130) from None
