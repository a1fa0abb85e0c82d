"""`policygraph schema`: print the GraphQL schema as SDL."""

from __future__ import annotations

import typer


def schema_command() -> None:
    """Print the GraphQL schema (SDL)."""
    from app.graphql_api import schema

    typer.echo(schema.as_str())
