"""Scan ingest through POST /api/v1/scans on PostgreSQL (SPEC §11: ≥ 3,000 scans/s on 2 cores;
the ambition: within 3× of plain SQL doing the same idempotent inserts and status updates).

Run from the repository root:  .venv/bin/python bench/scans.py [--runs 3] [--batches 40]

Makes a scratch database (hcc_bench, dropped and made anew), bulk-loads return shipments,
and starts gunicorn on 127.0.0.1 (2 workers, as `make run`) serving the real app against
it. Each run sends batches of 500 scans (100 items × accepted, departed, arrived,
out_for_delivery, delivery_failed: the last two queue an SMS each) from `--clients`
threads, one connection per request, every body encoded beforehand, and checks every scan
came back `recorded`. Then the baseline does the same on fresh items over plain psycopg:
per batch, lock the items (FOR UPDATE, id order), INSERT the events from arrays ON CONFLICT
(scan_id) DO NOTHING, UPDATE the statuses from arrays, commit; as many threads. Both rates
and their ratio are printed per run. After a warm-up, loops are bounded by count and time.
"""
from __future__ import annotations

import json
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import support

ROUND = [("accepted", {}), ("departed", {"office_code": "BC-BIMSON"}),
         ("arrived", {"office_code": "BC-THANHHOA"}), ("out_for_delivery", {}),
         ("delivery_failed", {"reason": "addressee_absent"})]
STATUS_AFTER_ROUND = "awaiting_collection"


def make_batches(numbers: list[str], batch_size: int, start: datetime) -> list[list[dict]]:
    """Batches of whole rounds: each item's five scans in one batch, rounds interleaved."""
    per_batch = batch_size // len(ROUND)
    batches = []
    for b in range(0, len(numbers), per_batch):
        items = numbers[b:b + per_batch]
        batches.append([
            {"id": str(uuid.uuid4()), "tracking_number": tn, "event": event,
             "occurred_at": (start + timedelta(seconds=60 * k + j / 100)).isoformat(), **extra}
            for k, (event, extra) in enumerate(ROUND) for j, tn in enumerate(items)])
    return batches


def run_api(base: str, auth: str, batches: list[list[dict]], clients: int, max_seconds: float) -> float:
    bodies = [json.dumps({"scans": b}).encode() for b in batches]
    lock = threading.Lock()
    queue = list(range(len(bodies)))
    recorded = [0]
    deadline = time.monotonic() + max_seconds

    def worker(_i: int) -> None:
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                n = queue.pop()
            data = support.call(base, "POST", "/api/v1/scans", body=bodies[n], auth=auth)
            with lock:
                recorded[0] += json.loads(data)["recorded"]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    elapsed = time.perf_counter() - started
    sent = sum(len(b) for b in batches)
    if recorded[0] != sent:
        raise SystemExit(f"only {recorded[0]} of {sent} scans recorded")
    return sent / elapsed


def run_sql(url: str, batches: list[list[dict]], clients: int) -> float:
    """The same idempotent inserts and status updates in plain SQL, on as many connections."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        office: dict[str, int] = dict(conn.execute("SELECT code, id FROM offices").fetchall())
        courier = conn.execute("SELECT id FROM users WHERE username = 'courier'").fetchone()
        if courier is None:
            raise SystemExit("the demo courier is missing")
        actor = courier[0]
    lock = threading.Lock()
    queue = list(range(len(batches)))

    def worker(_i: int) -> None:
        with psycopg.connect(dsn) as conn:
            while True:
                with lock:
                    if not queue:
                        return
                    batch = batches[queue.pop()]
                numbers = sorted({s["tracking_number"] for s in batch})
                with conn.transaction():
                    ids: dict[str, int] = dict(conn.execute(
                        "SELECT tracking_number, id FROM shipments WHERE tracking_number = ANY(%s) "
                        "ORDER BY id FOR UPDATE", [numbers]).fetchall())
                    rows = [(ids[s["tracking_number"]], s["event"], s["occurred_at"],
                             office.get(s.get("office_code", ""), office["BC-BIMSON"]),
                             s["id"], s.get("reason")) for s in batch]
                    cols = list(map(list, zip(*rows, strict=True)))
                    conn.execute(
                        "INSERT INTO tracking_events (shipment_id, event, upu_code, occurred_at, "
                        "recorded_at, office_id, actor_id, scan_id, reason) "
                        "SELECT s, e, NULL, o::timestamptz, now(), f, %s, u::uuid, r FROM unnest("
                        "%s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[]) "
                        "AS t(s, e, o, f, u, r) ON CONFLICT (scan_id) DO NOTHING RETURNING id",
                        [actor, *cols]).fetchall()
                    conn.execute(
                        "UPDATE shipments SET status = %s, updated_at = now() WHERE id = ANY(%s)",
                        [STATUS_AFTER_ROUND, list(ids.values())])

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    return sum(len(b) for b in batches) / (time.perf_counter() - started)


def main() -> None:
    parser = support.server_options(__doc__)
    parser.add_argument("--batches", type=int, default=40, help="batches per run (of 500 scans)")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--max-seconds", type=float, default=120, help="per run, API part")
    args = support.bounded(parser, runs=(1, 10), batches=(1, 400), batch_size=(5, 1000))

    url = support.scratch_database()
    app = support.make_app(url)
    items = args.batches * (args.batch_size // len(ROUND))
    print(f"scratch database ready; {args.runs} runs of {args.batches} batches × {args.batch_size} scans, "
          f"{args.workers} gunicorn workers, {args.clients} clients")
    results = []
    with support.gunicorn(url, args.workers) as base:
        auth = support.token(base, "courier")
        warm_items = 4 * args.clients * (args.batch_size // len(ROUND))
        warm = support.bulk_return_shipments(app, warm_items, 90_000_000, support.minutes_ago(60))
        run_api(base, auth, make_batches(warm, args.batch_size, support.minutes_ago(50)),
                args.clients, args.max_seconds)
        for run in range(args.runs):
            created = support.minutes_ago(60)
            for_api = support.bulk_return_shipments(app, items, 10_000_000 + 2 * run * items, created)
            for_sql = support.bulk_return_shipments(app, items, 10_000_000 + (2 * run + 1) * items, created)
            start = support.minutes_ago(50)
            api = run_api(base, auth, make_batches(for_api, args.batch_size, start), args.clients,
                          args.max_seconds)
            sql = run_sql(url, make_batches(for_sql, args.batch_size, start), args.clients)
            results.append((api, sql))
            print(f"run {run + 1}: API {api:,.0f} scans/s   plain SQL {sql:,.0f} scans/s   "
                  f"plain SQL / API = {sql / api:.1f}×")
    api_median = statistics.median(a for a, _ in results)
    sql_median = statistics.median(s for _, s in results)
    ratio = statistics.median(s / a for a, s in results)
    print(f"median: API {api_median:,.0f} scans/s (target ≥ 3,000)   plain SQL {sql_median:,.0f} scans/s   "
          f"ratio {ratio:.1f}× (median of the runs' ratios; ambition ≤ 3×)")


if __name__ == "__main__":
    main()
