"""The OpenAPI document says what the server enforces (issue 9): common problems on every
operation, and patterns a value matching them passes (schemathesis relies on both)."""
import re

import pytest

from app.docs.openapi import DATE_PATTERN, MOMENT_PATTERN, PHONE_PATTERN, TEXT_PATTERN, id_number_rules
from app.fields import Moment, normalise_id_number, normalise_phone
from app.shipments import s10

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, item.get("parameters", []) + op.get("parameters", []), op


def test_every_operation_declares_the_common_problems(spec):
    components = spec["components"]["responses"]
    for path, method, _params, op in operations(spec):
        declared = set(op["responses"])
        expected = {"400", "404", "414", "422", "429", "503"}
        expected |= {"401", "403"} if "security" in op else set()
        expected |= {"409", "401"} if method != "get" else set()
        expected |= {"413", "415"} if "requestBody" in op else set()
        assert expected <= declared, (method, path, expected - declared)
    assert "Retry-After" in components["TOO_MANY_REQUESTS"]["headers"]
    assert "Retry-After" in components["SERVICE_UNAVAILABLE"]["headers"]
    assert "WWW-Authenticate" in components["UNAUTHORIZED"]["headers"]


def test_tracking_numbers_in_paths_are_s10(spec):
    seen = 0
    for _path, _method, params, _op in operations(spec):
        for param in params:
            if param.get("name") == "tracking_number":
                seen += 1
                pattern = param["schema"]["pattern"]
                assert re.fullmatch(pattern, s10.compose("HA", 1))
                assert not re.fullmatch(pattern, "ha000000015vn")
    assert seen >= 5


@pytest.mark.parametrize("phone", ["0912345678", "0323456789", "02373824123"])
def test_a_phone_matching_the_pattern_is_accepted_as_is(phone):
    assert re.fullmatch(PHONE_PATTERN, phone) and normalise_phone(phone) == phone


@pytest.mark.parametrize(("text", "matches"), [("Thôn Đông", True), ("  x ", True), ("   ", False),
                                           ("a\x1fb", False), ("dòng 1\ndòng 2", True)])
def test_text_pattern(text, matches):
    assert bool(re.fullmatch(TEXT_PATTERN, text)) is matches


def test_dates_and_times_of_this_century_only():
    assert re.fullmatch(DATE_PATTERN, "2026-11-23") and not re.fullmatch(DATE_PATTERN, "1999-12-31")
    assert Moment().deserialize("2026-11-23T09:00:00+07:00")
    assert re.fullmatch(MOMENT_PATTERN, "2026-11-23T09:00:00+07:00")
    assert not re.fullmatch(MOMENT_PATTERN, "2026-11-23T09:00:00")  # no offset: refused


def test_id_number_rules_match_normalise_id_number():
    samples = {"cccd": "038090001234", "cmnd": "038090001", "passport": "B1234567"}
    for branch in id_number_rules()["anyOf"]:
        kind = branch["properties"]["id_type"].get("const")
        number = branch["properties"]["id_number"]
        if "pattern" not in number:
            continue
        value = samples[kind] if kind else samples["cccd"]
        assert re.fullmatch(number["pattern"], value)
        assert normalise_id_number(value, kind) == (kind or "cccd", value)


def test_the_tests_shipment_body_matches_the_document(spec, shipment_body):
    """The example body the tests use is valid by the document's patterns."""
    body = shipment_body()
    schemas = spec["components"]["schemas"]
    assert re.fullmatch(schemas["PartyIn"]["properties"]["phone"]["pattern"], body["sender"]["phone"])
    line = schemas["AddressIn"]["properties"]["line"]["pattern"]
    assert re.fullmatch(line, body["recipient"]["address"]["line"])
