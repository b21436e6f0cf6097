"""One cursor codec for every list (app.pagination): anything it did not issue is a 422 naming
`cursor`, never a 5xx (issue 9: a base64 of deeply nested JSON raised RecursionError)."""
from __future__ import annotations

import base64
import json

import pytest

from app.errors import ValidationFailed
from app.pagination import decode_cursor, encode_cursor


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


NESTED = _b64(b"[" * 1500 + b"]" * 1500)
HOSTILE = [
    NESTED, _b64(b"[" * 300 + b"]" * 300), _b64(b"[" * 180 + b"]" * 180), "garbage!", "\u00e9",
    _b64(b"\xff\xfe"), _b64(b"{}"),
    _b64(b"[]"), _b64(b'["1"]'), _b64(b"[true]"), _b64(b"[1.5]"), _b64(b"[1, 2]"),
    _b64(json.dumps([2**63]).encode()), _b64(json.dumps([-(2**63) - 1]).encode()), _b64(b"[null]"),
]


@pytest.mark.parametrize("path", ["/api/v1/shipments", "/api/v1/pickups", "/api/v1/returns/due",
                                  "/api/v1/notices/due"])
@pytest.mark.parametrize("cursor", [NESTED, _b64(b"[" * 180 + b"]" * 180), _b64(b"[1e400]")])
def test_lists_refuse_a_hostile_cursor_naming_it(as_user, problem, path, cursor):
    problem(as_user("supervisor").get(path, query_string={"cursor": cursor}), 422, None, "cursor")


@pytest.mark.parametrize("cursor", [NESTED, _b64(b"[" * 300 + b"]" * 300)])
def test_webhooks_refuse_a_hostile_cursor_naming_it(as_user, problem, cursor):
    problem(as_user("agency").get("/api/v1/webhooks", query_string={"cursor": cursor}), 422, None, "cursor")


def test_units_refuse_a_hostile_cursor_naming_it(as_user, problem):
    problem(as_user("clerk").get("/api/v1/units", query_string={"cursor": NESTED}), 422, None, "cursor")


@pytest.mark.parametrize("cursor", HOSTILE)
def test_the_codec_refuses_what_it_did_not_issue(cursor):
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(cursor, int)
    assert refused.value.code == "invalid_cursor" and "cursor" in refused.value.errors


def test_the_codec_round_trips_positions():
    assert decode_cursor(encode_cursor(2**63 - 1), int) == (2**63 - 1,)
    assert decode_cursor(encode_cursor("38", "bim son", "14812"), str, str, str) == ("38", "bim son", "14812")
