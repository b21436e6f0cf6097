"""The outbox worker behind `flask outbox run`; several may run at once.

One cycle: claim due messages (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN
IMMEDIATE, one writer) and lease them by pushing next_attempt_at forward, commit; send
outside any transaction; settle each message in a short transaction of its own, guarded
by the lease (compare-and-set on next_attempt_at), so a worker whose lease ran out and
was taken over never overwrites the newer claim. Delivery is exactly once while workers
live, at least once when one dies mid-send (receivers deduplicate on the delivery id).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import lazyload

from app import clock
from app.audit.services import record as audit
from app.extensions import db, sqlite_begin
from app.notifications.models import Channel, OutboxMessage, OutboxStatus, WebhookSubscription
from app.notifications.services import HELD_UNTIL
from app.notifications.sms import SmsFailed, SmsProvider, sms_provider
from app.text import to_ascii

log = logging.getLogger(__name__)

JITTER = 0.25  # retries land between 75% and 100% of the backoff, so workers spread out
USER_AGENT = "HCC-Post-Webhooks/1.0"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """SPEC §9: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(frozen=True)
class Claimed:
    """A leased message, detached from the session: sending needs no database."""

    id: int
    channel: Channel
    topic: str
    phone: str | None
    payload: dict[str, Any]
    attempts: int
    lease: datetime
    subscription_id: int | None = None
    url: str | None = None
    secret: str | None = None


class OutboxWorker:
    def __init__(self, *, batch: int = 50, sms: SmsProvider | None = None,
                 rng: random.Random | None = None, stop: threading.Event | None = None) -> None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        config = app.config
        self.batch = batch
        self.max_attempts = config["OUTBOX_MAX_ATTEMPTS"]
        self.base = config["OUTBOX_BACKOFF_BASE_SECONDS"]
        self.cap = config["OUTBOX_BACKOFF_MAX_SECONDS"]
        self.disable_after = config["WEBHOOK_DISABLE_AFTER_FAILURES"]
        self.fold = config["SMS_ASCII_FOLD"]
        timeout = config["WEBHOOK_TIMEOUT_SECONDS"]
        # Long enough to send a whole batch even if every call times out.
        self.lease = timedelta(seconds=60 + batch * max(timeout, config["SMS_HTTP_TIMEOUT_SECONDS"]))
        self.sms = sms or sms_provider(app)
        self.http = httpx.Client(timeout=timeout, follow_redirects=False,
                                 headers={"User-Agent": USER_AGENT})
        self.rng = rng or random.Random()
        self.stop = stop or threading.Event()

    def run(self, poll_seconds: float) -> None:
        """Cycle until stopped; a full batch is followed at once by the next."""
        while not self.stop.is_set():
            try:
                handled = self.run_once()
            except Exception:
                log.exception("outbox cycle failed; retrying after %ss", poll_seconds)
                db.session.rollback()
                handled = 0
            if handled < self.batch:
                self.stop.wait(poll_seconds)

    def run_once(self) -> int:
        """One cycle; returns how many due messages it took up (sent, failed, or set to wait)."""
        token = sqlite_begin.set("BEGIN IMMEDIATE")
        try:
            claimed, due = self._claim_batch()
            paused: dict[int, datetime] = {}  # endpoints that failed during this cycle
            for i, message in enumerate(claimed):
                if self.stop.is_set():
                    self._release(claimed[i:])
                    break
                if message.subscription_id in paused:
                    self._settle(message, next_attempt_at=paused[message.subscription_id])
                    continue
                retry_at = self.deliver(message)
                if retry_at is not None and message.subscription_id is not None:
                    paused[message.subscription_id] = retry_at
            return due
        finally:
            sqlite_begin.reset(token)

    def close(self) -> None:
        self.http.close()

    def claim(self) -> list[Claimed]:
        """Lease due messages to this worker; those of paused, disabled or deleted
        subscriptions are set to wait (or dropped) instead."""
        return self._claim_batch()[0]

    def _claim_batch(self) -> tuple[list[Claimed], int]:
        now = clock.now()
        lease = now + self.lease
        rows = db.session.execute(
            select(OutboxMessage, WebhookSubscription)
            .outerjoin(WebhookSubscription, WebhookSubscription.id == OutboxMessage.subscription_id)
            .options(lazyload(WebhookSubscription.agency))
            .where(OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(self.batch)
            .with_for_update(of=OutboxMessage, skip_locked=True)
            .execution_options(populate_existing=True)).all()
        claimed = []
        for message, sub in rows:
            if sub is not None and sub.deleted_at is not None:
                message.status, message.last_error = OutboxStatus.dead, "subscription deleted"
            elif sub is not None and not sub.active:
                message.next_attempt_at = HELD_UNTIL
            elif sub is not None and sub.paused_until is not None and sub.paused_until > now:
                message.next_attempt_at = sub.paused_until
            else:
                message.next_attempt_at = lease
                claimed.append(Claimed(
                    message.id, message.channel, message.topic, message.phone, message.payload,
                    message.attempts, lease, message.subscription_id,
                    sub.url if sub else None, sub.secret if sub else None))
        db.session.commit()
        return claimed, len(rows)

    def deliver(self, message: Claimed) -> datetime | None:
        """Send and settle one message; returns when to retry a failed webhook endpoint."""
        error = self._send_sms(message) if message.channel is Channel.sms else self._post_webhook(message)
        if message.channel is Channel.webhook:
            return self._settle_webhook(message, error)
        if error is None:
            self._settle(message, status=OutboxStatus.sent, attempts=message.attempts + 1,
                         sent_at=clock.now(), last_error=None)
        else:
            self._settle_failure(message, error, self._retry_at(message.attempts + 1))
        return None

    def _send_sms(self, message: Claimed) -> str | None:
        text = message.payload["text"]
        try:
            self.sms.send(message.phone or "", to_ascii(text) if self.fold else text,
                          reference=str(message.id))
        except SmsFailed as exc:
            return str(exc)
        except Exception as exc:  # a provider bug must not stop the worker
            log.exception("SMS provider failed on message %s", message.id)
            return f"{type(exc).__name__}: {exc}"
        return None

    def _post_webhook(self, message: Claimed) -> str | None:
        body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "X-HCC-Signature": signature(message.secret or "", int(clock.now().timestamp()), body),
            "X-HCC-Event": message.topic,
            "X-HCC-Delivery": str(message.id),
        }
        try:
            response = self.http.post(message.url or "", content=body, headers=headers)
        except Exception as exc:  # refused, timed out, bad URL: all a failed delivery
            return f"{type(exc).__name__}: {exc}"
        return None if response.is_success else f"HTTP {response.status_code}"

    def _settle_webhook(self, message: Claimed, error: str | None) -> datetime | None:
        """Settle a webhook and account for its endpoint; returns when to try the endpoint again."""
        sub = self._lock_subscription(message.subscription_id)
        attempts = message.attempts + 1
        if error is None:
            if self._settle(message, status=OutboxStatus.sent, attempts=attempts, sent_at=clock.now(),
                            last_error=None, commit=False) and sub is not None:
                sub.consecutive_failures, sub.paused_until = 0, None
            db.session.commit()
            return None
        if sub is None or sub.deleted_at is not None:
            self._settle(message, status=OutboxStatus.dead, attempts=attempts, last_error=error[:1000])
            return None
        failures = sub.consecutive_failures + 1
        disabling = sub.active and failures >= self.disable_after
        retry_at = self._retry_at(failures) if sub.active and not disabling else HELD_UNTIL
        values: dict[str, Any] = {"next_attempt_at": retry_at}
        if retry_at != HELD_UNTIL and attempts >= self.max_attempts:
            values = {"status": OutboxStatus.dead}
        if not self._settle(message, attempts=attempts, last_error=error[:1000], commit=False, **values):
            db.session.rollback()
            return None
        sub.consecutive_failures = failures
        if disabling:
            self._disable(sub, error)
        elif sub.active:
            sub.paused_until = retry_at
        db.session.commit()
        return retry_at

    def _lock_subscription(self, subscription_id: int | None) -> WebhookSubscription | None:
        # The subscription row before the message row: the order deleting and re-enabling take.
        return db.session.scalar(
            select(WebhookSubscription).where(WebhookSubscription.id == subscription_id)
            .options(lazyload(WebhookSubscription.agency))
            .with_for_update(of=WebhookSubscription)
            .execution_options(populate_existing=True))

    def _disable(self, sub: WebhookSubscription, error: str) -> None:
        sub.active = False
        sub.disabled_at = clock.now()
        sub.disabled_reason = f"{sub.consecutive_failures} failed deliveries in a row; last: {error}"[:300]
        audit(None, "webhook.disable", "webhook_subscription", sub.id, {"reason": sub.disabled_reason})
        log.warning("webhook subscription %s disabled: %s", sub.id, sub.disabled_reason)

    def _settle_failure(self, message: Claimed, error: str, retry_at: datetime) -> None:
        attempts = message.attempts + 1
        if attempts >= self.max_attempts:
            self._settle(message, status=OutboxStatus.dead, attempts=attempts, last_error=error[:1000])
        else:
            self._settle(message, attempts=attempts, last_error=error[:1000], next_attempt_at=retry_at)

    def _retry_at(self, failures: int) -> datetime:
        """base × 2^(failures-1), capped, less up to JITTER of it."""
        delay = min(self.cap, self.base * 2 ** min(failures - 1, 32))
        return clock.now() + timedelta(seconds=delay * self.rng.uniform(1 - JITTER, 1))

    def _release(self, messages: list[Claimed]) -> None:
        """On stop: give back what was claimed but not sent."""
        now = clock.now()
        for message in messages:
            self._settle(message, next_attempt_at=now, commit=False)
        db.session.commit()

    def _settle(self, message: Claimed, *, commit: bool = True, **values: Any) -> bool:
        """Update the message only while this worker's lease still holds it."""
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.status == OutboxStatus.pending,
                   OutboxMessage.next_attempt_at == message.lease)
            .values(**values), execution_options={"synchronize_session": False})
        held = result.rowcount == 1  # type: ignore[attr-defined]
        if not held:
            log.warning("outbox message %s: lease lost, result not recorded", message.id)
        if commit:
            db.session.commit()
        return held
