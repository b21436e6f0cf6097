"""Shared by the HTTP benchmarks (bench/scans.py, bench/tracking.py): a scratch PostgreSQL
database, shipments bulk-loaded into it, and gunicorn serving the app on 127.0.0.1.

Traffic goes to 127.0.0.1 only; the scratch database is dropped and made anew each run and
is never one of the test databases.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

BENCH_DB = os.environ.get("BENCH_DB", "hcc_bench")
PG_SERVER = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
SECRETS = {"SECRET_KEY": "bench-secret", "ID_HASH_KEY": "bench-id-hash-key"}


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
    """The app on the scratch database, migrated, with units and demo data loaded."""
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
    from app.shipments.services import create_shipment
    from app.shipments.schemas import ShipmentIn

    with app.app_context():
        agency_user = db.session.scalar(select(User).where(User.username == "agency"))
        template = create_shipment(agency_user, ShipmentIn().load(_spec_body(f"BENCH-T-{first_serial}")))
        db.session.commit()
        table = Shipment.__table__
        row = dict(db.session.execute(select(table).where(table.c.id == template.id)).mappings().one())
        row.pop("id")
        rows = []
        for k in range(count):
            serial = first_serial + k
            rows.append({**row, "tracking_number": s10.compose("HB", serial),
                         "dossier_code": f"BENCH-{serial}", "created_at": created_at, "updated_at": created_at})
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(table), rows[start:start + 5000])
        numbers = [r["tracking_number"] for r in rows]
        ids = dict(db.session.execute(select(table.c.tracking_number, table.c.id)
                                      .where(table.c.tracking_number.in_(numbers))).all())
        events = [{"shipment_id": ids[n], "event": "created", "upu_code": None, "occurred_at": created_at,
                   "recorded_at": created_at, "office_id": row["office_id"], "actor_id": agency_user.id}
                  for n in numbers]
        for start in range(0, len(events), 5000):
            db.session.execute(insert(TrackingEvent.__table__), events[start:start + 5000])
        db.session.commit()
        return numbers


def _spec_body(dossier: str) -> dict[str, Any]:
    return {
        "service": "return",
        "dossier": {"code": dossier, "procedure": "Cấp bản sao trích lục hộ tịch"},
        "agency_code": "UBND-14812",
        "sender": {"name": "UBND phường Bỉm Sơn", "phone": "02373824123",
                   "address": {"line": "Số 1 Trần Phú", "unit_code": "14812"}},
        "recipient": {"name": "Nguyễn Văn Ất", "phone": "0912345678", "id_number": "038090001234",
                      "address": {"line": "Thôn Đông", "unit_code": "14812"}},
        "weight_g": 120,
        "items": [{"name": "Trích lục khai sinh", "original": True, "count": 1}],
        "collect_fee_vnd": 0,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url: str, workers: int, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """gunicorn serving wsgi:app on 127.0.0.1; yields its base URL and stops it afterwards."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "HCC_ENV": "development", **SECRETS, **(extra_env or {})}
    proc = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning", "wsgi:app"], cwd=REPO, env=env)
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


def token(base: str, username: str) -> str:
    import json

    req = urllib.request.Request(base + "/api/v1/auth/tokens", method="POST",
                                 data=json.dumps({"username": username, "password": f"demo-{username}"}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["token"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def minutes_ago(n: float) -> datetime:
    return utcnow() - timedelta(minutes=n)
