"""Pickup request bodies; In and Out kept apart."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from app.fields import Inline, Moment, Phone, StrictInteger, Text
from app.pagination import PageQuery, page_of
from app.pickups.bulk import MAX_ROWS
from app.pickups.models import PickupStatus
from app.shipments.schemas import AddressIn, ShipmentSummaryOut

NUMBERS = fields.List(fields.String(validate=validate.Length(max=20)), load_default=list,
                      validate=validate.Length(max=500))


class ContactIn(Schema):
    name = Text(required=True, max_length=200)
    phone = Phone(required=True)


class PickupIn(Schema):
    agency_code = Text(load_default=None, max_length=40, metadata={
        "description": "Staff only; an agency officer's own agency by default."})
    address = fields.Nested(AddressIn, load_default=None, metadata={"description": "Default: the agency's."})
    window_start = Moment(required=True,
                          metadata={"description": "ISO 8601 with offset (province time +07:00)."})
    window_end = Moment(required=True)
    expected_count = StrictInteger(load_default=None, validate=validate.Range(min=1, max=5000), metadata={
        "description": "Default: the number of tracking_numbers."})
    contact = fields.Nested(ContactIn, required=True)
    tracking_numbers = NUMBERS
    note = Text(load_default=None, max_length=1000)


class AssignIn(Schema):
    courier = Text(required=True, max_length=64, metadata={"description": "The courier's username."})


class CompleteIn(Schema):
    scanned = fields.List(fields.String(validate=validate.Length(max=20)), required=True,
                          validate=validate.Length(min=1, max=500))
    agency_signatory = Text(required=True, max_length=200)
    completed_at = Moment(load_default=None)


class PickupQuery(PageQuery):
    status = fields.Enum(PickupStatus, by_value=True, load_default=None)


class CsvBytes(fields.Field):
    """CSV text: a JSON string, or the bytes of a text/csv body or an uploaded file."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bytes:
        if isinstance(value, str):
            return value.encode()
        if isinstance(value, bytes):
            return value
        raise ValidationError("Send the CSV as text.")


class ReturnsCsvIn(Schema):
    """The CSV, however sent: a text/csv body, the multipart field `file`, or JSON {"csv": text}."""

    csv = CsvBytes(required=True, metadata={"type": "string"})


class ReturnsCsvQuery(Schema):
    agency_code = Text(load_default=None, max_length=40, metadata={"description": "Staff: the agency."})


class ReturnsIn(Schema):
    agency_code = Text(load_default=None, max_length=40)
    shipments = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=MAX_ROWS),
                            metadata={"description": "Shipment bodies (SPEC §7) without service, "
                                                     "agency_code and sender: the agency is the sender."})


class PickupItemOut(Schema):
    tracking_number = fields.String()
    scanned = fields.Boolean()


class PickupOut(Schema):
    id = fields.Integer()
    status = fields.Enum(PickupStatus, by_value=True)
    agency_code = fields.String(attribute="agency.code")
    office_code = fields.String(attribute="office.code")
    address = fields.Function(lambda p: {"line": p.address_line, "unit_code": p.unit_code})
    window_start = fields.DateTime()
    window_end = fields.DateTime()
    expected_count = fields.Integer()
    contact = fields.Function(lambda p: {"name": p.contact_name, "phone": p.contact_phone})
    courier = fields.Function(lambda p: p.courier.username if p.courier else None)
    items = fields.List(fields.Nested(PickupItemOut))
    scanned_count = fields.Integer()
    missing_count = fields.Integer()
    missing = fields.Function(
        lambda p: ([i.tracking_number for i in p.items if not i.scanned]
                   if p.status is PickupStatus.completed else []),
        metadata={"description": "Listed items not scanned at completion."})
    handover_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()



PickupPage = page_of(PickupOut)


class ReturnsOut(Schema):
    """Dumped from the list of shipments created."""

    created = fields.Function(len, metadata={"type": "integer"})
    shipments = Inline(ShipmentSummaryOut, many=True)
