"""Money taken at a counter or a door, and remittances of procedure fees to agencies.
All amounts are integer VND."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, BigIntPK, UTCDateTime, intpk
from app.orgs.models import Agency


class PaymentKind(enum.Enum):
    postal_fee = "postal_fee"  # the shipment's frozen fee total: the post office's revenue
    procedure_fee = "procedure_fee"  # lệ phí collected on the agency's behalf: owed to the agency


class PaymentMethod(enum.Enum):
    cash = "cash"
    transfer = "transfer"


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_vnd >= 0", name="amount_nonnegative"),
        # Each kind of money is taken once per shipment; a second entry is a mistake.
        UniqueConstraint("shipment_id", "kind", name="uq_payments_shipment_kind"),
    )

    id: Mapped[intpk]
    shipment_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("shipments.id"), index=True)
    kind: Mapped[PaymentKind]
    method: Mapped[PaymentMethod]
    amount_vnd: Mapped[int]
    collected_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    business_day: Mapped[date] = mapped_column(index=True)  # province date of occurred_at
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    remittance_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("remittances.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)


class Remittance(Base):
    """Procedure fees paid over to the agency they were collected for."""

    __tablename__ = "remittances"
    __table_args__ = (
        CheckConstraint("amount_vnd >= 0", name="amount_nonnegative"),
        CheckConstraint("item_count >= 0", name="item_count_nonnegative"),
    )

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    amount_vnd: Mapped[int]
    item_count: Mapped[int]
    period_to: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    agency: Mapped[Agency] = relationship(viewonly=True)
