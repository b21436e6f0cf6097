"""Extension objects, bound to an app with init_app (nothing is made at import)."""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app.docs.openapi import ProblemApi


class Database:
    """Engine and a session per app context; `bind_to` lets tests use one connection."""

    def __init__(self) -> None:
        self._sessionmaker = sessionmaker(expire_on_commit=False)
        self._scoped = scoped_session(self._sessionmaker, scopefunc=_app_ctx_id)
        self.session: Session = self._scoped  # type: ignore[assignment]  # it proxies one Session
        self._engine: Engine | None = None

    def init_app(self, app: Flask) -> None:
        self._engine = make_engine(app.config["DATABASE_URL"])
        self._sessionmaker.configure(bind=self._engine)
        app.extensions["hcc.db"] = self
        app.teardown_appcontext(self._remove_session)

    @property
    def engine(self) -> Engine:
        assert self._engine is not None, "Database.init_app was not called"
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The factory of every session, for session event listeners."""
        return self._sessionmaker

    def current(self) -> Session:
        """This app context's Session itself, for what the `session` proxy does not pass on."""
        return self._scoped()

    def bind_to(self, bind: Any, **options: Any) -> None:
        """Point new sessions at `bind` (an Engine or a Connection)."""
        self._scoped.remove()
        self._sessionmaker.configure(bind=bind, **options)

    def _remove_session(self, _exc: BaseException | None) -> None:
        self._scoped.remove()


def _app_ctx_id() -> int:
    from flask import g

    try:
        return id(g._get_current_object())
    except RuntimeError:
        return 0


# Requests that write start SQLite transactions with BEGIN IMMEDIATE: taking the write
# lock up front avoids the deadlock-and-fail of two readers upgrading at once.
sqlite_begin: ContextVar[str] = ContextVar("sqlite_begin", default="BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql(sqlite_begin.get())

        return engine
    # Bound values (phones, names, addresses) stay out of error messages and so out of logs.
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True)


db = Database()
api = ProblemApi()
# Storage, strategy and headers come from the RATELIMIT_* settings (app/config.py).
limiter = Limiter(get_remote_address)
