"""Lineage and explained paths, over the GraphStore interface only (both stores behave the same).

- `plans_of`: the plan (hierarchy root) each node belongs to, batched: the number of store calls
  depends on the hierarchy depth, not on how many nodes are asked for.
- `lineage`: a node's ancestors up to its plan, its descendants down to a bounded depth, and the
  cross-plan links (CITES, CONTINUES, ... and inferred ALIGNS_WITH) leaving or reaching that chain,
  each hop with its count from the node and the edge that carries the evidence
  (`GraphStore.cross_lineage`).
- `shortest_paths`: "why are A and B connected": every shortest path (up to a limit) over hierarchy,
  responsibility, agency-unit, target and cross-plan edges, traversed in either direction, each hop
  with its edge (and so its evidence), stated links before inferred ones
  (`GraphStore.explain_paths`: a bidirectional breadth-first search with an expansion cap, so a
  query between far-apart nodes stops instead of walking the whole graph).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.model import Edge, EdgeType, Node, NodeKind
from graph.store import (
    EXPLAIN_PATH_TYPES,
    EXPLICIT_LINK_TYPES,
    INFERRED_LINK_TYPES,
    GraphStore,
    Ranked,
)

CROSS_PLAN_TYPES: frozenset[EdgeType] = EXPLICIT_LINK_TYPES | INFERRED_LINK_TYPES
# Edges a path may use by default. DESCRIBES (document -> plan) only duplicates the plan root.
PATH_TYPES: frozenset[EdgeType] = EXPLAIN_PATH_TYPES


# --- plans ------------------------------------------------------------------------------------
def document_roots(store: GraphStore, describes: Sequence[Edge] | None = None) -> dict[str, list[str]]:
    """document id -> the root node(s) its Document node DESCRIBES."""
    edges = describes if describes is not None else store.edges(types=[EdgeType.DESCRIBES])
    roots: dict[str, list[str]] = {}
    for e in edges:
        roots.setdefault(e.source, []).append(e.target)
    return roots


def plans_of(
    store: GraphStore, nodes: Sequence[Node | None], describes: Sequence[Edge] | None = None
) -> list[Node | None]:
    """The plan each node belongs to (aligned with `nodes`): the root of its hierarchy.

    A plan root is its own plan; a Document's plan is the root it describes; an Agency has none.
    A node of a document with a single root belongs to that root (targets too, which hang off the
    tree by HAS_TARGET); otherwise the hierarchy is walked up, one batched call per level."""
    roots = document_roots(store, describes)
    root_ids = {r for rs in roots.values() for r in rs}
    out: list[Node | None] = [None] * len(nodes)
    want: dict[int, str] = {}  # index -> root id to fetch
    climb: dict[int, str] = {}  # index -> current node id while walking up
    for i, n in enumerate(nodes):
        if n is None or n.kind is NodeKind.AGENCY:
            continue
        if n.id in root_ids or n.kind is NodeKind.PLAN:
            # A plan is its own plan, described or not (an external plan quotes the document that
            # first names it, whose root is another plan).
            out[i] = n
        elif n.kind is NodeKind.DOCUMENT:
            if len(roots.get(n.id, [])) == 1:
                want[i] = roots[n.id][0]
        elif len(roots.get(n.document, [])) == 1:
            want[i] = roots[n.document][0]
        else:
            climb[i] = n.id
    guard = 0
    while climb and guard < 64:  # 64: far deeper than any plan; stops a corrupt cycle
        guard += 1
        keys = list(climb)
        parents = store.parents_many([climb[i] for i in keys])
        for i, p in zip(keys, parents, strict=True):
            if p is None:
                node = nodes[i]
                # The top reached: the root when it is a hierarchy node, else no plan.
                if climb[i] != (node.id if node else None):
                    want[i] = climb[i]
                elif node is not None and node.kind is not NodeKind.TARGET:
                    out[i] = node
                del climb[i]
            else:
                climb[i] = p.id
    if want:
        ids = sorted(set(want.values()))
        fetched = dict(zip(ids, store.get_nodes(ids), strict=True))
        for i, rid in want.items():
            out[i] = fetched[rid]
    return out


# --- lineage ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CrossHop:
    """One cross-plan edge reached from a node's chain.

    `origin` is the node on our side (the node itself, an ancestor, or a node reached by an
    earlier cross-plan hop); `other` the node at the far end; `outgoing` whether the edge points
    from origin to other. `hops` counts edges from the start node (up the chain, then across)."""

    hops: int
    level: int
    origin: str
    other: str
    outgoing: bool
    edge: Edge


@dataclass(frozen=True)
class Lineage:
    node: Node
    ancestors: list[Ranked]
    descendants: list[Ranked]
    cross: list[CrossHop]
    # True when a cap (depth or number of cross-plan hops) cut the answer short.
    truncated: bool


def cross_plan_types(types: Iterable[EdgeType] | None = None) -> list[EdgeType]:
    """The cross-plan edge types among `types` (all of them by default), sorted."""
    return sorted(set(types) & CROSS_PLAN_TYPES if types is not None else CROSS_PLAN_TYPES)


def lineage(
    store: GraphStore,
    node_id: str,
    up: int | None = None,
    down: int = 1,
    cross_levels: int = 1,
    max_cross: int = 200,
    cross_types: Iterable[EdgeType] | None = None,
) -> Lineage | None:
    node = store.node(node_id)
    if node is None:
        return None
    # One level more than asked says whether the cap cut the answer short.
    ancestors = store.ancestors(node_id, max_depth=None if up is None else up + 1)
    descendants = store.descendants(node_id, max_depth=down + 1) if down > 0 else []
    truncated = (up is not None and len(ancestors) > up) or any(r.depth > down for r in descendants)
    if up is not None:
        ancestors = ancestors[:up]
    descendants = [r for r in descendants if r.depth <= down]

    cross: list[CrossHop] = []
    if cross_levels > 0:
        wanted = set(cross_types) if cross_types is not None else None
        got = store.cross_lineage(
            node_id,
            max_hops=cross_levels,
            types=None if wanted is None else wanted & EXPLICIT_LINK_TYPES,
            inferred=wanted is None or bool(wanted & INFERRED_LINK_TYPES),
            chain_depth=up,
            limit=max_cross,
        )
        if got is not None:
            cross = [CrossHop(h.hops, h.level, h.start, h.end, h.forward, h.edge) for h in got.cross]
            # The size cap cut the answer short (links beyond the last level asked are not a cut).
            truncated = truncated or len(cross) >= max_cross
    return Lineage(node, ancestors, descendants, cross, truncated)


# --- paths ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    edge: Edge
    # True when the path walks the edge in its own direction (source -> target).
    forward: bool

    @property
    def start(self) -> str:
        return self.edge.source if self.forward else self.edge.target

    @property
    def end(self) -> str:
        return self.edge.target if self.forward else self.edge.source


@dataclass(frozen=True)
class Path:
    nodes: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def length(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class PathResult:
    paths: list[Path]
    # Nodes whose edges were read; `exhausted` when the expansion cap stopped the search.
    expanded: int
    exhausted: bool


def shortest_paths(
    store: GraphStore,
    a: str,
    b: str,
    max_hops: int = 6,
    types: Iterable[EdgeType] | None = None,
    limit: int = 3,
    max_expand: int = 4000,
) -> PathResult:
    """All shortest paths from a to b (at most `limit`, in a stable order), up to `max_hops`."""
    got = store.explain_paths(a, b, max_len=max_hops, limit=limit, types=types, max_expand=max_expand)
    paths = [Path(p.nodes, tuple(Step(h.edge, h.forward) for h in p.hops)) for p in got.paths]
    return PathResult(paths, got.expanded, got.exhausted)
