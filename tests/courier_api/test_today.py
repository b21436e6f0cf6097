"""What the courier's phone needs from the server: one call for the day, the last four of the
recorded ID (never more), the server's clock in every scan answer."""
from __future__ import annotations

import uuid
from datetime import datetime

TODAY = "/api/v1/courier/today"


def test_the_day_in_one_call(as_user, make_shipment, walk, pickup_for_courier):
    out_number = make_shipment.number("agency")
    walk(out_number, "accepted", "out_for_delivery")
    waiting_number = make_shipment.number("agency")
    walk(waiting_number, "accepted")
    resp = as_user("supervisor").post("/api/v1/dispatch", json={
        "courier": "courier", "tracking_numbers": [out_number, waiting_number]})
    assert resp.status_code == 200, resp.get_json()
    pickup_id = pickup_for_courier()

    resp = as_user("courier").get(TODAY)
    assert resp.status_code == 200, resp.get_json()
    day = resp.get_json()
    stops = day["run"]["stops"]
    assert [s["position"] for s in stops] == [1, 2]
    assert {s["tracking_number"] for s in stops} == {out_number, waiting_number}
    first = stops[0]
    assert first["recipient_id_last4"] == "1234" and first["recipient_id_type"] == "cccd"
    assert "038090001234" not in resp.get_data(as_text=True)
    assert first["recipient_phone"] and first["commune"] and first["address"].endswith(first["commune"])
    assert first["leg_km"] >= 0 and isinstance(first["collect_vnd"], int)
    assert day["at_office"] == [waiting_number]
    assert [p["id"] for p in day["pickups"]] == [pickup_id]
    assert datetime.fromisoformat(day["server_time"]).utcoffset() is not None


def test_a_courier_sees_only_their_own_day(as_user, problem):
    problem(as_user("courier").get(TODAY, query_string={"courier": "supervisor"}), 403, "other_courier")
    assert as_user("supervisor").get(TODAY, query_string={"courier": "courier"}).status_code == 200


def test_the_scan_answer_echoes_the_server_time(as_user, make_shipment, clock):
    tn = make_shipment.number("agency")
    resp = as_user("courier").post("/api/v1/scans", json={"scans": [{
        "id": str(uuid.uuid4()), "tracking_number": tn, "event": "accepted",
        "occurred_at": clock.now().isoformat()}]})
    assert resp.status_code == 200, resp.get_json()
    assert datetime.fromisoformat(resp.get_json()["server_time"]) == clock.now()
