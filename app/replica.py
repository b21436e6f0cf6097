"""Read-only work on a streaming replica (DATABASE_REPLICA_URL), chosen per view, never by default.

A view that only reads says so with `@reads_from_replica` (or a block, `with reads():`); inside
it `db.session` is a session on the replica, read-only by construction (app.extensions
make_replica_engine). The primary serves instead, with the same answer, when
- no replica is configured: nothing changes (the SQLite default included);
- the replica did not answer (refused, or no answer within REPLICA_CONNECT_TIMEOUT_SECONDS):
  remembered for REPLICA_RETRY_SECONDS, so requests meanwhile do not wait for it again;
- it lags more than REPLICA_MAX_LAG_SECONDS, checked at most every REPLICA_CHECK_SECONDS per
  process on the replica itself (an idle replica that replayed all it received is fresh);
- the signed-in caller committed a write the replica has not replayed yet (read-your-writes:
  the primary's WAL position after that commit is kept per user, in Redis when configured so
  every app server knows it, else in this process, for REPLICA_MAX_LAG_SECONDS + a minute);
- the replica fails mid-view (`reads_from_replica` runs the view again on the primary).
Anonymous readers (public tracking) have no identity to follow: they see the replica's state,
at most REPLICA_MAX_LAG_SECONDS old. docs/replicas.md says why and what is measured.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from app.errors import database_unreachable
from app.extensions import Database, db

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
EXTENSION = "hcc.replica"
# How long after a write its writer's reads wait for the replica, beyond the lag allowed: once
# a write is older than the lag allowed, a replica fresh enough to read from has replayed it.
MARK_MARGIN_SECONDS = 60
NEVER_REPLAYED = 2**63  # a WAL position no replica reaches: the caller reads the primary

# WAL positions as byte offsets (bigint), comparable across the primary and its standbys.
_PRIMARY_POSITION = text("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")
_WROTE = text("SELECT txid_current_if_assigned() IS NOT NULL")
# Replay lag as the age of the last transaction replayed grows on an idle primary too: a standby
# still receiving WAL that has replayed everything it received is caught up, however old that is.
_STANDING = text("""
    SELECT pg_is_in_recovery() AS standby,
           (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS replayed,
           EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
             AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS caught_up,
           EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) AS lag""")

_reading: ContextVar[bool] = ContextVar("replica_reading", default=False)


class Marks(Protocol):
    """Per user, the primary's WAL position after their last write, until it expires."""

    def note(self, user_id: int, position: int) -> None: ...

    def needed(self, user_id: int) -> int | None: ...


class MemoryMarks:
    """Marks kept in this process: enough when one process serves every request of a user."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._marks: dict[int, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def note(self, user_id: int, position: int) -> None:
        now = time.monotonic()
        with self._lock:
            kept = self._marks.get(user_id)
            if kept is not None and kept[1] > now:
                position = max(position, kept[0])
            self._marks[user_id] = (position, now + self.ttl)
            if len(self._marks) > 10_000:
                self._marks = {k: v for k, v in self._marks.items() if v[1] > now}

    def needed(self, user_id: int) -> int | None:
        kept = self._marks.get(user_id)
        return kept[0] if kept is not None and kept[1] > time.monotonic() else None


# Never lowers a mark: of two writes by one user committed close together, the later wins.
_NOTE_SCRIPT = """
local kept = redis.call('GET', KEYS[1])
if kept and tonumber(kept) >= tonumber(ARGV[1]) then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
"""


class RedisMarks:
    """Marks shared by every app server through Redis, so any of them may serve the next read."""

    def __init__(self, url: str, ttl: float, prefix: str = "hcc:replica:written:") -> None:
        import redis

        self.ttl = max(1, round(ttl))
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._note = self._redis.register_script(_NOTE_SCRIPT)

    def note(self, user_id: int, position: int) -> None:
        self._note(keys=[f"{self.prefix}{user_id}"], args=[position, self.ttl])

    def needed(self, user_id: int) -> int | None:
        kept = self._redis.get(f"{self.prefix}{user_id}")
        return int(kept) if kept is not None else None


def marks_for(config: dict[str, Any]) -> Marks:
    """Redis when REDIS_URL, or a redis:// RATELIMIT_STORAGE_URI, names one; else this process."""
    ttl = config["REPLICA_MAX_LAG_SECONDS"] + MARK_MARGIN_SECONDS
    url = config.get("REDIS_URL") or config.get("RATELIMIT_STORAGE_URI") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisMarks(url, ttl)
    return MemoryMarks(ttl)


@dataclass(frozen=True)
class Standing:
    """What the last check found: may the replica serve, and how far it has replayed."""

    fresh: bool
    replayed: int


class Router:
    """Chooses, per block, between the replica and the primary (one per app, shared by threads)."""

    def __init__(self, engine: Engine, marks: Marks, *, max_lag: float, check_every: float,
                 retry_after: float) -> None:
        self.engine = engine
        self.marks = marks
        self.max_lag = max_lag
        self.check_every = check_every
        self.retry_after = retry_after
        self._checking = threading.Lock()
        self._standing: Standing | None = None
        self._checked_at = float("-inf")
        self._down_until = float("-inf")

    def connect(self, user_id: int | None) -> Connection | None:
        """A live replica connection when the replica may serve this caller, else None."""
        now = time.monotonic()
        if now < self._down_until:
            return None
        needed = self._needed(user_id)
        due = now - self._checked_at >= self.check_every
        if not due and not self._serves(self._standing, needed):
            return None
        try:
            conn = self.engine.connect()  # a new connection fails here; a pooled one found dead, mid-view
        except (DBAPIError, PoolTimeout) as exc:
            self.failed(exc)
            return None
        try:
            standing = self._check(conn) if due else self._standing
        except DBAPIError as exc:
            conn.close()
            if not self.failed(exc):
                log.warning("the replica's standing is unreadable, reading from the primary: %s",
                            getattr(exc, "orig", None) or type(exc).__name__)
            return None
        if not self._serves(standing, needed):
            conn.close()
            return None
        return conn

    def failed(self, exc: BaseException) -> bool:
        """When the replica did not answer, the primary serves for the next `retry_after`
        seconds (True). A statement it refused (a recovery conflict) says nothing of the replica."""
        if not database_unreachable(exc):
            return False
        self._down_until = time.monotonic() + self.retry_after
        self._checked_at = float("-inf")  # checked again before it serves again
        log.warning("replica unreachable, reading from the primary for %ss: %s", self.retry_after,
                    getattr(exc, "orig", None) or type(exc).__name__)
        return True

    def note_write(self, user_id: int, primary: Engine) -> None:
        """After `user_id` committed a write: their reads stay on the primary until it is replayed."""
        with primary.connect() as conn:
            position = conn.execute(_PRIMARY_POSITION).scalar_one()
        self.marks.note(user_id, position)

    def _needed(self, user_id: int | None) -> int | None:
        """The position the replica must have replayed for this caller's reads."""
        if user_id is None:
            return None
        try:
            return self.marks.needed(user_id)
        except Exception as exc:  # the shared store is out of reach: only the primary is surely right
            log.warning("read-your-writes marks unreadable, reading from the primary: %s", exc)
            return NEVER_REPLAYED

    def _serves(self, standing: Standing | None, needed: int | None) -> bool:
        if standing is None or not standing.fresh:
            return False
        return needed is None or standing.replayed >= needed

    def _check(self, conn: Connection) -> Standing | None:
        """Look at the replica at most once per `check_every` (one thread does; others use the
        last standing)."""
        if not self._checking.acquire(blocking=False):
            return self._standing
        try:
            self._checked_at = time.monotonic()
            row = conn.execute(_STANDING).one()
            if not row.standby:
                log.warning("DATABASE_REPLICA_URL is not a standby (not in recovery): reading the primary")
            fresh = bool(row.standby) and (bool(row.caught_up) or (row.lag is not None
                                                                   and float(row.lag) <= self.max_lag))
            self._standing = Standing(fresh, row.replayed or 0)
            return self._standing
        except DBAPIError:
            self._standing = None
            raise
        finally:
            self._checking.release()


def init_app(app: Flask, database: Database) -> None:
    """Route marked reads to `database.replica_engine` and note the writes of signed-in users."""
    if not app.config["DATABASE_URL"].startswith("postgresql"):
        raise RuntimeError("DATABASE_REPLICA_URL needs a PostgreSQL primary (DATABASE_URL)")
    assert database.replica_engine is not None
    marks = marks_for(app.config)
    if isinstance(marks, MemoryMarks):
        log.warning("read-your-writes is kept per process: with more than one worker or app server, "
                    "set REDIS_URL (docs/replicas.md)")
    app.extensions[EXTENSION] = Router(
        database.replica_engine, marks,
        max_lag=app.config["REPLICA_MAX_LAG_SECONDS"], check_every=app.config["REPLICA_CHECK_SECONDS"],
        retry_after=app.config["REPLICA_RETRY_SECONDS"])
    app.teardown_request(_close_replica_sessions)
    app.teardown_appcontext(_close_replica_sessions)
    _watch_writes(database.sessions)


def router() -> Router | None:
    """This app's router, or None when no replica is configured."""
    return current_app.extensions.get(EXTENSION) if has_app_context() else None


@contextmanager
def reads(when: bool = True) -> Iterator[bool]:
    """Inside the block `db.session` reads from the replica when it may serve this caller (and
    `when` holds); yields whether it does. Whatever the block loads stays usable until the
    request ends. A write attempted there raises."""
    chosen = router()
    if chosen is None or not when or _reading.get():
        yield False
        return
    conn = chosen.connect(_user_id())
    if conn is None:
        yield False
        return
    session = Session(bind=conn, expire_on_commit=False, autoflush=False)
    g.setdefault("replica_sessions", []).append(session)
    token = _reading.set(True)
    try:
        with db.using(session):
            yield True
    finally:
        _reading.reset(token)


def reads_from_replica(view: F) -> F:
    """The view only reads: it runs on the replica when that may serve the caller, and again on
    the primary when the replica fails on the way."""
    return _routed(view, None)


def reads_from_replica_when(test: Callable[[], bool]) -> Callable[[F], F]:
    """`reads_from_replica` for the calls where `test()` holds (run inside the view's request)."""
    return lambda view: _routed(view, test)


def _routed(view: F, test: Callable[[], bool] | None) -> F:
    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        with reads(test() if test is not None else True) as on_replica:
            try:
                return view(*args, **kwargs)
            except (OperationalError, InterfaceError) as exc:
                chosen = router()
                if not on_replica or chosen is None:
                    raise
                chosen.failed(exc)
                log.warning("a read failed on the replica; answering from the primary: %s",
                            getattr(exc, "orig", None) or type(exc).__name__)
        return view(*args, **kwargs)

    return run  # type: ignore[return-value]


def _user_id() -> int | None:
    """The signed-in caller (API bearer or staff page), whose writes their reads must see."""
    user = g.get("caller") or g.get("web_user")
    return getattr(user, "id", None)


def _close_replica_sessions(_exc: BaseException | None) -> None:
    for session in g.pop("replica_sessions", []):
        conn = session.bind
        session.close()
        if isinstance(conn, Connection):
            conn.close()


# Writes by signed-in users, noted per session: a flush or a statement other than a query may
# have written; the transaction id PostgreSQL assigns only to writers settles it before commit.
_MAYBE, _WROTE_KEY = "hcc.replica.maybe_wrote", "hcc.replica.wrote"


def _watch_writes(factory: sessionmaker[Session]) -> None:
    for name, hook in (("after_flush", _flushed), ("do_orm_execute", _executed),
                       ("before_commit", _settle), ("after_commit", _noted),
                       ("after_transaction_end", _forget)):
        if not event.contains(factory, name, hook):
            event.listen(factory, name, hook)


def _flushed(session: Session, _context: Any) -> None:
    session.info[_MAYBE] = True


def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info[_MAYBE] = True


def _settle(session: Session) -> None:
    if router() is None or _user_id() is None:
        return
    if session.new or session.dirty or session.deleted:
        session.info[_WROTE_KEY] = True
    elif session.info.pop(_MAYBE, False) and session.get_bind().dialect.name == "postgresql":
        session.info[_WROTE_KEY] = bool(session.execute(_WROTE).scalar())


def _noted(session: Session) -> None:
    if not session.info.pop(_WROTE_KEY, False):
        return
    chosen = router()
    user_id = _user_id() if chosen is not None else None
    if chosen is None or user_id is None:
        return
    try:
        chosen.note_write(user_id, db.engine)
    except Exception as exc:  # committed already: the answer stands, the mark is lost
        log.warning("could not note a write for read-your-writes: %s", exc)


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_MAYBE, None)
        session.info.pop(_WROTE_KEY, None)
