"""The reads of the GraphStore interface on Neo4j. Each runs in one transaction: a single statement
reads the served slot in the same query (or the pinned one), a read of several statements reads the
slot once first (`_slot_of`), so a reader sees one generation, never a mix.

Orderings are applied here, in Python, with the same keys as the embedded store: string ordering in
Cypher differs between servers, and the exports of both stores must be byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from neo4j import ManagedTransaction

from core.hierarchy import document_order as doc_order
from graph.model import DocumentMeta, Edge, EdgeType, Node, NodeKind
from graph.neo4j_store.cypher import (
    Q_ANCESTORS,
    Q_CHAIN,
    Q_CHILDREN,
    Q_DESCENDANTS,
    Q_DOCUMENTS,
    Q_EDGES_IN_AT,
    Q_EDGES_OUT_AT,
    Q_GENERATION,
    Q_GET_NODES,
    Q_NEIGHBOURS_IN,
    Q_NEIGHBOURS_OUT,
    Q_NODES_IN_SLOT,
    Q_PARENT,
    Q_PARENT_EDGES,
    Q_PARENTS,
    Q_RESPONSIBILITIES,
    Q_RESPONSIBILITIES_UNITS,
    Q_RESPONSIBLE_FOR,
    Q_STATS_EDGES,
    Q_STATS_NODES,
    q_edges,
    q_nodes,
)
from graph.neo4j_store.lifecycle import SlotStore
from graph.neo4j_store.rows import Row, ranked_ancestors, ranked_descendants, to_edge, to_node
from graph.store import (
    EXPLAIN_PATH_TYPES,
    ROLE_OF,
    ROLE_RANK,
    CrossLineage,
    ExplainedPaths,
    GenerationInfo,
    Hop,
    Ranked,
    Responsibility,
    link_types,
    search_paths,
    walk_cross,
)


class Neo4jStore(SlotStore):
    name = "neo4j"

    def generation(self) -> GenerationInfo | None:
        if (pin := self._pinned_to()) is not None:
            return pin[1]
        # Health checks call this: fail fast rather than retrying for long.
        rows = self._rows(Q_GENERATION, retry=min(2.0, self.retry_seconds))
        if not rows:
            return None
        r = rows[0]
        return GenerationInfo(r["generation"], r["loaded_at"], r["nodes"], r["edges"])

    def documents(self) -> list[DocumentMeta]:
        rows = sorted(self._rows(Q_DOCUMENTS), key=lambda r: r["pos"])
        return [DocumentMeta.model_validate_json(r["meta"]) for r in rows]

    def get_nodes(self, ids: Sequence[str]) -> list[Node | None]:
        if not ids:
            return []
        found = {n.id: n for n in (to_node(r["n"]) for r in self._rows(Q_GET_NODES, ids=list(dict.fromkeys(ids))))}
        return [found.get(i) for i in ids]

    def nodes(self, kinds: Iterable[NodeKind] | None = None, document: str | None = None) -> list[Node]:
        params: dict[str, Any] = {}
        if kinds is not None:
            params["kinds"] = [NodeKind(k).value for k in kinds]
        if document is not None:
            params["document"] = document
        rows = self._rows(q_nodes(kinds is not None, document is not None), **params)
        return sorted((to_node(r["n"]) for r in rows), key=doc_order)

    def edges(
        self,
        source: str | None = None,
        target: str | None = None,
        types: Iterable[EdgeType] | None = None,
    ) -> list[Edge]:
        params: dict[str, Any] = {}
        if source is not None:
            params["source"] = source
        if target is not None:
            params["target"] = target
        wanted = None
        if types is not None:
            wanted = sorted({EdgeType(t).value for t in types})
            if not wanted:
                return []
        rows = self._rows(q_edges(source is not None, target is not None, wanted), **params)
        return sorted((to_edge(r["s"], r["t"], r["type"], r["p"]) for r in rows), key=lambda e: e.key)

    def _by_id(self, query: str, node_ids: Sequence[str], **params: Any) -> dict[str, list[Row]]:
        """One statement over a batch of ids (`nid` in each row), rows grouped by id."""
        grouped: dict[str, list[Row]] = {}
        if node_ids:
            for r in self._rows(query, ids=list(dict.fromkeys(node_ids)), **params):
                grouped.setdefault(r["nid"], []).append(r)
        return grouped

    def children(self, node_id: str) -> list[Node]:
        return self.children_many([node_id])[0]

    def children_many(self, node_ids: Sequence[str]) -> list[list[Node]]:
        found = self._by_id(Q_CHILDREN, node_ids)
        return [sorted((to_node(r["n"]) for r in found.get(i, [])), key=doc_order) for i in node_ids]

    def parent(self, node_id: str) -> Node | None:
        found = sorted((to_node(r["n"]) for r in self._rows(Q_PARENT, id=node_id)), key=doc_order)
        return found[0] if found else None

    def parents_many(self, node_ids: Sequence[str]) -> list[Node | None]:
        found = self._by_id(Q_PARENTS, node_ids)
        return [min((to_node(r["n"]) for r in found[i]), key=doc_order) if i in found else None for i in node_ids]

    def ancestors(self, node_id: str, max_depth: int | None = None) -> list[Ranked]:
        return self.ancestors_many([node_id], max_depth)[0]

    def ancestors_many(self, node_ids: Sequence[str], max_depth: int | None = None) -> list[list[Ranked]]:
        found = self._by_id(Q_ANCESTORS, node_ids, max=max_depth)
        return [ranked_ancestors(i, found.get(i, [])) for i in node_ids]

    def descendants(self, node_id: str, max_depth: int | None = None) -> list[Ranked]:
        return self.descendants_many([node_id], max_depth)[0]

    def descendants_many(self, node_ids: Sequence[str], max_depth: int | None = None) -> list[list[Ranked]]:
        found = self._by_id(Q_DESCENDANTS, node_ids, max=max_depth)
        return [ranked_descendants(i, found.get(i, [])) for i in node_ids]

    def edges_at(
        self, node_ids: Sequence[str], types: Iterable[EdgeType] | None = None
    ) -> list[list[tuple[Edge, bool]]]:
        if not node_ids:
            return []
        params: dict[str, Any] = {
            "ids": list(dict.fromkeys(node_ids)),
            "types": [EdgeType(t).value for t in types] if types is not None else None,
        }

        def work(tx: ManagedTransaction) -> tuple[list[Row], list[Row]]:
            slot = self._slot_of(tx)
            if slot is None:
                return [], []
            p = {**params, "slot": slot}
            return [dict(r) for r in tx.run(Q_EDGES_OUT_AT, p)], [dict(r) for r in tx.run(Q_EDGES_IN_AT, p)]

        out_rows, in_rows = self._read(work)
        out: dict[str, list[Edge]] = {}
        inc: dict[str, list[Edge]] = {}
        for r in out_rows:
            out.setdefault(r["nid"], []).append(to_edge(r["nid"], r["other"], r["type"], r["p"]))
        for r in in_rows:
            inc.setdefault(r["nid"], []).append(to_edge(r["other"], r["nid"], r["type"], r["p"]))

        def key(e: Edge) -> tuple[str, str, str]:
            return e.key

        return [
            [(e, True) for e in sorted(out.get(i, []), key=key)] + [(e, False) for e in sorted(inc.get(i, []), key=key)]
            for i in node_ids
        ]

    def responsibilities(self, agency_id: str, include_units: bool = False) -> list[Responsibility]:
        query = Q_RESPONSIBILITIES_UNITS if include_units else Q_RESPONSIBILITIES
        explicit: list[Responsibility] = []
        inherited: list[Responsibility] = []
        for r in self._rows(query, id=agency_id):
            agency = to_node(r["ag"])
            target = to_node(r["t"])
            t = EdgeType(r["type"])
            e = to_edge(agency.id, target.id, t.value, r["r"])
            explicit.append(Responsibility(agency, target, ROLE_OF[t], True, target.id, e))
            seen: set[str] = set()
            for c in r["inherited"]:
                node = to_node(c)
                if node.id in seen or node.id == target.id:
                    continue
                seen.add(node.id)
                inherited.append(Responsibility(agency, node, ROLE_OF[t], False, target.id, e))

        def key(x: Responsibility) -> tuple[str, int, str, str, str]:
            return (*doc_order(x.node), x.role.value, x.agency.id)

        return sorted(explicit, key=key) + sorted(inherited, key=key)

    def responsible_for(self, node_id: str) -> list[Responsibility]:
        return self.responsible_for_many([node_id])[0]

    def responsible_for_many(self, node_ids: Sequence[str]) -> list[list[Responsibility]]:
        if not node_ids:
            return []
        # Agencies and assignment edges repeat across rows: build each once per call.
        agencies: dict[str, Node] = {}
        edges: dict[tuple[str, str, str], Edge] = {}
        by_id: dict[str, list[Responsibility]] = {}
        for row in self._rows(Q_RESPONSIBLE_FOR, ids=list(dict.fromkeys(node_ids))):
            node = to_node(row["n"])
            nearest = min(x["d"] for x in row["rs"])
            out = []
            for x in row["rs"]:
                if x["d"] != nearest:
                    continue
                agency = agencies.get(x["ag"]["id"]) or agencies.setdefault(x["ag"]["id"], to_node(x["ag"]))
                key = (agency.id, x["via"], x["type"])
                e = edges.get(key) or edges.setdefault(key, to_edge(*key, x["r"]))
                out.append(Responsibility(agency, node, ROLE_OF[e.type], x["d"] == 0, x["via"], e))
            by_id[row["nid"]] = sorted(out, key=lambda r: (ROLE_RANK[r.role], r.agency.id))
        return [list(by_id.get(i, [])) for i in node_ids]

    # --- cross-plan lineage and explained paths -----------------------------------------------------
    @staticmethod
    def _neighbours(
        tx: ManagedTransaction, slot: str, nodes: dict[str, Node]
    ) -> Callable[[Sequence[str], frozenset[EdgeType]], dict[str, list[tuple[Edge, bool]]]]:
        """The batched primitive of the shared walks (graph.store), over one transaction; every node
        reached is remembered in `nodes`."""

        def neighbours(ids: Sequence[str], types: frozenset[EdgeType]) -> dict[str, list[tuple[Edge, bool]]]:
            params = {"slot": slot, "ids": list(ids), "types": sorted(t.value for t in types)}
            out: dict[str, list[tuple[Edge, bool]]] = {i: [] for i in ids}
            for query, fwd in ((Q_NEIGHBOURS_OUT, True), (Q_NEIGHBOURS_IN, False)):
                for r in tx.run(query, params).data():
                    src, dst = (r["nid"], r["other"]) if fwd else (r["other"], r["nid"])
                    out[r["nid"]].append((to_edge(src, dst, r["type"], r["r"]), fwd))
                    if r["other"] not in nodes:
                        nodes[r["other"]] = to_node(r["o"])
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
        wanted = link_types(types, inferred)

        def work(tx: ManagedTransaction) -> CrossLineage | None:
            slot = self._slot_of(tx)
            if slot is None:
                return None
            found = tx.run(Q_NODES_IN_SLOT, {"slot": slot, "ids": [node_id]}).data()
            if not found:
                return None
            node = to_node(found[0]["n"])
            nodes: dict[str, Node] = {node.id: node}
            ancestors: list[Node] = []
            for r in sorted(tx.run(Q_CHAIN, {"slot": slot, "id": node_id}).data(), key=lambda r: r["depth"]):
                n = to_node(r["n"])
                if n.id in nodes:  # a cycle: stop where the walk comes back, as ancestors() does
                    break
                nodes[n.id] = n
                ancestors.append(n)
            children = [node_id, *(a.id for a in ancestors)][: len(ancestors)]
            parent_edges: dict[tuple[str, str], Edge] = {}
            for r in tx.run(Q_PARENT_EDGES, {"slot": slot, "ids": children}).data():
                parent_edges[(r["cid"], r["pid"])] = to_edge(r["pid"], r["cid"], EdgeType.CONTAINS.value, r["r"])
            chain = [
                Hop(depth, 0, child, parent.id, parent_edges[(child, parent.id)], False)
                for depth, (child, parent) in enumerate(zip(children, ancestors, strict=True), 1)
                if (child, parent.id) in parent_edges
            ]
            cross, reached, truncated = walk_cross(
                node_id, chain, self._neighbours(tx, slot, nodes), wanted, max_hops, limit, chain_depth
            )
            reached |= {h.end for h in cross}
            return CrossLineage(node, chain, cross, {i: nodes[i] for i in sorted(reached) if i in nodes}, truncated)

        return self._read(work)

    def explain_paths(
        self,
        a: str,
        b: str,
        max_len: int = 6,
        limit: int = 3,
        types: Iterable[EdgeType] | None = None,
        max_expand: int = 4000,
    ) -> ExplainedPaths:
        ts = frozenset(EdgeType(t) for t in types) if types is not None else EXPLAIN_PATH_TYPES

        def work(tx: ManagedTransaction) -> ExplainedPaths:
            slot = self._slot_of(tx)
            if slot is None:
                return ExplainedPaths([], 0, False)
            found = {r["n"]["id"] for r in tx.run(Q_NODES_IN_SLOT, {"slot": slot, "ids": [a, b]}).data()}
            if a not in found or b not in found:
                return ExplainedPaths([], 0, False)
            return search_paths(a, b, self._neighbours(tx, slot, {}), ts, max_len, limit, max_expand)

        return self._read(work)

    def stats(self) -> dict[str, dict[str, int]]:
        def work(tx: ManagedTransaction) -> tuple[list[Row], list[Row]]:
            slot = self._slot_of(tx)
            if slot is None:
                return [], []
            p = {"slot": slot}
            return [dict(r) for r in tx.run(Q_STATS_NODES, p)], [dict(r) for r in tx.run(Q_STATS_EDGES, p)]

        node_rows, edge_rows = self._read(work)
        by_kind: dict[str, int] = {}
        by_doc: dict[str, int] = {}
        for r in node_rows:
            by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + r["c"]
            by_doc[r["document"]] = by_doc.get(r["document"], 0) + r["c"]
        by_type = {r["type"]: r["c"] for r in edge_rows}
        return {
            "by_kind": dict(sorted(by_kind.items())),
            "by_document": dict(sorted(by_doc.items())),
            "by_edge_type": dict(sorted(by_type.items())),
        }
