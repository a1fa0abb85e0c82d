"""Failed attempts per client in a sliding window (the reload mutation's admin token)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class FailureLimiter:
    """At most `max_failures` failures per client within `window_seconds`; a client over it is
    refused until its oldest failure in the window is older than the window. Thread-safe; at most
    `max_clients` clients are remembered (the least recently failed are forgotten first)."""

    def __init__(self, max_failures: int, window_seconds: float, max_clients: int = 10_000) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        times = self._failures.get(client)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        return times

    def retry_after(self, client: str) -> float | None:
        """Seconds until `client` may try again, or None when it may now."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if times is None or len(times) < self.max_failures:
                return None
            return times[-self.max_failures] + self.window - now

    def fail(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if times is None:
                times = self._failures[client] = deque(maxlen=self.max_failures)
            times.append(now)
            self._failures.move_to_end(client)
            while len(self._failures) > self.max_clients:
                self._failures.popitem(last=False)
