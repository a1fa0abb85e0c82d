"""The store interface: one name and one meaning for every query, in every store.

The embedded store (networkx) and the Neo4j store both implement GraphStore; one conformance suite
(tests/test_store_conformance.py) runs against both.

Ordering contract: every list of nodes is in document order, i.e. sorted by (document, order, id),
unless a method says otherwise (ancestors: nearest first).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from core.errors import PolicyGraphError

# Roles and the inheritance rule are the domain's (core/responsibility.py); both stores implement them.
from core.responsibility import ROLE_OF as ROLE_OF
from core.responsibility import ROLE_RANK as ROLE_RANK
from core.responsibility import Role as Role
from graph.model import RESPONSIBILITY_TYPES, DocumentMeta, Edge, EdgeType, GraphBatch, Node, NodeKind


@dataclass(frozen=True)
class Responsibility:
    """An agency's role on a node, either assigned to the node itself or inherited from an ancestor.

    `via` is the node that carries the explicit assignment (== node.id when explicit).
    `edge` is the assignment edge with its provenance.
    """

    agency: Node
    node: Node
    role: Role
    explicit: bool
    via: str
    edge: Edge


@dataclass(frozen=True)
class Ranked:
    node: Node
    depth: int
    parent: str | None


@dataclass(frozen=True)
class GenerationInfo:
    generation: str
    loaded_at: str
    nodes: int
    edges: int


# --- cross-plan lineage and explained paths -------------------------------------------------------
# Cross-plan links stated by the documents (typed from their wording), and inferred alignments.
EXPLICIT_LINK_TYPES: frozenset[EdgeType] = frozenset(
    {EdgeType.CITES, EdgeType.CONTINUES, EdgeType.SUCCEEDS, EdgeType.REPORTS_ON, EdgeType.COVERS, EdgeType.MENTIONS}
)
INFERRED_LINK_TYPES: frozenset[EdgeType] = frozenset({EdgeType.ALIGNS_WITH})
# What an explained path may walk: hierarchy, responsibility, agency units, targets, cross-plan links.
# (DESCRIBES only duplicates a plan root by its document.)
EXPLAIN_PATH_TYPES: frozenset[EdgeType] = (
    frozenset({EdgeType.CONTAINS, EdgeType.HAS_UNIT, EdgeType.HAS_TARGET})
    | RESPONSIBILITY_TYPES
    | EXPLICIT_LINK_TYPES
    | INFERRED_LINK_TYPES
)


@dataclass(frozen=True)
class Hop:
    """One edge walked from a start node; the edge (with its provenance) is the evidence."""

    hops: int  # edges from the start node, this one included
    level: int  # 0: up the node's own hierarchy; n >= 1: the n-th cross-plan edge in a row
    start: str  # the node the hop leaves from
    end: str  # the node it reaches
    edge: Edge
    forward: bool  # True when walked in the edge's direction (source -> target)

    @property
    def type(self) -> EdgeType:
        return self.edge.type

    @property
    def inferred(self) -> bool:
        return self.edge.type in INFERRED_LINK_TYPES


@dataclass(frozen=True)
class CrossLineage:
    """A node's chain up to its plan, then the cross-plan links of that chain and onwards."""

    node: Node
    # node -> parent -> ... -> root: each hop walks a CONTAINS edge backwards (level 0).
    chain: list[Hop]
    # Cross-plan hops ordered by (hops, level, start, edge key): level 1 leaves the chain, level n
    # leaves a node reached at level n-1.
    cross: list[Hop]
    # Every node the answer names, by id.
    nodes: dict[str, Node] = field(default_factory=dict)
    # True when max_hops or the size limit left links unwalked.
    truncated: bool = False


@dataclass(frozen=True)
class ExplainedPath:
    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def inferred(self) -> int:
        """How many hops are inferred alignments (paths with fewer come first)."""
        return sum(1 for h in self.hops if h.inferred)


@dataclass(frozen=True)
class ExplainedPaths:
    paths: list[ExplainedPath]
    # Nodes whose edges were read; `exhausted` when the expansion cap stopped the search.
    expanded: int
    exhausted: bool


# The stores answer both questions with the same walks, given one batched primitive: the edges of
# the given types at each of a set of nodes, as (edge, walked forward). One call per level of the
# walk (one round trip in Neo4j), so both stores give identical answers.
Neighbours = Callable[[Sequence[str], frozenset[EdgeType]], dict[str, list[tuple[Edge, bool]]]]


def link_types(types: Iterable[EdgeType] | None, inferred: bool) -> frozenset[EdgeType]:
    """The cross-plan types a lineage walks: the given ones (default: every explicit type), plus
    ALIGNS_WITH when `inferred`."""
    base = frozenset(EdgeType(t) for t in types) if types is not None else EXPLICIT_LINK_TYPES
    base &= EXPLICIT_LINK_TYPES | INFERRED_LINK_TYPES
    return base | INFERRED_LINK_TYPES if inferred else base - INFERRED_LINK_TYPES


def walk_cross(
    node_id: str,
    chain: Sequence[Hop],
    neighbours: Neighbours,
    types: frozenset[EdgeType],
    max_hops: int,
    limit: int,
    chain_depth: int | None = None,
) -> tuple[list[Hop], set[str], bool]:
    """Cross-plan hops from the node and its chain (up to chain_depth ancestors), then from what
    they reach, up to max_hops cross-plan edges in a row. Returns (hops, reached ids, truncated)."""
    frontier: dict[str, int] = {node_id: 0}
    frontier.update({h.end: h.hops for h in chain if chain_depth is None or h.hops <= chain_depth})
    seen = set(frontier) | {h.end for h in chain}
    seen_edges: set[tuple[str, str, str]] = set()
    cross: list[Hop] = []
    truncated = False
    if not types:
        return cross, seen, False
    for level in range(1, max_hops + 2):
        if not frontier:
            break
        nb = neighbours(sorted(frontier), types)
        if level > max_hops:  # one level more than asked: is anything left unwalked?
            truncated = any(e.key not in seen_edges for es in nb.values() for e, _ in es)
            break
        nxt: dict[str, int] = {}
        for origin in sorted(frontier, key=lambda i: (frontier[i], i)):
            base = frontier[origin]
            for e, fwd in sorted(nb.get(origin, []), key=lambda x: (x[0].key, x[1])):
                if e.key in seen_edges:
                    continue
                if len(cross) >= limit:
                    return _ordered(cross), seen, True
                seen_edges.add(e.key)
                other = e.target if fwd else e.source
                cross.append(Hop(base + 1, level, origin, other, e, fwd))
                if other not in seen:
                    seen.add(other)
                    nxt[other] = base + 1
        frontier = nxt
    return _ordered(cross), seen, truncated


def _ordered(hops: list[Hop]) -> list[Hop]:
    return sorted(hops, key=lambda h: (h.hops, h.level, h.start, h.edge.key, h.forward))


def search_paths(
    a: str,
    b: str,
    neighbours: Neighbours,
    types: frozenset[EdgeType],
    max_len: int,
    limit: int,
    max_expand: int,
) -> ExplainedPaths:
    """Every shortest path from a to b (up to max_len edges, walked in either direction), at most
    `limit`, fewest inferred hops first: a bidirectional breadth-first search, one batched
    neighbour call per level, stopped by `max_expand` expanded nodes."""
    if a == b:
        return ExplainedPaths([ExplainedPath((a,), ())], 0, False)
    dist: tuple[dict[str, int], dict[str, int]] = ({a: 0}, {b: 0})
    # pred[side][node]: (edge, forward as walked from that side's start) reaching node one level closer.
    pred: tuple[dict[str, list[tuple[Edge, bool]]], dict[str, list[tuple[Edge, bool]]]] = ({a: []}, {b: []})
    frontier: tuple[list[str], list[str]] = ([a], [b])
    depth = [0, 0]
    expanded = 0
    exhausted = False
    meet: set[str] = set()
    while frontier[0] and frontier[1] and depth[0] + depth[1] < max_len:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        batch = frontier[side][: max(0, max_expand - expanded)]
        if len(batch) < len(frontier[side]):
            exhausted = True
        if not batch:
            break
        expanded += len(batch)
        nb = neighbours(batch, types)
        nxt: set[str] = set()
        for u in batch:
            for e, fwd in nb.get(u, []):
                v = e.target if fwd else e.source
                if v not in dist[side]:
                    dist[side][v] = depth[side] + 1
                    pred[side][v] = [(e, fwd)]
                    nxt.add(v)
                elif dist[side][v] == depth[side] + 1 and (e, fwd) not in pred[side][v]:
                    pred[side][v].append((e, fwd))
        depth[side] += 1
        frontier[side][:] = sorted(nxt)
        meet = set(dist[0]) & set(dist[1])
        if meet or exhausted:
            break
    if not meet:
        return ExplainedPaths([], expanded, exhausted)
    best = min(dist[0][m] + dist[1][m] for m in meet)
    if best > max_len:
        return ExplainedPaths([], expanded, exhausted)
    budget = limit * 8

    def back(side: int, node: str) -> list[list[Hop]]:
        """Hop sequences from the side's start to `node` (side 1: from `node` to b), hop counts unset."""
        if not pred[side][node]:
            return [[]]
        out: list[list[Hop]] = []
        for e, fwd in sorted(pred[side][node], key=lambda x: (x[0].key, x[1])):
            prev = e.source if fwd else e.target
            for rest in back(side, prev):
                if side == 0:
                    out.append([*rest, Hop(0, 0, prev, node, e, fwd)])
                else:
                    out.append([Hop(0, 0, node, prev, e, not fwd), *rest])
                if len(out) >= budget:
                    return out
        return out

    found: dict[tuple[tuple[str, str, str, bool], ...], ExplainedPath] = {}
    for m in sorted(x for x in meet if dist[0][x] + dist[1][x] == best):
        for left in back(0, m):
            for right in back(1, m):
                hops = tuple(Hop(i + 1, 0, h.start, h.end, h.edge, h.forward) for i, h in enumerate([*left, *right]))
                key = tuple((*h.edge.key, h.forward) for h in hops)
                if key not in found:
                    found[key] = ExplainedPath((a, *(h.end for h in hops)), hops)
    paths = sorted(found.values(), key=lambda p: (p.inferred, p.nodes, tuple(h.type.value for h in p.hops)))
    return ExplainedPaths(paths[:limit], expanded, exhausted)


class StoreUnavailable(PolicyGraphError, RuntimeError):
    """The backing database cannot be reached; the message says why, for the user."""


class StoreConflict(RuntimeError):
    """Another writer changed the same graph at the same moment and this write gave way; the
    message (one line) says so. Running the load again succeeds."""


class GraphStore(ABC):
    """Read/write access to one served graph. All reads see one complete generation."""

    name: str = "abstract"

    # --- writes -------------------------------------------------------------------------------
    @abstractmethod
    def replace(self, batch: GraphBatch) -> GenerationInfo:
        """Atomically replace the whole served graph with `batch`.

        Readers see the previous graph until the new one is complete; if writing fails, the previous
        graph stays served and the exception propagates.
        """

    @abstractmethod
    def pinned(self) -> GraphStore:
        """A read-only view of one generation: the one served when the view is made (embedded) or
        at its first read (a database, so a view that is never read costs no round trip). A request
        that reads several times (a GraphQL query, an export, an integrity run) reads through one
        view, so a reload that swaps the graph between two of its reads cannot mix two generations
        in one answer. The view's `generation()` is the pinned one; writing through it is an error.
        A database store keeps a replaced generation readable for a grace period (longer than a
        GraphQL request may run), then deletes it; a read that may last longer uses `reading()`.
        A view's `pinned()` is the view itself."""

    @contextmanager
    def reading(self) -> Iterator[GraphStore]:
        """A pinned view held for a read of any length (an export, an integrity run): a database
        store does not delete its generation while the block runs, and if another process deleted
        it meanwhile the block ends in StoreUnavailable rather than with a partial answer."""
        yield self.pinned()

    # --- reads --------------------------------------------------------------------------------
    @abstractmethod
    def generation(self) -> GenerationInfo | None:
        """The generation currently served, or None when nothing was ever loaded."""

    @abstractmethod
    def documents(self) -> list[DocumentMeta]: ...

    @abstractmethod
    def get_nodes(self, ids: Sequence[str]) -> list[Node | None]:
        """Nodes by id, aligned with `ids` (None where unknown). One round trip: DataLoaders use it."""

    def node(self, node_id: str) -> Node | None:
        return self.get_nodes([node_id])[0]

    @abstractmethod
    def nodes(
        self,
        kinds: Iterable[NodeKind] | None = None,
        document: str | None = None,
    ) -> list[Node]:
        """All nodes, optionally of the given kinds and/or from one document, in document order."""

    @abstractmethod
    def edges(
        self,
        source: str | None = None,
        target: str | None = None,
        types: Iterable[EdgeType] | None = None,
    ) -> list[Edge]:
        """Edges filtered by endpoint and type, ordered by (source, target, type)."""

    @abstractmethod
    def children(self, node_id: str) -> list[Node]:
        """Direct hierarchy children, in document order."""

    @abstractmethod
    def parent(self, node_id: str) -> Node | None:
        """Direct hierarchy parent (None for roots and unknown ids)."""

    def parents_many(self, node_ids: Sequence[str]) -> list[Node | None]:
        """`parent` for many nodes, aligned with `node_ids`. Stores override this with one round
        trip; the GraphQL parent DataLoader uses it."""
        return [self.parent(i) for i in node_ids]

    def children_many(self, node_ids: Sequence[str]) -> list[list[Node]]:
        """`children` for many nodes, aligned with `node_ids` (a database store: one round trip)."""
        return [self.children(i) for i in node_ids]

    def ancestors_many(self, node_ids: Sequence[str], max_depth: int | None = None) -> list[list[Ranked]]:
        """`ancestors` for many nodes, aligned with `node_ids`."""
        return [self.ancestors(i, max_depth) for i in node_ids]

    def descendants_many(self, node_ids: Sequence[str], max_depth: int | None = None) -> list[list[Ranked]]:
        """`descendants` for many nodes, aligned with `node_ids`."""
        return [self.descendants(i, max_depth) for i in node_ids]

    def edges_at(
        self, node_ids: Sequence[str], types: Iterable[EdgeType] | None = None
    ) -> list[list[tuple[Edge, bool]]]:
        """The edges at each node (of the given types), aligned with `node_ids`: outgoing ones first
        (walked forward: True), then incoming, each part ordered by (source, target, type)."""
        ts = list(types) if types is not None else None
        return [
            [(e, True) for e in self.edges(source=i, types=ts)] + [(e, False) for e in self.edges(target=i, types=ts)]
            for i in node_ids
        ]

    @abstractmethod
    def ancestors(self, node_id: str, max_depth: int | None = None) -> list[Ranked]:
        """Hierarchy ancestors, nearest first (depth 1 = parent), up to the root."""

    @abstractmethod
    def descendants(self, node_id: str, max_depth: int | None = None) -> list[Ranked]:
        """Hierarchy descendants, ordered by (depth, document order)."""

    @abstractmethod
    def responsibilities(self, agency_id: str, include_units: bool = False) -> list[Responsibility]:
        """What an agency leads and co-organises.

        Explicit: nodes it is assigned to. Inherited: hierarchy descendants whose nearest assigned
        node (themselves or an ancestor) is one of those, i.e. descendants that carry no assignment
        of their own. With include_units, its sub-units' responsibilities are included too.
        Ordered by (explicit first, document order of node, role)."""

    @abstractmethod
    def responsible_for(self, node_id: str) -> list[Responsibility]:
        """Who is responsible for a node: its own assignments, else those of its nearest assigned
        ancestor (inherited). Same rule as `responsibilities`. Ordered by (ROLE_RANK, agency id)."""

    def responsible_for_many(self, node_ids: Sequence[str]) -> list[list[Responsibility]]:
        """`responsible_for` for many nodes, aligned with `node_ids`. Stores override this with one
        round trip; DataLoaders and export use it."""
        return [self.responsible_for(i) for i in node_ids]

    @abstractmethod
    def cross_lineage(
        self,
        node_id: str,
        max_hops: int = 2,
        types: Iterable[EdgeType] | None = None,
        inferred: bool = True,
        chain_depth: int | None = None,
        limit: int = 200,
    ) -> CrossLineage | None:
        """A node's chain up to its plan (each CONTAINS hop with its evidence), then the cross-plan
        links (`types`, default every explicit type; plus ALIGNS_WITH when `inferred`) of the node
        and of its first `chain_depth` ancestors (all by default), walked in either direction, then
        onwards from what they reach, up to `max_hops` cross-plan edges in a row and `limit` hops.
        None for an unknown node."""

    @abstractmethod
    def explain_paths(
        self,
        a: str,
        b: str,
        max_len: int = 6,
        limit: int = 3,
        types: Iterable[EdgeType] | None = None,
        max_expand: int = 4000,
    ) -> ExplainedPaths:
        """Why are a and b connected: the shortest paths (at most `max_len` edges, at most `limit`
        paths) over hierarchy, responsibility, agency-unit, target and cross-plan edges (or only
        `types`), walked in either direction, each hop with its edge as evidence. Paths with fewer
        inferred (ALIGNS_WITH) hops come first, then by node ids. The search reads the edges of at
        most `max_expand` nodes (`exhausted` says it stopped there)."""

    @abstractmethod
    def stats(self) -> dict[str, dict[str, int]]:
        """{"by_kind": {kind: n}, "by_document": {doc: n}, "by_edge_type": {type: n}}."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections (no-op for in-memory stores)."""
