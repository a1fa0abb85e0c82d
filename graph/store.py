"""The store interface: one name and one meaning for every query, in every store.

The embedded store (networkx) and the Neo4j store both implement GraphStore; one conformance suite
(tests/test_store_conformance.py) runs against both.

Ordering contract: every list of nodes is in document order, i.e. sorted by (document, order, id),
unless a method says otherwise (ancestors: nearest first).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from graph.model import DocumentMeta, Edge, EdgeType, GraphBatch, Node, NodeKind


class Role(StrEnum):
    LEAD = "lead"
    CO = "co"


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


class StoreUnavailable(RuntimeError):
    """The backing database cannot be reached; the message says why, for the user."""


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
        ancestor (inherited). Same rule as `responsibilities`. Ordered by (lead first, agency id)."""

    def responsible_for_many(self, node_ids: Sequence[str]) -> list[list[Responsibility]]:
        """`responsible_for` for many nodes, aligned with `node_ids`. Stores override this with one
        round trip; DataLoaders and export use it."""
        return [self.responsible_for(i) for i in node_ids]

    @abstractmethod
    def stats(self) -> dict[str, dict[str, int]]:
        """{"by_kind": {kind: n}, "by_document": {doc: n}, "by_edge_type": {type: n}}."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections (no-op for in-memory stores)."""
