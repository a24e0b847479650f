"""Requests per minute per client, as a token bucket: a burst of up to N, then one every 60/N seconds.

A bucket per client holds up to N tokens, refills at N per minute and pays one per request;
an empty bucket says how many whole seconds until the next token (the ``Retry-After`` a 429
carries). Buckets that have refilled are forgotten once there are many clients, so memory
stays bounded by the clients active within the last minute.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # whole seconds until this client may ask again (0 when allowed)


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000):
        self.per_minute = per_minute
        self._rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when counted)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def hit(self, client: str) -> Verdict:
        """Count one request from ``client``; refused when its bucket is empty."""
        if not self.enabled:
            return Verdict(True)
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * self._rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                if len(self._buckets) > self._max_clients:
                    self._forget_full(now)
                return Verdict(True)
            self._buckets[client] = (tokens, now)
            return Verdict(False, max(1, math.ceil((1.0 - tokens) / self._rate)))

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: a client coming back starts full anyway."""
        full = [c for c, (tokens, then) in self._buckets.items()
                if tokens + (now - then) * self._rate >= self.per_minute]
        for c in full:
            del self._buckets[c]
