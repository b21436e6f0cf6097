"""The in-memory fee catalog: tariffs, policies and commune places, keyed by a revision stamp.

Pricing reads only this catalog, never the database. A request checks the stamp (one small
query over the tariff and policy revisions); the catalog is rebuilt only when it changed, so
an admin's new tariff or policy is seen by every process on its next request, and a rolled
back change is forgotten. Communes are loaded once per process; a code missing from the
cache is looked up and added (units loaded later by another process).
"""
from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import literal, select, union_all

from app.extensions import db
from app.fees.models import DiscountPolicy, PolicyKind, Tariff, Zone
from app.fees.zones import Place
from app.geo.models import Commune


@dataclass(frozen=True, slots=True)
class TariffRates:
    version: str
    effective_from: date
    prices_include_vat: bool
    vat_rate_bp: int
    base_weight_g: int
    base_tolerance_g: int
    step_weight_g: int
    max_weight_g: int
    local_radius_km: int
    remote_threshold_km: int
    remote_surcharge_vnd: int
    collection_fee_vnd: int
    base_vnd: dict[Zone, int]
    step_vnd: dict[Zone, int]


@dataclass(frozen=True, slots=True)
class PolicyRule:
    code: str
    name: str
    kind: PolicyKind
    discount_bp: int | None
    fixed_price_vnd: int | None
    valid_from: date
    valid_to: date | None
    legs: frozenset[str] | None
    zones: frozenset[Zone] | None
    province_code: str | None
    agency_codes: frozenset[str] | None
    categories: frozenset[str] | None
    budget_share_bp: int


@dataclass(frozen=True)
class Catalog:
    stamp: frozenset[tuple[str, int, str]]
    tariffs: tuple[TariffRates, ...]  # by effective_from, then creation order
    policies: tuple[PolicyRule, ...]
    places: dict[str, Place]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [t.effective_from for t in self.tariffs])

    def tariff_on(self, day: date) -> TariffRates | None:
        """The version in force on `day`: the latest effective_from on or before it."""
        i = bisect_right(self._starts, day)  # type: ignore[attr-defined]
        return self.tariffs[i - 1] if i else None


def _freeze(values: list | None) -> frozenset | None:
    return frozenset(values) if values else None


def rates_of(t: Tariff) -> TariffRates:
    return TariffRates(
        version=t.version, effective_from=t.effective_from,
        prices_include_vat=t.prices_include_vat, vat_rate_bp=t.vat_rate_bp,
        base_weight_g=t.base_weight_g, base_tolerance_g=t.base_tolerance_g,
        step_weight_g=t.step_weight_g, max_weight_g=t.max_weight_g,
        local_radius_km=t.local_radius_km, remote_threshold_km=t.remote_threshold_km,
        remote_surcharge_vnd=t.remote_surcharge_vnd, collection_fee_vnd=t.collection_fee_vnd,
        base_vnd={z.zone: z.base_vnd for z in t.zone_prices},
        step_vnd={z.zone: z.step_vnd for z in t.zone_prices})


def rule_of(p: DiscountPolicy) -> PolicyRule:
    return PolicyRule(
        code=p.code, name=p.name, kind=p.kind, discount_bp=p.discount_bp,
        fixed_price_vnd=p.fixed_price_vnd, valid_from=p.valid_from, valid_to=p.valid_to,
        legs=_freeze(p.legs), zones=_freeze([Zone(z) for z in p.zones or ()]),
        province_code=p.province_code, agency_codes=_freeze(p.agency_codes),
        categories=_freeze(p.beneficiary_categories), budget_share_bp=p.budget_share_bp)


def _stamp() -> frozenset[tuple[str, int, str]]:
    rows = db.session.execute(union_all(
        select(literal("t"), Tariff.id, Tariff.revision),
        select(literal("p"), DiscountPolicy.id, DiscountPolicy.revision)))
    return frozenset((kind, id_, rev) for kind, id_, rev in rows)


def _load_places() -> dict[str, Place]:
    rows = db.session.execute(select(Commune.code, Commune.province_code, Commune.lat, Commune.lon))
    return {code: Place(code, province, lat, lon) for code, province, lat, lon in rows}


class CatalogCache:
    """One per app. Rebuilds are serialised; readers take the current reference."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None
        self._places: dict[str, Place] | None = None
        self._lock = threading.Lock()

    def get(self) -> Catalog:
        stamp = _stamp()
        catalog = self._catalog
        if catalog is not None and catalog.stamp == stamp:
            return catalog
        with self._lock:
            if self._places is None:
                self._places = _load_places()
            tariffs = db.session.scalars(select(Tariff).order_by(Tariff.effective_from, Tariff.id))
            policies = db.session.scalars(select(DiscountPolicy).order_by(DiscountPolicy.code))
            catalog = Catalog(stamp=stamp, tariffs=tuple(rates_of(t) for t in tariffs),
                              policies=tuple(rule_of(p) for p in policies), places=self._places)
            self._catalog = catalog
            return catalog

    def place(self, catalog: Catalog, code: str) -> Place | None:
        """The commune from the cache, or from the database (then cached) when it is new."""
        place = catalog.places.get(code)
        if place is None:
            commune = db.session.get(Commune, code)
            if commune is None:
                return None
            place = Place(commune.code, commune.province_code, commune.lat, commune.lon)
            catalog.places[code] = place
        return place


def catalog_cache() -> CatalogCache:
    return current_app.extensions.setdefault("hcc.fees", CatalogCache())


def current_catalog() -> Catalog:
    return catalog_cache().get()
