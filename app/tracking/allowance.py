"""The public tracking allowance: TRACKING_RATE_LIMIT_PER_MINUTE lookups per client address and
clock minute, shared by the API and the /t/ page (0: no limit).

Counted with the limits library in the counters' storage (app.extensions.Counters) — memory
per process, or Redis shared by every app server — as sign-in failures are
(app.accounts.throttle): one counter increment per lookup, in the view, on the hottest public
path (bench/tracking.py measures it). Fixed windows: an increment, where a moving window keeps
a timestamp per lookup.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from flask import current_app, request
from limits import RateLimitItemPerMinute
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from app.counters import with_storage

F = TypeVar("F", bound=Callable[..., Any])
SCOPE = "public-tracking"


class TrackingThrottled(TooManyRequests):
    description = "Too many tracking requests from this address; retry later."


def rate_limited(view: F) -> F:
    """The view spends one lookup of the caller's allowance first (429 with Retry-After when none is left)."""

    @wraps(view)
    def spend_then(*args: Any, **kwargs: Any) -> Any:
        spend(request.remote_addr or "")
        return view(*args, **kwargs)

    return spend_then  # type: ignore[return-value]


def spend(address: str) -> None:
    per_minute = current_app.config["TRACKING_RATE_LIMIT_PER_MINUTE"]
    if per_minute <= 0:
        return
    wait = with_storage(lambda storage: _spend(storage, _item(per_minute), address), "tracking")
    if wait:
        raise TrackingThrottled(retry_after=wait)


def _spend(storage: Storage, item: RateLimitItemPerMinute, address: str) -> int:
    """0 once the lookup is counted; else the seconds until the address's window resets."""
    counter = FixedWindowRateLimiter(storage)
    if counter.hit(item, SCOPE, address):
        return 0
    return max(1, math.ceil(counter.get_window_stats(item, SCOPE, address).reset_time - time.time()))


@lru_cache(maxsize=8)
def _item(per_minute: int) -> RateLimitItemPerMinute:
    return RateLimitItemPerMinute(per_minute, namespace="hcc-track")
