"""What the counter reads and does for its post office: today's items, results waiting at the
counter, results to hand to a courier, and handing them over. Plain functions of the actor
and validated values (no request), on the same scoping as the API (app.access)."""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy import Select, or_, select

from app import clock
from app.accounts.models import Role, User
from app.dispatch import services as dispatch
from app.errors import ValidationFailed
from app.extensions import db
from app.money.models import Payment, PaymentKind
from app.scans import services as scans
from app.scans.schemas import ScanBatchIn
from app.shipments.models import Service, Shipment, Status
from app.shipments.services import get_visible, visible_to
from app.vocabulary import Event

LISTED = 200  # a counter serves at most a few hundred items a day (UI.md §3)
# Results a courier may take out: accepted and not yet out with another courier or delivered.
TO_HAND = (Status.accepted, Status.in_transit, Status.awaiting_collection)
SCAN_BATCH = ScanBatchIn()


def todays_shipments(actor: User, filters: dict[str, Any]) -> list[Shipment]:
    """The office's items created or moved today (province day), newest first, filtered."""
    start = datetime.combine(clock.today_in_province(), time.min, tzinfo=clock.PROVINCE_TZ)
    stmt = _of_office(actor).where(Shipment.updated_at >= start)
    if filters.get("status"):
        stmt = stmt.where(Shipment.status == filters["status"])
    if filters.get("service"):
        stmt = stmt.where(Shipment.service == filters["service"])
    if filters.get("dossier_code"):
        stmt = stmt.where(Shipment.dossier_code == filters["dossier_code"])
    if filters.get("phone"):
        stmt = stmt.where(or_(Shipment.recipient_phone.endswith(filters["phone"], autoescape=True),
                              Shipment.sender_phone.endswith(filters["phone"], autoescape=True)))
    return list(db.session.scalars(stmt.order_by(Shipment.updated_at.desc(), Shipment.id.desc())
                                   .limit(LISTED)).unique())


def awaiting_collection(actor: User) -> list[Shipment]:
    """Results of the office waiting for their recipient at the counter, oldest first."""
    stmt = _of_office(actor).where(Shipment.service == Service.return_,
                                   Shipment.status == Status.awaiting_collection)
    return list(db.session.scalars(stmt.order_by(Shipment.updated_at, Shipment.id).limit(LISTED)).unique())


def to_hand(actor: User) -> list[Shipment]:
    """Results of the office a courier may take out for delivery, oldest first."""
    stmt = _of_office(actor).where(Shipment.service == Service.return_, Shipment.status.in_(TO_HAND))
    return list(db.session.scalars(stmt.order_by(Shipment.updated_at, Shipment.id).limit(LISTED)).unique())


def find(actor: User, query: str) -> list[Shipment]:
    """Items the actor may see by tracking number or dossier code, whatever the day."""
    stmt = select(Shipment).where(visible_to(actor), or_(Shipment.tracking_number == query.upper(),
                                                          Shipment.dossier_code == query))
    return list(db.session.scalars(stmt.order_by(Shipment.id.desc()).limit(LISTED)).unique())


def couriers_of(actor: User) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == Role.courier, User.active, User.office_id == actor.office_id).order_by(User.full_name)))


def payments_of(shipment: Shipment) -> dict[PaymentKind, Payment]:
    return {p.kind: p for p in db.session.scalars(select(Payment).where(Payment.shipment_id == shipment.id))}


def accept(actor: User, tracking_number: str) -> dict[str, Any]:
    """Record `accepted` for an item handed in, as POST /scans does: its result (recorded,
    duplicate or rejected with {code, detail})."""
    scan = {"id": str(uuid.uuid4()), "tracking_number": tracking_number, "event": Event.accepted.value,
            "occurred_at": clock.now().isoformat()}
    body = SCAN_BATCH.load({"scans": [scan]})
    return scans.ingest(actor, body["scans"])[0]


def hand_to_courier(actor: User, courier: str, tracking_numbers: Sequence[str]) -> dispatch.Dispatched:
    """Give results to a courier of the actor's office for today's round, as dispatch does;
    a clerk hands over only their office's items, to their office's couriers."""
    if actor.role is not Role.supervisor and courier not in {c.username for c in couriers_of(actor)}:
        raise ValidationFailed("courier", f"No active courier {courier!r} at your office.",
                               code="unknown_courier")
    for number in tracking_numbers:
        get_visible(actor, number)  # NotFound for items the actor may not see
    return dispatch.dispatch(actor, {"courier": courier, "tracking_numbers": list(tracking_numbers)})


def _of_office(actor: User) -> Select[tuple[Shipment]]:
    # A supervisor sees every office; the counter they stand at is their own.
    return select(Shipment).where(visible_to(actor), Shipment.office_id == actor.office_id)
