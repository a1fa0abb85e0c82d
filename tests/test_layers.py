"""Data flows one way: core -> graph -> loaders -> queries -> app (each layer imports only those below
it). Read from the source, every import (inside functions too), so a new upward import fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["core", "graph", "loaders", "queries", "app"]
# Imports across layers that are known and owned elsewhere: (importing file, imported package).
# queries.integrity.context reads loader profiles (their responsibility_expected override) through
# loaders.context.read_profile, which is being replaced by typed profiles on another branch.
PENDING = {("queries/integrity/context.py", "loaders")}


def _is_dynamic_import(call: ast.Call) -> bool:
    """importlib.import_module("x.y") / __import__("x") with a literal name."""
    name = getattr(call.func, "attr", getattr(call.func, "id", ""))
    first = call.args[0] if call.args else None
    return name in ("import_module", "__import__") and isinstance(first, ast.Constant) and isinstance(first.value, str)


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            out.add(node.args[0].value.split(".")[0])  # type: ignore[attr-defined]
    return out & set(ORDER)


def _upward(layer: str) -> list[str]:
    above = set(ORDER[ORDER.index(layer) + 1 :])
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for pkg in sorted(_imported_packages(path) & above):
            if (rel, pkg) not in PENDING:
                bad.append(f"{rel} imports {pkg}")
    return bad


@pytest.mark.parametrize("layer", ORDER[:-1])
def test_no_layer_imports_a_layer_above_it(layer: str) -> None:
    assert _upward(layer) == []


def test_queries_reach_loaders_only_where_pending() -> None:
    """The pending exception is real (drop it from PENDING when it goes) and the only one."""
    users = [
        p.relative_to(ROOT).as_posix()
        for p in sorted((ROOT / "queries").rglob("*.py"))
        if "loaders" in _imported_packages(p)
    ]
    assert users == sorted(f for f, pkg in PENDING if pkg == "loaders")
