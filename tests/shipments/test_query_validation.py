"""Bad lookups and search parameters get a 4xx problem naming the parameter, never a 5xx."""
from __future__ import annotations

import pytest

from app.shipments import s10

SHIPMENTS = "/api/v1/shipments"


def test_unknown_tracking_number(as_user, problem):
    answer = problem(as_user("clerk").get(f"{SHIPMENTS}/EE471108151FR"), 404)
    assert answer["code"] == "shipment_not_found"


@pytest.mark.parametrize("number", ["EE471108152FR", "HB12345678VN", "HB1234567890VN", "1B123456789VN",
                                    "HB12345678XVN", "HB١٢٣٤٥٦٧٨٥VN", "x" * 500, "HB 000717595VN"])
def test_malformed_tracking_number(as_user, number, problem):
    answer = problem(as_user("clerk").get(f"{SHIPMENTS}/{number}"), 422, None, "tracking_number")
    assert answer["code"] == "invalid_tracking_number"


@pytest.mark.parametrize("number", ["HB١٢٣٤٥٦٧٨٥VN", "HB123456785VN\n", "hb123456785vn"])
def test_s10_validity_is_ascii_and_exact(number):
    assert s10.is_valid("HB123456785VN")
    assert not s10.is_valid(number)


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "e30", "eyJpZCI6ICJ4In0", "eyJpZCI6IDB9",
                                    "eyJpZCI6IDEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDB9", "W10", "bnVsbA"])
def test_bad_cursor(as_user, cursor, problem):
    # e30 = {}, eyJpZCI6ICJ4In0 = {"id": "x"}, eyJpZCI6IDB9 = {"id": 0}, W10 = [], bnVsbA = null,
    # and {"id": 10**26}, past any integer column.
    resp = as_user("clerk").get(SHIPMENTS, query_string={"cursor": cursor})
    answer = problem(resp, 422, None, "cursor")
    assert answer["code"] == "invalid_cursor"


@pytest.mark.parametrize("limit", ["0", "201", "-1", "abc", "1.5"])
def test_bad_limit(as_user, limit, problem):
    problem(as_user("clerk").get(SHIPMENTS, query_string={"limit": limit}), 422, None, "limit")


@pytest.mark.parametrize(("param", "value"), [
    ("status", "lost"), ("service", "express"), ("created_from", "yesterday"),
    ("created_to", "2026-13-01"), ("created_from", "0001-01-01"), ("created_to", "9999-12-31"),
])
def test_bad_query_parameters(as_user, param, value, problem):
    problem(as_user("clerk").get(SHIPMENTS, query_string={param: value}), 422, None, param)


@pytest.mark.parametrize("param", ["agency", "office", "dossier_code"])
def test_nul_in_query_parameters(as_user, param):
    resp = as_user("clerk").get(SHIPMENTS, query_string={param: "UBND\x00"})
    assert resp.status_code in (200, 422), resp.get_data(as_text=True)
