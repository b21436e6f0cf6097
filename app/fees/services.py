"""Fee services: quotes for the API and for shipments, and the admin's tariffs and policies.
Services flush; the request commits."""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app import clock
from app.access import known_agency
from app.audit.services import record as audit
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.fees.catalog import catalog_cache
from app.fees.defaults import DEFAULT_POLICIES, DEFAULT_TARIFF
from app.fees.models import DiscountPolicy, PolicyKind, Tariff, TariffZonePrice, Zone
from app.fees.pricing import Quote, quote_body
from app.geo.models import Province
from app.orgs.services import agency_by_code

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.shipments.models import Shipment

UNIT_FIELDS = (("sender", "sender.address.unit_code"), ("recipient", "recipient.address.unit_code"))


def quote(data: dict[str, Any]) -> Quote:
    """Price a body validated by ShipmentIn. Shipment creation freezes exactly this."""
    cache = catalog_cache()
    catalog = cache.get()
    for party, field in UNIT_FIELDS:
        code = data[party]["address"]["unit_code"]
        if cache.place(catalog, code) is None:
            raise ValidationFailed(field, f"Unknown commune code {code!r}.", code="unknown_unit")
    return quote_body(data, catalog, clock.today_in_province())


def quote_request(data: dict[str, Any]) -> Quote:
    """POST /quotes: the shipment's validation (agency included), then the same pricing."""
    known_agency(data["agency_code"])
    return quote(data)


# --- tariffs -------------------------------------------------------------------------------

def list_tariffs() -> list[Tariff]:
    return list(db.session.scalars(select(Tariff).order_by(Tariff.effective_from.desc(), Tariff.id.desc())))


def get_tariff(version: str) -> Tariff:
    tariff = db.session.scalar(select(Tariff).where(Tariff.version == version))
    if tariff is None:
        raise NotFound(f"No tariff version {version!r}.", code="tariff_not_found")
    return tariff


def create_tariff(actor: User | None, data: dict[str, Any], *, allow_past: bool = False) -> Tariff:
    """Add a tariff version. Versions are never edited; a fee already frozen keeps its own."""
    data = dict(data)
    zones: dict[str, dict[str, int]] = data.pop("zones")
    missing = sorted(z.value for z in Zone if z.value not in zones)
    if missing:
        raise ValidationFailed("zones", f"Prices for every zone are required; missing {', '.join(missing)}.")
    if not allow_past and data["effective_from"] < clock.today_in_province():
        raise ValidationFailed("effective_from", "A new tariff takes effect today or later: "
                               "prices are never changed retroactively.", code="tariff_in_past")
    if data["max_weight_g"] < data["base_weight_g"]:
        raise ValidationFailed("max_weight_g", "The maximum weight is below the base weight.")
    if db.session.scalar(select(Tariff.id).where(Tariff.version == data["version"])) is not None:
        raise Conflict(f"Tariff version {data['version']!r} exists already; add a new version.",
                       code="tariff_exists", errors={"version": ["Already used."]})
    tariff = Tariff(**data, created_at=clock.now(), created_by_id=actor.id if actor else None,
                    zone_prices=[TariffZonePrice(zone=Zone(z), base_vnd=p["base_vnd"], step_vnd=p["step_vnd"])
                                 for z, p in zones.items()])
    db.session.add(tariff)
    db.session.flush()
    audit(actor, "tariff.create", "tariff", tariff.version,
          {"effective_from": tariff.effective_from.isoformat()})
    return tariff


# --- policies ------------------------------------------------------------------------------

def list_policies() -> list[DiscountPolicy]:
    return list(db.session.scalars(select(DiscountPolicy).order_by(DiscountPolicy.valid_from.desc(),
                                                                   DiscountPolicy.code)))


def get_policy(code: str) -> DiscountPolicy:
    policy = db.session.scalar(select(DiscountPolicy).where(DiscountPolicy.code == code))
    if policy is None:
        raise NotFound(f"No discount policy {code!r}.", code="policy_not_found")
    return policy


def create_policy(actor: User | None, data: dict[str, Any]) -> DiscountPolicy:
    data = dict(data)
    data["kind"] = PolicyKind(data["kind"])
    if data["kind"] is PolicyKind.percentage:
        if data.get("discount_bp") is None or data.get("fixed_price_vnd") is not None:
            raise ValidationFailed("discount_bp", "A percentage policy gives discount_bp (1–10000) "
                                   "and no fixed_price_vnd.")
    elif data.get("fixed_price_vnd") is None or data.get("discount_bp") is not None:
        raise ValidationFailed("fixed_price_vnd", "A fixed-price policy gives fixed_price_vnd "
                               "and no discount_bp.")
    if data.get("valid_to") is not None and data["valid_to"] < data["valid_from"]:
        raise ValidationFailed("valid_to", "The window ends before it starts.")
    province = data.get("province_code")
    if province is not None and db.session.get(Province, province) is None:
        raise ValidationFailed("province_code", f"Unknown province {province!r}.")
    for i, code in enumerate(data.get("agency_codes") or ()):
        if agency_by_code(code) is None:
            raise ValidationFailed(f"agency_codes.{i}", f"Unknown agency {code!r}.")
    if db.session.scalar(select(DiscountPolicy.id).where(DiscountPolicy.code == data["code"])) is not None:
        raise Conflict(f"Policy {data['code']!r} exists already.", code="policy_exists",
                       errors={"code": ["Already used."]})
    now = clock.now()
    policy = DiscountPolicy(**data, created_at=now, updated_at=now,
                            created_by_id=actor.id if actor else None)
    db.session.add(policy)
    db.session.flush()
    audit(actor, "policy.create", "discount_policy", policy.code,
          {"valid_from": policy.valid_from.isoformat(),
           "valid_to": policy.valid_to.isoformat() if policy.valid_to else None})
    return policy


def end_policy(actor: User, code: str, valid_to: date) -> DiscountPolicy:
    """Close (or move) a policy's window; the day before valid_from disables it entirely."""
    policy = get_policy(code)
    if valid_to < policy.valid_from - timedelta(days=1):
        raise ValidationFailed("valid_to", "At the earliest the day before valid_from "
                               f"({policy.valid_from.isoformat()}), which disables the policy.")
    before = policy.valid_to
    policy.valid_to = valid_to
    policy.updated_at = clock.now()
    db.session.flush()
    audit(actor, "policy.end", "discount_policy", policy.code,
          {"valid_to": valid_to.isoformat(), "was": before.isoformat() if before else None})
    return policy


def tariffs_loaded() -> bool:
    return db.session.scalar(select(Tariff.id).limit(1)) is not None


def load_defaults() -> None:
    """The SPEC §5 default tariff and policies, each loaded only when missing."""
    if db.session.scalar(select(Tariff.id).where(Tariff.version == DEFAULT_TARIFF["version"])) is None:
        create_tariff(None, DEFAULT_TARIFF, allow_past=True)
    for spec in DEFAULT_POLICIES:
        if db.session.scalar(select(DiscountPolicy.id).where(DiscountPolicy.code == spec["code"])) is None:
            create_policy(None, spec)


def freeze_fee(shipment: Shipment, data: dict[str, Any]) -> Quote:
    """Price the shipment's validated body exactly as POST /quotes does, and freeze the fee,
    its breakdown, tariff version, policy and due date on it (SPEC §5)."""
    q = quote(data)
    fee = q.fee
    shipment.fee = fee
    shipment.fee_total_vnd = fee["total_vnd"]
    shipment.subsidy_budget_vnd = fee["subsidy_budget_vnd"]
    shipment.subsidy_post_vnd = fee["subsidy_post_vnd"]
    shipment.tariff_version = fee["tariff_version"]
    shipment.policy_code = fee["policy"]
    shipment.due_date = q.due_date
    return q
