"""Bad shipment bodies get a 4xx problem naming the field, never a 5xx (acceptance point 3)."""
from __future__ import annotations

import unicodedata
from typing import Any

import pytest

SHIPMENTS = "/api/v1/shipments"
PROBLEM = "application/problem+json"


def _walk(body: Any, path: str) -> tuple[Any, Any]:
    """The container holding the dotted `path` ("items.0.name") and the last key."""
    *parents, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    for key in parents:
        body = body[key]
    return body, last


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    parent, key = _walk(body, path)
    parent[key] = value


def _drop(body: dict[str, Any], path: str) -> None:
    parent, key = _walk(body, path)
    del parent[key]


REQUIRED = [
    "service", "dossier", "dossier.code", "agency_code",
    "sender", "sender.name", "sender.phone", "sender.address",
    "sender.address.line", "sender.address.unit_code",
    "recipient", "recipient.name", "recipient.phone", "recipient.address",
    "recipient.address.line", "recipient.address.unit_code",
    "weight_g", "items", "items.0.name", "items.0.original", "items.0.count",
]


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_required_field(as_user, shipment_body, field, problem):
    body = shipment_body()
    _drop(body, field)
    resp = as_user("clerk").post(SHIPMENTS, json=body)
    answer = problem(resp, 422, None, field)
    assert answer["code"] == "validation_error"


@pytest.mark.parametrize("field", ["service", "dossier.code", "agency_code", "sender.name",
                                   "recipient.phone", "weight_g", "items"])
def test_null_required_field(as_user, shipment_body, field, problem):
    body = shipment_body()
    _set(body, field, None)
    problem(as_user("clerk").post(SHIPMENTS, json=body), 422, None, field)


@pytest.mark.parametrize(("field", "value"), [
    ("weight_g", "120"),
    ("weight_g", 120.5),
    ("weight_g", True),
    ("items", "Trích lục khai sinh"),
    ("items", {"name": "x"}),
    ("items.0.original", "yes"),
    ("items.0.original", 1),
    ("items.0.count", "1"),
    ("items.0.count", 0),
    ("service", "express"),
    ("dossier", "000.00.12.H56-200313-0001"),
    ("dossier.code", 12),
    ("dossier.code", ""),
    ("dossier.code", "x" * 65),
    ("sender.name", ["UBND"]),
    ("sender.address", "Số 1 Trần Phú"),
    ("sender.address.unit_code", 14812),
    ("sender.address.unit_code", "1481"),
    ("recipient.name", "Nguyễn\x00Văn"),
    ("recipient.address.line", "x" * 301),
    ("collect_fee_vnd", -1),
    ("collect_fee_vnd", "0"),
    ("accepted_on", "16/03/2020"),
    ("beneficiary.category", "friend_of_the_director"),
    ("beneficiary.certificate", None),
])
def test_wrong_type_or_value(as_user, shipment_body, field, value, problem):
    body = shipment_body()
    _set(body, field, value)
    problem(as_user("clerk").post(SHIPMENTS, json=body), 422, None, field)


@pytest.mark.parametrize("phone", ["12345", "0912 345 67", "+1 212 555 0100", "091234567x",
                                   "０９１２３４５６７"])
def test_bad_recipient_phone(as_user, shipment_body, phone, problem):
    body = shipment_body()
    body["recipient"]["phone"] = phone
    problem(as_user("clerk").post(SHIPMENTS, json=body), 422, None, "recipient.phone")


@pytest.mark.parametrize(("phone", "stored"), [
    ("+84 912 345 678", "0912345678"), ("091-234-5678", "0912345678"), ("0237.382.4123", "02373824123"),
])
def test_phone_is_normalised(phone, stored, make_shipment, shipment_body):
    out = make_shipment(recipient={**shipment_body()["recipient"], "phone": phone})
    assert out["recipient"]["phone"] == stored


@pytest.mark.parametrize(("id_number", "id_type"), [
    ("03809000123", None),        # 11 digits: neither CCCD nor CMND
    ("0380900012ab", None),       # letters
    ("B1234567", None),           # a passport number without id_type passport
    ("0380900012345", "cccd"),
    ("03809000", "cmnd"),
    ("B12", "passport"),
])
def test_bad_id_number(as_user, shipment_body, id_number, id_type, problem):
    body = shipment_body()
    body["recipient"].update(id_number=id_number, id_type=id_type)
    problem(as_user("clerk").post(SHIPMENTS, json=body), 422, None, "recipient.id_number")


def test_unknown_id_type(as_user, shipment_body, problem):
    body = shipment_body()
    body["recipient"].update(id_number="038090001234", id_type="driving_licence")
    problem(as_user("clerk").post(SHIPMENTS, json=body), 422, None, "recipient.id_type")


@pytest.mark.parametrize(("id_number", "id_type", "stored_type", "last4"), [
    ("B1234567", "passport", "passport", "4567"),
    ("c9876543", "passport", "passport", "6543"),
    ("038 090 001 234", None, "cccd", "1234"),
    ("172345678", None, "cmnd", "5678"),
    ("172345678", "cmnd", "cmnd", "5678"),
])
def test_good_id_numbers(id_number, id_type, stored_type, last4, make_shipment, shipment_body):
    recipient = {**shipment_body()["recipient"], "id_number": id_number, "id_type": id_type}
    out = make_shipment(recipient=recipient)
    assert out["recipient"]["id_last4"] == last4
    assert out["recipient"]["id_type"] == stored_type


def test_recipient_without_id_number(make_shipment, shipment_body):
    recipient = {k: v for k, v in shipment_body()["recipient"].items() if k != "id_number"}
    out = make_shipment(recipient=recipient)
    assert out["recipient"]["id_type"] is None and out["recipient"]["id_last4"] is None


@pytest.mark.parametrize("field", ["recipient.address.unit_code", "sender.address.unit_code"])
def test_unknown_commune(as_user, shipment_body, field, problem):
    body = shipment_body()
    _set(body, field, "99999")
    answer = problem(as_user("clerk").post(SHIPMENTS, json=body), 422, None, field)
    assert answer["code"] == "unknown_unit"


@pytest.mark.parametrize("weight", [0, -1, -120, 30_001, 10**30])
def test_weight_out_of_range(as_user, shipment_body, weight, problem):
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body(weight_g=weight))
    problem(resp, 422, None, "weight_g")


def test_maximum_weight_is_accepted(make_shipment):
    assert make_shipment(weight_g=30_000)["weight_g"] == 30_000


@pytest.mark.parametrize("code", ["UBND-00000", "ubnd-14812", "", "\x00"])
def test_unknown_agency_code(as_user, shipment_body, code, problem):
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body(agency_code=code))
    problem(resp, 422, None, "agency_code")


@pytest.mark.parametrize("field", ["dossier.code", "recipient.id_number", "sender.address.unit_code",
                                   "office_code"])
def test_nul_bytes_are_refused_not_crashed_on(as_user, shipment_body, field, problem):
    body = shipment_body()
    _set(body, field, "14812\x00")
    problem(as_user("supervisor").post(SHIPMENTS, json=body), 422, None, field)


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2", b"\xff\xfe", b"null", b"[]", b'"text"', b"42"])
def test_non_json_or_non_object_body(as_user, raw):
    resp = as_user("clerk").post(SHIPMENTS, data=raw, content_type="application/json")
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)
    assert resp.mimetype == PROBLEM


def test_wrong_content_type(as_user, shipment_body, problem):
    import json

    resp = as_user("clerk").post(SHIPMENTS, data=json.dumps(shipment_body()), content_type="text/plain")
    answer = problem(resp, 415)
    assert answer["code"] == "unsupported_media_type"


def test_form_body_is_refused(as_user, problem):
    resp = as_user("clerk").post(SHIPMENTS, data={"service": "return"})
    problem(resp, 415)


def test_body_over_the_limit(app, as_user, shipment_body, problem):
    body = shipment_body()
    body["dossier"]["procedure"] = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    answer = problem(as_user("clerk").post(SHIPMENTS, json=body), 413)
    assert answer["code"] == "payload_too_large"


def test_names_sent_in_nfd_come_back_nfc(as_user, make_shipment, shipment_body):
    nfc_name = "Nguyễn Văn Ất"
    nfd_name = unicodedata.normalize("NFD", nfc_name)
    assert nfd_name != nfc_name
    recipient = {**shipment_body()["recipient"], "name": nfd_name}
    out = make_shipment(recipient=recipient, dossier={"code": unicodedata.normalize("NFD", "Hồ sơ-Ất-0001"),
                                                "procedure": unicodedata.normalize("NFD", "Cấp bản sao")})
    assert out["recipient"]["name"] == nfc_name
    assert out["dossier"] == {"code": "Hồ sơ-Ất-0001", "procedure": "Cấp bản sao"}
    got = as_user("clerk").get(f"{SHIPMENTS}/{out['tracking_number']}").get_json()
    assert got["recipient"]["name"] == nfc_name
    found = as_user("clerk").get(SHIPMENTS, query_string={"dossier_code": unicodedata.normalize(
        "NFD", " Hồ sơ-Ất-0001 ")}).get_json()
    assert [i["tracking_number"] for i in found["items"]] == [out["tracking_number"]]


def test_text_is_trimmed(make_shipment):
    out = make_shipment(dossier={"code": "  000.00.12.H56-200313-7777  ", "procedure": None})
    assert out["dossier"]["code"] == "000.00.12.H56-200313-7777"


@pytest.mark.parametrize("code", ["000.00.12.H56-200313-0001", "123.45.67.A89-261123-9999"])
def test_strict_dossier_codes_accept_the_one_stop_pattern(monkeypatch, app, code, make_shipment):
    monkeypatch.setitem(app.config, "DOSSIER_CODE_STRICT", True)
    assert make_shipment(dossier={"code": code, "procedure": None})["dossier"]["code"] == code


@pytest.mark.parametrize("code", ["HS-0001", "000.00.12.h56-200313-0001", "000.00.12.H56-200313-00011",
                                  "000.00.12.H56-200313-0001\nx", "000.00.12.H56-٢٠٠٣١٣-0001"])
def test_strict_dossier_codes_refuse_free_text(monkeypatch, app, as_user, shipment_body, code, problem):
    monkeypatch.setitem(app.config, "DOSSIER_CODE_STRICT", True)
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body(dossier={"code": code}))
    answer = problem(resp, 422, None, "dossier.code")
    assert answer["code"] == "invalid_dossier_code"


def test_free_text_dossier_codes_when_not_strict(app, make_shipment):
    assert app.config["DOSSIER_CODE_STRICT"] is False
    assert make_shipment(dossier={"code": "HS-0001 (giấy)",
                                  "procedure": None})["dossier"]["code"] == "HS-0001 (giấy)"
