from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, false, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, intpk
from app.orgs.models import Agency, Office


class Role(enum.Enum):
    clerk = "clerk"
    courier = "courier"
    agency = "agency"
    supervisor = "supervisor"
    admin = "admin"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # A clerk or courier works at one office; an agency officer belongs to one agency.
        CheckConstraint(
            "(role NOT IN ('clerk', 'courier') OR office_id IS NOT NULL)"
            " AND (role <> 'agency' OR agency_id IS NOT NULL)",
            name="role_affiliation",
        ),
    )

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role]
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Set by an admin's one-time password; until the user picks their own, they may do nothing else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    office: Mapped[Office | None] = relationship(lazy="joined")
    agency: Mapped[Agency | None] = relationship(lazy="joined")

    @property
    def home_office(self) -> Office:
        """The office a clerk or courier works at (role_affiliation makes it present)."""
        if self.office is None:
            raise LookupError(f"{self.username} ({self.role.value}) works at no office.")
        return self.office


class TokenKind(enum.Enum):
    session = "session"
    api_key = "api_key"


class ApiToken(Base):
    """A bearer credential. Only the SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TokenKind]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")
