"""DataLoaders: every per-node lookup of one request is batched into one store call per kind of
lookup and per nesting level, so the cost of a request does not grow with the page size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from graph.model import DocumentMeta, Edge, EdgeType
from graph.model import Node as GraphNode
from graph.store import Responsibility
from queries.lineage import plans_of

if TYPE_CHECKING:
    from app.gql.context import Ctx


class Loaders:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.node: DataLoader[str, GraphNode | None] = DataLoader(load_fn=self._nodes)
        self.parent: DataLoader[str, GraphNode | None] = DataLoader(load_fn=self._parents)
        self.responsible: DataLoader[str, list[Responsibility]] = DataLoader(load_fn=self._responsible)
        self.plan: DataLoader[str, GraphNode | None] = DataLoader(load_fn=self._plans)

    def known(self, n: GraphNode) -> GraphNode:
        """Record a node the request already holds (from a list), so later lookups of it are free."""
        self.node.prime(n.id, n)
        return n

    async def _nodes(self, ids: Sequence[str]) -> list[GraphNode | None]:
        return await self.ctx.call(self.ctx.store.get_nodes, list(ids))

    async def _parents(self, ids: Sequence[str]) -> list[GraphNode | None]:
        # Not primed into the node loader: whether a later lookup of the same node would then be free
        # would depend on which batch finished first, and a request's cost must not depend on timing.
        return await self.ctx.call(self.ctx.store.parents_many, list(ids))

    async def _responsible(self, ids: Sequence[str]) -> list[list[Responsibility]]:
        return await self.ctx.call(self.ctx.store.responsible_for_many, list(ids))

    async def _plans(self, ids: Sequence[str]) -> list[GraphNode | None]:
        nodes = await self.node.load_many(list(ids))
        describes = await self.describes()
        return await self.ctx.call(plans_of, self.ctx.store, nodes, describes)

    # --- small whole-graph lists, read once per request ----------------------------------------
    async def describes(self) -> list[Edge]:
        return await self.ctx.memo("describes", self.ctx.store.edges, types=[EdgeType.DESCRIBES])

    async def documents(self) -> dict[str, DocumentMeta]:
        docs = await self.ctx.memo("documents", self.ctx.store.documents)
        return {d.id: d for d in docs}

    async def target_edges(self) -> list[Edge]:
        return await self.ctx.memo("has_target", self.ctx.store.edges, types=[EdgeType.HAS_TARGET])

    async def unit_edges(self) -> list[Edge]:
        return await self.ctx.memo("has_unit", self.ctx.store.edges, types=[EdgeType.HAS_UNIT])
