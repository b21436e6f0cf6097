"""A token bucket per client address, in process memory: each gunicorn worker keeps its own,
so a client may get up to (workers × limit) in the worst case; put a shared limiter in front
of the service if that matters."""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests

MAX_CLIENTS = 50_000  # buckets kept before idle ones are dropped


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0  # tokens per second
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()

    def wait_for(self, client: str, now: float | None = None) -> float:
        """Take a token: 0 when allowed, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, at = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - at) * self._rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget_idle(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self._rate

    def _forget_idle(self, now: float) -> None:
        full = [c for c, (tokens, at) in self._buckets.items()
                if tokens + (now - at) * self._rate >= self.per_minute]
        for client in full:
            del self._buckets[client]
        if len(self._buckets) > MAX_CLIENTS:  # a flood of busy addresses: keep the newest half
            keep = sorted(self._buckets.items(), key=lambda kv: kv[1][1])[MAX_CLIENTS // 2:]
            self._buckets = dict(keep)


def limiter() -> RateLimiter | None:
    """The app's limiter for TRACKING_RATE_LIMIT_PER_MINUTE (None when 0: no limit)."""
    per_minute = current_app.config["TRACKING_RATE_LIMIT_PER_MINUTE"]
    if per_minute <= 0:
        return None
    current = current_app.extensions.get("hcc.tracking_limiter")
    if current is None or current.per_minute != per_minute:
        current = current_app.extensions["hcc.tracking_limiter"] = RateLimiter(per_minute)
    return current


def rate_limited(func: Callable) -> Callable:
    """429 problem+json with Retry-After once a client address exceeds its allowance."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bucket = limiter()
        if bucket is not None:
            wait = bucket.wait_for(request.remote_addr or "unknown")
            if wait:
                raise TooManyRequests("Too many tracking requests from this address; retry later.",
                                      retry_after=max(1, math.ceil(wait)))
        return func(*args, **kwargs)

    return wrapper
