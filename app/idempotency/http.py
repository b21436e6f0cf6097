"""The Idempotency-Key header for POST views that create something (SPEC §7)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, request

from app.accounts.auth import current_user
from app.errors import ValidationFailed
from app.idempotency import services

HEADER = "Idempotency-Key"


def idempotent(func: Callable) -> Callable:
    """Apply below @requires and above @blp.arguments/@blp.response."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return func(*args, **kwargs)
        key = key.strip()
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise ValidationFailed(HEADER, "1 to 255 printable characters.")
        ttl = current_app.config["IDEMPOTENCY_TTL_SECONDS"]
        print_ = services.fingerprint(request.method, request.path, request.get_data())
        claimed = services.claim(current_user().id, key, print_, ttl)
        if isinstance(claimed, services.StoredResponse):
            replay = Response(claimed.body, status=claimed.status_code, mimetype="application/json")
            if claimed.location:
                replay.headers["Location"] = claimed.location
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response = current_app.make_response(func(*args, **kwargs))
        if response.status_code < 300:
            services.complete(claimed, response.status_code,
                              response.get_data(as_text=True), response.headers.get("Location"))
        return response

    return wrapper
