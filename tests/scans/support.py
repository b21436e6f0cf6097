"""Helpers and fixtures for scans, delivery and tracking tests: return shipments made through
the API, scans sent through the API, the fixed clock moved forward as an item travels."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

SCANS = "/api/v1/scans"
SHIPMENTS = "/api/v1/shipments"
TRACK = "/api/v1/track"


def scan(tn: str, event: str, at: datetime, **extra: Any) -> dict[str, Any]:
    """A scan as a courier's phone sends it, with a fresh id."""
    return {"id": str(uuid.uuid4()), "tracking_number": tn, "event": event,
            "occurred_at": at.isoformat(), **extra}


def send(caller: Any, scans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    resp = caller.post(SCANS, json={"scans": scans})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert len(body["results"]) == len(scans)
    sent_ids = [s.get("id") if isinstance(s, dict) and isinstance(s.get("id"), str) else None for s in scans]
    assert [r["id"] for r in body["results"]] == sent_ids
    return body["results"]


@pytest.fixture(autouse=True)
def _tokens_outlive_the_clock(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests move the fixed clock on by days (notices two working days apart)."""
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 60 * 86400)


@pytest.fixture
def make_return(as_user: Callable[..., Any], shipment_body: Callable[..., dict[str, Any]]) -> Callable[..., str]:
    """make_return(**overrides) -> the tracking number of a new return shipment (by the agency,
    at the Bỉm Sơn office; the recipient's CCCD is 038090001234)."""

    def make(**overrides: Any) -> str:
        resp = as_user("agency").post(SHIPMENTS, json=shipment_body(**overrides))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["tracking_number"]

    return make


@pytest.fixture
def step(as_user: Callable[..., Any], clock: Any) -> Callable[..., dict[str, Any]]:
    """step(tn, "arrived", office_code=..., user="courier", minutes=10): move the clock on, scan
    at that moment, return the scan's result."""

    def record(tn: str, event: str, *, user: str = "courier", minutes: float = 10, **extra: Any) -> dict[str, Any]:
        clock.advance(minutes=minutes)
        [result] = send(as_user(user), [scan(tn, event, clock.now(), **extra)])
        return result

    return record


@pytest.fixture
def walk(step: Callable[..., dict[str, Any]]) -> Callable[..., None]:
    """walk(tn, "accepted", "arrived", ...): scans that must all be recorded, ten minutes apart."""
    details = {"arrived": {"office_code": "BC-BIMSON"}, "departed": {"office_code": "BC-BIMSON"},
               "delivery_failed": {"reason": "addressee_absent"}}

    def go(tn: str, *events: str) -> None:
        for event in events:
            result = step(tn, event, **details.get(event, {}))
            assert result["result"] == "recorded", (event, result)

    return go


def shipment_of(as_user: Callable[..., Any], tn: str, user: str = "supervisor") -> dict[str, Any]:
    resp = as_user(user).get(f"{SHIPMENTS}/{tn}")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()
