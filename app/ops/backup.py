"""Backups: pg_dump's custom format for PostgreSQL, SQLite's online backup API for the embedded
default; restore into a named target; and the check that a backup holds a whole database of
this application (every table counted, `alembic_version` read). docs/backups.md.

A backup holds personal data (names, phones, addresses, ID hashes): every file is written
readable by its owner only, and appears under its name only once it is complete."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
import uuid
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from psycopg.conninfo import make_conninfo
from sqlalchemy import Engine, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from app.migrate import alembic_config

POSTGRES, SQLITE = "postgresql", "sqlite"
SUFFIXES = {POSTGRES: ".dump", SQLITE: ".sqlite3"}
_MAGIC = {b"PGDMP": POSTGRES, b"SQLite format 3\x00": SQLITE}
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


class BackupError(Exception):
    """A backup, restore or check that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    seconds: float
    note: str = ""  # the client and server versions, for PostgreSQL


@dataclass
class Check:
    """What a backup (or a restored database) holds."""

    counts: dict[str, int]
    revision: str | None
    head: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PgTool:
    path: str
    version: str
    major: int


# -- kinds and names ----------------------------------------------------------------------------

def kind_of_url(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in (POSTGRES, SQLITE):
        raise BackupError(f"no backup for {backend} databases: only PostgreSQL and SQLite")
    return backend


def kind_of_file(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(16)
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    raise BackupError(f"{path} is neither a pg_dump custom-format archive nor an SQLite database")


def default_path(url: str, folder: Path) -> Path:
    # Wall time, not the app's clock: a demo's frozen clock would give every backup one name.
    return folder / f"hcc-{datetime.now(UTC):%Y%m%dT%H%M%SZ}{SUFFIXES[kind_of_url(url)]}"


def target_url(target: str, kind: str, configured_url: str) -> str:
    """The URL of a restore target: a URL as given; for PostgreSQL a bare name is a database on
    the configured server; for SQLite a bare name is a file path."""
    if "://" in target:
        url = target
    elif kind == POSTGRES:
        if kind_of_url(configured_url) != POSTGRES:
            raise BackupError("name the target database by its postgresql:// URL "
                              "(DATABASE_URL is not PostgreSQL)")
        url = make_url(configured_url).set(database=target).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{Path(target).resolve()}"
    if kind_of_url(url) != kind:
        raise BackupError(f"a {kind} backup restores into a {kind} database, not {safe_url(url)}")
    return url


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


# -- backup -------------------------------------------------------------------------------------

def backup(url: str, dest: Path, *, pg_bin: str | None = None) -> Backup:
    """Write a backup of the database at `url` to `dest` (refused if it exists)."""
    kind = kind_of_url(url)
    if dest.exists():
        raise BackupError(f"{dest} exists: choose another file name")
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    # Created empty with owner-only rights before any row is written into it.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    started = time.monotonic()
    try:
        note = _pg_dump(url, partial, pg_bin) if kind == POSTGRES else _sqlite_copy(url, partial)
        partial.replace(dest)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return Backup(dest, dest.stat().st_size, time.monotonic() - started, note)


def _sqlite_copy(url: str, dest: Path) -> str:
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(dest)) as dst:
        # In one step (pages=-1): one read transaction, so a consistent snapshot, while the
        # service's writers go on (WAL). A copy in steps restarts whenever a writer commits.
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    return ""


def _pg_dump(url: str, dest: Path, pg_bin: str | None) -> str:
    server = server_version(url)
    tool = pg_tool("pg_dump", _major(server), pg_bin)
    if tool.major < _major(server):
        raise BackupError(
            f"pg_dump {tool.version} ({tool.path}) cannot dump a PostgreSQL {server} server: install "
            f"postgresql-client-{_major(server)} or name its folder with --pg-bin "
            f"(Debian: /usr/lib/postgresql/{_major(server)}/bin)")
    if tool.major > _major(server):
        note = (f"pg_dump {tool.version} is newer than the server (PostgreSQL {server}): "
                f"restore this dump with pg_restore {tool.major} or later")
    else:
        note = f"pg_dump {tool.version} matches the server (PostgreSQL {server})"
    conninfo, env = libpq(url)
    _run([tool.path, "--format=custom", "--no-password", f"--file={dest}", f"--dbname={conninfo}"], env)
    return note


# -- restore ------------------------------------------------------------------------------------

def restore(file: Path, url: str, *, force: bool = False, pg_bin: str | None = None) -> str:
    """Restore the backup `file` into the database at `url` (created when missing); a target
    holding tables is refused unless `force`, which replaces what it holds. Returns a note."""
    kind = kind_of_file(file)
    if kind_of_url(url) != kind:
        raise BackupError(f"a {kind} backup restores into a {kind} database, not {safe_url(url)}")
    if kind == POSTGRES:
        return _pg_restore(file, url, force, pg_bin)
    try:
        return _sqlite_restore(file, sqlite_path(url), force)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite: {exc}") from exc


def _sqlite_restore(file: Path, target: Path, force: bool) -> str:
    if target.exists() and _sqlite_tables(target) and not force:
        raise BackupError(f"{target} holds tables: restore refused (--force replaces them)")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with closing(_sqlite_read_only(file)) as src, closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst)  # through SQLite's locks, so safe even into a file a process has open
    target.chmod(0o600)
    return ""


def _pg_restore(file: Path, url: str, force: bool, pg_bin: str | None) -> str:
    server = server_version(_maintenance_url(url))
    tool = pg_tool("pg_restore", _major(server), pg_bin)
    dumped = archive_versions(tool, file)
    if dumped.get("pg_dump") and tool.major < _major(dumped["pg_dump"]):
        raise BackupError(f"pg_restore {tool.version} cannot read a dump made by pg_dump "
                          f"{dumped['pg_dump']}: install postgresql-client-{_major(dumped['pg_dump'])} "
                          "or use --pg-bin")
    note = (f"dumped from PostgreSQL {dumped.get('database', '?')} by pg_dump {dumped.get('pg_dump', '?')}; "
            f"restored into PostgreSQL {server} by pg_restore {tool.version}")
    if dumped.get("database") and _major(dumped["database"]) > _major(server):
        note += " (into an older server than the dump's: not supported by PostgreSQL)"
    create_database(url)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            held = conn.scalar(text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'"))
        if held and not force:
            raise BackupError(f"{safe_url(url)} holds {held} relations (tables, indexes, sequences): "
                              "restore refused (--force replaces them)")
        if held:
            _empty_schemas(engine)  # a restore that then fails leaves the target empty
    finally:
        engine.dispose()
    conninfo, env = libpq(url)
    # Owned by whoever restores; all or nothing.
    _run([tool.path, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--no-password", f"--dbname={conninfo}", str(file)], env)
    return note


def _empty_schemas(engine: Engine) -> None:
    with engine.begin() as conn:
        schemas = conn.scalars(text("SELECT nspname FROM pg_namespace WHERE nspname <> "
                                    "'information_schema' AND nspname NOT LIKE 'pg\\_%'")).all()
        quote = engine.dialect.identifier_preparer.quote
        for schema in schemas:
            conn.execute(text(f"DROP SCHEMA {quote(schema)} CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def create_database(url: str) -> bool:
    """Create the PostgreSQL database `url` names, when it does not exist; True if created."""
    name = _database_name(url)
    engine = _engine(_maintenance_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                return False
            conn.execute(text(f"CREATE DATABASE {engine.dialect.identifier_preparer.quote(name)} "
                              "TEMPLATE template0"))
            return True
    finally:
        engine.dispose()


def drop_database(url: str) -> None:
    """Drop the PostgreSQL database `url` names, closing its connections (PostgreSQL 13+)."""
    name = _database_name(url)
    engine = _engine(_maintenance_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {engine.dialect.identifier_preparer.quote(name)} "
                              "WITH (FORCE)"))
    finally:
        engine.dispose()


# -- check --------------------------------------------------------------------------------------

def check_file(file: Path, *, server_url: str, scratch_url: str | None = None,
               pg_bin: str | None = None) -> Check:
    """Check a backup file. An SQLite file is opened read-only and checked page by page; a dump
    is restored into `scratch_url` (kept), or into a temporary database on the server of
    `server_url` (dropped after), and that is checked."""
    if kind_of_file(file) == SQLITE:
        try:
            with closing(_sqlite_read_only(file)) as conn:
                integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{file}: {exc}") from exc
        found = _check(create_engine("sqlite://", creator=lambda: _sqlite_read_only(file),
                                     poolclass=NullPool))
        if integrity != ["ok"]:
            found.problems.insert(0, "integrity_check: " + "; ".join(integrity[:5]))
        else:
            found.notes.insert(0, "integrity_check: ok")
        return found
    temporary = scratch_url is None
    if scratch_url is None:
        if kind_of_url(server_url) != POSTGRES:
            raise BackupError("checking a PostgreSQL dump restores it: name a scratch database "
                              "by its URL (--scratch)")
        scratch_url = make_url(server_url).set(database=f"hcc_verify_{uuid.uuid4().hex[:12]}") \
            .render_as_string(hide_password=False)
    try:
        note = restore(file, scratch_url, pg_bin=pg_bin)
        found = check_database(scratch_url)
        found.notes.insert(0, note)
        return found
    finally:
        if temporary:
            drop_database(scratch_url)


def check_database(url: str) -> Check:
    """Count the rows of every table and read `alembic_version` against the migrations' head."""
    return _check(_engine(url))


def _check(engine: Engine) -> Check:
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
    head = script.get_current_head() or ""
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            counts = {name: conn.scalar(select(func.count()).select_from(table(name))) or 0
                      for name in names}
            revisions = (conn.scalars(text("SELECT version_num FROM alembic_version")).all()
                         if "alembic_version" in names else [])
    finally:
        engine.dispose()
    found = Check(counts, revisions[0] if len(revisions) == 1 else None, head)
    if not revisions:
        found.problems.append("no alembic_version: not a database of this application, or not migrated")
    elif len(revisions) > 1:
        found.problems.append(f"alembic_version holds {len(revisions)} revisions: {', '.join(revisions)}")
    elif revisions[0] != head:
        try:
            script.get_revision(revisions[0])
        except CommandError:
            found.problems.append(f"alembic_version {found.revision} is unknown to this release "
                                  "(made by a newer one?)")
        else:
            found.notes.append(f"alembic_version {found.revision} is behind {head}: "
                               "run `flask db upgrade` on the restored database")
    else:
        from app.db import Base, import_all_models

        import_all_models()
        missing = sorted(set(Base.metadata.tables) - set(names))
        if missing:
            found.problems.append(f"tables missing at head: {', '.join(missing)}")
    return found


# -- PostgreSQL client tools and connections ----------------------------------------------------

def pg_tool(name: str, server_major: int, pg_bin: str | None = None) -> PgTool:
    """The client tool `name`: from `pg_bin` when given; else Debian's binaries of the server's
    major version (/usr/lib/postgresql/<major>/bin), else the one on PATH."""
    candidates = [Path(pg_bin) / name] if pg_bin else [
        Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"), shutil.which(name)]
    found = next((str(c) for c in candidates if c and os.access(c, os.X_OK) and Path(c).is_file()), None)
    if found is None:
        where = f" in {pg_bin}" if pg_bin else ""
        raise BackupError(f"{name} not found{where}: install postgresql-client-{server_major} "
                          "(`make sysdeps` installs Debian's postgresql-client)")
    out = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout
    version = _VERSION.search(out.split("PostgreSQL)", 1)[-1])  # pg_dump (PostgreSQL) 15.20 (Debian…)
    if version is None:
        raise BackupError(f"{found} --version said {out.strip()!r}")
    return PgTool(found, version.group(0), int(version.group(1)))


def server_version(url: str) -> str:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.scalar(text("SHOW server_version"))).split()[0]
    finally:
        engine.dispose()


def archive_versions(tool: PgTool, file: Path) -> dict[str, str]:
    """The versions a dump's header names: {"database": "15.20", "pg_dump": "15.20"}."""
    out = subprocess.run([tool.path, "--list", str(file)], capture_output=True, text=True)
    if out.returncode != 0:
        raise BackupError(f"pg_restore cannot read {file}: {out.stderr.strip()}")
    found = {}
    for key, label in (("database", "Dumped from database version"),
                       ("pg_dump", "Dumped by pg_dump version")):
        line = re.search(rf"{label}: (\S+)", out.stdout)
        if line:
            found[key] = line.group(1)
    return found


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A connection string for the PostgreSQL tools, and their environment: the password goes in
    PGPASSWORD, never on the command line (which any user of the machine can read)."""
    parsed = make_url(url)
    params = {"host": parsed.host, "port": parsed.port, "user": parsed.username, "dbname": parsed.database}
    params.update({k: v for k, v in parsed.query.items() if isinstance(v, str)})  # sslmode, host=/run/...
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return make_conninfo(**{k: str(v) for k, v in params.items() if v is not None}), env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()}")


def _major(version: str) -> int:
    return int(version.split(".")[0])


def _engine(url: str | URL, **options: Any) -> Engine:
    parsed = make_url(url)
    if parsed.drivername == POSTGRES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, poolclass=NullPool, hide_parameters=True, **options)


def _database_name(url: str) -> str:
    name = make_url(url).database
    if not name:
        raise BackupError(f"{safe_url(url)} names no database")
    return name


def _maintenance_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


# -- SQLite -------------------------------------------------------------------------------------

def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(database).resolve()


def _sqlite_read_only(file: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_tables(path: Path) -> int:
    with suppress(sqlite3.DatabaseError), closing(_sqlite_read_only(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    return 1  # not a database: something is there all the same
