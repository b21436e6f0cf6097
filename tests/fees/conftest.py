"""Fee fixtures: bodies with chosen communes, and calls to POST /api/v1/quotes."""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

QUOTES = "/api/v1/quotes"
BIM_SON, HA_TRUNG = "14812", "15271"


@pytest.fixture
def body(shipment_body: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """body(sender=, recipient=, **top-level overrides): the SPEC §7 body, by default the
    acceptance case (return 14812 → 15271, 120 g, 2020-03-16) with no beneficiary."""

    def make(sender: str = BIM_SON, recipient: str = HA_TRUNG, **overrides: Any) -> dict[str, Any]:
        overrides.setdefault("beneficiary", None)
        b = shipment_body(**overrides)
        b["sender"] = copy.deepcopy(b["sender"])
        b["recipient"] = copy.deepcopy(b["recipient"])
        b["sender"]["address"]["unit_code"] = sender
        b["recipient"]["address"]["unit_code"] = recipient
        return b

    return make


@pytest.fixture
def quote(as_user: Callable[..., Any], body: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """quote(sender=, recipient=, **overrides) -> the 200 answer of POST /quotes (as the clerk)."""

    def call(**kwargs: Any) -> dict[str, Any]:
        resp = as_user("clerk").post(QUOTES, json=body(**kwargs))
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    return call


@pytest.fixture
def tariff_body() -> Callable[..., dict[str, Any]]:
    """A new tariff version as the admin posts it (defaults: the SPEC §5 figures)."""

    def make(version: str, effective_from: str = "2026-11-23", **overrides: Any) -> dict[str, Any]:
        b: dict[str, Any] = {
            "version": version, "effective_from": effective_from,
            "prices_include_vat": True, "vat_rate_bp": 1000,
            "base_weight_g": 100, "base_tolerance_g": 20, "step_weight_g": 500, "max_weight_g": 30000,
            "local_radius_km": 10, "remote_threshold_km": 40, "remote_surcharge_vnd": 5000,
            "collection_fee_vnd": 8000,
            "zones": {z: {"base_vnd": amount, "step_vnd": 5000} for z, amount in (
                ("local", 26000), ("intra_province", 30000), ("inter_same_region", 30500),
                ("inter_adjacent_region", 31000), ("inter_far_region", 31500))},
        }
        b.update(overrides)
        return b

    return make
