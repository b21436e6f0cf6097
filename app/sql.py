"""SQL for batch paths (scans): statements whose text does not grow with the batch.

psycopg parses every statement's text for its placeholders and caches only short ones with
few parameters; an `IN (...)` of 500 values or a 500-row VALUES list is parsed anew each
time, which costs more than running it. On PostgreSQL these helpers pass one array per
column instead; SQLite gets the plain forms.
"""
from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, String, Table, Uuid, any_, bindparam, cast, func, insert, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeEngine

from app.extensions import db


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def one_of(column: Any, values: Iterable[Any], item_type: TypeEngine[Any]) -> ColumnElement[bool]:
    """`column IN values`, as `column = ANY(:array)` on PostgreSQL."""
    values = list(values)
    if on_postgresql():
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(item_type)))
    return column.in_(values)


def one_of_uuids(column: Any, values: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    """one_of for UUIDs. On PostgreSQL they go as one text of their hex digits, split by the
    server: psycopg writes an array of UUIDs one element at a time in Python, a few times slower
    (a 500-scan batch looks its ids up this way)."""
    values = list(values)
    if on_postgresql():
        hexes = bindparam(None, ",".join(value.hex for value in values), String())
        return column == any_(cast(func.string_to_array(hexes, ","), postgresql.ARRAY(Uuid())))
    return column.in_(values)


def insert_new(table: Table, rows: list[dict[str, Any]], unique: str, returning: list[str]) -> list[Any]:
    """Insert `rows`, skipping those whose `unique` column value is stored already (ON CONFLICT
    DO NOTHING, race-free); returns the `returning` columns of the rows inserted."""
    if not rows:
        return []
    names = list(rows[0])
    if on_postgresql():
        stmt = text(f"{_insert_json(table, names)} ON CONFLICT ({unique}) DO NOTHING "
                    f"RETURNING {', '.join(returning)}").columns(*(table.c[n] for n in returning))
        return list(db.session.execute(stmt, {"rows": _json_rows(rows)}).all())  # one fetch, not one a row
    insert = (sqlite.insert(table).on_conflict_do_nothing(index_elements=[table.c[unique]])
              .returning(*(table.c[n] for n in returning)))
    return list(db.session.execute(insert, rows).all())


def insert_rows(table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) in one statement."""
    if not rows:
        return
    if on_postgresql():
        db.session.execute(text(_insert_json(table, list(rows[0]))), {"rows": _json_rows(rows)})
        return
    db.session.execute(insert(table), rows)


def upsert(table: Table, rows: list[dict[str, Any]], unique: str) -> None:
    """Insert `rows`, replacing the other columns of those whose `unique` column value is stored."""
    if not rows:
        return
    names = list(rows[0])
    changed = ", ".join(f"{n} = excluded.{n}" for n in names if n != unique)
    if on_postgresql():
        stmt = text(f"{_insert_arrays(table, names)} ON CONFLICT ({unique}) DO UPDATE SET {changed}")
        db.session.execute(stmt, {n: [r[n] for r in rows] for n in names})
        return
    insert = sqlite.insert(table)
    db.session.execute(insert.on_conflict_do_update(
        index_elements=[table.c[unique]], set_={n: insert.excluded[n] for n in names if n != unique}), rows)


def update_rows(table: Table, rows: list[dict[str, Any]], key: str = "id") -> None:
    """Set each row's other columns on the stored row whose `key` column matches, in one
    statement on PostgreSQL (UPDATE … FROM the rows as one JSON parameter, typed by the table's
    columns; not for bytea columns)."""
    if not rows:
        return
    names = list(rows[0])
    others = [n for n in names if n != key]
    if on_postgresql():
        dialect = postgresql.dialect()
        typed = ", ".join(f"{n} {table.c[n].type.compile(dialect=dialect)}" for n in names)
        db.session.execute(
            text(f"UPDATE {table.name} SET {', '.join(f'{n} = v.{n}' for n in others)} "
                 f"FROM json_to_recordset(CAST(:rows AS json)) AS v({typed}) "
                 f"WHERE {table.name}.{key} = v.{key}"),
            {"rows": _json_rows(rows)})
        return
    stmt = (update(table).where(table.c[key] == bindparam(f"b_{key}"))
            .values({n: bindparam(f"b_{n}") for n in others}))
    db.session.execute(stmt, [{f"b_{n}": v for n, v in r.items()} for r in rows])


def _insert_json(table: Table, names: list[str]) -> str:
    """INSERT of rows given as one JSON array of objects, read by the server into the table's
    own column types (json_populate_recordset): one parameter, encoded by the json module in C,
    where an array per column costs psycopg a Python call per value. Not for bytea columns."""
    columns = ", ".join(names)
    return (f"INSERT INTO {table.name} ({columns}) SELECT {columns} "
            f"FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json))")


def _json_rows(rows: list[dict[str, Any]]) -> str:
    """The rows as one JSON text. A value json cannot write is converted once however many rows
    hold it (a batch's rows share one `now`): by identity, as every value lives in `rows` until
    the text is made."""
    converted: dict[int, Any] = {}

    def once(value: Any) -> Any:
        key = id(value)
        if key not in converted:
            converted[key] = _json_value(value)
        return converted[key]

    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=once)


def _json_value(value: Any) -> Any:
    """Values json cannot write, as PostgreSQL reads them back: times with their offset."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"no JSON for {type(value).__name__}")


def _insert_arrays(table: Table, names: list[str]) -> str:
    """INSERT of rows given as one array per column (a statement whose text never grows)."""
    dialect = postgresql.dialect()
    casts = ", ".join(f"CAST(:{n} AS {table.c[n].type.compile(dialect=dialect)}[])" for n in names)
    return f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({casts})"
