from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Text
from app.shipments.schemas import DATE_RANGE


class DispatchIn(Schema):
    courier = Text(required=True, max_length=64, metadata={"description": "The courier's username."})
    tracking_numbers = fields.List(fields.String(validate=validate.Length(max=20)), required=True,
                                   validate=validate.Length(min=1, max=500))
    day = fields.Date(load_default=None, validate=DATE_RANGE, metadata={"description": "Province date; default today."})


class DispatchOut(Schema):
    courier = fields.String()
    day = fields.Date()
    tracking_numbers = fields.List(fields.String())


class RunQuery(Schema):
    courier = Text(load_default=None, max_length=64, metadata={"description": "Supervisors: whose run."})
    day = fields.Date(load_default=None, validate=DATE_RANGE)


class StopOut(Schema):
    position = fields.Integer()
    tracking_number = fields.String()
    status = fields.String()
    recipient_name = fields.String()
    recipient_phone = fields.String(allow_none=True)
    address = fields.String()
    unit_code = fields.String()
    collect_vnd = fields.Integer()


class RunOut(Schema):
    courier = fields.String()
    day = fields.Date()
    total_km = fields.Float()
    nearest_neighbour_km = fields.Float()
    stops = fields.List(fields.Nested(StopOut))
