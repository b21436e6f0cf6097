"""Two handover records for the same dossiers at once, on PostgreSQL: one is signed, the other
refused with 409; the dossier is delivered once. Real commits, cleaned up after."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.handovers.models import HandoverRecord
from app.shipments.models import Shipment, TrackingEvent

SHIPMENTS = "/api/v1/shipments"
SCANS = "/api/v1/scans"
HANDOVERS = "/api/v1/handovers"

pytestmark = pytest.mark.postgres


def test_an_item_is_never_on_two_records_in_force(committed_run, shipment_body, clock, together):
    with committed_run.app.app_context():
        first_record = db.session.scalar(select(func.max(HandoverRecord.id))) or 0
    committed_run.also_delete(delete(HandoverRecord).where(HandoverRecord.id > first_record))
    clerk, auth = committed_run.client("clerk")
    numbers = []
    for i in range(3):
        body = shipment_body(service="intake", dossier=committed_run.dossier(str(i)))
        tn = clerk.post(SHIPMENTS, json=body, headers=auth).get_json()["tracking_number"]
        clerk.post(SCANS, headers=auth, json={"scans": [{
            "id": str(uuid.uuid4()), "tracking_number": tn, "event": "accepted",
            "occurred_at": clock.now().isoformat()}]})
        numbers.append(tn)

    def sign(i, barrier):
        client, headers = committed_run.client(("clerk", "courier")[i])
        # Overlapping sets in opposite orders: row locks in id order keep this deadlock-free.
        mine = numbers if i == 0 else list(reversed(numbers[1:]))
        barrier.wait()
        return client.post(HANDOVERS, headers=headers, json={
            "direction": "to_agency", "agency_code": "UBND-14812", "tracking_numbers": mine,
            "agency_signatory": "Hoàng Thị Tiếp Nhận"})

    answers = together(2, sign)
    assert sorted(a.status_code for a in answers) == [201, 409], [a.get_json() for a in answers]
    assert next(a for a in answers if a.status_code == 409).get_json()["code"] in (
        "already_on_record", "invalid_transition")
    with committed_run.app.app_context():
        delivered = db.session.scalar(
            select(func.count()).select_from(TrackingEvent).join(Shipment).where(
                Shipment.dossier_code.startswith(committed_run.prefix), TrackingEvent.event == "delivered"))
        records = db.session.scalar(select(func.count()).select_from(HandoverRecord)
                                    .where(HandoverRecord.id > first_record))
    winner = next(a for a in answers if a.status_code == 201).get_json()
    assert delivered == winner["item_count"] and records == 1
