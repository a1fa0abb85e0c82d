"""`policygraph check`: integrity checks (placeholder until the integrity catalogue lands)."""

from __future__ import annotations

import typer


def check_command() -> None:
    """Run the integrity checks on the graph."""
    typer.echo("no integrity checks are defined yet", err=True)
    raise typer.Exit(2)
