"""The public tracking answer: masked, in Vietnamese."""
from __future__ import annotations

from marshmallow import Schema, fields

from app.vocabulary import Event, Service, Status


class TrackedEventOut(Schema):
    occurred_at = fields.DateTime(metadata={"description": "Province time (+07:00)."})
    event = fields.Enum(Event, by_value=True)
    label = fields.String(metadata={"description": "What happened, in Vietnamese."})
    reason = fields.String(allow_none=True, metadata={"description": "Why a delivery failed, in Vietnamese."})
    office = fields.String(allow_none=True, metadata={"description": "The post office's name."})


class TrackingOut(Schema):
    tracking_number = fields.String()
    service = fields.Enum(Service, by_value=True)
    service_label = fields.String()
    status = fields.Enum(Status, by_value=True)
    status_label = fields.String()
    due_date = fields.Date(allow_none=True)
    recipient = fields.String(metadata={"description": "The recipient's name, masked: 'Nguyễn V** Ấ*'."})
    events = fields.List(fields.Nested(TrackedEventOut))
