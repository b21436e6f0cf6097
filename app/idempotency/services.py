"""Idempotency-Key records: claim a key, replay the first answer, refuse a changed body."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.errors import Conflict
from app.extensions import db
from app.idempotency.models import IdempotencyRecord


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str
    location: str | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Digest of the request; a JSON body counts by its value, not its key order or spacing."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False,
                               separators=(",", ":")).encode() if body else b""
    except (ValueError, RecursionError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", canonical):
        digest.update(part)
    return digest.hexdigest()


def claim(user_id: int, key: str, print_: str, ttl_seconds: int) -> IdempotencyRecord | StoredResponse:
    """Claim `key` in this transaction, or return the answer stored under it.

    The claim is a row insert, tried first: a concurrent request with the same key
    blocks on the unique index until the first one commits (then replays its answer)
    or rolls back (then proceeds itself).
    """
    cutoff = clock.now() - timedelta(seconds=ttl_seconds)
    # A plain DELETE: two requests may remove the same expired row, the second finds none.
    db.session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key,
        IdempotencyRecord.created_at < cutoff), execution_options={"synchronize_session": False})
    record = IdempotencyRecord(user_id=user_id, key=key, fingerprint=print_, created_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(record)
        return record
    except IntegrityError:
        pass
    existing = db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))
    if existing is None or existing.status_code is None:
        # Gone again (purged) or committed without an answer: nothing to replay yet.
        raise Conflict("A request with this Idempotency-Key is in progress; retry.",
                       code="idempotency_in_progress")
    if existing.fingerprint != print_:
        raise Conflict("This Idempotency-Key was used with a different request.",
                       code="idempotency_key_reused")
    return StoredResponse(existing.status_code, existing.response_body or "", existing.location)


def complete(record: IdempotencyRecord, status_code: int, body: str, location: str | None) -> None:
    record.status_code = status_code
    record.response_body = body
    record.location = location


def purge_expired(ttl_seconds: int) -> int:
    cutoff = clock.now() - timedelta(seconds=ttl_seconds)
    # A DML statement's result is a CursorResult, which alone knows its row count.
    result = cast(CursorResult[Any], db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)))
    return result.rowcount or 0

