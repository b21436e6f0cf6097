from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK


class PublicAnswer(Base):
    """The public tracking answer of a shipment as the bytes served, rewritten in the transaction
    that changes what it shows (app.tracking.answers): a read is one primary-key lookup, and
    never stale."""

    __tablename__ = "public_answers"

    tracking_number: Mapped[str] = mapped_column(String(13), primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("shipments.id", ondelete="CASCADE"), unique=True)
    # The shape's version (answers.VERSION): answers written by an older release are not served.
    version: Mapped[int] = mapped_column(SmallInteger)
    body: Mapped[bytes] = mapped_column(LargeBinary)
