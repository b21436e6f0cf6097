"""Two couriers scanning the same items at once, on PostgreSQL (acceptance point 4): every scan
kept once, the status that of the latest scan in time. Real commits, cleaned up after."""
from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from app.accounts.models import ApiToken, Role, User
from app.accounts.services import create_user
from app.audit.models import AuditEntry
from app.db import Base
from app.extensions import db
from app.shipments import lifecycle
from app.shipments.events import STATUS_AFTER
from app.shipments.models import Shipment, TrackingEvent
from scans.support import SCANS, SHIPMENTS, scan

pytestmark = pytest.mark.postgres


class Run:
    """What the test committed: shipments under a dossier prefix, a second courier, tokens."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.prefix = f"SCAN-{uuid.uuid4().hex[:8]}-"
        self.courier_b = f"courier-{self.prefix.lower().rstrip('-')}"
        with app.app_context():
            self.first_token = db.session.scalar(select(func.max(ApiToken.id))) or 0
            self.first_audit = db.session.scalar(select(func.max(AuditEntry.id))) or 0
            create_user(username=self.courier_b, password=f"demo-{self.courier_b}", role=Role.courier,
                        full_name="Vũ Văn Hai", office_code="BC-BIMSON")
            db.session.commit()

    def client(self, username: str) -> tuple[Any, dict[str, str]]:
        client = self.app.test_client()
        resp = client.post("/api/v1/auth/tokens", json={"username": username, "password": f"demo-{username}"})
        assert resp.status_code == 201, resp.get_json()
        return client, {"Authorization": f"Bearer {resp.get_json()['token']}"}

    def clean(self) -> None:
        with self.app.app_context():
            mine = select(Shipment.id).where(Shipment.dossier_code.startswith(self.prefix))
            for table in reversed(Base.metadata.sorted_tables):  # events, items, outbox, proofs...
                for fk in table.foreign_keys:
                    if fk.column is Shipment.__table__.c.id:
                        db.session.execute(delete(table).where(fk.parent.in_(mine)))
            db.session.execute(delete(Shipment).where(Shipment.dossier_code.startswith(self.prefix)))
            db.session.execute(delete(AuditEntry).where(AuditEntry.id > self.first_audit))
            db.session.execute(delete(ApiToken).where(ApiToken.id > self.first_token))
            db.session.execute(delete(User).where(User.username == self.courier_b))
            db.session.commit()


@pytest.fixture
def run(app: Flask, committed: None) -> Iterator[Run]:
    run = Run(app)
    try:
        yield run
    finally:
        run.clean()


def _together(n: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda i: work(i, barrier), range(n)))


def test_two_couriers_scan_the_same_items_at_once(run, shipment_body, clock):
    agency, agency_auth = run.client("agency")
    numbers = []
    for n in range(4):
        body = shipment_body(dossier={"code": f"{run.prefix}{n}", "procedure": "Thử quét đồng thời"})
        resp = agency.post(SHIPMENTS, json=body, headers=agency_auth)
        assert resp.status_code == 201, resp.get_json()
        numbers.append(resp.get_json()["tracking_number"])
    start = clock.now()
    clerk, clerk_auth = run.client("clerk")
    accepted = clerk.post(SCANS, json={"scans": [scan(tn, "accepted", start + timedelta(seconds=1))
                                                 for tn in numbers]}, headers=clerk_auth)
    assert accepted.get_json()["recorded"] == 4

    def moves(offset: int) -> list[dict]:
        """40 arrivals and departures per item, the two couriers' seconds interleaved."""
        return [scan(tn, "arrived" if k % 2 else "departed", start + timedelta(seconds=2 + 2 * k + offset),
                     office_code="BC-BIMSON" if offset else "BC-THANHHOA")
                for tn in numbers for k in range(40)]

    batch_a = moves(0)
    # Courier B lists the items the other way round: ordered locking keeps this deadlock-free.
    batch_b = list(reversed(moves(1))) + [scan(numbers[0], "out_for_delivery", start + timedelta(seconds=100))]
    shared = [scan(tn, "arrived", start + timedelta(seconds=90), office_code="BC-BIMSON") for tn in numbers]
    plans = [("courier", [batch_a] * 3), (run.courier_b, [batch_b] * 3),
             ("courier", [shared]), (run.courier_b, [shared])]

    def work(i: int, barrier: threading.Barrier) -> list[list[dict]]:
        username, batches = plans[i]
        client, auth = run.client(username)
        barrier.wait()
        answers = []
        for batch in batches:
            resp = client.post(SCANS, json={"scans": batch}, headers=auth)
            assert resp.status_code == 200, resp.get_json()
            answers.append(resp.get_json()["results"])
        return answers

    answers = _together(len(plans), work)

    for i in (0, 1):
        first, *replays = answers[i]
        assert Counter(r["result"] for r in first) == {"recorded": len(plans[i][1][0])}, first
        assert all(Counter(r["result"] for r in again) == {"duplicate": len(first)} for again in replays)
    shared_results = Counter(r["result"] for r in answers[2][0] + answers[3][0])
    assert shared_results == {"recorded": len(shared), "duplicate": len(shared)}

    with run.app.app_context():
        sent = [uuid.UUID(s["id"]) for s in batch_a + batch_b + shared]
        per_id = Counter(db.session.scalars(select(TrackingEvent.scan_id).where(TrackingEvent.scan_id.in_(sent))))
        assert len(per_id) == len(sent) and set(per_id.values()) == {1}
        shipments = db.session.scalars(select(Shipment).where(Shipment.tracking_number.in_(numbers))).all()
        timelines = lifecycle.timelines_of(s.id for s in shipments)
        for shipment in shipments:
            timeline = timelines[shipment.id]
            assert len(timeline) == 1 + 1 + 80 + 1 + (shipment.tracking_number == numbers[0])
            assert shipment.status is lifecycle.status_of(timeline) is STATUS_AFTER[timeline[-1].event]
            expected = "out_for_delivery" if shipment.tracking_number == numbers[0] else "in_transit"
            assert shipment.status.value == expected


def test_four_deliveries_of_one_item_at_once(run, shipment_body, clock):
    agency, agency_auth = run.client("agency")
    body = shipment_body(dossier={"code": f"{run.prefix}pod", "procedure": "Thử phát đồng thời"})
    tn = agency.post(SHIPMENTS, json=body, headers=agency_auth).get_json()["tracking_number"]
    courier, courier_auth = run.client("courier")
    at = clock.now()
    walked = courier.post(SCANS, json={"scans": [scan(tn, "accepted", at + timedelta(seconds=1)),
                                                 scan(tn, "out_for_delivery", at + timedelta(seconds=2))]},
                          headers=courier_auth)
    assert walked.get_json()["recorded"] == 2
    proof = {"recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
             "id_number": "038090001234", "occurred_at": (at + timedelta(seconds=3)).isoformat()}

    def work(i: int, barrier: threading.Barrier) -> int:
        client, auth = run.client("courier" if i % 2 else run.courier_b)
        barrier.wait()
        return client.post(f"{SHIPMENTS}/{tn}/delivery", json=proof, headers=auth).status_code

    assert sorted(_together(4, work)) == [201, 409, 409, 409]
    with run.app.app_context():
        shipment = db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))
        events = [s.event for s in lifecycle.timelines_of([shipment.id])[shipment.id]]
        assert events == ["created", "accepted", "out_for_delivery", "delivered"]
        assert shipment.status.value == "delivered"
