"""The S&T plan (000) reproduces the counts it states about itself.

000:2643 「本計畫包括 4 項目標、16 項子目標、53 項策略，及 249 項與策略相關之措施，由 19 個部、會、署共同執行」
"""

from __future__ import annotations

from collections import Counter

from graph.embedded_store import EmbeddedStore
from graph.model import NodeKind

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
