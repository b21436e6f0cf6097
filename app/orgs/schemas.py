from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Phone, Text

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$", error="Letters, digits, '.', '_' or '-'.")


class OfficeIn(Schema):
    code = fields.String(required=True, validate=CODE)
    name = Text(required=True, max_length=200)
    unit_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{5}$"))
    address_line = Text(required=True)
    phone = Phone(load_default=None)
    opening_hours = Text(load_default=None, max_length=200)


class OfficeOut(Schema):
    code = fields.String()
    name = fields.String()
    unit_code = fields.String()
    address_line = fields.String()
    phone = fields.String(allow_none=True)
    opening_hours = fields.String(allow_none=True)


class AgencyIn(Schema):
    code = fields.String(required=True, validate=CODE)
    name = Text(required=True, max_length=200)
    unit_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{5}$"))
    address_line = Text(required=True)
    office_code = fields.String(required=True)
    phone = Phone(load_default=None)


class AgencyOut(Schema):
    code = fields.String()
    name = fields.String()
    unit_code = fields.String()
    address_line = fields.String()
    phone = fields.String(allow_none=True)
    office_code = fields.String(attribute="office.code")


class OfficeList(Schema):
    items = fields.List(fields.Nested(OfficeOut))


class AgencyList(Schema):
    items = fields.List(fields.Nested(AgencyOut))
