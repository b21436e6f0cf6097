"""Dispatch: a supervisor gives items to a courier for a day's round."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, UTCDateTime, intpk


class DispatchAssignment(Base):
    __tablename__ = "dispatch_assignments"
    __table_args__ = (UniqueConstraint("shipment_id", "day", name="uq_dispatch_assignments_shipment_day"),)

    id: Mapped[intpk]
    shipment_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("shipments.id"), index=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)  # province date of the round
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
