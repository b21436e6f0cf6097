"""Extension objects, bound to an app with init_app (nothing is made at import)."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask
from limits.storage import Storage, storage_from_string
from sqlalchemy import Connection, Engine, create_engine, event, exc, make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app.docs.openapi import ProblemApi


class Database:
    """Engine and a session per app context; `bind_to` lets tests use one connection. With
    DATABASE_REPLICA_URL, also the replica's read-only engine, used only through app.replica."""

    def __init__(self) -> None:
        self._sessionmaker = sessionmaker(expire_on_commit=False)
        self._scoped = scoped_session(self._sessionmaker, scopefunc=_app_ctx_id)
        self.session: Session = self._scoped  # type: ignore[assignment]  # it proxies one Session
        self._engine: Engine | None = None
        self._replica_engine: Engine | None = None

    def init_app(self, app: Flask) -> None:
        self._engine = make_engine(app.config["DATABASE_URL"])
        self._sessionmaker.configure(bind=self._engine)
        app.extensions["hcc.db"] = self
        app.teardown_appcontext(self._remove_session)
        self._replica_engine = None
        if app.config.get("DATABASE_REPLICA_URL"):
            from app import replica

            self._replica_engine = make_replica_engine(app.config["DATABASE_REPLICA_URL"],
                                                       app.config["REPLICA_CONNECT_TIMEOUT_SECONDS"])
            replica.init_app(app, self)

    @property
    def engine(self) -> Engine:
        assert self._engine is not None, "Database.init_app was not called"
        return self._engine

    @property
    def replica_engine(self) -> Engine | None:
        """The streaming replica's engine (read-only), or None when none is configured."""
        return self._replica_engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The factory of every session, for session event listeners."""
        return self._sessionmaker

    def bind(self) -> Engine | Connection:
        """What `session` reads with, without making a Session to ask: this app context's own
        session's bind when it has one (app.replica's, inside its reads), else new sessions'."""
        if self._scoped.registry.has():
            return self._scoped().get_bind()
        return self._sessionmaker.kw["bind"]

    def in_use(self) -> bool:
        """Whether this app context made its Session yet (a request read only by the driver,
        app.driver, has none to commit)."""
        return self._scoped.registry.has()

    def current(self) -> Session:
        """This app context's Session itself, for what the `session` proxy does not pass on."""
        return self._scoped()

    def bind_to(self, bind: Any, **options: Any) -> None:
        """Point new sessions at `bind` (an Engine or a Connection)."""
        self._scoped.remove()
        self._sessionmaker.configure(bind=bind, **options)

    @contextmanager
    def using(self, session: Session) -> Iterator[Session]:
        """Inside the block `db.session` is `session` (app.replica's reads); this app context's
        own session comes back after it. The caller closes `session`."""
        registry = self._scoped.registry
        own = registry() if registry.has() else None
        registry.set(session)
        try:
            yield session
        finally:
            if own is None:
                registry.clear()
            else:
                registry.set(own)

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


def _with_driver(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str) -> Engine:
    url = _with_driver(url)
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
    # Last in, first out: under load the same few connections stay busy and the rest age, so
    # the ping on checkout (below) is paid only by a connection that sat idle.
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_use_lifo=True, hide_parameters=True)
    _ping_when_idle(engine)
    return engine


# A pooled connection unused this long is pinged before it is handed out (one round trip);
# one in use more recently is trusted: a server restarted within that second costs the
# requests on its connections one 503 each, and SQLAlchemy then renews the whole pool.
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping, but only for connections that sat idle: a busy server's reads skip the
    round trip (≈ a tenth of a public tracking request's time, measured by bench/tracking.py)."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _mark(_dbapi_conn: Any, record: Any) -> None:
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("used_at", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool drops this connection and checks out another (a new one if need be).
            raise exc.DisconnectionError("a pooled connection did not answer its ping") from error


def make_replica_engine(url: str, connect_timeout: int) -> Engine:
    """A streaming replica's engine: read-only by construction, quick to give up.

    Every transaction its sessions start is READ ONLY (a write raises before it reaches a
    table, whatever the server is); statements run without BEGIN and COMMIT, each seeing the
    latest replayed state, as READ COMMITTED does on the primary. A replica that does not
    answer costs `connect_timeout` seconds, then app.replica reads the primary for a while."""
    url = _with_driver(url)
    if not url.startswith("postgresql"):
        raise ValueError("DATABASE_REPLICA_URL must name a PostgreSQL streaming replica")
    given = make_url(url).query
    connect_args: dict[str, Any] = {"connect_timeout": connect_timeout,
                                    "options": "-c default_transaction_read_only=on"}
    if "options" in given:
        connect_args["options"] = f"{given['options']} {connect_args['options']}"
    if "application_name" not in given:
        connect_args["application_name"] = "hcc-replica-reads"
    # All its connections busy: waiting for one no longer than for a new connection. No ping on
    # checkout (a round trip per read): a connection found dead fails its view's first statement,
    # and app.replica runs the view again on the primary.
    return create_engine(url, pool_size=10, max_overflow=20, pool_timeout=connect_timeout,
                         hide_parameters=True, isolation_level="AUTOCOMMIT", connect_args=connect_args)


class Counters:
    """Where the app counts allowances (app.counters: public tracking, sign-in failures), with
    the limits library: RATELIMIT_STORAGE_URI — memory:// per process, or redis://… shared by
    every worker and app server. No per-request hook: only the views that count pay for it."""

    def __init__(self) -> None:
        self._storage: Storage | None = None

    def init_app(self, app: Flask) -> None:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"],
                                      **app.config["RATELIMIT_STORAGE_OPTIONS"])
        if not isinstance(storage, Storage):  # an async:// scheme: the app is synchronous
            raise ValueError("RATELIMIT_STORAGE_URI must name a synchronous storage (memory://, redis://)")
        self._storage = storage

    @property
    def storage(self) -> Storage:
        if self._storage is None:
            raise RuntimeError("counters.init_app(app) was not called")
        return self._storage

    def reset(self) -> None:
        """Every allowance full again (tests)."""
        self.storage.reset()


db = Database()
api = ProblemApi()
counters = Counters()
