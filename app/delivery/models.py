from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, UTCDateTime, intpk


class DeliveryProof(Base):
    """Who received a result, against which identity document, with signature and photo."""

    __tablename__ = "delivery_proofs"

    id: Mapped[intpk]
    shipment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("shipments.id", ondelete="CASCADE"), unique=True)
    event_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("tracking_events.id"))
    recipient_name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(10))  # self | proxy
    id_type: Mapped[str] = mapped_column(String(10))
    # As for recipients: a keyed hash and the last four, never the number.
    id_hash: Mapped[str] = mapped_column(String(64))
    id_last4: Mapped[str] = mapped_column(String(4))
    authorization_ref: Mapped[str | None] = mapped_column(String(100))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_jpeg: Mapped[bytes | None] = mapped_column(LargeBinary)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
