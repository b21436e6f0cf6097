"""Public answers kept in step with what they show, in the transaction that changes it.

A flush notes the shipments it wrote (a shipment row, or an event for it); just before the
outermost transaction commits, their answers are rendered from the tables as they now stand
and stored (app.tracking.services.render). Whatever path records an event — a scan batch, a
delivery, a handover, a cancellation — the answer a citizen reads after the commit is the
new one. Every writer updates the shipment row (its status, or
updated_at), so the row lock orders the renders: the last to commit renders last, seeing the
others' events. A rolled-back transaction stores nothing; savepoints rolled back inside a committed
one only cost an answer rendered again unchanged.

An office renamed shows its new name in answers rendered afterwards; the stored answers that
name it are dropped in that transaction (read from the tables until `flask tracking rebuild`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any

from sqlalchemy import delete, event, inspect, select, text
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from app import vocabulary
from app.clock import PROVINCE_TZ
from app.extensions import db
from app.orgs.models import Office
from app.privacy import mask_name
from app.shipments.lifecycle import Step
from app.shipments.models import Shipment, TrackingEvent
from app.sql import on_postgresql, upsert
from app.tracking import services
from app.tracking.models import PublicAnswer
from app.vocabulary import Event, FailureReason, Service, Status

NOTED = "hcc.public_answers"
BATCH = 1000


def _field(name: str, value: str) -> str:
    """One string member of a JSON object and its comma, as json.dumps(ensure_ascii=False) writes it."""
    return f'"{name}":{encode_basestring(value)},'


# The constant parts of an answer as JSON text, in the order of services.view's keys.
_SERVICE_JSON = {s: _field("service", s.value) + _field("service_label", vocabulary.text(s)) for s in Service}
_STATUS_JSON = {s: _field("status", s.value) + _field("status_label", vocabulary.text(s)) for s in Status}
_EVENT_JSON = {e.value: _field("event", e.value) + _field("label", vocabulary.text(e)) for e in Event}
_REASON_JSON = {r.value: encode_basestring(vocabulary.text(r)) for r in FailureReason}
_TIME_ORDER = attrgetter("occurred_at", "order")  # Step.key
# The server reads the JSON's escapes: no NUL, which no text column holds either.
_UPSERT_JSON = text(
    "INSERT INTO public_answers (tracking_number, shipment_id, version, body) "
    "SELECT a->>0, CAST(a->>1 AS bigint), :version, convert_to(CAST(a->2 AS text), 'UTF8') "
    "FROM json_array_elements(CAST(:answers AS json)) AS a ON CONFLICT (tracking_number) DO UPDATE "
    "SET shipment_id = excluded.shipment_id, version = excluded.version, body = excluded.body")


def keep_in_step(factory: sessionmaker[Session]) -> None:
    """Listen on every session the factory makes (once, however many apps are made)."""
    for name, hook in (("after_flush", _note), ("before_commit", _store),
                       ("after_transaction_end", _forget)):
        if not event.contains(factory, name, hook):
            event.listen(factory, name, hook)


def rebuild(session: Session, *, missing_only: bool = False) -> int:
    """Store every shipment's answer (or only those not stored at this version); returns how many.

    Each batch's shipment rows are locked while it is rendered, as every writer locks the row it
    changes: an answer written meanwhile by a request is never overwritten by an older one."""
    ids = select(Shipment.id).order_by(Shipment.id).with_for_update()
    if missing_only:
        ids = ids.where(~select(PublicAnswer.shipment_id).where(
            PublicAnswer.shipment_id == Shipment.id, PublicAnswer.version == services.VERSION).exists())
    done, after = 0, 0
    while True:
        batch = list(session.scalars(ids.where(Shipment.id > after).limit(BATCH)))
        if not batch:
            return done
        upsert(PublicAnswer.__table__, services.render(batch), "tracking_number")
        session.commit()
        done, after = done + len(batch), batch[-1]


def store_loaded(shipments: Iterable[tuple[Shipment, Sequence[Step]]], office_names: dict[int, str]) -> None:
    """Store the answers of shipments whose row and whole timeline the caller holds (a scan batch,
    under its row locks): the bytes app.tracking.services.view and encode make (tests/tracking
    hold the two together), written out as JSON text at a fraction of the cost of a view and a
    json.dumps per answer. On PostgreSQL they go as one JSON parameter, whose elements' text the
    server keeps verbatim, instead of an array per column."""
    offices = {office_id: encode_basestring(name) for office_id, name in office_names.items()}
    answers = [(shipment.tracking_number, shipment.id, _body(shipment, timeline, offices))
               for shipment, timeline in shipments]
    if not answers:
        return
    if on_postgresql():
        rows = ",".join(f"[{encode_basestring(number)},{shipment_id},{body}]"
                        for number, shipment_id, body in answers)
        db.session.execute(_UPSERT_JSON, {"answers": f"[{rows}]", "version": services.VERSION})
        return
    upsert(PublicAnswer.__table__, [{"tracking_number": number, "shipment_id": shipment_id,
                                     "version": services.VERSION, "body": body.encode()}
                                    for number, shipment_id, body in answers], "tracking_number")


def _body(shipment: Shipment, timeline: Sequence[Step], offices: dict[int, str]) -> str:
    """services.encode(services.view(...)) of one shipment, its parts' JSON looked up."""
    events = ",".join(
        f'{{"occurred_at":"{step.occurred_at.astimezone(PROVINCE_TZ).isoformat()}",{_EVENT_JSON[step.event]}'
        f'"reason":{_REASON_JSON[step.reason] if step.reason else "null"},'
        f'"office":{offices.get(step.office_id, "null") if step.office_id else "null"}}}'
        for step in sorted(timeline, key=_TIME_ORDER))
    due_date = f'"{shipment.due_date.isoformat()}"' if shipment.due_date else "null"
    return (f'{{"tracking_number":{encode_basestring(shipment.tracking_number)},'
            f'{_SERVICE_JSON[shipment.service]}{_STATUS_JSON[shipment.status]}"due_date":{due_date},'
            f'"recipient":{encode_basestring(mask_name(shipment.recipient_name))},"events":[{events}]}}')


def note(session: Session, shipment_ids: Iterable[int]) -> None:
    """Shipments whose rows a statement outside the unit of work changed (a Core UPDATE): their
    answers are stored before the commit, as a flush's are."""
    session.info.setdefault(NOTED, set()).update(shipment_ids)


def _note(session: Session, _context: Any) -> None:
    noted = session.info.setdefault(NOTED, set())
    for obj in chain(session.new, session.dirty):
        if isinstance(obj, Shipment):
            noted.add(obj.id)
        elif isinstance(obj, TrackingEvent):
            noted.add(obj.shipment_id)
        elif isinstance(obj, Office) and inspect(obj).attrs.name.history.has_changes() and obj.id:
            _drop_naming(session, obj.id)


def _store(session: Session) -> None:
    session.flush()  # what is still pending is noted too
    noted = session.info.pop(NOTED, None)
    if noted:
        upsert(PublicAnswer.__table__, services.render(noted), "tracking_number")


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or rolled back
        session.info.pop(NOTED, None)


def _drop_naming(session: Session, office_id: int) -> None:
    session.execute(delete(PublicAnswer).where(PublicAnswer.shipment_id.in_(
        select(TrackingEvent.shipment_id).where(TrackingEvent.office_id == office_id))))
