"""Notification fixtures: shipments with events, a real local HTTP receiver, workers.
PostgreSQL-only tests are skipped on SQLite."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.notifications.models import OutboxMessage
from app.notifications.sms import LogSmsProvider, sms_provider
from app.notifications.worker import OutboxWorker
from app.orgs.models import Office
from app.shipments.models import Shipment
from app.shipments.services import record_event

CITIZEN = {"name": "Nguyễn Văn Ất", "phone": "0912345678",
           "address": {"line": "Thôn Đông", "unit_code": "14812"}}
AGENCY_PARTY = {"name": "UBND phường Bỉm Sơn", "phone": "02373824123",
                "address": {"line": "Số 1 Trần Phú", "unit_code": "14812"}}


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context for the whole test; the test client's requests share its session."""
    with app.app_context():
        yield


@pytest.fixture
def ship(ctx: None, make_shipment: Any) -> Callable[..., Shipment]:
    """ship("intake"|"return"|"both", **overrides) -> the new Shipment (citizen: 0912345678).
    Intake orders are made by the clerk with the citizen as sender; returns by the agency."""

    def make(service: str = "return", **overrides: Any) -> Shipment:
        if service == "return":
            tn = make_shipment.number("agency", service=service, **overrides)
        else:
            tn = make_shipment.number("clerk", **{"service": service, "sender": CITIZEN,
                                                   "recipient": AGENCY_PARTY, "beneficiary": None,
                                                   **overrides})
        return db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))

    return make


@pytest.fixture
def event(ctx: None, clock: Any) -> Callable[..., Any]:
    """event(shipment, "accepted", reason=..., office_code=...) records it and commits."""

    def record(shipment: Shipment, name: str, *, office_code: str | None = None, **kw: Any) -> Any:
        courier = db.session.scalar(select(User).where(User.username == "courier"))
        office = (db.session.scalar(select(Office).where(Office.code == office_code))
                  if office_code else shipment.office)
        row = record_event(shipment, name, actor=courier, occurred_at=clock.now(), office=office, **kw)
        db.session.commit()
        return row

    return record


@pytest.fixture
def outbox(ctx: None) -> Callable[..., list[OutboxMessage]]:
    """outbox(shipment, channel=Channel.sms) -> its outbox messages, read afresh, oldest first."""

    def read(shipment: Shipment | None = None, **where: Any) -> list[OutboxMessage]:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id).execution_options(populate_existing=True)
        if shipment is not None:
            stmt = stmt.where(OutboxMessage.shipment_id == shipment.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(OutboxMessage, name) == value)
        return list(db.session.scalars(stmt))

    return read


@pytest.fixture
def log_sms(app: Flask) -> LogSmsProvider:
    provider = sms_provider(app)
    assert isinstance(provider, LogSmsProvider)
    provider.clear()
    return provider


@pytest.fixture
def make_worker() -> Iterator[Callable[..., OutboxWorker]]:
    """Workers of the current app context, their HTTP clients closed afterwards."""
    made: list[OutboxWorker] = []

    def make(**kw: Any) -> OutboxWorker:
        made.append(OutboxWorker(**kw))
        return made[-1]

    yield make
    for worker in made:
        worker.close()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP/1.1 server on 127.0.0.1 (keep-alive) that records what it receives; `statuses`
    answers some paths otherwise than `status`."""

    url: str = ""
    status: int = 200
    statuses: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    most_in_flight: int = 0  # requests being answered at once, at most
    connections: set[int] = field(default_factory=set)  # client ports: one per connection

    def received(self, path: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if path is None or r.path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                state.in_flight += 1
                state.most_in_flight = max(state.most_in_flight, state.in_flight)
                state.connections.add(self.client_address[1])
            if state.delay:
                time.sleep(state.delay)
            with state.lock:
                state.in_flight -= 1
                state.requests.append(Received(self.path, dict(self.headers), body))
            status = state.statuses.get(self.path, state.status)
            self.send_response(status)
            if status == 204:  # no body, and no Content-Length (RFC 9110 §15.3.5)
                self.end_headers()
                return
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 256})(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()
