from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Phone, Text
from app.pagination import list_of

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$", error="Letters, digits, '.', '_' or '-'.")


class PlaceIn(Schema):
    """What offices and agencies are given alike."""

    code = fields.String(required=True, validate=CODE)
    name = Text(required=True, max_length=200)
    unit_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{5}$"))
    address_line = Text(required=True)
    phone = Phone(load_default=None)


class PlaceOut(Schema):
    code = fields.String()
    name = fields.String()
    unit_code = fields.String()
    address_line = fields.String()
    phone = fields.String(allow_none=True)


class OfficeIn(PlaceIn):
    code = fields.String(required=True, validate=[CODE, validate.Length(max=20)])  # offices.code
    opening_hours = Text(load_default=None, max_length=200)


class OfficeOut(PlaceOut):
    opening_hours = fields.String(allow_none=True)


class AgencyIn(PlaceIn):
    office_code = fields.String(required=True)


class PlaceEditIn(Schema):
    """What may change once a place exists (orgs.services.update_office/update_agency): not its
    code, which shipments and users name it by, nor its commune; a phone left out is cleared."""

    name = Text(required=True, max_length=200)
    address_line = Text(required=True)
    phone = Phone(load_default=None)


class OfficeEditIn(PlaceEditIn):
    opening_hours = Text(load_default=None, max_length=200)


class AgencyEditIn(PlaceEditIn):
    pass


class AgencyOut(PlaceOut):
    office_code = fields.String(attribute="office.code")


OfficeList = list_of(OfficeOut)


AgencyList = list_of(AgencyOut)
