"""Proof of delivery (SPEC §7) and the collection lists; In and Out kept apart."""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.fields import ID_PATTERNS, Text, normalise_id_number
from app.scans.schemas import Coordinate, Moment
from app.shipments.models import Service, Status
from app.shipments.schemas import EventOut

_DATA_URL = re.compile(r"^data:[\w/+.-]+;base64,")


class Base64Bytes(fields.String):
    """Base64 text (a data: URL prefix is allowed) -> bytes; type and size are checked by the service."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bytes:
        text = _DATA_URL.sub("", super()._deserialize(value, attr, data, **kwargs).strip())
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("Not valid base64.") from None


class DeliveryIn(Schema):
    recipient_name = Text(required=True, max_length=200, metadata={"description": "Who took the item."})
    relationship = fields.String(required=True, validate=validate.OneOf(("self", "proxy")))
    id_type = fields.String(required=True, validate=validate.OneOf(tuple(ID_PATTERNS)))
    id_number = fields.String(required=True, validate=validate.Length(min=6, max=20), metadata={
        "description": "The taker's own document; only a keyed hash and the last four are kept."})
    authorization_ref = Text(load_default=None, max_length=100, metadata={
        "description": "Required for a proxy: the written authorisation's reference."})
    signature_png = Base64Bytes(load_default=None, metadata={"description": "PNG, base64."})
    photo_jpeg = Base64Bytes(load_default=None, metadata={"description": "JPEG, base64."})
    occurred_at = Moment(required=True)
    lat = Coordinate(load_default=None)
    lon = Coordinate(load_default=None)

    @validates_schema
    def _id_number(self, data: dict, **_kw: object) -> None:
        if "id_number" not in data or "id_type" not in data:
            return
        try:
            data["id_type"], data["id_number"] = normalise_id_number(data["id_number"], data["id_type"])
        except ValidationError as exc:
            raise ValidationError(exc.messages, "id_number") from None


class ProofOut(Schema):
    recipient_name = fields.String()
    relationship = fields.String()
    id_type = fields.String()
    id_last4 = fields.String(metadata={"description": "Only the last four are kept."})
    authorization_ref = fields.String(allow_none=True)
    signature_bytes = fields.Integer(allow_none=True)
    photo_bytes = fields.Integer(allow_none=True)
    occurred_at = fields.DateTime()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class DeliveryOut(Schema):
    tracking_number = fields.String()
    status = fields.Enum(Status, by_value=True)
    event = fields.Nested(EventOut)
    proof = fields.Nested(ProofOut)


class CollectionQuery(Schema):
    office = Text(load_default=None, max_length=20, metadata={"description": "Office code."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None)


class CollectionOut(Schema):
    tracking_number = fields.String()
    service = fields.Enum(Service, by_value=True)
    office_code = fields.String()
    agency_code = fields.String()
    notices = fields.List(fields.Date(), metadata={"description": "Days notices were left (province time)."})
    refused = fields.Boolean()
    second_notice_from = fields.Date(allow_none=True, metadata={
        "description": "TT17 Điều 5: the first day a second notice counts (two working days after the first)."})
    collect_by = fields.Date(allow_none=True, metadata={
        "description": "The date printed on the last notice: after it the item goes back to the agency."})
    return_allowed = fields.Boolean()


class CollectionPage(Schema):
    items = fields.List(fields.Nested(CollectionOut))
    next_cursor = fields.String(allow_none=True)
