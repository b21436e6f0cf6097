"""Where a staff read's time goes: GET /api/v1/shipments/{tn} (and /healthz, /auth/me, public
tracking beside it) in process, on PostgreSQL, timed by wall clock and thread CPU, then one of
them under cProfile.

Run from the repository root:  .venv/bin/python bench/profile_reads.py [--requests 2000] [--top 40]

Makes a scratch database (`--database`, hcc_bench_reads; dropped and made anew) with a few
hundred shipments of ten events each, reads them through the Flask test client as a supervisor,
and prints per-request medians side by side with /healthz (the app's floor) measured in the same
run. Not a throughput figure: read the shares.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import support

TIMELINE = [("accepted", "BC-BIMSON", None), ("departed", "BC-BIMSON", None),
            ("arrived", "BC-THANHHOA", None), ("departed", "BC-THANHHOA", None),
            ("arrived", "BC-BIMSON", None), ("out_for_delivery", "BC-BIMSON", None),
            ("delivery_failed", "BC-BIMSON", "addressee_absent"), ("out_for_delivery", "BC-BIMSON", None),
            ("delivered", "BC-BIMSON", None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--database", default="hcc_bench_reads", help="the scratch database's name")
    parser.add_argument("--profile", default="detail", help="which read to profile",
                        choices=["healthz", "me", "tracking", "detail", "list"])
    args = support.bounded(parser, requests=(50, 100_000), top=(5, 200))
    app = support.make_app(support.scratch_database(args.database))
    numbers = support.bulk_return_shipments(app, 300, 10_000_000, support.minutes_ago(60))
    support.add_timelines(app, numbers, TIMELINE)
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"username": "supervisor", "password": "demo-supervisor"}
                        ).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    reads: dict[str, tuple[list[str], dict[str, str]]] = {
        "healthz": (["/healthz"], {}),
        "me": (["/api/v1/auth/me"], auth),
        "tracking": ([f"/api/v1/track/{n}" for n in numbers], {}),
        "detail": ([f"/api/v1/shipments/{n}" for n in numbers], auth),
        "list": (["/api/v1/shipments?limit=50"], auth),
    }
    print(f"{'read':<10} {'wall p50 ms':>12} {'cpu p50 ms':>11}")
    for name, (paths, headers) in reads.items():
        wall, cpu = timed(client, paths, headers, args.requests)
        print(f"{name:<10} {wall:>12.3f} {cpu:>11.3f}", flush=True)
    paths, headers = reads[args.profile]
    profile = cProfile.Profile()
    profile.enable()
    for k in range(args.requests):
        client.get(paths[k % len(paths)], headers=headers)
    profile.disable()
    stats = pstats.Stats(profile, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


def timed(client: Any, paths: list[str], headers: dict[str, str], count: int) -> tuple[float, float]:
    for path in paths[:50]:  # warm-up: caches, prepared statements
        answer = client.get(path, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code} {answer.get_data(as_text=True)[:200]}")
    walls, cpus = [], []
    for k in range(count):
        path = paths[k % len(paths)]
        wall, cpu = time.perf_counter(), time.thread_time()
        client.get(path, headers=headers)
        cpus.append((time.thread_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus)


if __name__ == "__main__":
    main()
