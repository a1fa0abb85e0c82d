"""docker-compose.yml and the Dockerfile: they parse, and they wire the app to Neo4j as intended.

`config -q` needs no Docker engine: the compose CLI parses, interpolates and validates the file
against its schema. scripts/system-deps.sh installs Debian's `docker-compose` (1.29, the Python
one; Debian 12 has no Compose v2 and Docker's `docker compose` plugin is not packaged there), so
`make test` and CI run it for real. Compose v1 predates the Compose Specification's top-level
`name` and refuses a file with one, so the file has none and the README's deployment command gives
the project name with `-p`; that command itself is run (with `config -q` for `up -d --build`).
Only a machine with no compose CLI at all falls back to a structural check with pyyaml (and CI must
have one). A compose CLI that is present but does not run fails the test.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
README = ROOT / "README.md"
DOCKERFILE = ROOT / "Dockerfile"
# Compose's own rule for project names.
PROJECT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _version(cmd: list[str]) -> str | None:
    """`<cmd> version --short` (e.g. 1.29.2, 2.40.3), or None when the command does not run."""
    try:
        done = subprocess.run([*cmd, "version", "--short"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip().removeprefix("v") if done.returncode == 0 and done.stdout.strip() else None


def _compose_cli() -> tuple[list[str], str] | None:
    """(command, version) of `docker compose` (the v2 plugin) or `docker-compose` (standalone);
    None only when neither is installed. A `docker-compose` on PATH that does not run is a failure."""
    if shutil.which("docker") and (v := _version(["docker", "compose"])) is not None:
        return ["docker", "compose"], v
    if shutil.which("docker-compose"):
        v = _version(["docker-compose"])
        assert v is not None, "docker-compose is installed but `docker-compose version` fails"
        return ["docker-compose"], v
    return None


def _load() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _config_q(cli: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEO4J_PASSWORD": "compose-check-pw"}
    cmd = [*cli, "-f", str(COMPOSE), "config", "-q"]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def _readme_deploy_command() -> tuple[dict[str, str], list[str]]:
    """(environment, argv) of the README's deployment command: the shell line that runs `up -d --build`."""
    lines = [ln for ln in README.read_text(encoding="utf-8").splitlines() if "up -d --build" in ln and "#" in ln]
    assert len(lines) == 1, lines
    words = shlex.split(lines[0].split("#")[0])
    env = dict(w.split("=", 1) for w in words if re.fullmatch(r"[A-Z][A-Z0-9_]*=.*", w))
    return env, [w for w in words if not re.fullmatch(r"[A-Z][A-Z0-9_]*=.*", w)]


def test_compose_file_parses() -> None:
    data = _load()
    found = _compose_cli()
    if found is not None:
        done = _config_q(found[0])
        assert done.returncode == 0, f"{' '.join(found[0])} {found[1]} config -q: {done.stderr}"
        return
    if os.environ.get("CI"):
        pytest.fail("no compose CLI on the CI machine: scripts/system-deps.sh (make test) installs docker-compose")
    # No compose CLI on this machine: the YAML must at least be a compose document.
    assert set(data) <= {"services", "volumes", "networks", "configs", "secrets"}
    for name, service in data["services"].items():
        assert isinstance(service, dict), name
        assert "image" in service or "build" in service, name
        for key in ("environment",):
            assert isinstance(service.get(key, {}), dict), (name, key)


def test_compose_cli_refuses_a_broken_file(tmp_path: Path) -> None:
    # The check can fail: the same CLI on a copy with an invalid depends_on condition.
    found = _compose_cli()
    if found is None:
        pytest.skip("no compose CLI here (scripts/system-deps.sh installs docker-compose)")
    cli, _ = found
    broken = COMPOSE.read_text(encoding="utf-8").replace("condition: service_healthy", "condition: when_ready")
    assert broken != COMPOSE.read_text(encoding="utf-8")
    env = {**os.environ, "NEO4J_PASSWORD": "compose-check-pw"}
    done = subprocess.run(
        [*cli, "--project-directory", str(ROOT), "-f", "-", "config", "-q"],
        input=broken,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode != 0
    assert "depends_on.neo4j.condition" in done.stderr, done.stderr


def test_the_readme_deployment_command_works_with_the_installed_compose_cli() -> None:
    """The README's command, as written, with the CLI scripts/system-deps.sh installs (docker-compose
    v1 on Debian): run with `config -q` in place of `up -d --build`, it must accept the file."""
    env, argv = _readme_deploy_command()
    assert argv[-3:] == ["up", "-d", "--build"], argv
    assert argv[0] == "docker-compose", "the README must give the command of the CLI the setup installs"
    assert "NEO4J_PASSWORD" in env
    project = argv[argv.index("-p") + 1]
    assert PROJECT_NAME.fullmatch(project), project
    if shutil.which("docker-compose") is None:
        if os.environ.get("CI"):
            pytest.fail("no docker-compose on the CI machine: scripts/system-deps.sh (make test) installs it")
        pytest.skip("no docker-compose here (scripts/system-deps.sh installs it)")
    done = subprocess.run(
        [*argv[:-3], "config", "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


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


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions of the final stage as (INSTRUCTION, arguments), continuation
    lines joined and comments dropped."""
    joined: list[str] = []
    buf = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        buf = f"{buf} {line[:-1].strip()}" if line.endswith("\\") else f"{buf} {line}"
        if not line.endswith("\\"):
            joined.append(buf.strip())
            buf = ""
    out = [(ins.split(None, 1)[0].upper(), ins.split(None, 1)[1] if " " in ins else "") for ins in joined]
    last_from = max(i for i, (op, _) in enumerate(out) if op == "FROM")
    return out[last_from:]


def _image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for op, args in _instructions():
        if op == "ENV":
            for m in re.finditer(r"(\w+)=(\S+)", args):
                env[m.group(1)] = m.group(2)
    return env


def test_image_keeps_the_check_history_in_a_directory_the_app_owns() -> None:
    # The app runs as an unprivileged user and /app (WORKDIR) is root-owned, so the default
    # .policygraph/history.sqlite in the working directory cannot be created: the image must name
    # a history file in a directory made for it and owned by the app's user.
    instructions = _instructions()
    history = _image_env().get("POLICYGRAPH_HISTORY_DB")
    assert history is not None, "the image sets no POLICYGRAPH_HISTORY_DB"
    directory = str(Path(history).parent)
    workdir = next(args for op, args in instructions if op == "WORKDIR")
    assert not (directory + "/").startswith(workdir.rstrip("/") + "/"), (directory, workdir)
    users = [i for i, (op, _) in enumerate(instructions) if op == "USER"]
    assert users, "the image runs as root"
    user = instructions[users[-1]][1].strip()
    useradd = next(args for _, args in instructions if "useradd" in args)
    uid = re.search(r"--uid (\d+)", useradd)
    owners = {user, *([uid.group(1)] if uid else [])}
    before_user = " && ".join(args for op, args in instructions[: users[-1]] if op == "RUN")
    assert re.search(rf"mkdir -p (\S+ )*{re.escape(directory)}(\s|$)", before_user), f"{directory} is not created"
    chown = re.search(rf"chown (-R )?(\S+) (\S+ )*{re.escape(directory)}(\s|$)", before_user)
    assert chown is not None, f"{directory} is not chowned to the app's user"
    assert chown.group(2).split(":")[0] in owners, (chown.group(2), owners)


def test_compose_keeps_the_check_history_on_a_named_volume() -> None:
    # `load` and `serve` are separate processes in the app container (and the container is
    # replaced on every `up --build`): the history, with each load's warnings, must outlive both.
    data = _load()
    app = data["services"]["app"]
    history = app["environment"].get("POLICYGRAPH_HISTORY_DB") or _image_env().get("POLICYGRAPH_HISTORY_DB")
    assert history is not None
    # The image and compose agree on where the history is (compose may set it explicitly).
    assert history == _image_env().get("POLICYGRAPH_HISTORY_DB")
    directory = str(Path(history).parent)
    mounts = [str(v).split(":") for v in app.get("volumes", [])]
    named = [m[0] for m in mounts if len(m) >= 2 and m[1] == directory]
    assert named, f"no volume is mounted at {directory}"
    assert named[0] in (data.get("volumes") or {}), f"{named[0]} is not a named volume"
