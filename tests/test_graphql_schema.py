"""The committed SDL (schema.graphql) is the schema the code serves; `policygraph schema` prints it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from app.cli import cli
from app.schema_command import schema_sdl

SDL_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    committed = SDL_FILE.read_text(encoding="utf-8")
    assert committed == schema_sdl(), "schema.graphql is stale: run `policygraph schema > schema.graphql`"


def test_schema_command_prints_the_sdl() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert result.output == SDL_FILE.read_text(encoding="utf-8")


def test_sdl_has_the_contract_types() -> None:
    sdl = schema_sdl()
    for kind in ["Plan", "Goal", "SubGoal", "Initiative", "Pillar", "Strategy", "Measure", "Action", "Item", "Article"]:
        assert f"type {kind} implements HierarchyNode & Node" in sdl
    for kind in ["Document", "Agency", "Target"]:
        assert f"type {kind} implements Node" in sdl
    assert "interface Node {" in sdl
    assert "type Evidence {" in sdl
    assert "type Mutation {" in sdl
