"""DataLoaders: every per-node lookup of one request is batched into one store call per kind of
lookup and per nesting level, so the cost of a request does not grow with the page size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from app.gql.integrity import LATEST, read_latest
from graph.model import DocumentMeta, Edge, EdgeType
from graph.model import Node as GraphNode
from graph.store import Ranked, Responsibility
from queries.integrity import Finding, IntegrityReport
from queries.lineage import plans_of

if TYPE_CHECKING:
    from app.gql.context import Ctx
    from app.gql.types import EdgeTypes


class Loaders:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.node: DataLoader[str, GraphNode | None] = DataLoader(load_fn=self._nodes)
        self.parent: DataLoader[str, GraphNode | None] = DataLoader(load_fn=self._parents)
        self.responsible: DataLoader[str, list[Responsibility]] = DataLoader(load_fn=self._responsible)
        self.plan: DataLoader[str, GraphNode | None] = DataLoader(load_fn=self._plans)
        self.children: DataLoader[str, list[GraphNode]] = DataLoader(load_fn=self._children)
        self.ancestors: DataLoader[str, list[Ranked]] = DataLoader(load_fn=self._ancestors)
        # Keyed by (id, max depth) and (id, edge types): one store call per distinct argument.
        self.descendants: DataLoader[tuple[str, int], list[Ranked]] = DataLoader(load_fn=self._descendants)
        self.edges_at: DataLoader[tuple[str, EdgeTypes], list[tuple[Edge, bool]]] = DataLoader(
            load_fn=self._edges_at
        )
        # Integrity: the latest report (one key), read once per request; findings per focus node from it.
        self.integrity: DataLoader[str, IntegrityReport | None] = DataLoader(load_fn=self._integrity)
        self.findings: DataLoader[str, list[Finding]] = DataLoader(load_fn=self._findings)

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

    async def _children(self, ids: Sequence[str]) -> list[list[GraphNode]]:
        return await self.ctx.call(self.ctx.store.children_many, list(ids))

    async def _ancestors(self, ids: Sequence[str]) -> list[list[Ranked]]:
        return await self.ctx.call(self.ctx.store.ancestors_many, list(ids))

    async def _descendants(self, keys: Sequence[tuple[str, int]]) -> list[list[Ranked]]:
        found: dict[tuple[str, int], list[Ranked]] = {}
        for depth in sorted({d for _, d in keys}):
            ids = [i for i, d in keys if d == depth]
            got = await self.ctx.call(self.ctx.store.descendants_many, ids, depth)
            found.update(zip(((i, depth) for i in ids), got, strict=True))
        return [found[k] for k in keys]

    async def _edges_at(self, keys: Sequence[tuple[str, EdgeTypes]]) -> list[list[tuple[Edge, bool]]]:
        found: dict[tuple[str, EdgeTypes], list[tuple[Edge, bool]]] = {}
        for types in sorted({t for _, t in keys}, key=lambda t: (t is not None, t or ())):
            ids = [i for i, t in keys if t == types]
            got = await self.ctx.call(self.ctx.store.edges_at, ids, types)
            found.update(zip(((i, types) for i in ids), got, strict=True))
        return [found[k] for k in keys]

    async def _plans(self, ids: Sequence[str]) -> list[GraphNode | None]:
        nodes = await self.node.load_many(list(ids))
        describes = await self.describes()
        return await self.ctx.call(plans_of, self.ctx.store, nodes, describes)

    async def _integrity(self, keys: Sequence[str]) -> list[IntegrityReport | None]:
        report = await self.ctx.run(read_latest, self.ctx.svc)
        return [report for _ in keys]

    async def _findings(self, ids: Sequence[str]) -> list[list[Finding]]:
        report = await self.integrity.load(LATEST)
        by_node: dict[str, list[Finding]] = {}
        for f in report.findings if report is not None else []:
            if f.focus_node is not None:
                by_node.setdefault(f.focus_node, []).append(f)
        return [by_node.get(i, []) for i in ids]

    # --- whole-graph lists ---------------------------------------------------------------------
    # Edge lists of one type are kept per generation: they grow with the corpus (on Neo4j at 100
    # plans reading DESCRIBES took 180 ms of a 190 ms cached agency report, at 1,000 plans ~1.3 s).
    async def _edges_of(self, edge_type: EdgeType) -> list[Edge]:
        store = self.ctx.store
        return await self.ctx.cached(f"edges\x00{edge_type.value}", lambda: store.edges(types=[edge_type]))

    async def describes(self) -> list[Edge]:
        return await self._edges_of(EdgeType.DESCRIBES)

    async def documents(self) -> dict[str, DocumentMeta]:
        docs = await self.ctx.memo("documents", self.ctx.store.documents)
        return {d.id: d for d in docs}

    async def target_edges(self) -> list[Edge]:
        return await self._edges_of(EdgeType.HAS_TARGET)

    async def unit_edges(self) -> list[Edge]:
        return await self._edges_of(EdgeType.HAS_UNIT)
