"""Tariffs and discount policies: versioned data with effective dates and validity windows.

A tariff is never edited once written: a price change is a new version with its own
`effective_from`. A policy may only have its window closed (`valid_to`). Every row carries
a random `revision`, renewed on each write, that keys the in-memory fee catalog.
"""
from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, BigIntPK, UTCDateTime, intpk


def new_revision() -> str:
    return uuid.uuid4().hex


class Zone(enum.Enum):
    local = "local"
    intra_province = "intra_province"
    inter_same_region = "inter_same_region"
    inter_adjacent_region = "inter_adjacent_region"
    inter_far_region = "inter_far_region"


class PolicyKind(enum.Enum):
    percentage = "percentage"
    fixed_price = "fixed_price"


class Tariff(Base):
    """One version of the price list. Amounts are integer VND per leg."""

    __tablename__ = "tariffs"
    __table_args__ = (
        CheckConstraint("vat_rate_bp >= 0 AND vat_rate_bp <= 10000", name="vat_rate_range"),
        CheckConstraint("base_weight_g > 0 AND step_weight_g > 0 AND base_tolerance_g >= 0",
                        name="weights_positive"),
        CheckConstraint("max_weight_g >= base_weight_g", name="max_weight_over_base"),
        CheckConstraint("local_radius_km >= 0 AND remote_threshold_km >= 0", name="distances_nonnegative"),
        CheckConstraint("remote_surcharge_vnd >= 0 AND collection_fee_vnd >= 0", name="amounts_nonnegative"),
    )

    id: Mapped[intpk]
    version: Mapped[str] = mapped_column(String(40), unique=True)
    effective_from: Mapped[date] = mapped_column(index=True)
    prices_include_vat: Mapped[bool]
    vat_rate_bp: Mapped[int]  # basis points: 1000 = 10%
    base_weight_g: Mapped[int]
    base_tolerance_g: Mapped[int]
    step_weight_g: Mapped[int]
    max_weight_g: Mapped[int]
    local_radius_km: Mapped[int]
    remote_threshold_km: Mapped[int]
    remote_surcharge_vnd: Mapped[int]
    collection_fee_vnd: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(300))
    revision: Mapped[str] = mapped_column(String(32), default=new_revision)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    zone_prices: Mapped[list[TariffZonePrice]] = relationship(
        back_populates="tariff", cascade="all, delete-orphan", lazy="selectin",
        order_by="TariffZonePrice.zone")


class TariffZonePrice(Base):
    """The base price of a leg in one zone, and the price of each weight step."""

    __tablename__ = "tariff_zone_prices"
    __table_args__ = (
        CheckConstraint("base_vnd >= 0 AND step_vnd >= 0", name="amounts_nonnegative"),
    )

    tariff_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("tariffs.id", ondelete="CASCADE"), primary_key=True)
    zone: Mapped[Zone] = mapped_column(primary_key=True)
    base_vnd: Mapped[int]
    step_vnd: Mapped[int]

    tariff: Mapped[Tariff] = relationship(back_populates="zone_prices")


class DiscountPolicy(Base):
    """A discount with a validity window (inclusive, province dates), a scope and a funding split.

    Scope lists left null mean "any". Shares are basis points (10000 = 100%).
    """

    __tablename__ = "discount_policies"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'percentage' AND discount_bp BETWEEN 1 AND 10000 AND fixed_price_vnd IS NULL)"
            " OR (kind = 'fixed_price' AND fixed_price_vnd >= 0 AND discount_bp IS NULL)",
            name="kind_amount"),
        CheckConstraint("budget_share_bp BETWEEN 0 AND 10000", name="budget_share_range"),
    )

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    legal_basis: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[PolicyKind]
    discount_bp: Mapped[int | None]
    fixed_price_vnd: Mapped[int | None]
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    legs: Mapped[list[Any] | None]
    zones: Mapped[list[Any] | None]
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    agency_codes: Mapped[list[Any] | None]
    beneficiary_categories: Mapped[list[Any] | None]
    # The state budget's share of the discount; the post office funds the rest.
    budget_share_bp: Mapped[int]
    revision: Mapped[str] = mapped_column(String(32), default=new_revision, onupdate=new_revision)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
