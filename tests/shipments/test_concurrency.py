"""Concurrent creation on PostgreSQL: serials without duplicates, one shipment per
Idempotency-Key and per live dossier (acceptance point 5). Real commits, cleaned up after."""
from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select

from app.accounts.models import ApiToken
from app.audit.models import AuditEntry
from app.db import Base
from app.extensions import db
from app.idempotency.models import IdempotencyRecord
from app.shipments import s10
from app.shipments.models import SerialCounter, Shipment

pytestmark = pytest.mark.postgres

SHIPMENTS = "/api/v1/shipments"


class Run:
    """What one concurrency test committed, so it can be removed afterwards."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.prefix = f"CONC-{uuid.uuid4().hex[:8]}-"
        with app.app_context():
            self.first_token = _max_id(ApiToken)
            self.first_audit = _max_id(AuditEntry)

    def dossier(self, name: str) -> dict[str, str]:
        return {"code": f"{self.prefix}{name}", "procedure": "Thử tải đồng thời"}

    def client(self, username: str = "clerk") -> tuple[Any, dict[str, str]]:
        """A test client of its own and a fresh token, for one thread."""
        client = self.app.test_client()
        resp = client.post("/api/v1/auth/tokens", json={"username": username, "password": f"demo-{username}"})
        assert resp.status_code == 201, resp.get_json()
        return client, {"Authorization": f"Bearer {resp.get_json()['token']}"}

    def shipments(self) -> list[Shipment]:
        with self.app.app_context():
            return list(db.session.scalars(select(Shipment).where(Shipment.dossier_code.startswith(self.prefix))))

    def clean(self) -> None:
        with self.app.app_context():
            mine = select(Shipment.id).where(Shipment.dossier_code.startswith(self.prefix))
            numbers = select(Shipment.tracking_number).where(Shipment.dossier_code.startswith(self.prefix))
            db.session.execute(delete(AuditEntry).where(
                AuditEntry.id > self.first_audit, AuditEntry.entity_type == "shipment",
                AuditEntry.entity_id.in_(numbers)))
            db.session.execute(delete(AuditEntry).where(
                AuditEntry.id > self.first_audit, AuditEntry.action == "token.issue"))
            # Items, events and whatever other features hang on a shipment (outbox, proofs...).
            for table in reversed(Base.metadata.sorted_tables):
                for fk in table.foreign_keys:
                    if fk.column is Shipment.__table__.c.id:
                        db.session.execute(delete(table).where(fk.parent.in_(mine)))
            db.session.execute(delete(Shipment).where(Shipment.dossier_code.startswith(self.prefix)))
            db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.key.startswith(self.prefix)))
            db.session.execute(delete(ApiToken).where(ApiToken.id > self.first_token))
            db.session.commit()


def _max_id(model: type) -> int:
    return db.session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0


@pytest.fixture
def run(app: Flask, committed: None) -> Iterator[Run]:
    run = Run(app)
    try:
        yield run
    finally:
        run.clean()
        assert run.shipments() == []


def _together(n: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run work(i, barrier) in n threads; the barrier lets them start their requests at once."""
    barrier = threading.Barrier(n)
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda i: work(i, barrier), range(n)))


def test_16_threads_create_3200_shipments(run, shipment_body):
    threads, each = 16, 200

    def work(i: int, barrier: threading.Barrier) -> list[tuple[int, str | None]]:
        client, auth = run.client()
        answers = []
        barrier.wait()
        for n in range(each):
            resp = client.post(SHIPMENTS, json=shipment_body(dossier=run.dossier(f"{i}-{n}")), headers=auth)
            answers.append((resp.status_code, (resp.get_json() or {}).get("tracking_number")))
        return answers

    started = time.perf_counter()
    answers = [a for per_thread in _together(threads, work) for a in per_thread]
    elapsed = time.perf_counter() - started
    print(f"\n{threads * each} creations by {threads} threads: {elapsed:.1f} s "
          f"({threads * each / elapsed:.0f}/s)")

    assert Counter(status for status, _ in answers) == {201: threads * each}
    numbers = [tn for _, tn in answers]
    assert len(set(numbers)) == threads * each
    assert all(s10.is_valid(tn) and tn.startswith("HB") for tn in numbers)
    stored = run.shipments()
    assert sorted(s.tracking_number for s in stored) == sorted(numbers)


def test_8_threads_one_idempotency_key(run, shipment_body):
    body = shipment_body(dossier=run.dossier("idem"))
    key = f"{run.prefix}key"

    def work(_i: int, barrier: threading.Barrier) -> tuple[int, dict, bool]:
        client, auth = run.client()
        barrier.wait()
        resp = client.post(SHIPMENTS, json=body, headers={**auth, "Idempotency-Key": key})
        return resp.status_code, resp.get_json(), resp.headers.get("Idempotent-Replayed") == "true"

    answers = _together(8, work)

    assert [status for status, _, _ in answers] == [201] * 8, answers
    assert len({out["tracking_number"] for _, out, _ in answers}) == 1
    assert sum(not replayed for _, _, replayed in answers) == 1
    [shipment] = run.shipments()
    assert shipment.tracking_number == answers[0][1]["tracking_number"]


def test_8_threads_one_dossier_different_keys(run, shipment_body):
    body = shipment_body(dossier=run.dossier("live"))

    def work(i: int, barrier: threading.Barrier) -> tuple[int, dict]:
        client, auth = run.client()
        barrier.wait()
        resp = client.post(SHIPMENTS, json=body, headers={**auth, "Idempotency-Key": f"{run.prefix}{i}"})
        return resp.status_code, resp.get_json()

    answers = _together(8, work)

    assert sorted(status for status, _ in answers) == [201] + [409] * 7, answers
    assert {out["code"] for status, out in answers if status == 409} == {"dossier_has_live_shipment"}
    assert len(run.shipments()) == 1


def test_concurrent_first_use_of_a_service_indicator(run, app, monkeypatch, shipment_body):
    indicator = "HZ"
    monkeypatch.setitem(app.config, "S10_INDICATOR_RETURN", indicator)
    with app.app_context():
        db.session.execute(delete(SerialCounter).where(SerialCounter.indicator == indicator))
        db.session.commit()

    def work(i: int, barrier: threading.Barrier) -> tuple[int, str | None]:
        client, auth = run.client()
        barrier.wait()
        resp = client.post(SHIPMENTS, json=shipment_body(dossier=run.dossier(f"hz-{i}")), headers=auth)
        return resp.status_code, (resp.get_json() or {}).get("tracking_number")

    try:
        answers = _together(8, work)
        assert [status for status, _ in answers] == [201] * 8, answers
        assert sorted(tn for _, tn in answers) == [s10.compose(indicator, n) for n in range(1, 9)]
    finally:
        run.clean()
        with app.app_context():
            db.session.execute(delete(SerialCounter).where(SerialCounter.indicator == indicator))
            db.session.commit()


def test_8_threads_cancel_one_shipment(run, shipment_body):
    client, auth = run.client()
    made = client.post(SHIPMENTS, json=shipment_body(dossier=run.dossier("cancel")), headers=auth)
    assert made.status_code == 201
    tn = made.get_json()["tracking_number"]

    def work(_i: int, barrier: threading.Barrier) -> tuple[int, dict]:
        client, auth = run.client()
        barrier.wait()
        resp = client.post(f"{SHIPMENTS}/{tn}/cancel", json={}, headers=auth)
        return resp.status_code, resp.get_json()

    answers = _together(8, work)

    assert sorted(status for status, _ in answers) == [200] + [409] * 7, answers
    events = client.get(f"{SHIPMENTS}/{tn}", headers=auth).get_json()["events"]
    assert [e["event"] for e in events] == ["created", "cancelled"]
