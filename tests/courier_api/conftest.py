"""Courier app API tests move the fixed clock on by minutes through whole rounds."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _long_tokens(tokens_outlive_the_clock: None) -> None:
    pass


@pytest.fixture
def pickup_for_courier(as_user: Callable[..., Any], make_shipment: Any, clock: Any) -> Callable[..., int]:
    """pickup_for_courier(n=1) -> id of a pickup of n new returns, assigned to the demo courier;
    its numbers are on the pickup's items."""

    def make(n: int = 1) -> int:
        numbers = [make_shipment.number("agency") for _ in range(n)]
        start = clock.now() + timedelta(hours=2)
        resp = as_user("agency").post("/api/v1/pickups", json={
            "window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat(),
            "contact": {"name": "Hoàng Thị Tiếp Nhận", "phone": "0987654321"},
            "tracking_numbers": numbers})
        assert resp.status_code == 201, resp.get_json()
        pickup_id = resp.get_json()["id"]
        resp = as_user("supervisor").post(f"/api/v1/pickups/{pickup_id}/assign", json={"courier": "courier"})
        assert resp.status_code == 200, resp.get_json()
        return int(pickup_id)

    return make
