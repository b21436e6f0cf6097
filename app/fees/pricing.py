"""The pricing core: a validated shipment body and the fee catalog in, the fee object out.

Pure: it reads the in-memory catalog only, so quotes cost no database round trip.

Money is integer VND. Rounding, each time to the đồng, halves up:
- a percentage discount: round(carriage × bp / 10000), per leg;
- the budget's share of a discount: round(discount × bp / 10000); the post office funds the
  remainder, so the two add up to the discount exactly;
- VAT is extracted from the VAT-inclusive gross: vat = round(gross × rate / (1 + rate)),
  net = gross − vat. A tariff priced without VAT has each line grossed up first:
  round(amount × (1 + rate)).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.errors import ValidationFailed
from app.fees.calendar import add_working_days, service_days
from app.fees.catalog import Catalog, TariffRates
from app.fees.models import Zone
from app.fees.policies import BP, LegContext, best_policy, round_half_up
from app.fees.zones import Place, distance_km, zone_between

ZONE_LABELS = {
    Zone.local: "nội xã, lân cận", Zone.intra_province: "nội tỉnh",
    Zone.inter_same_region: "liên tỉnh cùng miền",
    Zone.inter_adjacent_region: "liên tỉnh miền kế cận", Zone.inter_far_region: "liên tỉnh Bắc – Nam",
}
LEG_LABELS = {"intake": "Chiều gửi hồ sơ", "return": "Chiều trả kết quả"}
SERVICE_LEGS = {"intake": ("intake",), "return": ("return",), "both": ("intake", "return")}


@dataclass(frozen=True, slots=True)
class QuoteInput:
    service: str
    sender_code: str
    recipient_code: str
    agency_code: str
    weight_g: int
    category: str | None
    collect_fee_vnd: int
    accepted_on: date

    @classmethod
    def from_body(cls, body: dict[str, Any], today: date) -> QuoteInput:
        """From a body validated by ShipmentIn; `accepted_on` defaults to today."""
        service = body["service"]
        beneficiary = body.get("beneficiary") or {}
        return cls(
            service=getattr(service, "value", service),
            sender_code=body["sender"]["address"]["unit_code"],
            recipient_code=body["recipient"]["address"]["unit_code"],
            agency_code=body["agency_code"], weight_g=body["weight_g"],
            # TT22: a category counts only with its certificate number recorded.
            category=beneficiary.get("category") if beneficiary.get("certificate") else None,
            collect_fee_vnd=body.get("collect_fee_vnd") or 0,
            accepted_on=body.get("accepted_on") or today)


@dataclass(frozen=True, slots=True)
class Quote:
    fee: dict[str, Any]  # the SPEC §7 fee object, JSON-ready: what a shipment freezes
    due_date: date
    service_days: int


def quote_body(body: dict[str, Any], catalog: Catalog, today: date) -> Quote:
    """The one pricing entry point: the quote route and shipment creation both call it."""
    return price(QuoteInput.from_body(body, today), catalog)


def price(q: QuoteInput, catalog: Catalog) -> Quote:
    tariff = catalog.tariff_on(q.accepted_on)
    if tariff is None:
        raise ValidationFailed("accepted_on", f"No tariff is in force on {q.accepted_on.isoformat()}.",
                               code="no_tariff")
    if q.weight_g > tariff.max_weight_g:
        raise ValidationFailed("weight_g", f"Over the tariff maximum of {tariff.max_weight_g} g "
                               f"(tariff {tariff.version}).", code="weight_over_tariff_max")
    sender = _place(catalog, q.sender_code, "sender.address.unit_code")
    recipient = _place(catalog, q.recipient_code, "recipient.address.unit_code")
    km = distance_km(sender, recipient)
    zone = zone_between(sender, recipient, km, tariff.local_radius_km)
    carriage_lines = _carriage_lines(tariff, zone, km, q.weight_g)
    carriage = sum(amount for _, _, amount in carriage_lines)
    legs = SERVICE_LEGS[q.service]
    both = len(legs) > 1

    lines: list[dict[str, Any]] = []
    leg_rows: list[dict[str, Any]] = []
    policies: list[tuple[str, str]] = []
    discount = budget = post = 0
    for leg in legs:
        prefix = f"{LEG_LABELS[leg]}: " if both else ""
        lines.extend({"code": code, "label": prefix + label, "amount_vnd": amount, "leg": leg}
                     for code, label, amount in carriage_lines)
        # A `both` order's return leg runs back from the recipient to the sender.
        origin, dest = (recipient, sender) if leg == "return" and both else (sender, recipient)
        ctx = LegContext(leg, zone, origin.province_code, dest.province_code,
                         q.agency_code, q.category, q.accepted_on)
        applied = best_policy(catalog.policies, ctx, carriage)
        row = {"leg": leg, "carriage_vnd": carriage, "discount_vnd": 0, "policy": None,
               "subsidy_budget_vnd": 0, "subsidy_post_vnd": 0}
        if applied is not None:
            row.update(discount_vnd=applied.discount_vnd, policy=applied.policy.code,
                       subsidy_budget_vnd=applied.budget_vnd, subsidy_post_vnd=applied.post_vnd)
            discount += applied.discount_vnd
            budget += applied.budget_vnd
            post += applied.post_vnd
            if (applied.policy.code, applied.policy.name) not in policies:
                policies.append((applied.policy.code, applied.policy.name))
        leg_rows.append(row)
    if q.collect_fee_vnd > 0:
        # Collection on behalf is charged once per dossier, on the leg that collects it;
        # discounts never touch it (SPEC §5).
        lines.append({"code": "collection", "label": "Phí thu hộ lệ phí",
                      "amount_vnd": _with_vat(tariff, tariff.collection_fee_vnd), "leg": legs[0]})

    gross = sum(line["amount_vnd"] for line in lines)
    vat = round_half_up(gross * tariff.vat_rate_bp, BP + tariff.vat_rate_bp)
    days = service_days(zone, recipient.province_code)
    fee = {
        "zone": zone.value, "distance_km": km, "lines": lines,
        "gross_vnd": gross, "discount_vnd": discount, "total_vnd": gross - discount,
        "vat_vnd": vat, "net_vnd": gross - vat,
        "policy": "+".join(code for code, _ in policies) or None,
        "policy_name": "; ".join(name for _, name in policies) or None,
        "subsidy_budget_vnd": budget, "subsidy_post_vnd": post,
        "tariff_version": tariff.version, "legs": leg_rows,
        "collect_on_behalf_vnd": q.collect_fee_vnd,
    }
    return Quote(fee, add_working_days(q.accepted_on, days), days)


def _place(catalog: Catalog, code: str, field: str) -> Place:
    place = catalog.places.get(code)
    if place is None:
        raise ValidationFailed(field, f"Unknown commune code {code!r}.", code="unknown_unit")
    return place


def _with_vat(tariff: TariffRates, amount: int) -> int:
    if tariff.prices_include_vat:
        return amount
    return round_half_up(amount * (BP + tariff.vat_rate_bp), BP)


def weight_steps(tariff: TariffRates, weight_g: int) -> int:
    """Each further step (500 g by default) or part over the base weight adds a step; weights
    within the base band's tolerance take none."""
    if weight_g <= tariff.base_weight_g + tariff.base_tolerance_g:
        return 0
    return -(-(weight_g - tariff.base_weight_g) // tariff.step_weight_g)


def _carriage_lines(tariff: TariffRates, zone: Zone, km: float, weight_g: int) -> list[tuple[str, str, int]]:
    """One leg's carriage: base, weight steps, remote surcharge (VAT-inclusive amounts)."""
    out = [("base", f"Cước cơ bản đến {tariff.base_weight_g} g, {ZONE_LABELS[zone]}",
            _with_vat(tariff, tariff.base_vnd[zone]))]
    steps = weight_steps(tariff, weight_g)
    if steps:
        out.append(("weight", f"Cước khối lượng: {steps} × {tariff.step_weight_g} g tiếp theo",
                    _with_vat(tariff, steps * tariff.step_vnd[zone])))
    if km > tariff.remote_threshold_km and tariff.remote_surcharge_vnd:
        out.append(("remote", f"Phụ phí vùng xa: trên {tariff.remote_threshold_km} km",
                    _with_vat(tariff, tariff.remote_surcharge_vnd)))
    return out
