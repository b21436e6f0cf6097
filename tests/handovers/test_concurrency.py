"""Two handover records for the same dossiers at once, on PostgreSQL: one is signed, the other
refused with 409; the dossier is delivered once. Real commits, cleaned up after."""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, func, select

from app.accounts.models import ApiToken
from app.audit.models import AuditEntry
from app.db import Base
from app.extensions import db
from app.handovers.models import HandoverRecord
from app.shipments.models import Shipment, TrackingEvent
from handovers.support import HANDOVERS, SCANS, SHIPMENTS

pytestmark = pytest.mark.postgres


def _login(app, username):
    client = app.test_client()
    resp = client.post("/api/v1/auth/tokens", json={"username": username, "password": f"demo-{username}"})
    return client, {"Authorization": f"Bearer {resp.get_json()['token']}"}


def _clean(app, prefix, marks):
    with app.app_context():
        mine = select(Shipment.id).where(Shipment.dossier_code.startswith(prefix))
        db.session.execute(delete(HandoverRecord).where(HandoverRecord.id > marks["record"]))  # lines cascade
        for table in reversed(Base.metadata.sorted_tables):
            for fk in table.foreign_keys:
                if fk.column is Shipment.__table__.c.id:
                    db.session.execute(delete(table).where(fk.parent.in_(mine)))
        db.session.execute(delete(Shipment).where(Shipment.dossier_code.startswith(prefix)))
        db.session.execute(delete(AuditEntry).where(AuditEntry.id > marks["audit"]))
        db.session.execute(delete(ApiToken).where(ApiToken.id > marks["token"]))
        db.session.commit()


def test_an_item_is_never_on_two_records_in_force(app, committed, shipment_body, clock):
    prefix = f"HO-{uuid.uuid4().hex[:8]}-"
    with app.app_context():
        marks = {"record": db.session.scalar(select(func.max(HandoverRecord.id))) or 0,
                 "audit": db.session.scalar(select(func.max(AuditEntry.id))) or 0,
                 "token": db.session.scalar(select(func.max(ApiToken.id))) or 0}
    try:
        clerk, auth = _login(app, "clerk")
        numbers = []
        for i in range(3):
            body = shipment_body(service="intake")
            body["dossier"]["code"] = f"{prefix}{i}"
            tn = clerk.post(SHIPMENTS, json=body, headers=auth).get_json()["tracking_number"]
            clerk.post(SCANS, headers=auth, json={"scans": [{
                "id": str(uuid.uuid4()), "tracking_number": tn, "event": "accepted",
                "occurred_at": clock.now().isoformat()}]})
            numbers.append(tn)
        barrier = threading.Barrier(2)

        def sign(i):
            client, headers = _login(app, ("clerk", "courier")[i])
            # Overlapping sets in opposite orders: row locks in id order keep this deadlock-free.
            mine = numbers if i == 0 else list(reversed(numbers[1:]))
            barrier.wait()
            return client.post(HANDOVERS, headers=headers, json={
                "direction": "to_agency", "agency_code": "UBND-14812", "tracking_numbers": mine,
                "agency_signatory": "Hoàng Thị Tiếp Nhận"})

        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(sign, range(2)))
        assert sorted(a.status_code for a in answers) == [201, 409], [a.get_json() for a in answers]
        assert [a for a in answers if a.status_code == 409][0].get_json()["code"] in (
            "already_on_record", "invalid_transition")
        with app.app_context():
            delivered = db.session.scalar(select(func.count()).select_from(TrackingEvent).join(Shipment).where(
                Shipment.dossier_code.startswith(prefix), TrackingEvent.event == "delivered"))
            records = db.session.scalar(select(func.count()).select_from(HandoverRecord)
                                        .where(HandoverRecord.id > marks["record"]))
        winner = [a for a in answers if a.status_code == 201][0].get_json()
        assert delivered == winner["item_count"] and records == 1
    finally:
        _clean(app, prefix, marks)
