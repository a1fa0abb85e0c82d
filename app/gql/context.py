"""Per-request context: the store gateway (budget, deadline, worker threads), request memo,
DataLoaders, and the per-generation cache shared by requests."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio.to_thread
from strawberry.fastapi import BaseContext

from app.gql.errors import NoGraph, QueryTimeout, TooExpensive
from app.gql.limits import Limits
from app.service import GraphService
from graph.embedded_store import EmbeddedStore
from graph.store import GraphStore

if TYPE_CHECKING:
    from app.gql.loaders import Loaders

R = TypeVar("R")


@dataclass
class _Generation:
    loaded_at: str
    values: dict[str, Any] = field(default_factory=dict)
    build_locks: dict[str, threading.Lock] = field(default_factory=dict)
    freezes: int = 0


class GenerationCache:
    """Values derived from the whole graph (search index, agency list, matrix, agency reports), kept
    per generation: graphs are immutable per generation (a content hash), so this is exact. It keeps
    the generation served and the one before it: requests pinned to the old graph when a reload
    swaps it finish on its cached values instead of each building its own (under load, dozens of
    parallel index builds stalled the server). At most `max_entries` values per generation."""

    def __init__(self, max_entries: int = 256, generations: int = 2, max_freezes: int = 32) -> None:
        self.max_entries = max_entries
        self.max_freezes = max_freezes
        self.generations = generations
        self._gens: dict[str, _Generation] = {}
        self._lock = threading.Lock()

    def peek(self, generation: str, name: str) -> tuple[bool, Any]:
        with self._lock:
            g = self._gens.get(generation)
            if g is not None and name in g.values:
                return True, g.values[name]
            return False, None

    def _slot(self, store: GraphStore, generation: str) -> _Generation | None:
        """The generation's entry, made if it is one of the `generations` most recently loaded;
        None when the store serves another generation or this one is older than every kept one."""
        with self._lock:
            g = self._gens.get(generation)
        if g is not None:
            return g
        info = store.generation()  # a pinned view: the generation the request reads
        if info is None or info.generation != generation:
            return None
        with self._lock:
            g = self._gens.get(generation)
            if g is None:
                if len(self._gens) >= self.generations and all(
                    info.loaded_at < other.loaded_at for other in self._gens.values()
                ):
                    return None
                g = self._gens[generation] = _Generation(info.loaded_at)
                while len(self._gens) > self.generations:
                    del self._gens[min(self._gens, key=lambda k: self._gens[k].loaded_at)]
            return g

    def get(self, store: GraphStore, generation: str, name: str, build: Callable[[], R]) -> R:
        g = self._slot(store, generation)
        if g is None:
            return build()
        with self._lock:
            if name in g.values:
                return cast(R, g.values[name])
            lock = g.build_locks.setdefault(name, threading.Lock())
        with lock:  # one build per name and generation; concurrent requests wait for it
            with self._lock:
                if name in g.values:
                    return cast(R, g.values[name])
            value = build()
            with self._lock:
                g.values[name] = value
                while len(g.values) > self.max_entries:
                    del g.values[next(iter(g.values))]
                g.freezes += 1
                freeze = g.freezes <= self.max_freezes
            if freeze:
                # A cached value lives as long as its generation (an agency report read from a
                # database is hundreds of thousands of objects): out of the collector's walk, as the
                # graph itself is after a load (app.main.freeze_after_load), so full collections stay
                # short. Collected first, so garbage of the moment is not frozen with it; what other
                # requests hold now is frozen too, until the next load unfreezes: hence the bound.
                gc.collect()
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
        self._has_graph = False
        # Set when the request's time is up: the execution (on a worker loop, app.gql.offload) is
        # cancelled at its next await and no further store operation starts.
        self.cancelled = False
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
        self._require_graph()
        return fn(*args, **kwargs)

    async def run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run one store operation (or a computation over the store) in a worker thread, within
        the request's call budget and deadline, so a slow database never blocks the event loop.
        NO_GRAPH when the store serves no graph."""
        return await self._in_thread(partial(self._in_graph, fn, *args, **kwargs))

    async def run_without_graph(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """As `run`, for a read that does not need the graph (the integrity history stays readable
        while no graph is served)."""
        return await self._in_thread(partial(fn, *args, **kwargs))

    async def _in_thread(self, call: Callable[[], R]) -> R:
        remaining = self._admit()
        try:
            return await asyncio.wait_for(anyio.to_thread.run_sync(call, abandon_on_cancel=True), remaining)
        except TimeoutError:
            raise QueryTimeout(self.timeout_message()) from None

    def _in_graph(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        self._require_graph()
        return fn(*args, **kwargs)

    def _require_graph(self) -> None:
        """NO_GRAPH, with the reason /health gives, when the request's view holds no graph (the
        view is one generation: checked once per request)."""
        if self._has_graph:
            return
        if self.store.generation() is None:
            raise NoGraph(f"no graph is served: {self.svc.no_graph_reason()}")
        self._has_graph = True

    def _admit(self) -> float:
        """Count one store operation against the budget; the time left before the deadline."""
        if self.cancelled:
            raise QueryTimeout(self.timeout_message())
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

    def cancel(self) -> None:
        """The request's time is up (called from the server's loop): no further store operation
        starts; its task is cancelled by app.gql.offload."""
        self.cancelled = True

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
