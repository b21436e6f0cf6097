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

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import delete, event, inspect, select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from app.orgs.models import Office
from app.shipments.models import Shipment, TrackingEvent
from app.sql import upsert
from app.tracking import services
from app.tracking.models import PublicAnswer

NOTED = "hcc.public_answers"
BATCH = 1000


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


def store(rows: list[dict[str, Any]]) -> None:
    """Answers rendered by the caller (app.tracking.services.render_loaded), stored now."""
    upsert(PublicAnswer.__table__, rows, "tracking_number")


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
