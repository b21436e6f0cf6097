"""Pickup fixtures: return rows as an agency uploads them, shipments made in bulk, pickup bodies."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

PICKUPS = "/api/v1/pickups"


def _return_row(**overrides: Any) -> dict[str, Any]:
    row = {"dossier": {"code": f"000.00.12.H56-261123-{uuid.uuid4().hex[:8]}",
                       "procedure": "Cấp giấy khai sinh"},
           "recipient": {"name": "Nguyễn Văn Ất", "phone": "0912345678", "address": {"line": "Thôn Đông",
                                                                                   "unit_code": "14812"}},
           "weight_g": 120, "items": [{"name": "Giấy khai sinh", "original": True, "count": 1}]}
    row.update(overrides)
    return row


@pytest.fixture
def return_row() -> Callable[..., dict[str, Any]]:
    """return_row(**overrides) -> one row of POST /pickups/returns (a new dossier code each time)."""
    return _return_row


@pytest.fixture
def returns(as_user: Callable[..., Any]) -> Callable[[int], list[str]]:
    """returns(n) -> tracking numbers of n new return shipments made in bulk by the demo agency."""

    def make(n: int) -> list[str]:
        resp = as_user("agency").post(f"{PICKUPS}/returns",
                                      json={"shipments": [_return_row() for _ in range(n)]})
        assert resp.status_code == 201, resp.get_json()
        return [s["tracking_number"] for s in resp.get_json()["shipments"]]

    return make


@pytest.fixture
def pickup_body(clock: Any) -> Callable[..., dict[str, Any]]:
    def make(numbers: list[str], **overrides: Any) -> dict[str, Any]:
        start = clock.now() + timedelta(hours=2)
        body = {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat(),
                "contact": {"name": "Hoàng Thị Tiếp Nhận", "phone": "0987654321"},
                "tracking_numbers": numbers}
        body.update(overrides)
        return body

    return make
