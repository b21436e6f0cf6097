"""What the public sees of an item: status and steps in Vietnamese, nothing personal (SPEC §7).

The answer is rendered when what it shows changes, in that same transaction, and stored as
the bytes served (app.tracking.answers); a read is one primary-key lookup and always reflects
every committed event. An answer not stored (written by an older release, or a shipment from
before the store existed) is rendered from the tables on the spot.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Engine, Row, bindparam, select

from app import driver
from app.clock import PROVINCE_TZ
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Office
from app.privacy import mask_name
from app.shipments import s10
from app.shipments.models import Shipment, TrackingEvent
from app.sql import one_of
from app.tracking.models import PublicAnswer
from app.vocabulary import Event, FailureReason, text

# The same answer for a malformed number as for an unknown one: no hint whether it ever existed.
NOT_FOUND = "No item with this tracking number."
# The answer's shape and wording: raise it when either changes, so stored answers of the old
# one are rendered afresh (and `flask tracking rebuild` stores them again).
VERSION = 1

# The public words of each stored event and reason code, looked up once per event rendered.
_EVENT_TEXT = {event.value: text(event) for event in Event}
_REASON_TEXT = {reason.value: text(reason) for reason in FailureReason}

# The shipment, its events in time order and their offices' names, in one round trip.
_VIEW = (select(Shipment.id, Shipment.tracking_number, Shipment.service, Shipment.status, Shipment.due_date,
                Shipment.recipient_name, TrackingEvent.event, TrackingEvent.occurred_at,
                TrackingEvent.reason, Office.name)
         .select_from(Shipment)
         .outerjoin(TrackingEvent, TrackingEvent.shipment_id == Shipment.id)
         .outerjoin(Office, Office.id == TrackingEvent.office_id))
_BY_NUMBER = _VIEW.where(Shipment.tracking_number == bindparam("number")).order_by(
    TrackingEvent.occurred_at, TrackingEvent.id)
_STORED_SQL = "SELECT body FROM public_answers WHERE tracking_number = %s AND version = %s"
_STORED = (select(PublicAnswer.body).where(PublicAnswer.tracking_number == bindparam("number"),
                                           PublicAnswer.version == VERSION))


def public_json(tracking_number: str) -> bytes:
    """The answer as served: stored bytes, or rendered from the tables when none is stored."""
    number = _valid(tracking_number)
    stored = _stored(number)
    if stored is not None:
        return stored
    rows = _read(_BY_NUMBER, number)
    if not rows:
        raise NotFound(NOT_FOUND)
    return encode(view_of(rows))


def public_view(tracking_number: str) -> dict[str, Any]:
    """The answer as JSON values (the /t/ page reads them)."""
    return json.loads(public_json(tracking_number))


def render(shipment_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Rows of public_answers for these shipments, read inside the caller's transaction."""
    ids = sorted(set(shipment_ids))
    if not ids:
        return []
    stmt = (_VIEW.where(one_of(Shipment.id, ids, Shipment.id.type))
            .order_by(Shipment.id, TrackingEvent.occurred_at, TrackingEvent.id))
    return [{"tracking_number": rows[0].tracking_number, "shipment_id": shipment_id, "version": VERSION,
             "body": encode(view_of(rows))}
            for shipment_id, group in groupby(db.session.execute(stmt), key=lambda row: row.id)
            for rows in [list(group)]]


def view_of(rows: Sequence[Row[Any]]) -> dict[str, Any]:
    """The shape of TrackingOut from one shipment's rows."""
    return view(rows[0], [(row.event, row.occurred_at, row.reason, row.name)
                           for row in rows if row.event is not None])


def view(shipment: Any, events: list[tuple[str, datetime, str | None, str | None]]) -> dict[str, Any]:
    """The answer from the shipment's public columns and its (event, when, reason, office name)
    in time order (a scan batch writes the same bytes out itself: app.tracking.answers)."""
    return {
        "tracking_number": shipment.tracking_number,
        "service": shipment.service.value,
        "service_label": text(shipment.service),
        "status": shipment.status.value,
        "status_label": text(shipment.status),
        "due_date": shipment.due_date.isoformat() if shipment.due_date else None,
        "recipient": mask_name(shipment.recipient_name),
        "events": [{
            "occurred_at": occurred_at.astimezone(PROVINCE_TZ).isoformat(),
            "event": event,
            "label": _EVENT_TEXT[event],
            "reason": _REASON_TEXT[reason] if reason else None,
            "office": office,
        } for event, occurred_at, reason, office in events],
    }


def encode(view: dict[str, Any]) -> bytes:
    return json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode()


def _valid(tracking_number: str) -> str:
    number = tracking_number.strip().upper()
    if not s10.is_valid(number):
        raise NotFound(NOT_FOUND)
    return number


def _stored(number: str) -> bytes | None:
    """The stored answer's bytes: on PostgreSQL one prepared statement the driver runs outside
    any transaction (app.driver) — a third of the CPU of the same read through SQLAlchemy, on the
    hottest public path; elsewhere through the session."""
    found = driver.rows(_STORED_SQL, (number, VERSION))
    if found is None:
        body = db.session.scalar(_STORED, {"number": number})
        return None if body is None else bytes(body)
    return bytes(found[0][0]) if found else None


def _read(stmt: Any, number: str) -> Sequence[Row[Any]]:
    bind = db.session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        # A lone read needs no transaction: no BEGIN and COMMIT round trips on a hot public path.
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return conn.execute(stmt, {"number": number}).all()
    # SQLite (its connections manage their own BEGIN), a session bound to one connection (tests),
    # or, inside app.replica's reads, to the replica's connection (AUTOCOMMIT: no BEGIN either).
    return db.session.execute(stmt, {"number": number}).all()
