"""Acceptance 6, second half: the worker sends SMS and signed webhooks, retries with
backoff, disables a failing subscription, and the agency re-enables it."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import threading

import pytest

from app.extensions import db
from app.notifications.models import Channel, OutboxStatus, WebhookSubscription
from app.notifications.services import HELD_UNTIL
from app.notifications.sms import HttpSmsProvider

WEBHOOKS = "/api/v1/webhooks"

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def subscribe(as_user, receiver):
    def make(path="/hook", **body):
        resp = as_user("agency").post(WEBHOOKS, json={"url": receiver.url + path, **body})
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return make


def settings(monkeypatch, app, **values):
    for key, value in values.items():
        monkeypatch.setitem(app.config, key, value)


def test_sms_leave_through_the_log_provider(ship, log_sms, make_worker, outbox):
    shipment = ship("return")
    [message] = outbox(shipment, channel=Channel.sms)
    assert make_worker().run_once() == 1
    [sent] = log_sms.sent
    assert (sent.phone, sent.text, sent.reference) == (
        "0912345678", message.payload["text"], str(message.id))
    [message] = outbox(shipment, channel=Channel.sms)
    assert message.status is OutboxStatus.sent and message.attempts == 1 and message.sent_at


def test_the_http_gateway_gets_json_a_bearer_token_and_ascii_when_asked(
        app, monkeypatch, ship, receiver, make_worker, outbox):
    settings(monkeypatch, app, SMS_ASCII_FOLD=True)
    shipment = ship("return")
    gateway = HttpSmsProvider(receiver.url + "/sms", "gateway-token", timeout=5)
    try:
        make_worker(sms=gateway).run_once()
    finally:
        gateway.close()
    [request] = receiver.received("/sms")
    assert request.headers["Authorization"] == "Bearer gateway-token"
    body = request.json()
    assert body["to"] == "+84912345678"
    assert body["text"].startswith("UBND phuong Bim Son da co ket qua ho so")
    assert body["text"].isascii() and shipment.tracking_number in body["text"]
    assert body["reference"] == str(outbox(shipment, channel=Channel.sms)[0].id)


def test_a_failing_gateway_is_retried_with_exponential_backoff_then_given_up(
        app, monkeypatch, ship, receiver, make_worker, clock, outbox):
    settings(monkeypatch, app, OUTBOX_MAX_ATTEMPTS=4, OUTBOX_BACKOFF_BASE_SECONDS=30,
             OUTBOX_BACKOFF_MAX_SECONDS=100)
    receiver.status = 503
    shipment = ship("return")
    gateway = HttpSmsProvider(receiver.url + "/sms", None, timeout=5)
    worker = make_worker(sms=gateway)
    try:
        for attempt, (low, high) in enumerate([(22.5, 30), (45, 60), (75, 100)], start=1):
            assert worker.run_once() == 1
            [message] = outbox(shipment, channel=Channel.sms)
            assert message.attempts == attempt and message.status is OutboxStatus.pending
            assert "HTTP 503" in message.last_error
            delay = (message.next_attempt_at - clock.now()).total_seconds()
            assert low <= delay <= high  # base × 2^(n-1), capped, less up to 25% jitter
            assert worker.run_once() == 0  # not due before its time
            clock.set(message.next_attempt_at)
        assert worker.run_once() == 1
    finally:
        gateway.close()
    [message] = outbox(shipment, channel=Channel.sms)
    assert message.status is OutboxStatus.dead and message.attempts == 4
    assert len(receiver.received("/sms")) == 4


def test_a_webhook_signature_verifies_with_an_independent_hmac(ship, event, subscribe, receiver,
                                                                make_worker, clock, outbox):
    created = subscribe()
    shipment = ship("return")
    accepted = event(shipment, "accepted")
    make_worker().run_once()
    requests = receiver.received("/hook")
    assert [r.json()["type"] for r in requests] == ["shipment.created", "shipment.accepted"]
    request = requests[1]
    header = request.headers["X-HCC-Signature"]
    fields = dict(part.split("=", 1) for part in header.split(","))
    assert set(fields) == {"t", "v1"} and fields["t"] == str(int(clock.now().timestamp()))
    expected = hmac.new(created["secret"].encode(), fields["t"].encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(fields["v1"], expected)
    forged = hmac.new(b"another secret", fields["t"].encode() + b"." + request.body,
                      hashlib.sha256).hexdigest()
    assert fields["v1"] != forged
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-HCC-Event"] == "shipment.accepted"
    body = json.loads(request.body)
    assert body["event"]["id"] == accepted.id
    assert body["shipment"]["tracking_number"] == shipment.tracking_number
    [message] = [m for m in outbox(shipment, channel=Channel.webhook) if m.event_id == accepted.id]
    assert request.headers["X-HCC-Delivery"] == str(message.id)
    assert message.status is OutboxStatus.sent


def test_a_failing_endpoint_is_retried_with_backoff_disabled_and_re_enabled_by_the_agency(
        app, monkeypatch, as_user, ship, event, subscribe, receiver, make_worker, clock, outbox):
    settings(monkeypatch, app, WEBHOOK_DISABLE_AFTER_FAILURES=3, OUTBOX_MAX_ATTEMPTS=5,
             OUTBOX_BACKOFF_BASE_SECONDS=60)
    created = subscribe(events=["accepted", "delivered"])
    receiver.status = 500
    shipment = ship("return")
    first = event(shipment, "accepted")
    worker = make_worker()

    for failures, (low, high) in enumerate([(45, 60), (90, 120)], start=1):
        worker.run_once()
        sub = db.session.get(WebhookSubscription, created["id"], populate_existing=True)
        assert sub.active and sub.consecutive_failures == failures
        assert low <= (sub.paused_until - clock.now()).total_seconds() <= high
        [message] = outbox(shipment, channel=Channel.webhook)
        assert message.attempts == failures and message.next_attempt_at == sub.paused_until
        clock.set(sub.paused_until)
    worker.run_once()  # the third failure in a row disables it
    sub = db.session.get(WebhookSubscription, created["id"], populate_existing=True)
    assert not sub.active and sub.disabled_at == clock.now()
    assert sub.disabled_reason.startswith("3 failed deliveries in a row; last: HTTP 500")
    [message] = outbox(shipment, channel=Channel.webhook)
    assert message.status is OutboxStatus.pending and message.next_attempt_at == HELD_UNTIL
    assert len(receiver.received("/hook")) == 3

    event(shipment, "delivered")  # while disabled: kept, held, not sent
    clock.advance(hours=1)
    worker.run_once()
    assert len(receiver.received("/hook")) == 3
    assert all(m.next_attempt_at == HELD_UNTIL for m in outbox(shipment, channel=Channel.webhook))
    shown = as_user("agency").get(f"{WEBHOOKS}/{created['id']}").get_json()
    assert shown["active"] is False and shown["disabled_reason"].startswith("3 failed")

    receiver.status = 204
    resp = as_user("agency").post(f"{WEBHOOKS}/{created['id']}/enable")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["active"] is True and resp.get_json()["consecutive_failures"] == 0
    worker.run_once()
    delivered = [r.json()["event"]["event"] for r in receiver.received("/hook")[3:]]
    assert delivered == ["accepted", "delivered"]
    messages = outbox(shipment, channel=Channel.webhook)
    assert [m.status for m in messages] == [OutboxStatus.sent, OutboxStatus.sent]
    assert messages[0].event_id == first.id and messages[0].attempts == 1  # a fresh budget


def test_a_burst_meeting_a_dead_endpoint_counts_as_one_failure(
        app, monkeypatch, ship, event, subscribe, receiver, make_worker, clock, outbox):
    settings(monkeypatch, app, WEBHOOK_DISABLE_AFTER_FAILURES=3)
    created = subscribe()
    receiver.status = 502
    shipment = ship("return")
    for name in ("accepted", "arrived", "departed", "out_for_delivery"):
        event(shipment, name)
    worker = make_worker()
    worker.run_once()
    sub = db.session.get(WebhookSubscription, created["id"], populate_existing=True)
    assert sub.consecutive_failures == 1 and len(receiver.received("/hook")) == 1
    hooks = outbox(shipment, channel=Channel.webhook)
    assert [m.attempts for m in hooks] == [1, 0, 0, 0, 0]
    assert {m.next_attempt_at for m in hooks} == {sub.paused_until}
    event(shipment, "delivery_failed", reason="addressee_absent")  # new, due now: waits its turn
    worker.run_once()
    assert len(receiver.received("/hook")) == 1
    assert outbox(shipment, channel=Channel.webhook)[-1].next_attempt_at == sub.paused_until
    receiver.status = 200
    clock.set(sub.paused_until)
    worker.run_once()
    assert len(receiver.received("/hook")) == 7
    assert all(m.status is OutboxStatus.sent for m in outbox(shipment, channel=Channel.webhook))
    sub = db.session.get(WebhookSubscription, created["id"], populate_existing=True)
    assert sub.consecutive_failures == 0 and sub.paused_until is None


def test_an_unreachable_endpoint_is_a_failed_delivery(as_user, ship, make_worker, outbox):
    resp = as_user("agency").post(WEBHOOKS, json={"url": "http://127.0.0.1:9/closed"})
    shipment = ship("return")
    make_worker().run_once()
    [message] = outbox(shipment, channel=Channel.webhook)
    assert message.attempts == 1 and message.status is OutboxStatus.pending
    assert "ConnectError" in message.last_error
    assert resp.status_code == 201


def test_deleting_a_subscription_drops_what_waits_for_it(as_user, ship, subscribe, make_worker,
                                                         receiver, outbox):
    created = subscribe()
    shipment = ship("return")
    assert as_user("agency").delete(f"{WEBHOOKS}/{created['id']}").status_code == 204
    [message] = outbox(shipment, channel=Channel.webhook)
    assert message.status is OutboxStatus.dead and message.last_error == "subscription deleted"
    make_worker().run_once()
    assert receiver.received("/hook") == []


def test_a_worker_whose_lease_ran_out_does_not_overwrite_the_new_claim(
        ship, subscribe, receiver, make_worker, clock, outbox):
    subscribe()
    shipment = ship("return")
    slow, fast = make_worker(), make_worker()
    [claimed] = [m for m in slow.claim() if m.channel is Channel.webhook]
    clock.advance(seconds=slow.lease.total_seconds() + 1)  # the slow worker stalled past its lease
    assert fast.run_once() == 2  # the webhook and the citizen's SMS
    [message] = outbox(shipment, channel=Channel.webhook)
    assert message.status is OutboxStatus.sent
    receiver.status = 500
    assert slow.deliver(claimed) is None  # its failure is not recorded over the success
    [message] = outbox(shipment, channel=Channel.webhook)
    assert message.status is OutboxStatus.sent and message.attempts == 1
    assert db.session.get(WebhookSubscription, message.subscription_id,
                          populate_existing=True).consecutive_failures == 0


def test_stopping_gives_back_what_was_claimed_but_not_sent(ship, log_sms, make_worker, clock, outbox):
    shipment = ship("return")
    stop = threading.Event()
    stop.set()
    assert make_worker(stop=stop).run_once() == 1
    [message] = outbox(shipment, channel=Channel.sms)
    assert message.status is OutboxStatus.pending and message.attempts == 0
    assert message.next_attempt_at == clock.now()  # due again, for the next worker
    assert log_sms.sent == []


def test_flask_outbox_run_once_and_status(app, ship, log_sms):
    ship("return")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "run", "--once", "--batch", "10"])
    assert result.exit_code == 0, result.output
    assert "Handled 1 due message(s)." in result.output
    assert len(log_sms.sent) == 1
    status = runner.invoke(args=["outbox", "status"])
    assert status.exit_code == 0, status.output
    assert "sms      sent" in status.output


def test_flask_outbox_run_stops_gracefully_on_sigterm(app, ship, log_sms):
    ship("return")
    caught = []
    previous = signal.signal(signal.SIGTERM, lambda *_: caught.append("outside the command"))
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    try:
        timer.start()
        result = app.test_cli_runner().invoke(args=["outbox", "run", "--poll-seconds", "0.05"])
    finally:
        timer.join()
        signal.signal(signal.SIGTERM, previous)
    assert caught == []
    assert result.exit_code == 0, result.output
    assert "stopping after the message in flight" in result.output
    assert len(log_sms.sent) == 1
