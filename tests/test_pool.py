"""The primary's pool pings only connections that sat idle (app.extensions._ping_when_idle):
one the server dropped while it sat idle is replaced before anyone uses it; one in use a
moment ago is trusted, costs its next statement an error, and the pool renews itself."""
import os
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import extensions

pytestmark = pytest.mark.postgres


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def terminate(pid: int) -> None:
    """The server drops that connection (as a restart or an idle timeout would)."""
    other = extensions.make_engine(os.environ["DATABASE_URL"])
    with other.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


@pytest.fixture
def engine():
    engine = extensions.make_engine(os.environ["DATABASE_URL"])
    yield engine
    engine.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(engine, monkeypatch):
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 0.2)
    first = backend_pid(engine)
    terminate(first)
    time.sleep(0.3)
    assert backend_pid(engine) != first  # answered, on a new connection: nobody saw an error


def test_a_busy_connection_is_not_pinged_and_a_dropped_one_fails_once(engine, monkeypatch):
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 3600.0)
    statements: list[str] = []
    first = backend_pid(engine)
    terminate(first)

    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with pytest.raises(OperationalError):
        backend_pid(engine)
    assert statements == ["SELECT pg_backend_pid()"]  # no ping went first
    assert backend_pid(engine) != first  # the pool renewed itself
