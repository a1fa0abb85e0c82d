"""GraphQL executions run in worker threads, each thread with its own event loop, never on the
server's event loop: resolving and serialising a large answer is CPU work that would otherwise hold
the loop (every other request, /health and the request's own timeout waited for it).

Two bounded pools: queries the cost model calls heavy run in their own small pool, so however many
heavy queries arrive, ordinary ones never queue behind them and share the CPU with at most
`heavy_workers` of them. A request whose time is up is cancelled in its thread (its task is
cancelled at the next await, and Ctx refuses further store calls), so timed-out work does not pile
up in the pools."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from app.gql.context import Ctx

T = TypeVar("T")

_local = threading.local()


def _thread_loop() -> asyncio.AbstractEventLoop:
    """The calling worker thread's event loop, made once and kept for the thread's life."""
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def _run(make: Callable[[], Coroutine[Any, Any, T]], ctx: Ctx) -> T:
    loop = _thread_loop()
    task = loop.create_task(make())
    ctx.attach(loop, task)
    try:
        return loop.run_until_complete(task)
    finally:
        ctx.detach()
        # What the request started and left behind (a memoised read, a DataLoader batch of a
        # cancelled request) must not run during the next request on this thread.
        left = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in left:
            t.cancel()
        if left:
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))


class Offload:
    def __init__(self, workers: int, heavy_workers: int) -> None:
        self.light = ThreadPoolExecutor(workers, thread_name_prefix="graphql")
        self.heavy = ThreadPoolExecutor(heavy_workers, thread_name_prefix="graphql-heavy")

    async def run(self, make: Callable[[], Coroutine[Any, Any, T]], ctx: Ctx, timeout: float, heavy: bool) -> T:
        """Run the coroutine `make()` makes in a worker thread; TimeoutError after `timeout` seconds
        (the work is cancelled, also when this request itself is cancelled)."""
        pool = self.heavy if heavy else self.light
        fut = asyncio.wrap_future(pool.submit(_run, make, ctx))
        try:
            return await asyncio.wait_for(fut, timeout)
        except BaseException:
            ctx.cancel()  # still queued: it will not start; running: cancelled in its thread
            raise
