"""One error envelope: RFC 9457 problem+json for every refusal, never a 5xx for bad input
(SPEC §7, §11)."""
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import REPO_ROOT

SHIPMENTS = "/api/v1/shipments"
TOKENS = "/api/v1/auth/tokens"


def post_raw(client, url, data, content_type="application/json", headers=None):
    return client.post(url, data=data, headers={"Content-Type": content_type, **(headers or {})})


# --- routing ---------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/nope", "/api/v1/nope", "/api/v2/shipments"])
def test_unknown_route_is_404_problem(client, url, problem):
    problem(client.get(url), 404, "not_found")


@pytest.mark.parametrize(("method", "url"), [
    ("put", SHIPMENTS), ("delete", SHIPMENTS), ("get", TOKENS), ("post", "/api/v1/units"),
])
def test_wrong_method_is_405_problem(client, method, url, problem):
    resp = getattr(client, method)(url)
    problem(resp, 405, "method_not_allowed")
    assert method.upper() not in resp.headers["Allow"]


# --- bodies ----------------------------------------------------------------------------

@pytest.mark.parametrize("data", ['{"service": ', "{'single': 'quotes'}", "nope", "{}}", "\xff\xfe"])
def test_malformed_json_is_400(as_user, data, problem):
    resp = as_user("clerk").post(SHIPMENTS, data=data, headers={"Content-Type": "application/json"})
    problem(resp, 400, "malformed_json", "_body")


def test_malformed_json_before_sign_in_is_400(client, problem):
    problem(post_raw(client, TOKENS, b"\x80\x81{"), 400, "malformed_json")


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
])
def test_non_json_body_is_415(as_user, shipment_body, content_type, problem):
    resp = as_user("clerk").post(SHIPMENTS, data=json.dumps(shipment_body()),
                                 headers={"Content-Type": content_type})
    body = problem(resp, 415, "unsupported_media_type", "Content-Type")
    assert content_type.split(";")[0] in body["errors"]["Content-Type"][0]


def test_json_with_charset_is_accepted(as_user, shipment_body):
    resp = as_user("clerk").post(SHIPMENTS, data=json.dumps(shipment_body()),
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    assert resp.status_code == 201, resp.get_json()


def test_body_over_the_limit_is_413(app, as_user, problem):
    too_big = b'{"x": "' + b"a" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    resp = as_user("clerk").post(SHIPMENTS, data=too_big, headers={"Content-Type": "application/json"})
    problem(resp, 413, "payload_too_large")


@pytest.mark.parametrize("data", ["[]", "[1, 2]", '"text"', "42", "null", "true"])
def test_body_that_is_not_an_object_is_422(as_user, data, problem):
    resp = as_user("clerk").post(SHIPMENTS, data=data, headers={"Content-Type": "application/json"})
    problem(resp, 422, "validation_error")


def test_unknown_field_is_named(as_user, shipment_body, problem):
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body(colour="blue"))
    body = problem(resp, 422, "validation_error", "colour")
    assert "colour" in body["detail"]


def test_unknown_nested_field_is_named_with_its_path(as_user, shipment_body, problem):
    body = shipment_body()
    body["recipient"]["nickname"] = "Ất"
    resp = as_user("clerk").post(SHIPMENTS, json=body)
    problem(resp, 422, "validation_error", "recipient.nickname")


def test_missing_fields_are_named(client, problem):
    resp = client.post(TOKENS, json={})
    problem(resp, 422, "validation_error", "username", "password")


@pytest.mark.parametrize("data", [
    "[" * 100_000 + "]" * 100_000,         # deeper than the parser's stack
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    "1" * 5_000,                            # an integer too long to convert
    '{"weight_g": ' + "9" * 5_000 + "}",
])
def test_pathological_json_is_400_not_500(as_user, data, problem):
    resp = as_user("clerk").post(SHIPMENTS, data=data, headers={"Content-Type": "application/json"})
    problem(resp, 400, "malformed_json")


@pytest.mark.parametrize(("data", "field"), [
    ('{"username": "a\\u0000b", "password": "x"}', "username"),
    ('{"username": "\\ud800", "password": "x"}', "username"),
    ('{"username": "clerk", "password": "x\\udfff"}', "password"),
    ('{"a\\u0000": 1}', "a\x00"),
])
def test_strings_no_database_can_store_are_422(client, data, field, problem):
    problem(post_raw(client, TOKENS, data), 422, "validation_error", field)


def test_escaped_backslash_u0000_is_ordinary_text(client, problem):
    resp = post_raw(client, TOKENS, '{"username": "a\\\\u0000", "password": "x"}')
    problem(resp, 401, "invalid_credentials")


def test_astral_characters_are_fine(client, problem):
    resp = post_raw(client, TOKENS, '{"username": "\\ud83d\\udcee", "password": "x"}')
    problem(resp, 401, "invalid_credentials")


def test_nested_unstorable_string_is_named_with_its_path(as_user, shipment_body, problem):
    body = json.dumps(shipment_body(), ensure_ascii=False).replace("Thôn Đông", "Thôn \\u0000")
    resp = as_user("clerk").post(SHIPMENTS, data=body, headers={"Content-Type": "application/json"})
    problem(resp, 422, "validation_error", "recipient.address.line")


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "province=3%008", "limit=1&x%00=1"])
def test_nul_in_query_string_is_422(as_user, query, problem):
    problem(as_user("clerk").get(f"/api/v1/units?{query}"), 422, "validation_error")


@pytest.mark.parametrize("value", [1e308, float("inf"), float("nan"), -0.0, 10**30, True, None])
def test_odd_numbers_are_refused_cleanly(as_user, shipment_body, value, problem):
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body(weight_g=value))
    problem(resp, 422, "validation_error", "weight_g")


# --- fuzz: no input produces a 5xx (SPEC §11) -----------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(value=JSON_VALUES | st.fixed_dictionaries({"username": JSON_VALUES, "password": JSON_VALUES}))
def test_fuzz_sign_in(client, value):
    resp = client.post(TOKENS, json=value)
    assert resp.status_code < 500 and resp.content_type == "application/problem+json"


@FUZZ
@given(value=JSON_VALUES | st.dictionaries(st.sampled_from(
    ["service", "dossier", "agency_code", "sender", "recipient", "weight_g", "items", "beneficiary",
     "collect_fee_vnd", "accepted_on", "office_code"]), JSON_VALUES))
def test_fuzz_create_shipment(as_user, value):
    resp = as_user("clerk").post(SHIPMENTS, json=value)
    assert resp.status_code < 500, resp.get_json()


@FUZZ
@given(data=st.binary(max_size=200))
def test_fuzz_raw_bytes(as_user, data):
    resp = as_user("clerk").post(SHIPMENTS, data=data, headers={"Content-Type": "application/json"})
    assert resp.status_code < 500, resp.get_json()


@FUZZ
@given(q=st.text(max_size=120), province=st.none() | st.text(max_size=4))
def test_fuzz_unit_search(as_user, q, province):
    params = {"q": q} if province is None else {"q": q, "province": province}
    resp = as_user("clerk").get("/api/v1/units", query_string=params)
    assert resp.status_code < 500, resp.get_json()


# --- the unexpected --------------------------------------------------------------------

# The app's extensions are module singletons, so a second app with a throwaway route gets
# its own interpreter rather than rebinding the test app's database in this one.
_THROWAWAY_APP = r"""
import json, sys
from datetime import datetime, timezone
from sqlalchemy import func, select
from app import create_app
from app.clock import FixedClock
from app.extensions import db
from app.orgs.models import Office
from app.orgs.services import create_office

def make(url):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
                       "ID_HASH_KEY": "test-id-hash-key",
                       "CLOCK_OBJECT": FixedClock(datetime(2026, 11, 23, 2, tzinfo=timezone.utc))})

app = make(sys.argv[1])

@app.post("/api/v1/boom")
def boom():
    create_office(None, code="BC-BOOM", name="Half-made", unit_code="14812", address_line="x")
    raise RuntimeError("secret internals 0xDEADBEEF")

resp = app.test_client().post("/api/v1/boom", json={})
with app.app_context():
    saved = db.session.scalar(select(func.count()).select_from(Office).where(Office.code == "BC-BOOM"))
unreachable = make("sqlite:////nonexistent-dir/hcc.db").test_client().get("/readyz")
print(json.dumps({"status": resp.status_code, "content_type": resp.content_type,
                  "text": resp.get_data(as_text=True), "saved": saved,
                  "ready_status": unreachable.status_code, "ready": unreachable.get_json()}))
"""


@pytest.fixture(scope="module")
def throwaway(database_url):
    proc = subprocess.run([sys.executable, "-c", _THROWAWAY_APP, database_url], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def test_unexpected_exception_is_a_bare_500_problem(throwaway):
    result, log = throwaway
    assert result["status"] == 500
    assert result["content_type"] == "application/problem+json"
    body = json.loads(result["text"])
    assert body["code"] == "internal_error" and set(body) == {"type", "title", "status", "detail", "code"}
    for leak in ("Traceback", "RuntimeError", "DEADBEEF", "boom", ".py"):
        assert leak not in result["text"]
    assert "RuntimeError: secret internals 0xDEADBEEF" in log  # logged for operators instead


def test_unexpected_exception_saves_nothing(throwaway):
    assert throwaway[0]["saved"] == 0


def test_readyz_is_503_without_a_database(throwaway):
    result, _ = throwaway
    assert result["ready_status"] == 503
    assert result["ready"]["code"] == "not_ready"
