"""Helpers for handover, pickup, money and dispatch tests: shipments made and moved through
the API as the counter, the agency and the courier would."""
from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

SHIPMENTS = "/api/v1/shipments"
SCANS = "/api/v1/scans"
HANDOVERS = "/api/v1/handovers"


def pdf_text(body: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True)
    return out.stdout.decode()


def scan_as(caller: Any, tn: str, event: str, at: datetime, **extra: Any) -> None:
    resp = caller.post(SCANS, json={"scans": [{"id": str(uuid.uuid4()), "tracking_number": tn,
                                               "event": event, "occurred_at": at.isoformat(), **extra}]})
    assert resp.status_code == 200 and resp.get_json()["results"][0]["result"] == "recorded", resp.get_json()


@pytest.fixture
def make_shipment(as_user: Callable[..., Any], shipment_body: Callable[..., dict[str, Any]]) -> Callable[..., dict]:
    """make_shipment("clerk", service="intake") -> the 201 body."""

    def make(username: str = "clerk", **overrides: Any) -> dict[str, Any]:
        resp = as_user(username).post(SHIPMENTS, json=shipment_body(**overrides))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return make


@pytest.fixture
def accepted_intake(make_shipment: Callable[..., dict], as_user: Callable[..., Any], clock: Any) -> Callable[..., str]:
    """An intake dossier taken at the Bỉm Sơn counter (accepted by the clerk); its number."""

    def make(**overrides: Any) -> str:
        tn = make_shipment("clerk", service="intake", **overrides)["tracking_number"]
        scan_as(as_user("clerk"), tn, "accepted", clock.now())
        return tn

    return make
