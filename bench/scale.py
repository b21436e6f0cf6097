"""Reads at scale, in process (SPEC §11: tracking and staff detail p50 ≤ 2 ms, staff lists first
and deep page p50 ≤ 10 ms, at 10 M shipments / 100 M events on PostgreSQL, 2 cores).

Run from the repository root:  .venv/bin/python bench/scale.py [--sizes 100000,1000000]
                               .venv/bin/python bench/scale.py --shipments 10000000   (≈ 56 GB)
A long fill and its measuring can be apart (the measuring wants a quiet machine):
    bench/scale.py --shipments 10000000 --fill-only     then later    bench/scale.py --reuse --runs 3
`--runs 3` measures three times and prints each p50 as the median of the runs with their min–max.

Disk: ≈ 5.6 KB a shipment measured at 10 M (its stored public answer 2 KB, ten events 1.6 KB and
their covering index 0.85 KB, the row 1.3 KB, payments), with all indexes; a size the disk
cannot hold is refused.

For each size, a scratch database (hcc_scale, dropped and made anew; the last size's is kept
after the run, for EXPLAIN) is migrated and loaded with the units and demo data, then filled directly in SQL
(INSERT … SELECT over generate_series; no per-row Python): offices and agencies growing as N^0.6
(a province's five years, ≈ 2 M: ≈ 45 offices, 400 agencies; the country's, ≈ 165 M: ≈ 650 and
6,000), recipients at every loaded commune, creation over five years (TT17 Điều 14 keeps five) weighted
to recent, counter hours in province time, ten events a delivered or returned item (fewer for
the open, stuck and cancelled ones), offices and times consistent with the status, due dates,
frozen fees copied from shipments made by the service (full price, and a discounted one for
the subsidy claim), payments where money changed hands, and public answers written in SQL
byte for byte as app.tracking.services.render writes them (a sample is compared). Secondary
indexes are dropped during the fill and rebuilt after it, as a bulk load does; then VACUUM
ANALYZE.

Then, through the real routes with real tokens (Flask test client, as the app serves them):
`--requests` timed requests (after a warm-up) of public tracking at random numbers, staff
detail (supervisor; clerk at their office), the staff list's newest 50 (supervisor, clerk),
the page 1,000 deep through the cursor (walked once to get it), the agency's list; and
`--report-requests` of the clerk's daily reconciliation, a month's service-standard report and a
quarter's subsidy claim. Prints p50 / p95 per size side by side with the targets, with the fill
time and pg_database_size. The timings are as noisy as the machine is busy.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import support

DATABASE = "hcc_scale"
SIZES = (100_000, 10_000_000)
BYTES_PER_SHIPMENT = 6_000  # measured at 10 M: 5.6 KB (the docstring's Disk line)
FIRST_SERIAL = 10_000_000  # far above the counters' serials; 10 M more still fit S10's eight digits
DEEP_PAGE = 1_000
SEED = 0.42

# A delivered or returned item's ten steps: (event, hours after creation at speed 1, where, who).
# Steps 1–2 happen at the counter; later ones stretch with the item's speed (slow ones are late).
ROUTE = [("created", 0.0, "office", "creator"), ("accepted", 0.25, "office", "clerk"),
         ("departed", 4.0, "office", "clerk"), ("arrived", 20.0, "hub", "clerk"),
         ("departed", 26.0, "hub", "clerk"), ("arrived", 44.0, "office", "clerk"),
         ("out_for_delivery", 50.0, "office", "courier"), ("delivery_failed", 53.0, "office", "courier"),
         ("out_for_delivery", 74.0, "office", "courier"), ("delivered", 77.0, "office", "courier")]
# Fates of an item old enough to have finished (a recent one stops where the clock is): shares.
FATES = {"cancelled": 0.015, "returned": 0.03, "stuck": 0.02}  # the rest is delivered
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
         "Tuấn", "Vân", "Yến", "Ất"]

TARGETS = {"tracking": 2.0, "detail": 2.0, "list": 10.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="shipments per run, comma-separated")
    parser.add_argument("--shipments", type=int, default=0, help="one size only (e.g. 10000000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per read")
    parser.add_argument("--report-requests", type=int, default=20, help="timed requests per report")
    parser.add_argument("--runs", type=int, default=1, help="measurements per size (medians and min–max)")
    parser.add_argument("--database", default=DATABASE, help="the scratch database's name")
    parser.add_argument("--fill-only", action="store_true", help="fill one size and keep it; measure nothing")
    parser.add_argument("--reuse", action="store_true", help="measure the database an earlier run filled")
    args = support.bounded(parser, shipments=(0, SIZES[1]), requests=(20, 2_000),
                           report_requests=(3, 200), runs=(1, 9))
    # Every request comes from one address: the tracking limit stays on, with room for the run.
    os.environ["TRACKING_RATE_LIMIT_PER_MINUTE"] = str(10**9)
    if args.reuse:
        column = reuse(args)
        print_table([column["n"]], [column])
        return
    sizes = [args.shipments] if args.shipments else [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or not all(SIZES[0] <= n <= SIZES[1] for n in sizes) or len(sizes) > 4:
        raise SystemExit(f"keep one to four sizes between {SIZES[0]:,} and {SIZES[1]:,}")
    check_disk(max(sizes))
    if args.fill_only and len(sizes) != 1:
        raise SystemExit("--fill-only fills one size: give --shipments")
    columns = []
    for n in sizes:
        print(f"== {n:,} shipments")
        columns.append(run(n, args))
    if not args.fill_only:
        print_table(sizes, columns)


def check_disk(shipments: int) -> None:
    """Refuse a size the database's disk cannot hold (the database is dropped between sizes)."""
    import psycopg

    with psycopg.connect(f"postgresql://{support.PG_SERVER}/postgres") as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    path = Path(row[0] if row else "/")
    while not path.exists() or not os.access(path, os.X_OK):
        path = path.parent
    free = shutil.disk_usage(path).free
    need = shipments * BYTES_PER_SHIPMENT * 1.2  # and a fifth more for WAL and the index builds
    if free < need:
        raise SystemExit(f"{shipments:,} shipments need ≈ {need / 1e9:.1f} GB; {free / 1e9:.1f} GB free "
                         f"at {path}")
    print(f"disk: {free / 1e9:.0f} GB free at {path}; the largest size needs ≈ {need / 1e9:.1f} GB")


def run(n: int, args: argparse.Namespace) -> dict[str, Any]:
    url = support.scratch_database(args.database)
    app = support.make_app(url)
    started = time.perf_counter()
    facts = fill(app, url, n)
    fill_seconds = time.perf_counter() - started
    checked = check_answers(app, n, facts["first_id"])
    print(f"filled in {fill_seconds:,.0f} s; {checked} stored answers identical to render(); "
          f"{database_size(url)}", flush=True)
    if args.fill_only:
        return {}
    return finish(app, url, n, facts, args, f"{fill_seconds:,.0f} s")


def reuse(args: argparse.Namespace) -> dict[str, Any]:
    """The database an earlier --fill-only run left, migrated to this code's head and measured."""
    from app import create_app, migrate

    url = support.database_url(args.database)
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, **support.SECRETS})
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    import psycopg

    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT max(id) FILTER (WHERE dossier_code IN ('SCALE-FULL', 'SCALE-DISCOUNTED')), "
            "max(policy_code) FILTER (WHERE dossier_code = 'SCALE-DISCOUNTED'), "
            "count(*) FILTER (WHERE dossier_code LIKE 'SCALE-%%' "
            "AND dossier_code NOT IN ('SCALE-FULL', 'SCALE-DISCOUNTED')), "
            "(SELECT count(*) FROM offices), (SELECT count(*) FROM agencies), "
            "(SELECT reltuples::bigint FROM pg_class WHERE relname = 'tracking_events') "
            "FROM shipments").fetchone()
    if not row or not row[0]:
        raise SystemExit(f"{args.database} holds no filled shipments: fill it with --fill-only first")
    n = row[2]
    facts = {"first_id": row[0] + 1, "policy": row[1], "offices": row[3], "agencies": row[4],
             "events": row[5]}
    print(f"== {n:,} shipments in {args.database} (filled earlier)")
    column = finish(app, url, n, facts, args, "earlier")
    column["n"] = n
    return column


def finish(app: Any, url: str, n: int, facts: dict[str, Any], args: argparse.Namespace,
           fill_time: str) -> dict[str, Any]:
    """`args.runs` measurements of one filled size, as one column of the table."""
    runs = []
    for k in range(args.runs):
        if args.runs > 1:
            print(f"  run {k + 1} of {args.runs}", flush=True)
        runs.append(measure(app, url, n, facts, args)["rows"])
    column: dict[str, Any] = {"rows": runs[0], "runs": runs}
    column["fill"] = fill_time
    column["size"] = database_size(url)
    column["spread"] = f"{facts['offices']} offices, {facts['agencies']} agencies, {facts['events']:,} events"
    return column


# ---------------------------------------------------------------- fill


def fill(app: Any, url: str, n: int) -> dict[str, Any]:
    import psycopg

    templates = make_templates(app)
    # Both grow as N^0.6: a province's five years (≈ 2 M) has ≈ 45 offices and 400 agencies,
    # the country's (≈ 165 M) ≈ 650 offices and 6,000 agencies.
    offices = max(10, round(n**0.6 / 130))
    agencies = max(40, round(n**0.6 / 15))
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        # The rows are consistent by construction: no foreign-key triggers (replica role).
        for setting in ("session_replication_role = replica",
                        "synchronous_commit = off", "maintenance_work_mem = '512MB'", "work_mem = '256MB'"):
            conn.execute(f"SET {setting}")
        dropped = drop_secondary_indexes(conn)
        step(conn, "offices and agencies", add_places, offices, agencies)
        step(conn, "plan", make_plan, n, templates)
        step(conn, "shipments", add_shipments, templates)
        step(conn, "events", add_events, templates)
        step(conn, "indexes", rebuild_indexes, dropped)
        step(conn, "payments", add_payments)
        step(conn, "public answers", add_answers)
        events = conn.execute("SELECT count(*) FROM tracking_events").fetchone()
        execute(conn, "DROP TABLE scale_plan, scale_steps, scale_names, scale_agencies, scale_communes, "
                      "scale_offices, scale_office_names")
        conn.commit()
        conn.autocommit = True
        step(conn, "vacuum analyze", lambda c: c.execute("VACUUM ANALYZE"))
    return {"offices": offices + 5, "agencies": agencies + 4, "events": events[0] if events else 0,
            "policy": templates["policy"], "first_id": templates["max_id"] + 1}


def execute(conn: Any, query: str, params: Any = None) -> Any:
    """Every query's `%%` read as one `%`, whether it has parameters or not."""
    return conn.execute(query, {} if params is None else params)


def step(conn: Any, label: str, work: Any, *args: Any) -> None:
    started = time.perf_counter()
    work(conn, *args)
    if not conn.autocommit:
        conn.commit()
    print(f"  {label}: {time.perf_counter() - started:,.1f} s", flush=True)


def make_templates(app: Any) -> dict[str, Any]:
    """A full-price and a discounted shipment made by the service: the fee shapes copied."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.demo.shipment import spec_body
    from app.extensions import db
    from app.shipments.schemas import ShipmentIn
    from app.shipments.services import create_shipment

    with app.app_context():
        users = dict(db.session.execute(select(User.username, User.id)).tuples().all())
        agency_user = db.session.scalars(select(User).where(User.username == "agency")).one()
        full = create_shipment(agency_user, ShipmentIn().load(support.today_body("SCALE-FULL")))
        discounted = create_shipment(agency_user, ShipmentIn().load(spec_body("SCALE-DISCOUNTED")))
        db.session.commit()
        if not discounted.policy_code or not discounted.subsidy_budget_vnd:
            raise SystemExit("the SPEC §7 body was not discounted: no subsidy claim to measure")
        return {"full": full.id, "discounted": discounted.id, "policy": discounted.policy_code,
                "indicator": full.tracking_number[:2], "clerk": users["clerk"], "courier": users["courier"],
                "agency": users["agency"], "max_id": max(full.id, discounted.id)}


def drop_secondary_indexes(conn: Any) -> list[str]:
    """The fill tables' indexes that back no constraint, dropped; their definitions returned."""
    rows = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        [["shipments", "tracking_events", "payments", "public_answers"]]).fetchall()
    for name, _ in rows:
        conn.execute(f"DROP INDEX {name}")
    return [definition for _, definition in rows]


def rebuild_indexes(conn: Any, definitions: list[str]) -> None:
    for definition in definitions:
        conn.execute(definition)
    conn.execute("ANALYZE shipments, tracking_events, scale_plan")


def add_places(conn: Any, offices: int, agencies: int) -> None:
    """Post offices and agencies at communes spread over the loaded units."""
    conn.execute(
        "WITH c AS (SELECT code, row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS n "
        "FROM communes) "
        "INSERT INTO offices (code, name, unit_code, address_line, phone, active, opening_hours) "
        "SELECT 'BC-S' || lpad(g::text, 4, '0'), 'Bưu cục số ' || g, c.code, "
        "'Số ' || g || ' đường Trung tâm', "
        "NULL, true, NULL FROM generate_series(1, %(offices)s) g JOIN c ON c.k = (g * 7919) %% c.n",
        {"offices": offices})
    conn.execute(
        "WITH c AS (SELECT code, row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS n "
        "FROM communes), o AS (SELECT array_agg(id ORDER BY id) AS ids FROM offices) "
        "INSERT INTO agencies (code, name, unit_code, address_line, phone, active, office_id) "
        "SELECT 'UBND-S' || lpad(g::text, 5, '0'), 'UBND xã số ' || g, c.code, 'Số 1 đường Hành chính', "
        "NULL, true, o.ids[1 + g %% cardinality(o.ids)] "
        "FROM generate_series(1, %(agencies)s) g JOIN c ON c.k = (g * 104729) %% c.n CROSS JOIN o",
        {"agencies": agencies})


def make_plan(conn: Any, n: int, templates: dict[str, Any]) -> None:
    """One row per shipment to be: its agency and office, creation moment, speed, fate, and how
    many of its route's steps have happened by now; and the small tables the fill reads."""
    from app.privacy import mask_name
    from app.shipments.events import STATUS_AFTER
    from app.vocabulary import UPU_CODES, Event

    execute(conn, "CREATE UNLOGGED TABLE scale_steps (fate text, step int, event text, upu_code text, "
                  "hours float8, place text, actor text, reason text, status text)")
    rows, lengths = [], {}
    for fate in ("delivered", "returned", "stuck", "cancelled"):
        route = list(ROUTE)
        if fate == "returned":
            route[-1] = ("returned", 77.0, "office", "courier")
        elif fate == "stuck":
            route = route[:8]
        elif fate == "cancelled":
            route = [route[0], ("cancelled", 0.5, "office", "creator")]
        lengths[fate] = len(route)
        for k, (event, hours, place, actor) in enumerate(route, 1):
            reason = "addressee_absent" if event == "delivery_failed" else None
            rows.append((fate, k, event, UPU_CODES[Event(event)], hours, place, actor, reason,
                         STATUS_AFTER[event].value))
    conn.cursor().executemany("INSERT INTO scale_steps VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
    execute(conn, "CREATE UNLOGGED TABLE scale_names (k int PRIMARY KEY, name text, masked_json text)")
    names = [f"{f} {m} {g}" for f in FAMILY for m in MIDDLE for g in GIVEN]
    conn.cursor().executemany("INSERT INTO scale_names VALUES (%s, %s, %s)",
                              [(k, name, json_text(mask_name(name))) for k, name in enumerate(names)])
    for table, source, order in (("scale_agencies", "id, office_id FROM agencies", "id"),
                                 ("scale_communes", "code FROM communes", "code"),
                                 ("scale_offices", "id FROM offices", "id")):
        execute(conn, f"CREATE UNLOGGED TABLE {table} AS "
                      f"SELECT row_number() OVER (ORDER BY {order}) - 1 AS k, {source}")
        execute(conn, f"ALTER TABLE {table} ADD PRIMARY KEY (k)")
    counts = {t: execute(conn, f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("scale_agencies", "scale_communes", "scale_offices", "scale_names")}
    execute(conn, "SELECT setseed(%(seed)s)", {"seed": SEED})
    cancelled, returned = FATES["cancelled"], FATES["cancelled"] + FATES["returned"]
    stuck = returned + FATES["stuck"]
    length = "CASE p.fate " + " ".join(f"WHEN '{f}' THEN {k}" for f, k in lengths.items()) + " END"
    execute(conn, f"""
        CREATE UNLOGGED TABLE scale_plan AS
        WITH r AS (SELECT g, random() AS r_agency, random() AS r_age, random() AS r_hour, random() AS r_speed,
                          random() AS r_fate, random() AS r_kind, random() AS r_unit, random() AS r_name,
                          random() AS r_service
                   FROM generate_series(1, %(n)s) g),
             p AS (
               SELECT r.g AS draw, ag.id AS agency_id, ag.office_id,
                      -- Five years, weighted to recent (density falls linearly with age); counter hours.
                      date_trunc('second', least(
                        (date_trunc('day', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')
                         - floor(1826 * (1 - sqrt(r.r_age))) * interval '1 day'
                         + interval '7 hours' + r.r_hour * interval '10 hours')
                        AT TIME ZONE 'Asia/Ho_Chi_Minh',
                        now() - (1 + r.r_hour * 120) * interval '1 minute')) AS t0,
                      0.6 + 1.5 * power(r.r_speed, 4) AS speed,
                      CASE WHEN r.r_fate < {cancelled} THEN 'cancelled'
                           WHEN r.r_fate < {returned} THEN 'returned'
                           WHEN r.r_fate < {stuck} THEN 'stuck' ELSE 'delivered' END AS fate,
                      r.r_kind < 0.10 AS discounted,
                      CASE WHEN r.r_service < 0.6 THEN 'return' WHEN r.r_service < 0.9 THEN 'intake'
                           ELSE 'both' END AS service,
                      cm.code AS unit_code, floor(r.r_name * {counts["scale_names"]})::int AS name_k
               FROM r
               JOIN scale_agencies ag ON ag.k = floor(r.r_agency * {counts["scale_agencies"]})::int
               JOIN scale_communes cm ON cm.k = floor(r.r_unit * {counts["scale_communes"]})::int),
             -- Ids and serials in creation order, as a live registry hands them out.
             q AS (SELECT p.*, row_number() OVER (ORDER BY p.t0, p.draw) AS g FROM p)
        SELECT %(max_id)s + p.g AS id, p.*, hub.id AS hub_id,
               CASE WHEN p.t0 < now() - interval '12 days' THEN {length}
                    ELSE (SELECT count(*) FROM scale_steps s
                          WHERE s.fate = p.fate AND {STEP_AT} <= now())::int
               END AS steps
        FROM q p
        -- The provincial hubs: one office in twelve.
        JOIN scale_offices hub ON hub.k = p.office_id %% greatest(1, {counts["scale_offices"] // 12})""",
            {"n": n, "max_id": templates["max_id"]})
    execute(conn, "ALTER TABLE scale_plan ADD PRIMARY KEY (id)")
    execute(conn, "ANALYZE scale_plan")


def json_text(value: str | None) -> str:
    """A JSON value as app.tracking.services.encode writes it, to paste into SQL text."""
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"  # every query is read for parameters


def case_of(column: str, labels: dict[str, str]) -> str:
    """The JSON text of each code's Vietnamese label, chosen in SQL ('null' for none)."""
    whens = " ".join(f"WHEN {sql_literal(code)} THEN {sql_literal(json_text(label))}"
                     for code, label in labels.items())
    return f"(CASE {column} {whens} ELSE 'null' END)"


# When step s of plan row p happens: steps 1–2 at the counter, the later ones at the item's speed.
STEP_AT = ("date_trunc('second', p.t0 + s.hours * (CASE WHEN s.step <= 2 THEN 1 ELSE p.speed END) "
           "* interval '1 hour')")


def add_shipments(conn: Any, templates: dict[str, Any]) -> None:
    """Every column copied from a template made by the service, but for what differs per item."""
    from app.shipments.models import Shipment

    ids = {"clerk": templates["clerk"], "courier": templates["courier"], "agency": templates["agency"]}
    own = {
        "id": "p.id",
        "tracking_number": f"'{templates['indicator']}' || {s10_sql('p.g')} || 'VN'",
        "service": "p.service",
        "status": "last.status",
        "dossier_code": "'SCALE-' || p.g",
        "agency_id": "p.agency_id",
        "office_id": "p.office_id",
        "courier_id": f"CASE WHEN p.steps >= 7 THEN {ids['courier']} END",
        "created_by_id": f"CASE WHEN p.service = 'return' THEN {ids['agency']} ELSE {ids['clerk']} END",
        "recipient_name": "nm.name",
        "recipient_phone": "'09' || lpad((p.g %% 100000000)::text, 8, '0')",
        "recipient_address_line": "'Thôn ' || (1 + p.g %% 12)",
        "recipient_unit_code": "p.unit_code",
        "recipient_id_type": "NULL", "recipient_id_hash": "NULL", "recipient_id_last4": "NULL",
        # Procedure fees (lệ phí) collected at the counter on a fifth of the intake dossiers.
        "collect_fee_vnd": "CASE WHEN p.service <> 'return' AND p.g %% 5 = 0 THEN 50000 ELSE 0 END",
        "accepted_on": "(p.t0 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date",
        # Within three working days or so: four calendar days after acceptance.
        "due_date": "(p.t0 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 4",
        "created_at": "p.t0",
        "updated_at": "last.at",
    }
    columns = [c.name for c in Shipment.__table__.columns]
    select_list = ", ".join(own.get(c, f"t.{c}") for c in columns)
    execute(conn,
        f"INSERT INTO shipments ({', '.join(columns)}) SELECT {select_list} FROM scale_plan p "
        f"JOIN shipments t ON t.id = CASE WHEN p.discounted THEN {templates['discounted']} "
        f"ELSE {templates['full']} END "
        "JOIN scale_names nm ON nm.k = p.name_k "
        f"JOIN LATERAL (SELECT s.status, {STEP_AT} AS at FROM scale_steps s "
        "WHERE s.fate = p.fate AND s.step = p.steps) last ON true ORDER BY p.id")
    conn.execute("SELECT setval(pg_get_serial_sequence('shipments', 'id'), (SELECT max(id) FROM shipments))")
    conn.execute("UPDATE serial_counters SET last_serial = greatest(last_serial, %s) WHERE indicator = %s",
                 [FIRST_SERIAL + 10_000_000, templates["indicator"]])


def s10_sql(serial: str) -> str:
    """The eight-digit serial and its S10 check digit (app.shipments.s10), in SQL."""
    digits = f"lpad(({FIRST_SERIAL} + {serial})::text, 8, '0')"
    weighted = " + ".join(f"{w} * substr({digits}, {k + 1}, 1)::int"
                          for k, w in enumerate((8, 6, 4, 2, 3, 5, 9, 7)))
    check = f"(11 - ({weighted}) %% 11)"
    return f"{digits} || (CASE {check} WHEN 10 THEN 0 WHEN 11 THEN 5 ELSE {check} END)::text"


def add_events(conn: Any, templates: dict[str, Any]) -> None:
    clerk, courier, agency = templates["clerk"], templates["courier"], templates["agency"]
    execute(conn,
        "INSERT INTO tracking_events (shipment_id, event, upu_code, occurred_at, recorded_at, office_id, "
        "actor_id, reason) "
        f"SELECT p.id, s.event, s.upu_code, {STEP_AT}, {STEP_AT} + interval '20 seconds', "
        "CASE s.place WHEN 'hub' THEN p.hub_id ELSE p.office_id END, "
        f"CASE s.actor WHEN 'creator' THEN CASE WHEN p.service = 'return' THEN {agency} ELSE {clerk} END "
        f"WHEN 'clerk' THEN {clerk} ELSE {courier} END, s.reason "
        "FROM scale_plan p JOIN scale_steps s ON s.fate = p.fate AND s.step <= p.steps "
        # In time order, as the scans arrive: one item's events lie on the pages of their days.
        f"ORDER BY {STEP_AT}, p.id, s.step")


def add_payments(conn: Any) -> None:
    """Money taken where it changes hands (SPEC §3): intake at acceptance, results at delivery;
    by whoever recorded that event. One item in two hundred is missing its payment."""
    for kind, amount in (("postal_fee", "sh.fee_total_vnd"), ("procedure_fee", "sh.collect_fee_vnd")):
        execute(conn,
            "INSERT INTO payments (shipment_id, kind, method, amount_vnd, collected_by_id, office_id, "
            "agency_id, occurred_at, business_day, recorded_at, remittance_id, note) "
            f"SELECT sh.id, '{kind}', CASE WHEN sh.id %% 5 = 0 THEN 'transfer' ELSE 'cash' END, {amount}, "
            "e.actor_id, sh.office_id, sh.agency_id, e.occurred_at, "
            "(e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, e.occurred_at + interval '1 minute', "
            "NULL, NULL "
            "FROM shipments sh JOIN tracking_events e ON e.shipment_id = sh.id "
            "AND e.event = CASE WHEN sh.service = 'return' THEN 'delivered' ELSE 'accepted' END "
            f"WHERE sh.dossier_code LIKE 'SCALE-%%' AND {amount} > 0 AND sh.id %% 200 <> 7")


def add_answers(conn: Any) -> None:
    """public_answers as app.tracking.services.render writes them: the same keys in the same
    order, compact separators, UTF-8 unescaped, times in province time (whole seconds here);
    the labels' JSON made by Python's json module and chosen in SQL."""
    from app.tracking.services import VERSION
    from app.vocabulary import Event, FailureReason, Service, Status, text

    execute(conn, "CREATE UNLOGGED TABLE scale_office_names (id bigint PRIMARY KEY, name_json text)")
    names = execute(conn, "SELECT id, name FROM offices").fetchall()
    conn.cursor().executemany("INSERT INTO scale_office_names VALUES (%s, %s)",
                              [(id_, json_text(name)) for id_, name in names])
    when = "to_char(e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    event = ("'{\"occurred_at\":\"' || " + when + " || '+07:00\",\"event\":\"' || e.event "
             "|| '\",\"label\":' || "
             + case_of("e.event", {x.value: text(x) for x in Event}) + " || ',\"reason\":' || "
             + case_of("e.reason", {x.value: text(x) for x in FailureReason})
             + " || ',\"office\":' || coalesce(o.name_json, 'null') || '}'")
    execute(conn,
        "INSERT INTO public_answers (tracking_number, shipment_id, version, body) "
        "SELECT sh.tracking_number, sh.id, %(version)s, convert_to("
        "'{\"tracking_number\":\"' || sh.tracking_number || '\",\"service\":\"' || sh.service "
        "|| '\",\"service_label\":' || " + case_of("sh.service", {x.value: text(x) for x in Service})
        + " || ',\"status\":\"' || sh.status || '\",\"status_label\":' || "
        + case_of("sh.status", {x.value: text(x) for x in Status})
        + " || ',\"due_date\":' || coalesce('\"' || sh.due_date::text || '\"', 'null')"
        " || ',\"recipient\":' || nm.masked_json "
        "|| ',\"events\":[' || coalesce(ev.items, '') || ']}', 'UTF8') "
        "FROM shipments sh JOIN scale_plan p ON p.id = sh.id JOIN scale_names nm ON nm.k = p.name_k "
        "LEFT JOIN (SELECT e.shipment_id, "
        "string_agg(" + event + ", ',' ORDER BY e.occurred_at, e.id) AS items "
        "FROM tracking_events e LEFT JOIN scale_office_names o ON o.id = e.office_id "
        "GROUP BY e.shipment_id) ev ON ev.shipment_id = sh.id",
        {"version": VERSION})


def check_answers(app: Any, n: int, first_id: int, sample: int = 200) -> int:
    """The stored answers of a sample, compared byte for byte with what render() makes of them."""
    from sqlalchemy import select

    from app.extensions import db
    from app.tracking import services
    from app.tracking.models import PublicAnswer

    rng = random.Random(7)
    with app.app_context():
        wanted = sorted({first_id + rng.randrange(n) for _ in range(sample)})
        stored = dict(db.session.execute(select(PublicAnswer.shipment_id, PublicAnswer.body)
                                         .where(PublicAnswer.shipment_id.in_(wanted))).tuples().all())
        rendered = {row["shipment_id"]: row["body"] for row in services.render(wanted)}
        if len(stored) != len(wanted) or stored != rendered:
            bad = next(k for k in wanted if stored.get(k) != rendered.get(k))
            raise SystemExit(f"stored answer of shipment {bad} differs from render():\n"
                             f"{stored.get(bad)!r}\n{rendered.get(bad)!r}")
        return len(wanted)


def database_size(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
    return row[0] if row else "?"


# ---------------------------------------------------------------- measure


def measure(app: Any, url: str, n: int, facts: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    import psycopg

    from app.vocabulary import Status

    client = app.test_client()
    tokens = {user: token(client, user) for user in ("supervisor", "clerk", "agency")}
    rng = random.Random(11)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        clerk_office = conn.execute("SELECT o.id, o.code FROM users u JOIN offices o ON o.id = u.office_id "
                                    "WHERE u.username = 'clerk'").fetchone()
        assert clerk_office is not None
        numbers = [r[0] for r in conn.execute(
            "SELECT tracking_number FROM shipments WHERE dossier_code LIKE 'SCALE-%%' AND id = ANY(%s)",
            [[facts["first_id"] + rng.randrange(n) for _ in range(args.requests)]]).fetchall()]
        at_clerk = [r[0] for r in conn.execute(
            "SELECT tracking_number FROM shipments WHERE office_id = %s ORDER BY random() LIMIT %s",
            [clerk_office[0], args.requests]).fetchall()]
        # The busiest recent working day of the clerk's office, before today.
        busy = conn.execute("SELECT business_day FROM payments WHERE office_id = %s AND business_day < "
                            "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1 GROUP BY business_day "
                            "ORDER BY business_day DESC LIMIT 1", [clerk_office[0]]).fetchone()
    today = date.today()
    month_end = today.replace(day=1) - timedelta(days=1)
    month = (month_end.replace(day=1), month_end)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_end = quarter_start - timedelta(days=1)
    quarter = (date(quarter_end.year, quarter_end.month - 2, 1), quarter_end)
    sup, clerk, agency = tokens["supervisor"], tokens["clerk"], tokens["agency"]
    deep = walk(client, sup, DEEP_PAGE)

    reads = [
        ("tracking", "public tracking", None, [f"/api/v1/track/{x}" for x in numbers]),
        ("detail", "staff detail (supervisor)", sup, [f"/api/v1/shipments/{x}" for x in numbers]),
        ("detail", "staff detail (clerk, own office)", clerk, [f"/api/v1/shipments/{x}" for x in at_clerk]),
        ("list", "staff list, newest 50 (supervisor)", sup, ["/api/v1/shipments?limit=50"]),
        ("list", "staff list, newest 50 (clerk)", clerk, ["/api/v1/shipments?limit=50"]),
        ("list", f"staff list, page {DEEP_PAGE:,} (supervisor)", sup,
         [f"/api/v1/shipments?limit=50&cursor={deep}"]),
        ("list", "staff list, awaiting collection (supervisor)", sup,
         [f"/api/v1/shipments?limit=50&status={Status.awaiting_collection.value}"]),
        ("list", "agency's list, newest 50", agency, ["/api/v1/shipments?limit=50"]),
    ]
    reports = [
        ("", f"daily reconciliation (clerk, {busy[0] if busy else '-'})", clerk,
         [f"/api/v1/reports/daily?day={busy[0] if busy else today}"]),
        ("", f"service standard, {month[0]:%m/%Y}, by office", sup,
         [f"/api/v1/reports/service-standard?from={month[0]}&to={month[1]}&group_by=office"]),
        ("", f"subsidy claim, {quarter[0]:%m}–{quarter[1]:%m/%Y}", sup,
         [f"/api/v1/reports/subsidy-claim?policy={facts['policy']}&from={quarter[0]}&to={quarter[1]}"]),
    ]
    column: dict[str, Any] = {"rows": {}}
    for count, group in ((args.requests, reads), (args.report_requests, reports)):
        for kind, label, auth, paths in group:
            times = timed(client, auth, paths, count)
            column["rows"][label] = (kind, times)
            print(f"  {label}: p50 {pct(times, 50):.2f} ms  p95 {pct(times, 95):.2f} ms", flush=True)
    return column


def token(client: Any, username: str) -> str:
    answer = client.post("/api/v1/auth/tokens", json={"username": username, "password": f"demo-{username}"})
    if answer.status_code != 201:
        raise SystemExit(f"no token for {username}: {answer.status_code} {answer.get_data()[:200]!r}")
    return answer.get_json()["token"]


def walk(client: Any, auth: str, pages: int) -> str:
    """The cursor of the page `pages` deep in the newest-first list, walked once."""
    cursor = None
    for _ in range(pages - 1):
        path = "/api/v1/shipments?limit=50" + (f"&cursor={cursor}" if cursor else "")
        answer = client.get(path, headers={"Authorization": f"Bearer {auth}"})
        cursor = answer.get_json()["next_cursor"]
        if not cursor:
            raise SystemExit(f"the list ends before page {pages}")
    assert cursor is not None
    return cursor


def timed(client: Any, auth: str | None, paths: list[str], count: int) -> list[float]:
    headers = {"Authorization": f"Bearer {auth}"} if auth else {}
    for path in paths[:3]:  # warm: connections, caches, the first plans
        check(client.get(path, headers=headers), path)
    times = []
    for k in range(count):
        path = paths[k % len(paths)]
        started = time.perf_counter()
        answer = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        check(answer, path)
    return times


def check(answer: Any, path: str) -> None:
    if answer.status_code != 200:
        raise SystemExit(f"HTTP {answer.status_code} from {path}: {answer.get_data()[:300]!r}")


def pct(times: list[float], p: int) -> float:
    if p == 50:
        return statistics.median(times)
    return statistics.quantiles(times, n=100, method="inclusive")[p - 1]


def _p50s(column: dict[str, Any], label: str) -> list[float]:
    """The p50 of `label` in each of the column's runs, in order of size."""
    return sorted(pct(rows[label][1], 50) for rows in column["runs"])


def print_table(sizes: list[int], columns: list[dict[str, Any]]) -> None:
    heads = [f"{n:,}" for n in sizes]
    labels = list(columns[0]["rows"])
    width = max(len(x) for x in labels) + 2
    print("\np50 / p95 in ms, in process (Flask test client); the machine's load shows in them;"
          "\nwith --runs, medians of the runs' p50 and p95, and the p50s' min–max in brackets")
    cell_width = 40 if len(columns[0]["runs"]) > 1 else 20
    print("what".ljust(width) + "".join(h.rjust(cell_width) for h in heads) + "   target (p50)")
    for label in labels:
        kind = columns[0]["rows"][label][0]
        cells = []
        for column in columns:
            p50s = _p50s(column, label)
            p95s = sorted(pct(rows[label][1], 95) for rows in column["runs"])
            cell = f"{statistics.median(p50s):.2f} / {statistics.median(p95s):.2f}"
            if len(p50s) > 1:
                cell += f" ({p50s[0]:.2f}–{p50s[-1]:.2f})"
            cells.append(cell.rjust(cell_width))
        target = f"≤ {TARGETS[kind]:g} ms" if kind else "listed"
        print(label.ljust(width) + "".join(cells) + f"   {target}")
    for key, label in (("fill", "fill time"), ("size", "database size")):
        print(label.ljust(width) + "".join(str(c[key]).rjust(cell_width) for c in columns))
    for n, column in zip(sizes, columns, strict=True):
        print(f"{n:,} shipments: {column['spread']}")
    if len(sizes) > 1:
        first, last = columns[0], columns[-1]
        growth = {label: statistics.median(_p50s(last, label)) / statistics.median(_p50s(first, label))
                  for label in labels}
        print(f"growth of p50 from {sizes[0]:,} to {sizes[-1]:,}: "
              + ", ".join(f"{label} ×{g:.1f}" for label, g in growth.items()))


if __name__ == "__main__":
    main()
