"""Lineage and explained paths, over the GraphStore interface only (both stores behave the same).

- `plans_of`: the plan (hierarchy root) each node belongs to, batched: the number of store calls
  depends on the hierarchy depth, not on how many nodes are asked for.
- `lineage`: a node's ancestors up to its plan, its descendants down to a bounded depth, and the
  cross-plan links (CITES, CONTINUES, ... and inferred ALIGNS_WITH) leaving or reaching that chain,
  each hop with its count from the node and the edge that carries the evidence.
- `shortest_paths`: "why are A and B connected": every shortest path (up to a limit) over hierarchy,
  responsibility, agency-unit, target and cross-plan edges, traversed in either direction, each hop
  with its edge (and so its evidence). Bidirectional breadth-first search with an expansion cap, so
  a query between far-apart nodes stops instead of walking the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.model import Edge, EdgeType, Node, NodeKind
from graph.store import GraphStore, Ranked

CROSS_PLAN_TYPES: frozenset[EdgeType] = frozenset(
    {
        EdgeType.CITES,
        EdgeType.CONTINUES,
        EdgeType.SUCCEEDS,
        EdgeType.REPORTS_ON,
        EdgeType.COVERS,
        EdgeType.MENTIONS,
        EdgeType.ALIGNS_WITH,
    }
)
# Edges a path may use by default. DESCRIBES (document -> plan) only duplicates the plan root.
PATH_TYPES: frozenset[EdgeType] = frozenset(
    {
        EdgeType.CONTAINS,
        EdgeType.LEADS,
        EdgeType.CO_ORGANIZES,
        EdgeType.HAS_UNIT,
        EdgeType.HAS_TARGET,
    }
    | CROSS_PLAN_TYPES
)


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
        if n.id in root_ids or (n.kind is NodeKind.PLAN and n.document not in roots):
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


def cross_plan_edges(
    store: GraphStore, node_id: str, types: Iterable[EdgeType] | None = None
) -> list[tuple[Edge, bool]]:
    """Cross-plan edges at a node: (edge, outgoing)."""
    ts = sorted(set(types) & CROSS_PLAN_TYPES if types is not None else CROSS_PLAN_TYPES)
    if not ts:
        return []
    out = [(e, True) for e in store.edges(source=node_id, types=ts)]
    out += [(e, False) for e in store.edges(target=node_id, types=ts)]
    return out


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
    frontier: dict[str, int] = {node_id: 0}
    frontier.update({r.node.id: r.depth for r in ancestors})
    seen = set(frontier)
    seen_edges: set[tuple[str, str, str]] = set()
    for level in range(1, cross_levels + 1):
        nxt: dict[str, int] = {}
        for origin, base in frontier.items():
            for e, outgoing in cross_plan_edges(store, origin, cross_types):
                if e.key in seen_edges:
                    continue
                if len(cross) >= max_cross:
                    truncated = True
                    break
                seen_edges.add(e.key)
                other = e.target if outgoing else e.source
                cross.append(CrossHop(base + 1, level, origin, other, outgoing, e))
                if other not in seen:
                    seen.add(other)
                    nxt[other] = base + 1
        frontier = nxt
        if not frontier:
            break
    cross.sort(key=lambda h: (h.hops, h.level, h.origin, h.edge.key))
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


def _neighbours(store: GraphStore, node_id: str, types: list[EdgeType]) -> list[Step]:
    steps = [Step(e, True) for e in store.edges(source=node_id, types=types)]
    steps += [Step(e, False) for e in store.edges(target=node_id, types=types)]
    return steps


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
    ts = sorted(set(types) if types is not None else PATH_TYPES)
    if a == b:
        return PathResult([Path((a,), ())], 0, False)
    # pred[side][node] = steps that reach node from the side's start, one level closer.
    dist = ({a: 0}, {b: 0})
    pred: tuple[dict[str, list[Step]], dict[str, list[Step]]] = ({a: []}, {b: []})
    frontier = ([a], [b])
    depth = [0, 0]
    expanded = 0
    exhausted = False
    meet: set[str] = set()
    while frontier[0] and frontier[1] and depth[0] + depth[1] < max_hops:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        nxt: list[str] = []
        for u in frontier[side]:
            if expanded >= max_expand:
                exhausted = True
                break
            expanded += 1
            for st in _neighbours(store, u, ts):
                v = st.end
                if v not in dist[side]:
                    dist[side][v] = depth[side] + 1
                    pred[side][v] = [st]
                    nxt.append(v)
                elif dist[side][v] == depth[side] + 1:
                    pred[side][v].append(st)
        depth[side] += 1
        frontier[side][:] = sorted(set(nxt))
        meet = set(dist[0]) & set(dist[1])
        if meet or exhausted:
            break
    if not meet:
        return PathResult([], expanded, exhausted)
    best = min(dist[0][m] + dist[1][m] for m in meet)
    if best > max_hops:
        return PathResult([], expanded, exhausted)

    def back(side: int, node: str, budget: int) -> list[list[Step]]:
        """Step sequences from the side's start to `node` (for side 1: from node to b)."""
        if not pred[side][node]:
            return [[]]
        out: list[list[Step]] = []
        for st in sorted(pred[side][node], key=lambda s: (s.start, s.edge.key)):
            for rest in back(side, st.start, budget):
                out.append([*rest, st] if side == 0 else [Step(st.edge, not st.forward), *rest])
                if len(out) >= budget:
                    return out
        return out

    found: dict[tuple[tuple[str, str, str], ...], Path] = {}
    for m in sorted(x for x in meet if dist[0][x] + dist[1][x] == best):
        for left in back(0, m, limit * 4):
            for right in back(1, m, limit * 4):
                steps = tuple(left + right)
                key = tuple((s.edge.key[0], s.edge.key[1], s.edge.key[2] + ("" if s.forward else "~")) for s in steps)
                if key not in found:
                    nodes = (a, *(s.end for s in steps))
                    found[key] = Path(nodes, steps)
    paths = sorted(found.values(), key=lambda p: (p.nodes, tuple(s.edge.type.value for s in p.steps)))
    return PathResult(paths[:limit], expanded, exhausted)
