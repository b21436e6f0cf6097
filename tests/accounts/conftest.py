"""Fixtures for the accounts tests: signing in from a chosen client address, audit rows."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import counters, db

TOKENS = "/api/v1/auth/tokens"
REDIS_URL = "redis://127.0.0.1:6379/13"  # this suite's own database, flushed before and after


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[..., Any]:
    """sign_in("clerk", "wrong", address="198.51.100.7"): POST /auth/tokens (demo password by default)."""

    def post(username: str, password: str | None = None, address: str = "127.0.0.1") -> Any:
        return client.post(TOKENS, json={"username": username, "password": password or f"demo-{username}"},
                           environ_base={"REMOTE_ADDR": address})

    return post


@pytest.fixture
def session_for(sign_in: Callable[..., Any]) -> Callable[[str], dict[str, str]]:
    """A fresh session token for a demo user, as request headers."""

    def headers(username: str) -> dict[str, str]:
        resp = sign_in(username)
        assert resp.status_code == 201, resp.get_json()
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}

    return headers


@pytest.fixture
def user_id() -> Callable[[str], int]:
    return lambda username: db.session.scalar(select(User.id).where(User.username == username))


@pytest.fixture
def audited() -> Callable[[str], list[AuditEntry]]:
    """The audit rows of one action, oldest first."""
    return lambda action: list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.fixture
def limits_stored_at(app: Flask) -> Iterator[Callable[[str], None]]:
    """limits_stored_at("redis://…") binds the counters as RATELIMIT_STORAGE_URI would; memory after."""
    default = app.config["RATELIMIT_STORAGE_URI"]

    def bind(uri: str) -> None:
        app.config["RATELIMIT_STORAGE_URI"] = uri
        counters.init_app(app)

    yield bind
    bind(default)
    app.extensions.pop("hcc.login_fallback", None)


@pytest.fixture
def redis_limits(limits_stored_at: Callable[[str], None]) -> Iterator[Any]:
    """The counters in this suite's own (flushed) Redis database; the client to look in."""
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    limits_stored_at(REDIS_URL)
    yield server
    server.flushdb()
    server.close()
