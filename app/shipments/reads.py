"""The staff API's two reads of the registry, built for speed (SPEC §11: detail p50 ≤ 2 ms, lists
≤ 10 ms at 10 M shipments): Core rows of exactly the columns the answer shows, three statements for
one shipment and one for a page, and answers built as plain dicts.

The answers are ShipmentOut and ShipmentSummaryOut (app.shipments.schemas), which stay what the
OpenAPI document declares and what the web pages and other answers dump: the dicts here are
exactly their dumps, field for field and in their order (tests/shipments/test_answers.py compares
them on every kind of shipment). Role scoping and the admin's masking are app.access's, as for
every other read.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import aliased

from app.access import as_seen_by, scope
from app.accounts.models import Role, User
from app.errors import NotFound
from app.extensions import db
from app.fees.schemas import FeeOut
from app.geo.models import Commune
from app.orgs.models import Agency, Office
from app.shipments.models import Shipment, ShipmentItem, TrackingEvent

_FEE = FeeOut()
_SENDER_UNIT = aliased(Commune, name="sender_unit")
_RECIPIENT_UNIT = aliased(Commune, name="recipient_unit")
_COURIER = aliased(User, name="courier")

# A summary row: what ShipmentSummaryOut shows, and the id its keyset cursor is made of.
SUMMARY_COLUMNS = (Shipment.id, Shipment.tracking_number, Shipment.service, Shipment.status,
                   Shipment.dossier_code, Agency.code.label("agency_code"),
                   Office.code.label("office_code"), Shipment.recipient_name, Shipment.due_date,
                   Shipment.created_at)
_DETAIL_COLUMNS = (
    *(c for c in Shipment.__table__.c if c.key != "recipient_id_hash"),
    Agency.code.label("agency_code"), Office.code.label("office_code"),
    _COURIER.username.label("courier_username"),
    _SENDER_UNIT.name.label("sender_unit_name"),
    _SENDER_UNIT.province_code.label("sender_unit_province_code"),
    _RECIPIENT_UNIT.name.label("recipient_unit_name"),
    _RECIPIENT_UNIT.province_code.label("recipient_unit_province_code"))
_EVENT_COLUMNS = (TrackingEvent.event, TrackingEvent.upu_code, TrackingEvent.occurred_at,
                  TrackingEvent.recorded_at, Office.code.label("office_code"), TrackingEvent.reason,
                  TrackingEvent.note, TrackingEvent.device_time, TrackingEvent.clock_offset_ms)

# The detail's other two statements, built once (SQLAlchemy reuses their compiled form).
_ITEMS = (select(ShipmentItem.name, ShipmentItem.original, ShipmentItem.count)
          .where(ShipmentItem.shipment_id == bindparam("shipment_id")).order_by(ShipmentItem.position))
_EVENTS = (select(*_EVENT_COLUMNS).outerjoin(Office, Office.id == TrackingEvent.office_id)
           .where(TrackingEvent.shipment_id == bindparam("shipment_id"))
           .order_by(TrackingEvent.occurred_at, TrackingEvent.id))


def summaries(where: ColumnElement[bool]) -> Select[Any]:
    """Summary rows of the shipments matching `where` (filters may name Agency and Office)."""
    return (select(*SUMMARY_COLUMNS)
            .join(Agency, Agency.id == Shipment.agency_id)
            .join(Office, Office.id == Shipment.office_id)
            .where(where))


def shipment_answer(actor: User, number: str) -> dict[str, Any]:
    """ShipmentOut's dump of the shipment `number` as `actor` may see it; 404 when they may not."""
    reader = _Reader(actor.id, actor.role, actor.office_id, actor.agency_id,
                     None if actor.agency is None else _Agency(actor.agency.active))
    row = db.session.execute(_detail_statement(reader), {"number": number}).first()
    if row is None:
        raise NotFound(f"No shipment {number}.", code="shipment_not_found")
    items = db.session.execute(_ITEMS, {"shipment_id": row.id}).all()
    events = db.session.execute(_EVENTS, {"shipment_id": row.id}).all()
    return detail(as_seen_by(actor, row), items, events)


class _Agency(NamedTuple):
    active: bool


class _Reader(NamedTuple):
    """All of a user that app.access.scope reads: readers alike in it see alike."""

    id: int
    role: Role
    office_id: int | None
    agency_id: int | None
    agency: _Agency | None


@lru_cache(maxsize=1024)
def _detail_statement(reader: _Reader) -> Select[Any]:
    """The detail statement for one reader, built once: SQLAlchemy then reuses its compiled form
    without working out its cache key again on every request."""
    return (select(*_DETAIL_COLUMNS)
            .join(Agency, Agency.id == Shipment.agency_id)
            .join(Office, Office.id == Shipment.office_id)
            .outerjoin(_COURIER, _COURIER.id == Shipment.courier_id)
            .join(_SENDER_UNIT, _SENDER_UNIT.code == Shipment.sender_unit_code)
            .join(_RECIPIENT_UNIT, _RECIPIENT_UNIT.code == Shipment.recipient_unit_code)
            .where(Shipment.tracking_number == bindparam("number"),
                   scope(reader, Shipment)))  # type: ignore[arg-type]  # reads what User has


def detail(s: Any, items: Sequence[Any], events: Sequence[Any]) -> dict[str, Any]:
    """ShipmentOut's dump of a detail row (masked or not), its items and its events."""
    return {
        "tracking_number": _text(s.tracking_number),
        "service": _value(s.service),
        "status": _value(s.status),
        "dossier": {"code": _text(s.dossier_code), "procedure": _text(s.procedure_name)},
        "agency_code": _text(s.agency_code),
        "office_code": _text(s.office_code),
        "courier": _text(s.courier_username),
        "sender": {"name": _text(s.sender_name), "phone": _text(s.sender_phone),
                   "address": _address(s.sender_address_line, s.sender_unit_code, s.sender_unit_name,
                                       s.sender_unit_province_code)},
        "recipient": {"name": _text(s.recipient_name), "phone": _text(s.recipient_phone),
                      "address": _address(s.recipient_address_line, s.recipient_unit_code,
                                          s.recipient_unit_name, s.recipient_unit_province_code),
                      "id_type": _text(s.recipient_id_type), "id_last4": _text(s.recipient_id_last4)},
        "weight_g": _int(s.weight_g),
        "items": [{"name": _text(i.name), "original": _bool(i.original), "count": _int(i.count)}
                  for i in items],
        "beneficiary": None if s.beneficiary_category is None else {
            "category": _text(s.beneficiary_category), "certificate": _text(s.beneficiary_certificate)},
        "collect_fee_vnd": _int(s.collect_fee_vnd),
        "accepted_on": _day(s.accepted_on),
        "due_date": _day(s.due_date),
        "fee": None if s.fee is None else _FEE.dump(s.fee),
        "created_at": _moment(s.created_at),
        "updated_at": _moment(s.updated_at),
        "events": [{"event": _text(e.event), "upu_code": _text(e.upu_code),
                    "occurred_at": _moment(e.occurred_at), "recorded_at": _moment(e.recorded_at),
                    "office_code": _text(e.office_code), "reason": _text(e.reason),
                    "note": _text(e.note), "device_time": _moment(e.device_time),
                    "clock_offset_ms": _int(e.clock_offset_ms)} for e in events],
    }


def summary(s: Any) -> dict[str, Any]:
    """ShipmentSummaryOut's dump of a summary row (masked or not)."""
    return {"tracking_number": _text(s.tracking_number), "service": _value(s.service),
            "status": _value(s.status), "dossier_code": _text(s.dossier_code),
            "agency_code": _text(s.agency_code), "office_code": _text(s.office_code),
            "recipient_name": _text(s.recipient_name), "due_date": _day(s.due_date),
            "created_at": _moment(s.created_at)}


def _address(line: str | None, code: str, name: str, province_code: str) -> dict[str, Any]:
    return {"line": _text(line), "unit_code": _text(code), "unit_name": _text(name),
            "province_code": _text(province_code)}


# Each as the marshmallow field of the schemas dumps a value (String, Integer, Boolean, Enum by
# value, Date and DateTime in ISO 8601), None staying None.
def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _value(member: Any) -> Any:
    return None if member is None else member.value


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
