"""The phone sends its own UUID as Idempotency-Key: a replayed proof of delivery or pickup
completion answers the first result and records nothing twice."""
from __future__ import annotations

import base64
import uuid

from sqlalchemy import func, select

from app.delivery.models import DeliveryProof
from app.extensions import db
from app.handovers.models import HandoverRecord
from app.shipments.models import Shipment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


def test_one_delivery_never_gets_two_signatures_after_a_replay(as_user, make_shipment, walk, clock,
                                                                shipment_of):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    clock.advance(minutes=5)
    body = {"recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
            "id_number": "038090001234", "occurred_at": clock.now().isoformat(),
            "signature_png": base64.b64encode(PNG).decode()}
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = as_user("courier").post(f"/api/v1/shipments/{tn}/delivery", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    clock.advance(minutes=30)  # the phone got no answer, and sends the same record again later
    replay = as_user("courier").post(f"/api/v1/shipments/{tn}/delivery", json=body, headers=headers)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    proofs = db.session.scalar(select(func.count()).select_from(DeliveryProof).join(Shipment)
                               .where(Shipment.tracking_number == tn))
    assert proofs == 1
    assert [e["event"] for e in shipment_of(tn)["events"]].count("delivered") == 1


def test_a_replayed_pickup_completion_signs_one_record(as_user, pickup_for_courier, shipment_of):
    pickup_id = pickup_for_courier(2)
    numbers = [i["tracking_number"] for i in as_user("courier").get(f"/api/v1/pickups/{pickup_id}")
               .get_json()["items"]]
    body = {"scanned": numbers, "agency_signatory": "Hoàng Thị Tiếp Nhận"}
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    url = f"/api/v1/pickups/{pickup_id}/complete"
    first = as_user("courier").post(url, json=body, headers=headers)
    assert first.status_code == 200, first.get_json()
    replay = as_user("courier").post(url, json=body, headers=headers)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    records = db.session.scalar(select(func.count()).select_from(HandoverRecord)
                                .where(HandoverRecord.note == f"Thu gom theo yêu cầu số {pickup_id}"))
    assert records == 1
    assert all(shipment_of(n)["status"] == "accepted" for n in numbers)
