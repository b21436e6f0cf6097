"""`flask ops backup`, `flask ops restore` and `flask ops verify-backup` (docs/backups.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.ops import backup
from app.ops.backup import BackupError, Check

PG_BIN = click.option(
    "--pg-bin", envvar="HCC_PG_BIN", default=None, metavar="DIR",
    help="Folder of pg_dump/pg_restore (default: Debian's binaries of the server's major version, "
         "else PATH).")


@click.group("ops", cls=AppGroup, help="Backups: make, restore, check.")
def ops_group() -> None:
    pass


@ops_group.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@PG_BIN
def ops_backup(path: Path | None, pg_bin: str | None) -> None:
    """Back the database up to PATH (default: instance/backups/hcc-<UTC time>.dump or .sqlite3).
    PostgreSQL: pg_dump's custom format. SQLite: an online copy through SQLite's backup API, safe
    while the service runs and writes. The file is readable by its owner only."""
    url = current_app.config["DATABASE_URL"]
    try:
        dest = path or backup.default_path(url, Path(current_app.instance_path) / "backups")
        made = backup.backup(url, dest, pg_bin=pg_bin)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if made.note:
        click.echo(made.note)
    click.echo(f"Backed up {backup.safe_url(url)} to {made.path} "
               f"({made.size / 1e6:.1f} MB in {made.seconds:.1f} s).")


@ops_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", required=True,
              help="PostgreSQL: a database name on the configured server, or a postgresql:// URL; "
                   "created when missing. SQLite: a file path.")
@click.option("--force", is_flag=True, help="Replace what the target holds (refused otherwise).")
@PG_BIN
def ops_restore(file: Path, target: str, force: bool, pg_bin: str | None) -> None:
    """Restore the backup FILE into --target, then count every table and read alembic_version.
    To replace the running database, stop the service first and name it with --force."""
    try:
        url = backup.target_url(target, backup.kind_of_file(file), current_app.config["DATABASE_URL"])
        note = backup.restore(file, url, force=force, pg_bin=pg_bin)
        if note:
            click.echo(note)
        click.echo(f"Restored {file} into {backup.safe_url(url)}.")
        found = backup.check_database(url)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _report(found)


@ops_group.command("verify-backup")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scratch", default=None,
              help="PostgreSQL dumps: restore into this database (name or URL) and keep it; by default "
                   "a temporary database on the configured server, dropped after.")
@PG_BIN
def ops_verify_backup(file: Path, scratch: str | None, pg_bin: str | None) -> None:
    """Check a backup: SQLite files opened read-only with PRAGMA integrity_check; PostgreSQL dumps
    restored. Then every table's rows counted and alembic_version read; fails on a problem."""
    configured = current_app.config["DATABASE_URL"]
    try:
        scratch_url = backup.target_url(scratch, backup.POSTGRES, configured) if scratch else None
        found = backup.check_file(file, server_url=configured, scratch_url=scratch_url, pg_bin=pg_bin)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _report(found)


def _report(found: Check) -> None:
    width = max((len(name) for name in found.counts), default=0)
    for name, rows in found.counts.items():
        click.echo(f"  {name:<{width}}  {rows:>12,}")
    click.echo(f"{len(found.counts)} tables, {sum(found.counts.values()):,} rows; "
               f"alembic_version {found.revision or '-'} (head {found.head}).")
    for note in found.notes:
        click.echo(note)
    if not found.ok:
        raise click.ClickException("; ".join(found.problems))
    click.echo("OK")
