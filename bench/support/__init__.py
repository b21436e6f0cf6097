"""Shared by the benchmarks: their options, the app on a scratch database (PostgreSQL, or
SQLite for the in-process ones), shipments bulk-loaded into it, gunicorn serving the app on
127.0.0.1, and one HTTP call.

Traffic goes to 127.0.0.1 only; the scratch database is dropped and made anew each run and
is never one of the test databases.
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

BENCH_DB = os.environ.get("BENCH_DB", "hcc_bench")
PG_SERVER = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
SECRETS = {"SECRET_KEY": "bench-secret", "ID_HASH_KEY": "bench-id-hash-key"}


def server_options(doc: str) -> argparse.ArgumentParser:
    """The options of a benchmark against gunicorn: how many runs, how many workers."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (make run: 2)")
    return parser


def bounded(parser: argparse.ArgumentParser, **bounds: tuple[float, float]) -> argparse.Namespace:
    """The parsed options, refused when one is outside its (low, high) bounds: a benchmark
    stays bounded in time and load."""
    args = parser.parse_args()
    outside = [f"--{name.replace('_', '-')} between {low:,} and {high:,}"
               for name, (low, high) in bounds.items() if not low <= getattr(args, name) <= high]
    if outside:
        raise SystemExit("keep " + ", ".join(outside))
    return args


def database_url(name: str = BENCH_DB) -> str:
    return f"postgresql+psycopg://{PG_SERVER}/{name}"


def scratch_database(name: str = BENCH_DB) -> str:
    """Drop and create the scratch database; returns its URL."""
    import psycopg

    if name in {"postgres", "test", "template0", "template1"} or name.startswith("test"):
        raise SystemExit(f"refusing to use {name!r} as a scratch database")
    with psycopg.connect(f"postgresql://{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def make_app(url: str) -> Any:
    """The app on a scratch database, migrated, with units and demo data (the default tariff
    and policies among them) loaded."""
    os.environ.setdefault("HCC_INSTANCE_DIR", tempfile.mkdtemp(prefix="hcc-bench-"))
    from app import create_app

    app = create_app({"DATABASE_URL": url, **SECRETS})
    with app.app_context():
        from app import migrate
        from app.demo.data import load_demo
        from app.extensions import db
        from app.geo.services import load_units

        migrate.upgrade(url)
        load_units()
        load_demo()
        db.session.commit()
    return app


def bulk_return_shipments(app: Any, count: int, first_serial: int, created_at: datetime) -> list[str]:
    """`count` return shipments at the Bỉm Sơn office, each with its `created` event, copied
    from one made through the service; returns their tracking numbers."""
    from sqlalchemy import insert, select

    from app.accounts.models import User
    from app.extensions import db
    from app.shipments import s10
    from app.shipments.models import Shipment, TrackingEvent
    from app.shipments.schemas import ShipmentIn
    from app.shipments.services import create_shipment

    with app.app_context():
        agency_user = db.session.scalars(select(User).where(User.username == "agency")).one()
        template = create_shipment(agency_user, ShipmentIn().load(today_body(f"BENCH-T-{first_serial}")))
        db.session.commit()
        table = Shipment.__table__
        row = dict(db.session.execute(select(table).where(table.c.id == template.id)).mappings().one())
        row.pop("id")
        rows = []
        for k in range(count):
            serial = first_serial + k
            rows.append({**row, "tracking_number": s10.compose("HB", serial),
                         "dossier_code": f"BENCH-{serial}", "created_at": created_at,
                         "updated_at": created_at})
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(table), rows[start:start + 5000])
        numbers = [r["tracking_number"] for r in rows]
        ids = dict(db.session.execute(select(table.c.tracking_number, table.c.id)
                                      .where(table.c.tracking_number.in_(numbers))).tuples().all())
        events = [{"shipment_id": ids[n], "event": "created", "upu_code": None, "occurred_at": created_at,
                   "recorded_at": created_at, "office_id": row["office_id"], "actor_id": agency_user.id}
                  for n in numbers]
        for start in range(0, len(events), 5000):
            db.session.execute(insert(TrackingEvent.__table__), events[start:start + 5000])
        db.session.commit()
        return numbers


def add_timelines(app: Any, numbers: list[str], timeline: list[tuple[str, str, str | None]]) -> list[int]:
    """`timeline` ((event, office code, reason), five minutes apart) after `created` for every item,
    written directly (setup, not measured), the status it leaves set, and the items' public
    answers stored as the write path stores them; returns the items' ids."""
    from sqlalchemy import insert, select, update

    from app.extensions import db
    from app.orgs.models import Office
    from app.shipments.events import STATUS_AFTER
    from app.shipments.models import Shipment, TrackingEvent
    from app.tracking import answers
    from app.vocabulary import UPU_CODES, Event

    with app.app_context():
        offices = dict(db.session.execute(select(Office.code, Office.id)).tuples().all())
        ids = list(db.session.scalars(select(Shipment.id).where(Shipment.tracking_number.in_(numbers))))
        start = minutes_ago(50)
        rows = [{"shipment_id": sid, "event": event, "upu_code": UPU_CODES[Event(event)],
                 "occurred_at": start + timedelta(minutes=5 * k),
                 "recorded_at": start + timedelta(minutes=5 * k),
                 "office_id": offices[office], "reason": reason}
                for sid in ids for k, (event, office, reason) in enumerate(timeline)]
        for at in range(0, len(rows), 5000):
            db.session.execute(insert(TrackingEvent.__table__), rows[at:at + 5000])
        db.session.execute(update(Shipment).where(Shipment.id.in_(ids))
                           .values(status=STATUS_AFTER[timeline[-1][0]]))
        db.session.commit()
        answers.rebuild(db.session)
        return ids


def today_body(dossier_code: str) -> dict[str, Any]:
    """The SPEC §7 body under this dossier code, accepted today at the full price (no
    beneficiary)."""
    from app.demo.shipment import spec_body

    body = spec_body(dossier_code)
    del body["accepted_on"], body["beneficiary"]
    return body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url: str, workers: int, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """gunicorn serving wsgi:app on 127.0.0.1 with `make run`'s settings (app.gunicorn_conf);
    yields its base URL and stops it afterwards."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "HCC_ENV": "development", **SECRETS, **(extra_env or {})}
    proc = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "-c", "python:app.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning", "wsgi:app"],
        cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def call(base: str, method: str, path: str, *, body: bytes | None = None, auth: str | None = None,
         expect: int = 200, timeout: float = 120) -> bytes:
    """One request on a connection of its own (as a client without keep-alive makes it); the
    answer's body, or the benchmark stops on any other status than `expect`."""
    host = urlsplit(base)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if auth:
        headers["Authorization"] = f"Bearer {auth}"
    conn = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=timeout)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status != expect:
        raise SystemExit(f"HTTP {resp.status} from {method} {path}: {data[:300]!r}")
    return data


def token(base: str, username: str) -> str:
    import json

    body = json.dumps({"username": username, "password": f"demo-{username}"}).encode()
    return json.loads(call(base, "POST", "/api/v1/auth/tokens", body=body, expect=201, timeout=30))["token"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def minutes_ago(n: float) -> datetime:
    return utcnow() - timedelta(minutes=n)
