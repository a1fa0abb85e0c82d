"""docker-compose.yml and the Dockerfile: they parse, and they wire the app to Neo4j as intended.

`docker compose config -q` needs no Docker engine; it runs wherever the compose CLI is installed.
Where it is not, the same file is checked structurally with pyyaml (the checks below run always).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"


def _compose_cli() -> list[str] | None:
    """`docker compose` (plugin) or `docker-compose` (standalone), if either works here."""
    candidates = []
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    for cmd in candidates:
        try:
            ok = subprocess.run([*cmd, "version"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return cmd
    return None


def _load() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_file_parses() -> None:
    cli = _compose_cli()
    if cli is not None:
        env = {**os.environ, "NEO4J_PASSWORD": "compose-check-pw"}
        done = subprocess.run(
            [*cli, "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 0, done.stderr
    else:
        # No compose CLI on this machine: the YAML must at least be a compose document.
        data = _load()
        assert set(data) <= {"name", "services", "volumes", "networks", "configs", "secrets"}
        for name, service in data["services"].items():
            assert isinstance(service, dict), name
            assert "image" in service or "build" in service, name
            for key in ("environment",):
                assert isinstance(service.get(key, {}), dict), (name, key)


def test_neo4j_service_is_community_5_with_volume_and_healthcheck() -> None:
    neo = _load()["services"]["neo4j"]
    assert re.fullmatch(r"neo4j:5(\.[\d.]+)?(-community)?", neo["image"]), neo["image"]
    assert any(str(v).endswith(":/data") for v in neo["volumes"])
    data_volume = next(str(v).split(":")[0] for v in neo["volumes"] if str(v).endswith(":/data"))
    assert data_volume in _load()["volumes"]  # a named volume, so the graph survives a restart
    assert "cypher-shell" in " ".join(neo["healthcheck"]["test"])
    assert neo["environment"]["NEO4J_AUTH"].startswith("neo4j/")


def test_app_service_points_at_neo4j_and_loads_then_serves() -> None:
    services = _load()["services"]
    app = services["app"]
    assert (ROOT / app["build"]["dockerfile"]).is_file()
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = app["environment"]
    assert env["POLICYGRAPH_NEO4J_URI"] == "bolt://neo4j:7687"
    # The app's password is the one Neo4j was given.
    assert env["POLICYGRAPH_NEO4J_PASSWORD"] == services["neo4j"]["environment"]["NEO4J_AUTH"].removeprefix("neo4j/")
    # Every POLICYGRAPH_* variable is a real setting (a typo would be silently ignored).
    fields = set(Settings.model_fields)
    for key in env:
        assert key.startswith("POLICYGRAPH_") and key.removeprefix("POLICYGRAPH_").lower() in fields, key
    command = " ".join(app["command"])
    assert re.search(r"policygraph load && exec policygraph serve --host 0\.0\.0\.0", command), command


def test_dockerfile_copies_what_exists_and_runs_load_then_serve() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    for line in text.splitlines():
        m = re.match(r"COPY (?!--from)(.+)", line)
        if m:
            *sources, _dest = m.group(1).split()
            for src in sources:
                assert (ROOT / src).exists(), f"Dockerfile copies {src}, which does not exist"
    assert re.search(r'CMD \["sh", "-c", "policygraph load && exec policygraph serve --host 0\.0\.0\.0"\]', text)
    assert "pip install -e ." in text  # the code finds data/ next to its packages
