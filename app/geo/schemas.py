from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Text


class UnitQuery(Schema):
    q = Text(load_default=None, min_length=0, max_length=100,
             metadata={"description": "Name, accent-insensitive ('bim son'), or a code."})
    province = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{2}$"))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=500),
                           metadata={"description": "next_cursor of the previous page."})


class CommuneOut(Schema):
    code = fields.String()
    name = fields.String()
    short_name = fields.String()
    kind = fields.String()
    province_code = fields.String()
    lat = fields.Float()
    lon = fields.Float()


class UnitList(Schema):
    items = fields.List(fields.Nested(CommuneOut))
    next_cursor = fields.String(allow_none=True)


class ConvertQuery(Schema):
    address = fields.String(required=True, validate=validate.Length(min=3, max=300),
                            metadata={"description": "A pre-2025 address: ward, district, province."})


class LegacyOut(Schema):
    ward = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    province = fields.String(allow_none=True)


class ConvertOut(Schema):
    input = fields.String()
    street = fields.String(allow_none=True)
    commune = fields.Nested(CommuneOut)
    legacy = fields.Nested(LegacyOut)
