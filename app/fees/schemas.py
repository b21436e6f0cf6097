"""Fee, tariff and policy bodies (SPEC §5, §7); In and Out kept apart."""
from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, fields, pre_dump, validate

from app.fees.models import PolicyKind, Zone
from app.fees.policies import LEGS
from app.fields import DATE_RANGE, StrictInteger, Text
from app.pagination import list_of
from app.vocabulary import Beneficiary

VND = validate.Range(min=0, max=100_000_000)
BASIS_POINTS = validate.Range(min=0, max=10_000)
# Short enough that the two codes of a `both` order ("A+B") fit the shipment's column.
POLICY_CODE = validate.Regexp(r"^[A-Z0-9][A-Z0-9._-]{1,18}\Z",
                              error="2–19 capital letters, digits, '.', '_' or '-'.")
VERSION = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z",
                          error="1–40 letters, digits, '.', '_' or '-'.")


class FeeLineOut(Schema):
    code = fields.String(metadata={"description": "base, weight, remote or collection."})
    label = fields.String()
    amount_vnd = fields.Integer()
    leg = fields.String(metadata={"description": "intake or return."})


class FeeLegOut(Schema):
    leg = fields.String()
    carriage_vnd = fields.Integer(metadata={"description": "Base + weight steps + remote surcharge."})
    discount_vnd = fields.Integer()
    policy = fields.String(allow_none=True)
    subsidy_budget_vnd = fields.Integer()
    subsidy_post_vnd = fields.Integer()


class FeeOut(Schema):
    zone = fields.String()
    distance_km = fields.Float(metadata={"description": "Geodesic distance between commune centroids."})
    lines = fields.List(fields.Nested(FeeLineOut))
    gross_vnd = fields.Integer(metadata={"description": "Sum of the lines, VAT included."})
    discount_vnd = fields.Integer()
    total_vnd = fields.Integer(metadata={"description": "What the citizen pays: gross − discount."})
    vat_vnd = fields.Integer(metadata={"description": "VAT contained in gross_vnd."})
    net_vnd = fields.Integer(metadata={"description": "gross_vnd − vat_vnd."})
    policy = fields.String(allow_none=True, metadata={
        "description": "The applied policy's code (a `both` order with two: 'A+B')."})
    policy_name = fields.String(allow_none=True)
    subsidy_budget_vnd = fields.Integer(metadata={"description": "Discount funded by the state budget."})
    subsidy_post_vnd = fields.Integer(metadata={"description": "Discount funded by the post office."})
    tariff_version = fields.String()
    legs = fields.List(fields.Nested(FeeLegOut))
    collect_on_behalf_vnd = fields.Integer(metadata={
        "description": "Procedure fee collected for the agency: money to remit, not revenue."})


class QuoteOut(FeeOut):
    """The fee a shipment body would freeze, with its due date (dumped from a pricing Quote)."""

    due_date = fields.Date(metadata={"description": "Service standard: J+n working days."})
    service_days = fields.Integer(metadata={"description": "n in J+n."})

    @pre_dump
    def _flatten(self, quote: Any, **_kw: object) -> dict[str, Any]:
        return {**quote.fee, "due_date": quote.due_date, "service_days": quote.service_days}


class ZonePriceIn(Schema):
    base_vnd = StrictInteger(required=True, validate=VND)
    step_vnd = StrictInteger(required=True, validate=VND)


class TariffIn(Schema):
    version = fields.String(required=True, validate=VERSION)
    effective_from = fields.Date(required=True, validate=DATE_RANGE)
    prices_include_vat = fields.Boolean(required=True, truthy={True}, falsy={False})
    vat_rate_bp = StrictInteger(required=True, validate=BASIS_POINTS,
                                metadata={"description": "Basis points: 1000 = 10%."})
    base_weight_g = StrictInteger(required=True, validate=validate.Range(min=1, max=30_000))
    base_tolerance_g = StrictInteger(load_default=0, validate=validate.Range(min=0, max=1_000))
    step_weight_g = StrictInteger(required=True, validate=validate.Range(min=1, max=30_000))
    max_weight_g = StrictInteger(required=True, validate=validate.Range(min=1, max=30_000))
    local_radius_km = StrictInteger(required=True, validate=validate.Range(min=0, max=1_000))
    remote_threshold_km = StrictInteger(required=True, validate=validate.Range(min=0, max=5_000))
    remote_surcharge_vnd = StrictInteger(required=True, validate=VND)
    collection_fee_vnd = StrictInteger(required=True, validate=VND)
    note = Text(load_default=None, max_length=300)
    zones = fields.Dict(keys=fields.String(validate=validate.OneOf([z.value for z in Zone])),
                        values=fields.Nested(ZonePriceIn), required=True,
                        metadata={"required": [z.value for z in Zone], "maxProperties": len(Zone),
                                  "description": "A price for every zone."})


class ZonePriceOut(Schema):
    zone = fields.Enum(Zone, by_value=True)
    base_vnd = fields.Integer()
    step_vnd = fields.Integer()


class TariffOut(Schema):
    version = fields.String()
    effective_from = fields.Date()
    prices_include_vat = fields.Boolean()
    vat_rate_bp = fields.Integer()
    base_weight_g = fields.Integer()
    base_tolerance_g = fields.Integer()
    step_weight_g = fields.Integer()
    max_weight_g = fields.Integer()
    local_radius_km = fields.Integer()
    remote_threshold_km = fields.Integer()
    remote_surcharge_vnd = fields.Integer()
    collection_fee_vnd = fields.Integer()
    note = fields.String(allow_none=True)
    zone_prices = fields.List(fields.Nested(ZonePriceOut))
    created_at = fields.DateTime()


TariffList = list_of(TariffOut)


class PolicyIn(Schema):
    # Read by app/docs/openapi.py: what the kind asks of the other fields (fees.services.create_policy).
    openapi_rules: ClassVar[list[dict[str, Any]]] = [{"anyOf": [
        {"properties": {"kind": {"const": PolicyKind.percentage.value},
                        "discount_bp": {"type": "integer"}, "fixed_price_vnd": {"type": "null"}},
         "required": ["discount_bp"]},
        {"properties": {"kind": {"const": PolicyKind.fixed_price.value},
                        "fixed_price_vnd": {"type": "integer"}, "discount_bp": {"type": "null"}},
         "required": ["fixed_price_vnd"]},
    ]}]

    code = fields.String(required=True, validate=POLICY_CODE)
    name = Text(required=True, max_length=300)
    legal_basis = Text(load_default=None, max_length=300)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in PolicyKind]))
    discount_bp = StrictInteger(load_default=None, validate=validate.Range(min=1, max=10_000),
                                metadata={"description": "Percentage policies: 5000 = 50%."})
    fixed_price_vnd = StrictInteger(load_default=None, validate=VND,
                                    metadata={"description": "Fixed-price policies: carriage per leg."})
    valid_from = fields.Date(required=True, validate=DATE_RANGE)
    valid_to = fields.Date(load_default=None, validate=DATE_RANGE, metadata={"description": "Inclusive."})
    legs = fields.List(fields.String(validate=validate.OneOf(LEGS)), load_default=None,
                       validate=validate.Length(min=1))
    zones = fields.List(fields.String(validate=validate.OneOf([z.value for z in Zone])),
                        load_default=None, validate=validate.Length(min=1))
    province_code = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{2}\Z"))
    agency_codes = fields.List(Text(max_length=40), load_default=None,
                               validate=validate.Length(min=1, max=200))
    beneficiary_categories = fields.List(fields.String(validate=validate.OneOf(tuple(Beneficiary))),
                                         load_default=None, validate=validate.Length(min=1))
    budget_share_bp = StrictInteger(load_default=0, validate=BASIS_POINTS, metadata={
        "description": "The state budget's share of the discount; the post office funds the rest."})


class PolicyEndIn(Schema):
    valid_to = fields.Date(required=True, validate=DATE_RANGE, metadata={
        "description": "Last day (inclusive); the day before valid_from disables the policy."})


class PolicyOut(Schema):
    code = fields.String()
    name = fields.String()
    legal_basis = fields.String(allow_none=True)
    kind = fields.Enum(PolicyKind, by_value=True)
    discount_bp = fields.Integer(allow_none=True)
    fixed_price_vnd = fields.Integer(allow_none=True)
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    legs = fields.List(fields.String(), allow_none=True)
    zones = fields.List(fields.String(), allow_none=True)
    province_code = fields.String(allow_none=True)
    agency_codes = fields.List(fields.String(), allow_none=True)
    beneficiary_categories = fields.List(fields.String(), allow_none=True)
    budget_share_bp = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


PolicyList = list_of(PolicyOut)
