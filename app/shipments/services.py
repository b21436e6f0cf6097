"""The shipment registry: create, read, search, cancel. Services flush; requests commit."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app import clock
from app.access import Actor, agency_for, as_seen_by, scope
from app.accounts.models import Role, User
from app.audit.services import record as audit
from app.errors import Conflict, Forbidden, NotFound, Unavailable, ValidationFailed
from app.extensions import db
from app.fees.services import freeze_fee
from app.geo.services import require_commune
from app.notifications.services import enqueue_for_event
from app.orgs.models import Agency, Office
from app.orgs.services import office_by_code
from app.pagination import Page, keyset
from app.privacy import id_number_hash
from app.shipments import lifecycle, reads, s10
from app.shipments.models import (
    DEAD_STATUSES,
    SerialCounter,
    Service,
    Shipment,
    ShipmentItem,
    Status,
    TrackingEvent,
)
from app.text import nfc
from app.vocabulary import UPU_CODES, Event

DOSSIER_CODE_PATTERN = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4}")


def indicator_for(service: Service) -> str:
    # A `both` order starts with its intake leg; its return leg gets its own number later.
    key = "S10_INDICATOR_RETURN" if service is Service.return_ else "S10_INDICATOR_INTAKE"
    return current_app.config[key]


def allocate_tracking_number(service: Service) -> str:
    """Next serial for the service's indicator; no serial is ever handed out twice.

    On PostgreSQL the counter moves in a transaction of its own, like a sequence:
    concurrent creators wait for one UPDATE, not for each other's whole request, and
    a request that fails later leaves a gap, never a reuse. SQLite serialises writing
    requests anyway (BEGIN IMMEDIATE), so there the bump joins the request.
    """
    indicator = indicator_for(service)
    s10.validate_indicator(indicator)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            serial = conn.execute(_bump_counter(postgresql.insert, indicator)).scalar_one()
    else:
        serial = db.session.execute(_bump_counter(sqlite.insert, indicator)).scalar_one()
    if serial > s10.MAX_SERIAL:
        raise Unavailable(f"All S10 serials of indicator {indicator} are used; configure a new "
                          "service indicator.", code="serials_exhausted")
    return s10.compose(indicator, serial)


def _bump_counter(insert: Any, indicator: str) -> Any:
    """One statement: create the counter at 1, or add 1 to it, and return the new value."""
    table = SerialCounter.__table__
    return (insert(table).values(indicator=indicator, last_serial=1)
            .on_conflict_do_update(index_elements=[table.c.indicator],
                                   set_={"last_serial": table.c.last_serial + 1})
            .returning(table.c.last_serial))


def create_shipment(actor: User, data: dict[str, Any]) -> Shipment:
    service: Service = data["service"]
    agency = _agency_for(actor, data["agency_code"], service)
    office = _office_for(actor, agency, data.get("office_code"))
    sender, recipient = data["sender"], data["recipient"]
    # Held, not discarded: the session's identity map is weak, and the shipment links to both.
    sender_unit = require_commune(sender["address"]["unit_code"], "sender.address.unit_code")
    recipient_unit = require_commune(recipient["address"]["unit_code"], "recipient.address.unit_code")
    dossier_code = data["dossier"]["code"]
    if current_app.config["DOSSIER_CODE_STRICT"] and not DOSSIER_CODE_PATTERN.fullmatch(dossier_code):
        raise ValidationFailed("dossier.code", "Expected a one-stop code like "
                               "000.00.12.H56-200313-0001.", code="invalid_dossier_code")
    _refuse_second_live_shipment(dossier_code, service)

    now = clock.now()
    beneficiary = data.get("beneficiary") or {}
    id_number = recipient.get("id_number")
    shipment = Shipment(
        tracking_number=allocate_tracking_number(service),
        service=service, status=Status.created,
        dossier_code=dossier_code, procedure_name=data["dossier"].get("procedure"),
        agency=agency, office=office, created_by_id=actor.id,
        sender_name=sender["name"], sender_phone=sender["phone"],
        sender_address_line=sender["address"]["line"],
        sender_unit_code=sender_unit.code, sender_unit=sender_unit,
        recipient_name=recipient["name"], recipient_phone=recipient["phone"],
        recipient_address_line=recipient["address"]["line"],
        recipient_unit_code=recipient_unit.code, recipient_unit=recipient_unit,
        recipient_id_type=recipient.get("id_type"),
        recipient_id_hash=id_number_hash(id_number) if id_number else None,
        recipient_id_last4=id_number[-4:] if id_number else None,
        weight_g=data["weight_g"],
        beneficiary_category=beneficiary.get("category"),
        beneficiary_certificate=beneficiary.get("certificate"),
        collect_fee_vnd=data.get("collect_fee_vnd") or 0,
        accepted_on=data.get("accepted_on") or clock.today_in_province(),
        created_at=now, updated_at=now,
        items=[ShipmentItem(position=i, name=it["name"], original=it["original"], count=it["count"])
               for i, it in enumerate(data["items"])],
    )
    # SPEC §5: the fee engine prices this body as POST /quotes does, and the fee is frozen here.
    freeze_fee(shipment, data)
    db.session.add(shipment)
    try:
        db.session.flush()
    except IntegrityError as exc:
        # Two requests for one dossier passed the check above at once; the unique index
        # decides. The whole request rolls back, so no savepoint is needed.
        if any(name in str(exc.orig) for name in ("uq_shipments_live_dossier", "shipments.dossier_code")):
            raise _live_conflict(dossier_code, service) from None
        raise
    record_event(shipment, Event.created, actor=actor, office=office, occurred_at=now)
    audit(actor, "shipment.create", "shipment", shipment.tracking_number,
          {"service": service.value, "dossier_code": dossier_code})
    return shipment


def record_event(shipment: Shipment, event: str, *, actor: User | None, occurred_at: datetime,
                 office: Office | None = None, reason: str | None = None,
                 note: str | None = None, lat: float | None = None,
                 lon: float | None = None, device_time: datetime | None = None,
                 clock_offset_ms: int | None = None) -> TrackingEvent:
    """Place one event on the shipment's timeline by the rules of app.shipments.lifecycle
    (TransitionRefused if it does not fit), and recompute the status from the timeline."""
    lifecycle.check_details(event, has_office=office is not None, reason=reason)
    timeline = lifecycle.place(lifecycle.locked_timeline(shipment.id),
                               lifecycle.Step(event, occurred_at, reason=reason))
    row = TrackingEvent(
        shipment_id=shipment.id, event=event, upu_code=UPU_CODES[event],
        occurred_at=occurred_at, recorded_at=clock.now(),
        office_id=office.id if office else None, actor_id=actor.id if actor else None,
        reason=reason, note=note, lat=lat, lon=lon, device_time=device_time,
        clock_offset_ms=clock_offset_ms)
    db.session.add(row)
    shipment.status = lifecycle.status_after(timeline)
    shipment.updated_at = clock.now()
    db.session.flush()
    enqueue_for_event(shipment, row)
    return row


def create(actor: User, data: dict[str, Any]) -> Reading:
    return Reading(actor, create_shipment(actor, data))


def cancel_shipment(actor: User, tracking_number: str, reason: str | None) -> Reading:
    shipment = get_visible(actor, tracking_number, for_update=True)
    if actor.role is Role.courier:
        raise Forbidden("Couriers may not cancel shipments.", code="role_forbidden")
    if actor.role is Role.agency and shipment.service is not Service.return_:
        # An agency may withdraw what it may create; a citizen's intake dossier is not its own.
        raise Forbidden("Agency officers cancel return shipments only.", code="role_forbidden")
    # Only before acceptance: the lifecycle refuses it otherwise (code not_cancellable).
    record_event(shipment, Event.cancelled, actor=actor, occurred_at=clock.now(),
                 office=actor.office, note=reason)
    audit(actor, "shipment.cancel", "shipment", shipment.tracking_number, {"reason": reason})
    return Reading(actor, shipment)


def get_visible(actor: User, tracking_number: str, *, for_update: bool = False) -> Shipment:
    number = normalise_tracking_number(tracking_number)
    stmt = select(Shipment).where(Shipment.tracking_number == number, visible_to(actor))
    if for_update:
        stmt = stmt.with_for_update(of=Shipment)
    shipment = db.session.scalar(stmt)
    if shipment is None:
        raise NotFound(f"No shipment {number}.", code="shipment_not_found")
    return shipment


def events_of(shipment: Shipment) -> list[TrackingEvent]:
    return list(db.session.scalars(
        shipment.events.select().order_by(TrackingEvent.occurred_at, TrackingEvent.id)))


def normalise_tracking_number(value: str) -> str:
    number = value.strip().upper()
    if not s10.is_valid(number):
        raise ValidationFailed("tracking_number", "Not a valid S10 tracking number "
                               "(two letters, nine digits with a correct check digit, two letters).",
                               code="invalid_tracking_number")
    return number


def visible_to(user: Actor) -> ColumnElement[bool]:
    """Role scoping (SPEC §2): what each role may see of the registry."""
    return scope(user, Shipment)


class Reading:
    """A shipment with its timeline, as one reader may see it (app.access)."""

    def __init__(self, actor: User, shipment: Shipment) -> None:
        self._seen = as_seen_by(actor, shipment)
        self.events = events_of(shipment)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._seen, name)


def read(actor: User, tracking_number: str) -> Reading:
    return Reading(actor, get_visible(actor, tracking_number))


def search(actor: Actor, args: dict[str, Any]) -> Page:
    """A page of summary rows (app.shipments.reads: what ShipmentSummaryOut shows), newest first."""
    stmt = reads.summaries(visible_to(actor))
    if args.get("status"):
        stmt = stmt.where(Shipment.status == args["status"])
    if args.get("service"):
        stmt = stmt.where(Shipment.service == args["service"])
    if args.get("agency"):
        stmt = stmt.where(Agency.code == args["agency"])
    if args.get("office"):
        stmt = stmt.where(Office.code == args["office"])
    if args.get("dossier_code"):
        stmt = stmt.where(Shipment.dossier_code == args["dossier_code"])
    if args.get("created_from"):
        stmt = stmt.where(Shipment.created_at >= _province_midnight(args["created_from"]))
    if args.get("created_to"):
        stmt = stmt.where(Shipment.created_at < _province_midnight(args["created_to"] + timedelta(days=1)))
    if args.get("q"):
        stmt = stmt.where(_matching(args["q"]))
    page = keyset(stmt, [Shipment.id], args, descending=True, rows=True)
    return Page([as_seen_by(actor, s) for s in page.items], page.next_cursor)


def _matching(query: str) -> ColumnElement[bool]:
    """What a search box finds: a tracking number or a dossier code exactly, or a part of the
    recipient's name (case-insensitive where the database folds the letters)."""
    query = nfc(query.strip())
    return or_(Shipment.tracking_number == query.upper(), Shipment.dossier_code == query,
               Shipment.recipient_name.icontains(query, autoescape=True))


def _province_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.PROVINCE_TZ)


def _agency_for(actor: User, agency_code: str, service: Service) -> Agency:
    agency = agency_for(actor, agency_code)
    if actor.role is Role.agency and service is not Service.return_:
        raise Forbidden("Agency officers create return shipments only.", code="role_forbidden")
    return agency


def _office_for(actor: User, agency: Agency, office_code: str | None) -> Office:
    if actor.role is Role.clerk:
        if office_code and office_code != actor.home_office.code:
            raise Forbidden("Clerks create shipments at their own office.", code="other_office")
        return actor.home_office
    if office_code and actor.role is Role.supervisor:
        office = office_by_code(office_code)
        if office is None:
            raise ValidationFailed("office_code", f"Unknown office {office_code!r}.")
        return office
    return agency.office


def _refuse_second_live_shipment(dossier_code: str, service: Service) -> None:
    live = db.session.scalar(select(Shipment.tracking_number).where(
        Shipment.dossier_code == dossier_code, Shipment.service == service,
        Shipment.status.not_in([Status(s) for s in DEAD_STATUSES])))
    if live is not None:
        raise _live_conflict(dossier_code, service, live)


def _live_conflict(dossier_code: str, service: Service, live: str | None = None) -> Conflict:
    where = f" ({live})" if live else ""
    return Conflict(f"Dossier {dossier_code} already has a live {service.value} shipment{where}.",
                    code="dossier_has_live_shipment", errors={"dossier.code": ["Already shipped."]})
