"""Pickup requests: request, assign, complete against a handover record; refusals."""
from __future__ import annotations

from datetime import timedelta

PICKUPS = "/api/v1/pickups"


def test_thirty_requested_twenty_nine_scanned(as_user, returns, pickup_body, pdf):
    numbers = returns(30)
    resp = as_user("agency").post(PICKUPS, json=pickup_body(numbers))
    assert resp.status_code == 201, resp.get_json()
    pickup = resp.get_json()
    assert pickup["status"] == "requested" and pickup["expected_count"] == 30
    assert pickup["address"] == {"line": "Số 1 Trần Phú", "unit_code": "14812"}

    resp = as_user("supervisor").post(f"{PICKUPS}/{pickup['id']}/assign", json={"courier": "courier"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "assigned"
    assert resp.get_json()["courier"] == "courier"

    scanned = numbers[:29]
    resp = as_user("courier").post(f"{PICKUPS}/{pickup['id']}/complete",
                                   json={"scanned": scanned, "agency_signatory": "Hoàng Thị Tiếp Nhận"})
    assert resp.status_code == 200, resp.get_json()
    done = resp.get_json()
    assert done["status"] == "completed" and done["scanned_count"] == 29
    assert done["missing_count"] == 1 and done["missing"] == [numbers[29]]

    record = as_user("courier").get(f"/api/v1/handovers/{done['handover_id']}").get_json()
    assert record["direction"] == "from_agency" and record["item_count"] == 29
    assert [x["tracking_number"] for x in record["lines"]] == scanned
    for tn in (numbers[0], numbers[28]):
        assert as_user("agency").get(f"/api/v1/shipments/{tn}").get_json()["status"] == "accepted"
    assert as_user("agency").get(f"/api/v1/shipments/{numbers[29]}").get_json()["status"] == "created"

    document = as_user("agency").get(f"/api/v1/handovers/{done['handover_id']}.pdf")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    text = pdf.text(document.data, layout=True)
    assert all(tn in text for tn in scanned) and numbers[29] not in text
    assert "Phạm Văn Bưu Tá" in text and "Hoàng Thị Tiếp Nhận" in text


def test_pickup_in_the_past_refused(as_user, returns, pickup_body, clock, problem):
    start = clock.now() - timedelta(hours=1)
    body = pickup_body(returns(1), window_start=start.isoformat(),
                       window_end=(start + timedelta(hours=2)).isoformat())
    problem(as_user("agency").post(PICKUPS, json=body), 422, "window_in_past", "window_start")


def test_overlapping_duplicate_refused(as_user, pickup_body, clock, problem):
    assert as_user("agency").post(PICKUPS, json=pickup_body([], expected_count=5)).status_code == 201
    later = clock.now() + timedelta(hours=3)  # inside the first window
    body = pickup_body([], expected_count=3, window_start=later.isoformat(),
                       window_end=(later + timedelta(hours=2)).isoformat())
    problem(as_user("agency").post(PICKUPS, json=body), 409, "duplicate_pickup", "window_start")


def test_another_agency_refused(as_user, pickup_body, make_shipment, problem):
    problem(as_user("agency").post(PICKUPS, json=pickup_body([], expected_count=1, agency_code="UBND-14818")),
            403, "other_agency")
    other = make_shipment.number("clerk", agency_code="UBND-14818")
    problem(as_user("agency").post(PICKUPS, json=pickup_body([other])), 403, "other_agency",
            "tracking_numbers")


def test_unknown_courier_and_wrong_roles(as_user, returns, pickup_body, problem):
    pickup = as_user("agency").post(PICKUPS, json=pickup_body(returns(1))).get_json()
    url = f"{PICKUPS}/{pickup['id']}"
    problem(as_user("supervisor").post(f"{url}/assign", json={"courier": "nobody"}), 422, "unknown_courier",
            "courier")
    problem(as_user("supervisor").post(f"{url}/assign", json={"courier": "clerk"}), 422, "unknown_courier")
    problem(as_user("clerk").post(f"{url}/assign", json={"courier": "courier"}), 403, "role_forbidden")
    problem(as_user("courier").post(f"{url}/complete", json={"scanned": ["EB000717595HK"],
                                                            "agency_signatory": "X"}),
            409, "pickup_not_assigned")


def test_scanning_an_item_not_on_the_pickup_refused(as_user, returns, pickup_body, problem):
    first, stray = returns(2)
    pickup = as_user("agency").post(PICKUPS, json=pickup_body([first])).get_json()
    as_user("supervisor").post(f"{PICKUPS}/{pickup['id']}/assign", json={"courier": "courier"})
    resp = as_user("courier").post(f"{PICKUPS}/{pickup['id']}/complete",
                                   json={"scanned": [first, stray], "agency_signatory": "X"})
    problem(resp, 422, "not_in_pickup", "scanned")


def test_item_on_two_open_pickups_refused_and_cancel(as_user, returns, pickup_body, clock, problem):
    numbers = returns(2)
    first = as_user("agency").post(PICKUPS, json=pickup_body(numbers)).get_json()
    later = clock.now() + timedelta(days=1)
    body = pickup_body(numbers[:1], window_start=later.isoformat(),
                       window_end=(later + timedelta(hours=1)).isoformat())
    problem(as_user("agency").post(PICKUPS, json=body), 409, "on_another_pickup")
    resp = as_user("agency").post(f"{PICKUPS}/{first['id']}/cancel")
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    assert as_user("agency").post(PICKUPS, json=body).status_code == 201
    problem(as_user("agency").post(f"{PICKUPS}/{first['id']}/cancel"), 409, "pickup_closed")


def test_listing_is_scoped(as_user, pickup_body):
    mine = as_user("agency").post(PICKUPS, json=pickup_body([], expected_count=2)).get_json()
    ids = [p["id"] for p in as_user("agency").get(PICKUPS).get_json()["items"]]
    assert mine["id"] in ids
    requested = as_user("supervisor").get(f"{PICKUPS}?status=requested").get_json()["items"]
    assert mine["id"] in [p["id"] for p in requested]
    assert as_user("clerk").get(f"{PICKUPS}/{mine['id']}").status_code == 200  # the agency's office
