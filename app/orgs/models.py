from __future__ import annotations

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, intpk


class Premises:
    """What an office and an agency both are: a named place at a commune, with a phone."""

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    address_line: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(15))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class Office(Premises, Base):
    """A post office (bưu cục) that takes in items and runs couriers."""

    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    opening_hours: Mapped[str | None] = mapped_column(String(200))


class Agency(Premises, Base):
    """An agency that decides procedures (UBND xã/phường, Sở, Trung tâm Phục vụ HCC)."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    # The post office that serves this agency's pickups and returns.
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)

    office: Mapped[Office] = relationship(lazy="joined")
