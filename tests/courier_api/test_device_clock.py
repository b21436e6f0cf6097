"""A phone's record carries the moment it corrected (occurred_at), its own clock reading and the
offset it measured at its last sync: the server keeps both for staff (UI.md §3), never for the
public tracking page, and refuses a malformed one naming the field."""
from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
OFFSET_MS = 95_000  # the phone runs 95 s slow


def _clock_fields(clock):
    device = clock.now() - timedelta(milliseconds=OFFSET_MS)
    return {"device_time": device.isoformat(), "clock_offset_ms": OFFSET_MS}


def test_a_scan_keeps_the_phone_clock_and_its_offset(as_user, make_shipment, walk, clock, scan, send,
                                                     shipment_of, client):
    tn = make_shipment.number("clerk")
    walk(tn, "accepted")
    clock.advance(minutes=10)
    [result] = send(as_user("courier"), [scan(tn, "out_for_delivery", clock.now(), **_clock_fields(clock))])
    assert result["result"] == "recorded", result
    event = shipment_of(tn)["events"][-1]
    assert event["event"] == "out_for_delivery" and event["clock_offset_ms"] == OFFSET_MS
    assert event["device_time"] == (clock.now() - timedelta(milliseconds=OFFSET_MS)).isoformat()
    assert shipment_of(tn)["events"][0]["device_time"] is None  # the clerk's scan sent none
    public = client.get(f"/api/v1/track/{tn}").get_json()
    assert all(e.keys().isdisjoint({"device_time", "clock_offset_ms"}) for e in public["events"])


@pytest.mark.parametrize(("field", "value"), [
    ("device_time", "2026-12-01T10:00:00"),  # no offset
    ("device_time", "yesterday"),
    ("clock_offset_ms", 8 * 24 * 3600 * 1000),  # more than a week off
    ("clock_offset_ms", "95000"),
    ("clock_offset_ms", 1.5),
])
def test_a_scan_with_a_malformed_clock_field_is_rejected_naming_it(as_user, make_shipment, walk, clock,
                                                                     scan, send, field, value):
    tn = make_shipment.number("clerk")
    walk(tn, "accepted")
    [result] = send(as_user("courier"), [scan(tn, "out_for_delivery", clock.now(), **{field: value})])
    assert result["result"] == "rejected" and result["error"]["code"] == "invalid_scan", result
    assert field in result["error"]["detail"]


def _delivery(clock, **extra):
    return {"recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
            "id_number": "038090001234", "occurred_at": clock.now().isoformat(),
            "signature_png": base64.b64encode(PNG).decode(), **extra}


def test_a_proof_of_delivery_keeps_the_phone_clock_on_its_event(as_user, make_shipment, walk, clock,
                                                                shipment_of):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    clock.advance(minutes=5)
    resp = as_user("courier").post(f"/api/v1/shipments/{tn}/delivery",
                                   json=_delivery(clock, **_clock_fields(clock)),
                                   headers={"Idempotency-Key": str(uuid.uuid4())})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["event"]["clock_offset_ms"] == OFFSET_MS
    [delivered] = [e for e in shipment_of(tn)["events"] if e["event"] == "delivered"]
    assert delivered["clock_offset_ms"] == OFFSET_MS
    assert delivered["device_time"] == (clock.now() - timedelta(milliseconds=OFFSET_MS)).isoformat()


def test_a_refused_id_keeps_the_phone_clock_on_the_failed_attempt(as_user, make_shipment, walk, clock,
                                                                  shipment_of):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    clock.advance(minutes=5)
    body = _delivery(clock, id_number="038090009999", **_clock_fields(clock))
    resp = as_user("courier").post(f"/api/v1/shipments/{tn}/delivery", json=body)
    assert resp.status_code == 422 and resp.get_json()["code"] == "id_mismatch"
    failed = shipment_of(tn)["events"][-1]
    assert failed["event"] == "delivery_failed" and failed["clock_offset_ms"] == OFFSET_MS


@pytest.mark.parametrize(("field", "value"), [
    ("device_time", "2026-12-01 10:00"),
    ("clock_offset_ms", -8 * 24 * 3600 * 1000),
    ("clock_offset_ms", True),
])
def test_a_proof_of_delivery_with_a_malformed_clock_field_is_refused_naming_it(
        as_user, make_shipment, walk, clock, problem, field, value):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    body = _delivery(clock, **{field: value})
    resp = as_user("courier").post(f"/api/v1/shipments/{tn}/delivery", json=body)
    problem(resp, 422, None, field)
