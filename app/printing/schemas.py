"""Bodies and answers of the printer calls."""
from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.fields import StrictBoolean, StrictInteger, Text
from app.pagination import list_of
from app.printing.models import RAW_PORT

# A hostname or an IPv4/IPv6 address; what the pattern lets through and is still no address a
# printer can have (999.1.1.1, a wildcard) is refused by the service with code invalid_host.
HOST = validate.Regexp(r"^(?:[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[?[0-9A-Fa-f:.]{2,45}\]?)$",
                       error="A hostname or an IP address.")
PORT = validate.Range(min=1, max=65535)
DOCUMENTS = ("label", "notice")


class PrinterIn(Schema):
    name = Text(required=True, max_length=100, metadata={"description": "Unique within the office, "
                                                                        "e.g. `Quầy 1`."})
    host = fields.String(required=True, validate=[validate.Length(max=253), HOST], metadata={
        "description": "The printer's hostname or IP address on the office network."})
    port = StrictInteger(load_default=RAW_PORT, validate=PORT,
                         metadata={"description": "The raw TCP port (9100 on label printers)."})


class PrinterPatch(Schema):
    openapi_rules: ClassVar[list[dict[str, Any]]] = [{"minProperties": 1}]  # read by app/docs/openapi.py
    name = Text(max_length=100)
    host = fields.String(validate=[validate.Length(max=253), HOST])
    port = StrictInteger(validate=PORT)
    active = StrictBoolean(metadata={"description": "false: offered to nobody (kept for the record)."})

    @validates_schema
    def _something(self, data: dict[str, Any], **_kw: Any) -> None:
        if not data:
            raise ValidationError("Give name, host, port or active.", "_body")


class PrinterOut(Schema):
    id = fields.Integer()
    office_code = fields.String(attribute="office.code")
    name = fields.String()
    host = fields.String()
    port = fields.Integer()
    active = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


PrinterList = list_of(PrinterOut)


class PrintIn(Schema):
    printer_id = StrictInteger(required=True, validate=validate.Range(min=1, max=2**63 - 1))
    document = fields.String(load_default="label", validate=validate.OneOf(DOCUMENTS), metadata={
        "description": "`label`: the shipment's A6 label as ZPL (UTF-8); `notice`: the notice (giấy mời) "
                       "of its latest failed delivery, A6 ZPL (404 no_notice when no delivery failed)."})


class PrintOut(Schema):
    tracking_number = fields.String()
    document = fields.String()
    printer = fields.Nested(PrinterOut)
    bytes_sent = fields.Integer(metadata={"description": "Bytes the printer took (the ZPL, UTF-8)."})
    seconds = fields.Float(metadata={"description": "From connecting to the printer taking the last byte."})
