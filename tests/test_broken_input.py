"""Broken documents give a clear one-line error naming the file, and the served graph stays."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.service import GraphService
from app.settings import Settings
from graph.embedded_store import EmbeddedStore
from loaders.pipeline import load_corpus
from loaders.source import DocumentError

ST_PLAN = "000_94c0ce11f244451c.txt"


def _shuffle_tree(text: str) -> str:
    """Shuffle the lines of section 肆 (the plan tree), keeping everything else."""
    lines = text.split("\n")
    start = next(i for i, s in enumerate(lines) if s.strip() == "肆、策略與重要措施")
    end = next(i for i, s in enumerate(lines) if s.startswith("伍、") and i > start)
    body = lines[start + 1 : end]
    random.Random(7).shuffle(body)
    return "\n".join([*lines[: start + 1], *body, *lines[end:]])


BROKEN: dict[str, tuple[bytes | None, str]] = {
    "empty": (b"", "the document is empty"),
    "blank lines only": (b"\n\n   \n", "the document is empty"),
    "binary": (bytes(range(256)) * 64, "binary"),
    "big5": ("目標一：強化智慧科技生態系".encode("big5"), "not UTF-8"),
    "control character": ("肆、策略與重要措施\n目標一：強化\x07智慧".encode(), "control character"),
    "no tree section": ("壹、前言\n\n一、背景\n".encode(), "section that holds the plan tree"),
    "shuffled markers": (None, "out of order"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_document_is_refused_with_one_line(corpus_copy: Path, case: str) -> None:
    data, expected = BROKEN[case]
    target = corpus_copy / ST_PLAN
    if data is None:
        data = _shuffle_tree(target.read_text(encoding="utf-8")).encode()
    target.write_bytes(data)
    with pytest.raises(DocumentError) as err:
        load_corpus(corpus_copy)
    message = str(err.value)
    assert message.startswith(ST_PLAN), message
    assert expected in message
    assert "\n" not in message


def test_missing_file_and_bad_manifest(corpus_copy: Path) -> None:
    (corpus_copy / ST_PLAN).unlink()
    with pytest.raises(DocumentError, match=ST_PLAN):
        load_corpus(corpus_copy)
    (corpus_copy / "manifest.yaml").write_text("documents: [ {id: x} ]\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="manifest"):
        load_corpus(corpus_copy)


def test_failed_reload_keeps_the_previous_graph(corpus_copy: Path) -> None:
    svc = GraphService(Settings(corpus=corpus_copy), store=EmbeddedStore())
    first = svc.reload()
    assert first.ok
    before = svc.store.stats()
    (corpus_copy / ST_PLAN).write_bytes(b"\x00\x01binary")
    second = svc.reload()
    assert not second.ok
    assert second.error is not None and ST_PLAN in second.error
    gen = svc.store.generation()
    assert gen is not None and gen.generation == first.generation
    assert svc.store.stats() == before


def test_cli_reports_broken_document_without_traceback(corpus_copy: Path) -> None:
    (corpus_copy / ST_PLAN).write_bytes("目標".encode("big5"))
    result = CliRunner().invoke(cli, ["load", "--corpus", str(corpus_copy)])
    assert result.exit_code == 1
    output = result.output
    assert ST_PLAN in output and "not UTF-8" in output
    assert "Traceback" not in output
