"""Public tracking under concurrent load (SPEC §11: ≥ 50% of the throughput of a trivial
endpoint on the same server, 2 cores).

Run from the repository root:  .venv/bin/python bench/tracking.py [--runs 3] [--seconds 10]

Makes a scratch database (hcc_bench, dropped and made anew) holding `--items` return
shipments with eight events each (created, accepted, through the provincial office and
back, out for delivery, a failed delivery), starts gunicorn on 127.0.0.1 (2 workers, as
`make run`) serving the real app against it (the rate limiter on, with an allowance too
large to refuse anything), and loads it with `wrk` (Debian's package, installed with
apt-get when missing): GET /healthz, then GET /api/v1/track/{a random item}, same
connections and duration, `--runs` times. Every answer is the one stored by the write path
(app.tracking.answers), never stale. Prints both throughputs and their ratio per run, and
the medians. Without wrk
(no apt), a bounded Python load generator stands in, and the script says so: on two cores
it competes with the server.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import support

# The shipped configuration: answers stored by the write path, read by primary key.
CONFIGURATIONS: list[tuple[str, dict[str, str]]] = [("stored answers (never stale)", {})]
TIMELINE = [("accepted", "BC-BIMSON", None), ("departed", "BC-BIMSON", None),
            ("arrived", "BC-THANHHOA", None), ("departed", "BC-THANHHOA", None),
            ("arrived", "BC-BIMSON", None), ("out_for_delivery", "BC-BIMSON", None),
            ("delivery_failed", "BC-BIMSON", "addressee_absent")]


def ensure_wrk() -> str | None:
    if shutil.which("wrk"):
        return shutil.which("wrk")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    print("installing wrk (Debian package) …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, "apt-get", "install", "-y", "-qq", "wrk"]
    for cmd in (install, [*sudo, "apt-get", "update", "-qq"], install):
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if done.returncode == 0 and shutil.which("wrk"):
            break
    return shutil.which("wrk")


def run_wrk(wrk: str, url: str, script: Path | None, seconds: int, connections: int, threads: int) -> float:
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out or ("Socket errors" in out and "timeout 0" not in out):
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if bad:
            raise SystemExit(f"{bad.group(1)} failed responses from {url}:\n{out}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None:
        raise SystemExit(f"wrk printed no rate:\n{out}")
    return float(rate.group(1))


def run_python(base: str, paths: list[str], seconds: int, connections: int) -> float:
    """Fallback load generator: `connections` threads, bounded by time."""
    done = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(n: int) -> None:
        count = 0
        while time.monotonic() < deadline:
            support.call(base, "GET", paths[(n + count * connections) % len(paths)], timeout=10)
            count += 1
        with lock:
            done[0] += count

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.perf_counter() - started)


def main() -> None:
    parser = support.server_options(__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="per endpoint and run")
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=32)
    args = support.bounded(parser, runs=(1, 10), seconds=(1, 60), items=(1, 100_000))

    url = support.scratch_database()
    app = support.make_app(url)
    numbers = support.bulk_return_shipments(app, args.items, 30_000_000, support.minutes_ago(60))
    support.add_timelines(app, numbers, TIMELINE)
    paths = [f"/api/v1/track/{n}" for n in numbers]
    wrk = ensure_wrk()
    tool = "wrk" if wrk else "a Python load generator (no wrk: figures understate the server)"
    print(f"{args.items} items with 8 events; {args.workers} gunicorn workers; {tool}, "
          f"{args.connections} connections, {args.seconds} s per endpoint and run")

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "track.lua"
        script.write_text("local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
                          "request = function() return wrk.format(\"GET\", paths[math.random(#paths)]) end\n")
        medians = {}
        for label, env in CONFIGURATIONS:
            print(f"-- {label}")
            medians[label] = measure(args, wrk, script, paths, url, env)
    for label, (trivial, tracking, ratio) in medians.items():
        print(f"median, {label}: /healthz {trivial:,.0f} req/s   tracking {tracking:,.0f} req/s   "
              f"ratio {ratio:.0%} (median of the runs' ratios; target ≥ 50%)")


def measure(args: argparse.Namespace, wrk: str | None, script: Path, paths: list[str], url: str,
            env: dict[str, str]) -> tuple[float, float, float]:
    # The limiter stays on, with an allowance too large to refuse anything from one address.
    with support.gunicorn(url, args.workers, {"TRACKING_RATE_LIMIT_PER_MINUTE": str(10**9), **env}) as base:
        with urllib.request.urlopen(base + paths[0], timeout=10) as resp:  # warm and check
            assert resp.status == 200 and b"status_label" in resp.read()
        results = []
        for run in range(args.runs):
            if wrk:
                trivial = run_wrk(wrk, base + "/healthz", None, args.seconds, args.connections, 2)
                tracking = run_wrk(wrk, base + paths[0], script, args.seconds, args.connections, 2)
            else:
                trivial = run_python(base, ["/healthz"], args.seconds, args.connections)
                tracking = run_python(base, paths, args.seconds, args.connections)
            results.append((trivial, tracking))
            print(f"run {run + 1}: /healthz {trivial:,.0f} req/s   /api/v1/track {tracking:,.0f} req/s   "
                  f"tracking / trivial = {tracking / trivial:.0%}")
    return (statistics.median(t for t, _ in results), statistics.median(k for _, k in results),
            statistics.median(k / t for t, k in results))


if __name__ == "__main__":
    main()
