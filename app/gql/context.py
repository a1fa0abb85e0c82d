"""Per-request context: the store gateway (budget, deadline, worker threads), request memo,
DataLoaders, and the per-generation cache shared by requests."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import anyio.to_thread
from strawberry.fastapi import BaseContext

from app.gql.errors import QueryTimeout, TooExpensive
from app.gql.limits import Limits
from app.service import GraphService
from graph.embedded_store import EmbeddedStore
from graph.store import GraphStore

if TYPE_CHECKING:
    from app.gql.loaders import Loaders

R = TypeVar("R")


class GenerationCache:
    """Values derived from the whole graph (search index, agency list, matrix, agency reports),
    kept while the served generation stays the same. Graphs are immutable per generation, so this is
    exact. At most `max_entries` values; the oldest goes first."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._generation: str | None = None
        self._loaded_at: str | None = None  # when the cached generation was loaded
        self._values: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._build_locks: dict[str, threading.Lock] = {}

    def peek(self, generation: str, name: str) -> tuple[bool, Any]:
        with self._lock:
            if generation == self._generation and name in self._values:
                return True, self._values[name]
            return False, None

    def get(self, store: GraphStore, generation: str, name: str, build: Callable[[], R]) -> R:
        with self._lock:
            current = generation == self._generation
        info = None if current else store.generation()
        with self._lock:
            if generation != self._generation:
                # A request still reading a graph older than the cached one (it began before a
                # reload) gets its value built, but neither kept nor evicting the newer graph's.
                if info is None or info.generation != generation:
                    return build()
                if self._loaded_at is not None and info.loaded_at < self._loaded_at:
                    return build()
                self._generation, self._values, self._build_locks = generation, {}, {}
                self._loaded_at = info.loaded_at
            if name in self._values:
                return self._values[name]
            lock = self._build_locks.setdefault(name, threading.Lock())
        with lock:  # one build per name; concurrent requests wait for it
            with self._lock:
                if self._generation == generation and name in self._values:
                    return self._values[name]
            value = build()
            info = store.generation()
            with self._lock:
                # Keep it only if the graph did not change while it was built.
                if info is not None and info.generation == generation == self._generation:
                    self._values[name] = value
                    while len(self._values) > self.max_entries:
                        del self._values[next(iter(self._values))]
                    # A cached value lives as long as its generation (an agency report read from a
                    # database is hundreds of thousands of objects): out of the collector's walk, as
                    # the graph itself is after a load (app.main.freeze_after_load), so full
                    # collections stay short. At most max_entries freezes per generation.
                    gc.freeze()
            return value


class Ctx(BaseContext):
    def __init__(self, svc: GraphService, limits: Limits, cache: GenerationCache) -> None:
        super().__init__()
        self.svc = svc
        # Every read of one request sees one generation: a reload that swaps the graph between two
        # resolvers' reads cannot mix two graphs in one answer.
        self.store: GraphStore = svc.store.pinned()
        self.limits = limits
        self.cache = cache
        self.started = time.monotonic()
        self.timeout_seconds = limits.timeout_seconds
        self.deadline = self.started + self.timeout_seconds
        self.store_calls = 0
        # An in-memory store answers in microseconds: calling it on the event loop is cheaper than a
        # hop to a worker thread. Anything else (a database) is called from a worker thread.
        self.inline = isinstance(svc.store, EmbeddedStore)
        self._memo: dict[str, asyncio.Future[Any]] = {}
        from app.gql.loaders import Loaders

        self.loaders: Loaders = Loaders(self)

    async def call(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """One store read: inline for the in-memory store, else as `run`."""
        if not self.inline:
            return await self.run(fn, *args, **kwargs)
        self._admit()
        return fn(*args, **kwargs)

    async def run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run one store operation (or a computation over the store) in a worker thread, within
        the request's call budget and deadline, so a slow database never blocks the event loop."""
        remaining = self._admit()
        try:
            return await asyncio.wait_for(
                anyio.to_thread.run_sync(partial(fn, *args, **kwargs), abandon_on_cancel=True), remaining
            )
        except TimeoutError:
            raise QueryTimeout(self.timeout_message()) from None

    def _admit(self) -> float:
        """Count one store operation against the budget; the time left before the deadline."""
        if self.store_calls >= self.limits.max_store_calls:
            raise TooExpensive(
                f"the query needs more than {self.limits.max_store_calls} store operations; ask for fewer items "
                "or less nesting",
                limit=self.limits.max_store_calls,
            )
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise QueryTimeout(self.timeout_message())
        self.store_calls += 1
        return remaining

    def set_timeout(self, seconds: float) -> None:
        self.timeout_seconds = seconds
        self.deadline = self.started + seconds

    def timeout_message(self) -> str:
        return f"the query took longer than {self.timeout_seconds:g} s; ask for less"

    def memo(self, key: str, fn: Callable[..., R], *args: Any, **kwargs: Any) -> Awaitable[R]:
        """Once per request (concurrent resolvers share the same call)."""
        fut = self._memo.get(key)
        if fut is None:
            fut = asyncio.ensure_future(self.call(fn, *args, **kwargs))
            self._memo[key] = fut
        return fut

    async def generation(self) -> str:
        info = await self.memo("generation", self.store.generation)
        return info.generation if info is not None else ""

    async def served_generation(self) -> str | None:
        """The generation this request's reads saw (its pinned view's), outside the request's
        budget; None if it cannot be read."""
        try:
            info = self.store.generation() if self.inline else await anyio.to_thread.run_sync(self.store.generation)
        except Exception:  # the database went away after the answer: the answer stands without it
            return None
        return info.generation if info is not None else None

    async def cached(self, name: str, build: Callable[[], R]) -> R:
        """A value derived from the whole graph, built once per generation (shared by requests)."""
        gen = await self.generation()
        hit, value = self.cache.peek(gen, name)
        if hit:
            return value
        return await self.run(self.cache.get, self.store, gen, name, build)
