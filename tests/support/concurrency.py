"""Work started at once from several threads, and the real commits it leaves cleaned up, for
the PostgreSQL concurrency tests."""
from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Executable, delete, func, select

from app.accounts.models import ApiToken
from app.audit.models import AuditEntry
from app.db import Base
from app.extensions import db
from app.idempotency.models import IdempotencyRecord
from app.shipments.models import Shipment


def _together(n: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda i: work(i, barrier), range(n)))


@pytest.fixture
def together() -> Callable[[int, Callable[[int, threading.Barrier], Any]], list[Any]]:
    """together(n, work) runs work(i, barrier) in n threads and returns the answers in order;
    work waits on the barrier so that the threads send their requests at once."""
    return _together


class CommittedRun:
    """What a test that really commits leaves, removed at its end: the shipments under its
    dossier prefix with all that hangs on them, the idempotency records under its prefix, the
    tokens and audit entries made since it began, and what it names with `also_delete`."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.prefix = f"RUN-{uuid.uuid4().hex[:8]}-"
        self._also: list[Executable] = []
        with app.app_context():
            self.first_token = db.session.scalar(select(func.max(ApiToken.id))) or 0
            self.first_audit = db.session.scalar(select(func.max(AuditEntry.id))) or 0

    def dossier(self, name: str, procedure: str = "Thử đồng thời") -> dict[str, str]:
        """A dossier under the run's prefix, for a shipment body."""
        return {"code": f"{self.prefix}{name}", "procedure": procedure}

    def client(self, username: str = "clerk") -> tuple[FlaskClient, dict[str, str]]:
        """A test client of its own and a fresh token, for one thread."""
        client = self.app.test_client()
        resp = client.post("/api/v1/auth/tokens", json={"username": username, "password": f"demo-{username}"})
        assert resp.status_code == 201, resp.get_json()
        return client, {"Authorization": f"Bearer {resp.get_json()['token']}"}

    def shipments(self) -> list[Shipment]:
        with self.app.app_context():
            return list(db.session.scalars(select(Shipment).where(self._mine(Shipment.dossier_code))))

    def also_delete(self, statement: Executable) -> None:
        """Run at clean-up, after the shipments, tokens and audit entries are gone."""
        self._also.append(statement)

    def clean(self) -> None:
        with self.app.app_context():
            mine = select(Shipment.id).where(self._mine(Shipment.dossier_code))
            # Items, events and whatever other features hang on a shipment (outbox, proofs...).
            for table in reversed(Base.metadata.sorted_tables):
                for fk in table.foreign_keys:
                    if fk.column is Shipment.__table__.c.id:
                        db.session.execute(delete(table).where(fk.parent.in_(mine)))
            db.session.execute(delete(Shipment).where(self._mine(Shipment.dossier_code)))
            db.session.execute(delete(IdempotencyRecord).where(self._mine(IdempotencyRecord.key)))
            db.session.execute(delete(AuditEntry).where(AuditEntry.id > self.first_audit))
            db.session.execute(delete(ApiToken).where(ApiToken.id > self.first_token))
            for statement in self._also:
                db.session.execute(statement)
            db.session.commit()

    def _mine(self, column: Any) -> Any:
        return column.startswith(self.prefix)


@pytest.fixture
def committed_run(app: Flask, committed: None) -> Iterator[CommittedRun]:
    """A CommittedRun, cleaned up after the test (which may also clean up itself)."""
    run = CommittedRun(app)
    try:
        yield run
    finally:
        run.clean()
        assert run.shipments() == []
