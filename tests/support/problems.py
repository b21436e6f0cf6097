"""The RFC 9457 problem+json assertion (SPEC §7)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def _assert_problem(resp: Any, status: int, code: str | None = None, *fields: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == "application/problem+json", resp.content_type
    body = resp.get_json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys(), body
    assert body["status"] == status and body["type"].endswith("/" + body["code"])
    if code is not None:
        assert body["code"] == code, body
    for field in fields:
        assert field in body.get("errors", {}), body
    return body


@pytest.fixture
def problem() -> Callable[..., dict[str, Any]]:
    """problem(resp, 422, "validation_error", "cursor") checks an RFC 9457 answer with this
    status (and code, and each field named in `errors`) and returns its body."""
    return _assert_problem
