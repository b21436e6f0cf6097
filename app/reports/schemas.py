"""The service-standard report's query and answer; In and Out kept apart."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import DATE_RANGE, Text
from app.reports.service_standard import GROUP_BY, MAX_DAYS


class ServiceStandardQuery(Schema):
    date_from = fields.Date(required=True, data_key="from", validate=DATE_RANGE,
                            metadata={"description": "First due date included (province date)."})
    date_to = fields.Date(required=True, data_key="to", validate=DATE_RANGE, metadata={
        "description": f"Last due date included; at most {MAX_DAYS} days after `from`."})
    office = Text(load_default=None, max_length=20, metadata={"description": "An office code."})
    agency = Text(load_default=None, max_length=40, metadata={"description": "An agency code."})
    group_by = fields.String(load_default="office", validate=validate.OneOf(GROUP_BY))


class StandardTotalsOut(Schema):
    completed = fields.Integer()
    on_time = fields.Integer()
    late = fields.Integer()
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "0..1; null when none completed."})
    mean_late_days = fields.Float(allow_none=True, metadata={"description": "Working days, late items."})
    p95_late_days = fields.Integer(allow_none=True, metadata={
        "description": "Working days, nearest-rank 95th percentile of the late items."})
    open_overdue = fields.Integer(metadata={"description": "Still open, due before `as_of`."})


class StandardGroupOut(StandardTotalsOut):
    key = fields.String(metadata={"description": "Office or agency code, zone, service, or ISO week."})
    label = fields.String(metadata={"description": "Vietnamese name."})


class ServiceStandardOut(Schema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    group_by = fields.String()
    as_of = fields.Date(metadata={"description": "The earlier of `to` and today: open items due "
                                                 "before it count as overdue."})
    groups = fields.List(fields.Nested(StandardGroupOut))
    totals = fields.Nested(StandardTotalsOut)
