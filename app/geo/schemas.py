from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Text
from app.pagination import PageQuery, page_of


class UnitQuery(PageQuery):
    q = Text(load_default=None, min_length=0, max_length=100,
             metadata={"description": "Name, accent-insensitive ('bim son'), or a code."})
    province = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{2}$"))


class CommuneOut(Schema):
    code = fields.String()
    name = fields.String()
    short_name = fields.String()
    kind = fields.String()
    province_code = fields.String()
    lat = fields.Float()
    lon = fields.Float()



UnitList = page_of(CommuneOut)


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
