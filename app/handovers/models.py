"""Handover records (Biên bản giao nhận hồ sơ): what changed hands between the post office
and an agency, who signed, when. A record is signed when it is written and never edited;
a mistake is corrected by a new record that references (and supersedes) it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, BigIntPK, UTCDateTime, intpk
from app.orgs.models import Agency, Office


class Direction(enum.Enum):
    to_agency = "to_agency"  # intake: dossiers handed to the agency (legal submission)
    from_agency = "from_agency"  # return: results collected from the agency


class RecordStatus(enum.Enum):
    signed = "signed"  # in force
    superseded = "superseded"  # corrected by a later record


class HandoverRecord(Base):
    __tablename__ = "handover_records"

    id: Mapped[intpk]
    direction: Mapped[Direction]
    status: Mapped[RecordStatus]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    corrects_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("handover_records.id"), unique=True)
    post_signatory_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    post_signatory_name: Mapped[str] = mapped_column(String(200))
    agency_signatory_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)
    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)
    lines: Mapped[list[HandoverLine]] = relationship(
        back_populates="record", order_by="HandoverLine.position", cascade="all, delete-orphan",
        lazy="selectin")

    @property
    def number(self) -> str:
        return f"BBGN-{self.id:06d}"


class HandoverLine(Base):
    """One dossier or result on a record, as it was counted when the record was signed."""

    __tablename__ = "handover_lines"
    __table_args__ = (
        CheckConstraint("collect_fee_vnd >= 0", name="collect_fee_nonnegative"),
        CheckConstraint("originals >= 0 AND copies >= 0", name="counts_nonnegative"),
        # An item is on at most one record in force (the one-open-record rule, race-free).
        Index("uq_handover_lines_in_force_shipment", "shipment_id", unique=True,
              postgresql_where=text("in_force"), sqlite_where=text("in_force")),
    )

    id: Mapped[intpk]
    record_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("handover_records.id", ondelete="CASCADE"), index=True)
    shipment_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("shipments.id"), index=True)
    position: Mapped[int]
    tracking_number: Mapped[str] = mapped_column(String(13))
    slip_number: Mapped[str] = mapped_column(String(40))
    dossier_code: Mapped[str] = mapped_column(String(64))
    citizen_name: Mapped[str] = mapped_column(String(200))
    procedure: Mapped[str | None] = mapped_column(String(300))
    originals: Mapped[int]
    copies: Mapped[int]
    collect_fee_vnd: Mapped[int] = mapped_column(default=0, server_default="0")
    in_force: Mapped[bool] = mapped_column(default=True, server_default=true())

    record: Mapped[HandoverRecord] = relationship(back_populates="lines")
