"""Outbox throughput: messages/s sent by 1, 2 and 4 `flask outbox run` workers against a local
HTTP receiver, every message received exactly once.

Run from the repository root:  .venv/bin/python bench/outbox.py [--runs 3] [--messages 20000]
                               [--batch 50] [--concurrency 8] [--profile]

Makes a scratch database (hcc_outbox, dropped and made anew) and a receiver on 127.0.0.1: a
threaded http.server in this process (HTTP/1.1, keep-alive, a listen backlog of 1024 as a real
server has, for the workers' many connections opened at once) standing for both the SMS gateway
(SMS_PROVIDER=http) and an agency's endpoint. The endpoint's webhook subscription is inserted
directly in SQL, as subscriptions.check_url refuses loopback addresses in production; the
workers run with WEBHOOK_ALLOW_HTTP=1. The messages are the app's own: return shipments with
four events each (created, departed, arrived, delivery_failed), queued by
notifications.services.messages_for, which makes two citizen's SMS and four webhooks per
item; they wait as a backlog left by scan batches (the messages of 100 items share one
timestamp, as enqueue_for_events writes them).

Each run, for 1, 2 and 4 workers: empty the outbox, start the workers (separate processes
running the real `flask outbox run --batch B --concurrency C --poll-seconds 0.05`) and wait
until they are idle, insert
`--messages` messages in one transaction, due a moment after its commit, ANALYZE the table
so the claims are planned for a backlog (`--stale-statistics` skips it: the planner then
expects an empty queue, as it does in a large outbox table during a burst, and every claim
reads and sorts all due rows), and time from when they fall due to the last `sent_at` once
nothing is pending. Then check exactly once: every message id received once (SMS: the
`reference` the provider sends; webhooks: `X-HCC-Delivery`) on its own channel, nothing
twice, nothing unknown, the SMS text, number and token and the webhook body and signature as
stored, and every row `sent` after one attempt. The baseline, in the same run: the receiver's
own capacity, as many plain client processes as workers posting the same requests on one
keep-alive connection each. Prints messages/s per worker count with the receiver's figure
beside it, the medians of the runs with min–max, and the scaling 1 → 2 → 4; then what the
rates cost: CPU per message (workers, their PostgreSQL sessions, this process) read from
/proc, the connections opened to the receiver, and what the workers' database sessions were
doing (pg_stat_activity sampled every 20 ms: lock waits, WAL flushes, idle while the worker
sends). `--latency-ms` makes the receiver answer late, as a gateway across the internet.

`--profile`: instead, one run of one worker, that worker under cProfile (wall time of its main
thread: claims, settling, waiting for its sending threads; the threads' own HTTP time shows in
the CPU figure, not in the profile), then its functions by cumulative and by own time.
"""
from __future__ import annotations

import argparse
import hmac
import json
import math
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import support
from bench.support.receiver import Received, Receiver, receiver_capacity

DB_NAME = "hcc_outbox"
TIMELINE = [("departed", "BC-BIMSON", None), ("arrived", "BC-THANHHOA", None),
            ("delivery_failed", "BC-BIMSON", "addressee_absent")]
ITEMS_PER_TIMESTAMP = 100  # a POST /api/v1/scans batch of 500 scans: 100 items × 5 events
SMS_TOKEN = "bench-sms-token"
WORKER_APP = "hcc-outbox-bench-worker"  # the workers' application_name, to find their sessions


def make_messages(app: Any, count: int, hook_url: str, secret: str) -> list[dict[str, Any]]:
    """`count` outbox rows made by messages_for, from return shipments with four events each and
    one webhook subscription (every event, signed with `secret`) of their agency."""
    from sqlalchemy import insert, select

    from app.accounts.models import User
    from app.extensions import db
    from app.notifications.models import WebhookSubscription
    from app.notifications.services import messages_for
    from app.shipments.models import Shipment, TrackingEvent

    items = math.ceil(count / 6)
    numbers = support.bulk_return_shipments(app, items, 40_000_000, support.minutes_ago(60))
    ids = support.add_timelines(app, numbers, TIMELINE)
    with app.app_context():
        agency_id = db.session.scalars(select(User.agency_id).where(User.username == "agency")).one()
        db.session.execute(insert(WebhookSubscription.__table__).values(
            agency_id=agency_id, url=hook_url, secret=secret, events=[], active=True,
            consecutive_failures=0, created_at=support.utcnow()))
        db.session.commit()
        shipments = {s.id: s for s in db.session.scalars(select(Shipment).where(Shipment.id.in_(ids)))}
        events = db.session.scalars(select(TrackingEvent).where(TrackingEvent.shipment_id.in_(ids))
                                    .order_by(TrackingEvent.shipment_id, TrackingEvent.occurred_at))
        now = support.utcnow()
        messages = [m for e in events for m in messages_for(shipments[e.shipment_id], e, now)]
        db.session.rollback()
    sms = sum(1 for m in messages if m["channel"].value == "sms")
    if sms != 2 * items or len(messages) != 6 * items:
        raise SystemExit(f"expected 2 SMS and 4 webhooks per item, got {sms} SMS of {len(messages)}")
    return messages[:count]


def empty_outbox(url: str) -> None:
    """Nothing queued, sent or dead (ids keep growing, so a late duplicate shows as unknown)."""
    import psycopg

    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        conn.execute("TRUNCATE outbox_messages")


def fill(app: Any, url: str, messages: list[dict[str, Any]], analyze: bool) -> float:
    """Insert `messages` as a backlog in one transaction, due a moment after the commit, and
    ANALYZE the table (unless told not to) so the claims are planned for a backlog; returns the
    time (epoch seconds) from which they are due and committed."""
    from app.extensions import db
    from app.notifications.models import OutboxMessage
    from app.sql import insert_rows

    with app.app_context():
        due = support.utcnow() + timedelta(seconds=1 + len(messages) / 5000)
        per_timestamp = 6 * ITEMS_PER_TIMESTAMP
        rows = []
        for n, m in enumerate(messages):
            at = due + timedelta(milliseconds=n // per_timestamp)
            rows.append({**m, "created_at": at, "next_attempt_at": at})
        insert_rows(OutboxMessage.__table__, rows)
        db.session.commit()
    if analyze:
        import psycopg

        with psycopg.connect(_dsn(url), autocommit=True) as conn:
            conn.execute("ANALYZE outbox_messages")
    return max(due.timestamp(), time.time())


def start_workers(url: str, receiver: Receiver, count: int, batch: int, concurrency: int, logs: Path,
                  profile: Path | None = None) -> list[subprocess.Popen]:
    """`count` workers, idle and polling, each with its database connection open; with `profile`,
    the first runs under cProfile and writes its profile there when it stops."""
    env = {**os.environ, **support.SECRETS, "DATABASE_URL": url, "HCC_ENV": "development",
           "SMS_PROVIDER": "http", "SMS_HTTP_URL": receiver.base + "/sms", "SMS_HTTP_TOKEN": SMS_TOKEN,
           "WEBHOOK_ALLOW_HTTP": "1", "PGAPPNAME": WORKER_APP}
    flask = str(support.REPO / ".venv" / "bin" / "flask")
    procs = []
    for n in range(count):
        command = [flask, "--app", "wsgi", "outbox", "run", "--batch", str(batch),
                   "--concurrency", str(concurrency), "--poll-seconds", "0.05"]
        if profile is not None and n == 0:
            command = [sys.executable, "-m", "cProfile", "-o", str(profile), *command]
        with open(logs / f"worker-{count}-{n}.log", "ab") as err:
            procs.append(subprocess.Popen(command, cwd=support.REPO, env=env, stdout=subprocess.PIPE,
                                          stderr=err))
    for proc in procs:
        line = proc.stdout.readline() if proc.stdout else b""
        if b"Outbox worker running" not in line:
            stop_workers(procs)
            raise SystemExit(f"an outbox worker did not start (see {logs})")
    deadline = time.monotonic() + 30
    while len(worker_backends(url)) < count:
        if time.monotonic() > deadline:
            stop_workers(procs)
            raise SystemExit("the outbox workers did not connect to the database")
        time.sleep(0.05)
    return procs


def worker_backends(url: str) -> list[int]:
    import psycopg

    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        return [pid for (pid,) in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [WORKER_APP])]


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc; 0 where unreadable)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


class Sampler:
    """What the workers' database sessions are doing, sampled every 20 ms during a drain."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.states: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()

    def _sample(self) -> None:
        import psycopg

        with psycopg.connect(_dsn(self.url), autocommit=True) as conn:
            while not self.stopping.wait(0.02):
                for state, wait_type, wait, query in conn.execute(
                        "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity "
                        "WHERE application_name = %s", [WORKER_APP]):
                    self.states[_state_label(state, wait_type, wait or "", query)] += 1


def _state_label(state: str, wait_type: str | None, wait: str, query: str) -> str:
    if wait_type == "Lock":
        table = next((t for t in ("webhook_subscriptions", "outbox_messages") if t in query), "a row")
        return f"waiting for a lock ({table})"
    if "WAL" in wait:
        return "flushing WAL (commit)"
    if state == "active":
        return "running SQL"
    if state == "idle in transaction":
        return "worker busy inside a transaction"
    return "worker busy outside a transaction (HTTP, Python, CPU queue)"


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def drain(url: str, procs: list[subprocess.Popen], count: int, max_seconds: float) -> datetime:
    """Wait until nothing is pending; returns the last sent_at."""
    import psycopg

    deadline = time.monotonic() + max_seconds
    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        while True:
            row = conn.execute("SELECT count(*) FILTER (WHERE status = 'pending'), "
                               "count(*) FILTER (WHERE status = 'sent'), max(sent_at) "
                               "FROM outbox_messages").fetchone()
            assert row is not None
            pending, sent, last = row
            if pending == 0:
                if sent != count:
                    raise SystemExit(f"queue drained but {sent} of {count} messages sent (others dead)")
                return last
            if any(p.poll() is not None for p in procs):
                raise SystemExit("an outbox worker exited while messages were pending")
            if time.monotonic() > deadline:
                raise SystemExit(f"{pending} messages still pending after {max_seconds:.0f} s")
            time.sleep(0.05)


def verify(url: str, received: list[Received], secret: str) -> tuple[int, int]:
    """Exactly once, as stored: returns (SMS, webhooks) received."""
    import psycopg

    from app.notifications.sms import e164
    from app.notifications.worker import signature

    with psycopg.connect(_dsn(url)) as conn:
        stored = {r[0]: r[1:] for r in conn.execute(
            "SELECT id, channel, status, attempts, topic, phone, payload FROM outbox_messages")}
    seen: Counter[int] = Counter()
    problems: list[str] = []
    counts = Counter[str]()
    for r in received:
        if r.path == "/sms":
            body = json.loads(r.body)
            message_id = int(body["reference"])
            row = stored.get(message_id)
            if row is not None and (row[0] != "sms" or body["to"] != e164(row[4] or "")
                                    or body["text"] != row[5]["text"]
                                    or r.headers.get("Authorization") != f"Bearer {SMS_TOKEN}"):
                problems.append(f"SMS {message_id} not as stored")
        elif r.path == "/hooks":
            message_id = int(r.headers["X-HCC-Delivery"])
            row = stored.get(message_id)
            expected = json.dumps(row[5], ensure_ascii=False, separators=(",", ":")).encode() if row else b""
            stamp = int(r.headers.get("X-HCC-Signature", "t=0,").split(",")[0].removeprefix("t="))
            if row is not None and (row[0] != "webhook" or r.body != expected
                                    or r.headers["X-HCC-Event"] != row[3]
                                    or not hmac.compare_digest(r.headers["X-HCC-Signature"],
                                                               signature(secret, stamp, r.body))):
                problems.append(f"webhook {message_id} not as stored")
        else:
            problems.append(f"unexpected request to {r.path}")
            continue
        counts[r.path] += 1
        seen[message_id] += 1
    twice = [i for i, n in seen.items() if n > 1]
    unknown = [i for i in seen if i not in stored]
    missing = [i for i in stored if i not in seen]
    not_sent = [i for i, row in stored.items() if row[1] != "sent" or row[2] != 1]
    for label, ids in (("received more than once", twice), ("unknown", unknown),
                       ("never received", missing), ("not sent after one attempt", not_sent)):
        if ids:
            problems.append(f"{len(ids)} {label}, e.g. {sorted(ids)[:5]}")
    if problems:
        raise SystemExit("exactly once failed: " + "; ".join(problems[:10]))
    return counts["/sms"], counts["/hooks"]


def baseline_requests(messages: list[dict[str, Any]], secret: str) -> list[tuple[str, bytes, dict[str, str]]]:
    """The same requests the workers send (ids made up), for the plain clients."""
    from app.notifications.sms import e164
    from app.notifications.worker import signature

    requests = []
    for n, m in enumerate(messages):
        if m["channel"].value == "sms":
            sms = {"to": e164(m["phone"]), "text": m["payload"]["text"], "reference": str(n)}
            body = json.dumps(sms).encode()
            requests.append(("/baseline/sms", body, {"Content-Type": "application/json",
                                                     "Authorization": f"Bearer {SMS_TOKEN}"}))
        else:
            body = json.dumps(m["payload"], ensure_ascii=False, separators=(",", ":")).encode()
            requests.append(("/baseline/hooks", body, {
                "Content-Type": "application/json", "X-HCC-Event": m["topic"], "X-HCC-Delivery": str(n),
                "X-HCC-Signature": signature(secret, int(time.time()), body)}))
    return requests


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=20_000, help="per run and worker count")
    parser.add_argument("--most-workers", type=int, default=4, help="worker counts 1, 2, 4 … up to this")
    parser.add_argument("--batch", type=int, default=50, help="`flask outbox run --batch`")
    parser.add_argument("--concurrency", type=int, default=8, help="`flask outbox run --concurrency`")
    parser.add_argument("--max-seconds", type=float, default=600, help="to drain the queue, per run")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="the receiver waits this long before answering, as a distant gateway")
    parser.add_argument("--stale-statistics", action="store_true",
                        help="no ANALYZE after the fill: the claims planned as for an empty queue")
    parser.add_argument("--no-baseline", action="store_true", help="skip the receiver's own capacity")
    parser.add_argument("--profile", action="store_true",
                        help="instead: one run of one worker under cProfile, then where its time went")
    parser.add_argument("--top", type=int, default=30, help="with --profile: functions listed")
    args = support.bounded(parser, runs=(1, 10), messages=(60, 200_000), most_workers=(1, 8),
                           batch=(1, 1000), concurrency=(1, 64), max_seconds=(10, 1800),
                           latency_ms=(0, 2000), top=(5, 200))
    counts = [k for k in (1, 2, 4, 8) if k <= args.most_workers]
    if args.profile:
        counts, args.runs, args.no_baseline = [1], 1, True

    receiver = Receiver(args.latency_ms / 1000)
    receiver.start()
    url = support.scratch_database(DB_NAME)
    app = support.make_app(url)
    secret = secrets.token_hex(32)
    messages = make_messages(app, args.messages, receiver.base + "/hooks", secret)
    sms = sum(1 for m in messages if m["channel"].value == "sms")
    requests = baseline_requests(messages, secret)
    print(f"{len(messages):,} messages ({sms:,} SMS, {len(messages) - sms:,} webhooks) per run and worker "
          f"count; workers {', '.join(map(str, counts))} with --batch {args.batch} --concurrency "
          f"{args.concurrency}; receiver {receiver.base}"
          + (f", answering after {args.latency_ms:g} ms" if args.latency_ms else ""))

    phases: dict[int, list[Phase]] = {k: [] for k in counts}
    capacity: dict[int, list[float]] = {k: [] for k in counts}
    logs = Path(tempfile.mkdtemp(prefix="hcc-outbox-bench-"))
    try:
        for run in range(args.runs):
            line = []
            for k in counts:
                profile = logs / "worker.prof" if args.profile else None
                phase = run_phase(app, url, receiver, messages, secret, k, args, logs, profile)
                phases[k].append(phase)
                cell = f"{k} worker{'s' if k > 1 else ''} {phase.rate:,.0f} msg/s"
                if not args.no_baseline:
                    capacity[k].append(receiver_capacity(receiver, requests, k))
                    cell += f" (receiver {capacity[k][-1]:,.0f} req/s)"
                line.append(cell)
            print(f"run {run + 1}: " + "   ".join(line) + "   exactly once ✓")
    finally:
        receiver.stop()
    troubled = [p.name for p in sorted(logs.glob("*.log"))
                if b"lease lost" in p.read_bytes() or b"Traceback" in p.read_bytes()]
    if troubled:
        print(f"worker logs with lost leases or errors in {logs}: {', '.join(troubled)}")
    report(phases, capacity, len(messages))
    if args.profile:
        print_profile(logs / "worker.prof", args.top, len(messages))


def print_profile(path: Path, top: int, count: int) -> None:
    """The worker's wall time (cProfile's clock) by function: cumulative, then own."""
    import pstats

    stats = pstats.Stats(str(path))
    total = max(cum for _, _, _, cum, _ in stats.stats.values())  # type: ignore[attr-defined]
    print(f"profile of the worker process ({path}; wall time, the drain and its idle polls; "
          f"{total:.1f} s in all, {total * 1000 / count:.2f} ms per message):")
    for key in ("cumulative", "tottime"):
        stats.sort_stats(key).print_stats(top)


@dataclass
class Phase:
    rate: float  # messages/s from the fill's commit to the last sent_at
    cpu: dict[str, float]  # CPU seconds spent during the drain, by whom
    states: Counter[str]  # samples of the workers' database sessions
    connections: int  # opened to the receiver


def run_phase(app: Any, url: str, receiver: Receiver, messages: list[dict[str, Any]], secret: str,
              workers: int, args: argparse.Namespace, logs: Path, profile: Path | None = None) -> Phase:
    """Start the workers, fill, drain, stop them, check exactly once."""
    receiver.take()
    receiver.take_connections()
    empty_outbox(url)
    procs = start_workers(url, receiver, workers, args.batch, args.concurrency, logs, profile)
    backends = worker_backends(url)
    try:
        due_from = fill(app, url, messages, analyze=not args.stale_statistics)
        before = (cpu_seconds([p.pid for p in procs]), cpu_seconds(backends), time.process_time())
        with Sampler(url) as sampler:
            last = drain(url, procs, len(messages), args.max_seconds)
        after = (cpu_seconds([p.pid for p in procs]), cpu_seconds(backends), time.process_time())
    finally:
        stop_workers(procs)
    connections = receiver.take_connections()
    got_sms, got_hooks = verify(url, receiver.take(), secret)
    if got_sms + got_hooks != len(messages):
        raise SystemExit(f"received {got_sms + got_hooks} of {len(messages)}")
    cpu = dict(zip(("workers", "PostgreSQL", "bench process (receiver, polling)"),
                   (a - b for a, b in zip(after, before, strict=True)), strict=True))
    return Phase(len(messages) / (last.astimezone(UTC).timestamp() - due_from), cpu, sampler.states,
                 connections)


def report(phases: dict[int, list[Phase]], capacity: dict[int, list[float]], count: int) -> None:
    runs = len(phases[1])
    print(f"median of {runs} run(s), min–max:")
    for k, done in phases.items():
        beside = f"   receiver alone, {k} plain client(s): {spread(capacity[k])} req/s" if capacity[k] else ""
        print(f"  {k} worker{'s' if k > 1 else ' '}: {spread([p.rate for p in done])} msg/s{beside}")
    one = statistics.median(p.rate for p in phases[1])
    print("scaling (median / median of 1 worker): "
          + " → ".join(f"{k}: {statistics.median(p.rate for p in done) / one:.2f}×"
                       for k, done in phases.items()))
    print("CPU per message (median, ms; the cost behind the rate on a busy machine):")
    for k, done in phases.items():
        cells = [f"{who} {statistics.median(p.cpu[who] for p in done) * 1000 / count:.2f}"
                 for who in done[0].cpu]
        print(f"  {k} worker{'s' if k > 1 else ' '}: " + "   ".join(cells))
    print("connections opened to the receiver (median per drain): "
          + "; ".join(f"{k} worker{'s' if k > 1 else ''} {statistics.median(p.connections for p in done):.0f}"
                      for k, done in phases.items()))
    print("the workers' database sessions during the drain (share of samples, all runs):")
    for k, done in phases.items():
        states = sum((p.states for p in done), Counter[str]())
        total = sum(states.values()) or 1
        print(f"  {k} worker{'s' if k > 1 else ' '}: "
              + "; ".join(f"{label} {n / total:.0%}" for label, n in states.most_common()))


if __name__ == "__main__":
    main()
