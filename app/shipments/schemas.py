"""Request and response bodies of shipments (SPEC §7); In and Out kept apart."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.fees.schemas import FeeOut  # the fee object lives with the fee engine
from app.fields import (
    DATE_RANGE,
    ID_PATTERNS,
    Inline,
    Phone,
    Reached,
    StrictBoolean,
    StrictInteger,
    Text,
    normalise_id_fields,
)
from app.pagination import PageQuery, page_of
from app.vocabulary import Beneficiary, Service, Status

MAX_WEIGHT_G = 30_000
MAX_COLLECT_FEE_VND = 50_000_000
UNIT_CODE = validate.Regexp(r"^[0-9]{5}\Z", error="A commune code is 5 digits.")


class DossierIn(Schema):
    code = Text(required=True, max_length=64)
    procedure = Text(load_default=None, max_length=300)


class AddressIn(Schema):
    line = Text(required=True, max_length=300)
    unit_code = fields.String(required=True, validate=UNIT_CODE)


class PartyIn(Schema):
    name = Text(required=True, max_length=200)
    phone = Phone(required=True)
    address = fields.Nested(AddressIn, required=True)


class RecipientIn(PartyIn):
    id_number = fields.String(load_default=None, validate=validate.Length(min=6, max=20))
    id_type = fields.String(load_default=None, validate=validate.OneOf(tuple(ID_PATTERNS)))

    @validates_schema
    def _id_number(self, data: dict, **_kw: object) -> None:
        if data.get("id_number") is None:
            if data.get("id_type") is not None:
                raise ValidationError("Give id_number with id_type.", "id_number")
            return
        normalise_id_fields(data)


class ItemIn(Schema):
    name = Text(required=True, max_length=300)
    original = StrictBoolean(required=True)
    count = StrictInteger(required=True, validate=validate.Range(min=1, max=999))


class BeneficiaryIn(Schema):
    category = fields.String(required=True, validate=validate.OneOf(tuple(Beneficiary)))
    certificate = Text(required=True, max_length=100)


class ShipmentIn(Schema):
    service = fields.Enum(Service, by_value=True, required=True)
    dossier = fields.Nested(DossierIn, required=True)
    agency_code = Text(required=True, max_length=40)
    office_code = Text(load_default=None, max_length=20, metadata={
        "description": "Supervisors only: the office taking the item (defaults to the agency's)."})
    sender = fields.Nested(PartyIn, required=True)
    recipient = fields.Nested(RecipientIn, required=True)
    weight_g = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_WEIGHT_G))
    items = fields.List(fields.Nested(ItemIn), required=True, validate=validate.Length(min=1, max=100))
    beneficiary = fields.Nested(BeneficiaryIn, load_default=None, allow_none=True)
    collect_fee_vnd = StrictInteger(load_default=0, validate=validate.Range(min=0, max=MAX_COLLECT_FEE_VND))
    accepted_on = fields.Date(load_default=None, validate=DATE_RANGE, metadata={
        "description": "Date the fee and due date are computed for (province time); default today."})


class CancelIn(Schema):
    reason = Text(load_default=None, max_length=300)


class ShipmentQuery(PageQuery):
    status = fields.Enum(Status, by_value=True, load_default=None)
    service = fields.Enum(Service, by_value=True, load_default=None)
    agency = Text(load_default=None, min_length=0, max_length=40, metadata={"description": "Agency code."})
    office = Text(load_default=None, min_length=0, max_length=20, metadata={"description": "Office code."})
    dossier_code = Text(load_default=None, min_length=0, max_length=64)
    created_from = fields.Date(load_default=None, validate=DATE_RANGE,
                               metadata={"description": "Inclusive, province time."})
    created_to = fields.Date(load_default=None, validate=DATE_RANGE,
                             metadata={"description": "Inclusive, province time."})


class AddressOut(Schema):
    line = fields.String(attribute="address_line", allow_none=True,
                         metadata={"description": "Withheld from admins."})
    unit_code = fields.String(attribute="unit.code")
    unit_name = fields.String(attribute="unit.name")
    province_code = fields.String(attribute="unit.province_code")


class PartyOut(Schema):
    name = fields.String()
    phone = fields.String(allow_none=True, metadata={"description": "Withheld from admins."})
    address = Inline(AddressOut)


class RecipientOut(PartyOut):
    id_type = fields.String(allow_none=True)
    id_last4 = fields.String(allow_none=True, metadata={"description": "Only the last four are kept."})


class ItemOut(Schema):
    name = fields.String()
    original = fields.Boolean()
    count = fields.Integer()


class EventOut(Schema):
    event = fields.String()
    upu_code = fields.String(allow_none=True)
    occurred_at = fields.DateTime()
    recorded_at = fields.DateTime()
    office_code = Reached(attribute="office.code")
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    device_time = fields.DateTime(allow_none=True, metadata={
        "description": "A phone's record: its own clock when it happened (occurred_at is corrected)."})
    clock_offset_ms = fields.Integer(allow_none=True, metadata={
        "description": "A phone's record: the server-clock offset it measured at its last sync."})


class DossierOut(Schema):
    code = fields.String(attribute="dossier_code")
    procedure = fields.String(attribute="procedure_name", allow_none=True)


class BeneficiaryOut(Schema):
    category = fields.String()
    certificate = fields.String(allow_none=True)


class ShipmentSummaryOut(Schema):
    tracking_number = fields.String()
    service = fields.Enum(Service, by_value=True)
    status = fields.Enum(Status, by_value=True)
    dossier_code = fields.String()
    agency_code = fields.String(attribute="agency.code")
    office_code = fields.String(attribute="office.code")
    recipient_name = fields.String(metadata={"description": "Masked for admins."})
    due_date = fields.Date(allow_none=True)
    created_at = fields.DateTime()


class ShipmentOut(Schema):
    """A shipment with its events; admins read it without personal data (app.access)."""

    tracking_number = fields.String()
    service = fields.Enum(Service, by_value=True)
    status = fields.Enum(Status, by_value=True)
    dossier = Inline(DossierOut)
    agency_code = fields.String(attribute="agency.code")
    office_code = fields.String(attribute="office.code")
    courier = Reached(attribute="courier.username", metadata={"description": "Assigned courier's username."})
    sender = Inline(PartyOut, prefix="sender_")
    recipient = Inline(RecipientOut, prefix="recipient_")
    weight_g = fields.Integer()
    items = fields.List(fields.Nested(ItemOut))
    beneficiary = Inline(BeneficiaryOut, prefix="beneficiary_", present_if="beneficiary_category",
                         allow_none=True)
    collect_fee_vnd = fields.Integer()
    accepted_on = fields.Date()
    due_date = fields.Date(allow_none=True)
    fee = fields.Nested(FeeOut, allow_none=True, metadata={
        "description": "Frozen at creation by the fee engine; null while no tariff prices it."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    events = fields.List(fields.Nested(EventOut))


ShipmentPage = page_of(ShipmentSummaryOut)
