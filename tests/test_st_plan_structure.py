"""The S&T plan (000) reproduces the counts it states about itself.

000:2643 「本計畫包括 4 項目標、16 項子目標、53 項策略，及 249 項與策略相關之措施，由 19 個部、會、署共同執行」
"""

from __future__ import annotations

from collections import Counter

from core.numbering import numeral_value
from graph.embedded_store import EmbeddedStore
from graph.model import EdgeType, NodeKind

DOC = "st-plan-114"


def test_stated_counts(corpus_store: EmbeddedStore) -> None:
    counts = Counter(n.kind for n in corpus_store.nodes(document=DOC))
    assert counts[NodeKind.GOAL] == 4
    assert counts[NodeKind.SUBGOAL] == 16
    assert counts[NodeKind.STRATEGY] == 53
    assert counts[NodeKind.MEASURE] == 249


def test_every_measure_descends_from_the_plan(corpus_store: EmbeddedStore) -> None:
    for m in corpus_store.nodes(kinds=[NodeKind.MEASURE], document=DOC):
        chain = [r.node.kind for r in corpus_store.ancestors(m.id)]
        assert chain == [NodeKind.STRATEGY, NodeKind.SUBGOAL, NodeKind.GOAL, NodeKind.PLAN], m.id


def test_stated_number_of_executing_agencies(corpus_store: EmbeddedStore) -> None:
    # 「由 19 個部、會、署共同執行」: the distinct agencies 表4 assigns (lead or co-organiser).
    agencies = {
        e.source
        for e in corpus_store.edges(types=[EdgeType.LEADS, EdgeType.CO_ORGANIZES])
        if e.provenance.document == DOC
    }
    assert len(agencies) == 19
    assert all(corpus_store.node(a).kind is NodeKind.AGENCY for a in agencies)  # type: ignore[union-attr]


def test_numbering_restarts_and_runs_without_gaps(corpus_store: EmbeddedStore) -> None:
    # Strategy numbers restart in each sub-goal and measure numbers in each strategy (000 notes):
    # under every parent the children of one kind are numbered 1, 2, 3 … in document order.
    for kind in (NodeKind.SUBGOAL, NodeKind.STRATEGY, NodeKind.MEASURE):
        parents = {p.id: p for n in corpus_store.nodes(kinds=[kind], document=DOC) if (p := corpus_store.parent(n.id))}
        for parent in parents.values():
            kids = [c for c in corpus_store.children(parent.id) if c.kind is kind]
            assert [numeral_value(c.number or "") for c in kids] == list(range(1, len(kids) + 1)), parent.id
