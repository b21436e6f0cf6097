"""Payments, remittances and the daily reconciliation; In and Out kept apart."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import DATE_RANGE, Moment, StrictInteger, Text
from app.money.models import PaymentKind, PaymentMethod


class PaymentIn(Schema):
    tracking_number = fields.String(required=True, validate=validate.Length(max=20))
    kind = fields.Enum(PaymentKind, by_value=True, required=True, metadata={
        "description": "postal_fee: the shipment's fee (revenue); procedure_fee: collected for the agency."})
    amount_vnd = StrictInteger(required=True, validate=validate.Range(min=0, max=100_000_000))
    method = fields.Enum(PaymentMethod, by_value=True, load_default=PaymentMethod.cash)
    occurred_at = Moment(load_default=None)
    note = Text(load_default=None, max_length=500)


class PaymentOut(Schema):
    id = fields.Integer(attribute="payment.id")
    tracking_number = fields.String(attribute="shipment.tracking_number")
    kind = fields.Enum(PaymentKind, by_value=True, attribute="payment.kind")
    method = fields.Enum(PaymentMethod, by_value=True, attribute="payment.method")
    amount_vnd = fields.Integer(attribute="payment.amount_vnd")
    due_vnd = fields.Integer()
    collected_by = fields.String(attribute="collected_by.username")
    occurred_at = fields.DateTime(attribute="payment.occurred_at")
    business_day = fields.Date(attribute="payment.business_day")


class RemittanceIn(Schema):
    agency_code = Text(required=True, max_length=40)
    until = fields.Date(required=True, validate=DATE_RANGE,
                        metadata={"description": "Last business day included."})
    reference = Text(load_default=None, max_length=100,
                     metadata={"description": "Bank transfer or receipt reference."})


class RemittanceOut(Schema):
    id = fields.Integer()
    agency_code = fields.String(attribute="agency.code")
    amount_vnd = fields.Integer()
    item_count = fields.Integer()
    period_to = fields.Date()
    reference = fields.String(allow_none=True)
    created_at = fields.DateTime()


class DailyQuery(Schema):
    office = Text(load_default=None, max_length=20, metadata={"description": "Supervisors: the office code."})
    day = fields.Date(required=True, validate=DATE_RANGE, metadata={"description": "Province date."})


class PersonOut(Schema):
    username = fields.String()
    expected_vnd = fields.Integer()
    recorded_vnd = fields.Integer()
    difference_vnd = fields.Integer()


class LineOut(Schema):
    tracking_number = fields.String()
    kind = fields.String()
    expected_by = fields.String(allow_none=True)
    expected_vnd = fields.Integer()
    recorded_by = fields.String(allow_none=True)
    recorded_vnd = fields.Integer()
    difference_vnd = fields.Integer()
    problem = fields.String(allow_none=True, metadata={
        "description": "missing_payment | unexpected_payment | other_collector | amount_differs"})


class DailyOut(Schema):
    office_code = fields.String(attribute="office.code")
    day = fields.Date()
    expected_vnd = fields.Integer()
    recorded_vnd = fields.Integer()
    discrepancy_vnd = fields.Integer()
    people = fields.List(fields.Nested(PersonOut))
    discrepancies = fields.List(fields.Nested(LineOut))
    lines = fields.List(fields.Nested(LineOut))


class ClaimQuery(Schema):
    policy = Text(required=True, max_length=40)
    date_from = fields.Date(required=True, data_key="from", validate=DATE_RANGE)
    date_to = fields.Date(required=True, data_key="to", validate=DATE_RANGE)


class ClaimItemOut(Schema):
    tracking_number = fields.String()
    dossier_code = fields.String()
    agency_code = fields.String(attribute="agency.code")
    accepted_on = fields.Date()
    gross_vnd = fields.Function(lambda s: (s.fee or {}).get("gross_vnd", 0))
    discount_vnd = fields.Function(lambda s: (s.fee or {}).get("discount_vnd", 0))
    subsidy_budget_vnd = fields.Integer()
    subsidy_post_vnd = fields.Integer()


class ClaimOut(Schema):
    policy = fields.String()
    policy_name = fields.String()
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    totals = fields.Function(lambda c: c.totals())
    items = fields.List(fields.Nested(ClaimItemOut))
