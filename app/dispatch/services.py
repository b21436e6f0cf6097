"""Dispatch: a supervisor gives items to a courier for a day; the courier's run in route order."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app import clock
from app.accounts.models import Role, User
from app.audit.services import record as audit
from app.dispatch import route
from app.dispatch.models import DispatchAssignment
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.geo.models import Commune, Province
from app.labels.records import DeliveryList
from app.labels.render_flow import render_delivery_list
from app.labels.services import delivery_stop, office_info, templates_dir
from app.orgs.models import Office
from app.pickups.models import Pickup, PickupStatus
from app.shipments.models import FINAL_STATUSES, Service, Shipment, Status
from app.shipments.services import normalise_tracking_number

DISPATCHABLE = (Status.accepted, Status.in_transit, Status.out_for_delivery, Status.awaiting_collection)
WAITING_LISTED = 500  # a dispatch takes at most 500 items (DispatchIn)


@dataclass(frozen=True)
class Stop:
    position: int
    shipment: Shipment
    leg_km: float


@dataclass(frozen=True)
class Run:
    courier: User
    day: date
    stops: list[Shipment]
    total_km: float
    nearest_neighbour_km: float
    leg_km: list[float] = field(default_factory=list)

    @property
    def numbered_stops(self) -> list[Stop]:
        return [Stop(i, s, km) for i, (s, km) in enumerate(zip(self.stops, self.leg_km, strict=True), 1)]


@dataclass(frozen=True)
class Today:
    """Everything the courier's phone keeps for a day offline, in one answer."""

    run: Run
    pickups: list[Pickup]
    server_time: datetime

    @property
    def at_office(self) -> list[Shipment]:
        """Items of the run not yet taken out: the courier collects them at the office first."""
        return [s for s in self.run.stops if s.status in (Status.accepted, Status.in_transit)]


@dataclass(frozen=True)
class Waiting:
    """A result at the office that may go out, and the courier it is given to that day, if any."""

    shipment: Shipment
    courier: User | None


@dataclass(frozen=True)
class Dispatched:
    courier: User
    day: date
    shipments: list[Shipment]


def dispatch(actor: User, data: dict[str, Any]) -> Dispatched:
    courier, day, rows = _dispatchable(data, lock=True)
    existing = {a.shipment_id: a for a in db.session.scalars(select(DispatchAssignment).where(
        DispatchAssignment.day == day, DispatchAssignment.shipment_id.in_([s.id for s in rows])))}
    for s in rows:
        s.courier_id = courier.id
        a = existing.get(s.id) or DispatchAssignment(shipment_id=s.id, day=day)
        a.courier_id, a.assigned_by_id, a.assigned_at = courier.id, actor.id, clock.now()
        db.session.add(a)
    db.session.flush()
    audit(actor, "dispatch.assign", "user", courier.username, {"day": day.isoformat(), "items": len(rows)})
    return Dispatched(courier, day, rows)


def preview(actor: User, data: dict[str, Any]) -> Run:
    """The run the courier would get if `dispatch(actor, data)` ran now: their assignments for
    the day plus the items given, in courier_run's order; nothing is written or locked."""
    courier, day, rows = _dispatchable(data, lock=False)
    items = {s.id: s for s in [*_assigned(courier, day), *rows]}
    return _planned(courier, day, [items[i] for i in sorted(items)])


def waiting(office: Office, day: date) -> list[Waiting]:
    """The office's results a courier may take out (DISPATCHABLE), by commune then number, each
    with the courier it is already given to for `day`, if any."""
    rows = db.session.execute(
        select(Shipment, User).outerjoin(DispatchAssignment, (DispatchAssignment.shipment_id == Shipment.id)
                                         & (DispatchAssignment.day == day))
        .outerjoin(User, User.id == DispatchAssignment.courier_id)
        .join(Commune, Commune.code == Shipment.recipient_unit_code)
        .where(Shipment.office_id == office.id, Shipment.service == Service.return_,
               Shipment.status.in_(DISPATCHABLE))
        .order_by(Commune.name, Commune.code, Shipment.id).limit(WAITING_LISTED)).unique().tuples()
    return [Waiting(shipment, courier) for shipment, courier in rows]


def courier_run(actor: User, username: str | None, day: date | None) -> Run:
    if actor.role is Role.courier:
        if username and username != actor.username:
            raise Forbidden("Couriers see their own run.", code="other_courier")
        courier = actor
    else:
        courier = _courier(username or "")
    day = day or clock.today_in_province()
    return _planned(courier, day, _assigned(courier, day))


def _dispatchable(data: dict[str, Any], *, lock: bool) -> tuple[User, date, list[Shipment]]:
    """The courier, the day and the items of a DispatchIn body, or the refusal dispatch makes."""
    courier = _courier(data["courier"])
    day = data.get("day") or clock.today_in_province()
    numbers = [normalise_tracking_number(n) for n in data["tracking_numbers"]]
    stmt = select(Shipment).where(Shipment.tracking_number.in_(numbers)).order_by(Shipment.id)
    rows = list(db.session.scalars(stmt.with_for_update(of=Shipment) if lock else stmt).unique())
    missing = sorted(set(numbers) - {s.tracking_number for s in rows})
    if missing:
        raise NotFound(f"No shipment {', '.join(missing)}.", code="shipments_not_found",
                       errors={"tracking_numbers": missing})
    unready = [s.tracking_number for s in rows
               if s.service is not Service.return_ or s.status not in DISPATCHABLE]
    if unready:
        raise Conflict(f"Only results accepted and not yet delivered are dispatched: {', '.join(unready)}.",
                       code="not_dispatchable", errors={"tracking_numbers": unready})
    return courier, day, rows


def _assigned(courier: User, day: date) -> list[Shipment]:
    """The courier's items for the day still to deliver, by id (the order the route plans from)."""
    return list(db.session.scalars(
        select(Shipment).join(DispatchAssignment, DispatchAssignment.shipment_id == Shipment.id)
        .where(DispatchAssignment.courier_id == courier.id, DispatchAssignment.day == day,
               Shipment.status.not_in(FINAL_STATUSES))
        .order_by(Shipment.id)).unique())


def _planned(courier: User, day: date, shipments: list[Shipment]) -> Run:
    if not shipments:
        return Run(courier, day, [], 0.0, 0.0)
    office_unit = db.session.get_one(Commune, courier.home_office.unit_code)
    points = [(s.recipient_unit.lat, s.recipient_unit.lon) for s in shipments]
    office = (office_unit.lat, office_unit.lon)
    order, km, nn_km = route.plan(office, points)
    return Run(courier, day, [shipments[i] for i in order], km, nn_km,
               route.legs(office, [points[i] for i in order]))


def courier_today(actor: User, username: str | None) -> Today:
    run = courier_run(actor, username, None)
    pickups = list(db.session.scalars(
        select(Pickup).where(Pickup.courier_id == run.courier.id, Pickup.status == PickupStatus.assigned)
        .order_by(Pickup.window_start, Pickup.id)).unique())
    return Today(run, pickups, clock.now())


def run_pdf(run: Run) -> bytes:
    provinces = dict(db.session.execute(select(Province.code, Province.short_name)).tuples().all())
    doc = DeliveryList(
        number=f"DSP-{run.day:%Y%m%d}-{run.courier.username}", day=run.day,
        office=office_info(run.courier.home_office),
        courier_name=run.courier.full_name,
        stops=tuple(delivery_stop(s, provinces.get(s.recipient_unit.province_code, "")) for s in run.stops),
        route=f"{len(run.stops)} bưu gửi, khoảng {run.total_km:.1f} km")
    return render_delivery_list(doc, directory=templates_dir())


def _courier(username: str) -> User:
    courier = db.session.scalar(select(User).where(User.username == username))
    if courier is None or courier.role is not Role.courier or not courier.active:
        raise ValidationFailed("courier", f"No active courier {username!r}.", code="unknown_courier")
    return courier
