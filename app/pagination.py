"""Keyset pagination, one way for every list: the query schema, the page envelope, the cursor.

A cursor is the URL-safe base64 of a JSON list of the last row's position (its sort key).
It is opaque to clients; anything this API did not issue is refused with 422 `invalid_cursor`.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from app.errors import ValidationFailed
from app.extensions import db
from app.fields import Inline
from app.text import unstorable

T = TypeVar("T")
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 500  # also bounds the JSON inside: no nesting deep enough to matter
MAX_TEXT_POSITION = 200
INT64 = (-(2**63), 2**63 - 1)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")

# What one position may be: int, str, or a pattern a str must match in full.
Shape = type | re.Pattern[str]


class PageQuery(Schema):
    """limit and cursor; list queries inherit it and add their filters."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=MAX_CURSOR_LENGTH),
                           metadata={"description": "next_cursor of the previous page."})


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The envelope {items, next_cursor} for an item schema: one class per item schema."""
    name = item.__name__.removesuffix("Out") + "Page"
    return Schema.from_dict({"items": fields.List(fields.Nested(item)),
                             "next_cursor": fields.String(allow_none=True)}, name=name)


@cache
def list_of(item: type[Schema]) -> type[Schema]:
    """The envelope {items} of a short list given whole (no cursor), dumped from the list."""
    name = item.__name__.removesuffix("Out") + "List"
    return Schema.from_dict({"items": Inline(item, many=True)}, name=name)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(*position: int | str) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *shape: Shape) -> tuple[Any, ...]:
    """The position in `cursor`, one value per entry of `shape`; 422 invalid_cursor otherwise."""
    if len(cursor) > MAX_CURSOR_LENGTH or not _BASE64URL.fullmatch(cursor):
        raise _refused()
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, RecursionError):  # JSON and UTF-8 errors are ValueErrors
        raise _refused() from None
    if not isinstance(value, list) or len(value) != len(shape):
        raise _refused()
    if not all(_fits(v, s) for v, s in zip(value, shape, strict=True)):
        raise _refused()
    return tuple(value)


def _fits(value: Any, shape: Shape) -> bool:
    if isinstance(shape, re.Pattern):
        return isinstance(value, str) and shape.fullmatch(value) is not None
    if shape is int:
        return type(value) is int and INT64[0] <= value <= INT64[1]
    if shape is str:
        return isinstance(value, str) and len(value) <= MAX_TEXT_POSITION and not unstorable(value)
    return False


def _refused() -> ValidationFailed:
    return ValidationFailed("cursor", "Not a cursor this API issued.", code="invalid_cursor")


def keyset(stmt: Select[Any], key: Sequence[InstrumentedAttribute[Any]], args: Mapping[str, Any], *,
           descending: bool = False, shape: Sequence[Shape] | None = None,
           rows: bool = False) -> Page[Any]:
    """One page of `stmt` ordered by `key` (unique), after args["cursor"], of args["limit"] rows:
    its entities, or with `rows` its result rows (which must hold the key's columns by name)."""
    limit, cursor = args["limit"], args.get("cursor")
    position = tuple_(*key)
    if cursor:
        after = tuple_(*decode_cursor(cursor, *(shape or [c.type.python_type for c in key])))
        stmt = stmt.where(position < after if descending else position > after)
    order = [c.desc() if descending else c for c in key]
    stmt = stmt.order_by(*order).limit(limit + 1)
    found = list(db.session.execute(stmt).all() if rows else db.session.scalars(stmt).unique())
    if len(found) <= limit:
        return Page(found, None)
    last = found[limit - 1]
    return Page(found[:limit], encode_cursor(*(getattr(last, c.key) for c in key)))
