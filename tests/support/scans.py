"""Scans sent through the API as a courier's phone sends them, with the fixed clock moved on
as an item travels."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask

SCANS = "/api/v1/scans"


def _scan(tn: str, event: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "tracking_number": tn, "event": event,
            "occurred_at": at.isoformat(), **extra}


def _send(caller: Any, scans: list[Any]) -> list[dict[str, Any]]:
    resp = caller.post(SCANS, json={"scans": scans})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert len(body["results"]) == len(scans)
    sent_ids = [s.get("id") if isinstance(s, dict) and isinstance(s.get("id"), str) else None for s in scans]
    assert [r["id"] for r in body["results"]] == sent_ids
    return body["results"]


@pytest.fixture
def scan() -> Callable[..., dict[str, Any]]:
    """scan(tn, "arrived", at, office_code=...) -> a scan as a courier's phone sends it, fresh id."""
    return _scan


@pytest.fixture
def send() -> Callable[..., list[dict[str, Any]]]:
    """send(as_user("courier"), [scan, ...]) -> the per-scan results of POST /scans (200), in
    the order sent, each naming the id it answers."""
    return _send


@pytest.fixture
def scan_as() -> Callable[..., None]:
    """scan_as(caller, tn, "accepted", at, **extra): one scan that must be recorded."""

    def record(caller: Any, tn: str, event: str, at: datetime, **extra: Any) -> None:
        [result] = _send(caller, [_scan(tn, event, at, **extra)])
        assert result["result"] == "recorded", result

    return record


@pytest.fixture
def tokens_outlive_the_clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that move the fixed clock on by days (notices two working days apart)."""
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 60 * 86400)


@pytest.fixture
def step(as_user: Callable[..., Any], clock: Any) -> Callable[..., dict[str, Any]]:
    """step(tn, "arrived", office_code=..., user="courier", minutes=10): move the clock on, scan
    at that moment, return the scan's result."""

    def record(tn: str, event: str, *, user: str = "courier", minutes: float = 10,
               **extra: Any) -> dict[str, Any]:
        clock.advance(minutes=minutes)
        [result] = _send(as_user(user), [_scan(tn, event, clock.now(), **extra)])
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


@pytest.fixture
def accepted_intake(make_shipment: Any, as_user: Callable[..., Any], clock: Any,
                    scan_as: Callable[..., None]) -> Callable[..., str]:
    """accepted_intake(**overrides) -> the number of an intake dossier taken at the Bỉm Sơn
    counter (made and accepted by the clerk)."""

    def make(**overrides: Any) -> str:
        tn = make_shipment.number("clerk", service="intake", **overrides)
        scan_as(as_user("clerk"), tn, "accepted", clock.now())
        return tn

    return make


@pytest.fixture
def accepted_results(make_shipment: Any, as_user: Callable[..., Any], clock: Any,
                     scan_as: Callable[..., None]) -> Callable[..., list[str]]:
    """accepted_results(unit_codes, by="clerk", first=0) -> the numbers of the demo agency's
    results, one for each commune (recipients numbered from `first`), accepted by `by`."""

    def make(unit_codes: list[str], by: str = "clerk", first: int = 0) -> list[str]:
        numbers = []
        for i, unit_code in enumerate(unit_codes, start=first):
            recipient = {"name": f"Người nhận {i:02d}", "phone": "0912345678",
                         "address": {"line": f"Số {i + 1} đường Lê Lợi", "unit_code": unit_code}}
            tn = make_shipment("agency", beneficiary=None, recipient=recipient)["tracking_number"]
            scan_as(as_user(by), tn, "accepted", clock.now())
            numbers.append(tn)
        return numbers

    return make
