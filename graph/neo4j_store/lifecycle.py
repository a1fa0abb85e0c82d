"""Neo4j store: the served graph in Neo4j (or any Bolt server speaking Neo4j 5 Cypher), official driver.

Layout in the database:
- `(:GNode {g, id, kind, title, document, order, line_start, line_end, quote, note, number, attrs,
  assigned})`: one per graph node; `attrs` is a JSON string; `assigned` says whether the node has
  a LEADS/CO_ORGANIZES/RESPONSIBLE_FOR assignment of its own (precomputed: inheritance stops at assigned nodes).
- relationships between GNodes, typed by EdgeType, with the provenance and `attrs` (JSON).
- `(:GDoc {g, id, pos, meta})`: the documents of the load, `meta` is the DocumentMeta as JSON.
- `(:GMeta {key, slot, generation, loaded_at, nodes, edges})`: which slot is served for the graph
  named `key` ("main" unless the store is given another name: several graphs can share a database).
- `(:GRetired {key, slot, until})`: a slot replaced by a newer one, kept until `until` (epoch
  seconds) for readers still pinned to it.
- `(:GLoading {key, slot, until})`: a slot being written by a load, leased until `until` (renewed
  while the load writes), so another process loading into the same database does not take it for
  the remains of a dead load.

Atomic reloads: every load writes its nodes under a fresh `g` (the slot) next to the served graph, in
UNWIND batches, then one transaction checks the new slot is complete and moves the pointer. Every
read matches the pointer first, in the same query, so a reader sees the old graph or the new one,
never a mix; a pinned view (`pinned()`) reads the pointer once and then reads that slot only, so a
request of many reads sees one generation throughout. The old slot is retired: deleted in the
background after a grace period longer than a request may run (readers pinned to it finish first),
or by the next load once the grace period is over. A load that fails leaves the pointer alone and
its partial slot is deleted then, or at the next load if the database went away.

Orderings are applied here, in Python, with the same keys as the embedded store: string ordering in
Cypher differs between servers, and the exports of both stores must be byte-identical.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    ConstraintError,
    DatabaseUnavailable,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from core.hierarchy import document_order as doc_order
from graph.cypher_dialect import Dialect, detect
from graph.ids import generation_id
from graph.model import (
    RESPONSIBILITY_TYPES,
    DocumentMeta,
    Edge,
    EdgeType,
    GraphBatch,
    Node,
    NodeKind,
    Provenance,
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
    StoreConflict,
    StoreUnavailable,
    link_types,
    search_paths,
    walk_cross,
)

log = logging.getLogger(__name__)
# The driver logs each retry as a warning; without a handler Python would print those to stderr
# (under the CLI's one-line errors). Applications that configure logging still receive them.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

T = TypeVar("T")
Row = dict[str, Any]


SCHEMA: list[str] = [
    "CREATE CONSTRAINT pg_meta_key IF NOT EXISTS FOR (m:GMeta) REQUIRE m.key IS UNIQUE",
    "CREATE CONSTRAINT pg_node_key IF NOT EXISTS FOR (n:GNode) REQUIRE (n.g, n.id) IS UNIQUE",
    "CREATE INDEX pg_node_g IF NOT EXISTS FOR (n:GNode) ON (n.g)",
    "CREATE INDEX pg_node_kind IF NOT EXISTS FOR (n:GNode) ON (n.g, n.kind)",
    "CREATE INDEX pg_node_document IF NOT EXISTS FOR (n:GNode) ON (n.g, n.document)",
    "CREATE INDEX pg_doc_g IF NOT EXISTS FOR (d:GDoc) ON (d.g)",
]

# Patterns are written from the node the query already holds: ArcadeDB's planner expands a
# variable-length pattern from its left end (1000x slower the other way round); Neo4j does not care.
# Every read starts here: the served slot, read in the same query as the data.
_CUR = "MATCH (m:GMeta {key: $pointer}) WITH m.slot AS s "
# ... or, in a pinned view, the slot it was pinned to.
_PIN = "WITH $slot AS s "

Q_GENERATION = (
    "MATCH (m:GMeta {key: $pointer}) RETURN m.generation AS generation, m.loaded_at AS loaded_at, "
    "m.nodes AS nodes, m.edges AS edges, m.slot AS slot"
)
Q_DOCUMENTS = _CUR + "MATCH (d:GDoc {g: s}) RETURN d.pos AS pos, d.meta AS meta"
Q_GET_NODES = _CUR + "UNWIND $ids AS nid MATCH (n:GNode {g: s, id: nid}) RETURN properties(n) AS n"
Q_CHILDREN = (
    _CUR + "UNWIND $ids AS nid MATCH (:GNode {g: s, id: nid})-[:CONTAINS]->(c:GNode) RETURN nid, properties(c) AS n"
)
Q_PARENT = _CUR + "MATCH (:GNode {g: s, id: $id})<-[:CONTAINS]-(p:GNode) RETURN properties(p) AS n"
Q_PARENTS = (
    _CUR + "UNWIND $ids AS nid MATCH (:GNode {g: s, id: nid})<-[:CONTAINS]-(p:GNode) RETURN nid, properties(p) AS n"
)
Q_ANCESTORS = (
    _CUR + "UNWIND $ids AS nid MATCH path = (:GNode {g: s, id: nid})<-[:CONTAINS*1..]-(a:GNode) "
    "WHERE $max IS NULL OR length(path) <= $max "
    "OPTIONAL MATCH (a)<-[:CONTAINS]-(pp:GNode) "
    "RETURN nid, properties(a) AS n, length(path) AS depth, pp.id AS parent"
)
Q_DESCENDANTS = (
    _CUR + "UNWIND $ids AS nid MATCH path = (:GNode {g: s, id: nid})-[:CONTAINS*1..]->(c:GNode) "
    "WHERE $max IS NULL OR length(path) <= $max "
    "RETURN nid, properties(c) AS n, length(path) AS depth, nodes(path)[-2].id AS parent"
)
# The edges at a batch of nodes, both directions in one transaction (the slot read once).
Q_EDGES_OUT_AT = (
    "UNWIND $ids AS nid MATCH (:GNode {g: $slot, id: nid})-[r]->(o:GNode) WHERE $types IS NULL OR type(r) IN $types "
    "RETURN nid, o.id AS other, type(r) AS type, properties(r) AS p"
)
Q_EDGES_IN_AT = (
    "UNWIND $ids AS nid MATCH (:GNode {g: $slot, id: nid})<-[r]-(o:GNode) WHERE $types IS NULL OR type(r) IN $types "
    "RETURN nid, o.id AS other, type(r) AS type, properties(r) AS p"
)
# The responsibility relationship types, from the enum (types cannot be parameters). The two
# statements below are the inheritance rule of core/responsibility.py in Cypher: an assignment flows
# down CONTAINS and stops at nodes `assigned` on their own; a node's nearest assigned ancestor-or-self.
_RESP = "|".join(sorted(t.value for t in RESPONSIBILITY_TYPES))
_RESP_TAIL = (
    f"MATCH (ag)-[r:{_RESP}]->(t:GNode) "
    "OPTIONAL MATCH path = (t)-[:CONTAINS*1..]->(c:GNode) WHERE none(x IN tail(nodes(path)) WHERE x.assigned) "
    "RETURN properties(ag) AS ag, type(r) AS type, properties(r) AS r, properties(t) AS t, "
    "collect(properties(c)) AS inherited"
)
Q_RESPONSIBILITIES = _CUR + "MATCH (ag:GNode {g: s, id: $id}) " + _RESP_TAIL
Q_RESPONSIBILITIES_UNITS = (
    _CUR + "MATCH (:GNode {g: s, id: $id})-[:HAS_UNIT*0..]->(u:GNode) WITH DISTINCT u AS ag " + _RESP_TAIL
)
# Every assigned ancestor-or-self with its distance: the nearest one is picked in Python.
Q_RESPONSIBLE_FOR = (
    _CUR + "UNWIND $ids AS nid MATCH (n:GNode {g: s, id: nid}) "
    "MATCH path = (n)<-[:CONTAINS*0..]-(a:GNode) WHERE a.assigned "
    f"MATCH (a)<-[r:{_RESP}]-(ag:GNode) "
    "RETURN nid, properties(n) AS n, collect({d: length(path), via: a.id, ag: properties(ag), "
    "type: type(r), r: properties(r)}) AS rs"
)
Q_SLOT = "MATCH (m:GMeta {key: $pointer}) RETURN m.slot AS s"
# Reads of several statements take the slot as a parameter: each statement reads committed data
# anew, so reading the pointer in each could mix two generations.
Q_STATS_NODES = "MATCH (n:GNode {g: $slot}) RETURN n.kind AS kind, n.document AS document, count(*) AS c"
Q_STATS_EDGES = "MATCH (:GNode {g: $slot})-[r]->() RETURN type(r) AS type, count(*) AS c"
# Cross-plan lineage and explained paths: one transaction, the slot read once, then one statement
# per level of the walk (edges of the given types at a batch of nodes, in each direction).
Q_NODES_IN_SLOT = "UNWIND $ids AS nid MATCH (n:GNode {g: $slot, id: nid}) RETURN properties(n) AS n"
Q_CHAIN = (
    "MATCH path = (:GNode {g: $slot, id: $id})<-[:CONTAINS*1..]-(a:GNode) "
    "RETURN properties(a) AS n, length(path) AS depth"
)
Q_PARENT_EDGES = (
    "UNWIND $ids AS cid MATCH (:GNode {g: $slot, id: cid})<-[r:CONTAINS]-(p:GNode) "
    "RETURN cid, p.id AS pid, properties(r) AS r"
)
Q_NEIGHBOURS_OUT = (
    "UNWIND $ids AS nid MATCH (:GNode {g: $slot, id: nid})-[r]->(o:GNode) WHERE type(r) IN $types "
    "RETURN nid, o.id AS other, type(r) AS type, properties(r) AS r, properties(o) AS o"
)
Q_NEIGHBOURS_IN = (
    "UNWIND $ids AS nid MATCH (:GNode {g: $slot, id: nid})<-[r]-(o:GNode) WHERE type(r) IN $types "
    "RETURN nid, o.id AS other, type(r) AS type, properties(r) AS r, properties(o) AS o"
)

Q_CREATE_NODES = "UNWIND $rows AS row CREATE (n:GNode) SET n = row RETURN count(n) AS c"
Q_CREATE_DOCS = "UNWIND $rows AS row CREATE (d:GDoc) SET d = row RETURN count(d) AS c"
# Relationship types cannot be parameters: one statement per EdgeType, built from the enum only.
Q_CREATE_EDGES = {
    t: (
        "UNWIND $rows AS row MATCH (a:GNode {g: $slot, id: row.s}) MATCH (b:GNode {g: $slot, id: row.t}) "
        f"CREATE (a)-[r:{t.value}]->(b) SET r = row.p RETURN count(r) AS c"
    )
    for t in EdgeType
}
Q_COUNT_SLOT = (
    "OPTIONAL MATCH (n:GNode {g: $slot}) WITH count(n) AS nodes "
    "OPTIONAL MATCH (:GNode {g: $slot})-[r]->() WITH nodes, count(r) AS edges "
    "OPTIONAL MATCH (d:GDoc {g: $slot}) RETURN nodes, edges, count(d) AS docs"
)
Q_SWAP = (
    "MERGE (m:GMeta {key: $pointer}) WITH m, m.slot AS old "
    "SET m.slot = $slot, m.generation = $generation, m.loaded_at = $loaded_at, m.nodes = $nodes, m.edges = $edges "
    "RETURN old"
)
Q_RETIRE = "CREATE (:GRetired {key: $pointer, slot: $slot, until: $until})"
Q_LEASE = "MERGE (l:GLoading {slot: $slot}) SET l.key = $pointer, l.until = $until"
Q_END_LEASE = "MATCH (l:GLoading {slot: $slot}) DELETE l"
Q_FORGET_RETIRED = "MATCH (r:GRetired {slot: $slot}) DELETE r"
Q_EXTEND_RETIRED = "MATCH (r:GRetired {slot: $slot}) SET r.until = $until"
# Whether a slot is still readable: served, or retired and within its grace period.
Q_SLOT_LIVE = (
    "OPTIONAL MATCH (r:GRetired {slot: $slot}) WITH max(r.until) AS until "
    "OPTIONAL MATCH (m:GMeta {key: $pointer}) RETURN m.slot AS served, until"
)
# Slots no graph serves and no reader may still hold: left by loads that died half-way, or retired
# longer ago than their grace period (of any graph sharing the database).
_LIVE = (
    "OPTIONAL MATCH (m:GMeta) WITH collect(m.slot) AS served "
    "OPTIONAL MATCH (r:GRetired) WHERE r.until > $now WITH served, collect(r.slot) AS retired "
    "OPTIONAL MATCH (l:GLoading) WHERE l.until > $now WITH served, retired, collect(l.slot) AS loading "
    "WITH served + retired + loading AS live "
)
Q_STALE_SLOTS = (
    _LIVE + "MATCH (n:GNode) WHERE NOT n.g IN live RETURN DISTINCT n.g AS g "
    "UNION " + _LIVE + "MATCH (d:GDoc) WHERE NOT d.g IN live RETURN DISTINCT d.g AS g"
)
Q_EXPIRED_RETIRED = "MATCH (r:GRetired) WHERE r.until <= $now DELETE r"
Q_EXPIRED_LEASES = "MATCH (l:GLoading) WHERE l.until <= $now DELETE l"
Q_DROP_POINTER = "MATCH (m:GMeta {key: $pointer}) WITH m, m.slot AS old DELETE m RETURN old"
Q_DROP_RETIRED = "MATCH (r:GRetired {key: $pointer}) WITH r, r.slot AS slot DELETE r RETURN slot"
Q_DELETE_NODES = "MATCH (n:GNode {g: $slot}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS c"
Q_DELETE_DOCS = "MATCH (d:GDoc {g: $slot}) WITH d LIMIT $limit DELETE d RETURN count(*) AS c"


# Attempts at the swap transaction when a concurrent load's swap collides with it (see _swap).
SWAP_ATTEMPTS = 3


# --- conversions ----------------------------------------------------------------------------------
def _node_props(n: Node, slot: str, assigned: bool) -> Row:
    attrs = n.model_dump(mode="json")["attrs"]
    return {
        "g": slot,
        "id": n.id,
        "kind": n.kind.value,
        "title": n.title,
        "document": n.provenance.document,
        "line_start": n.provenance.line_start,
        "line_end": n.provenance.line_end,
        "quote": n.provenance.quote,
        "note": n.provenance.note,
        "number": n.number,
        "order": n.order,
        "attrs": json.dumps(attrs, ensure_ascii=False),
        "assigned": assigned,
    }


def _edge_props(e: Edge) -> Row:
    return {
        "document": e.provenance.document,
        "line_start": e.provenance.line_start,
        "line_end": e.provenance.line_end,
        "quote": e.provenance.quote,
        "note": e.provenance.note,
        "attrs": json.dumps(e.model_dump(mode="json")["attrs"], ensure_ascii=False),
    }


def _prov(p: Row) -> Provenance:
    return Provenance(
        document=p["document"],
        line_start=p["line_start"],
        line_end=p["line_end"],
        quote=p["quote"],
        note=p.get("note"),
    )


def _node(p: Row) -> Node:
    return Node(
        id=p["id"],
        kind=NodeKind(p["kind"]),
        title=p["title"],
        provenance=_prov(p),
        number=p.get("number"),
        order=p["order"],
        attrs=json.loads(p.get("attrs") or "{}"),
    )


def _edge(source: str, target: str, type_: str, p: Row) -> Edge:
    return Edge(
        source=source,
        target=target,
        type=EdgeType(type_),
        provenance=_prov(p),
        attrs=json.loads(p.get("attrs") or "{}"),
    )


def _role(t: EdgeType) -> Role:
    return ROLE_OF[t]


def _ancestors(node_id: str, rows: list[Row]) -> list[Ranked]:
    out: list[Ranked] = []
    seen = {node_id}
    for r in sorted(rows, key=lambda r: r["depth"]):
        n = _node(r["n"])
        if n.id in seen:  # a cycle: stop where the walk comes back, as the embedded store does
            break
        seen.add(n.id)
        out.append(Ranked(n, r["depth"], r["parent"]))
    return out


def _descendants(node_id: str, rows: list[Row]) -> list[Ranked]:
    best: dict[str, Ranked] = {}
    for r in rows:
        n = _node(r["n"])
        if n.id == node_id:
            continue
        if n.id not in best or r["depth"] < best[n.id].depth:
            best[n.id] = Ranked(n, r["depth"], r["parent"])
    return sorted(best.values(), key=lambda x: (x.depth, *doc_order(x.node)))


def validate(batch: GraphBatch) -> None:
    """The same rules as the embedded store, checked before anything is written."""
    ids: set[str] = set()
    for n in batch.nodes:
        if n.id in ids:
            raise ValueError(f"duplicate node id {n.id!r}")
        ids.add(n.id)
    keys: set[tuple[str, str, str]] = set()
    has_parent: set[str] = set()
    for e in batch.edges:
        for end in (e.source, e.target):
            if end not in ids:
                raise ValueError(f"edge {e.type} {e.source} -> {e.target}: unknown node {end!r}")
        if e.key in keys:
            # A relationship database would store it twice; the interface has one edge per key.
            raise ValueError(f"duplicate edge {e.type} {e.source} -> {e.target}")
        keys.add(e.key)
        if e.type is EdgeType.CONTAINS:
            if e.target in has_parent:
                raise ValueError(f"node {e.target!r} has two parents")
            has_parent.add(e.target)


_SOCKET_REASON = re.compile(r"\(reason (?:\[Errno -?\d+\] )?([^)]+)\)")


def _reason(exc: BaseException) -> str:
    """One line: the socket-level cause when the driver gives one ("Connection refused"), else the
    first line of its message."""
    if isinstance(exc, Neo4jError) and exc.message:  # str() adds codes and GQL status around it
        return exc.message.strip().splitlines()[0]
    text = str(exc).strip()
    if m := _SOCKET_REASON.search(text):
        return m.group(1).strip()
    lines = text.splitlines()
    return lines[0].rstrip(":") if lines else type(exc).__name__


# Errors that mean "the database is not there" rather than "this query is wrong".
# BufferError: the driver's receive buffer can raise it when a connection breaks mid-message (it
# masks the connection error; neo4j-python-driver#837/#843), seen once while a test stopped the server.
_UNAVAILABLE = (ServiceUnavailable, SessionExpired, DatabaseUnavailable, OSError, BufferError)
# Server codes that mean the same: the database is missing or stopping, the server failed, a
# transient error outlived the driver's retries, or a server shutting down refuses the protocol
# (ArcadeDB answers Request.Invalid "BEGIN not expected in state: AUTHENTICATION" while it stops).
# Other client errors (a statement the server rejects) are bugs of ours and stay errors.
_SERVER_SIDE = (
    "Neo.ClientError.Database.",
    "Neo.ClientError.Request.Invalid",
    "Neo.DatabaseError.",
    "Neo.TransientError.",
)


class Neo4jStore(GraphStore):
    name = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        *,
        batch_size: int = 2000,
        delete_batch_size: int = 5000,
        connect_timeout: float = 5.0,
        retry_seconds: float = 15.0,
        grace_seconds: float = 30.0,
        lease_seconds: float = 300.0,
        graph: str = "main",
    ) -> None:
        self.uri = uri
        self.graph = graph
        self.database = database
        self._auth = (user or "neo4j", password or "") if (user or password) else None
        self.batch_size = batch_size
        self.delete_batch_size = delete_batch_size
        self.connect_timeout = connect_timeout
        self.retry_seconds = retry_seconds
        # How long readers pinned to the old slot get to finish after a swap: longer than a
        # request may run (the GraphQL time limit is 10 s by default).
        self.grace_seconds = grace_seconds
        # How long a load's slot is safe from other loaders without a renewal (renewed at a third).
        self.lease_seconds = lease_seconds
        self._lease_renewed = 0.0
        self._loading: str | None = None  # the slot this store is writing
        self._abandoned: set[str] = set()  # slots of this store's loads that failed half-way
        self._driver: Driver | None = None
        self._dialect: Dialect | None = None
        self._schema_ready = False
        self._conn_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._retiring: list[threading.Timer] = []
        self._retire_lock = threading.Lock()  # guards _retiring and _holds (timer threads change them)
        self._holds: Counter[str] = Counter()  # slots read by open `reading()` blocks of this process
        self._closed = False
        # A pinned view shares its base store's driver; `_pin` is (slot, generation), read once.
        self._base: Neo4jStore = self
        self._pin: tuple[str | None, GenerationInfo | None] | None = None
        self._pin_lock = threading.Lock()

    def pinned(self) -> Neo4jStore:
        if self._base is not self:
            return self  # already one generation's view
        view = copy.copy(self)
        view._base = self
        view._pin = None  # read at the view's first read, so a request that never reads costs nothing
        view._pin_lock = threading.Lock()
        view._retiring = []
        return view

    @contextmanager
    def reading(self) -> Iterator[Neo4jStore]:
        view = self.pinned()
        base = view._base
        pin = view._pinned_to()
        slot = pin[0] if pin is not None else None
        if slot is None:  # nothing loaded: nothing to keep
            yield view
            return
        with base._retire_lock:
            base._holds[slot] += 1
        try:
            yield view
            if not base._slot_live(slot):
                raise StoreUnavailable(
                    f"{base._where()}: the graph being read was replaced and deleted meanwhile "
                    "(by a load in another process, after its grace period); run again"
                )
        finally:
            with base._retire_lock:
                base._holds[slot] -= 1
                if base._holds[slot] <= 0:
                    del base._holds[slot]

    def _slot_live(self, slot: str) -> bool:
        rows = self._rows(Q_SLOT_LIVE, slot=slot, pointer=self.graph)
        if not rows:
            return False
        until = rows[0]["until"]
        return bool(rows[0]["served"] == slot or (until is not None and until > time.time()))

    def _pinned_to(self) -> tuple[str | None, GenerationInfo | None] | None:
        """(slot, generation) of a pinned view, None for the store itself."""
        if self._base is self:
            return None
        with self._pin_lock:
            if self._pin is None:
                rows = self._base._rows(Q_GENERATION, retry=min(2.0, self.retry_seconds))
                if rows:
                    r = rows[0]
                    self._pin = (r["slot"], GenerationInfo(r["generation"], r["loaded_at"], r["nodes"], r["edges"]))
                else:
                    self._pin = (None, None)  # nothing loaded: the view stays empty
            return self._pin

    # --- connection ---------------------------------------------------------------------------
    def _where(self) -> str:
        return f"Neo4j at {self.uri}" + (f" (database {self.database!r})" if self.database else "")

    def _get_driver(self) -> Driver:
        if self._base is not self:
            return self._base._get_driver()
        with self._conn_lock:
            if self._driver is None:
                try:
                    self._driver = GraphDatabase.driver(
                        self.uri,
                        auth=self._auth,
                        connection_timeout=self.connect_timeout,
                        max_transaction_retry_time=self.retry_seconds,
                        # Connections idle this long are checked before use (the server may have restarted).
                        liveness_check_timeout=30.0,
                    )
                except (ConfigurationError, ValueError) as exc:
                    raise StoreUnavailable(f"invalid Neo4j URI {self.uri!r}: {_reason(exc)}") from None
            return self._driver

    def _forget_server(self) -> None:
        """After a connection failure: probe the dialect and set up the schema again next time.

        The driver itself is kept. It holds no session state across calls, drops pooled connections
        to a server that went away, and opens new ones when it is back; closing it here would break
        other threads' calls in flight."""
        self._base._dialect = None
        self._base._schema_ready = False

    def _call(self, fn: Callable[[Driver], T]) -> T:
        """Run `fn` with the driver; connection-level failures become StoreUnavailable (one line)."""
        driver = self._get_driver()
        try:
            return fn(driver)
        except _UNAVAILABLE as exc:
            self._forget_server()
            raise StoreUnavailable(f"{self._where()} is unreachable: {_reason(exc)}") from None
        except AuthError as exc:
            self._forget_server()
            raise StoreUnavailable(f"{self._where()} refused the credentials: {_reason(exc)}") from None
        except Neo4jError as exc:
            if (exc.code or "").startswith(_SERVER_SIDE):
                self._forget_server()
                raise StoreUnavailable(f"{self._where()} failed: {_reason(exc)}") from None
            raise

    def _read(self, work: Callable[[ManagedTransaction], T], retry: float | None = None) -> T:
        self._pinned_to()  # a view reads its pin before its first transaction, not inside it

        def run(driver: Driver) -> T:
            with driver.session(
                database=self.database, max_transaction_retry_time=retry or self.retry_seconds
            ) as session:
                return session.execute_read(work)

        return self._call(run)

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        def run(driver: Driver) -> T:
            with driver.session(database=self.database) as session:
                return session.execute_write(work)

        return self._call(run)

    def _rows(self, query: str, retry: float | None = None, **params: Any) -> list[Row]:
        params.setdefault("pointer", self.graph)
        if query.startswith(_CUR) and (pin := self._pinned_to()) is not None:
            query = _PIN + query[len(_CUR) :]
            params["slot"] = pin[0]

        def work(tx: ManagedTransaction) -> list[Row]:
            # dict(record), not record.data(): values are plain maps already, and data() walks them again.
            return [dict(r) for r in tx.run(query, params)]

        return self._read(work, retry)

    def dialect(self) -> Dialect:
        """The server's dialect, probed once per connection."""
        if self._base is not self:
            return self._base.dialect()
        if self._dialect is None:

            def probe(driver: Driver) -> Dialect:
                with driver.session(database=self.database) as session:
                    return detect(session)

            self._dialect = self._call(probe)
        return self._dialect

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        dialect = self.dialect()

        def setup(driver: Driver) -> None:
            with driver.session(database=self.database) as session:
                for q in SCHEMA:  # DDL runs in auto-commit transactions, one statement each
                    session.run(q).consume()
                if dialect.await_indexes is not None:
                    session.run(dialect.await_indexes, {"timeout": 300}).consume()

        self._call(setup)
        self._schema_ready = True

    def close(self) -> None:
        if self._base is not self:
            return  # a view owns no connection
        # Retired slots not yet deleted are deleted by the next load, once their grace is over.
        self._closed = True
        self._stop_retiring()
        with self._conn_lock:
            driver, self._driver = self._driver, None
        if driver is not None:
            driver.close()

    def _stop_retiring(self) -> None:
        with self._retire_lock:
            timers, self._retiring = self._retiring, []
        for t in timers:
            t.cancel()
        for t in timers:  # one already deleting finishes first
            t.join(timeout=60)

    def wait_retired(self, timeout: float | None = None) -> None:
        """Wait until the slots this store retired are deleted (tests and tools)."""
        with self._retire_lock:
            timers = list(self._retiring)
        for t in timers:
            t.join(timeout)

    def drop(self) -> None:
        """Delete this store's graph (pointer, data and retired slots) from the database; for tests
        and tools."""
        self._check_writable()
        self._stop_retiring()
        with self._write_lock:

            def work(tx: ManagedTransaction) -> list[str]:
                rec = tx.run(Q_DROP_POINTER, {"pointer": self.graph}).single()
                retired = [r["slot"] for r in tx.run(Q_DROP_RETIRED, {"pointer": self.graph})]
                return ([rec["old"]] if rec and rec["old"] else []) + retired

            for slot in self._write(work):
                self._delete_slot(slot)

    def _check_writable(self) -> None:
        if self._base is not self:
            raise RuntimeError("a pinned view of the graph is read-only")

    # --- writes -------------------------------------------------------------------------------
    def replace(self, batch: GraphBatch) -> GenerationInfo:
        self._check_writable()
        validate(batch)
        with self._write_lock:
            self.ensure_schema()
            self._delete_stale()
            slot = uuid.uuid4().hex
            info = GenerationInfo(
                generation=generation_id(batch),
                loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
                nodes=len(batch.nodes),
                edges=len(batch.edges),
            )
            try:
                self._lease(slot)
                self._loading = slot
                self._write_slot(slot, batch)
                old = self._swap(slot, info, docs=len(batch.documents))
            except StoreUnavailable:
                # The database is gone: the next load removes the partial slot (another process's
                # load, once its lease is over).
                self._abandoned.add(slot)
                raise
            except BaseException:
                self._discard(slot)
                raise
            finally:
                self._loading = None
            if old:
                self._retire(old)
            return info

    def _retire(self, slot: str) -> None:
        """Delete a replaced slot once its grace period is over, in the background: the load
        returns now, and readers pinned to the slot finish first."""
        with self._retire_lock:
            held = self._holds[slot] > 0
            if self.grace_seconds <= 0 and not held:
                timer = None
            else:
                timer = threading.Timer(max(self.grace_seconds, 1.0), self._discard_retired, args=(slot,))
                timer.daemon = True
                self._retiring = [t for t in self._retiring if t.is_alive()] + [timer]
                timer.start()
        if timer is None:  # called under the write lock: delete now, without taking it again
            self._delete_retired(slot)

    def _discard_retired(self, slot: str) -> None:
        with self._retire_lock:
            if self._closed:
                return  # the next load deletes it, once its grace is over
            held = self._holds[slot] > 0
        if held:
            # A long read (export, integrity run) still reads it: keep it another grace period, here
            # and for other processes' stale-slot cleanup.
            try:
                until = time.time() + max(self.grace_seconds, 1.0) + 1.0
                self._write(lambda tx: tx.run(Q_EXTEND_RETIRED, {"slot": slot, "until": until}).consume())
            except Exception as exc:  # the database went away: try again later
                log.warning("could not extend retired graph slot %s: %s", slot, _reason(exc))
            self._retire(slot)
            return
        with self._write_lock:
            self._delete_retired(slot)

    def _delete_retired(self, slot: str) -> None:
        self._discard(slot)
        try:
            self._write(lambda tx: tx.run(Q_FORGET_RETIRED, {"slot": slot}).consume())
        except Exception as exc:  # the next load forgets it once its grace is over
            log.warning("could not forget retired graph slot %s: %s", slot, _reason(exc))

    def _lease(self, slot: str) -> None:
        """Take (or renew) the lease on the slot being written."""
        params = {"slot": slot, "pointer": self.graph, "until": time.time() + self.lease_seconds}
        self._write(lambda tx: tx.run(Q_LEASE, params).consume())
        self._lease_renewed = time.monotonic()

    def _batches(self, rows: list[Row]) -> Iterable[list[Row]]:
        for i in range(0, len(rows), self.batch_size):
            yield rows[i : i + self.batch_size]

    def _write_rows(self, query: str, rows: list[Row], what: str, **params: Any) -> None:
        for chunk in self._batches(rows):

            def work(tx: ManagedTransaction, chunk: list[Row] = chunk) -> int:
                rec = tx.run(query, {**params, "rows": chunk}).single()
                return int(rec["c"]) if rec else 0

            written = self._write(work)
            if written != len(chunk):
                raise ValueError(f"wrote {written} of {len(chunk)} {what}: the batch refers to missing nodes")
            if self._loading and time.monotonic() - self._lease_renewed > self.lease_seconds / 3:
                self._lease(self._loading)

    def _write_slot(self, slot: str, batch: GraphBatch) -> None:
        assigned = {e.target for e in batch.edges if e.type in RESPONSIBILITY_TYPES}
        docs = [
            {"g": slot, "id": d.id, "pos": i, "meta": json.dumps(d.model_dump(mode="json"), ensure_ascii=False)}
            for i, d in enumerate(batch.documents)
        ]
        self._write_rows(Q_CREATE_DOCS, docs, "documents")
        nodes = [_node_props(n, slot, n.id in assigned) for n in batch.nodes]
        self._write_rows(Q_CREATE_NODES, nodes, "nodes")
        by_type: dict[EdgeType, list[Row]] = {}
        for e in batch.edges:
            by_type.setdefault(e.type, []).append({"s": e.source, "t": e.target, "p": _edge_props(e)})
        for t, rows in by_type.items():
            self._write_rows(Q_CREATE_EDGES[t], rows, f"{t.value} edges", slot=slot)

    def _swap(self, slot: str, info: GenerationInfo, docs: int) -> str | None:
        """Check the new slot is complete and point readers at it, in one transaction."""

        def work(tx: ManagedTransaction) -> str | None:
            counts = tx.run(Q_COUNT_SLOT, {"slot": slot}).single()
            got = (counts["nodes"], counts["edges"], counts["docs"]) if counts else (0, 0, 0)
            if got != (info.nodes, info.edges, docs):
                # e.g. another process cleaned up this slot as stale while it was being written
                raise RuntimeError(
                    f"the new graph is incomplete ({got[0]}/{info.nodes} nodes, {got[1]}/{info.edges} edges, "
                    f"{got[2]}/{docs} documents); the previous graph stays served"
                )
            rec = tx.run(
                Q_SWAP,
                {
                    "pointer": self.graph,
                    "slot": slot,
                    "generation": info.generation,
                    "loaded_at": info.loaded_at,
                    "nodes": info.nodes,
                    "edges": info.edges,
                },
            ).single()
            old: str | None = rec["old"] if rec else None
            tx.run(Q_END_LEASE, {"slot": slot}).consume()
            if old:  # in the same transaction: no load may take the old slot for stale meanwhile
                tx.run(Q_RETIRE, {"pointer": self.graph, "slot": old, "until": time.time() + self.grace_seconds})
            return old

        # Two first loads into a new graph name both MERGE its pointer: the server lets one create
        # it and refuses the other's as a duplicate of the unique key (ArcadeDB; Neo4j locks
        # instead). The pointer exists now, so the refused load's next MERGE finds and moves it.
        for _ in range(SWAP_ATTEMPTS - 1):
            try:
                return self._write(work)
            except ConstraintError:
                continue
        try:
            return self._write(work)
        except ConstraintError as exc:
            raise StoreConflict(
                f"another load into graph {self.graph!r} of {self._where()} kept changing it at the same "
                f"moment ({_reason(exc)}); run the load again"
            ) from None

    def _delete_slot(self, slot: str) -> None:
        for query in (Q_DELETE_NODES, Q_DELETE_DOCS):
            while True:

                def work(tx: ManagedTransaction, query: str = query) -> int:
                    rec = tx.run(query, {"slot": slot, "limit": self.delete_batch_size}).single()
                    return int(rec["c"]) if rec else 0

                if self._write(work) == 0:
                    break

    def _discard(self, slot: str) -> None:
        """Best-effort removal of a slot nobody reads; what is left is removed at the next load."""
        try:
            self._delete_slot(slot)
            self._write(lambda tx: tx.run(Q_END_LEASE, {"slot": slot}).consume())
        except Exception as exc:
            log.warning("could not delete unused graph slot %s: %s", slot, _reason(exc))

    def _delete_stale(self) -> None:
        """Remove slots left by loads that died half-way (server killed, process killed), and
        retired slots whose grace period is over."""
        now = time.time()
        for slot in sorted(self._abandoned):
            self._discard(slot)
        self._abandoned.clear()
        for row in self._rows(Q_STALE_SLOTS, now=now):
            self._delete_slot(row["g"])
        self._write(lambda tx: tx.run(Q_EXPIRED_RETIRED, {"now": now}).consume())
        self._write(lambda tx: tx.run(Q_EXPIRED_LEASES, {"now": now}).consume())

    # --- reads --------------------------------------------------------------------------------
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
        found = {n.id: n for n in (_node(r["n"]) for r in self._rows(Q_GET_NODES, ids=list(dict.fromkeys(ids))))}
        return [found.get(i) for i in ids]

    def nodes(self, kinds: Iterable[NodeKind] | None = None, document: str | None = None) -> list[Node]:
        where = []
        params: dict[str, Any] = {}
        if kinds is not None:
            params["kinds"] = [NodeKind(k).value for k in kinds]
            where.append("n.kind IN $kinds")
        if document is not None:
            params["document"] = document
            where.append("n.document = $document")
        # The WHERE clause is assembled from fixed fragments; values travel as parameters.
        cypher = _CUR + "MATCH (n:GNode {g: s}) " + (f"WHERE {' AND '.join(where)} " if where else "")
        rows = self._rows((cypher + "RETURN properties(n) AS n"), **params)
        return sorted((_node(r["n"]) for r in rows), key=doc_order)

    def edges(
        self,
        source: str | None = None,
        target: str | None = None,
        types: Iterable[EdgeType] | None = None,
    ) -> list[Edge]:
        params: dict[str, Any] = {}
        a = "(a:GNode {g: s})"
        b = "(b:GNode {g: s})"
        if source is not None:
            a = "(a:GNode {g: s, id: $source})"
            params["source"] = source
        if target is not None:
            b = "(b:GNode {g: s, id: $target})"
            params["target"] = target
        rel = "r"
        if types is not None:
            wanted = sorted({EdgeType(t).value for t in types})
            if not wanted:
                return []
            # Relationship types cannot be parameters; these come from the EdgeType enum, never from
            # user text. A typed pattern lets the server read only those relationships (a WHERE on
            # type(r) walked all 250 k edges of a 1,000-plan graph for 1,000 DESCRIBES edges).
            rel = "r:" + "|".join(f"`{t}`" for t in wanted)
        # Start from the bound end (see the note on patterns above).
        pattern = f"{b}<-[{rel}]-{a}" if target is not None and source is None else f"{a}-[{rel}]->{b}"
        cypher = _CUR + f"MATCH {pattern} " + "RETURN a.id AS s, b.id AS t, type(r) AS type, properties(r) AS p"
        rows = self._rows(cypher, **params)
        return sorted((_edge(r["s"], r["t"], r["type"], r["p"]) for r in rows), key=lambda e: e.key)

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
        return [sorted((_node(r["n"]) for r in found.get(i, [])), key=doc_order) for i in node_ids]

    def parent(self, node_id: str) -> Node | None:
        found = sorted((_node(r["n"]) for r in self._rows(Q_PARENT, id=node_id)), key=doc_order)
        return found[0] if found else None

    def parents_many(self, node_ids: Sequence[str]) -> list[Node | None]:
        found = self._by_id(Q_PARENTS, node_ids)
        return [min((_node(r["n"]) for r in found[i]), key=doc_order) if i in found else None for i in node_ids]

    def ancestors(self, node_id: str, max_depth: int | None = None) -> list[Ranked]:
        return self.ancestors_many([node_id], max_depth)[0]

    def ancestors_many(self, node_ids: Sequence[str], max_depth: int | None = None) -> list[list[Ranked]]:
        found = self._by_id(Q_ANCESTORS, node_ids, max=max_depth)
        return [_ancestors(i, found.get(i, [])) for i in node_ids]

    def descendants(self, node_id: str, max_depth: int | None = None) -> list[Ranked]:
        return self.descendants_many([node_id], max_depth)[0]

    def descendants_many(self, node_ids: Sequence[str], max_depth: int | None = None) -> list[list[Ranked]]:
        found = self._by_id(Q_DESCENDANTS, node_ids, max=max_depth)
        return [_descendants(i, found.get(i, [])) for i in node_ids]

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
            out.setdefault(r["nid"], []).append(_edge(r["nid"], r["other"], r["type"], r["p"]))
        for r in in_rows:
            inc.setdefault(r["nid"], []).append(_edge(r["other"], r["nid"], r["type"], r["p"]))

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
            agency = _node(r["ag"])
            target = _node(r["t"])
            t = EdgeType(r["type"])
            e = _edge(agency.id, target.id, t.value, r["r"])
            explicit.append(Responsibility(agency, target, _role(t), True, target.id, e))
            seen: set[str] = set()
            for c in r["inherited"]:
                node = _node(c)
                if node.id in seen or node.id == target.id:
                    continue
                seen.add(node.id)
                inherited.append(Responsibility(agency, node, _role(t), False, target.id, e))

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
            node = _node(row["n"])
            nearest = min(x["d"] for x in row["rs"])
            out = []
            for x in row["rs"]:
                if x["d"] != nearest:
                    continue
                agency = agencies.get(x["ag"]["id"]) or agencies.setdefault(x["ag"]["id"], _node(x["ag"]))
                key = (agency.id, x["via"], x["type"])
                e = edges.get(key) or edges.setdefault(key, _edge(*key, x["r"]))
                out.append(Responsibility(agency, node, _role(e.type), x["d"] == 0, x["via"], e))
            by_id[row["nid"]] = sorted(out, key=lambda r: (ROLE_RANK[r.role], r.agency.id))
        return [list(by_id.get(i, [])) for i in node_ids]

    # --- cross-plan lineage and explained paths -----------------------------------------------------
    def _slot_of(self, tx: ManagedTransaction) -> str | None:
        """The slot a multi-statement read uses: read once in its transaction, or the pinned one."""
        if (pin := self._pinned_to()) is not None:
            return pin[0]
        rec = tx.run(Q_SLOT, {"pointer": self.graph}).single()
        return rec["s"] if rec else None

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
                    out[r["nid"]].append((_edge(src, dst, r["type"], r["r"]), fwd))
                    if r["other"] not in nodes:
                        nodes[r["other"]] = _node(r["o"])
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
            node = _node(found[0]["n"])
            nodes: dict[str, Node] = {node.id: node}
            ancestors: list[Node] = []
            for r in sorted(tx.run(Q_CHAIN, {"slot": slot, "id": node_id}).data(), key=lambda r: r["depth"]):
                n = _node(r["n"])
                if n.id in nodes:  # a cycle: stop where the walk comes back, as ancestors() does
                    break
                nodes[n.id] = n
                ancestors.append(n)
            children = [node_id, *(a.id for a in ancestors)][: len(ancestors)]
            parent_edges: dict[tuple[str, str], Edge] = {}
            for r in tx.run(Q_PARENT_EDGES, {"slot": slot, "ids": children}).data():
                parent_edges[(r["cid"], r["pid"])] = _edge(r["pid"], r["cid"], EdgeType.CONTAINS.value, r["r"])
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
