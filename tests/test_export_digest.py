"""The JSON export of the bundled corpus is byte-identical to the committed digest.

This is the safety net for refactoring: any change to the loaders, the graph model or the export that
alters one byte of `policygraph export --format json` fails here. When a change of the export is MEANT
(a new fact, a corrected id), update the digest deliberately and say why in the commit:

    PYTHONPATH=$PWD python -m tests.test_export_digest --update

(or `make export-digest`), then commit tests/data/export.sha256 with the change that caused it.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from loaders.corpus import DEFAULT_CORPUS

DIGEST_FILE = Path(__file__).parent / "data" / "export.sha256"


def export_digest(out: Path) -> str:
    """SHA-256 of `policygraph export --format json` over the bundled corpus, through the CLI command itself."""
    result = CliRunner().invoke(cli, ["export", "--format", "json", "--corpus", str(DEFAULT_CORPUS), "-o", str(out)])
    if result.exit_code != 0:
        raise RuntimeError(f"export failed ({result.exit_code}): {result.output[-2000:]}")
    return hashlib.sha256(out.read_bytes()).hexdigest()


def committed_digest() -> str:
    return DIGEST_FILE.read_text(encoding="utf-8").split()[0]


def test_export_matches_the_committed_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("POLICYGRAPH_"):  # the export must come from the embedded store over the bundled corpus
            monkeypatch.delenv(name)
    got = export_digest(tmp_path / "export.json")
    assert got == committed_digest(), (
        "the JSON export of the bundled corpus changed; if that is intended, run "
        "`python -m tests.test_export_digest --update` and say why in the commit"
    )


def _update() -> None:
    for name in list(os.environ):
        if name.startswith("POLICYGRAPH_"):
            del os.environ[name]
    with tempfile.TemporaryDirectory() as tmp:
        digest = export_digest(Path(tmp) / "export.json")
    DIGEST_FILE.parent.mkdir(parents=True, exist_ok=True)
    DIGEST_FILE.write_text(f"{digest}  policygraph export --format json (bundled corpus)\n", encoding="utf-8")
    print(f"wrote {DIGEST_FILE}: {digest}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.test_export_digest --update  (rewrites the committed export digest)")
    _update()
