"""A PostgreSQL primary and its streaming replica of the test's own (initdb, pg_basebackup -R,
pg_ctl on free ports in a temp folder), and an app on them driven from another interpreter
(the app's extensions are module singletons, bound to the suite's database in this one).

Both servers log every statement with the connection's application name, so a test sees which
server answered what. As root (initdb refuses it) the servers run as the `postgres` user."""
from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.config import REPO_ROOT

SERVER_OPTIONS = ("-c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off "
                  "-c shared_buffers=32MB -c max_connections=60 -c log_statement=all "
                  "-c log_min_messages=warning -c log_line_prefix='%m [%a] '")
# A log entry's first line (its time), and a statement's: application name and first line.
_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_ENTRY = re.compile(r"^\S+ \S+ \S+ \[(?P<app>.*?)\] LOG:  (?:statement|execute [^:]*): (?P<sql>.*)$")


def server_bindir() -> Path | None:
    """The newest Debian-style PostgreSQL server bin folder, or where `pg_ctl` is on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One PostgreSQL server of the pair: its folder, port and statement log."""

    def __init__(self, pair: StreamingPair, name: str) -> None:
        self.pair, self.name = pair, name
        self.data = pair.root / name
        self.log = pair.root / f"{name}.log"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/hcc"

    def start(self) -> None:
        self.pair.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
                      "-o", f"-p {self.port} -k {self.pair.root} {SERVER_OPTIONS}", "start")

    def stop(self, mode: str = "fast") -> None:
        self.pair.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def sql(self, query: str, dbname: str = "hcc") -> Any:
        """The first column of the first row of `query`, run as the superuser (autocommit)."""
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname,
                             autocommit=True, application_name="test-harness") as conn:
            cur = conn.execute(query)
            row = cur.fetchone() if cur.description else None
            return row[0] if row else None

    def mark(self) -> int:
        """Where the statement log ends now: pass it to `statements` to see what came after."""
        return self.log.stat().st_size

    def statements(self, since: int = 0, app: str | None = None) -> list[str]:
        """The statements logged since `since` (by the application named `app`), whole."""
        with self.log.open("rb") as f:
            f.seek(since)
            lines = f.read().decode("utf-8", "replace").splitlines()
        found: list[str] = []
        taking = False
        for line in lines:
            if _PREFIX.match(line):
                entry = _ENTRY.match(line)
                taking = entry is not None and app in (None, entry["app"])
                if entry is not None and taking:
                    found.append(entry["sql"])
            elif taking:
                found[-1] += "\n" + line
        return [sql.strip() for sql in found]


class StreamingPair:
    """A primary with database `hcc` and a hot standby streaming from it (pg_basebackup -R)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="hcc-replica-"))
        if self.as_root:
            shutil.chown(self.root, "postgres")
        self.primary = Server(self, "primary")
        self.replica = Server(self, "replica")

    def run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.root)
        assert done.returncode == 0, f"{tool} failed: {done.stderr or done.stdout}"

    def build(self) -> None:
        self.run("initdb", "-D", str(self.primary.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        self.primary.start()
        self.primary.sql("CREATE DATABASE hcc", dbname="postgres")
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
                 "-D", str(self.replica.data), "-R", "-X", "stream", "-c", "fast", "--no-sync")
        self.replica.start()

    def wait_replayed(self, timeout: float = 20) -> None:
        """Until the replica has replayed all the primary has written."""
        target = self.primary.sql("SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
                return
            time.sleep(0.02)
        raise AssertionError(f"the replica did not replay up to {target} in {timeout}s")

    def destroy(self) -> None:
        for server in (self.replica, self.primary):
            if (server.data / "postmaster.pid").exists():
                with contextlib.suppress(AssertionError):  # already stopped, whatever the pid file says
                    server.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def streaming_pair() -> Iterator[StreamingPair]:
    """A primary (database `hcc`, empty until an app's `setup`) and its streaming replica, for
    the tests of a module, removed after them (a test that stops a server starts it again); the
    test is skipped, saying why, where the PostgreSQL server programs are not installed."""
    bindir = server_bindir()
    if bindir is None:
        pytest.skip("the PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) are not installed: "
                    "on Debian, apt-get install postgresql")
    pair = StreamingPair(bindir)
    try:
        pair.build()
        yield pair
    finally:
        pair.destroy()


# The other interpreter: an app made from the JSON settings in argv[1], answering one JSON line
# on stdout for each JSON command line on stdin.
_DRIVER = r"""
import json, sys, time
from app import create_app
from app.extensions import db

app = create_app(json.loads(sys.argv[1]))
client = app.test_client()
for line in sys.stdin:
    command = json.loads(line)
    if command["op"] == "setup":
        from app import migrate
        from app.demo.data import demo_loaded, load_demo
        from app.geo.services import load_units, units_loaded
        with app.app_context():
            migrate.upgrade()
            if not units_loaded():
                load_units()
            if not demo_loaded():
                load_demo()
            db.session.commit()
        answer = {"done": True}
    else:
        started = time.perf_counter()
        resp = client.open(command["url"], method=command["method"], headers=command.get("headers") or {},
                           json=command.get("json"))
        answer = {"status": resp.status_code, "text": resp.get_data().decode("utf-8", "replace"),
                  "seconds": time.perf_counter() - started}
    print(json.dumps(answer), flush=True)
"""


class AppProcess:
    """An app in its own interpreter: `request("get", url, user=...)` answers status, text,
    JSON and seconds taken in the app; `log()` is what it logged."""

    def __init__(self, settings: dict[str, Any], workdir: Path) -> None:
        self.stderr_path = workdir / f"app-{_free_port()}.log"
        self._stderr = self.stderr_path.open("w")
        settings = {"TESTING": True, "SECRET_KEY": "test-secret", "ID_HASH_KEY": "test-id-hash-key",
                    "TRACKING_RATE_LIMIT_PER_MINUTE": 0, **settings}
        self.proc = subprocess.Popen([sys.executable, "-c", _DRIVER, json.dumps(settings)], cwd=REPO_ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                     text=True)
        self._tokens: dict[str, str] = {}

    def _send(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the app process ended: {self.log()}"
        return json.loads(line)

    def setup(self) -> None:
        """Migrate the primary and load the units and demo data, through the app (once)."""
        assert self._send({"op": "setup"})["done"]

    def token(self, username: str) -> str:
        if username not in self._tokens:
            resp = self.request("post", "/api/v1/auth/tokens",
                                body={"username": username, "password": f"demo-{username}"})
            assert resp["status"] == 201, resp
            self._tokens[username] = resp["json"]["token"]
        return self._tokens[username]

    def request(self, method: str, url: str, user: str | None = None, body: Any = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        answer = self._send({"op": "request", "method": method.upper(), "url": url, "headers": headers,
                             "json": body})
        try:
            answer["json"] = json.loads(answer["text"])
        except ValueError:
            answer["json"] = None
        return answer

    def log(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text()

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:  # nothing left to say: no need to wait for a clean exit
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()



@pytest.fixture
def app_process(tmp_path: Path) -> Iterator[Callable[..., AppProcess]]:
    """app_process(DATABASE_URL=..., DATABASE_REPLICA_URL=..., ...) -> an AppProcess on those
    settings (tests, secrets and no tracking rate limit set), ended with the test."""
    started: list[AppProcess] = []

    def launch(**settings: Any) -> AppProcess:
        started.append(AppProcess(settings, tmp_path))
        return started[-1]

    try:
        yield launch
    finally:
        for process in started:
            process.close()
