"""Small versions of the fault runs (benchmarks/faults.py, tools/fault_scenarios.py): the Bolt server
killed during a load and during queries, and restarted, under the real service and app; and a
bounded GraphQL fuzz run over the schema. The full runs, and a clean stop (SIGTERM) during queries,
are in the benchmark script."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.service import GraphService
from app.settings import Settings
from graph.embedded_store import EmbeddedStore
from tests.bolt_server import BoltServer
from tests.conftest_bolt import TEST_DATABASE
from tools.fault_scenarios import fuzz, kill_during_load, kill_during_queries
from tools.gen_corpus import generate_corpus, write_corpus


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    small = tmp_path_factory.mktemp("faults-small")
    big = tmp_path_factory.mktemp("faults-big")
    write_corpus(generate_corpus(3, 99), small)
    write_corpus(generate_corpus(12, 99), big)  # its first 3 plans are `small`
    return {"small": small, "big": big}


@pytest.fixture()
def server(bolt_server: BoltServer) -> Iterator[BoltServer]:
    """The session's ArcadeDB server, running again after the test whatever happened."""
    yield bolt_server
    if bolt_server.proc is None or bolt_server.proc.poll() is not None:
        bolt_server.proc = None
        bolt_server.start()


def _explain(res: object) -> str:
    return json.dumps(res.__dict__, ensure_ascii=False, default=str)[:2000]


@pytest.mark.bolt
def test_kill_during_load_keeps_the_last_complete_graph(server: BoltServer, corpora: dict[str, Path]) -> None:
    res = kill_during_load(server, TEST_DATABASE, corpora["small"], corpora["big"], kill_after=0.3)
    assert res.ok, _explain(res)
    assert "unreachable" in str(res.figures["load error"]) or "Neo4j" in str(res.figures["load error"])


@pytest.mark.bolt
def test_kill_during_queries_answers_unavailable_then_recovers(server: BoltServer, corpora: dict[str, Path]) -> None:
    truth = json.loads((corpora["small"] / "truth.json").read_text(encoding="utf-8"))
    ids = [n["id"] for d in truth["documents"] for n in d["nodes"] if n["kind"] == "Measure"][:20]
    res = kill_during_queries(server, TEST_DATABASE, corpora["small"], ids, clients=4, seconds=8)
    assert res.ok, _explain(res)


@pytest.mark.bolt
def test_clean_stop_during_queries_answers_unavailable_then_recovers(
    server: BoltServer, corpora: dict[str, Path]
) -> None:
    """A server that stops cleanly refuses requests in ways a killed one does not (ArcadeDB:
    "BEGIN not expected in state: AUTHENTICATION", UnknownError): still STORE_UNAVAILABLE, never an
    internal error."""
    truth = json.loads((corpora["small"] / "truth.json").read_text(encoding="utf-8"))
    ids = [n["id"] for d in truth["documents"] for n in d["nodes"] if n["kind"] == "Measure"][:20]
    res = kill_during_queries(server, TEST_DATABASE, corpora["small"], ids, clients=4, seconds=8, clean=True)
    assert res.ok, _explain(res)


def test_graphql_fuzz_finds_no_server_error(corpus_store: EmbeddedStore) -> None:
    svc = GraphService(Settings(), store=corpus_store)
    res = fuzz(svc, examples=60, seed=1)
    assert res.ok, _explain(res)
    # The run really exercised the API: answers with data and refusals with codes.
    responses = res.figures["responses"]
    assert responses.get("positive HTTP 200", 0) >= 30
    assert sum(v for k, v in responses.items() if k.startswith("negative")) >= 10
