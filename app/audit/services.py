from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from app import clock
from app.audit.models import AuditEntry
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User

# Set by the HTTP layer for each request, so services need not know about Flask's request.
remote_addr: ContextVar[str | None] = ContextVar("remote_addr", default=None)


def record(actor: User | None, action: str, entity_type: str, entity_id: object,
           detail: dict[str, Any] | None = None) -> None:
    """Append an audit entry in the caller's transaction."""
    db.session.add(AuditEntry(
        at=clock.now(), actor_user_id=actor.id if actor else None, action=action,
        entity_type=entity_type, entity_id=str(entity_id), detail=detail or {},
        remote_addr=remote_addr.get(),
    ))
