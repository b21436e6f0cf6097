"""POST /api/v1/scans: batches, idempotency, one result per scan (acceptance point 4)."""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.shipments.models import Shipment, TrackingEvent

SCANS = "/api/v1/scans"


def _events(tn: str) -> list[TrackingEvent]:
    return list(db.session.scalars(
        select(TrackingEvent).join(Shipment, Shipment.id == TrackingEvent.shipment_id)
        .where(Shipment.tracking_number == tn).order_by(TrackingEvent.occurred_at, TrackingEvent.id)))


def _thousand_scans(scan, numbers: list[str], start) -> list[dict]:
    """50 scans per shipment: accepted, then arrivals and departures at two offices, a second apart."""
    scans = []
    for n, tn in enumerate(numbers):
        at = start + timedelta(seconds=n)
        scans.append(scan(tn, "accepted", at))
        for k in range(1, 50):
            office = "BC-BIMSON" if k % 4 < 2 else "BC-THANHHOA"
            scans.append(scan(tn, "arrived" if k % 2 else "departed", at + timedelta(seconds=20 * k),
                              office_code=office))
    return scans


def test_a_batch_of_1000_sent_three_times_records_each_scan_once(app, as_user, clock, scan, send, shipment_of,
                                                                 make_shipment):
    numbers = [make_shipment.number("agency") for _ in range(20)]
    start = clock.now() + timedelta(minutes=1)
    batch = _thousand_scans(scan, numbers, start)
    assert len(batch) == 1000
    clock.advance(hours=1)
    courier = as_user("courier")

    first = send(courier, batch)
    assert Counter(r["result"] for r in first) == {"recorded": 1000}
    for _ in range(2):
        again = send(courier, batch)
        assert Counter(r["result"] for r in again) == {"duplicate": 1000}

    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(TrackingEvent).where(
            TrackingEvent.scan_id.in_([uuid.UUID(s["id"]) for s in batch])))
        assert stored == 1000
        for tn in numbers:
            events = _events(tn)
            assert [e.event for e in events[:2]] == ["created", "accepted"] and len(events) == 51
            shipment = db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))
            assert shipment.status.value == "in_transit"
    assert [e["office_code"] for e in shipment_of(numbers[0])["events"][-3:]] == [
        "BC-THANHHOA", "BC-BIMSON", "BC-BIMSON"]


def test_a_batch_with_10_bad_scans_records_the_other_990(as_user, clock, scan, send, make_shipment):
    numbers = [make_shipment.number("agency") for _ in range(20)]
    other = make_shipment.number("agency")
    start = clock.now() + timedelta(minutes=1)
    batch = _thousand_scans(scan, numbers, start)
    clock.advance(hours=1)
    tn = numbers[0]
    bad = {
        10: ({**scan(tn, "arrived", start, office_code="BC-BIMSON"), "id": "not-a-uuid"}, "invalid_scan"),
        57: (scan(tn, "arrived", clock.now() + timedelta(minutes=6), office_code="BC-BIMSON"),
             "occurred_in_future"),
        108: (scan(tn, "arrived", start + timedelta(seconds=5), office_code="BC-BIMSON", lat=91.0, lon=105.8),
              "invalid_coordinates"),
        159: (scan("EE471108151FR", "arrived", start, office_code="BC-BIMSON"), "shipment_not_found"),
        210: (scan(tn, "delivered", start + timedelta(seconds=6)), "use_proof_of_delivery"),
        261: (scan(tn, "arrived", start + timedelta(seconds=7)), "office_required"),
        312: (scan(tn, "delivery_failed", start + timedelta(seconds=8)), "reason_required"),
        363: (scan(tn, "arrived", start + timedelta(seconds=9), office_code="BC-NOWHERE"), "unknown_office"),
        414: (scan(other, "returned", start + timedelta(seconds=10)), "invalid_transition"),
        465: (scan(tn, "cancelled", start + timedelta(seconds=11)), "use_cancel"),
    }
    for index, (bad_scan, _code) in bad.items():
        assert batch[index]["event"] != "accepted"  # each shipment's chain stays whole
        batch[index] = bad_scan
    results = send(as_user("courier"), batch)

    assert Counter(r["result"] for r in results) == {"recorded": 990, "rejected": 10}
    rejected = {i: r["error"]["code"] for i, r in enumerate(results) if r["result"] == "rejected"}
    assert rejected == {i: code for i, (_scan, code) in bad.items()}
    assert all(r["error"]["detail"] for r in results if r["result"] == "rejected")
    assert all("error" not in r for r in results if r["result"] != "rejected")


def test_the_answer_counts_and_keeps_the_order(as_user, step, clock, scan, make_shipment):
    tn = make_shipment.number("agency")
    clock.advance(minutes=30)
    t = clock.now() - timedelta(minutes=20)
    scans = [scan(tn, "arrived", t + timedelta(minutes=2), office_code="BC-BIMSON"),
             scan(tn, "accepted", t),  # sent after, happened before: placed first
             scan(tn, "nonsense", t)]
    resp = as_user("clerk").post(SCANS, json={"scans": scans})
    assert resp.status_code == 200
    body = resp.get_json()
    assert [r["result"] for r in body["results"]] == ["recorded", "recorded", "rejected"]
    assert (body["recorded"], body["duplicate"], body["rejected"]) == (2, 0, 1)
    assert body["results"][2]["error"]["code"] == "invalid_scan"
    assert "event" in body["results"][2]["error"]["detail"]


def test_a_scan_id_twice_in_one_batch_is_recorded_once(as_user, clock, scan, send, make_shipment):
    tn = make_shipment.number("agency")
    clock.advance(minutes=10)
    once = scan(tn, "accepted", clock.now())
    results = send(as_user("clerk"), [once, dict(once)])
    assert [r["result"] for r in results] == ["recorded", "duplicate"]
    bad = scan(tn, "arrived", clock.now())  # no office: rejected, and so is its repeat
    results = send(as_user("clerk"), [bad, dict(bad)])
    assert [r["error"]["code"] for r in results] == ["office_required", "duplicate_id_in_batch"]


def test_a_scan_id_reused_for_another_scan_is_rejected(as_user, clock, scan, send, make_shipment):
    tn = make_shipment.number("agency")
    clock.advance(minutes=10)
    first = scan(tn, "accepted", clock.now())
    send(as_user("clerk"), [first])
    reused = {**scan(tn, "arrived", clock.now(), office_code="BC-BIMSON"), "id": first["id"]}
    [result] = send(as_user("clerk"), [reused])
    assert result["error"]["code"] == "scan_id_reused"


def test_a_rejected_scan_may_be_sent_again_later(as_user, clock, scan, send, make_shipment):
    """Rejections leave no trace: an offline phone's scan that arrived before the one it
    follows is accepted when sent again after it."""
    tn = make_shipment.number("agency")
    clock.advance(minutes=30)
    arrived = scan(tn, "arrived", clock.now() - timedelta(minutes=5), office_code="BC-BIMSON")
    [first] = send(as_user("courier"), [arrived])
    assert first["error"]["code"] == "invalid_transition"
    send(as_user("clerk"), [scan(tn, "accepted", clock.now() - timedelta(minutes=10))])
    [again] = send(as_user("courier"), [arrived])
    assert again["result"] == "recorded"


@pytest.mark.parametrize(("body", "field"), [
    ({}, "scans"), ({"scans": []}, "scans"), ({"scans": "x"}, "scans"), ({"scans": [], "x": 1}, "x"),
])
def test_malformed_batches_are_422(as_user, body, field, problem):
    problem(as_user("courier").post(SCANS, json=body), 422, "validation_error", field)


def test_more_than_1000_scans_is_422(as_user, problem):
    scans = [{"id": str(uuid.uuid4())} for _ in range(1001)]
    problem(as_user("courier").post(SCANS, json={"scans": scans}), 422, "validation_error", "scans")


@pytest.mark.parametrize("item", [
    None, 1, "x", [], {}, {"id": 5}, {"id": str(uuid.uuid4()), "tracking_number": None},
    {"id": str(uuid.uuid4()), "tracking_number": "EE471108151FR", "event": "accepted",
     "occurred_at": "2026-11-23T09:00:00"},
    {"id": str(uuid.uuid4()), "tracking_number": "EE471108151FR", "event": "accepted",
     "occurred_at": "0001-01-01T00:00:00+14:00"},
    {"id": str(uuid.uuid4()), "tracking_number": "EE471108151FR", "event": "accepted",
     "occurred_at": "2026-11-23T09:00:00+07:00", "lat": True, "lon": 1e400},
    {"id": str(uuid.uuid4()), "tracking_number": "EE471108151FR", "event": "delivery_failed",
     "occurred_at": "2026-11-23T09:00:00+07:00", "reason": "bored"},
])
def test_a_scan_that_does_not_parse_is_rejected_alone(as_user, item, send):
    results = send(as_user("courier"), [item])
    assert results[0]["result"] == "rejected" and results[0]["error"]["code"] == "invalid_scan"


@pytest.mark.parametrize("role", ["agency", "admin"])
def test_only_couriers_clerks_and_supervisors_scan(as_user, role, clock, problem, scan, make_shipment):
    tn = make_shipment.number("agency")
    resp = as_user(role).post(SCANS, json={"scans": [scan(tn, "accepted", clock.now())]})
    problem(resp, 403, "role_forbidden")


def test_scanning_needs_a_token(client, problem):
    problem(client.post(SCANS, json={"scans": []}), 401)
