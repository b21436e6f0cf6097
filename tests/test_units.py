"""Administrative units: the 2025 two-level map, search and legacy conversion (SPEC §4, §7)."""
import base64
import unicodedata
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.geo.models import Commune, Province

UNITS = "/api/v1/units"
BIM_SON = {"code": "14812", "name": "Phường Bỉm Sơn", "short_name": "Bỉm Sơn", "kind": "Phường",
           "province_code": "38"}


def counts():
    communes = db.session.scalar(select(func.count()).select_from(Commune))
    provinces = db.session.scalar(select(func.count()).select_from(Province))
    thanh_hoa = db.session.scalar(select(func.count()).where(Commune.province_code == "38"))
    return provinces, communes, thanh_hoa


def test_the_whole_map_is_loaded(app):
    with app.app_context():
        assert counts() == (34, 3321, 166)
        assert db.session.get(Province, "38").name == "Tỉnh Thanh Hóa"


def test_loading_units_again_does_not_duplicate(app):
    result = app.test_cli_runner().invoke(args=["units", "load"])
    assert result.exit_code == 0, result.output
    assert "Loaded 34 provinces and 3321 communes." in result.output
    with app.app_context():
        assert counts() == (34, 3321, 166)


def search(as_user, **params):
    query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
    return as_user("clerk").get(f"{UNITS}?{query}")


@pytest.mark.parametrize("q", [
    "bim son", "Bỉm Sơn", "BIM SON", "14812", "  bim   son ", "phường bỉm sơn",
    unicodedata.normalize("NFD", "Bỉm Sơn"),
])
def test_search_is_accent_and_case_insensitive(as_user, q):
    resp = search(as_user, province="38", q=q)
    assert resp.status_code == 200, resp.get_json()
    items = resp.get_json()["items"]
    assert BIM_SON.items() <= items[0].items()
    assert [i["code"] for i in items] == ["14812"]
    assert isinstance(items[0]["lat"], float) and isinstance(items[0]["lon"], float)


def test_search_without_province_searches_everywhere(as_user):
    codes = [i["code"] for i in search(as_user, q="ba dinh", limit=200).get_json()["items"]]
    assert "00004" in codes  # Phường Ba Đình, Hà Nội: đ folds to d


def test_search_stays_in_the_province(as_user):
    items = search(as_user, province="38", q="phuong", limit=200).get_json()["items"]
    assert items and {i["province_code"] for i in items} == {"38"}
    assert all(i["kind"] == "Phường" for i in items)


def test_province_listing_honours_limit(as_user):
    assert len(search(as_user, province="38", limit=200).get_json()["items"]) == 166
    assert len(search(as_user, province="38", limit=1).get_json()["items"]) == 1


def test_keyset_cursor_walks_the_whole_list(as_user):
    everything = search(as_user, province="38", limit=200).get_json()
    assert everything["next_cursor"] is None
    codes, cursor = [], None
    while True:
        page = search(as_user, province="38", limit=50, **({"cursor": cursor} if cursor else {})).get_json()
        codes += [i["code"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert codes == [i["code"] for i in everything["items"]]
    assert len(set(codes)) == 166


def test_the_whole_country_pages_past_200(as_user):
    first = search(as_user, limit=200).get_json()
    second = search(as_user, limit=200, cursor=first["next_cursor"]).get_json()
    assert len(first["items"]) == len(second["items"]) == 200
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}


@pytest.mark.parametrize("cursor", [
    "garbage", "W10", base64.urlsafe_b64encode(b'["38", "a\\u0000", "14812"]').decode(),
    base64.urlsafe_b64encode(b'["38", "bim son", "1481"]').decode(), "\u00e9",
])
def test_foreign_cursor_is_422(as_user, cursor, problem):
    problem(search(as_user, cursor=cursor), 422, "invalid_cursor", "cursor")


@pytest.mark.parametrize("q", ["%", "_", "bim%son", "xyzzy"])
def test_like_wildcards_are_literal(as_user, q):
    resp = search(as_user, q=q)
    assert resp.status_code == 200
    assert resp.get_json()["items"] == []


@pytest.mark.parametrize("limit", ["0", "-1", "201", "abc", "1.5"])
def test_limit_bounds(as_user, limit, problem):
    problem(search(as_user, limit=limit), 422, "validation_error", "limit")


@pytest.mark.parametrize("params", [{"province": "3"}, {"province": "abc"}, {"q": "x" * 101}])
def test_bad_query_parameters(as_user, params, problem):
    problem(search(as_user, **params), 422, "validation_error", *params)


def test_convert_an_old_three_level_address(as_user):
    address = "Phường Ba Đình, Thị xã Bỉm Sơn, Tỉnh Thanh Hóa"
    resp = as_user("clerk").get(f"{UNITS}/convert?address={quote(address)}")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["input"] == address
    assert BIM_SON.items() <= body["commune"].items()
    assert body["legacy"] == {"ward": "Phường Ba Đình", "district": "Thị xã Bỉm Sơn",
                              "province": "Tỉnh Thanh Hóa"}


@pytest.mark.parametrize("address", ["xyzzy plugh, nowhere", "12345, 67890, 11111", "ab"])
def test_nonsense_address_is_422(as_user, address, problem):
    resp = as_user("clerk").get(f"{UNITS}/convert?address={quote(address)}")
    problem(resp, 422, "validation_error", "address")


def test_convert_needs_an_address(as_user, problem):
    problem(as_user("clerk").get(f"{UNITS}/convert"), 422, "validation_error", "address")
