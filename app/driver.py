"""Lone reads on PostgreSQL run by the driver itself: the hot paths' way past SQLAlchemy.

A request that only reads (a public tracking lookup, a bearer token's check, a staff shipment's
detail) spent more CPU in SQLAlchemy's execution and result machinery, and in the BEGIN and
COMMIT round trips of the session's transaction, than PostgreSQL spent answering it (profiles in
docs/scaling.md). Here such a read is one prepared statement sent by psycopg:
- with the session on the primary's engine, on a pooled connection in autocommit: no
  transaction to open or end;
- with the session bound to one connection (app.replica's reads, the tests' outer transaction),
  on that connection, in whatever it holds open, so it sees what that connection sees.
Elsewhere (SQLite) there is no driver path: `rows` answers None and the caller reads through
the session, with the same answer.

The SQL is psycopg's (`sql_of` compiles a Core statement once, `%(name)s` placeholders) and the
rows hold psycopg's values: the stored text of the app's enums, aware datetimes in the server's
time zone, JSON parsed.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ClauseElement, Connection, Engine
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.exc import DBAPIError

from app.extensions import db

Params = Sequence[Any] | Mapping[str, Any]
DIALECT = psycopg.dialect()


def sql_of(statement: ClauseElement) -> str:
    """A Core statement's PostgreSQL text, for `rows` (bound names become `%(name)s`)."""
    return str(statement.compile(dialect=DIALECT))


def rows(sql: str, params: Params) -> list[tuple[Any, ...]] | None:
    """The rows of one read-only statement, or None where the database is not PostgreSQL.

    A connection that fails mid-read is dropped from the pool, never handed out again, and the
    failure raised as SQLAlchemy raises it (app.errors answers 503 for an unreachable server)."""
    bind = db.bind()
    if bind.dialect.name != "postgresql":
        return None
    if isinstance(bind, Connection):
        return _on(bind, sql, params)
    assert isinstance(bind, Engine)
    driver_error = bind.dialect.loaded_dbapi.Error
    try:
        pooled = bind.raw_connection()  # pinged first when it sat idle (app.extensions)
    except driver_error as exc:
        raise DBAPIError.instance(sql, params, exc, driver_error) from exc
    try:
        driver = pooled.driver_connection
        assert driver is not None
        driver.autocommit = True
        found = driver.execute(sql, params, prepare=True).fetchall()
        driver.autocommit = False
    except driver_error as exc:
        pooled.invalidate(exc)
        raise DBAPIError.instance(sql, params, exc, driver_error) from exc
    finally:
        pooled.close()
    return found


def _on(connection: Connection, sql: str, params: Params) -> list[tuple[Any, ...]]:
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        driver = connection.connection.driver_connection
        assert driver is not None
        return driver.execute(sql, params, prepare=True).fetchall()
    except driver_error as exc:
        raise DBAPIError.instance(sql, params, exc, driver_error) from exc
