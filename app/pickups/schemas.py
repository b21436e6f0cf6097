"""Pickup request bodies; In and Out kept apart."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Phone, StrictInteger, Text
from app.pickups.models import PickupStatus
from app.scans.schemas import Moment
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
    window_start = Moment(required=True, metadata={"description": "ISO 8601 with offset (province time +07:00)."})
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


class PickupQuery(Schema):
    status = fields.Enum(PickupStatus, by_value=True, load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None)


class ReturnsIn(Schema):
    agency_code = Text(load_default=None, max_length=40)
    shipments = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=500), metadata={
        "description": "Shipment bodies (SPEC §7) without service, agency_code and sender: the agency is the sender."})


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
        lambda p: [i.tracking_number for i in p.items if not i.scanned] if p.status is PickupStatus.completed else [],
        metadata={"description": "Listed items not scanned at completion."})
    handover_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()


class PickupPage(Schema):
    items = fields.List(fields.Nested(PickupOut))
    next_cursor = fields.String(allow_none=True)


class ReturnsOut(Schema):
    created = fields.Integer()
    shipments = fields.List(fields.Nested(ShipmentSummaryOut))
