"""Shipment-registry fixtures; PostgreSQL-only tests are skipped on SQLite."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

SHIPMENTS = "/api/v1/shipments"



@pytest.fixture
def create(as_user: Callable[..., Any], shipment_body: Callable[..., dict[str, Any]]) -> Callable[..., dict]:
    """create("clerk", service="intake") -> the 201 body of a new shipment."""

    def make(username: str = "clerk", **overrides: Any) -> dict[str, Any]:
        resp = as_user(username).post(SHIPMENTS, json=shipment_body(**overrides))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return make
