"""Failed authentications, counted per client address: past the limit, 429 for a while.

In memory, per worker process: enough to make guessing tokens slow (a token has 256
bits; the limit is against noise and credential stuffing, and it keeps the log short).
Behind a reverse proxy the client address is the proxy's unless uvicorn is told to trust
its ``X-Forwarded-For`` (``--forwarded-allow-ips``, docs/api.md).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
MAX_TRACKED = 100_000  # addresses remembered at most; the oldest are forgotten first


class FailureLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """Seconds this address must wait before it may try again; 0: it may now."""
        with self._lock:
            recent = self._recent(address)
            if recent is None or len(recent) < self.per_minute:
                return 0
            return max(1, int(recent[0] + WINDOW_SECONDS - self.clock()) + 1)

    def failed(self, address: str) -> None:
        with self._lock:
            recent = self._recent(address)
            if recent is None:
                if len(self._failures) >= MAX_TRACKED:
                    self._failures.pop(next(iter(self._failures)))
                recent = self._failures[address] = deque()
            recent.append(self.clock())

    def _recent(self, address: str) -> deque[float] | None:
        recent = self._failures.get(address)
        if recent is None:
            return None
        cutoff = self.clock() - WINDOW_SECONDS
        while recent and recent[0] <= cutoff:
            recent.popleft()
        if not recent:
            del self._failures[address]
            return None
        return recent
