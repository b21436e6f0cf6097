from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, BigIntPK, UTCDateTime, intpk
from app.orgs.models import Agency


class Channel(enum.Enum):
    sms = "sms"
    webhook = "webhook"


class OutboxStatus(enum.Enum):
    pending = "pending"
    sent = "sent"
    dead = "dead"  # gave up after the last retry, or its subscription was disabled


class OutboxMessage(Base):
    """A message to leave the system, written in the same transaction as its cause
    and sent later by `flask outbox run` (several workers may run at once)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The worker's claim: pending and due, oldest first (migration 0010).
        Index("ix_outbox_messages_lease", "next_attempt_at", "id",
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
    )

    id: Mapped[intpk]
    channel: Mapped[Channel]
    topic: Mapped[str] = mapped_column(String(64))
    shipment_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("shipments.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("tracking_events.id", ondelete="SET NULL"))
    # SMS: the phone number; webhook: the subscription.
    phone: Mapped[str | None] = mapped_column(String(15))
    subscription_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]]
    status: Mapped[OutboxStatus] = mapped_column(default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebhookSubscription(Base):
    """An agency's endpoint for its shipments' events, signed with a shared secret."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    # The HMAC key must be usable to sign, so it is kept; it is shown to the agency once.
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    # Backoff per endpoint: after a failure nothing is sent to it before then, so a burst
    # of events meeting a dead endpoint counts as one failure, not as a burst of them.
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agency: Mapped[Agency] = relationship(lazy="joined")
