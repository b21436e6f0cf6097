"""One typed declarative base, the naming convention, and shared column types."""
from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, String, Table, TypeDecorator
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as UTC on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: times are stored in UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# BIGINT primary keys on PostgreSQL, INTEGER (rowid alias) on SQLite.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")
JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")

intpk = Annotated[int, mapped_column(BigIntPK, primary_key=True)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # Every model maps one Table (none maps a select): Core statements take it as one.
        __table__: ClassVar[Table]
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        enum.Enum: SAEnum(enum.Enum, native_enum=False, values_callable=lambda e: [m.value for m in e],
                          length=32, validate_strings=True),
        str: String(),
    }


def assign(obj: Any, changes: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Set those of `fields` that `changes` gives and that differ on `obj`; returns them (for the
    audit entry of an edit)."""
    changed = {name: changes[name] for name in fields
               if name in changes and changes[name] != getattr(obj, name)}
    for name, value in changed.items():
        setattr(obj, name, value)
    return changed


def import_all_models() -> None:
    """Register every feature's models on Base.metadata (Alembic and tests need all)."""
    from app.accounts import models as _accounts  # noqa: F401
    from app.audit import models as _audit  # noqa: F401
    from app.delivery import models as _delivery  # noqa: F401
    from app.dispatch import models as _dispatch  # noqa: F401
    from app.fees import models as _fees  # noqa: F401
    from app.geo import models as _geo  # noqa: F401
    from app.handovers import models as _handovers  # noqa: F401
    from app.idempotency import models as _idem  # noqa: F401
    from app.money import models as _money  # noqa: F401
    from app.notifications import models as _notifications  # noqa: F401
    from app.orgs import models as _orgs  # noqa: F401
    from app.pickups import models as _pickups  # noqa: F401
    from app.printing import models as _printing  # noqa: F401
    from app.shipments import models as _shipments  # noqa: F401
    from app.tracking import models as _tracking  # noqa: F401
