"""The integrity documentation matches what the code does: the expected findings on the bundled
corpus listed in the README and in docs/integrity.md are the counts `policygraph check --dry-run`
reports (so the lists cannot drift as the loaders change), and the trigger names documented are the
ones runs are recorded with."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.monitoring import TRIGGERS
from queries.integrity import CATALOGUE
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
INTEGRITY_DOC = ROOT / "docs" / "integrity.md"

Counts = Counter[tuple[str, str]]


@pytest.fixture(scope="module")
def dry_run() -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["check", "--dry-run", "--corpus", str(CORPUS), "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _counts(report: dict[str, Any]) -> Counts:
    return Counter((f["check"], f["severity"]) for f in report["findings"])


def _section(text: str, heading: str) -> str:
    """The text under a markdown heading, up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1 :]
    m = re.search(rf"^#{{1,{level}}} ", rest, flags=re.MULTILINE)
    return rest[: m.start()] if m else rest


def _rows(section: str) -> list[list[str]]:
    """Table rows whose first cell names a check (`id`), as lists of stripped cells."""
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def _check_and_severity(cell: str) -> tuple[str, str]:
    m = re.fullmatch(r"`([a-z-]+)`(?: \((error|warning|info)\))?", cell)
    assert m is not None, f"not a check cell: {cell!r}"
    check = m.group(1)
    assert check in CATALOGUE, f"{check} is not a check of the catalogue"
    return check, m.group(2) or CATALOGUE[check].severity.value


def readme_counts(text: str) -> Counts:
    rows = _rows(_section(text, "## Integrity checks"))
    assert rows, "the README's integrity section has no table of expected findings"
    counts: Counts = Counter()
    for check_cell, severity, n, why in rows:
        check, _ = _check_and_severity(check_cell)
        assert severity in {"error", "warning", "info"}, severity
        assert (check, severity) not in counts, f"{check} ({severity}) listed twice"
        assert len(why) > 20, f"{check}: say why it is expected"
        counts[(check, severity)] = int(n)
    return counts


def doc_counts() -> tuple[Counts, str]:
    section = _section(INTEGRITY_DOC.read_text(encoding="utf-8"), "### Expected findings on the bundled corpus")
    counts: Counts = Counter()
    for check_cell, _where, n, _why in _rows(section):
        counts[_check_and_severity(check_cell)] += int(n)
    return counts, section


def test_readme_lists_the_findings_of_the_bundled_corpus(dry_run: dict[str, Any]) -> None:
    assert dry_run["summary"]["error"] == 0
    assert readme_counts(README.read_text(encoding="utf-8")) == _counts(dry_run)


def test_integrity_doc_lists_the_findings_of_the_bundled_corpus(dry_run: dict[str, Any]) -> None:
    counts, section = doc_counts()
    assert counts == _counts(dry_run)
    s = dry_run["summary"]
    stated = f"`policygraph check --dry-run`: {s['error']} errors, {s['warning']} warnings, {s['info']} info"
    assert stated in section


def test_a_wrong_count_in_the_readme_is_seen() -> None:
    # The parser itself: a row whose count is off is a difference, not skipped.
    text = README.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `duplicate-title` | warning |"))
    n = int(row.split("|")[3])
    broken = text.replace(row, row.replace(f"| {n} |", f"| {n + 1} |", 1))
    assert readme_counts(broken)[("duplicate-title", "warning")] == n + 1
    dropped = text.replace(row + "\n", "")
    assert ("duplicate-title", "warning") not in readme_counts(dropped)


def test_documented_triggers_are_the_recorded_ones() -> None:
    text = INTEGRITY_DOC.read_text(encoding="utf-8")
    table = text[text.index("| trigger | run |") :].split("\n\n", 1)[0]
    documented = re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.MULTILINE)
    assert documented == list(TRIGGERS)
    readme = _section(README.read_text(encoding="utf-8"), "## Integrity checks")
    assert all(f"`{t}`" in readme for t in TRIGGERS)
