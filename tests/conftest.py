"""Fixtures: one migrated database per run (SQLite file, or PostgreSQL from DATABASE_URL),
each test inside a transaction rolled back at its end (requests commit savepoints). The
helpers built on them (shipments, scans, problem+json, PDF readers) are in tests/support/;
tests get all of them as fixtures and import nothing from conftest or other tests."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.clock import FixedClock
from app.demo.shipment import spec_body
from app.extensions import db as _db

pytest_plugins = [
    "tests.support.problems",
    "tests.support.shipments",
    "tests.support.scans",
    "tests.support.system_tools",
    "tests.support.concurrency",
    "tests.support.replica_cluster",
    "tests.support.report_data",
    "tests.support.report_setup",
    "tests.support.printer_listener",
    "tests.support.zpl_tools",
]

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 in Thanh Hóa


def is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgresql")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `postgres` (locking, SKIP LOCKED, races) are skipped on SQLite."""
    if item.get_closest_marker("postgres") and not is_postgres():
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def _reset_postgres(url: str) -> None:
    from app.extensions import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgresql"):
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def app(database_url: str, clock: FixedClock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "ID_HASH_KEY": "test-id-hash-key",
        "CLOCK_OBJECT": clock,
    })
    with app.app_context():
        from app import migrate
        from app.demo.data import load_demo
        from app.geo.services import load_units

        migrate.upgrade(database_url)
        load_units()
        load_demo()
        _db.session.commit()
        _db.session.remove()
    yield app
    _db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_limits(app: Flask) -> None:
    """Every test starts with full rate-limit and sign-in allowances (all from 127.0.0.1)."""
    from app.extensions import counters

    counters.reset()


@pytest.fixture(autouse=True)
def _transaction(app: Flask, clock: FixedClock) -> Iterator[None]:
    """Each test runs in a transaction rolled back afterwards; commits become savepoints."""
    clock.set(NOW)
    conn = _db.engine.connect()
    outer = conn.begin()
    _db.bind_to(conn, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        _db.session.remove()
        outer.rollback()
        conn.close()
        _db.bind_to(_db.engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def committed(app: Flask) -> None:
    """For tests that need real commits across threads (concurrency): no outer transaction.
    Whatever the test commits stays; such tests clean up after themselves."""
    _db.session.remove()
    _db.bind_to(_db.engine)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token_for(client: FlaskClient) -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def get(username: str) -> str:
        if username not in cache:
            resp = client.post("/api/v1/auth/tokens",
                               json={"username": username, "password": f"demo-{username}"})
            assert resp.status_code == 201, resp.get_json()
            cache[username] = resp.get_json()["token"]
        return cache[username]

    return get


@pytest.fixture
def as_user(client: FlaskClient, token_for: Callable[[str], str]) -> Callable[..., Any]:
    """as_user("clerk").post(url, json=...) with the demo user's bearer token."""

    class Caller:
        def __init__(self, username: str) -> None:
            self.headers = {"Authorization": f"Bearer {token_for(username)}"}

        def __getattr__(self, method: str) -> Callable[..., Any]:
            def call(url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
                return getattr(client, method)(url, headers={**self.headers, **(headers or {})}, **kw)
            return call

    return Caller


@pytest.fixture
def shipment_body() -> Callable[..., dict[str, Any]]:
    """The SPEC §7 body with a fresh dossier code; keyword overrides replace top-level keys."""

    def make(**overrides: Any) -> dict[str, Any]:
        fresh = uuid.uuid4()
        return spec_body(f"000.00.12.H56-200313-{fresh.int % 10000:04d}-{uuid.uuid4().hex[:6]}",
                         **overrides)

    return make
