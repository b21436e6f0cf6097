"""Concurrent shipment creation through POST /api/v1/shipments on PostgreSQL: throughput of
serial allocation and the live-dossier check under contention (SPEC §11, acceptance point 5).

Run from the repository root:  .venv/bin/python bench/creation.py [--runs 3] [--threads 16] [--each 200]

Makes a scratch database (hcc_bench, dropped and made anew) and starts gunicorn on 127.0.0.1
(2 workers, as `make run`) serving the real app against it. Each run has `--threads` client
threads, released together, each create `--each` return shipments (the SPEC §7 body, a new
dossier code each), one connection per request, every body encoded beforehand. Checks every
answer is 201 with a distinct, valid S10 number, then prints creations per second; the
median of the runs last. tests/shipments/test_concurrency.py checks the same correctness
without timing it.
"""
from __future__ import annotations

import json
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import support


def create_all(base: str, auth: str, bodies: list[list[bytes]]) -> tuple[float, list[str]]:
    """Every thread posts its bodies; returns (seconds, tracking numbers) once all are made."""
    barrier = threading.Barrier(len(bodies))

    def work(mine: list[bytes]) -> list[str]:
        barrier.wait()
        return [json.loads(support.call(base, "POST", "/api/v1/shipments", body=body, auth=auth,
                                expect=201))["tracking_number"] for body in mine]

    started = time.perf_counter()
    with ThreadPoolExecutor(len(bodies)) as pool:
        numbers = [tn for per_thread in pool.map(work, bodies) for tn in per_thread]
    return time.perf_counter() - started, numbers


def main() -> None:
    parser = support.server_options(__doc__)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--each", type=int, default=200, help="shipments per thread and run")
    args = support.bounded(parser, runs=(1, 10), threads=(1, 64), each=(1, 1000))

    from app.shipments import s10

    url = support.scratch_database()
    support.make_app(url)
    total = args.threads * args.each
    print(f"scratch database ready; {args.runs} runs of {total} creations by {args.threads} threads, "
          f"{args.workers} gunicorn workers")
    rates = []
    with support.gunicorn(url, args.workers) as base:
        auth = support.token(base, "clerk")
        for run in range(args.runs):
            bodies = [[json.dumps(support.today_body(f"BENCH-C{run}-{t}-{n}-{uuid.uuid4().hex[:6]}")).encode()
                       for n in range(args.each)] for t in range(args.threads)]
            seconds, numbers = create_all(base, auth, bodies)
            if len(set(numbers)) != total or not all(s10.is_valid(tn) for tn in numbers):
                raise SystemExit("duplicate or invalid tracking numbers")
            rates.append(total / seconds)
            print(f"run {run + 1}: {total} creations in {seconds:.1f} s ({rates[-1]:,.0f}/s)")
    print(f"median: {statistics.median(rates):,.0f} creations/s")


if __name__ == "__main__":
    main()
