"""Shared fixtures. The bundled corpus is loaded once per session (it takes about a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.embedded_store import EmbeddedStore
from graph.model import GraphBatch
from loaders.corpus import DEFAULT_CORPUS
from loaders.pipeline import load_corpus

CORPUS = DEFAULT_CORPUS

# Bolt server, Neo4j store and both-stores fixtures (tests/conftest_bolt.py).
pytest_plugins = ["tests.conftest_bolt"]


@pytest.fixture(scope="session", autouse=True)
def _check_history_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Apps made by tests record integrity runs; keep them out of the working tree."""
    import os

    os.environ.setdefault("POLICYGRAPH_HISTORY_DB", str(tmp_path_factory.mktemp("history") / "history.sqlite"))


@pytest.fixture(scope="session")
def corpus_batch() -> GraphBatch:
    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def corpus_store(corpus_batch: GraphBatch) -> EmbeddedStore:
    store = EmbeddedStore()
    store.replace(corpus_batch)
    return store


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus, for tests that break or change documents."""
    dst = tmp_path / "corpus"
    dst.mkdir()
    for f in CORPUS.iterdir():
        if f.is_file():
            (dst / f.name).write_bytes(f.read_bytes())
    return dst
