"""What the public sees of an item: status and steps in Vietnamese, nothing personal (SPEC §7)."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from typing import Any

from flask import current_app
from sqlalchemy import Engine, Row, bindparam, select

from app.clock import PROVINCE_TZ
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Office
from app.privacy import mask_name
from app.shipments import s10
from app.shipments.models import Shipment, TrackingEvent
from app.vocabulary import Event, FailureReason, text

# The same answer for a malformed number as for an unknown one: no hint whether it ever existed.
NOT_FOUND = "No item with this tracking number."
MAX_CACHED = 20_000

# One round trip: the shipment, its events in time order and their offices' names. Built once.
_VIEW = (select(Shipment.tracking_number, Shipment.service, Shipment.status, Shipment.due_date,
                Shipment.recipient_name, TrackingEvent.event, TrackingEvent.occurred_at,
                TrackingEvent.reason, Office.name)
         .select_from(Shipment)
         .outerjoin(TrackingEvent, TrackingEvent.shipment_id == Shipment.id)
         .outerjoin(Office, Office.id == TrackingEvent.office_id)
         .where(Shipment.tracking_number == bindparam("number"))
         .order_by(TrackingEvent.occurred_at, TrackingEvent.id))


def public_view(tracking_number: str) -> dict[str, Any]:
    """The answer as JSON values, in the shape of TrackingOut (written out: this path is hot)."""
    number = tracking_number.strip().upper()
    if not s10.is_valid(number):
        raise NotFound(NOT_FOUND)
    rows = _read(number)
    if not rows:
        raise NotFound(NOT_FOUND)
    first = rows[0]
    return {
        "tracking_number": first.tracking_number,
        "service": first.service.value,
        "service_label": text(first.service),
        "status": first.status.value,
        "status_label": text(first.status),
        "due_date": first.due_date.isoformat() if first.due_date else None,
        "recipient": mask_name(first.recipient_name),
        "events": [{
            "occurred_at": row.occurred_at.astimezone(PROVINCE_TZ).isoformat(),
            "event": row.event,
            "label": text(Event(row.event)),
            "reason": text(FailureReason(row.reason)) if row.reason else None,
            "office": row.name,
        } for row in rows if row.event is not None],
    }


def _read(number: str) -> Sequence[Row[Any]]:
    bind = db.session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        # A lone read needs no transaction: no BEGIN and COMMIT round trips on a hot public path.
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return conn.execute(_VIEW, {"number": number}).all()
    # SQLite (its connections manage their own BEGIN), or a session bound to one connection (tests).
    return db.session.execute(_VIEW, {"number": number}).all()


def public_json(tracking_number: str) -> bytes:
    """The public view as JSON, kept TRACKING_CACHE_SECONDS per process (0: not kept).

    A public answer is the same for everyone, so it may be served again for a few seconds:
    under load most lookups then cost no database round trip. An event shows up at most that
    late; unknown numbers are never kept (a number may be created a moment later).
    """
    ttl = current_app.config["TRACKING_CACHE_SECONDS"]
    number = tracking_number.strip().upper()
    cache = _cache() if ttl > 0 else None
    if cache is not None:
        hit = cache.get(number)
        if hit is not None:
            return hit
    body = json.dumps(public_view(number), ensure_ascii=False, separators=(",", ":")).encode()
    if cache is not None:
        cache.put(number, body, ttl)
    return body


class _Answers:
    """A bounded map of number -> (expiry, body), oldest dropped first; thread-safe."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, bytes]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        item = self._items.get(key)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def put(self, key: str, body: bytes, ttl: float) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (time.monotonic() + ttl, body)
            if len(self._items) > MAX_CACHED:
                for old in list(self._items)[:MAX_CACHED // 4]:
                    del self._items[old]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _cache() -> _Answers:
    cache = current_app.extensions.get("hcc.tracking_answers")
    if cache is None:
        cache = current_app.extensions.setdefault("hcc.tracking_answers", _Answers())
    return cache
