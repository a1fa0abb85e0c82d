"""The Neo4j store's connection and slot lifecycle: the driver and its errors, the pinned views and
`reading()` holds, loads into a fresh slot, the atomic generation swap, and the retirement of replaced
slots after their grace period (see the package's docstring for the layout in the database).

The reads of the GraphStore interface are in graph.neo4j_store.reads, the Cypher in
graph.neo4j_store.cypher.
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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

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

from core.errors import first_line, one_line
from graph.cypher_dialect import Dialect, detect
from graph.ids import generation_id
from graph.model import RESPONSIBILITY_TYPES, EdgeType, GraphBatch
from graph.neo4j_store.cypher import (
    CUR,
    PIN,
    Q_COUNT_SLOT,
    Q_CREATE_DOCS,
    Q_CREATE_EDGES,
    Q_CREATE_NODES,
    Q_DELETE_DOCS,
    Q_DELETE_NODES,
    Q_DROP_POINTER,
    Q_DROP_RETIRED,
    Q_END_LEASE,
    Q_EXPIRED_LEASES,
    Q_EXPIRED_RETIRED,
    Q_EXTEND_RETIRED,
    Q_FORGET_RETIRED,
    Q_GENERATION,
    Q_LEASE,
    Q_RETIRE,
    Q_SLOT,
    Q_SLOT_LIVE,
    Q_STALE_SLOTS,
    Q_SWAP,
    SCHEMA,
)
from graph.neo4j_store.rows import Row, edge_props, node_props, validate
from graph.store import GenerationInfo, GraphStore, StoreConflict, StoreUnavailable

log = logging.getLogger(__name__)
# The driver logs each retry as a warning; without a handler Python would print those to stderr
# (under the CLI's one-line errors). Applications that configure logging still receive them.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

T = TypeVar("T")

# Attempts at the swap transaction when a concurrent load's swap collides with it (see _swap).
SWAP_ATTEMPTS = 3

_SOCKET_REASON = re.compile(r"\(reason (?:\[Errno -?\d+\] )?([^)]+)\)")


def _reason(exc: BaseException) -> str:
    """One line: the socket-level cause when the driver gives one ("Connection refused"), else the
    first line of its message. core.errors.one_line alone would say less: str() of a Neo4jError wraps
    the server's message in codes and GQL status, and a connection error's first line is the driver's
    preamble ending in a colon."""
    if isinstance(exc, Neo4jError) and (line := first_line(exc.message or "")):
        return line
    if m := _SOCKET_REASON.search(str(exc)):
        return m.group(1).strip()
    return one_line(exc).rstrip(":")


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


class SlotStore(GraphStore):
    """The Neo4j store's connection and slot lifecycle; the reads are in graph.neo4j_store.reads."""

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
        self._base: SlotStore = self
        self._pin: tuple[str | None, GenerationInfo | None] | None = None
        self._pin_lock = threading.Lock()

    def pinned(self) -> Self:
        if self._base is not self:
            return self  # already one generation's view
        view = copy.copy(self)
        view._base = self
        view._pin = None  # read at the view's first read, so a request that never reads costs nothing
        view._pin_lock = threading.Lock()
        view._retiring = []
        return view

    @contextmanager
    def reading(self) -> Iterator[Self]:
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
        if query.startswith(CUR) and (pin := self._pinned_to()) is not None:
            query = PIN + query[len(CUR) :]
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
        nodes = [node_props(n, slot, n.id in assigned) for n in batch.nodes]
        self._write_rows(Q_CREATE_NODES, nodes, "nodes")
        by_type: dict[EdgeType, list[Row]] = {}
        for e in batch.edges:
            by_type.setdefault(e.type, []).append({"s": e.source, "t": e.target, "p": edge_props(e)})
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

    def _slot_of(self, tx: ManagedTransaction) -> str | None:
        """The slot a multi-statement read uses: read once in its transaction, or the pinned one."""
        if (pin := self._pinned_to()) is not None:
            return pin[0]
        rec = tx.run(Q_SLOT, {"pointer": self.graph}).single()
        return rec["s"] if rec else None
