"""Shipments made and read through the API, as the counter, the agency or a courier would."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

SHIPMENTS = "/api/v1/shipments"


class ShipmentFactory:
    """make_shipment("agency", service="intake", ...) -> the 201 body of a new shipment made
    through POST /shipments by that demo user; keyword overrides replace top-level keys of the
    SPEC §7 body (a return to the Bỉm Sơn office; the recipient's CCCD is 038090001234).
    make_shipment.number(...) -> just its tracking number."""

    def __init__(self, as_user: Callable[..., Any], shipment_body: Callable[..., dict[str, Any]]) -> None:
        self.as_user = as_user
        self.shipment_body = shipment_body

    def __call__(self, role: str = "clerk", **overrides: Any) -> dict[str, Any]:
        resp = self.as_user(role).post(SHIPMENTS, json=self.shipment_body(**overrides))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    def number(self, role: str = "clerk", **overrides: Any) -> str:
        return self(role, **overrides)["tracking_number"]


@pytest.fixture
def make_shipment(as_user: Callable[..., Any],
                  shipment_body: Callable[..., dict[str, Any]]) -> ShipmentFactory:
    return ShipmentFactory(as_user, shipment_body)


@pytest.fixture
def shipment_of(as_user: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    """shipment_of(tn, user="supervisor") -> GET /shipments/{tn} as that user (200)."""

    def read(tn: str, user: str = "supervisor") -> dict[str, Any]:
        resp = as_user(user).get(f"{SHIPMENTS}/{tn}")
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    return read
