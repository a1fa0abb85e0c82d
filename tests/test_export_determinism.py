"""Loading the corpus twice gives the same export, byte for byte (ids and content)."""

from __future__ import annotations

import json

from graph.embedded_store import EmbeddedStore
from graph.export import export_json
from graph.model import GraphBatch
from loaders.corpus import DEFAULT_CORPUS
from loaders.pipeline import load_corpus


def test_two_loads_export_identically(corpus_batch: GraphBatch) -> None:
    first = EmbeddedStore()
    first.replace(corpus_batch)
    second = EmbeddedStore()
    second.replace(load_corpus(DEFAULT_CORPUS))  # a fresh, independent load
    a, b = export_json(first), export_json(second)
    assert a == b
    data = json.loads(a)
    # Not trivially equal: the export holds the whole graph, responsibilities included.
    assert len(data["nodes"]) > 1000
    assert any(e["type"] == "LEADS" for e in data["edges"])
    ids = [n["id"] for n in data["nodes"]]
    assert len(ids) == len(set(ids))
