"""The command line, as a user runs it: load, export (json, graphml), stats, and the web app's
health endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.main import create_app
from app.settings import Settings

runner = CliRunner()


def test_load_prints_counts() -> None:
    result = runner.invoke(cli, ["load"])
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output and "embedded store" in result.output


def test_export_json_contract(tmp_path: Path) -> None:
    out = tmp_path / "graph.json"
    result = runner.invoke(cli, ["export", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {d["id"] for d in data["documents"]} == {
        "st-plan-114",
        "ai-ten",
        "tef-23-3",
        "smart-nation-2021",
        "smart-nation-2",
    }
    doc = next(d for d in data["documents"] if d["id"] == "st-plan-114")
    assert doc["file"] == "000_94c0ce11f244451c.txt" and doc["title"].startswith("國家科學技術發展計畫")
    by_id = {n["id"]: n for n in data["nodes"]}
    # 000:717 目標一：強化智慧科技生態系，打造人工智慧島 — a goal whose parent is the plan.
    goal = next(n for n in data["nodes"] if n["document"] == "st-plan-114" and n["kind"] == "Goal")
    assert goal["title"] == "強化智慧科技生態系，打造人工智慧島" and goal["line"] == 717
    assert by_id[goal["parent"]]["kind"] == "Plan"
    for n in data["nodes"]:
        assert {"id", "kind", "document", "line", "parent"} <= n.keys()
        if n["kind"] == "Agency":
            assert "name" in n and "aliases" in n
        elif n["kind"] != "Document":
            assert "title" in n and "lead" in n and "co" in n
    for e in data["edges"]:
        assert e["source"] in by_id and e["target"] in by_id and e["type"]


def test_export_graphml_opens(tmp_path: Path) -> None:
    out = tmp_path / "graph.graphml"
    result = runner.invoke(cli, ["export", "--format", "graphml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(out)
    assert g.number_of_nodes() > 900
    plan = g.nodes["st-plan-114:plan"]
    assert plan["kind"] == "Plan"


def test_export_to_stdout_and_bad_path(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["nodes"]
    bad = runner.invoke(cli, ["export", "-o", str(tmp_path / "missing-dir" / "x.json")])
    assert bad.exit_code == 1 and "cannot write" in bad.output and "Traceback" not in bad.output


def test_stats_lists_kinds() -> None:
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0
    for name in ("Strategy", "Measure", "Agency", "st-plan-114", "smart-nation-2", "CONTAINS", "LEADS"):
        assert name in result.output


def test_health_endpoint_serves_loaded_graph() -> None:
    with TestClient(create_app(Settings())) as client:
        r = client.get("/health")
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "ok" and body["store"] == "embedded" and body["generation"]
