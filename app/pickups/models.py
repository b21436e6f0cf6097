"""Pickup requests: an agency asks the post office to collect results at an address
within a time window; a supervisor assigns a courier, who completes it against a record."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, BigIntPK, UTCDateTime, intpk
from app.orgs.models import Agency, Office


class PickupStatus(enum.Enum):
    requested = "requested"
    assigned = "assigned"
    completed = "completed"
    cancelled = "cancelled"


OPEN_PICKUP_STATUSES = (PickupStatus.requested, PickupStatus.assigned)


class Pickup(Base):
    __tablename__ = "pickups"
    __table_args__ = (
        CheckConstraint("expected_count > 0", name="expected_count_positive"),
        CheckConstraint("window_end > window_start", name="window_ordered"),
        CheckConstraint("scanned_count >= 0 AND missing_count >= 0", name="counts_nonnegative"),
    )

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    status: Mapped[PickupStatus] = mapped_column(index=True)
    address_line: Mapped[str] = mapped_column(String(300))
    unit_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())
    expected_count: Mapped[int]
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_phone: Mapped[str] = mapped_column(String(15))
    note: Mapped[str | None] = mapped_column(Text)
    courier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    handover_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("handover_records.id"))
    scanned_count: Mapped[int] = mapped_column(default=0, server_default="0")
    missing_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)
    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)
    courier: Mapped[User | None] = relationship(foreign_keys=[courier_id], lazy="joined")
    items: Mapped[list[PickupItem]] = relationship(
        back_populates="pickup", order_by="PickupItem.id", cascade="all, delete-orphan", lazy="selectin")


class PickupItem(Base):
    """A return shipment the pickup is for; `scanned` once the courier took it."""

    __tablename__ = "pickup_items"
    __table_args__ = (UniqueConstraint("pickup_id", "shipment_id", name="uq_pickup_items_pickup_shipment"),)

    id: Mapped[intpk]
    pickup_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("pickups.id", ondelete="CASCADE"))
    shipment_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("shipments.id"), index=True)
    tracking_number: Mapped[str] = mapped_column(String(13))
    scanned: Mapped[bool] = mapped_column(default=False, server_default=false())

    pickup: Mapped[Pickup] = relationship(back_populates="items")
