"""Where a scan batch's time goes: POST /api/v1/scans in process under cProfile, on PostgreSQL.

Run from the repository root:  .venv/bin/python bench/profile_scans.py [--batches 20] [--top 40]

Makes the scratch database (hcc_bench, dropped and made anew) as bench/scans.py does, sends
`--batches` batches of 500 scans through the Flask test client (no HTTP server: the app's own
cost), prints the wall time and this thread's CPU time (time.thread_time: the app's work, not
the database's) per batch, and the functions with the most cumulative and own time (`--cpu`: of
CPU time). Not a throughput figure: profiling slows everything; read the shares.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import support
from bench.scans import ROUND, make_batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--cpu", action="store_true",
                        help="profile this thread's CPU time (time.thread_time) instead of wall time")
    parser.add_argument("--save", help="also write the profile to this file (pstats; snakeviz reads it)")
    args = support.bounded(parser, batches=(1, 200), batch_size=(5, 1000), top=(5, 200))
    app = support.make_app(support.scratch_database())
    per_batch = args.batch_size // len(ROUND)
    numbers = support.bulk_return_shipments(app, (args.batches + 2) * per_batch, 10_000_000,
                                            support.minutes_ago(60))
    batches = make_batches(numbers, args.batch_size, support.minutes_ago(50))
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"username": "courier", "password": "demo-courier"}
                        ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    bodies = [json.dumps({"scans": b}).encode() for b in batches]

    def send(body: bytes) -> None:
        answer = client.post("/api/v1/scans", data=body, headers=headers).get_json()
        if answer["recorded"] != len(json.loads(body)["scans"]):
            raise SystemExit(f"not all recorded: {answer}")

    for body in bodies[:2]:  # warm-up: imports, caches, prepared statements
        send(body)
    started, cpu_started = time.perf_counter(), time.thread_time()
    for body in bodies[2:]:
        send(body)
    plain, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
    profile = cProfile.Profile(time.thread_time) if args.cpu else cProfile.Profile()
    timed = bodies[2:]
    numbers2 = support.bulk_return_shipments(app, len(timed) * per_batch, 20_000_000, support.minutes_ago(60))
    again = [json.dumps({"scans": b}).encode() for b in make_batches(numbers2, args.batch_size,
                                                                     support.minutes_ago(50))]
    profile.enable()
    for body in again:
        send(body)
    profile.disable()
    scans = sum(len(json.loads(b)["scans"]) for b in timed)
    per_batch_ms = plain / len(timed) * 1000
    print(f"in process, unprofiled: {scans / plain:,.0f} scans/s ({per_batch_ms:.1f} ms per batch, "
          f"{cpu / len(timed) * 1000:.1f} ms of this thread's CPU per batch)")
    if args.save:
        profile.dump_stats(args.save)
    stats = pstats.Stats(profile).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
