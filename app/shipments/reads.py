"""The staff API's two reads of the registry, built for speed (SPEC §11: detail p50 ≤ 2 ms, lists
≤ 10 ms at 10 M shipments): rows of exactly the columns the answer shows, and answers built as
plain dicts. A page is one statement. A shipment is one statement on PostgreSQL, its items and
events gathered into arrays beside its row and run by the driver outside any transaction
(app.driver); elsewhere three statements through the session.

The answers are ShipmentOut and ShipmentSummaryOut (app.shipments.schemas), which stay what the
OpenAPI document declares and what the web pages and other answers dump: the dicts here are
exactly their dumps, field for field and in their order (tests/shipments/test_answers.py compares
them on every kind of shipment). Role scoping and the admin's masking are app.access's, as for
every other read.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from typing import Any, NamedTuple

from marshmallow import Schema, fields
from sqlalchemy import ColumnElement, Select, bindparam, select, true
from sqlalchemy.dialects.postgresql import array_agg
from sqlalchemy.orm import aliased

from app import driver
from app.access import Actor, as_seen_by, scope
from app.accounts.models import Role, User
from app.accounts.services import AgencyStanding
from app.errors import NotFound
from app.extensions import db
from app.fees.schemas import FeeOut
from app.geo.models import Commune
from app.orgs.models import Agency, Office
from app.shipments.models import Shipment, ShipmentItem, TrackingEvent

_SENDER_UNIT = aliased(Commune, name="sender_unit")
_RECIPIENT_UNIT = aliased(Commune, name="recipient_unit")
_COURIER = aliased(User, name="courier")
_EVENT_OFFICE = aliased(Office, name="event_office")

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


def shipment_answer(actor: Actor, number: str) -> dict[str, Any]:
    """ShipmentOut's dump of the shipment `number` as `actor` may see it; 404 when they may not."""
    reader = _Reader(actor.id, actor.role, actor.office_id, actor.agency_id,
                     None if actor.agency is None else AgencyStanding(actor.agency.active))
    whole = _whole_statement(reader)
    found = driver.rows(whole.sql, {**whole.params, "number": number})
    if found is None:  # not PostgreSQL: three statements through the session
        row = db.session.execute(_detail_statement(reader), {"number": number}).first()
        if row is None:
            raise NotFound(f"No shipment {number}.", code="shipment_not_found")
        items = db.session.execute(_ITEMS, {"shipment_id": row.id}).tuples().all()
        events = db.session.execute(_EVENTS, {"shipment_id": row.id}).tuples().all()
        return detail(as_seen_by(actor, row), items, events)
    if not found:
        raise NotFound(f"No shipment {number}.", code="shipment_not_found")
    shown = whole.row(*found[0])
    return detail(as_seen_by(actor, shown), zip(*(shown[k] or () for k in whole.items), strict=True),
                  zip(*(shown[k] or () for k in whole.events), strict=True))


class _Reader(NamedTuple):
    """All of an actor that app.access.scope reads: readers alike in it see alike."""

    id: int
    role: Role
    office_id: int | None
    agency_id: int | None
    agency: AgencyStanding | None


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
                   scope(reader, Shipment)))


class _Whole(NamedTuple):
    """The one-statement detail on PostgreSQL: its text and the reader's bound values, the row
    type its columns make, and which of them are the items' and the events' arrays (in the
    order `detail` reads an item's and an event's fields)."""

    sql: str
    params: dict[str, Any]
    row: type
    items: tuple[int, ...]
    events: tuple[int, ...]


@lru_cache(maxsize=1024)
def _whole_statement(reader: _Reader) -> _Whole:
    """The detail statement with the items and events beside the row, as arrays in their order.

    Each array is gathered from rows sorted once beneath it, not sorted again per column
    (PostgreSQL 15 sorts every ordered aggregate apart: nine sorts of an item's events). The
    order holds because nothing above the sort reorders it: PostgreSQL's documentation on
    aggregate expressions gives this form, warning only of a join at the aggregate's level."""
    item_rows = (select(ShipmentItem.name, ShipmentItem.original, ShipmentItem.count)
                 .where(ShipmentItem.shipment_id == Shipment.id).correlate(Shipment)
                 .order_by(ShipmentItem.position).lateral("item_rows"))
    items = select(*(array_agg(c).label(f"item_{c.key}") for c in item_rows.c)).lateral("items")
    event_columns = [c if c.key != "office_code" else _EVENT_OFFICE.code for c in _EVENT_COLUMNS]
    event_rows = (select(*(c.label(f"e{k}") for k, c in enumerate(event_columns)))
                  .select_from(TrackingEvent)
                  .outerjoin(_EVENT_OFFICE, _EVENT_OFFICE.id == TrackingEvent.office_id)
                  .where(TrackingEvent.shipment_id == Shipment.id).correlate(Shipment)
                  .order_by(TrackingEvent.occurred_at, TrackingEvent.id).lateral("event_rows"))
    events = select(*(array_agg(c).label(f"event_{k}") for k, c in enumerate(event_rows.c))).lateral("events")
    statement = (_detail_statement(reader).add_columns(*items.c, *events.c)
                 .join(items, true()).join(events, true()))
    compiled = statement.compile(dialect=driver.DIALECT)
    names = [str(c.key) for c in statement.selected_columns]
    first_item = len(_DETAIL_COLUMNS)
    first_event = first_item + len(items.c)
    return _Whole(str(compiled), {k: v for k, v in compiled.params.items() if k != "number"},
                  namedtuple("DetailRow", names, rename=True),
                  tuple(range(first_item, first_event)),
                  tuple(range(first_event, first_event + len(events.c))))


def detail(s: Any, items: Iterable[tuple[Any, ...]], events: Iterable[tuple[Any, ...]]) -> dict[str, Any]:
    """ShipmentOut's dump of a detail row (masked or not), its items (name, original, count) and
    its events (in _EVENT_COLUMNS' order)."""
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
        "items": [{"name": _text(name), "original": _bool(original), "count": _int(count)}
                  for name, original, count in items],
        "beneficiary": None if s.beneficiary_category is None else {
            "category": _text(s.beneficiary_category), "certificate": _text(s.beneficiary_certificate)},
        "collect_fee_vnd": _int(s.collect_fee_vnd),
        "accepted_on": _day(s.accepted_on),
        "due_date": _day(s.due_date),
        "fee": None if s.fee is None else _fee(s.fee),
        "created_at": _moment(s.created_at),
        "updated_at": _moment(s.updated_at),
        "events": [{"event": _text(event), "upu_code": _text(upu_code),
                    "occurred_at": _moment(occurred_at), "recorded_at": _moment(recorded_at),
                    "office_code": _text(office_code), "reason": _text(reason), "note": _text(note),
                    "device_time": _moment(device_time), "clock_offset_ms": _int(clock_offset_ms)}
                   for (event, upu_code, occurred_at, recorded_at, office_code, reason, note, device_time,
                        clock_offset_ms) in events],
    }


def summary(s: Any) -> dict[str, Any]:
    """ShipmentSummaryOut's dump of a summary row (masked or not)."""
    return {"tracking_number": _text(s.tracking_number), "service": _value(s.service),
            "status": _value(s.status), "dossier_code": _text(s.dossier_code),
            "agency_code": _text(s.agency_code), "office_code": _text(s.office_code),
            "recipient_name": _text(s.recipient_name), "due_date": _day(s.due_date),
            "created_at": _moment(s.created_at)}


Dump = Callable[[dict[str, Any]], dict[str, Any]]


def _stored_dump(schema: Schema) -> Dump:
    """`schema`'s dump of a dict stored as its dump (JSON: text, numbers, None, lists of such
    dicts), without marshmallow's per-field machinery: its fields in its order, absent keys left
    out, numbers cast as its Integer and Float fields cast them."""
    steps: list[tuple[str, str, Callable[[Any], Any]]] = []
    for name, field in schema.fields.items():
        cast: Callable[[Any], Any]
        if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            cast = partial(_each, _stored_dump(field.inner.schema))
        elif isinstance(field, fields.Integer):
            cast = int
        elif isinstance(field, fields.Float):
            cast = float
        elif isinstance(field, fields.String):
            cast = str
        else:
            raise TypeError(f"{type(schema).__name__}.{name}: no stored form for {type(field).__name__}")
        steps.append((field.data_key or name, field.attribute or name, cast))

    def dump(stored: dict[str, Any]) -> dict[str, Any]:
        return {key: None if (value := stored[name]) is None else cast(value)
                for key, name, cast in steps if name in stored}

    return dump


def _each(dump: Dump, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dump(v) for v in values]


_fee = _stored_dump(FeeOut())


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
    """An enum member's value; the driver reads the stored value itself (app.db stores values)."""
    return member if member is None or isinstance(member, str) else member.value


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: datetime | None) -> str | None:
    """In UTC, as app.db.UTCDateTime reads it (the driver reads the server's time zone)."""
    return None if value is None else value.astimezone(UTC).isoformat()
