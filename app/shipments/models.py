from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.accounts.models import User
from app.db import Base, BigIntPK, UTCDateTime, intpk
from app.geo.models import Commune
from app.orgs.models import Agency, Office
from app.vocabulary import Service, Status  # defined there with their texts; imported from here too

FINAL_STATUSES = frozenset({Status.delivered, Status.returned, Status.cancelled})
# A dossier may have one live shipment per service (SPEC §4); these free it again.
DEAD_STATUSES = (Status.cancelled, Status.returned)


class SerialCounter(Base):
    """Last S10 serial handed out per service indicator; serials are never reused."""

    __tablename__ = "serial_counters"

    indicator: Mapped[str] = mapped_column(String(2), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (
        CheckConstraint("weight_g > 0", name="weight_positive"),
        CheckConstraint("collect_fee_vnd >= 0", name="collect_fee_nonnegative"),
        Index(
            "uq_shipments_live_dossier", "dossier_code", "service", unique=True,
            postgresql_where=text("status NOT IN ('cancelled', 'returned')"),
            sqlite_where=text("status NOT IN ('cancelled', 'returned')"),
        ),
        # Newest-first lists of one agency or one office (keyset on id), and the reports' periods
        # (migration 0008; bench/scale.py).
        Index("ix_shipments_agency_id_id", "agency_id", "id"),
        Index("ix_shipments_office_id_id", "office_id", "id"),
        Index("ix_shipments_status_id", "status", "id"),  # lists by status (migration 0011)
        Index("ix_shipments_due_date", "due_date"),
        Index("ix_shipments_policy_accepted_on", "policy_code", "accepted_on",
              postgresql_where=text("policy_code IS NOT NULL"), sqlite_where=text("policy_code IS NOT NULL")),
    )

    id: Mapped[intpk]
    tracking_number: Mapped[str] = mapped_column(String(13), unique=True)
    service: Mapped[Service]
    status: Mapped[Status]
    dossier_code: Mapped[str] = mapped_column(String(64), index=True)
    procedure_name: Mapped[str | None] = mapped_column(String(300))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    courier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    sender_name: Mapped[str] = mapped_column(String(200))
    sender_phone: Mapped[str | None] = mapped_column(String(15))
    sender_address_line: Mapped[str] = mapped_column(String(300))
    sender_unit_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))

    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_phone: Mapped[str | None] = mapped_column(String(15))
    recipient_address_line: Mapped[str] = mapped_column(String(300))
    recipient_unit_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    # The ID number is never stored: a keyed hash (HMAC-SHA256) and the last four only.
    recipient_id_type: Mapped[str | None] = mapped_column(String(10))
    recipient_id_hash: Mapped[str | None] = mapped_column(String(64))
    recipient_id_last4: Mapped[str | None] = mapped_column(String(4))

    weight_g: Mapped[int]
    beneficiary_category: Mapped[str | None] = mapped_column(String(40))
    beneficiary_certificate: Mapped[str | None] = mapped_column(String(100))
    collect_fee_vnd: Mapped[int] = mapped_column(default=0, server_default="0")
    accepted_on: Mapped[date]

    # Frozen by the fee engine at creation; null until it prices the shipment.
    fee: Mapped[dict[str, Any] | None]
    fee_total_vnd: Mapped[int | None]
    subsidy_budget_vnd: Mapped[int | None]
    subsidy_post_vnd: Mapped[int | None]
    tariff_version: Mapped[str | None] = mapped_column(String(40))
    policy_code: Mapped[str | None] = mapped_column(String(40))
    due_date: Mapped[date | None]

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)
    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)
    courier: Mapped[User | None] = relationship(foreign_keys=[courier_id], lazy="joined")
    sender_unit: Mapped[Commune] = relationship(
        foreign_keys=[sender_unit_code], lazy="joined", innerjoin=True)
    recipient_unit: Mapped[Commune] = relationship(
        foreign_keys=[recipient_unit_code], lazy="joined", innerjoin=True)
    items: Mapped[list[ShipmentItem]] = relationship(
        back_populates="shipment", order_by="ShipmentItem.position",
        cascade="all, delete-orphan", lazy="selectin",
    )
    events: WriteOnlyMapped[TrackingEvent] = relationship(
        back_populates="shipment", order_by="TrackingEvent.occurred_at",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class ShipmentItem(Base):
    """One document in the dossier or result: name, original or copy, count."""

    __tablename__ = "shipment_items"
    __table_args__ = (CheckConstraint("count > 0", name="count_positive"),)

    id: Mapped[intpk]
    shipment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    original: Mapped[bool]
    count: Mapped[int]

    shipment: Mapped[Shipment] = relationship(back_populates="items")


class TrackingEvent(Base):
    """One step in a shipment's life, with its UPU-aligned code."""

    __tablename__ = "tracking_events"
    __table_args__ = (
        UniqueConstraint("scan_id", name="uq_tracking_events_scan_id"),
        # A shipment's events in order, with what the staff detail shows of them: read from the
        # index alone (migration 0012).
        Index("ix_tracking_events_shipment_timeline", "shipment_id", "occurred_at", "id",
              postgresql_include=["event", "upu_code", "recorded_at", "office_id", "reason", "note",
                                  "device_time", "clock_offset_ms"]),
        # A day's money-changing events, for the daily reconciliation; an item's delivery, for
        # the service-standard report (migration 0008).
        Index("ix_tracking_events_collecting_time", "occurred_at",
              postgresql_where=text("event IN ('accepted', 'delivered')"),
              sqlite_where=text("event IN ('accepted', 'delivered')")),
        Index("ix_tracking_events_delivered", "shipment_id", "occurred_at",
              postgresql_where=text("event = 'delivered'"), sqlite_where=text("event = 'delivered'")),
    )

    id: Mapped[intpk]
    shipment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("shipments.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    upu_code: Mapped[str | None] = mapped_column(String(8))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The client-made UUID of a courier scan: its idempotency key.
    scan_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # What the phone's own clock said, and the server-clock offset it measured at its last sync:
    # occurred_at is the phone's corrected moment, these let staff see how it was reached
    # (couriers elsewhere have faked times offline).
    device_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    clock_offset_ms: Mapped[int | None]

    shipment: Mapped[Shipment] = relationship(back_populates="events")
    office: Mapped[Office | None] = relationship(viewonly=True)  # read by the answers' office_code
