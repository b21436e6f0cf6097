"""No scan batch, proof of delivery or tracking number, however malformed, produces a 5xx (SPEC §11)."""
from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCANS = "/api/v1/scans"
SHIPMENTS = "/api/v1/shipments"
TRACK = "/api/v1/track"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SCAN_FIELDS = st.fixed_dictionaries({}, optional={
    "id": st.uuids().map(str) | JSON_VALUES,
    "tracking_number": st.sampled_from(["EE471108151FR", "HB000000019VN", "hb 1"]) | JSON_VALUES,
    "event": st.sampled_from(["accepted", "arrived", "delivery_failed", "returned",
                              "delivered"]) | JSON_VALUES,
    "occurred_at": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()) | JSON_VALUES,
    "office_code": st.sampled_from(["BC-BIMSON", "nope"]) | JSON_VALUES,
    "lat": st.floats() | JSON_VALUES, "lon": st.floats() | JSON_VALUES,
    "reason": st.sampled_from(["refused", "x"]) | JSON_VALUES, "note": JSON_VALUES,
})


@FUZZ
@given(scans=st.lists(SCAN_FIELDS | JSON_VALUES, min_size=1, max_size=6))
def test_fuzz_scans(as_user, scans):
    resp = as_user("courier").post(SCANS, json={"scans": scans})
    # A string no database can store (NUL, a lone surrogate) is refused for the whole request
    # before any view runs (app.errors.unreadable_input); anything else gets a result per scan.
    assert resp.status_code in (200, 422), resp.get_json()
    if resp.status_code == 200:
        assert len(resp.get_json()["results"]) == len(scans)
    else:
        assert "NUL" in resp.get_json()["detail"]


@FUZZ
@given(value=JSON_VALUES)
def test_fuzz_scan_bodies(as_user, value):
    resp = as_user("courier").post(SCANS, json=value)
    assert resp.status_code < 500, resp.get_json()


@FUZZ
@given(body=st.fixed_dictionaries({}, optional={
    "recipient_name": JSON_VALUES, "relationship": st.sampled_from(["self", "proxy"]) | JSON_VALUES,
    "id_type": st.sampled_from(["cccd", "cmnd", "passport"]) | JSON_VALUES,
    "id_number": st.sampled_from(["038090001234", "123"]) | JSON_VALUES,
    "authorization_ref": JSON_VALUES,
    "signature_png": st.binary(max_size=30).map(lambda b: b.hex()) | JSON_VALUES,
    "photo_jpeg": JSON_VALUES,
    "occurred_at": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    "lat": st.floats() | JSON_VALUES, "lon": st.floats() | JSON_VALUES,
}))
def test_fuzz_proof_of_delivery(as_user, walk, body, make_shipment):
    if not hasattr(test_fuzz_proof_of_delivery, "tn"):  # one shipment for all the examples of a run
        test_fuzz_proof_of_delivery.tn = make_shipment.number("agency")
        walk(test_fuzz_proof_of_delivery.tn, "accepted", "out_for_delivery")
    resp = as_user("courier").post(f"{SHIPMENTS}/{test_fuzz_proof_of_delivery.tn}/delivery", json=body)
    assert resp.status_code < 500, resp.get_json()


@FUZZ
@given(number=st.text(max_size=40))
def test_fuzz_tracking(app, client, monkeypatch, number):
    monkeypatch.setitem(app.config, "TRACKING_RATE_LIMIT_PER_MINUTE", 0)
    resp = client.get(f"{TRACK}/{quote(number, safe='') or 'x'}")
    assert resp.status_code < 500, resp.get_data(as_text=True)
