"""The restore drill on PostgreSQL (issue 13, acceptance 5): shipments with their events and a
handover record, committed through the API, dumped with `flask ops backup`, restored with
`flask ops restore` into a scratch database, and every one of them found there; an app on the
restored database answers public tracking byte for byte as the live one. Real commits, cleaned
up after; the scratch databases are dropped."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url

from app.config import REPO_ROOT
from app.extensions import db, make_engine
from app.handovers.models import HandoverRecord
from app.ops import backup

pytestmark = pytest.mark.postgres

HANDOVERS = "/api/v1/handovers"
TRACK = "/api/v1/track"

# What the drill must find again: its shipments, their events, its handover record's lines.
FOUND = {
    "shipments": "SELECT id, tracking_number, dossier_code, status FROM shipments "
                 "WHERE dossier_code LIKE :prefix ORDER BY id",
    "events": "SELECT e.id, e.shipment_id, e.event, e.occurred_at, e.office_id FROM tracking_events e "
              "JOIN shipments s ON s.id = e.shipment_id WHERE s.dossier_code LIKE :prefix ORDER BY e.id",
    "handovers": "SELECT r.id, r.direction, r.status, r.signed_at, r.agency_signatory_name, "
                 "l.shipment_id, l.tracking_number, l.in_force FROM handover_records r "
                 "JOIN handover_lines l ON l.record_id = r.id "
                 "JOIN shipments s ON s.id = l.shipment_id WHERE s.dossier_code LIKE :prefix "
                 "ORDER BY r.id, l.shipment_id",
}


def _rows(url, sql, **params):
    from sqlalchemy import text

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def _answers_served_by_an_app_on(url, numbers, tmp_path):
    """(status, bytes) of GET /api/v1/track/<n> from an app of its own on the database `url`."""
    script = ("import json, sys\nfrom app import create_app\nclient = create_app().test_client()\n"
              "print(json.dumps([[r.status_code, r.data.hex()] for r in "
              f"(client.get('{TRACK}/' + n) for n in sys.argv[1:])]))")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test-secret", "ID_HASH_KEY": "test-id-hash-key",
           "HCC_INSTANCE_DIR": str(tmp_path / "instance"), "TRACKING_RATE_LIMIT_PER_MINUTE": "0"}
    done = subprocess.run([sys.executable, "-c", script, *numbers], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return [(status, bytes.fromhex(body)) for status, body in json.loads(done.stdout)]


def test_a_dump_restores_every_shipment_event_and_handover(
        app, committed_run, make_shipment, accepted_intake, as_user, walk, step, client, database_url,
        system_tool, tmp_path):
    system_tool("pg_dump")
    system_tool("pg_restore")
    with app.app_context():
        first_record = db.session.scalar(select(func.max(HandoverRecord.id))) or 0
    committed_run.also_delete(delete(HandoverRecord).where(HandoverRecord.id > first_record))
    intake = [accepted_intake(dossier=committed_run.dossier(f"in-{i}")) for i in range(3)]
    signed = as_user("courier").post(HANDOVERS, json={
        "direction": "to_agency", "agency_code": "UBND-14812", "tracking_numbers": intake[:2],
        "agency_signatory": "Hoàng Thị Tiếp Nhận"})
    assert signed.status_code == 201, signed.get_json()
    result = make_shipment.number("agency", dossier=committed_run.dossier("out"))
    walk(result, "accepted")
    step(result, "arrived", office_code="BC-THANHHOA")
    walk(result, "out_for_delivery", "delivery_failed")
    numbers = [*intake, result]
    live = [(r.status_code, r.data) for r in (client.get(f"{TRACK}/{n}") for n in numbers)]
    assert all(status == 200 for status, _ in live)

    prefix = committed_run.prefix + "%"
    source = {name: _rows(database_url, sql, prefix=prefix) for name, sql in FOUND.items()}
    assert [row[1] for row in source["shipments"]] == numbers
    # created + accepted for each dossier, delivered at the handover for two, five for the result.
    assert len(source["events"]) == 3 * 2 + 2 + 5 and len(source["handovers"]) == 2
    counts = backup.check_database(database_url).counts  # nothing writes until the dump is taken

    dump = tmp_path / "drill.dump"
    runner = app.test_cli_runner()
    made = runner.invoke(args=["ops", "backup", str(dump)])
    assert made.exit_code == 0, made.output
    assert "matches the server" in made.output or "newer than the server" in made.output, made.output
    assert dump.stat().st_mode & 0o777 == 0o600 and not dump.with_name("drill.dump.partial").exists()

    scratch = f"hcc_drill_{uuid.uuid4().hex[:10]}"
    scratch_url = make_url(database_url).set(database=scratch).render_as_string(hide_password=False)
    try:
        restored = runner.invoke(args=["ops", "restore", str(dump), "--target", scratch])
        assert restored.exit_code == 0, restored.output
        assert restored.output.rstrip().endswith("OK")
        assert backup.check_database(scratch_url).counts == counts

        assert {name: _rows(scratch_url, sql, prefix=prefix) for name, sql in FOUND.items()} == source
        assert _answers_served_by_an_app_on(scratch_url, numbers, tmp_path) == live

        again = runner.invoke(args=["ops", "restore", str(dump), "--target", scratch])
        assert again.exit_code != 0 and "restore refused (--force replaces them)" in again.output
        forced = runner.invoke(args=["ops", "restore", str(dump), "--target", scratch, "--force"])
        assert forced.exit_code == 0, forced.output
        assert backup.check_database(scratch_url).counts == counts
    finally:
        backup.drop_database(scratch_url)
    assert not _rows(database_url, "SELECT 1 FROM pg_database WHERE datname = :n", n=scratch)


def test_verify_backup_restores_into_a_temporary_database_and_drops_it(app, database_url, system_tool,
                                                                       tmp_path):
    system_tool("pg_dump")
    dump = tmp_path / "check.dump"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ops", "backup", str(dump)]).exit_code == 0
    databases = "SELECT datname FROM pg_database WHERE datname LIKE 'hcc\\_verify\\_%' ORDER BY 1"
    before = _rows(database_url, databases)

    checked = runner.invoke(args=["ops", "verify-backup", str(dump)])

    assert checked.exit_code == 0, checked.output
    head = backup.check_database(database_url).head
    assert f"alembic_version {head} (head {head})" in checked.output and "  shipments " in checked.output
    assert _rows(database_url, databases) == before


def test_a_pg_dump_older_than_the_server_is_refused_by_name(app, tmp_path):
    old = tmp_path / "bin"
    old.mkdir()
    (old / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    (old / "pg_dump").chmod(0o755)

    refused = app.test_cli_runner().invoke(
        args=["ops", "backup", str(tmp_path / "x.dump"), "--pg-bin", str(old)])

    assert refused.exit_code != 0
    assert "pg_dump 9.6 " in refused.output and "cannot dump a PostgreSQL 1" in refused.output
    assert "postgresql-client-" in refused.output and not (tmp_path / "x.dump").exists()
