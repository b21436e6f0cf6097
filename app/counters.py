"""Allowances counted in the counters' storage (app.extensions.Counters, RATELIMIT_STORAGE_URI:
memory per process, or Redis shared by every worker and app server): app.accounts.throttle,
app.tracking.allowance."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage

from app.extensions import counters

log = logging.getLogger(__name__)
T = TypeVar("T")


def with_storage(operation: Callable[[Storage], T], counting: str) -> T:
    """`operation` on the shared storage; while it does not answer, on this process's memory
    (kept as app.extensions["hcc.<counting>_fallback"])."""
    try:
        return operation(counters.storage)
    except StorageError as exc:
        log.warning("rate-limit storage unreachable (%s); counting %s in this process",
                    type(exc.storage_error).__name__, counting)
        fallback = current_app.extensions.setdefault(f"hcc.{counting}_fallback", MemoryStorage())
        return operation(fallback)
