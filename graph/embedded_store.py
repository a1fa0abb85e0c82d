"""Embedded store: the whole graph in memory as a networkx MultiDiGraph (the default store).

A reload builds a complete new snapshot, then swaps one reference: readers hold the snapshot they
started with, so they never see half a graph, and a failed build leaves the old snapshot served.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import networkx as nx

from core.hierarchy import document_order as doc_order
from core.responsibility import inheritors, nearest_assigned
from graph.ids import generation_id
from graph.model import (
    RESPONSIBILITY_TYPES,
    DocumentMeta,
    Edge,
    EdgeType,
    GraphBatch,
    Node,
    NodeKind,
)
from graph.store import (
    EXPLAIN_PATH_TYPES,
    ROLE_OF,
    ROLE_RANK,
    CrossLineage,
    ExplainedPaths,
    GenerationInfo,
    GraphStore,
    Hop,
    Ranked,
    Responsibility,
    Role,
    link_types,
    search_paths,
    walk_cross,
)


@dataclass
class _Snapshot:
    info: GenerationInfo
    documents: list[DocumentMeta]
    g: nx.MultiDiGraph
    nodes: dict[str, Node]
    # Hierarchy indexes, built once per load (reads stay O(answer)).
    parent: dict[str, str] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    # node id -> its own responsibility edges
    assigned: dict[str, list[Edge]] = field(default_factory=dict)
    # edge type -> its edges in (source, target, type) order: a request for the few edges of one
    # type (DESCRIBES, HAS_TARGET) costs what it returns, not a walk over every edge.
    by_type: dict[EdgeType, list[Edge]] = field(default_factory=dict)
    # stats() of this immutable snapshot, computed at its first call.
    stats: dict[str, dict[str, int]] | None = None


def _build(batch: GraphBatch) -> _Snapshot:
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    nodes: dict[str, Node] = {}
    for n in batch.nodes:
        if n.id in nodes:
            raise ValueError(f"duplicate node id {n.id!r}")
        nodes[n.id] = n
        g.add_node(n.id)
    parent: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    assigned: dict[str, list[Edge]] = {}
    keys: set[tuple[str, str, str]] = set()
    for e in batch.edges:
        if e.key in keys:  # one relationship of a type between two nodes, as in the Neo4j store
            raise ValueError(f"duplicate edge {e.type} {e.source} -> {e.target}")
        keys.add(e.key)
        for end in (e.source, e.target):
            if end not in nodes:
                raise ValueError(f"edge {e.type} {e.source} -> {e.target}: unknown node {end!r}")
        g.add_edge(e.source, e.target, key=e.type.value, edge=e)
        if e.type is EdgeType.CONTAINS:
            if e.target in parent:
                raise ValueError(f"node {e.target!r} has two parents")
            parent[e.target] = e.source
            children.setdefault(e.source, []).append(e.target)
        elif e.type in RESPONSIBILITY_TYPES:
            assigned.setdefault(e.target, []).append(e)
    for kids in children.values():
        kids.sort(key=lambda i: doc_order(nodes[i]))
    by_type: dict[EdgeType, list[Edge]] = {}
    for e in sorted(batch.edges, key=lambda e: e.key):
        by_type.setdefault(e.type, []).append(e)
    info = GenerationInfo(
        generation=generation_id(batch),
        loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        nodes=len(nodes),
        edges=len(batch.edges),
    )
    return _Snapshot(info, list(batch.documents), g, nodes, parent, children, assigned, by_type)


def _role(e: Edge) -> Role:
    return ROLE_OF[e.type]


class EmbeddedStore(GraphStore):
    name = "embedded"

    def __init__(self) -> None:
        self._snap: _Snapshot | None = None
        self._write_lock = threading.Lock()
        self._read_only = False

    def pinned(self) -> EmbeddedStore:
        # Snapshots are immutable: holding the current one is the whole pin.
        if self._read_only:
            return self
        view = EmbeddedStore()
        view._snap = self._snap
        view._read_only = True
        return view

    # --- writes -------------------------------------------------------------------------------
    def replace(self, batch: GraphBatch) -> GenerationInfo:
        if self._read_only:
            raise RuntimeError("a pinned view of the graph is read-only")
        with self._write_lock:
            snap = _build(batch)  # raises before the swap: the old snapshot stays served
            self._snap = snap
            return snap.info

    # --- reads --------------------------------------------------------------------------------
    def _s(self) -> _Snapshot:
        snap = self._snap
        if snap is None:
            return _build(GraphBatch())
        return snap

    def generation(self) -> GenerationInfo | None:
        return self._snap.info if self._snap else None

    def documents(self) -> list[DocumentMeta]:
        return list(self._s().documents)

    def get_nodes(self, ids: Sequence[str]) -> list[Node | None]:
        nodes = self._s().nodes
        return [nodes.get(i) for i in ids]

    def nodes(self, kinds: Iterable[NodeKind] | None = None, document: str | None = None) -> list[Node]:
        kindset = set(kinds) if kinds is not None else None
        out = [
            n
            for n in self._s().nodes.values()
            if (kindset is None or n.kind in kindset) and (document is None or n.document == document)
        ]
        return sorted(out, key=doc_order)

    def edges(
        self,
        source: str | None = None,
        target: str | None = None,
        types: Iterable[EdgeType] | None = None,
    ) -> list[Edge]:
        s = self._s()
        typeset = {EdgeType(t) for t in types} if types is not None else None
        if source is None and target is None:
            wanted = typeset if typeset is not None else set(s.by_type)
            parts = [s.by_type.get(t, []) for t in sorted(wanted)]
            return list(parts[0]) if len(parts) == 1 else sorted((e for p in parts for e in p), key=lambda e: e.key)
        end = source if source is not None else target
        if end not in s.nodes:
            return []
        raw = s.g.out_edges(source, data="edge") if source is not None else s.g.in_edges(target, data="edge")
        out = [
            e
            for _, _, e in raw
            if (typeset is None or e.type in typeset) and (target is None or e.target == target)
        ]
        return sorted(out, key=lambda e: e.key)

    def children(self, node_id: str) -> list[Node]:
        s = self._s()
        return [s.nodes[c] for c in s.children.get(node_id, [])]

    def parent(self, node_id: str) -> Node | None:
        s = self._s()
        p = s.parent.get(node_id)
        return s.nodes[p] if p is not None else None

    def ancestors(self, node_id: str, max_depth: int | None = None) -> list[Ranked]:
        s = self._s()
        out: list[Ranked] = []
        cur = node_id
        depth = 0
        seen = {node_id}
        while cur in s.parent and (max_depth is None or depth < max_depth):
            p = s.parent[cur]
            if p in seen:  # a cycle would otherwise loop forever; integrity checks report it
                break
            seen.add(p)
            depth += 1
            out.append(Ranked(s.nodes[p], depth, s.parent.get(p)))
            cur = p
        return out

    def descendants(self, node_id: str, max_depth: int | None = None) -> list[Ranked]:
        s = self._s()
        out: list[Ranked] = []
        frontier = [node_id]
        seen = {node_id}
        depth = 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            nxt: list[str] = []
            level: list[Ranked] = []
            for pid in frontier:
                for c in s.children.get(pid, []):
                    if c in seen:
                        continue
                    seen.add(c)
                    nxt.append(c)
                    level.append(Ranked(s.nodes[c], depth, pid))
            level.sort(key=lambda r: doc_order(r.node))
            out.extend(level)
            frontier = nxt
        return out

    def _unit_ids(self, s: _Snapshot, agency_id: str) -> list[str]:
        ids = [agency_id]
        stack = [agency_id]
        while stack:
            cur = stack.pop()
            for _, child, key in s.g.out_edges(cur, keys=True):
                if key == EdgeType.HAS_UNIT.value and child not in ids:
                    ids.append(child)
                    stack.append(child)
        return ids

    def responsibilities(self, agency_id: str, include_units: bool = False) -> list[Responsibility]:
        s = self._s()
        if agency_id not in s.nodes:
            return []
        agencies = self._unit_ids(s, agency_id) if include_units else [agency_id]
        explicit: list[Responsibility] = []
        inherited: list[Responsibility] = []
        for aid in agencies:
            agency = s.nodes[aid]
            for _, tgt, key, e in s.g.out_edges(aid, keys=True, data="edge"):
                if EdgeType(key) not in RESPONSIBILITY_TYPES:
                    continue
                node = s.nodes[tgt]
                explicit.append(Responsibility(agency, node, _role(e), True, tgt, e))
                inherited += (
                    Responsibility(agency, s.nodes[c], _role(e), False, tgt, e)
                    for c in inheritors(tgt, s.children, s.assigned)
                )
        key = lambda r: (*doc_order(r.node), r.role.value, r.agency.id)  # noqa: E731
        return sorted(explicit, key=key) + sorted(inherited, key=key)

    def responsible_for(self, node_id: str) -> list[Responsibility]:
        s = self._s()
        if node_id not in s.nodes:
            return []
        node = s.nodes[node_id]
        via = nearest_assigned(node_id, s.parent, s.assigned)
        if via is None:
            return []
        out = [Responsibility(s.nodes[e.source], node, _role(e), via == node_id, via, e) for e in s.assigned[via]]
        return sorted(out, key=lambda r: (ROLE_RANK[r.role], r.agency.id))

    # --- cross-plan lineage and explained paths -----------------------------------------------------
    @staticmethod
    def _neighbours(s: _Snapshot) -> Callable[[Sequence[str], frozenset[EdgeType]], dict[str, list[tuple[Edge, bool]]]]:
        def neighbours(ids: Sequence[str], types: frozenset[EdgeType]) -> dict[str, list[tuple[Edge, bool]]]:
            keys = {t.value for t in types}
            out: dict[str, list[tuple[Edge, bool]]] = {}
            for nid in ids:
                if nid not in s.nodes:
                    continue
                found = [(e, True) for _, _, k, e in s.g.out_edges(nid, keys=True, data="edge") if k in keys]
                found += [(e, False) for _, _, k, e in s.g.in_edges(nid, keys=True, data="edge") if k in keys]
                out[nid] = found
            return out

        return neighbours

    def cross_lineage(
        self,
        node_id: str,
        max_hops: int = 2,
        types: Iterable[EdgeType] | None = None,
        inferred: bool = True,
        chain_depth: int | None = None,
        limit: int = 200,
    ) -> CrossLineage | None:
        s = self._s()
        node = s.nodes.get(node_id)
        if node is None:
            return None
        chain: list[Hop] = []
        for r in self.ancestors(node_id):
            child = chain[-1].end if chain else node_id
            edge = next(e for _, _, k, e in s.g.in_edges(child, keys=True, data="edge") if k == EdgeType.CONTAINS.value)
            chain.append(Hop(r.depth, 0, child, r.node.id, edge, False))
        cross, reached, truncated = walk_cross(
            node_id, chain, self._neighbours(s), link_types(types, inferred), max_hops, limit, chain_depth
        )
        reached |= {h.end for h in cross}
        return CrossLineage(node, chain, cross, {i: s.nodes[i] for i in sorted(reached) if i in s.nodes}, truncated)

    def explain_paths(
        self,
        a: str,
        b: str,
        max_len: int = 6,
        limit: int = 3,
        types: Iterable[EdgeType] | None = None,
        max_expand: int = 4000,
    ) -> ExplainedPaths:
        s = self._s()
        if a not in s.nodes or b not in s.nodes:
            return ExplainedPaths([], 0, False)
        ts = frozenset(EdgeType(t) for t in types) if types is not None else EXPLAIN_PATH_TYPES
        return search_paths(a, b, self._neighbours(s), ts, max_len, limit, max_expand)

    def stats(self) -> dict[str, dict[str, int]]:
        s = self._s()
        if s.stats is None:
            s.stats = self._count(s)
        return {k: dict(v) for k, v in s.stats.items()}

    @staticmethod
    def _count(s: _Snapshot) -> dict[str, dict[str, int]]:
        by_kind: dict[str, int] = {}
        by_doc: dict[str, int] = {}
        for n in s.nodes.values():
            by_kind[n.kind.value] = by_kind.get(n.kind.value, 0) + 1
            by_doc[n.document] = by_doc.get(n.document, 0) + 1
        by_type: dict[str, int] = {}
        for _, _, key in s.g.edges(keys=True):
            by_type[key] = by_type.get(key, 0) + 1
        return {
            "by_kind": dict(sorted(by_kind.items())),
            "by_document": dict(sorted(by_doc.items())),
            "by_edge_type": dict(sorted(by_type.items())),
        }
