"""How the PostgreSQL tools are called: every connection parameter of DATABASE_URL on their
command line except the password, which goes in PGPASSWORD (a command line is readable by every
user of the machine)."""
from __future__ import annotations

import os

from app.ops import backup


def test_the_password_travels_in_the_environment_only():
    url = "postgresql+psycopg://hcc:s3cr%40t%20x@db.internal:5433/hcc_prod?sslmode=require"
    conninfo, env = backup.libpq(url)

    assert env["PGPASSWORD"] == "s3cr@t x"
    assert "s3cr" not in conninfo
    assert set(conninfo.split()) == {"host=db.internal", "port=5433", "user=hcc", "dbname=hcc_prod",
                                     "sslmode=require"}


def test_a_socket_folder_in_the_query_is_the_host():
    conninfo, env = backup.libpq("postgresql:///hcc?host=/run/postgresql")

    assert set(conninfo.split()) == {"host=/run/postgresql", "dbname=hcc"}
    assert env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")  # .pgpass or the caller's own
