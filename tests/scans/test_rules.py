"""Scans follow the status machine (SPEC §6): late scans kept in time order, finals final,
returns only after the notice rule; and who may scan what."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import create_user
from app.extensions import db
from app.shipments.models import Shipment

SHIPMENTS = "/api/v1/shipments"


def test_every_event_carries_its_upu_code(walk, shipment_of, make_shipment):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "arrived", "departed", "out_for_delivery", "delivery_failed")
    events = shipment_of(tn)["events"]
    assert [(e["event"], e["upu_code"]) for e in events] == [
        ("created", None), ("accepted", "EMA"), ("arrived", "EMG"), ("departed", "EMC"),
        ("out_for_delivery", "EDG"), ("delivery_failed", "EMH")]
    assert events[-1]["reason"] == "addressee_absent"
    assert shipment_of(tn)["status"] == "awaiting_collection"


def test_late_scans_are_kept_in_time_order_and_the_status_recomputed(as_user, walk, clock, scan, send,
                                                                     shipment_of, make_shipment):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    # The morning's arrival scan, synced late from an offline phone: before the round.
    [late] = send(as_user("courier"), [scan(tn, "arrived", clock.now() - timedelta(minutes=5),
                                            office_code="BC-BIMSON")])
    assert late["result"] == "recorded"
    events = shipment_of(tn)["events"]
    assert [e["event"] for e in events] == ["created", "accepted", "arrived", "out_for_delivery"]
    assert shipment_of(tn)["status"] == "out_for_delivery"
    # Two offline scans in one batch, sent newest first: the status is that of the latest.
    clock.advance(hours=1)
    batch = [scan(tn, "delivery_failed", clock.now() - timedelta(minutes=10), reason="addressee_absent"),
             scan(tn, "arrived", clock.now() - timedelta(minutes=30), office_code="BC-BIMSON"),
             scan(tn, "out_for_delivery", clock.now() - timedelta(minutes=20))]
    assert [r["result"] for r in send(as_user("courier"), batch)] == ["recorded"] * 3
    assert shipment_of(tn)["status"] == "awaiting_collection"


def test_a_late_scan_that_would_break_the_timeline_is_refused(as_user, step, walk, clock, scan, send,
                                                              make_shipment):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    step(tn, "delivery_failed", reason="refused")
    walk(tn, "returned")
    # Out for delivery between the refusal and the return: the return could not follow it.
    [result] = send(as_user("courier"), [scan(tn, "out_for_delivery", clock.now() - timedelta(minutes=5))])
    assert result["error"]["code"] == "out_of_sequence"
    assert "returned" in result["error"]["detail"]


def test_anything_after_delivered_is_refused(app, as_user, walk, clock, scan, send, shipment_of,
                                             make_shipment):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    clock.advance(minutes=10)
    resp = as_user("courier").post(f"{SHIPMENTS}/{tn}/delivery", json={
        "recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
        "id_number": "038090001234", "occurred_at": clock.now().isoformat()})
    assert resp.status_code == 201, resp.get_json()
    clock.advance(minutes=10)
    after = [scan(tn, e, clock.now(), **kw) for e, kw in [
        ("arrived", {"office_code": "BC-BIMSON"}), ("out_for_delivery", {}),
        ("delivery_failed", {"reason": "addressee_absent"}), ("returned", {})]]
    results = send(as_user("courier"), after)
    assert {r["error"]["code"] for r in results} == {"shipment_final"}
    # A scan made before the delivery and synced late is history, and kept.
    [late] = send(as_user("courier"), [scan(tn, "arrived", clock.now() - timedelta(minutes=25),
                                            office_code="BC-BIMSON")])
    assert late["result"] == "recorded"
    assert shipment_of(tn)["status"] == "delivered"


def test_cancelled_after_acceptance_is_refused(as_user, walk, shipment_of, make_shipment):
    tn = make_shipment.number("agency")
    walk(tn, "accepted")
    resp = as_user("clerk").post(f"{SHIPMENTS}/{tn}/cancel", json={})
    assert resp.status_code == 409 and resp.get_json()["code"] == "not_cancellable"
    assert shipment_of(tn)["status"] == "accepted"


def test_returned_only_after_two_notices_two_working_days_apart(step, walk, clock, shipment_of,
                                                                make_shipment):
    """Acceptance point 3. Monday 23 November 2026; Tuesday 24 is a public holiday."""
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery", "delivery_failed")  # first notice, Monday
    assert step(tn, "returned")["error"]["code"] == "return_not_allowed"
    clock.advance(days=2)  # Wednesday: one working day later, not two
    walk(tn, "out_for_delivery", "delivery_failed")
    refused = step(tn, "returned")
    assert refused["error"]["code"] == "return_not_allowed"
    assert "26/11/2026" in refused["error"]["detail"]
    clock.advance(days=1)  # Thursday: the third notice is two working days after the first
    walk(tn, "out_for_delivery", "delivery_failed")
    assert step(tn, "returned")["result"] == "recorded"
    assert shipment_of(tn)["status"] == "returned"


def test_a_refusal_lets_the_item_go_back_at_once(step, walk, make_shipment):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    assert step(tn, "delivery_failed", reason="refused")["result"] == "recorded"
    assert step(tn, "returned")["result"] == "recorded"


@pytest.fixture
def stranger(app):
    """A courier of the Hà Trung office."""
    with app.app_context():
        user = create_user(username="courier-hatrung", password="demo-courier-hatrung",
                           role=Role.courier, full_name="Lê Văn Khác", office_code="BC-HATRUNG")
        db.session.commit()
        return user.id


def test_couriers_scan_their_office_items_or_those_assigned_to_them(app, as_user, stranger, clock, scan, send,
                                                                    make_shipment):
    tn = make_shipment.number("agency")  # at the Bỉm Sơn office
    clock.advance(minutes=10)
    outsider = as_user("courier-hatrung")
    [refused] = send(outsider, [scan(tn, "accepted", clock.now())])
    assert refused["error"]["code"] == "shipment_not_found"
    with app.app_context():
        shipment = db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))
        shipment.courier_id = stranger
        db.session.commit()
    [assigned] = send(outsider, [scan(tn, "accepted", clock.now())])
    assert assigned["result"] == "recorded"


def test_supervisors_scan_anything(as_user, clock, scan, send, shipment_of, make_shipment):
    tn = make_shipment.number("agency")
    clock.advance(minutes=10)
    [result] = send(as_user("supervisor"), [scan(tn, "accepted", clock.now())])
    assert result["result"] == "recorded"
    event = shipment_of(tn)["events"][-1]
    assert event["office_code"] == "BC-THANHHOA"  # the scanner's office, when the scan names none


def test_the_scan_keeps_who_where_and_when(app, as_user, clock, scan, send, make_shipment):
    tn = make_shipment.number("agency")
    clock.advance(minutes=10)
    sent = scan(tn, "accepted", clock.now() - timedelta(minutes=3), lat=20.08, lon=105.86,
                note="Nhận tại UBND")
    send(as_user("courier"), [sent])
    with app.app_context():
        from app.shipments.models import TrackingEvent
        row = db.session.scalar(select(TrackingEvent).where(TrackingEvent.event == "accepted")
                                .join(Shipment).where(Shipment.tracking_number == tn))
        courier = db.session.scalar(select(User).where(User.username == "courier"))
        assert (row.actor_id, row.office_id, str(row.scan_id)) == (courier.id, courier.office_id, sent["id"])
        assert (row.lat, row.lon, row.note) == (20.08, 105.86, "Nhận tại UBND")
        assert row.occurred_at == clock.now() - timedelta(minutes=3) and row.recorded_at == clock.now()


@pytest.mark.parametrize(("lat", "lon"), [(91, 105), (20, 181), (-33.9, 151.2), (20.0, None), (0, 0)])
def test_impossible_coordinates_are_rejected(as_user, clock, lat, lon, scan, send, make_shipment):
    tn = make_shipment.number("agency")
    clock.advance(minutes=10)
    extra = {"lat": lat} if lon is None else {"lat": lat, "lon": lon}
    [result] = send(as_user("courier"), [scan(tn, "accepted", clock.now(), **extra)])
    assert result["error"]["code"] == "invalid_coordinates"


def test_the_clock_skew_allowed_is_configurable(app, as_user, clock, monkeypatch, scan, send, make_shipment):
    tn = make_shipment.number("agency")
    ahead = clock.now() + timedelta(minutes=4)
    [ok] = send(as_user("courier"), [scan(tn, "accepted", ahead)])
    assert ok["result"] == "recorded"
    monkeypatch.setitem(app.config, "SCAN_CLOCK_SKEW_SECONDS", 60)
    [late] = send(as_user("courier"), [scan(tn, "arrived", ahead + timedelta(seconds=1),
                                            office_code="BC-BIMSON")])
    assert late["error"]["code"] == "occurred_in_future"
