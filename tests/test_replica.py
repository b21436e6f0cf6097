"""Read-only work on a streaming replica (issue 13, docs/replicas.md): public tracking, reports
and agencies' lists are read there; the writer's next read sees the write however far the
replica lags; a replica lagging too far, stopped or silent leaves the primary answering, with
200s and without waiting on each request; and nothing the app sends the replica ever writes.

Each server logs every statement with the connection's application name: which server ran a
request's queries is read from the logs, and the replica's own state (replay paused) gives
answers only it could give."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import InternalError

from app.demo.shipment import spec_body
from app.extensions import make_replica_engine
from app.replica import MemoryMarks, RedisMarks

SHIPMENTS = "/api/v1/shipments"
REPORT = "/api/v1/reports/service-standard?from=2026-01-01&to=2026-12-31"
CLAIM = "/api/v1/reports/subsidy-claim?policy=THA-COVID19-2020&from=2020-03-09&to=2020-06-30"
REPLICA_APP = "hcc-replica-reads"  # the application name of the replica's connections
MAX_LAG, CHECK_EVERY, RETRY_AFTER, CONNECT_TIMEOUT = 3, 1.0, 30, 2
# What a read sends: queries, the connection's setup, and the pool's ping (";", an empty query).
READS = re.compile(r"^(;$|(SELECT|WITH|SHOW|BEGIN|COMMIT|ROLLBACK)\b)", re.IGNORECASE)
WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|UPSERT|CREATE|ALTER|DROP|TRUNCATE|COPY|LOCK|GRANT|"
                    r"REVOKE|NEXTVAL|SETVAL|READ WRITE)\b|\bFOR (NO KEY )?(UPDATE|SHARE)\b", re.IGNORECASE)


def _dossier() -> dict:
    return spec_body(f"000.00.12.H56-200313-{uuid.uuid4().int % 10000:04d}-{uuid.uuid4().hex[:6]}",
                     beneficiary=None)


def _create(app, user: str = "agency") -> str:
    resp = app.request("post", SHIPMENTS, user, body=_dossier())
    assert resp["status"] == 201, resp["text"]
    return resp["json"]["tracking_number"]


def _read(pair, app, url: str, user: str | None = None) -> tuple[dict, list[str], list[str]]:
    """The answer, and the app's statements on the replica and on the primary meanwhile."""
    on_primary, on_replica = pair.primary.mark(), pair.replica.mark()
    resp = app.request("get", url, user)
    return resp, pair.replica.statements(on_replica, app=REPLICA_APP), pair.primary.statements(on_primary)


def _numbers(page: dict) -> set[str]:
    return {item["tracking_number"] for item in page["json"]["items"]}


def _touching(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if re.search(rf"\bFROM {table}\b", s)]


@pytest.mark.postgres
def test_reads_go_to_the_replica_fall_back_and_never_write_there(streaming_pair, app_process):
    pair = streaming_pair
    began = time.monotonic()
    app = app_process(DATABASE_URL=pair.primary.url, DATABASE_REPLICA_URL=pair.replica.url,
                      REPLICA_MAX_LAG_SECONDS=MAX_LAG, REPLICA_CHECK_SECONDS=CHECK_EVERY,
                      REPLICA_RETRY_SECONDS=RETRY_AFTER, REPLICA_CONNECT_TIMEOUT_SECONDS=CONNECT_TIMEOUT)
    app.setup()  # migrations and demo data, on the primary, streamed to the replica
    first = _create(app)
    for user in ("supervisor", "clerk"):
        app.token(user)
    pair.wait_replayed()
    time.sleep(CHECK_EVERY)  # the replica's standing is looked at again on the next read

    # Public tracking (API and page), an agency's list and the reports: read on the replica only.
    for url, user, table in [(f"/api/v1/track/{first}", None, "public_answers"),
                             (f"/t/{first}", None, "public_answers"),
                             (SHIPMENTS, "agency", "shipments"), (REPORT, "supervisor", "shipments"),
                             (REPORT.replace("standard?", "standard.xlsx?"), "agency", "shipments"),
                             (CLAIM, "supervisor", "shipments"),
                             ("/api/v1/reports/daily?day=2026-11-23", "clerk", "payments")]:
        resp, replica_ran, primary_ran = _read(pair, app, url, user)
        assert resp["status"] == 200, (url, resp["text"])
        assert _touching(replica_ran, table), (url, replica_ran)
        assert not _touching(primary_ran, table), (url, primary_ran)
    assert first in _numbers(app.request("get", SHIPMENTS, "agency"))
    # A clerk's list is not an agency's: the primary answers it.
    _, replica_ran, primary_ran = _read(pair, app, SHIPMENTS, "clerk")
    assert not _touching(replica_ran, "shipments") and _touching(primary_ran, "shipments")

    # The replica stops replaying just after one write: it lags, within the allowance at first.
    _create(app)
    pair.wait_replayed()
    pair.replica.sql("SELECT pg_wal_replay_pause()")
    paused = time.monotonic()
    written = _create(app)  # the agency's new shipment, on the primary only
    resp, replica_ran, _ = _read(pair, app, f"/api/v1/track/{written}")
    # Anonymous readers get the replica's state, a little behind: only the replica lacks it.
    assert resp["status"] == 404 and _touching(replica_ran, "public_answers"), resp
    # The writer's next read sees the write: from the primary, the replica not having replayed it.
    resp, replica_ran, primary_ran = _read(pair, app, SHIPMENTS, "agency")
    assert written in _numbers(resp)
    assert _touching(primary_ran, "shipments") and not _touching(replica_ran, "shipments")
    assert time.monotonic() - paused < MAX_LAG, "too slow to see the replica within its allowed lag"

    # Lagging past the allowance: everyone reads the primary.
    time.sleep(max(0.0, MAX_LAG + CHECK_EVERY + 0.2 - (time.monotonic() - paused)))
    resp, replica_ran, primary_ran = _read(pair, app, f"/api/v1/track/{written}")
    assert resp["status"] == 200 and resp["json"]["tracking_number"] == written
    assert not _touching(replica_ran, "public_answers") and _touching(primary_ran, "public_answers")

    # Caught up again: the replica serves again.
    pair.replica.sql("SELECT pg_wal_replay_resume()")
    pair.primary.sql("SELECT txid_current()")  # a fresh commit to replay: the lag starts again
    pair.wait_replayed()
    time.sleep(CHECK_EVERY)
    resp, replica_ran, primary_ran = _read(pair, app, f"/api/v1/track/{written}")
    assert resp["status"] == 200 and _touching(replica_ran, "public_answers"), resp
    assert not _touching(primary_ran, "public_answers")

    # Nothing the app sent the replica writes; its sessions are read-only; the standing is looked
    # at no more than once per CHECK_EVERY.
    sent = pair.replica.statements(app=REPLICA_APP)
    assert len(sent) > 20
    assert [s for s in sent if not READS.match(s) or WRITES.search(s)] == []
    checks = [s for s in sent if "pg_is_in_recovery" in s]
    assert 1 <= len(checks) <= (time.monotonic() - began) / CHECK_EVERY + 1
    assert pair.replica.sql("SELECT sum(tup_inserted + tup_updated + tup_deleted) FROM pg_stat_database") == 0

    # The replica stopped: the primary answers every read at once, with what the replica had.
    pair.replica.stop("fast")
    try:
        answers = [app.request("get", url, user) for url, user in [
            (f"/api/v1/track/{written}", None), (f"/t/{written}", None), (SHIPMENTS, "agency"),
            (REPORT, "supervisor"), (f"/api/v1/track/{first}", None), (SHIPMENTS, "agency")]]
    finally:
        pair.replica.start()
    assert [a["status"] for a in answers] == [200] * len(answers), [a["text"][:200] for a in answers]
    assert written in _numbers(answers[2])
    assert answers[0]["seconds"] < 1.0, answers[0]["seconds"]  # refused at once
    assert max(a["seconds"] for a in answers[1:]) < 1.0
    assert app.log().count("replica unreachable") == 1  # remembered: not tried on every request


@pytest.mark.postgres
def test_a_silent_replica_costs_one_connect_timeout_then_is_skipped(streaming_pair, app_process):
    """A replica host that takes connections but never answers (a hung server, a black hole)."""
    pair = streaming_pair
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # the kernel completes the handshakes; nobody ever answers
        port = silent.getsockname()[1]
        app = app_process(DATABASE_URL=pair.primary.url,
                          DATABASE_REPLICA_URL=f"postgresql://postgres@127.0.0.1:{port}/hcc",
                          REPLICA_CONNECT_TIMEOUT_SECONDS=CONNECT_TIMEOUT, REPLICA_RETRY_SECONDS=RETRY_AFTER)
        app.setup()
        tn = _create(app)
        answers = [app.request("get", f"/api/v1/track/{tn}") for _ in range(5)]
    assert [a["status"] for a in answers] == [200] * 5
    assert CONNECT_TIMEOUT - 0.5 < answers[0]["seconds"] < CONNECT_TIMEOUT + 1.5, answers[0]["seconds"]
    assert max(a["seconds"] for a in answers[1:]) < 0.5
    assert app.log().count("replica unreachable") == 1


@pytest.mark.postgres
def test_the_replica_engine_refuses_writes_whatever_server_it_reaches(streaming_pair):
    """Read-only by construction, not only because a standby refuses writes: pointed at the
    primary itself, it still cannot write."""
    pair = streaming_pair
    for server in (pair.primary, pair.replica):
        engine = make_replica_engine(server.url, CONNECT_TIMEOUT)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
                with pytest.raises(InternalError, match="read-only transaction"):
                    conn.execute(text("CREATE TABLE written_on_a_replica (id int)"))
        finally:
            engine.dispose()
    assert pair.primary.sql("SELECT to_regclass('written_on_a_replica')") is None


def test_marks_in_memory_keep_the_latest_write_until_they_expire():
    marks = MemoryMarks(ttl=0.3)
    marks.note(7, 500)
    marks.note(7, 400)  # an earlier write committed later: the mark never goes back
    assert marks.needed(7) == 500 and marks.needed(8) is None
    time.sleep(0.35)
    assert marks.needed(7) is None


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_marks_in_redis_are_shared_by_every_app_server(redis_url):
    one, other = RedisMarks(redis_url, ttl=60, prefix="test:"), RedisMarks(redis_url, ttl=60, prefix="test:")
    one.note(7, 500)
    other.note(7, 400)
    assert other.needed(7) == 500 and one.needed(8) is None
    assert 0 < one._redis.ttl("test:7") <= 60
