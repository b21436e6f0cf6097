from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import DATE_RANGE, Text
from app.pickups.schemas import PickupOut
from app.shipments.models import Status
from app.shipments.schemas import ShipmentSummaryOut


class DispatchIn(Schema):
    courier = Text(required=True, max_length=64, metadata={"description": "The courier's username."})
    tracking_numbers = fields.List(fields.String(validate=validate.Length(max=20)), required=True,
                                   validate=validate.Length(min=1, max=500))
    day = fields.Date(load_default=None, validate=DATE_RANGE,
                      metadata={"description": "Province date; default today."})


class DispatchOut(Schema):
    courier = fields.String(attribute="courier.username")
    day = fields.Date()
    tracking_numbers = fields.Pluck(ShipmentSummaryOut, "tracking_number", many=True, attribute="shipments")


class RunQuery(Schema):
    courier = Text(load_default=None, max_length=64, metadata={"description": "Supervisors: whose run."})
    day = fields.Date(load_default=None, validate=DATE_RANGE)


class StopOut(Schema):
    position = fields.Integer()
    tracking_number = fields.String(attribute="shipment.tracking_number")
    status = fields.Enum(Status, by_value=True, attribute="shipment.status")
    recipient_name = fields.String(attribute="shipment.recipient_name")
    recipient_phone = fields.String(attribute="shipment.recipient_phone", allow_none=True)
    address = fields.Function(
        lambda stop: f"{stop.shipment.recipient_address_line}, {stop.shipment.recipient_unit.name}",
        metadata={"type": "string"})
    unit_code = fields.String(attribute="shipment.recipient_unit_code")
    commune = fields.String(attribute="shipment.recipient_unit.name")
    collect_vnd = fields.Integer(attribute="shipment.collect_fee_vnd")
    recipient_id_type = fields.String(attribute="shipment.recipient_id_type", allow_none=True)
    recipient_id_last4 = fields.String(attribute="shipment.recipient_id_last4", allow_none=True, metadata={
        "description": "Last four of the recorded ID, for the courier's offline pre-check; never more."})
    leg_km = fields.Function(lambda stop: round(stop.leg_km, 3), metadata={
        "type": "number", "description": "Km from the previous stop (the first from the office)."})


class RunOut(Schema):
    courier = fields.String(attribute="courier.username")
    day = fields.Date()
    total_km = fields.Function(lambda run: round(run.total_km, 3), metadata={"type": "number"})
    nearest_neighbour_km = fields.Function(lambda run: round(run.nearest_neighbour_km, 3),
                                           metadata={"type": "number"})
    stops = fields.List(fields.Nested(StopOut), attribute="numbered_stops")


class TodayQuery(Schema):
    courier = Text(load_default=None, max_length=64, metadata={"description": "Supervisors: whose day."})


class TodayOut(Schema):
    """What the courier's phone keeps for the day: the run, assigned pickups, items to take out."""

    run = fields.Nested(RunOut)
    pickups = fields.List(fields.Nested(PickupOut))
    at_office = fields.Pluck(ShipmentSummaryOut, "tracking_number", many=True, metadata={
        "description": "Run items still at the office (accepted or in transit): take them out first."})
    server_time = fields.DateTime()
