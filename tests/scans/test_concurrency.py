"""Two couriers scanning the same items at once, on PostgreSQL (acceptance point 4): every scan
kept once, the status that of the latest scan in time. Real commits, cleaned up after."""
from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from app.accounts.models import Role, User
from app.accounts.services import create_user
from app.extensions import db
from app.shipments import lifecycle
from app.shipments.events import STATUS_AFTER
from app.shipments.models import Shipment, TrackingEvent

SCANS = "/api/v1/scans"
SHIPMENTS = "/api/v1/shipments"

pytestmark = pytest.mark.postgres


@pytest.fixture
def courier_b(committed_run) -> str:
    """A second courier at Bỉm Sơn, removed with the run's commits."""
    username = f"courier-{committed_run.prefix.lower().rstrip('-')}"
    with committed_run.app.app_context():
        create_user(username=username, password=f"demo-{username}", role=Role.courier,
                    full_name="Vũ Văn Hai", office_code="BC-BIMSON")
        db.session.commit()
    committed_run.also_delete(delete(User).where(User.username == username))
    return username


def test_two_couriers_scan_the_same_items_at_once(committed_run, courier_b, shipment_body, clock, scan,
                                                   together):
    agency, agency_auth = committed_run.client("agency")
    numbers = []
    for n in range(4):
        body = shipment_body(dossier=committed_run.dossier(str(n), "Thử quét đồng thời"))
        resp = agency.post(SHIPMENTS, json=body, headers=agency_auth)
        assert resp.status_code == 201, resp.get_json()
        numbers.append(resp.get_json()["tracking_number"])
    start = clock.now()
    clerk, clerk_auth = committed_run.client("clerk")
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
    batch_b = [*reversed(moves(1)), scan(numbers[0], "out_for_delivery", start + timedelta(seconds=100))]
    shared = [scan(tn, "arrived", start + timedelta(seconds=90), office_code="BC-BIMSON") for tn in numbers]
    plans = [("courier", [batch_a] * 3), (courier_b, [batch_b] * 3),
             ("courier", [shared]), (courier_b, [shared])]

    def work(i: int, barrier: threading.Barrier) -> list[list[dict]]:
        username, batches = plans[i]
        client, auth = committed_run.client(username)
        barrier.wait()
        answers = []
        for batch in batches:
            resp = client.post(SCANS, json={"scans": batch}, headers=auth)
            assert resp.status_code == 200, resp.get_json()
            answers.append(resp.get_json()["results"])
        return answers

    answers = together(len(plans), work)

    for i in (0, 1):
        first, *replays = answers[i]
        assert Counter(r["result"] for r in first) == {"recorded": len(plans[i][1][0])}, first
        assert all(Counter(r["result"] for r in again) == {"duplicate": len(first)} for again in replays)
    shared_results = Counter(r["result"] for r in answers[2][0] + answers[3][0])
    assert shared_results == {"recorded": len(shared), "duplicate": len(shared)}

    with committed_run.app.app_context():
        sent = [uuid.UUID(s["id"]) for s in batch_a + batch_b + shared]
        per_id = Counter(db.session.scalars(
            select(TrackingEvent.scan_id).where(TrackingEvent.scan_id.in_(sent))))
        assert len(per_id) == len(sent) and set(per_id.values()) == {1}
        shipments = db.session.scalars(select(Shipment).where(Shipment.tracking_number.in_(numbers))).all()
        timelines = lifecycle.timelines_of(s.id for s in shipments)
        for shipment in shipments:
            timeline = timelines[shipment.id]
            assert len(timeline) == 1 + 1 + 80 + 1 + (shipment.tracking_number == numbers[0])
            assert shipment.status is lifecycle.status_of(timeline) is STATUS_AFTER[timeline[-1].event]
            expected = "out_for_delivery" if shipment.tracking_number == numbers[0] else "in_transit"
            assert shipment.status.value == expected


def test_four_deliveries_of_one_item_at_once(committed_run, courier_b, shipment_body, clock, scan, together):
    agency, agency_auth = committed_run.client("agency")
    body = shipment_body(dossier=committed_run.dossier("pod", "Thử phát đồng thời"))
    tn = agency.post(SHIPMENTS, json=body, headers=agency_auth).get_json()["tracking_number"]
    courier, courier_auth = committed_run.client("courier")
    at = clock.now()
    walked = courier.post(SCANS, json={"scans": [scan(tn, "accepted", at + timedelta(seconds=1)),
                                                 scan(tn, "out_for_delivery", at + timedelta(seconds=2))]},
                          headers=courier_auth)
    assert walked.get_json()["recorded"] == 2
    proof = {"recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
             "id_number": "038090001234", "occurred_at": (at + timedelta(seconds=3)).isoformat()}

    def work(i: int, barrier: threading.Barrier) -> int:
        client, auth = committed_run.client("courier" if i % 2 else courier_b)
        barrier.wait()
        return client.post(f"{SHIPMENTS}/{tn}/delivery", json=proof, headers=auth).status_code

    assert sorted(together(4, work)) == [201, 409, 409, 409]
    with committed_run.app.app_context():
        shipment = db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))
        events = [s.event for s in lifecycle.timelines_of([shipment.id])[shipment.id]]
        assert events == ["created", "accepted", "out_for_delivery", "delivered"]
        assert shipment.status.value == "delivered"
