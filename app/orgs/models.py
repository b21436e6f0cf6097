from __future__ import annotations

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, intpk


class Office(Base):
    """A post office (bưu cục) that takes in items and runs couriers."""

    __tablename__ = "offices"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    address_line: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(15))
    opening_hours: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class Agency(Base):
    """An agency that decides procedures (UBND xã/phường, Sở, Trung tâm Phục vụ HCC)."""

    __tablename__ = "agencies"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    address_line: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(15))
    # The post office that serves this agency's pickups and returns.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    office: Mapped[Office] = relationship(lazy="joined")
