"""The outbox worker behind `flask outbox run`; several may run at once.

One cycle: claim due messages (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN IMMEDIATE,
one writer) and lease them by pushing next_attempt_at forward, commit; send them outside any
transaction, `concurrency` at a time on kept-alive connections; settle the whole batch in one
short transaction, one UPDATE per outcome, each guarded by the lease (compare-and-set on
next_attempt_at), so a worker whose lease ran out and was taken over never overwrites the newer
claim. Delivery is exactly once while workers live, at least once when one dies between sending
and settling (receivers deduplicate on the delivery id, the SMS gateway on the reference).

A webhook endpoint's first message of a batch goes alone; the rest of its messages follow only
if that one got through, so a dead endpoint costs one attempt per backoff step, not a batch.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import json
import logging
import random
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import BigInteger, ColumnElement, Select, and_, any_, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import lazyload

from app.audit.services import record as audit
from app.extensions import db, sqlite_begin
from app.notifications.http import Poster, describe, poster
from app.notifications.models import Channel, OutboxMessage, OutboxStatus, WebhookSubscription
from app.notifications.services import HELD_UNTIL
from app.notifications.sms import SmsFailed, SmsProvider, sms_provider
from app.text import to_ascii

log = logging.getLogger(__name__)

JITTER = 0.25  # retries land between 75% and 100% of the backoff, so workers spread out
USER_AGENT = "HCC-Post-Webhooks/1.0"
CONCURRENCY = 8  # requests in flight per worker; `flask outbox run --concurrency`


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
    endpoint_clean: bool = True  # its subscription had no failure count or pause when claimed


class Fate(enum.Enum):
    sent = "sent"
    failed = "failed"
    paused = "paused"  # not tried: its endpoint failed earlier in this batch
    released = "released"  # not tried: the worker is stopping


@dataclass(frozen=True)
class Outcome:
    message: Claimed
    fate: Fate
    error: str | None = None


def due_messages(now: datetime, limit: int) -> Select[Any]:
    """The claim: due pending messages, oldest first, with their subscription; rows another
    worker is claiming are skipped (by the partial index ix_outbox_messages_lease)."""
    m, s = OutboxMessage, WebhookSubscription
    return (select(m.id, m.channel, m.topic, m.phone, m.payload, m.attempts, m.subscription_id,
                   s.url, s.secret, s.active, s.deleted_at, s.paused_until, s.consecutive_failures)
            .outerjoin(s, s.id == m.subscription_id)
            .where(m.status == OutboxStatus.pending, m.next_attempt_at <= now)
            .order_by(m.next_attempt_at, m.id)
            .limit(limit)
            .with_for_update(of=m, skip_locked=True))


class OutboxWorker:
    def __init__(self, *, batch: int = 50, concurrency: int = CONCURRENCY, sms: SmsProvider | None = None,
                 rng: random.Random | None = None, stop: threading.Event | None = None) -> None:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        config = app.config
        self.app = app
        self.batch = batch
        self.concurrency = max(1, concurrency)
        self.max_attempts = config["OUTBOX_MAX_ATTEMPTS"]
        self.base = config["OUTBOX_BACKOFF_BASE_SECONDS"]
        self.cap = config["OUTBOX_BACKOFF_MAX_SECONDS"]
        self.disable_after = config["WEBHOOK_DISABLE_AFTER_FAILURES"]
        self.fold = config["SMS_ASCII_FOLD"]
        self.postgres = db.engine.dialect.name == "postgresql"
        timeout = config["WEBHOOK_TIMEOUT_SECONDS"]
        # Long enough to send a whole batch even if every call times out.
        self.lease = timedelta(seconds=60 + batch * max(timeout, config["SMS_HTTP_TIMEOUT_SECONDS"]))
        self.sms = sms or sms_provider(app)
        # Shared by the sending threads: a kept-alive connection per request in flight to a host.
        self.http: Poster = poster(timeout, {"User-Agent": USER_AGENT}, maxsize=self.concurrency)
        self.rng = rng or random.Random()
        self.stop = stop or threading.Event()
        self._pool: ThreadPoolExecutor | None = None

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
            self._deliver_all(claimed)
            return due
        finally:
            sqlite_begin.reset(token)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self.http.close()

    def claim(self) -> list[Claimed]:
        """Lease due messages to this worker; those of paused, disabled or deleted
        subscriptions are set to wait (or dropped) instead."""
        return self._claim_batch()[0]

    def deliver_all(self, messages: list[Claimed]) -> None:
        """Send and settle claimed messages (one batch: one settling transaction)."""
        token = sqlite_begin.set("BEGIN IMMEDIATE")
        try:
            self._deliver_all(messages)
        finally:
            sqlite_begin.reset(token)

    def _deliver_all(self, messages: list[Claimed]) -> None:
        if messages:
            self._settle_batch(self._send_batch(messages))

    def deliver(self, message: Claimed) -> datetime | None:
        """Send and settle one claimed message; returns when to retry a failed webhook endpoint."""
        token = sqlite_begin.set("BEGIN IMMEDIATE")
        try:
            return self._settle_batch([self._attempt(message, set())]).get(message.subscription_id or 0)
        finally:
            sqlite_begin.reset(token)

    # Claim ---------------------------------------------------------------------------------

    def _claim_batch(self) -> tuple[list[Claimed], int]:
        now = self._now()
        lease = now + self.lease
        rows = db.session.execute(due_messages(now, self.batch)).all()
        claimed: list[Claimed] = []
        dropped: list[int] = []
        waiting: dict[datetime, list[int]] = defaultdict(list)
        for r in rows:
            if r.subscription_id is not None and r.url is not None:  # its subscription exists
                if r.deleted_at is not None:
                    dropped.append(r.id)
                    continue
                if not r.active:
                    waiting[HELD_UNTIL].append(r.id)
                    continue
                if r.paused_until is not None and r.paused_until > now:
                    waiting[r.paused_until].append(r.id)
                    continue
            claimed.append(Claimed(r.id, r.channel, r.topic, r.phone, r.payload, r.attempts, lease,
                                   r.subscription_id, r.url, r.secret,
                                   not r.consecutive_failures and r.paused_until is None))
        # The rows are locked (SQLite: the database is), so these need no lease guard.
        if dropped:
            self._update(dropped, status=OutboxStatus.dead, last_error="subscription deleted")
        for until, ids in waiting.items():
            self._update(ids, next_attempt_at=until)
        if claimed:
            self._update([c.id for c in claimed], next_attempt_at=lease)
        db.session.commit()
        return claimed, len(rows)

    # Send ----------------------------------------------------------------------------------

    def _send_batch(self, claimed: list[Claimed]) -> list[Outcome]:
        """Every claimed message sent (or not, see Fate), `concurrency` at a time; outcomes in
        claim order. An endpoint's first message goes before the rest of its messages."""
        failed_endpoints: set[int] = set()
        if self.concurrency == 1 or len(claimed) == 1:
            return [self._attempt(message, failed_endpoints) for message in claimed]
        first, rest, endpoints = [], [], set()
        for message in claimed:
            if message.subscription_id is None or message.subscription_id not in endpoints:
                first.append(message)
                if message.subscription_id is not None:
                    endpoints.add(message.subscription_id)
            else:
                rest.append(message)
        pool = self._threads()
        futures: dict[int, Future[Outcome]] = {
            m.id: pool.submit(self._attempt, m, failed_endpoints) for m in first}
        if rest:
            wait_for([futures[m.id] for m in first if m.subscription_id is not None])
            futures.update((m.id, pool.submit(self._attempt, m, failed_endpoints)) for m in rest)
        return [futures[m.id].result() for m in claimed]

    def _threads(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="outbox-send",
                                            initializer=self._thread_context)
        return self._pool

    def _thread_context(self) -> None:
        """Sending threads see the app (its clock, its config; SMS adapters may read them);
        they never touch the database."""
        self.app.app_context().push()

    def _attempt(self, message: Claimed, failed_endpoints: set[int]) -> Outcome:
        if self.stop.is_set():
            return Outcome(message, Fate.released)
        if message.subscription_id in failed_endpoints:
            return Outcome(message, Fate.paused)
        error = self._send_sms(message) if message.channel is Channel.sms else self._post_webhook(message)
        if error is None:
            return Outcome(message, Fate.sent)
        if message.subscription_id is not None:
            failed_endpoints.add(message.subscription_id)
        return Outcome(message, Fate.failed, error[:1000])

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
            "X-HCC-Signature": signature(message.secret or "", int(self._now().timestamp()), body),
            "X-HCC-Event": message.topic,
            "X-HCC-Delivery": str(message.id),
        }
        try:
            answer = self.http.post(message.url or "", body, headers)
        except Exception as exc:  # refused, timed out, bad URL: all a failed delivery
            return describe(exc)
        return None if answer.is_success else f"HTTP {answer.status}"

    # Settle --------------------------------------------------------------------------------

    def _settle_batch(self, outcomes: list[Outcome]) -> dict[int, datetime]:
        """Record the outcomes in one transaction: the failing endpoints' rows first (the order
        deleting and re-enabling take), then one lease-guarded UPDATE per distinct result, then
        the endpoints' accounts. Returns when each failed endpoint may be tried again."""
        now = self._now()
        by_endpoint: dict[int, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            if outcome.message.channel is Channel.webhook and outcome.message.subscription_id is not None:
                by_endpoint[outcome.message.subscription_id].append(outcome)
        failing = {e for e, done in by_endpoint.items() if any(o.fate is Fate.failed for o in done)}
        # A success resets an endpoint's failure count and pause, if it had any when claimed (one
        # that failed since, at another worker, keeps that failure: it came after this success).
        succeeding = {e for e, done in by_endpoint.items()
                      if e not in failing and any(o.fate is Fate.sent for o in done)
                      and not all(o.message.endpoint_clean for o in done)}
        subs = self._lock_subscriptions(failing, succeeding)

        # When a failing endpoint may be tried again: one failure per batch, counted after any
        # success of this batch (which resets the count first).
        failures: dict[int, int] = {}
        retry: dict[int, datetime] = {}
        for endpoint in failing:
            sub = subs.get(endpoint)
            if sub is None or sub.deleted_at is not None:
                continue
            sent = any(o.fate is Fate.sent for o in by_endpoint[endpoint])
            failures[endpoint] = (0 if sent else sub.consecutive_failures) + 1
            disabling = sub.active and failures[endpoint] >= self.disable_after
            retry[endpoint] = (self._retry_at(failures[endpoint]) if sub.active and not disabling
                               else HELD_UNTIL)

        changes: list[tuple[Claimed, dict[str, Any]]] = []
        sms_retry: dict[int, datetime] = {}  # by attempts: one jittered time per batch, one UPDATE
        for outcome in outcomes:
            message, attempts = outcome.message, outcome.message.attempts + 1
            if outcome.fate is Fate.released:
                changes.append((message, {"next_attempt_at": now}))
            elif outcome.fate is Fate.sent:
                changes.append((message, {"status": OutboxStatus.sent, "attempts": attempts,
                                          "sent_at": now, "last_error": None}))
            elif outcome.fate is Fate.failed:
                changes.append((message, self._failure(message, outcome.error or "", retry, sms_retry)))
        held = self._settle(changes)

        for endpoint, done in by_endpoint.items():
            sub = subs.get(endpoint)
            if sub is None:
                continue
            if endpoint in failing:
                recorded = [o for o in done if o.fate is Fate.failed and o.message.id in held]
                if endpoint not in failures:  # deleted: its messages are dead, nothing to count
                    continue
                if not recorded:  # every failure's lease was lost: another worker accounts
                    del retry[endpoint]
                    continue
                sub.consecutive_failures = failures[endpoint]
                if sub.active and failures[endpoint] >= self.disable_after:
                    self._disable(sub, recorded[0].error or "")
                elif sub.active:
                    sub.paused_until = retry[endpoint]
            elif any(o.fate is Fate.sent and o.message.id in held for o in done):
                sub.consecutive_failures, sub.paused_until = 0, None

        # Those not tried because their endpoint failed wait for it, without spending an attempt.
        self._settle([(o.message, {"next_attempt_at": retry.get(o.message.subscription_id or 0, now)})
                      for o in outcomes if o.fate is Fate.paused])
        db.session.commit()
        return retry

    def _failure(self, message: Claimed, error: str, retry: dict[int, datetime],
                 sms_retry: dict[int, datetime]) -> dict[str, Any]:
        attempts = message.attempts + 1
        failed = {"attempts": attempts, "last_error": error}
        if message.channel is Channel.sms:
            if attempts >= self.max_attempts:
                return {**failed, "status": OutboxStatus.dead}
            if attempts not in sms_retry:
                sms_retry[attempts] = self._retry_at(attempts)
            return {**failed, "next_attempt_at": sms_retry[attempts]}
        retry_at = retry.get(message.subscription_id or 0)
        if retry_at is None:  # its subscription was deleted
            return {**failed, "status": OutboxStatus.dead}
        if retry_at != HELD_UNTIL and attempts >= self.max_attempts:
            return {**failed, "status": OutboxStatus.dead}
        return {**failed, "next_attempt_at": retry_at}

    def _lock_subscriptions(self, failing: set[int], succeeding: set[int]) -> dict[int, WebhookSubscription]:
        """Lock, in id order, the failing endpoints' subscriptions and those of succeeding ones
        that still have failures or a pause to clear; a healthy endpoint's row is not read."""
        s = WebhookSubscription
        where: list[ColumnElement[bool]] = []
        if failing:
            where.append(self._among(s.id, failing))
        if succeeding:
            where.append(and_(self._among(s.id, succeeding),
                              or_(s.consecutive_failures > 0, s.paused_until.is_not(None))))
        if not where:
            return {}
        subs = db.session.scalars(
            select(s).where(or_(*where)).order_by(s.id)
            .options(lazyload(s.agency))
            .with_for_update(of=s)
            .execution_options(populate_existing=True))
        return {sub.id: sub for sub in subs}

    def _disable(self, sub: WebhookSubscription, error: str) -> None:
        sub.active = False
        sub.disabled_at = self._now()
        sub.disabled_reason = f"{sub.consecutive_failures} failed deliveries in a row; last: {error}"[:300]
        audit(None, "webhook.disable", "webhook_subscription", sub.id, {"reason": sub.disabled_reason})
        log.warning("webhook subscription %s disabled: %s", sub.id, sub.disabled_reason)

    def _retry_at(self, failures: int) -> datetime:
        """base × 2^(failures-1), capped, less up to JITTER of it."""
        delay = min(self.cap, self.base * 2 ** min(failures - 1, 32))
        return self._now() + timedelta(seconds=delay * self.rng.uniform(1 - JITTER, 1))

    def _settle(self, changes: Iterable[tuple[Claimed, dict[str, Any]]]) -> set[int]:
        """Apply each message's change only while this worker's lease still holds it, one UPDATE
        per distinct change; returns the ids it held."""
        groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for message, values in changes:
            groups[(message.lease, *sorted(values.items(), key=lambda kv: kv[0]))].append(message.id)
        held: set[int] = set()
        m = OutboxMessage
        for (lease, *change), ids in groups.items():
            held.update(db.session.scalars(
                update(m).where(self._among(m.id, ids), m.status == OutboxStatus.pending,
                                m.next_attempt_at == lease)
                .values(dict(change)).returning(m.id),
                execution_options={"synchronize_session": False}))
            for lost in set(ids) - held:
                log.warning("outbox message %s: lease lost, result not recorded", lost)
        return held

    def _update(self, ids: list[int], **values: Any) -> None:
        db.session.execute(update(OutboxMessage).where(self._among(OutboxMessage.id, ids)).values(**values),
                           execution_options={"synchronize_session": False})

    def _among(self, column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
        """`column = ANY(:ids)` on PostgreSQL (one statement text for any count), IN elsewhere."""
        if self.postgres:
            return column == any_(bindparam(None, sorted(ids), type_=ARRAY(BigInteger)))
        return column.in_(sorted(ids))

    def _now(self) -> datetime:
        clock: Any = self.app.extensions["hcc.clock"]
        return clock.now()
