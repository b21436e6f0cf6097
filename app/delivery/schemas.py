"""Proof of delivery (SPEC §7) and the collection lists; In and Out kept apart."""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.fields import ID_PATTERNS, Coordinate, DeviceClock, Moment, Text, normalise_id_fields
from app.pagination import PageQuery, page_of
from app.shipments.models import Service, Status
from app.shipments.schemas import EventOut

_DATA_URL = re.compile(r"^data:[\w/+.-]+;base64,")


class Base64Bytes(fields.String):
    """Base64 text (a data: URL prefix is allowed) -> bytes; type and size are checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        # What b64decode(validate=True) takes, said in the OpenAPI document (data: prefix aside).
        kwargs.setdefault("metadata", {}).setdefault(
            "pattern", r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
        super().__init__(**kwargs)

    # A String on the wire (apispec documents fields by class) that loads as bytes: marshmallow
    # types String as Field[str], which a decoding subclass cannot narrow.
    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> bytes:
        text = _DATA_URL.sub("", super()._deserialize(value, attr, data, **kwargs).strip())
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("Not valid base64.") from None


class DeliveryIn(DeviceClock):
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
        if "id_number" in data and "id_type" in data:
            normalise_id_fields(data)


class ProofOut(Schema):
    recipient_name = fields.String()
    relationship = fields.String()
    id_type = fields.String()
    id_last4 = fields.String(metadata={"description": "Only the last four are kept."})
    authorization_ref = fields.String(allow_none=True)
    signature_bytes = fields.Function(lambda p: len(p.signature_png) if p.signature_png else None,
                                      allow_none=True, metadata={"type": "integer"})
    photo_bytes = fields.Function(lambda p: len(p.photo_jpeg) if p.photo_jpeg else None,
                                  allow_none=True, metadata={"type": "integer"})
    occurred_at = fields.DateTime()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class DeliveryOut(Schema):
    tracking_number = fields.String(attribute="shipment.tracking_number")
    status = fields.Enum(Status, by_value=True, attribute="shipment.status")
    event = fields.Nested(EventOut)
    proof = fields.Nested(ProofOut)


class CollectionQuery(PageQuery):
    office = Text(load_default=None, max_length=20, metadata={"description": "Office code."})


class CollectionOut(Schema):
    tracking_number = fields.String(attribute="shipment.tracking_number")
    service = fields.Enum(Service, by_value=True, attribute="shipment.service")
    office_code = fields.String(attribute="shipment.office.code")
    agency_code = fields.String(attribute="shipment.agency.code")
    notices = fields.List(fields.Date(), metadata={"description": "Days notices were left (province time)."})
    refused = fields.Boolean()
    second_notice_from = fields.Date(allow_none=True, metadata={
        "description": "TT17 Điều 5: the first day a second notice counts "
                       "(two working days after the first)."})
    collect_by = fields.Date(allow_none=True, metadata={
        "description": "The date printed on the last notice: after it the item goes back to the agency."})
    return_allowed = fields.Boolean()



CollectionPage = page_of(CollectionOut)
