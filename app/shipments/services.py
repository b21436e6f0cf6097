"""The shipment registry: create, read, search, cancel. Services flush; requests commit."""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.accounts.models import Role, User
from app.audit.services import record as audit
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.geo.services import require_commune
from app.orgs.models import Agency, Office
from app.orgs.services import agency_by_code, office_by_code
from app.privacy import id_number_hash
from app.shipments import s10
from app.shipments.events import STATUS_AFTER, UPU_CODES
from app.shipments.models import (
    DEAD_STATUSES, SerialCounter, Service, Shipment, ShipmentItem, Status, TrackingEvent,
)

DOSSIER_CODE_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"


@dataclass(frozen=True)
class Page:
    items: list[Shipment]
    next_cursor: str | None


def indicator_for(service: Service) -> str:
    # A `both` order starts with its intake leg; its return leg gets its own number later.
    key = "S10_INDICATOR_RETURN" if service is Service.return_ else "S10_INDICATOR_INTAKE"
    return current_app.config[key]


def allocate_tracking_number(service: Service) -> str:
    """Next serial for the service's indicator.

    The counter row is updated in the caller's transaction, so concurrent creators
    queue on its row lock and no two shipments ever get the same serial.
    """
    indicator = indicator_for(service)
    s10.validate_indicator(indicator)
    table = SerialCounter.__table__
    bump = (update(table).where(table.c.indicator == indicator)
            .values(last_serial=table.c.last_serial + 1).returning(table.c.last_serial))
    serial = db.session.execute(bump).scalar_one_or_none()
    if serial is None:
        try:
            with db.session.begin_nested():
                db.session.add(SerialCounter(indicator=indicator, last_serial=0))
        except IntegrityError:
            pass  # another request created the counter first
        serial = db.session.execute(bump).scalar_one()
    return s10.compose(indicator, serial)


def create_shipment(actor: User, data: dict[str, Any]) -> Shipment:
    service: Service = data["service"]
    agency = _agency_for(actor, data["agency_code"], service)
    office = _office_for(actor, agency, data.get("office_code"))
    sender, recipient = data["sender"], data["recipient"]
    require_commune(sender["address"]["unit_code"], "sender.address.unit_code")
    require_commune(recipient["address"]["unit_code"], "recipient.address.unit_code")
    dossier_code = data["dossier"]["code"]
    if current_app.config["DOSSIER_CODE_STRICT"]:
        import re

        if not re.match(DOSSIER_CODE_PATTERN, dossier_code):
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
        sender_unit_code=sender["address"]["unit_code"],
        recipient_name=recipient["name"], recipient_phone=recipient["phone"],
        recipient_address_line=recipient["address"]["line"],
        recipient_unit_code=recipient["address"]["unit_code"],
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
    db.session.add(shipment)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        if "uq_shipments_live_dossier" in str(exc.orig):
            raise _live_conflict(dossier_code, service) from None
        raise
    record_event(shipment, "created", actor=actor, office=office, occurred_at=now)
    audit(actor, "shipment.create", "shipment", shipment.tracking_number,
          {"service": service.value, "dossier_code": dossier_code})
    return shipment


def record_event(shipment: Shipment, event: str, *, actor: User | None, occurred_at: datetime,
                 office: Office | None = None, reason: str | None = None,
                 note: str | None = None) -> TrackingEvent:
    row = TrackingEvent(
        shipment_id=shipment.id, event=event, upu_code=UPU_CODES[event],
        occurred_at=occurred_at, recorded_at=clock.now(),
        office_id=office.id if office else None, actor_id=actor.id if actor else None,
        reason=reason, note=note)
    db.session.add(row)
    shipment.status = STATUS_AFTER[event]
    shipment.updated_at = clock.now()
    db.session.flush()
    return row


def cancel_shipment(actor: User, tracking_number: str, reason: str | None) -> Shipment:
    shipment = get_visible(actor, tracking_number, for_update=True)
    if actor.role is Role.courier:
        raise Forbidden("Couriers may not cancel shipments.", code="role_forbidden")
    if shipment.status is not Status.created:
        raise Conflict(f"A shipment can be cancelled only before acceptance; it is "
                       f"{shipment.status.value}.", code="not_cancellable")
    record_event(shipment, "cancelled", actor=actor, occurred_at=clock.now(),
                 office=actor.office, note=reason)
    audit(actor, "shipment.cancel", "shipment", shipment.tracking_number, {"reason": reason})
    return shipment


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


def visible_to(user: User) -> ColumnElement[bool]:
    """Role scoping (SPEC §2): what each role may see of the registry."""
    if user.role in (Role.admin, Role.supervisor):
        return true()
    if user.role is Role.clerk:
        return Shipment.office_id == user.office_id
    if user.role is Role.courier:
        return or_(Shipment.courier_id == user.id, Shipment.office_id == user.office_id)
    return Shipment.agency_id == user.agency_id


def search(actor: User, args: dict[str, Any]) -> Page:
    stmt = select(Shipment).where(visible_to(actor))
    if args.get("status"):
        stmt = stmt.where(Shipment.status == args["status"])
    if args.get("service"):
        stmt = stmt.where(Shipment.service == args["service"])
    if args.get("agency"):
        stmt = stmt.join(Agency, Shipment.agency_id == Agency.id).where(Agency.code == args["agency"])
    if args.get("office"):
        stmt = stmt.join(Office, Shipment.office_id == Office.id).where(Office.code == args["office"])
    if args.get("dossier_code"):
        stmt = stmt.where(Shipment.dossier_code == args["dossier_code"].strip())
    if args.get("created_from"):
        stmt = stmt.where(Shipment.created_at >= _province_midnight(args["created_from"]))
    if args.get("created_to"):
        stmt = stmt.where(Shipment.created_at < _province_midnight(args["created_to"] + timedelta(days=1)))
    if args.get("cursor"):
        stmt = stmt.where(Shipment.id < decode_cursor(args["cursor"]))
    limit = args["limit"]
    rows = list(db.session.scalars(stmt.order_by(Shipment.id.desc()).limit(limit + 1)).unique())
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return Page(rows[:limit], next_cursor)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"id": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))["id"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError
        return value
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed("cursor", "Not a cursor this API issued.", code="invalid_cursor") from None


def _province_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.PROVINCE_TZ)


def _agency_for(actor: User, agency_code: str, service: Service) -> Agency:
    agency = agency_by_code(agency_code)
    if agency is None or not agency.active:
        raise ValidationFailed("agency_code", f"Unknown agency {agency_code!r}.", code="unknown_agency")
    if actor.role is Role.agency:
        if agency.id != actor.agency_id:
            raise Forbidden("Agency officers create shipments for their own agency only.",
                            code="other_agency")
        if service is not Service.return_:
            raise Forbidden("Agency officers create return shipments only.", code="role_forbidden")
    return agency


def _office_for(actor: User, agency: Agency, office_code: str | None) -> Office:
    if actor.role is Role.clerk:
        if office_code and office_code != actor.office.code:
            raise Forbidden("Clerks create shipments at their own office.", code="other_office")
        return actor.office
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
