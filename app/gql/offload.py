"""GraphQL executions run on event loops of their own, each in a worker thread, never on the
server's event loop: resolving and serialising a large answer is CPU work that would otherwise hold
the loop (every other request, /health and the request's own timeout waited for it).

A few loop threads, not a thread per request: a request waiting on a database leaves its loop to
the others (as on the server's loop before), while CPU-bound requests contend for the interpreter
with a bounded number of threads, so the server's loop still gets its turn within milliseconds.
Queries the cost model calls heavy run on loops of their own: however many arrive, ordinary ones
share the CPU with at most `heavy_workers` of those threads. A request whose time is up is
cancelled in its loop (at its next await; Ctx refuses further store calls), so timed-out work does
not pile up."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from app.gql.context import Ctx

T = TypeVar("T")


class _LoopThread:
    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self._main, name=name, daemon=True).start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()


class Offload:
    def __init__(self, workers: int, heavy_workers: int) -> None:
        self.light = [_LoopThread(f"graphql-{i}") for i in range(workers)]
        self.heavy = [_LoopThread(f"graphql-heavy-{i}") for i in range(heavy_workers)]
        self._turn = itertools.count()

    async def run(self, make: Callable[[], Coroutine[Any, Any, T]], ctx: Ctx, timeout: float, heavy: bool) -> T:
        """Run the coroutine `make()` makes on a worker loop; TimeoutError after `timeout` seconds
        (the work is cancelled, also when this request itself is cancelled)."""
        lanes = self.heavy if heavy else self.light
        lane = lanes[next(self._turn) % len(lanes)]
        done = asyncio.run_coroutine_threadsafe(make(), lane.loop)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(done), timeout)
        except BaseException:
            ctx.cancel()
            done.cancel()  # cancels the task in its loop, thread-safely
            raise
