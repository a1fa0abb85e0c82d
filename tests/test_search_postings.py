"""Search through the posting lists: the same answers as testing every entry, from a few entries.

`queries.search.search` tests only the entries whose fields hold every key (character pair, single
character, ASCII word) of the query or of one of its agency expansions; `exhaustive=True` tests
every entry, as search did before the postings. The two must agree on every query: hits, order,
scores, fields, matched text. And the server builds the search index right after a load, so the
first search does not, then freezes it out of the garbage collector's full collections.
"""

from __future__ import annotations

import gc
import random
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.gql.context import GenerationCache
from app.gql.query import AGENCIES, SEARCH_INDEX
from app.gql.router import PolicyGraphRouter
from app.main import create_app
from app.service import GraphService
from app.settings import Settings
from core.fold import fold_words
from graph.embedded_store import EmbeddedStore
from graph.model import NodeKind
from graph.store import GenerationInfo, GraphStore
from queries import search as sq

QUERIES = [
    # Chinese titles and words, as printed and in Simplified characters (000:787, 000:827)
    "建構數位政府資安治理環境",
    "建构数位政府资安治理环境",
    "開發 6G 自主技術與國際布局",
    "开发 6G 自主技术与国际布局",
    "優化資安防護能力",
    "半導體",
    "人才培育",
    "淨零",
    "國際合作",
    "智慧國家2.0",
    "AI新十大建設",
    "AI 新十大建設",
    # full width
    "６Ｇ自主技術",
    "ＭＯＤＡ",
    "ＡＩ",
    # English names and abbreviations: whole ASCII words only ("moda" is not in "multimodal")
    "MODA",
    "moda",
    "Ministry of Digital Affairs",
    "ministry of digital",
    "AI",
    "ai",
    "6G",
    "5G",
    "B5G",
    "ICT",
    "2030",
    "114",
    # agencies by any name (expanded to their other names)
    "數發部",
    "數發 部",
    "数发部",
    "國科會",
    "經濟部",
    "農委會",
    # one character
    "資",
    "资",
    "部",
    "6",
    "a",
    "G",
    "、",
    "（",
    "%",
    # spaces: a phrase, and words that match apart (every word on the same node)
    "資安 人才",
    "人才 資安",
    "半導體 國際",
    "6G 開發",
    "digital affairs",
    "AI 人才 淨零",
    # nothing, or almost nothing
    "沒有這種計畫的名字",
    "zzzz",
    "x y",
    "é",
    "數發部 zzzz",
]


def hit_rows(hits: list[sq.Hit]) -> list[tuple[Any, ...]]:
    return [(h.node.id, h.score, h.field, h.text, h.term, h.expanded_from) for h in hits]


@pytest.fixture(scope="module")
def index(corpus_store: EmbeddedStore) -> sq.SearchIndex:
    return sq.SearchIndex.build(corpus_store)


def corpus_queries(index: sq.SearchIndex, n: int = 300, seed: int = 9) -> list[str]:
    """Pieces of the corpus's own titles, names and texts: whole titles, and substrings of 1 to 8
    characters (single characters, pairs across a space or an ASCII/Chinese boundary, ...)."""
    rnd = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        e = index.entries[rnd.randrange(len(index.entries))]
        f = e.fields[rnd.randrange(len(e.fields))]
        if rnd.random() < 0.2 or len(f.text) < 2:
            out.append(f.text)
            continue
        k = rnd.randint(1, min(8, len(f.text)))
        i = rnd.randrange(len(f.text) - k + 1)
        out.append(f.text[i : i + k])
    return [q for q in out if q.strip()]


def test_postings_give_the_same_hits_as_testing_every_entry(index: sq.SearchIndex) -> None:
    for q in QUERIES + corpus_queries(index):
        assert hit_rows(sq.search(index, q)) == hit_rows(sq.search(index, q, exhaustive=True)), q


def test_postings_give_the_same_hits_with_filters(index: sq.SearchIndex) -> None:
    some_ids = {e.node.id for e in index.entries[::7]}
    for q in ["資安", "MODA", "數發部", "資", "6G 開發", "建構數位政府資安治理環境"]:
        for kinds, docs, ids in [
            ([NodeKind.MEASURE], None, None),
            (None, ["st-plan-114"], None),
            ([NodeKind.AGENCY, NodeKind.STRATEGY], ["ai-ten", "st-plan-114"], some_ids),
        ]:
            got = sq.search(index, q, kinds, docs, ids)
            assert hit_rows(got) == hit_rows(sq.search(index, q, kinds, docs, ids, exhaustive=True)), (q, kinds)


def test_text_filter_agrees_with_a_scan_of_every_node(index: sq.SearchIndex) -> None:
    nodes = [e.node for e in index.entries]
    for q in QUERIES + corpus_queries(index, 100, seed=3):
        terms = [t for t in [fold_words(q)] + [fold_words(n) for n in sq.expansions(q)] if t]
        expected = [n for n in nodes if any(sq.find(f.folded, t) >= 0 for f in index.by_id[n.id].fields for t in terms)]
        assert sq.text_filter(index, nodes, q) == expected, q


def test_a_rare_title_is_tested_on_a_few_entries_only(index: sq.SearchIndex) -> None:
    # 000:830 「建構數位政府資安治理環境，…」 is one measure's title; the corpus has ~2,000 entries.
    assert len(index.entries) > 1500
    stats = sq.SearchStats()
    hits = sq.search(index, "建構數位政府資安治理環境", stats=stats)
    assert hits and hits[0].field == "title"
    assert stats.examined <= 5, stats
    # An exhaustive search tests every entry.
    every = sq.SearchStats()
    sq.search(index, "建構數位政府資安治理環境", stats=every, exhaustive=True)
    assert every.examined == len(index.entries)


def test_an_english_abbreviation_is_looked_up_as_a_word(index: sq.SearchIndex) -> None:
    # Entries holding the word "moda" (or an expansion of it: 數位發展部, 數發部, …), not every entry
    # holding the letters m, o, d, a.
    stats = sq.SearchStats()
    hits = sq.search(index, "MODA", stats=stats)
    assert hits[0].node.id == "agency/moda"
    assert stats.candidates < len(index.entries) / 4
    assert len(hits) <= stats.examined
    assert index.candidates("moda") == {i for i, e in enumerate(index.entries) if sq.find(e.blob, "moda") >= 0}


def test_candidates_of_one_character_are_the_entries_that_hold_it(index: sq.SearchIndex) -> None:
    for c in ["资", "部", "、"]:
        assert index.candidates(c) == {i for i, e in enumerate(index.entries) if c in e.blob}
    assert index.candidates("") == set()


def test_text_filter_tests_only_candidates(index: sq.SearchIndex) -> None:
    nodes = [e.node for e in index.entries]
    stats = sq.SearchStats()
    got = sq.text_filter(index, nodes, "建構數位政府資安治理環境", stats=stats)
    assert got and stats.examined <= 5


def test_keys_of_a_text_and_of_a_term() -> None:
    assert sq.text_keys("ai新十大") == {"ai", "i新", "新十", "十大", "新", "十", "大"}
    assert sq.text_keys("multimodal ai") == {"multimodal", "ai", "l ", " a", " "}
    assert sq.term_keys("ai 新") == ["ai", "i ", " 新"]
    assert sq.term_keys("moda") == ["moda"]
    assert sq.term_keys("资") == ["资"]
    assert sq.term_keys("6") == ["6"]
    assert sq.term_keys("") == []


# --- the server builds the index right after a load ------------------------------------------------
def graphql_router(svc: GraphService) -> PolicyGraphRouter:
    """The GraphQL router an app made for `svc` (it registered its warm-up hook there)."""
    return next(r for r in (getattr(h, "__self__", None) for h in svc.post_load) if isinstance(r, PolicyGraphRouter))


def test_the_search_index_is_built_after_each_load(monkeypatch: pytest.MonkeyPatch) -> None:
    svc = GraphService(Settings(), store=EmbeddedStore())
    app = create_app(svc.settings, svc)
    gql = graphql_router(svc)
    report = svc.reload()
    assert report.ok and report.generation
    for name in (SEARCH_INDEX, AGENCIES):
        assert gql.cache.peek(report.generation, name)[0], name

    # The first search after the load finds the index built: a build would fail here.
    def no_build(store: GraphStore) -> sq.SearchIndex:
        raise AssertionError("a request built the search index")

    monkeypatch.setattr(sq.SearchIndex, "build", staticmethod(no_build))
    client = TestClient(app)  # no lifespan: no load of its own
    r = client.post("/graphql", json={"query": '{ search(text: "數發部", first: 1) { nodes { node { id } } } }'})
    assert r.status_code == 200 and not r.json().get("errors"), r.text
    assert r.json()["data"]["search"]["nodes"][0]["node"]["id"] == "agency/moda"


def test_after_the_warm_up_the_collector_no_longer_walks_the_index() -> None:
    svc = GraphService(Settings(), store=EmbeddedStore())
    create_app(svc.settings, svc)
    try:
        report = svc.reload()
        assert report.generation
        hit, idx = graphql_router(svc).cache.peek(report.generation, SEARCH_INDEX)
        assert hit and gc.get_freeze_count() > 0
        walked = {id(o) for o in gc.get_objects()}  # what a full collection would walk
        assert gc.is_tracked(idx) and id(idx) not in walked
        assert gc.is_tracked(idx.entries[0]) and id(idx.entries[0]) not in walked
    finally:
        gc.unfreeze()


class _FakeStore:
    """Just `generation()`, as GenerationCache reads it."""

    def __init__(self, generation: str, loaded_at: str) -> None:
        self.info = GenerationInfo(generation, loaded_at, 0, 0)

    def generation(self) -> GenerationInfo:
        return self.info


def test_the_cache_keeps_the_served_and_the_previous_generation() -> None:
    cache = GenerationCache(generations=2)
    a = _FakeStore("A", "2026-01-01T00:00:00+00:00")
    b = _FakeStore("B", "2026-01-01T00:00:05+00:00")
    c = _FakeStore("C", "2026-01-01T00:00:09+00:00")
    assert cache.get(b, "B", "index", lambda: "index of B") == "index of B"  # type: ignore[arg-type]
    # A request pinned to A (loaded before B) when the reload swapped the graph: A's value is kept
    # too, so the other requests still on A do not each build it again; B's stays.
    assert cache.get(a, "A", "index", lambda: "index of A") == "index of A"  # type: ignore[arg-type]
    assert cache.get(a, "A", "index", lambda: "built twice") == "index of A"  # type: ignore[arg-type]
    assert cache.peek("B", "index") == (True, "index of B")
    # The next load: the oldest generation goes.
    assert cache.get(c, "C", "index", lambda: "index of C") == "index of C"  # type: ignore[arg-type]
    assert cache.peek("A", "index") == (False, None)
    assert cache.peek("B", "index") == (True, "index of B") and cache.peek("C", "index") == (True, "index of C")
    # A request on a graph older than both kept ones gets its value, but takes no slot.
    assert cache.get(a, "A", "index", lambda: "index of A") == "index of A"  # type: ignore[arg-type]
    assert cache.peek("A", "index") == (False, None) and cache.peek("B", "index") == (True, "index of B")
    # A store serving another generation than asked (a caller without a pinned view): not cached.
    assert cache.get(c, "B2", "index", lambda: "x") == "x" and cache.peek("B2", "index") == (False, None)  # type: ignore[arg-type]
