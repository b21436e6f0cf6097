"""Several outbox workers at once on PostgreSQL (acceptance 6): FOR UPDATE SKIP LOCKED and
the lease make each message leave exactly once. Real commits, real threads with their own
sessions, a real HTTP server counting deliveries; everything committed is removed after."""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select, text

from app import clock
from app.extensions import db
from app.notifications.models import Channel, OutboxMessage, OutboxStatus, WebhookSubscription
from app.notifications.sms import HttpSmsProvider
from app.notifications.worker import OutboxWorker
from app.orgs.services import agency_by_code

pytestmark = pytest.mark.postgres

WORKERS = 4
WEBHOOKS, SMS = 200, 100


class Queued:
    """Messages committed for one test, removed afterwards."""

    def __init__(self, app: Flask, receiver: Any) -> None:
        self.app = app
        with app.app_context():
            now = clock.now()
            sub = WebhookSubscription(agency_id=agency_by_code("UBND-14812").id, secret="c" * 64,
                                      url=receiver.url + "/hook", events=[], created_at=now)
            db.session.add(sub)
            db.session.flush()
            self.subscription_id = sub.id
            messages = [OutboxMessage(channel=Channel.webhook, topic="shipment.arrived",
                                      subscription_id=sub.id, payload={"n": i},
                                      created_at=now, next_attempt_at=now) for i in range(WEBHOOKS)]
            messages += [OutboxMessage(channel=Channel.sms, topic="shipment.delivered", phone="0912345678",
                                       payload={"text": f"Tin nhắn {i}"}, created_at=now, next_attempt_at=now)
                         for i in range(SMS)]
            db.session.add_all(messages)
            db.session.commit()
            self.ids = [m.id for m in messages]

    def rows(self) -> list[OutboxMessage]:
        with self.app.app_context():
            return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(self.ids))))

    def clean(self) -> None:
        with self.app.app_context():
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(self.ids)))
            db.session.execute(delete(WebhookSubscription).where(
                WebhookSubscription.id == self.subscription_id))
            db.session.commit()


@pytest.fixture
def queued(app: Flask, committed: None, receiver: Any) -> Iterator[Queued]:
    run = Queued(app, receiver)
    yield run
    run.clean()


def test_several_workers_at_once_send_each_message_exactly_once(app, queued, receiver):
    receiver.delay = 0.002  # a little network time, so the workers overlap
    start = threading.Barrier(WORKERS)
    claimed: dict[int, list[int]] = {}
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            with app.app_context():
                gateway = HttpSmsProvider(receiver.url + "/sms", "t", timeout=5)
                worker = OutboxWorker(batch=10, sms=gateway)
                claimed[number] = []
                start.wait()
                try:
                    while handled := worker.run_once():
                        claimed[number].append(handled)
                finally:
                    worker.close()
                    gateway.close()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    hooks = Counter(r.headers["X-HCC-Delivery"] for r in receiver.received("/hook"))
    texts = Counter(r.json()["reference"] for r in receiver.received("/sms"))
    assert len(hooks) == WEBHOOKS and set(hooks.values()) == {1}
    assert len(texts) == SMS and set(texts.values()) == {1}
    assert set(hooks) | set(texts) == {str(i) for i in queued.ids}
    rows = queued.rows()
    assert {(m.status, m.attempts) for m in rows} == {(OutboxStatus.sent, 1)}
    busy = [n for n, batches in claimed.items() if sum(batches) > 0]
    assert len(busy) >= 2, claimed  # the work was shared, not done by one worker
    assert sum(sum(b) for b in claimed.values()) == WEBHOOKS + SMS


def test_a_claim_skips_rows_another_worker_holds_instead_of_waiting(app, queued):
    held_ids = sorted(queued.ids)[:5]
    with db.engine.connect() as other:
        tx = other.begin()
        locked = other.execute(text("SELECT id FROM outbox_messages WHERE id = ANY(:ids) FOR UPDATE"),
                               {"ids": held_ids}).scalars().all()
        assert sorted(locked) == held_ids
        with app.app_context():
            worker = OutboxWorker(batch=len(queued.ids))
            try:
                # Were the claim to wait for the held rows, this fails it instead of hanging.
                db.session.execute(text("SET LOCAL lock_timeout = '5s'"))
                first = {m.id for m in worker.claim()}
                assert first == set(queued.ids) - set(held_ids)
                tx.rollback()
                assert {m.id for m in worker.claim()} == set(held_ids)
            finally:
                worker.close()
