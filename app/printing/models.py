from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, intpk
from app.orgs.models import Office

RAW_PORT = 9100  # the raw (JetDirect) port every network label printer listens on


class Printer(Base):
    """A network label printer at an office's counter, fed ZPL over raw TCP."""

    __tablename__ = "printers"
    __table_args__ = (
        UniqueConstraint("office_id", "name"),
        CheckConstraint("port BETWEEN 1 AND 65535", name="port_range"),
    )

    id: Mapped[intpk]
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    name: Mapped[str] = mapped_column(String(100))
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(default=RAW_PORT, server_default=text(str(RAW_PORT)))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)

    @property
    def address(self) -> str:
        """host:port as a person types it ([v6]:port for an IPv6 address)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"
