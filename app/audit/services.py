from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app import clock
from app.audit.models import AuditEntry
from app.extensions import db
from app.pagination import Page, keyset

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


def list_entries(args: Mapping[str, Any]) -> Page[AuditEntry]:
    """Newest first; filters (each optional): actor_id, entity_type, entity_id, and the days
    `since` and `until` (both included) in province time."""
    stmt = select(AuditEntry)
    if args.get("actor_id") is not None:
        stmt = stmt.where(AuditEntry.actor_user_id == args["actor_id"])
    if args.get("entity_type"):
        stmt = stmt.where(AuditEntry.entity_type == args["entity_type"])
    if args.get("entity_id"):
        stmt = stmt.where(AuditEntry.entity_id == str(args["entity_id"]))
    if args.get("since"):
        stmt = stmt.where(AuditEntry.at >= _province_midnight(args["since"]))
    if args.get("until"):
        stmt = stmt.where(AuditEntry.at < _province_midnight(args["until"] + timedelta(days=1)))
    return keyset(stmt, [AuditEntry.id], args, descending=True)


def _province_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.PROVINCE_TZ)
