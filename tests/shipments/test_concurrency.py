"""Concurrent creation on PostgreSQL: serials without duplicates, one shipment per
Idempotency-Key and per live dossier (acceptance point 5). Real commits, cleaned up after.
How fast creation goes under contention is measured by bench/creation.py, not here."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import delete

from app.extensions import db
from app.shipments import s10
from app.shipments.models import SerialCounter

pytestmark = pytest.mark.postgres

SHIPMENTS = "/api/v1/shipments"


def test_16_threads_create_3200_shipments(committed_run, shipment_body, together):
    threads, each = 16, 200

    def work(i: int, barrier: threading.Barrier) -> list[tuple[int, str | None]]:
        client, auth = committed_run.client()
        answers = []
        barrier.wait()
        for n in range(each):
            body = shipment_body(dossier=committed_run.dossier(f"{i}-{n}"))
            resp = client.post(SHIPMENTS, json=body, headers=auth)
            answers.append((resp.status_code, (resp.get_json() or {}).get("tracking_number")))
        return answers

    answers = [a for per_thread in together(threads, work) for a in per_thread]

    assert Counter(status for status, _ in answers) == {201: threads * each}
    numbers = [tn for _, tn in answers]
    assert len(set(numbers)) == threads * each
    assert all(s10.is_valid(tn) and tn.startswith("HB") for tn in numbers)
    stored = committed_run.shipments()
    assert sorted(s.tracking_number for s in stored) == sorted(numbers)


def test_8_threads_one_idempotency_key(committed_run, shipment_body, together):
    body = shipment_body(dossier=committed_run.dossier("idem"))
    key = f"{committed_run.prefix}key"

    def work(_i: int, barrier: threading.Barrier) -> tuple[int, dict, bool]:
        client, auth = committed_run.client()
        barrier.wait()
        resp = client.post(SHIPMENTS, json=body, headers={**auth, "Idempotency-Key": key})
        return resp.status_code, resp.get_json(), resp.headers.get("Idempotent-Replayed") == "true"

    answers = together(8, work)

    assert [status for status, _, _ in answers] == [201] * 8, answers
    assert len({out["tracking_number"] for _, out, _ in answers}) == 1
    assert sum(not replayed for _, _, replayed in answers) == 1
    [shipment] = committed_run.shipments()
    assert shipment.tracking_number == answers[0][1]["tracking_number"]


def test_8_threads_one_dossier_different_keys(committed_run, shipment_body, together):
    body = shipment_body(dossier=committed_run.dossier("live"))

    def work(i: int, barrier: threading.Barrier) -> tuple[int, dict]:
        client, auth = committed_run.client()
        barrier.wait()
        key = f"{committed_run.prefix}{i}"
        resp = client.post(SHIPMENTS, json=body, headers={**auth, "Idempotency-Key": key})
        return resp.status_code, resp.get_json()

    answers = together(8, work)

    assert sorted(status for status, _ in answers) == [201] + [409] * 7, answers
    assert {out["code"] for status, out in answers if status == 409} == {"dossier_has_live_shipment"}
    assert len(committed_run.shipments()) == 1


def test_concurrent_first_use_of_a_service_indicator(committed_run, app, monkeypatch, shipment_body,
                                                      together):
    indicator = "HZ"
    monkeypatch.setitem(app.config, "S10_INDICATOR_RETURN", indicator)
    with app.app_context():
        db.session.execute(delete(SerialCounter).where(SerialCounter.indicator == indicator))
        db.session.commit()

    def work(i: int, barrier: threading.Barrier) -> tuple[int, str | None]:
        client, auth = committed_run.client()
        barrier.wait()
        body = shipment_body(dossier=committed_run.dossier(f"hz-{i}"))
        resp = client.post(SHIPMENTS, json=body, headers=auth)
        return resp.status_code, (resp.get_json() or {}).get("tracking_number")

    try:
        answers = together(8, work)
        assert [status for status, _ in answers] == [201] * 8, answers
        assert sorted(tn for _, tn in answers) == [s10.compose(indicator, n) for n in range(1, 9)]
    finally:
        committed_run.clean()
        with app.app_context():
            db.session.execute(delete(SerialCounter).where(SerialCounter.indicator == indicator))
            db.session.commit()


def test_8_threads_cancel_one_shipment(committed_run, shipment_body, together):
    client, auth = committed_run.client()
    made = client.post(SHIPMENTS, json=shipment_body(dossier=committed_run.dossier("cancel")), headers=auth)
    assert made.status_code == 201
    tn = made.get_json()["tracking_number"]

    def work(_i: int, barrier: threading.Barrier) -> tuple[int, dict]:
        client, auth = committed_run.client()
        barrier.wait()
        resp = client.post(f"{SHIPMENTS}/{tn}/cancel", json={}, headers=auth)
        return resp.status_code, resp.get_json()

    answers = together(8, work)

    assert sorted(status for status, _ in answers) == [200] + [409] * 7, answers
    events = client.get(f"{SHIPMENTS}/{tn}", headers=auth).get_json()["events"]
    assert [e["event"] for e in events] == ["created", "cancelled"]
