"""`policygraph schema`: print the GraphQL schema (SDL), as committed in schema.graphql."""

from __future__ import annotations

import typer


def schema_sdl() -> str:
    from app.graphql_api import schema

    return schema.as_str() + "\n"


def schema_command() -> None:
    """Print the GraphQL schema (SDL)."""
    typer.echo(schema_sdl(), nl=False)
