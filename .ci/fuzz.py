"""Schemathesis over the whole OpenAPI document, once per role, against a scratch server.

Makes a scratch database (SQLite in a temporary folder; a dedicated PostgreSQL database
beside DATABASE_URL when that is set), runs `flask setup` on it, serves it with gunicorn
on a free local port, and runs `schemathesis run --checks all` with each role's token.
Fails on any 5xx, any failed check, or a traceback in the server's log.

Knobs (environment): FUZZ_SECONDS (time budget per role, default 15), FUZZ_MAX_EXAMPLES
(cases per operation, default 10), FUZZ_ROLES (default "clerk agency courier admin
anonymous"), FUZZ_WORKERS (schemathesis workers, default 1), FUZZ_SEED, FUZZ_KEEP=1
(keep the scratch folder and database), FUZZ_REPORT_DIR (default: in the scratch folder).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = Path(__file__).with_name("fuzz_hooks.py")
ROLES = os.environ.get("FUZZ_ROLES", "clerk agency courier admin anonymous").split()
# Calls that end the caller's own session would turn the rest of a role's run into 401s;
# the anonymous run still fuzzes them.
SESSION_ENDING = r"^/api/v1/auth/(logout|password)$"
# Every fuzz request comes from 127.0.0.1: limits loose enough that sign-in and tracking are
# fuzzed rather than answered 429 (settings of app/config.py). Tokens are taken up front anyway.
SERVER_ENV = {
    "HCC_ENV": "development",
    "SMS_PROVIDER": "log",
    "TRACKING_RATE_LIMIT_PER_MINUTE": "0",
    "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS": "1000000",
    "LOGIN_FAILURES_PER_ADDRESS": "1000000",
    "LOGIN_FAILURES_PER_ACCOUNT": "1000000",
    "RATELIMIT_STORAGE_URI": "memory://",
}


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="hcc-fuzz-")).resolve()
    reports = Path(os.environ.get("FUZZ_REPORT_DIR", scratch / "reports")).resolve()
    reports.mkdir(parents=True, exist_ok=True)
    database_url, drop = scratch_database(scratch)
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url,
           "HCC_INSTANCE_DIR": str(scratch / "instance")}
    log_path = reports / "server.log"
    server = None
    ok = False
    try:
        subprocess.run([BIN / "flask", "--app", "wsgi", "setup"], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [BIN / "gunicorn", "-c", "python:app.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--error-logfile", "-", "--capture-output", "--log-level", "warning",
                 "wsgi:app"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_until_up(base, server)
        tokens = {role: token_for(base, role) for role in ROLES if role != "anonymous"}
        results = [fuzz(base, role, tokens.get(role), reports) for role in ROLES]
        tracebacks = log_path.read_text(errors="replace").count("Traceback")
        print_summary(results, tracebacks, database_url, log_path)
        ok = all(r["exit"] == 0 and r["server_errors"] == 0 for r in results) and tracebacks == 0
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if os.environ.get("FUZZ_KEEP") != "1":
            drop()
            if ok or not reports.is_relative_to(scratch):  # a failure keeps its reports
                shutil.rmtree(scratch, ignore_errors=True)
        if reports.exists():
            print(f"fuzz: reports and server log in {reports}")


def scratch_database(scratch: Path) -> tuple[str, Callable[[], None]]:
    """A database of our own: never the one DATABASE_URL names (the tests use it)."""
    given = os.environ.get("DATABASE_URL")
    if not given or given.startswith("sqlite"):
        return f"sqlite:///{scratch / 'fuzz.db'}", lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(given)
    name = f"hcc_fuzz_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit(f"fuzz: gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("fuzz: the server did not come up")


def token_for(base: str, role: str) -> str:
    body = json.dumps({"username": role, "password": f"demo-{role}"}).encode()
    request = urllib.request.Request(f"{base}/api/v1/auth/tokens", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.load(resp)["token"]


def fuzz(base: str, role: str, token: str | None, reports: Path) -> dict:
    ndjson = reports / f"{role}.ndjson"
    command = [
        str(BIN / "schemathesis"), "--config-file", str(CONFIG), "run", f"{base}/api/v1/openapi.json",
        "--checks", "all",
        "--max-examples", os.environ.get("FUZZ_MAX_EXAMPLES", "10"),
        "--max-time", os.environ.get("FUZZ_SECONDS", "15"),
        "--workers", os.environ.get("FUZZ_WORKERS", "1"),
        "--report", "ndjson,junit", "--report-ndjson-path", str(ndjson),
        "--report-junit-path", str(reports / f"{role}.xml"),
        "--no-color",
    ]
    if "FUZZ_SEED" in os.environ:
        command += ["--seed", os.environ["FUZZ_SEED"]]
    if token:
        command += ["-H", f"Authorization: Bearer {token}", "--exclude-path-regex", SESSION_ENDING]
    print(f"== fuzz as {role}", flush=True)
    started = time.monotonic()
    hooks = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}
    # In the reports folder: schemathesis keeps its crash cache (`st replay`) in ./.schemathesis.
    exit_code = subprocess.run(command, cwd=reports, env=hooks).returncode
    return {"role": role, "exit": exit_code, "seconds": round(time.monotonic() - started),
            **count_responses(ndjson)}


def count_responses(ndjson: Path) -> dict:
    """Requests sent and server errors seen, read from schemathesis' event stream."""
    sent = server_errors = 0
    if not ndjson.exists():
        return {"requests": 0, "server_errors": 0}
    for line in ndjson.read_text().splitlines():
        for status in _statuses(json.loads(line)):
            sent += 1
            server_errors += status >= 500
    return {"requests": sent, "server_errors": server_errors}


def _statuses(node: object):
    """Every recorded response's status code, wherever the event nests it."""
    if isinstance(node, dict):
        response = node.get("response")
        if isinstance(response, dict) and isinstance(response.get("status_code"), int):
            yield response["status_code"]
        for key, value in node.items():
            if key != "response":
                yield from _statuses(value)
    elif isinstance(node, list):
        for value in node:
            yield from _statuses(value)


def print_summary(results: list[dict], tracebacks: int, database_url: str, log_path: Path) -> None:
    engine = database_url.split(":", 1)[0]
    print(f"\n== fuzz summary ({engine})")
    for r in results:
        verdict = "ok" if r["exit"] == 0 and r["server_errors"] == 0 else "FAILED"
        print(f"  {r['role']:<10} {r['requests']:>6} requests  {r['server_errors']:>3} 5xx  "
              f"{r['seconds']:>4}s  schemathesis exit {r['exit']}  {verdict}")
    print(f"  tracebacks in the server log: {tracebacks} ({log_path})")


if __name__ == "__main__":
    sys.exit(main())
