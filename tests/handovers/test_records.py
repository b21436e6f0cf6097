"""Handover records: intake dossiers delivered at the record's time, no item on two records
in force, corrections by a new record, refusals as problem+json."""
from __future__ import annotations

from datetime import datetime, timedelta

HANDOVERS = "/api/v1/handovers"


def _handover(caller, numbers, **extra):
    body = {"direction": "to_agency", "agency_code": "UBND-14812", "tracking_numbers": numbers,
            "agency_signatory": "Hoàng Thị Tiếp Nhận", **extra}
    return caller.post(HANDOVERS, json=body)


def test_intake_delivered_at_signing_and_second_handover_refused(as_user, accepted_intake, clock, problem):
    tn = accepted_intake()
    clock.advance(hours=3)
    signed_at = clock.now() - timedelta(minutes=30)
    resp = _handover(as_user("courier"), [tn], signed_at=signed_at.isoformat())
    assert resp.status_code == 201, resp.get_json()
    record = resp.get_json()
    assert record["number"].startswith("BBGN-") and record["status"] == "signed"
    assert record["post_signatory"] == "Phạm Văn Bưu Tá" and record["item_count"] == 1
    shipment = as_user("clerk").get(f"/api/v1/shipments/{tn}").get_json()
    assert shipment["status"] == "delivered"
    delivered = [e for e in shipment["events"] if e["event"] == "delivered"]
    assert [datetime.fromisoformat(e["occurred_at"]) for e in delivered] == [signed_at]

    problem(_handover(as_user("courier"), [tn]), 409, "already_on_record", "tracking_numbers")


def test_item_in_wrong_state_refused(as_user, make_shipment, problem):
    tn = make_shipment("clerk", service="intake")["tracking_number"]  # created, not accepted
    problem(_handover(as_user("clerk"), [tn]), 409, "invalid_transition")
    assert as_user("clerk").get(f"/api/v1/shipments/{tn}").get_json()["status"] == "created"


def test_item_of_another_agency_refused(as_user, accepted_intake, problem):
    tn = accepted_intake()
    resp = _handover(as_user("clerk"), [tn], agency_code="UBND-14818")
    problem(resp, 403, "other_agency", "tracking_numbers")


def test_unknown_items_and_bad_body(as_user, accepted_intake, problem):
    problem(_handover(as_user("clerk"), ["EB000717595HK"]), 404, "shipments_not_found", "tracking_numbers")
    problem(_handover(as_user("clerk"), []), 422, "validation_error", "tracking_numbers")
    tn = accepted_intake()
    problem(_handover(as_user("clerk"), [tn, tn]), 422, "duplicate_item")
    problem(_handover(as_user("agency"), [tn]), 403, "role_forbidden")
    problem(_handover(as_user("clerk"), [tn], signed_at="2099-01-01T00:00:00+07:00"), 422,
            "occurred_in_future")


def test_return_result_cannot_go_to_agency(as_user, make_shipment, problem):
    tn = make_shipment("agency")["tracking_number"]
    problem(_handover(as_user("clerk"), [tn]), 409, "wrong_direction")


def test_signed_record_corrected_by_new_one(as_user, accepted_intake, problem, pdf):
    a, b, c = accepted_intake(), accepted_intake(), accepted_intake()
    first = _handover(as_user("clerk"), [a, b]).get_json()
    # b was not actually handed over... it was: the correction adds c, which was forgotten.
    resp = _handover(as_user("clerk"), [a, b, c], corrects=first["id"], note="Bổ sung hồ sơ bị sót")
    assert resp.status_code == 201, resp.get_json()
    second = resp.get_json()
    assert second["corrects"] == first["id"] and second["item_count"] == 3
    assert as_user("clerk").get(f"{HANDOVERS}/{first['id']}").get_json()["status"] == "superseded"
    # The corrected record is history: it cannot be corrected twice, and nothing edits it.
    problem(_handover(as_user("clerk"), [a], corrects=first["id"]), 409, "already_corrected")
    assert as_user("clerk").put(f"{HANDOVERS}/{first['id']}", json={}).status_code == 405
    events = as_user("clerk").get(f"/api/v1/shipments/{a}").get_json()["events"]
    assert [e["event"] for e in events].count("delivered") == 1
    text = pdf.text(as_user("clerk").get(f"{HANDOVERS}/{second['id']}.pdf").data, layout=True)
    assert f"BBGN-{first['id']:06d}" in text and c in text


def test_scoping_of_reads(as_user, accepted_intake, problem):
    record = _handover(as_user("clerk"), [accepted_intake()]).get_json()
    assert as_user("agency").get(f"{HANDOVERS}/{record['id']}").status_code == 200
    assert as_user("supervisor").get(f"{HANDOVERS}/{record['id']}.pdf").status_code == 200
    problem(as_user("clerk").get(f"{HANDOVERS}/999999"), 404, "handover_not_found")
