"""Acceptance 6, first half: each SPEC §9 event leaves one outbox message per channel and
recipient, in the transaction of the event, and none when that transaction rolls back."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.notifications.models import Channel, OutboxMessage, OutboxStatus, WebhookSubscription
from app.notifications.services import enqueue_for_event
from app.orgs.services import agency_by_code
from app.shipments.models import TrackingEvent
from app.shipments.services import record_event

pytestmark = pytest.mark.usefixtures("ctx")

CITIZEN_PHONE = "0912345678"


def subscribe(agency_code="UBND-14812", events=(), active=True, url="http://127.0.0.1:9/hook"):
    agency = agency_by_code(agency_code)
    sub = WebhookSubscription(agency_id=agency.id, url=url, secret="s" * 64, events=list(events),
                              active=active, created_at=clock.now())
    db.session.add(sub)
    db.session.commit()
    return sub


@pytest.fixture
def sms_of(outbox):
    def find(shipment, event_row):
        return [m for m in outbox(shipment, channel=Channel.sms) if m.event_id == event_row.id]
    return find


# (service, events recorded before, the event, SMS template). The citizen is the sender of
# an intake order and the recipient of a return.
SPEC_SMS = [
    ("intake", [], "accepted", "accepted"),
    ("both", [], "accepted", "accepted"),
    ("intake", ["accepted"], "delivered", "handed_over"),
    ("both", ["accepted"], "delivered", "handed_over"),
    ("return", ["accepted"], "out_for_delivery", "out_for_delivery"),
    ("return", ["accepted", "out_for_delivery"], "delivery_failed", "delivery_failed"),
    ("return", ["accepted", "out_for_delivery"], "delivered", "delivered"),
]


@pytest.mark.parametrize(("service", "before", "name", "template"), SPEC_SMS)
def test_each_spec_event_queues_one_sms_to_the_citizen(ship, event, service, before, name, template, sms_of):
    shipment = ship(service)
    for earlier in before:
        event(shipment, earlier)
    kw = {"reason": "addressee_absent"} if name == "delivery_failed" else {}
    row = event(shipment, name, **kw)
    [sms] = sms_of(shipment, row)
    assert sms.phone == CITIZEN_PHONE
    assert sms.status is OutboxStatus.pending and sms.attempts == 0
    assert sms.topic == f"shipment.{name}"
    assert sms.payload["template"] == template
    assert shipment.tracking_number in sms.payload["text"]


def test_result_ready_when_the_agency_creates_the_return(ship, sms_of):
    shipment = ship("return")
    created = db.session.scalar(select(TrackingEvent).where(TrackingEvent.shipment_id == shipment.id))
    [sms] = sms_of(shipment, created)
    assert sms.payload["template"] == "result_ready"
    assert sms.phone == CITIZEN_PHONE  # the recipient of a return
    assert "UBND phường Bỉm Sơn đã có kết quả hồ sơ" in sms.payload["text"]


# (service, events recorded before, the event): each history is one the lifecycle allows.
QUIET = [
    ("intake", [], "created"),
    ("intake", ["accepted"], "arrived"),
    ("intake", ["accepted"], "out_for_delivery"),
    ("return", [], "accepted"),
    ("return", ["accepted"], "arrived"),
    ("return", ["accepted"], "departed"),
    # Refused at the door: the item may go back at once (SPEC §3).
    ("return", ["accepted", "out_for_delivery", ("delivery_failed", "refused")], "returned"),
    ("return", [], "cancelled"),
]


@pytest.mark.parametrize(("service", "before", "name"), QUIET)
def test_other_events_send_no_sms(ship, event, service, before, name, sms_of):
    shipment = ship(service)
    for earlier in before:
        if isinstance(earlier, tuple):
            event(shipment, earlier[0], reason=earlier[1])
        else:
            event(shipment, earlier)
    row = event(shipment, name) if name != "created" else db.session.scalar(
        select(TrackingEvent).where(TrackingEvent.shipment_id == shipment.id))
    assert sms_of(shipment, row) == []


def test_a_fixed_line_gets_no_sms(ship, event, sms_of):
    shipment = ship("intake", sender={"name": "Công ty A", "phone": "02373999999",
                                      "address": {"line": "Số 5", "unit_code": "14812"}})
    row = event(shipment, "accepted")
    assert sms_of(shipment, row) == []


def test_a_late_scan_already_superseded_sends_no_notice(ship, event, sms_of):
    shipment = ship("return")
    event(shipment, "accepted")
    event(shipment, "out_for_delivery")
    event(shipment, "delivered")
    # A courier's offline phone syncs the morning's scan after the delivery (SPEC §6).
    late = TrackingEvent(shipment_id=shipment.id, event="out_for_delivery", upu_code="EDG",
                         occurred_at=clock.now(), recorded_at=clock.now())
    db.session.add(late)
    db.session.flush()
    enqueue_for_event(shipment, late)
    assert sms_of(shipment, late) == []


def test_handover_sms_carries_the_appointment_date_when_known(ship, event, sms_of):
    shipment = ship("intake")
    event(shipment, "accepted")
    shipment.appointment_on = date(2026, 12, 4)  # as the handover record will set it
    row = event(shipment, "delivered")
    [sms] = sms_of(shipment, row)
    assert "Ngày hẹn trả kết quả: 04/12/2026" in sms.payload["text"]


def test_one_webhook_per_subscription_of_the_shipments_agency_filtered_by_events(ship, event, outbox):
    everything = subscribe()
    deliveries_only = subscribe(events=["delivered"])
    subscribe("UBND-14818")  # another agency's
    shipment = ship("return")
    accepted = event(shipment, "accepted")
    delivered = event(shipment, "delivered")
    hooks = outbox(shipment, channel=Channel.webhook)
    assert [(m.event_id, m.subscription_id) for m in hooks if m.event_id == accepted.id] == [
        (accepted.id, everything.id)]
    assert sorted((m.event_id, m.subscription_id) for m in hooks if m.event_id == delivered.id) == [
        (delivered.id, everything.id), (delivered.id, deliveries_only.id)]
    body = next(m for m in hooks if m.event_id == delivered.id).payload
    assert body["type"] == "shipment.delivered"
    assert body["event"]["id"] == delivered.id and body["event"]["upu_code"] == "EMI"
    assert body["event"]["office_code"] == "BC-BIMSON"
    assert body["shipment"] == {
        "tracking_number": shipment.tracking_number, "service": "return", "status": "delivered",
        "dossier_code": shipment.dossier_code, "agency_code": "UBND-14812",
        "due_date": shipment.due_date.isoformat() if shipment.due_date else None}


def test_the_created_event_reaches_subscribers_in_the_creating_request(ship, outbox):
    sub = subscribe()
    shipment = ship("return")
    [hook] = outbox(shipment, channel=Channel.webhook)
    assert hook.subscription_id == sub.id and hook.topic == "shipment.created"


def test_disabled_subscriptions_still_collect_deleted_ones_do_not(ship, event, outbox):
    disabled = subscribe(active=False)
    deleted = subscribe()
    deleted.deleted_at, deleted.active = clock.now(), False
    db.session.commit()
    shipment = ship("return")
    event(shipment, "accepted")
    assert {m.subscription_id for m in outbox(shipment, channel=Channel.webhook)} == {disabled.id}


def test_nothing_is_queued_when_the_transaction_rolls_back(ship, event, outbox):
    subscribe()
    shipment = ship("return")
    event(shipment, "accepted")
    before = len(outbox(shipment))
    row = record_event(shipment, "out_for_delivery", actor=None, occurred_at=clock.now())
    event_id = row.id
    assert len(outbox(shipment)) == before + 2  # SMS and webhook, in the event's transaction
    db.session.rollback()
    assert db.session.get(TrackingEvent, event_id) is None
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.event_id == event_id)).all() == []
    assert len(outbox(shipment)) == before


def test_the_subscription_lookup_is_one_query_per_agency_and_transaction(ship, event, outbox):
    subscribe()
    first, second = ship("return"), ship("return")
    event(first, "accepted")
    event(second, "accepted")
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM webhook_subscriptions" in statement:
            statements.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        for shipment in (first, second, first):
            record_event(shipment, "arrived", actor=None, occurred_at=clock.now(), office=shipment.office)
        assert len(statements) == 1
        late = subscribe(events=["departed"])  # commits: a new transaction looks again
        record_event(first, "departed", actor=None, occurred_at=clock.now(), office=first.office)
        assert len(statements) == 2
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert any(m.subscription_id == late.id for m in outbox(first, channel=Channel.webhook))
