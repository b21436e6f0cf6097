"""The outbox: messages written in the transaction of the event that causes them (SPEC §9).

Every tracking event queues its messages, bulk scans included, so this stays cheap: the rows
are written by one INSERT per event or per batch (`enqueue_for_events`), with at most one
indexed query per agency and transaction for its webhook subscriptions, and payloads made
from loaded objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.notifications import templates
from app.notifications.models import Channel, OutboxMessage, OutboxStatus, WebhookSubscription
from app.orgs.models import Office
from app.shipments.events import STATUS_AFTER
from app.shipments.models import Shipment, TrackingEvent
from app.sql import insert_rows

_CACHE_KEY = "hcc.webhook_subscriptions"
# next_attempt_at of messages whose subscription is disabled: out of the due range, so
# the worker's claim never scans them, until the agency re-enables the subscription.
HELD_UNTIL = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class _Subscription:
    id: int
    events: frozenset[str]  # empty: every event

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


def enqueue_for_event(shipment: Shipment, event: TrackingEvent) -> None:
    """Queue the citizen's SMS (if this event sends one) and a webhook per subscription."""
    insert_rows(OutboxMessage.__table__, messages_for(shipment, event, clock.now()))


def enqueue_for_events(recorded: list[tuple[Shipment, Any]]) -> None:
    """The same for a batch of (shipment, event row) pairs, in one statement (each agency's
    subscriptions taken once: a batch's events are mostly of a few agencies)."""
    now = clock.now()
    subscriptions: dict[int, list[_Subscription]] = {}
    messages = []
    for shipment, event in recorded:
        agency_id = shipment.agency_id
        if agency_id not in subscriptions:
            subscriptions[agency_id] = _subscriptions_of(agency_id)
        messages += _messages(shipment, event, now, subscriptions[agency_id])
    insert_rows(OutboxMessage.__table__, messages)


def messages_for(shipment: Shipment, event: TrackingEvent, now: datetime) -> list[dict[str, Any]]:
    """The outbox rows an event causes: the citizen's SMS, if it sends one, and its webhooks."""
    return _messages(shipment, event, now, _subscriptions_of(shipment.agency_id))


def _messages(shipment: Shipment, event: TrackingEvent, now: datetime,
              subscriptions: list[_Subscription]) -> list[dict[str, Any]]:
    sms = _citizen_sms(shipment, event)
    wanted = [s for s in subscriptions if s.wants(event.event)]
    if sms is None and not wanted:
        return []
    messages = []
    pending = {"status": OutboxStatus.pending, "attempts": 0, "created_at": now, "next_attempt_at": now,
               "shipment_id": shipment.id, "event_id": event.id}
    if sms is not None:
        phone, template, text = sms
        messages.append({**pending, "channel": Channel.sms, "topic": f"shipment.{event.event}",
                         "phone": phone, "subscription_id": None,
                         "payload": {"template": template, "text": text,
                                     "tracking_number": shipment.tracking_number}})
    if wanted:
        body = webhook_body(shipment, event)
        messages.extend({**pending, "channel": Channel.webhook, "topic": body["type"], "phone": None,
                         "subscription_id": s.id, "payload": body} for s in wanted)
    return messages


def _citizen_sms(shipment: Shipment, event: TrackingEvent) -> tuple[str, str, str] | None:
    template = templates.TEMPLATE_FOR.get((shipment.service, event.event))
    if template is None:
        return None
    if template in templates.TRANSIENT and shipment.status is not STATUS_AFTER[event.event]:
        return None
    phone = templates.citizen_phone(shipment)
    if phone is None:
        return None
    return phone, template, templates.render(template, shipment, event, _office_of(shipment, event))


def webhook_body(shipment: Shipment, event: TrackingEvent) -> dict[str, Any]:
    """What an agency's endpoint receives; receivers deduplicate on event.id."""
    office_code = _office_of(shipment, event).code if event.office_id else None
    return {
        "type": f"shipment.{event.event}",
        "event": {
            "id": event.id, "event": event.event, "upu_code": event.upu_code,
            "occurred_at": _iso(event.occurred_at), "recorded_at": _iso(event.recorded_at),
            "office_code": office_code, "reason": event.reason, "note": event.note,
        },
        "shipment": {
            "tracking_number": shipment.tracking_number, "service": shipment.service.value,
            "status": shipment.status.value, "dossier_code": shipment.dossier_code,
            "agency_code": shipment.agency.code,
            "due_date": shipment.due_date.isoformat() if shipment.due_date else None,
        },
    }


def _office_of(shipment: Shipment, event: TrackingEvent) -> Office:
    if event.office_id is None or event.office_id == shipment.office_id:
        return shipment.office
    return db.session.get(Office, event.office_id) or shipment.office  # identity map first


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _subscriptions_of(agency_id: int) -> list[_Subscription]:
    """The agency's live subscriptions, looked up once per agency and transaction.

    Disabled ones are included: their messages wait, held, until the agency re-enables.
    """
    session = db.current()
    transaction = session.get_transaction()
    cached = session.info.get(_CACHE_KEY)
    if cached is None or cached[0] is not transaction:
        cached = (transaction, {})
        session.info[_CACHE_KEY] = cached
    by_agency: dict[int, list[_Subscription]] = cached[1]
    if agency_id not in by_agency:
        rows = db.session.execute(
            select(WebhookSubscription.id, WebhookSubscription.events)
            .where(WebhookSubscription.agency_id == agency_id,
                   WebhookSubscription.deleted_at.is_(None))
            .order_by(WebhookSubscription.id))
        by_agency[agency_id] = [_Subscription(id_, frozenset(events or ())) for id_, events in rows]
    return by_agency[agency_id]


def forget_subscriptions() -> None:
    """Drop the lookup cache after subscriptions change in this transaction."""
    db.session.info.pop(_CACHE_KEY, None)
