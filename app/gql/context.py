"""Per-request context: the store gateway (budget, deadline, worker threads), request memo,
DataLoaders, and the per-generation cache shared by requests."""

from __future__ import annotations

import asyncio
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
from graph.store import GraphStore

if TYPE_CHECKING:
    from app.gql.loaders import Loaders

R = TypeVar("R")


class GenerationCache:
    """Values derived from the whole graph (search index, agency list, matrix), kept while the
    served generation stays the same. Graphs are immutable per generation, so this is exact."""

    def __init__(self) -> None:
        self._generation: str | None = None
        self._values: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._build_locks: dict[str, threading.Lock] = {}

    def get(self, store: GraphStore, generation: str, name: str, build: Callable[[], R]) -> R:
        with self._lock:
            if generation != self._generation:
                self._generation, self._values, self._build_locks = generation, {}, {}
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
            return value


class Ctx(BaseContext):
    def __init__(self, svc: GraphService, limits: Limits, cache: GenerationCache) -> None:
        super().__init__()
        self.svc = svc
        self.store: GraphStore = svc.store
        self.limits = limits
        self.cache = cache
        self.started = time.monotonic()
        self.timeout_seconds = limits.timeout_seconds
        self.deadline = self.started + self.timeout_seconds
        self.store_calls = 0
        self._memo: dict[str, asyncio.Future[Any]] = {}
        from app.gql.loaders import Loaders

        self.loaders: Loaders = Loaders(self)

    async def run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run one store operation (or a computation over the store) in a worker thread, within
        the request's call budget and deadline, so a slow database never blocks the event loop."""
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
        try:
            return await asyncio.wait_for(
                anyio.to_thread.run_sync(partial(fn, *args, **kwargs), abandon_on_cancel=True), remaining
            )
        except TimeoutError:
            raise QueryTimeout(self.timeout_message()) from None

    def set_timeout(self, seconds: float) -> None:
        self.timeout_seconds = seconds
        self.deadline = self.started + seconds

    def timeout_message(self) -> str:
        return f"the query took longer than {self.timeout_seconds:g} s; ask for less"

    def memo(self, key: str, fn: Callable[..., R], *args: Any, **kwargs: Any) -> Awaitable[R]:
        """Once per request (concurrent resolvers share the same call)."""
        fut = self._memo.get(key)
        if fut is None:
            fut = asyncio.ensure_future(self.run(fn, *args, **kwargs))
            self._memo[key] = fut
        return fut

    async def generation(self) -> str:
        info = await self.memo("generation", self.store.generation)
        return info.generation if info is not None else ""

    async def cached(self, name: str, build: Callable[[], R]) -> R:
        """A value derived from the whole graph, built once per generation (shared by requests)."""
        gen = await self.generation()
        return await self.run(self.cache.get, self.store, gen, name, build)
