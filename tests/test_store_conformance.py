"""One conformance suite for every GraphStore: the embedded store and the Neo4j store (over Bolt).

The expected answers below are worked out by hand from the small graph built here (drawn in the
comment next to it), never computed by a store. On the real corpus the two stores are compared with
each other: their JSON exports must be byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from graph.embedded_store import EmbeddedStore
from graph.export import export_json
from graph.model import DocumentMeta, Edge, EdgeType, GraphBatch, Node, NodeKind, Provenance
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore, Hop, Responsibility, Role
from tests.conftest_bolt import BoltTarget

STORES = ["embedded", pytest.param("neo4j", marks=pytest.mark.bolt)]


def _prov(doc: str, line: int, quote: str, note: str | None = None) -> Provenance:
    return Provenance(document=doc, line_start=line, line_end=line + 1, quote=quote, note=note)


def _n(
    id: str,
    kind: NodeKind,
    doc: str,
    order: int,
    number: str | None = None,
    attrs: dict[str, Any] | None = None,
    note: str | None = None,
) -> Node:
    title = f"標題 {id}"
    return Node(
        id=id,
        kind=kind,
        title=title,
        provenance=_prov(doc, order + 1, f"「{title}」全形ＡＢＣ", note),
        number=number,
        order=order,
        attrs=attrs or {},
    )


def _e(source: str, target: str, type: EdgeType, doc: str = "doc-a", attrs: dict[str, Any] | None = None) -> Edge:
    return Edge(
        source=source, target=target, type=type, provenance=_prov(doc, 1, f"{source}→{target}"), attrs=attrs or {}
    )


K = NodeKind
A = "doc-a"
B = "doc-b"
# doc-a, the hierarchy (CONTAINS), `order` in brackets:
#   a:plan[1] ── a:g1[2] ── a:s1[3] ── a:st1[4] ── a:m1[5] ─┬─ a:ac2[6] ── a:ac2/i1[9]
#            │                                              └─ a:ac1[8] ─┬─ a:ac1/i2[7]
#            │                                                           └─ a:ac1/i1[7]   (same order: id decides)
#            └─ a:g2[10]
# doc-b: b:plan[1] ── b:m1[2]
# Assignments: moda LEADS a:st1; nstc CO_ORGANIZES a:st1; ndc/u1 LEADS a:ac2 (a descendant of st1
# with an assignment of its own); moda CO_ORGANIZES a:g2; ndc LEADS b:m1. ndc HAS_UNIT ndc/u1.
NODES = [
    # Listed out of document order on purpose: stores must sort.
    _n("a:ac1/i1", K.ITEM, A, 7, "(1)", {"targets": [{"year": 2028, "value": "50%"}], "全形": "ＡＩ"}),
    _n("a:ac1/i2", K.ITEM, A, 7, "(2)"),
    _n("a:ac1", K.ACTION, A, 8, "2"),
    _n("a:ac2", K.ACTION, A, 6, "1"),
    _n("a:ac2/i1", K.ITEM, A, 9, "(1)"),
    _n("a:m1", K.MEASURE, A, 5, "（一）", note="合併儲存格推得"),
    _n("a:st1", K.STRATEGY, A, 4, "1."),
    _n("a:s1", K.SUBGOAL, A, 3, "一"),
    _n("a:g1", K.GOAL, A, 2, "壹"),
    _n("a:g2", K.GOAL, A, 10, "貳"),
    _n("a:plan", K.PLAN, A, 1),
    _n("doc-a", K.DOCUMENT, A, 0, attrs={"issuer": "行政院"}),
    _n("b:m1", K.MEASURE, B, 2, "1"),
    _n("b:plan", K.PLAN, B, 1),
    _n("doc-b", K.DOCUMENT, B, 0),
    _n("ag:moda", K.AGENCY, A, 100, attrs={"aliases": ["數發部", "MODA"]}),
    _n("ag:ndc", K.AGENCY, A, 101, attrs={"aliases": ["國發會"]}),
    _n("ag:ndc/u1", K.AGENCY, A, 102),
    _n("ag:nstc", K.AGENCY, A, 103),
]
EDGES = [
    _e("doc-a", "a:plan", EdgeType.DESCRIBES),
    _e("a:plan", "a:g1", EdgeType.CONTAINS),
    _e("a:plan", "a:g2", EdgeType.CONTAINS),
    _e("a:g1", "a:s1", EdgeType.CONTAINS),
    _e("a:s1", "a:st1", EdgeType.CONTAINS),
    _e("a:st1", "a:m1", EdgeType.CONTAINS),
    _e("a:m1", "a:ac1", EdgeType.CONTAINS),
    _e("a:m1", "a:ac2", EdgeType.CONTAINS),
    _e("a:ac1", "a:ac1/i1", EdgeType.CONTAINS),
    _e("a:ac1", "a:ac1/i2", EdgeType.CONTAINS),
    _e("a:ac2", "a:ac2/i1", EdgeType.CONTAINS),
    _e("doc-b", "b:plan", EdgeType.DESCRIBES, B),
    _e("b:plan", "b:m1", EdgeType.CONTAINS, B),
    _e("ag:moda", "a:st1", EdgeType.LEADS, attrs={"raw": "數位發展部"}),
    _e("ag:nstc", "a:st1", EdgeType.CO_ORGANIZES),
    _e("ag:ndc/u1", "a:ac2", EdgeType.LEADS),
    _e("ag:moda", "a:g2", EdgeType.CO_ORGANIZES),
    _e("ag:ndc", "b:m1", EdgeType.LEADS, B),
    _e("ag:ndc", "ag:ndc/u1", EdgeType.HAS_UNIT),
    _e("b:m1", "a:m1", EdgeType.CITES, B, {"wording": "延續"}),
    _e("b:m1", "a:ac1", EdgeType.ALIGNS_WITH, B, {"score": 0.75}),
]


def _doc(id: str, title: str) -> DocumentMeta:
    return DocumentMeta(
        id=id, file=f"{id}.txt", title=title, short_name=title[:4], aliases=[title[:2]], kind="plan",
        issuer="行政院", published="2025-10-20", period_start=2025, period_end=2028, profile="st_plan",
    )  # fmt: skip


DOCS = [_doc(B, "乙計畫"), _doc(A, "甲計畫")]  # batch order is kept (not sorted)
LINEAGE = GraphBatch(documents=DOCS, nodes=NODES, edges=EDGES)
BY_ID = {n.id: n for n in NODES}


def _fresh(kind: str, bolt: Callable[[], BoltTarget], graphs: list[Neo4jStore]) -> GraphStore:
    if kind == "embedded":
        return EmbeddedStore()
    import uuid

    store = bolt().store(graph=f"conformance-{uuid.uuid4().hex[:12]}")
    graphs.append(store)
    return store


@pytest.fixture(scope="module", params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def lineage(store_kind: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A store holding LINEAGE, shared by the read-only tests of this module."""
    graphs: list[Neo4jStore] = []
    store = _fresh(store_kind, lambda: request.getfixturevalue("bolt_target"), graphs)
    store.replace(LINEAGE)
    yield store
    for g in graphs:
        g.drop()
        g.close()


@pytest.fixture()
def fresh(store_kind: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of the kind under test, for tests that write."""
    graphs: list[Neo4jStore] = []
    yield _fresh(store_kind, lambda: request.getfixturevalue("bolt_target"), graphs)
    for g in graphs:
        g.drop()
        g.close()


def ids(nodes: list[Node]) -> list[str]:
    return [n.id for n in nodes]


def resp(rs: list[Responsibility]) -> list[tuple[str, str, Role, bool, str]]:
    return [(r.agency.id, r.node.id, r.role, r.explicit, r.via) for r in rs]


# --- never loaded ---------------------------------------------------------------------------------
def test_empty_store_answers_empty(fresh: GraphStore) -> None:
    assert fresh.generation() is None
    assert fresh.documents() == []
    assert fresh.nodes() == []
    assert fresh.edges() == []
    assert fresh.get_nodes(["a:m1", "x"]) == [None, None]
    assert fresh.node("a:m1") is None
    assert fresh.children("a:plan") == []
    assert fresh.parent("a:m1") is None
    assert fresh.ancestors("a:m1") == []
    assert fresh.descendants("a:plan") == []
    assert fresh.responsibilities("ag:moda") == []
    assert fresh.responsible_for("a:m1") == []
    assert fresh.responsible_for_many(["a:m1", "x"]) == [[], []]
    assert fresh.stats() == {"by_kind": {}, "by_document": {}, "by_edge_type": {}}


# --- nodes, documents, edges ----------------------------------------------------------------------
def test_nodes_round_trip_exactly(lineage: GraphStore) -> None:
    # Every field, attrs with nested CJK data, provenance note and missing numbers included.
    got = lineage.get_nodes([n.id for n in NODES])
    assert got == NODES
    item, measure = lineage.node("a:ac1/i1"), lineage.node("a:m1")
    assert item == BY_ID["a:ac1/i1"]
    assert item is not None and item.attrs["targets"] == [{"year": 2028, "value": "50%"}]
    assert measure is not None and measure.provenance.note == "合併儲存格推得"


def test_get_nodes_aligned_with_unknown_and_repeated_ids(lineage: GraphStore) -> None:
    got = lineage.get_nodes(["a:m1", "no-such-node", "a:plan", "a:m1", ""])
    assert [n.id if n else None for n in got] == ["a:m1", None, "a:plan", "a:m1", None]
    assert lineage.get_nodes([]) == []


def test_documents_in_batch_order(lineage: GraphStore) -> None:
    assert lineage.documents() == DOCS


def test_nodes_in_document_order(lineage: GraphStore) -> None:
    # (document, order, id): a:ac1/i1 and a:ac1/i2 share order 7, so the id decides.
    assert ids(lineage.nodes(document=A)) == [
        "doc-a", "a:plan", "a:g1", "a:s1", "a:st1", "a:m1", "a:ac2", "a:ac1/i1", "a:ac1/i2", "a:ac1",
        "a:ac2/i1", "a:g2", "ag:moda", "ag:ndc", "ag:ndc/u1", "ag:nstc",
    ]  # fmt: skip
    assert ids(lineage.nodes(document=B)) == ["doc-b", "b:plan", "b:m1"]
    assert len(lineage.nodes()) == len(NODES)
    assert ids(lineage.nodes()) == ids(lineage.nodes(document=A)) + ids(lineage.nodes(document=B))


def test_nodes_by_kind(lineage: GraphStore) -> None:
    assert ids(lineage.nodes(kinds=[K.AGENCY])) == ["ag:moda", "ag:ndc", "ag:ndc/u1", "ag:nstc"]
    assert ids(lineage.nodes(kinds=[K.MEASURE, K.PLAN])) == ["a:plan", "a:m1", "b:plan", "b:m1"]
    assert ids(lineage.nodes(kinds=[K.MEASURE], document=B)) == ["b:m1"]
    assert lineage.nodes(kinds=[K.TARGET]) == []
    assert lineage.nodes(kinds=[]) == []
    assert lineage.nodes(document="no-such-doc") == []


def test_edges_filtered_and_ordered(lineage: GraphStore) -> None:
    keys = [e.key for e in lineage.edges(source="b:m1")]
    assert keys == [("b:m1", "a:ac1", "ALIGNS_WITH"), ("b:m1", "a:m1", "CITES")]
    assert [e.key for e in lineage.edges(target="a:st1")] == [
        ("a:s1", "a:st1", "CONTAINS"),
        ("ag:moda", "a:st1", "LEADS"),
        ("ag:nstc", "a:st1", "CO_ORGANIZES"),
    ]
    assert [e.key for e in lineage.edges(target="a:st1", types=[EdgeType.LEADS, EdgeType.CO_ORGANIZES])] == [
        ("ag:moda", "a:st1", "LEADS"),
        ("ag:nstc", "a:st1", "CO_ORGANIZES"),
    ]
    assert [e.key for e in lineage.edges(source="ag:ndc", target="b:m1")] == [("ag:ndc", "b:m1", "LEADS")]
    assert len(lineage.edges(types=[EdgeType.CONTAINS])) == 11
    assert lineage.edges(source="no-such-node") == []
    assert lineage.edges(target="no-such-node") == []
    assert lineage.edges(source="a:plan", types=[EdgeType.CITES]) == []
    assert lineage.edges(types=[]) == []
    everything = lineage.edges()
    assert [e.key for e in everything] == sorted(e.key for e in EDGES)
    # Edges come back whole: provenance and attrs.
    assert sorted(everything, key=lambda e: e.key) == sorted(EDGES, key=lambda e: e.key)


# --- hierarchy ------------------------------------------------------------------------------------
def test_children_in_document_order(lineage: GraphStore) -> None:
    assert ids(lineage.children("a:m1")) == ["a:ac2", "a:ac1"]  # orders 6 and 8
    assert ids(lineage.children("a:ac1")) == ["a:ac1/i1", "a:ac1/i2"]  # same order: by id
    assert ids(lineage.children("a:plan")) == ["a:g1", "a:g2"]
    assert lineage.children("a:ac1/i1") == []
    assert lineage.children("doc-a") == []  # DESCRIBES is not hierarchy
    assert lineage.children("no-such-node") == []


def test_parent(lineage: GraphStore) -> None:
    assert lineage.parent("a:ac1/i1") == BY_ID["a:ac1"]
    assert lineage.parent("b:m1") == BY_ID["b:plan"]
    assert lineage.parent("a:plan") is None  # a root (its document DESCRIBES it)
    assert lineage.parent("no-such-node") is None


def test_ancestors_at_depth_six(lineage: GraphStore) -> None:
    got = lineage.ancestors("a:ac1/i1")
    assert [(r.node.id, r.depth, r.parent) for r in got] == [
        ("a:ac1", 1, "a:m1"),
        ("a:m1", 2, "a:st1"),
        ("a:st1", 3, "a:s1"),
        ("a:s1", 4, "a:g1"),
        ("a:g1", 5, "a:plan"),
        ("a:plan", 6, None),
    ]
    assert got[0].node == BY_ID["a:ac1"]
    assert [r.node.id for r in lineage.ancestors("a:ac1/i1", max_depth=2)] == ["a:ac1", "a:m1"]
    assert lineage.ancestors("a:ac1/i1", max_depth=0) == []
    assert lineage.ancestors("a:plan") == []
    assert lineage.ancestors("no-such-node") == []


def test_descendants_by_depth_then_document_order(lineage: GraphStore) -> None:
    got = lineage.descendants("a:plan")
    assert [(r.node.id, r.depth, r.parent) for r in got] == [
        ("a:g1", 1, "a:plan"),
        ("a:g2", 1, "a:plan"),
        ("a:s1", 2, "a:g1"),
        ("a:st1", 3, "a:s1"),
        ("a:m1", 4, "a:st1"),
        ("a:ac2", 5, "a:m1"),
        ("a:ac1", 5, "a:m1"),
        ("a:ac1/i1", 6, "a:ac1"),
        ("a:ac1/i2", 6, "a:ac1"),
        ("a:ac2/i1", 6, "a:ac2"),
    ]
    assert [r.node.id for r in lineage.descendants("a:plan", max_depth=2)] == ["a:g1", "a:g2", "a:s1"]
    assert lineage.descendants("a:ac2/i1") == []
    assert lineage.descendants("no-such-node") == []


# --- responsibilities -----------------------------------------------------------------------------
LEAD, CO = Role.LEAD, Role.CO


def test_responsibilities_explicit_then_inherited(lineage: GraphStore) -> None:
    # moda leads a:st1 and co-organises a:g2; it inherits down from st1 except below a:ac2, which
    # has an assignment of its own (ndc/u1).
    assert resp(lineage.responsibilities("ag:moda")) == [
        ("ag:moda", "a:st1", LEAD, True, "a:st1"),
        ("ag:moda", "a:g2", CO, True, "a:g2"),
        ("ag:moda", "a:m1", LEAD, False, "a:st1"),
        ("ag:moda", "a:ac1/i1", LEAD, False, "a:st1"),
        ("ag:moda", "a:ac1/i2", LEAD, False, "a:st1"),
        ("ag:moda", "a:ac1", LEAD, False, "a:st1"),
    ]
    assert resp(lineage.responsibilities("ag:nstc")) == [
        ("ag:nstc", "a:st1", CO, True, "a:st1"),
        ("ag:nstc", "a:m1", CO, False, "a:st1"),
        ("ag:nstc", "a:ac1/i1", CO, False, "a:st1"),
        ("ag:nstc", "a:ac1/i2", CO, False, "a:st1"),
        ("ag:nstc", "a:ac1", CO, False, "a:st1"),
    ]


def test_responsibilities_carry_the_assignment_edge(lineage: GraphStore) -> None:
    first, *rest = lineage.responsibilities("ag:moda")
    assert first.edge.key == ("ag:moda", "a:st1", "LEADS")
    assert first.edge.attrs == {"raw": "數位發展部"}
    assert first.agency == BY_ID["ag:moda"]
    inherited = [r for r in rest if not r.explicit]
    assert {r.edge.key for r in inherited} == {("ag:moda", "a:st1", "LEADS")}


def test_responsibilities_include_units(lineage: GraphStore) -> None:
    assert resp(lineage.responsibilities("ag:ndc")) == [("ag:ndc", "b:m1", LEAD, True, "b:m1")]
    assert resp(lineage.responsibilities("ag:ndc", include_units=True)) == [
        ("ag:ndc/u1", "a:ac2", LEAD, True, "a:ac2"),
        ("ag:ndc", "b:m1", LEAD, True, "b:m1"),
        ("ag:ndc/u1", "a:ac2/i1", LEAD, False, "a:ac2"),
    ]
    # A unit without units of its own: the same with or without include_units.
    assert resp(lineage.responsibilities("ag:ndc/u1", include_units=True)) == resp(
        lineage.responsibilities("ag:ndc/u1")
    )
    assert lineage.responsibilities("no-such-agency") == []
    assert lineage.responsibilities("no-such-agency", include_units=True) == []


def test_responsible_for_own_else_nearest_assigned_ancestor(lineage: GraphStore) -> None:
    # Lead first, then by agency id.
    assert resp(lineage.responsible_for("a:st1")) == [
        ("ag:moda", "a:st1", LEAD, True, "a:st1"),
        ("ag:nstc", "a:st1", CO, True, "a:st1"),
    ]
    assert resp(lineage.responsible_for("a:ac1/i1")) == [
        ("ag:moda", "a:ac1/i1", LEAD, False, "a:st1"),
        ("ag:nstc", "a:ac1/i1", CO, False, "a:st1"),
    ]
    # The nearest assigned ancestor of a:ac2/i1 is a:ac2 (ndc/u1), not a:st1.
    assert resp(lineage.responsible_for("a:ac2/i1")) == [("ag:ndc/u1", "a:ac2/i1", LEAD, False, "a:ac2")]
    assert resp(lineage.responsible_for("a:ac2")) == [("ag:ndc/u1", "a:ac2", LEAD, True, "a:ac2")]
    assert lineage.responsible_for("a:plan") == []
    assert lineage.responsible_for("a:g1") == []
    assert lineage.responsible_for("no-such-node") == []
    got = lineage.responsible_for("a:ac1/i1")
    assert got[0].node == BY_ID["a:ac1/i1"] and got[0].edge.key == ("ag:moda", "a:st1", "LEADS")


def test_responsible_for_many_matches_one_by_one(lineage: GraphStore) -> None:
    wanted = ["a:ac2/i1", "no-such-node", "a:st1", "a:plan", "a:ac2/i1", "b:m1"]
    many = lineage.responsible_for_many(wanted)
    assert [resp(x) for x in many] == [resp(lineage.responsible_for(i)) for i in wanted]
    assert [len(x) for x in many] == [1, 0, 2, 0, 1, 1]
    assert lineage.responsible_for_many([]) == []


def test_batched_reads_match_one_by_one(lineage: GraphStore) -> None:
    """The batched forms the GraphQL DataLoaders use answer exactly as the single ones, aligned
    with the ids asked (unknown and repeated ids included)."""
    asked = ["a:plan", "a:m1", "no-such-node", "a:ac2/i1", "a:m1", "b:plan", "ag:ndc"]
    assert lineage.children_many(asked) == [lineage.children(i) for i in asked]
    assert lineage.ancestors_many(asked) == [lineage.ancestors(i) for i in asked]
    assert lineage.ancestors_many(asked, 2) == [lineage.ancestors(i, 2) for i in asked]
    assert lineage.descendants_many(asked) == [lineage.descendants(i) for i in asked]
    assert lineage.descendants_many(asked, 1) == [lineage.descendants(i, 1) for i in asked]
    assert lineage.children_many([]) == [] and lineage.edges_at([]) == []
    # Facts, not only agreement: a:m1's children, a:ac2/i1's chain.
    assert ids(lineage.children_many(["a:m1"])[0]) == ["a:ac2", "a:ac1"]
    assert [r.node.id for r in lineage.ancestors_many(["a:ac2/i1"])[0]][:2] == ["a:ac2", "a:m1"]


def test_edges_at_outgoing_then_incoming(lineage: GraphStore) -> None:
    at = lineage.edges_at(["a:m1", "no-such-node", "ag:ndc"])
    assert at[1] == []
    m1 = [(e.source, e.target, e.type, fwd) for e, fwd in at[0]]
    assert m1 == [
        ("a:m1", "a:ac1", EdgeType.CONTAINS, True),
        ("a:m1", "a:ac2", EdgeType.CONTAINS, True),
        ("a:st1", "a:m1", EdgeType.CONTAINS, False),
        ("b:m1", "a:m1", EdgeType.CITES, False),
    ]
    assert at[0][-1][0] == next(e for e in EDGES if e.type is EdgeType.CITES)  # provenance and attrs too
    assert [(e.target, fwd) for e, fwd in at[2]] == [("ag:ndc/u1", True), ("b:m1", True)]
    only = lineage.edges_at(["a:m1"], types=[EdgeType.CITES])[0]
    assert [(e.source, fwd) for e, fwd in only] == [("b:m1", False)]


def test_stats(lineage: GraphStore) -> None:
    assert lineage.stats() == {
        "by_kind": {
            "Action": 2, "Agency": 4, "Document": 2, "Goal": 2, "Item": 3, "Measure": 2, "Plan": 2,
            "Strategy": 1, "SubGoal": 1,
        },
        "by_document": {"doc-a": 16, "doc-b": 3},
        "by_edge_type": {
            "ALIGNS_WITH": 1, "CITES": 1, "CONTAINS": 11, "CO_ORGANIZES": 2, "DESCRIBES": 2, "HAS_UNIT": 1,
            "LEADS": 3,
        },
    }  # fmt: skip


# --- replace --------------------------------------------------------------------------------------
SMALL = GraphBatch(
    documents=[_doc(B, "乙計畫")],
    nodes=[BY_ID["b:plan"], BY_ID["b:m1"], BY_ID["doc-b"]],
    edges=[_e("doc-b", "b:plan", EdgeType.DESCRIBES, B), _e("b:plan", "b:m1", EdgeType.CONTAINS, B)],
)


def test_replace_twice_is_idempotent(fresh: GraphStore) -> None:
    first = fresh.replace(LINEAGE)
    second = fresh.replace(LINEAGE.model_copy(deep=True))
    assert second.generation == first.generation  # a content hash: same graph, same generation
    assert (second.nodes, second.edges) == (len(NODES), len(EDGES))
    assert fresh.generation() == second
    assert fresh.get_nodes([n.id for n in NODES]) == NODES
    assert len(fresh.edges()) == len(EDGES)
    other = fresh.replace(SMALL)
    assert other.generation != first.generation
    assert ids(fresh.nodes()) == ["doc-b", "b:plan", "b:m1"]
    assert fresh.node("a:m1") is None  # nothing of the previous graph is left visible


def test_pinned_view_keeps_its_generation_through_a_reload(fresh: GraphStore) -> None:
    """What one GraphQL request reads: a reload between two of its reads must not mix graphs."""
    if isinstance(fresh, Neo4jStore):
        fresh.grace_seconds = 30.0  # the replaced slot stays readable while this test reads it
    first = fresh.replace(LINEAGE)
    view = fresh.pinned()
    assert view.generation() == first
    assert ids(view.nodes(kinds=[K.PLAN])) == ["a:plan", "b:plan"]
    second = fresh.replace(SMALL)
    # The view still answers every read from the first graph ...
    assert view.generation() == first
    assert view.get_nodes(["a:m1", "b:m1"]) == [BY_ID["a:m1"], BY_ID["b:m1"]]
    assert len(view.nodes()) == len(NODES) and len(view.edges()) == len(EDGES)
    assert view.documents() == LINEAGE.documents
    assert sum(view.stats()["by_kind"].values()) == len(NODES)
    assert [r.node.id for r in view.ancestors("a:ac2/i1")][-1] == "a:plan"
    assert [(r.agency.id, r.explicit) for r in view.responsible_for("a:m1")] == [("ag:moda", False), ("ag:nstc", False)]
    lin = view.cross_lineage("b:m1")
    assert lin is not None and {h.end for h in lin.cross} >= {"a:m1", "a:ac1"}
    assert view.explain_paths("b:m1", "a:m1").paths
    # ... while the store and new views answer from the second.
    assert fresh.generation() == second and fresh.node("a:m1") is None
    assert fresh.pinned().node("a:m1") is None
    with pytest.raises(RuntimeError, match="read-only"):
        view.replace(LINEAGE)


def test_pinned_view_of_an_empty_store_is_empty(fresh: GraphStore) -> None:
    view = fresh.pinned()
    assert view.generation() is None
    assert view.nodes() == [] and view.edges() == [] and view.documents() == []
    assert view.stats() == {"by_kind": {}, "by_document": {}, "by_edge_type": {}}


@pytest.mark.parametrize(
    "broken, message",
    [
        (GraphBatch(nodes=NODES, edges=[*EDGES, _e("a:m1", "no-such-node", EdgeType.CITES)]), "unknown node"),
        (GraphBatch(nodes=[*NODES, BY_ID["a:m1"]], edges=EDGES), "duplicate node id"),
        (GraphBatch(nodes=NODES, edges=[*EDGES, _e("a:g2", "a:ac1", EdgeType.CONTAINS)]), "two parents"),
        (GraphBatch(nodes=NODES, edges=[*EDGES, EDGES[0]]), "duplicate edge"),
    ],
    ids=["edge-to-unknown-node", "duplicate-node", "two-parents", "duplicate-edge"],
)
def test_failed_replace_keeps_the_previous_graph(fresh: GraphStore, broken: GraphBatch, message: str) -> None:
    before = fresh.replace(SMALL)
    with pytest.raises(ValueError, match=message):
        fresh.replace(broken)
    assert fresh.generation() == before
    assert ids(fresh.nodes()) == ["doc-b", "b:plan", "b:m1"]
    assert fresh.documents() == SMALL.documents
    assert [e.key for e in fresh.edges()] == sorted(e.key for e in SMALL.edges)


# --- cross-plan lineage and explained paths ----------------------------------------------------
# Plans x and y, and an external plan z (w is only reached from y). Cross-plan edges, `order` of
# the hierarchy nodes in brackets:
#   x:plan[1] ── x:m1[2]          x:m1 ALIGNS_WITH y:m1 (inferred), x:m1 CITES y:m2
#   y:plan[1] ─┬─ y:m1[2]         x:plan CONTINUES plan/z, y:plan SUCCEEDS x:plan,
#              └─ y:m2[3]         y:plan CITES plan/w
# Every edge's quote names the edge, so each hop's evidence can be checked.
X, Y = "doc-x", "doc-y"
CROSS = GraphBatch(
    documents=[_doc(X, "甲方案"), _doc(Y, "乙方案")],
    nodes=[
        _n("x:plan", K.PLAN, X, 1),
        _n("x:m1", K.MEASURE, X, 2),
        _n("y:plan", K.PLAN, Y, 1),
        _n("y:m1", K.MEASURE, Y, 2),
        _n("y:m2", K.MEASURE, Y, 3),
        _n("plan/z", K.PLAN, X, 50, attrs={"external": True}),
        _n("plan/w", K.PLAN, Y, 50, attrs={"external": True}),
    ],
    edges=[
        _e("x:plan", "x:m1", EdgeType.CONTAINS, X),
        _e("y:plan", "y:m1", EdgeType.CONTAINS, Y),
        _e("y:plan", "y:m2", EdgeType.CONTAINS, Y),
        _e("x:m1", "y:m1", EdgeType.ALIGNS_WITH, X, {"score": 0.5, "method": "test"}),
        _e("x:m1", "y:m2", EdgeType.CITES, X, {"cue": "依據"}),
        _e("x:plan", "plan/z", EdgeType.CONTINUES, X),
        _e("y:plan", "x:plan", EdgeType.SUCCEEDS, X, {"direction": "reverse"}),
        _e("y:plan", "plan/w", EdgeType.CITES, Y),
    ],
)


@pytest.fixture(scope="module")
def cross(store_kind: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    graphs: list[Neo4jStore] = []
    store = _fresh(store_kind, lambda: request.getfixturevalue("bolt_target"), graphs)
    store.replace(CROSS)
    yield store
    for g in graphs:
        g.drop()
        g.close()


def hops(hs: list[Hop]) -> list[tuple[int, int, str, str, str, bool]]:
    return [(h.hops, h.level, h.start, h.end, h.type.value, h.forward) for h in hs]


def test_cross_lineage_chain_then_links_with_evidence(cross: GraphStore) -> None:
    got = cross.cross_lineage("x:m1", max_hops=2)
    assert got is not None and got.node.id == "x:m1"
    assert hops(got.chain) == [(1, 0, "x:m1", "x:plan", "CONTAINS", False)]
    assert hops(got.cross) == [
        (1, 1, "x:m1", "y:m1", "ALIGNS_WITH", True),
        (1, 1, "x:m1", "y:m2", "CITES", True),
        (2, 1, "x:plan", "plan/z", "CONTINUES", True),
        (2, 1, "x:plan", "y:plan", "SUCCEEDS", False),  # y succeeds x: walked against the edge
        (3, 2, "y:plan", "plan/w", "CITES", True),  # onwards from a node reached at level 1
    ]
    # Every hop carries its edge, with the provenance and attrs that were loaded.
    assert [h.edge.provenance.quote for h in got.cross] == [
        "x:m1→y:m1", "x:m1→y:m2", "x:plan→plan/z", "y:plan→x:plan", "y:plan→plan/w"
    ]  # fmt: skip
    assert got.cross[0].inferred and got.cross[0].edge.attrs == {"score": 0.5, "method": "test"}
    assert got.cross[3].edge.attrs == {"direction": "reverse"}
    assert sorted(got.nodes) == ["plan/w", "plan/z", "x:m1", "x:plan", "y:m1", "y:m2", "y:plan"]
    assert got.nodes["plan/z"].attrs == {"external": True}
    assert not got.truncated


def test_cross_lineage_caps_and_filters(cross: GraphStore) -> None:
    one = cross.cross_lineage("x:m1", max_hops=1)
    assert one is not None
    assert [h.end for h in one.cross] == ["y:m1", "y:m2", "plan/z", "y:plan"]
    assert one.truncated  # y:plan CITES plan/w is one hop further
    explicit = cross.cross_lineage("x:m1", max_hops=2, inferred=False)
    assert explicit is not None and "ALIGNS_WITH" not in {h.type.value for h in explicit.cross}
    cites = cross.cross_lineage("x:m1", max_hops=2, types=[EdgeType.CITES], inferred=False)
    assert cites is not None and hops(cites.cross) == [(1, 1, "x:m1", "y:m2", "CITES", True)]
    own = cross.cross_lineage("x:m1", max_hops=1, chain_depth=0)  # links of the node itself only
    assert own is not None and [h.end for h in own.cross] == ["y:m1", "y:m2"]
    small = cross.cross_lineage("x:m1", max_hops=2, limit=2)
    assert small is not None and len(small.cross) == 2 and small.truncated
    assert cross.cross_lineage("no-such-node") is None


def test_cross_lineage_from_a_plan_root_has_an_empty_chain(cross: GraphStore) -> None:
    got = cross.cross_lineage("y:plan", max_hops=1)
    assert got is not None and got.chain == []
    assert hops(got.cross) == [
        (1, 1, "y:plan", "plan/w", "CITES", True),
        (1, 1, "y:plan", "x:plan", "SUCCEEDS", True),
    ]


def test_cross_lineage_chain_in_the_hierarchy(lineage: GraphStore) -> None:
    got = lineage.cross_lineage("a:ac1/i1", max_hops=2)
    assert got is not None
    assert hops(got.chain) == [
        (1, 0, "a:ac1/i1", "a:ac1", "CONTAINS", False),
        (2, 0, "a:ac1", "a:m1", "CONTAINS", False),
        (3, 0, "a:m1", "a:st1", "CONTAINS", False),
        (4, 0, "a:st1", "a:s1", "CONTAINS", False),
        (5, 0, "a:s1", "a:g1", "CONTAINS", False),
        (6, 0, "a:g1", "a:plan", "CONTAINS", False),
    ]
    assert [h.edge.provenance.quote for h in got.chain][:2] == ["a:ac1→a:ac1/i1", "a:m1→a:ac1"]
    # Links of the chain, each counted from the start: a:ac1 is 1 hop up, a:m1 2.
    assert hops(got.cross) == [
        (2, 1, "a:ac1", "b:m1", "ALIGNS_WITH", False),
        (3, 1, "a:m1", "b:m1", "CITES", False),
    ]
    near = lineage.cross_lineage("a:ac1/i1", max_hops=2, chain_depth=1)
    assert near is not None
    # Only a:ac1's link leaves the chain; b:m1's CITES is then walked one level further.
    assert hops(near.cross) == [
        (2, 1, "a:ac1", "b:m1", "ALIGNS_WITH", False),
        (3, 2, "b:m1", "a:m1", "CITES", True),
    ]


def test_explain_paths_shortest_with_evidence(lineage: GraphStore) -> None:
    got = lineage.explain_paths("b:m1", "a:st1")
    # b:m1 CITES a:m1, which a:st1 CONTAINS: the only path of 2 (via a:ac1 it takes 3).
    assert [p.nodes for p in got.paths] == [("b:m1", "a:m1", "a:st1")]
    path = got.paths[0]
    assert [(h.hops, h.type.value, h.forward, h.start, h.end) for h in path.hops] == [
        (1, "CITES", True, "b:m1", "a:m1"),
        (2, "CONTAINS", False, "a:m1", "a:st1"),
    ]
    assert [h.edge.provenance.quote for h in path.hops] == ["b:m1→a:m1", "a:st1→a:m1"]
    assert not got.exhausted
    # Responsibility and agency units explain too: ndc/u1 is a unit of ndc, which leads b:m1.
    unit = lineage.explain_paths("b:m1", "ag:ndc/u1")
    assert [p.nodes for p in unit.paths] == [("b:m1", "ag:ndc", "ag:ndc/u1")]
    # Without ALIGNS_WITH the path to a:ac1 goes through the citation.
    assert [p.nodes for p in lineage.explain_paths("b:m1", "a:ac1").paths] == [("b:m1", "a:ac1")]
    explicit = lineage.explain_paths("b:m1", "a:ac1", types=[EdgeType.CITES, EdgeType.CONTAINS])
    assert [p.nodes for p in explicit.paths] == [("b:m1", "a:m1", "a:ac1")]


def test_explain_paths_prefer_stated_links_and_respect_caps(cross: GraphStore, lineage: GraphStore) -> None:
    got = cross.explain_paths("x:m1", "y:plan", limit=2)
    # Three paths of 2: by an inferred alignment (y:m1), by a citation (y:m2) and by the plans
    # (x:plan, which y:plan succeeds). Stated links first, then by node ids: the first two.
    assert [(p.nodes, p.inferred) for p in got.paths] == [
        (("x:m1", "x:plan", "y:plan"), 0),
        (("x:m1", "y:m2", "y:plan"), 0),
    ]
    every = cross.explain_paths("x:m1", "y:plan", limit=5)
    assert [p.nodes for p in every.paths][-1] == ("x:m1", "y:m1", "y:plan")
    assert every.paths[-1].inferred == 1
    assert cross.explain_paths("x:m1", "plan/w", max_len=2).paths == []
    # x:m1 reaches y:plan three ways (above), then y:plan CITES plan/w.
    assert [p.length for p in cross.explain_paths("x:m1", "plan/w", max_len=3).paths] == [3, 3, 3]
    same = cross.explain_paths("x:m1", "x:m1")
    assert [p.nodes for p in same.paths] == [("x:m1",)]
    assert cross.explain_paths("x:m1", "no-such-node").paths == []
    capped = lineage.explain_paths("a:ac1/i1", "b:plan", max_expand=1)
    assert capped.paths == [] and capped.exhausted


# --- the real corpus ------------------------------------------------------------------------------
@pytest.mark.bolt
def test_corpus_exports_are_byte_identical(corpus_store: EmbeddedStore, neo4j_corpus_store: Neo4jStore) -> None:
    embedded = export_json(corpus_store)
    neo = export_json(neo4j_corpus_store)
    assert len(corpus_store.nodes()) > 100
    assert neo.encode("utf-8") == embedded.encode("utf-8")


@pytest.mark.bolt
def test_corpus_queries_agree(corpus_store: EmbeddedStore, neo4j_corpus_store: Neo4jStore) -> None:
    """Lineage and responsibility queries over the whole corpus give the same answers in both."""
    nodes = corpus_store.nodes()
    deepest = sorted(nodes, key=lambda n: -len(corpus_store.ancestors(n.id)))[:20]
    for n in deepest:
        assert neo4j_corpus_store.ancestors(n.id) == corpus_store.ancestors(n.id), n.id
    roots = [n for n in nodes if corpus_store.parent(n.id) is None][:20]
    for n in roots:
        assert neo4j_corpus_store.descendants(n.id) == corpus_store.descendants(n.id), n.id
        assert neo4j_corpus_store.children(n.id) == corpus_store.children(n.id), n.id
    for agency in corpus_store.nodes(kinds=[NodeKind.AGENCY]):
        for units in (False, True):
            assert neo4j_corpus_store.responsibilities(agency.id, units) == corpus_store.responsibilities(
                agency.id, units
            ), agency.id
    assert neo4j_corpus_store.stats() == corpus_store.stats()
    assert neo4j_corpus_store.parents_many([n.id for n in nodes]) == [corpus_store.parent(n.id) for n in nodes]
