"""Pickup requests: request, assign, complete (against a handover record), cancel, list."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, select

from app import clock
from app.access import agency_for, scope
from app.accounts.models import Role, User
from app.audit.services import record as audit
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.geo.services import require_commune
from app.handovers.models import Direction
from app.handovers.services import sign_record
from app.orgs.models import Agency
from app.pagination import Page, keyset
from app.pickups.models import OPEN_PICKUP_STATUSES, Pickup, PickupItem, PickupStatus
from app.shipments.models import Service, Shipment, Status
from app.shipments.services import normalise_tracking_number
from app.sql import one_of

MAX_WINDOW = timedelta(hours=12)


def request_pickup(actor: User, data: dict[str, Any]) -> Pickup:
    agency = agency_for(actor, data.get("agency_code"), local=True)
    now = clock.now()
    start, end = data["window_start"], data["window_end"]
    if start < now:
        raise ValidationFailed("window_start", "The window starts in the past.", code="window_in_past")
    if end <= start:
        raise ValidationFailed("window_end", "The window ends after it starts.", code="window_invalid")
    if end - start > MAX_WINDOW:
        raise ValidationFailed("window_end", "A window is at most 12 hours.", code="window_invalid")
    address = data.get("address") or {"line": agency.address_line, "unit_code": agency.unit_code}
    unit = require_commune(address["unit_code"], "address.unit_code")
    shipments = _pickable(agency, [normalise_tracking_number(n) for n in data["tracking_numbers"]])
    expected = data.get("expected_count") or len(shipments)
    if expected < 1 or expected < len(shipments):
        raise ValidationFailed("expected_count", "At least one item, and no fewer than the items listed.",
                               code="expected_count_invalid")
    _refuse_overlap(agency, address["line"], unit.code, start, end)
    pickup = Pickup(
        agency=agency, office=agency.office, status=PickupStatus.requested, address_line=address["line"],
        unit_code=unit.code, window_start=start, window_end=end, expected_count=expected,
        contact_name=data["contact"]["name"], contact_phone=data["contact"]["phone"], note=data.get("note"),
        created_by_id=actor.id, created_at=now, updated_at=now,
        items=[PickupItem(shipment_id=s.id, tracking_number=s.tracking_number) for s in shipments])
    db.session.add(pickup)
    db.session.flush()
    audit(actor, "pickup.request", "pickup", str(pickup.id), {"agency": agency.code, "expected": expected})
    return pickup


def assign(actor: User, pickup_id: int, courier_username: str) -> Pickup:
    pickup = _locked(actor, pickup_id)
    courier = db.session.scalar(select(User).where(User.username == courier_username))
    if courier is None or courier.role is not Role.courier or not courier.active:
        raise ValidationFailed("courier", f"No active courier {courier_username!r}.", code="unknown_courier")
    if pickup.status not in OPEN_PICKUP_STATUSES:
        raise Conflict(f"The pickup is {pickup.status.value}.", code="pickup_closed")
    pickup.courier, pickup.status, pickup.updated_at = courier, PickupStatus.assigned, clock.now()
    db.session.flush()
    audit(actor, "pickup.assign", "pickup", str(pickup.id), {"courier": courier.username})
    return pickup


def complete(actor: User, pickup_id: int, data: dict[str, Any]) -> Pickup:
    pickup = _locked(actor, pickup_id)
    if pickup.status is not PickupStatus.assigned:
        raise Conflict(f"Only an assigned pickup is completed; this one is {pickup.status.value}.",
                       code="pickup_not_assigned")
    if actor.role is Role.courier and pickup.courier_id != actor.id:
        raise Forbidden("The pickup is assigned to another courier.", code="other_courier")
    scanned = [normalise_tracking_number(n) for n in data["scanned"]]
    listed = {i.tracking_number: i for i in pickup.items}
    strays = [n for n in scanned if listed and n not in listed]
    if strays:
        raise ValidationFailed("scanned", f"Not on this pickup: {', '.join(strays)}.", code="not_in_pickup")
    record = sign_record(actor, direction=Direction.from_agency, agency=pickup.agency,
                         tracking_numbers=scanned, agency_signatory=data["agency_signatory"],
                         signed_at=data.get("completed_at"),
                         note=f"Thu gom theo yêu cầu số {pickup.id}")
    for number in scanned:
        if number in listed:
            listed[number].scanned = True
    pickup.handover_id = record.id
    pickup.scanned_count = len(scanned)
    pickup.missing_count = max(pickup.expected_count - len(scanned), 0)
    pickup.status, pickup.updated_at = PickupStatus.completed, clock.now()
    db.session.flush()
    audit(actor, "pickup.complete", "pickup", str(pickup.id),
          {"scanned": len(scanned), "missing": pickup.missing_count, "handover": record.number})
    return pickup


def cancel(actor: User, pickup_id: int) -> Pickup:
    pickup = _locked(actor, pickup_id)
    if actor.role is Role.courier:
        raise Forbidden("Couriers do not cancel pickups.", code="role_forbidden")
    if pickup.status not in OPEN_PICKUP_STATUSES:
        raise Conflict(f"The pickup is {pickup.status.value}.", code="pickup_closed")
    pickup.status, pickup.updated_at = PickupStatus.cancelled, clock.now()
    db.session.flush()
    audit(actor, "pickup.cancel", "pickup", str(pickup.id), {})
    return pickup


def get_pickup(actor: User, pickup_id: int) -> Pickup:
    pickup = db.session.scalar(select(Pickup).where(Pickup.id == pickup_id, visible_to(actor)))
    if pickup is None:
        raise NotFound(f"No pickup {pickup_id}.", code="pickup_not_found")
    return pickup


def search(actor: User, args: dict[str, Any]) -> Page[Pickup]:
    stmt = select(Pickup).where(visible_to(actor))
    if args.get("status"):
        stmt = stmt.where(Pickup.status == args["status"])
    return keyset(stmt, [Pickup.id], args, descending=True)


def visible_to(user: User) -> ColumnElement[bool]:
    return scope(user, Pickup)


def awaiting_pickup(actor: User, agency_code: str | None, limit: int) -> list[Shipment]:
    """The agency's results a pickup may list (the rules of _pickable): return shipments not yet
    accepted and on no open pickup, newest first. An agency officer's own agency by default."""
    agency = agency_for(actor, agency_code, local=True)
    on_open_pickup = (select(PickupItem.shipment_id).join(Pickup)
                      .where(Pickup.agency_id == agency.id, Pickup.status.in_(OPEN_PICKUP_STATUSES)))
    stmt = (select(Shipment)
            .where(Shipment.agency_id == agency.id, Shipment.service == Service.return_,
                   Shipment.status == Status.created, Shipment.id.not_in(on_open_pickup))
            .order_by(Shipment.id.desc()).limit(limit))
    return list(db.session.scalars(stmt).unique())


def _locked(actor: User, pickup_id: int) -> Pickup:
    pickup = db.session.scalar(select(Pickup).where(Pickup.id == pickup_id, visible_to(actor))
                               .with_for_update(of=Pickup))
    if pickup is None:
        raise NotFound(f"No pickup {pickup_id}.", code="pickup_not_found")
    return pickup


def _pickable(agency: Agency, numbers: list[str]) -> list[Shipment]:
    if len(set(numbers)) != len(numbers):
        raise ValidationFailed("tracking_numbers", "A number is listed twice.", code="duplicate_item")
    if not numbers:
        return []
    rows = list(db.session.scalars(select(Shipment).where(Shipment.tracking_number.in_(numbers))).unique())
    found = {s.tracking_number: s for s in rows}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise NotFound(f"No shipment {', '.join(missing)}.", code="shipments_not_found",
                       errors={"tracking_numbers": missing})
    others = [n for n in numbers if found[n].agency_id != agency.id]
    if others:
        raise Forbidden(f"Not this agency's: {', '.join(others)}.", code="other_agency",
                        errors={"tracking_numbers": others})
    unready = [n for n in numbers
               if found[n].service is not Service.return_ or found[n].status is not Status.created]
    if unready:
        raise Conflict(f"Only return shipments not yet accepted are picked up: {', '.join(unready)}.",
                       code="item_not_pickable", errors={"tracking_numbers": unready})
    ids = [found[n].id for n in numbers]
    taken = list(db.session.scalars(
        select(PickupItem.tracking_number).join(Pickup)
        .where(one_of(PickupItem.shipment_id, ids, BigInteger()), Pickup.status.in_(OPEN_PICKUP_STATUSES))))
    if taken:
        raise Conflict(f"Already on an open pickup: {', '.join(taken)}.", code="on_another_pickup",
                       errors={"tracking_numbers": taken})
    return [found[n] for n in numbers]


def _refuse_overlap(agency: Agency, line: str, unit_code: str, start: Any, end: Any) -> None:
    clash = db.session.scalar(select(Pickup.id).where(
        Pickup.agency_id == agency.id, Pickup.status.in_(OPEN_PICKUP_STATUSES),
        Pickup.address_line == line, Pickup.unit_code == unit_code,
        Pickup.window_start < end, Pickup.window_end > start))
    if clash is not None:
        raise Conflict(f"Pickup {clash} at this address already covers this time.", code="duplicate_pickup",
                       errors={"window_start": [f"Overlaps pickup {clash}."]})
