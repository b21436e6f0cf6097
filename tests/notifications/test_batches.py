"""The worker's batches (issue 13): a batch is leased and settled with one UPDATE per outcome,
guarded by the lease; a healthy endpoint's subscription is not read or written on success;
requests go out several at once, an endpoint's first alone; one failing endpoint does not hold
up the others."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import text, update

from app.extensions import db
from app.notifications.models import Channel, OutboxMessage, OutboxStatus, WebhookSubscription
from app.notifications.sms import HttpSmsProvider
from app.notifications.worker import due_messages

WEBHOOKS = "/api/v1/webhooks"

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def subscribe(as_user, receiver):
    def make(path="/hook"):
        resp = as_user("agency").post(WEBHOOKS, json={"url": receiver.url + path})
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["id"]

    return make


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """The SQL the session runs meanwhile, lower-cased."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.lower().split()))

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa_event.remove(engine, "before_cursor_execute", record)


def test_a_batch_is_leased_in_one_update_and_settled_in_one_more(
        ship, subscribe, receiver, log_sms, make_worker, outbox, statements):
    subscribe()
    shipments = [ship("return") for _ in range(3)]  # each: the citizen's SMS and a webhook
    statements.clear()
    assert make_worker().run_once() == 6
    outbox_updates = [s for s in statements if s.startswith("update outbox_messages")]
    assert len(outbox_updates) == 2, outbox_updates  # the lease, then "sent" for all six
    # A healthy endpoint's subscription is neither locked nor written on success.
    assert not [s for s in statements
                if "from webhook_subscriptions" in s or "update webhook_subscriptions" in s]
    assert len(receiver.received("/hook")) == 3 and len(log_sms.sent) == 3
    for shipment in shipments:
        assert {(m.status, m.attempts) for m in outbox(shipment)} == {(OutboxStatus.sent, 1)}


def test_a_success_clears_an_endpoint_failure_count_only_when_it_has_one(
        ship, subscribe, receiver, make_worker, clock, statements):
    sub_id = subscribe()
    db.session.execute(update(WebhookSubscription).where(WebhookSubscription.id == sub_id)
                       .values(consecutive_failures=2, paused_until=clock.now() - timedelta(seconds=1)))
    db.session.commit()
    ship("return")
    statements.clear()
    make_worker().run_once()
    assert [s for s in statements if s.startswith("update webhook_subscriptions")]
    sub = db.session.get(WebhookSubscription, sub_id, populate_existing=True)
    assert sub.consecutive_failures == 0 and sub.paused_until is None

    ship("return")
    statements.clear()
    make_worker().run_once()
    assert not [s for s in statements
                if "update webhook_subscriptions" in s or "from webhook_subscriptions" in s]


def test_settling_a_batch_skips_the_messages_another_worker_took_over(
        ship, log_sms, make_worker, clock, outbox, caplog):
    shipments = [ship("return") for _ in range(3)]
    slow = make_worker()
    claimed = slow.claim()
    assert len(claimed) == 3
    clock.advance(seconds=slow.lease.total_seconds() + 1)  # the slow worker stalled past its lease
    fast = make_worker(batch=1)
    [taken] = fast.claim()  # the oldest one is leased again, by the fast worker
    with caplog.at_level(logging.WARNING, logger="app.notifications.worker"):
        slow.deliver_all(claimed)
    assert f"outbox message {taken.id}: lease lost" in caplog.text
    messages = {m.id: m for s in shipments for m in outbox(s)}
    assert messages[taken.id].status is OutboxStatus.pending and messages[taken.id].attempts == 0
    assert messages[taken.id].next_attempt_at == taken.lease  # the fast worker's lease stands
    others = [m for i, m in messages.items() if i != taken.id]
    assert {(m.status, m.attempts) for m in others} == {(OutboxStatus.sent, 1)}
    fast.deliver_all([taken])
    assert outbox(channel=Channel.sms)[0].status is OutboxStatus.sent
    # Sent twice (at least once), as after a crash; the SMS reference lets the gateway drop one.
    assert [s.reference for s in log_sms.sent].count(str(taken.id)) == 2


def test_one_failing_endpoint_does_not_hold_up_another(ship, subscribe, receiver, make_worker, outbox):
    failing, healthy = subscribe("/down"), subscribe("/up")
    receiver.statuses["/down"] = 500
    shipments = [ship("return") for _ in range(3)]
    make_worker().run_once()
    assert len(receiver.received("/down")) == 1  # its first message alone; the rest wait
    assert len(receiver.received("/up")) == 3
    down = db.session.get(WebhookSubscription, failing, populate_existing=True)
    assert down.consecutive_failures == 1 and down.paused_until is not None
    hooks = [m for s in shipments for m in outbox(s, channel=Channel.webhook)]
    waiting = sorted((m for m in hooks if m.subscription_id == failing), key=lambda m: m.id)
    assert [m.attempts for m in waiting] == [1, 0, 0]
    assert {m.next_attempt_at for m in waiting} == {down.paused_until}
    assert {m.status for m in hooks if m.subscription_id == healthy} == {OutboxStatus.sent}
    up = db.session.get(WebhookSubscription, healthy, populate_existing=True)
    assert up.consecutive_failures == 0 and up.paused_until is None


@pytest.mark.parametrize("concurrency", [1, 4])
def test_requests_go_out_several_at_once_on_kept_alive_connections(
        ship, receiver, make_worker, outbox, concurrency):
    for _ in range(8):
        ship("return")
    receiver.delay = 0.05
    gateway = HttpSmsProvider(receiver.url + "/sms", None, timeout=5)
    try:
        assert make_worker(sms=gateway, concurrency=concurrency).run_once() == 8
    finally:
        gateway.close()
    assert len(receiver.received("/sms")) == 8
    assert {m.status for m in outbox(channel=Channel.sms)} == {OutboxStatus.sent}
    if concurrency == 1:
        assert receiver.most_in_flight == 1 and len(receiver.connections) == 1
    else:
        assert 2 <= receiver.most_in_flight <= concurrency
        assert len(receiver.connections) <= concurrency  # reused, not one per message


def test_stopping_mid_batch_gives_back_the_unsent_and_records_the_sent(ship, log_sms, make_worker,
                                                                      clock, outbox):
    shipments = [ship("return") for _ in range(4)]
    worker = make_worker(concurrency=1)
    original = log_sms.send

    def send_then_stop(*args, **kw):
        original(*args, **kw)
        worker.stop.set()  # SIGTERM arrives while the first message is in flight

    log_sms.send = send_then_stop
    try:
        assert worker.run_once() == 4
    finally:
        del log_sms.send
    messages = sorted((m for s in shipments for m in outbox(s)), key=lambda m: m.id)
    assert [m.status for m in messages] == [OutboxStatus.sent] + [OutboxStatus.pending] * 3
    assert all(m.attempts == 0 and m.next_attempt_at == clock.now() for m in messages[1:])


def test_the_claim_reads_the_partial_lease_index(app, clock):
    index = {i.name: i for i in OutboxMessage.__table__.indexes}["ix_outbox_messages_lease"]
    assert [c.name for c in index.columns] == ["next_attempt_at", "id"]
    assert str(index.dialect_options["postgresql"]["where"]) == "status = 'pending'"
    if db.engine.dialect.name != "postgresql":
        return
    query = due_messages(clock.now(), 50).compile(dialect=db.engine.dialect,
                                                  compile_kwargs={"literal_binds": True})
    # A tiny test table, whose statistics vary with what ran before: show the index can serve.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {query}")))
    db.session.rollback()
    assert "ix_outbox_messages_lease" in plan, plan
    assert "Sort" not in plan, plan  # read in the claim's order


def test_a_gateway_outage_settles_the_failed_batch_in_one_update(
        ship, receiver, make_worker, outbox, clock, statements):
    for _ in range(4):
        ship("return")
    receiver.status = 503
    gateway = HttpSmsProvider(receiver.url + "/sms", None, timeout=5)
    try:
        statements.clear()
        assert make_worker(sms=gateway).run_once() == 4
    finally:
        gateway.close()
    assert len([s for s in statements if s.startswith("update outbox_messages")]) == 2  # lease, failed
    messages = outbox(channel=Channel.sms)
    assert {(m.status, m.attempts) for m in messages} == {(OutboxStatus.pending, 1)}
    [retry_at] = {m.next_attempt_at for m in messages}  # one backoff step for the batch
    assert 22.5 <= (retry_at - clock.now()).total_seconds() <= 30
    assert all("HTTP 503" in (m.last_error or "") for m in messages)
