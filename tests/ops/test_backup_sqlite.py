"""The embedded default's online backup (issue 13, acceptance 5): `flask ops backup` copies a
live SQLite database through SQLite's backup API while another thread commits rows into it; the
copy opens, passes PRAGMA integrity_check and holds every row committed before it started — a
consistent snapshot, never half a write. Then verify-backup and restore to a path."""
from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import closing

import pytest

from app import migrate
from app.ops import backup

ROWS = 20_000  # about 10 MB, so that the copy takes a while
PAYLOAD = b"x" * 400


@pytest.fixture
def live_database(tmp_path, app, monkeypatch):
    """A migrated SQLite file with a table of rows, as the app's configured database."""
    path = tmp_path / "live.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE drill_rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        conn.executemany("INSERT INTO drill_rows (payload) VALUES (?)", [(PAYLOAD,)] * ROWS)
        conn.commit()
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # as the app runs it
    monkeypatch.setitem(app.config, "DATABASE_URL", url)
    return path


class Writer(threading.Thread):
    """Commits one row at a time into drill_rows until stopped; `committed` lists their ids."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            with closing(sqlite3.connect(self.path, timeout=30)) as conn:
                conn.execute("PRAGMA synchronous=NORMAL")
                while not self.stop.is_set():
                    row = conn.execute("INSERT INTO drill_rows (payload) VALUES (?)", (PAYLOAD,)).lastrowid
                    conn.commit()
                    self.committed.append(row)
        except BaseException as exc:  # reported by the test
            self.error = exc

    def wait_for(self, n):
        while len(self.committed) < n and self.is_alive():
            self.stop.wait(0.01)


def _ids(path):
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM drill_rows ORDER BY id")]


def test_a_backup_taken_while_rows_are_written_holds_every_committed_row(app, live_database, tmp_path):
    runner = app.test_cli_runner()
    dest = tmp_path / "backups" / "hcc.sqlite3"
    writer = Writer(live_database)
    writer.start()
    try:
        writer.wait_for(100)
        before = len(writer.committed)
        made = runner.invoke(args=["ops", "backup", str(dest)])
        during = len(writer.committed) - before
        writer.wait_for(len(writer.committed) + 100)  # and writing goes on after the copy
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None and made.exit_code == 0, (writer.error, made.output)
    assert during > 0, "no row was committed while the backup ran"

    with closing(sqlite3.connect(dest)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copied = _ids(dest)
    # Every row committed before the backup started, and a snapshot: the first n rows, no gap.
    assert copied == list(range(1, len(copied) + 1))
    assert ROWS + before <= len(copied) <= ROWS + len(writer.committed)
    assert dest.stat().st_mode & 0o777 == 0o600 and not list(dest.parent.glob("*.partial"))
    assert runner.invoke(args=["ops", "backup", str(dest)]).exit_code != 0  # never overwritten

    checked = runner.invoke(args=["ops", "verify-backup", str(dest)])
    head = backup.check_database(f"sqlite:///{live_database}").head
    assert checked.exit_code == 0, checked.output
    assert "integrity_check: ok" in checked.output
    assert f"alembic_version {head} (head {head})" in checked.output
    assert re.search(rf"^ +drill_rows +{len(copied):,}$", checked.output, re.M), checked.output


def test_restore_to_a_path_and_refusal_to_overwrite(app, live_database, tmp_path):
    runner = app.test_cli_runner()
    dest = tmp_path / "hcc.sqlite3"
    assert runner.invoke(args=["ops", "backup", str(dest)]).exit_code == 0
    target = tmp_path / "restored" / "hcc.db"

    restored = runner.invoke(args=["ops", "restore", str(dest), "--target", str(target)])

    assert restored.exit_code == 0, restored.output
    assert restored.output.rstrip().endswith("OK") and _ids(target) == list(range(1, ROWS + 1))
    with closing(sqlite3.connect(live_database)) as conn:
        conn.execute("DELETE FROM drill_rows WHERE id > 10")
        conn.commit()
    assert runner.invoke(args=["ops", "backup", str(tmp_path / "small.sqlite3")]).exit_code == 0
    refused = runner.invoke(args=["ops", "restore", str(tmp_path / "small.sqlite3"), "--target", str(target)])
    assert refused.exit_code != 0 and "restore refused (--force replaces them)" in refused.output
    assert len(_ids(target)) == ROWS
    forced = runner.invoke(args=["ops", "restore", str(tmp_path / "small.sqlite3"), "--target", str(target),
                                 "--force"])
    assert forced.exit_code == 0, forced.output
    assert _ids(target) == list(range(1, 11))


def test_a_file_that_is_no_backup_is_refused(app, live_database, tmp_path):
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a backup")
    refused = app.test_cli_runner().invoke(args=["ops", "verify-backup", str(garbage)])
    assert refused.exit_code != 0
    assert "neither a pg_dump custom-format archive nor an SQLite database" in refused.output
