"""Payments and the daily reconciliation: a day that balances, and a missing payment found."""
from __future__ import annotations

DAY = "2026-11-23"  # the fixed clock's province date


def _pay(caller, tn, kind, amount, **extra):
    return caller.post("/api/v1/payments", json={"tracking_number": tn, "kind": kind, "amount_vnd": amount,
                                                 **extra})


def _delivered_return(as_user, make_shipment, scan_as, clock, **overrides):
    """A result delivered at the door by the courier today; (number, shipment body)."""
    tn = make_shipment("agency", beneficiary=None, **overrides)["tracking_number"]
    scan_as(as_user("courier"), tn, "accepted", clock.now())
    clock.advance(minutes=5)
    scan_as(as_user("courier"), tn, "out_for_delivery", clock.now())
    clock.advance(minutes=5)
    resp = as_user("courier").post(f"/api/v1/shipments/{tn}/delivery", json={
        "recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
        "id_number": "038090001234", "occurred_at": clock.now().isoformat()})
    assert resp.status_code == 201, resp.get_json()
    return tn, as_user("courier").get(f"/api/v1/shipments/{tn}").get_json()


def _report(as_user):
    resp = as_user("clerk").get(f"/api/v1/reports/daily?day={DAY}")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_a_day_that_balances_then_a_missing_payment(as_user, accepted_intake, make_shipment, clock, scan_as):
    counter = accepted_intake(beneficiary=None, collect_fee_vnd=50_000)  # fee + lệ phí at the counter
    counter_fee = as_user("clerk").get(f"/api/v1/shipments/{counter}").get_json()["fee"]["total_vnd"]
    door, door_shipment = _delivered_return(as_user, make_shipment, scan_as, clock, collect_fee_vnd=20_000)
    door_fee = door_shipment["fee"]["total_vnd"]
    assert counter_fee > 0 and door_fee > 0

    for caller, tn, kind, amount in [("clerk", counter, "postal_fee", counter_fee),
                                     ("clerk", counter, "procedure_fee", 50_000),
                                     ("courier", door, "postal_fee", door_fee),
                                     ("courier", door, "procedure_fee", 20_000)]:
        resp = _pay(as_user(caller), tn, kind, amount)
        assert resp.status_code == 201, resp.get_json()

    report = _report(as_user)
    assert report["discrepancies"] == [] and report["discrepancy_vnd"] == 0
    assert report["expected_vnd"] == report["recorded_vnd"] == counter_fee + door_fee + 70_000
    people = {p["username"]: p for p in report["people"]}
    assert people["clerk"]["expected_vnd"] == counter_fee + 50_000 and people["clerk"]["difference_vnd"] == 0
    assert people["courier"]["recorded_vnd"] == door_fee + 20_000 and people["courier"]["difference_vnd"] == 0

    unpaid = accepted_intake(beneficiary=None)
    report = _report(as_user)
    assert [(d["tracking_number"], d["kind"], d["problem"]) for d in report["discrepancies"]] == [
        (unpaid, "postal_fee", "missing_payment")]
    assert report["discrepancy_vnd"] == report["discrepancies"][0]["expected_vnd"] > 0
    people = {p["username"]: p for p in report["people"]}
    assert people["clerk"]["difference_vnd"] == -report["discrepancy_vnd"]


def test_wrong_amount_shows_and_payments_refused(as_user, accepted_intake, problem):
    tn = accepted_intake(beneficiary=None)
    assert _pay(as_user("clerk"), tn, "postal_fee", 1_000).status_code == 201
    line = _report(as_user)["discrepancies"][0]
    assert line["tracking_number"] == tn and line["problem"] == "amount_differs"
    problem(_pay(as_user("clerk"), tn, "postal_fee", 1_000), 409, "payment_recorded")
    problem(_pay(as_user("clerk"), tn, "procedure_fee", 1_000), 422, "nothing_due", "kind")
    problem(_pay(as_user("clerk"), tn, "postal_fee", -1), 422, "validation_error", "amount_vnd")
    problem(_pay(as_user("agency"), tn, "postal_fee", 1), 403, "role_forbidden")
    problem(as_user("clerk").get(f"/api/v1/reports/daily?day={DAY}&office=BC-HATRUNG"), 403, "other_office")


def test_procedure_fees_remitted_to_the_agency(as_user, accepted_intake, problem):
    a = accepted_intake(beneficiary=None, collect_fee_vnd=50_000)
    b = accepted_intake(beneficiary=None, collect_fee_vnd=30_000)
    for tn, amount in ((a, 50_000), (b, 30_000)):
        assert _pay(as_user("clerk"), tn, "procedure_fee", amount).status_code == 201
    resp = as_user("clerk").post("/api/v1/remittances", json={"agency_code": "UBND-14812", "until": DAY,
                                                             "reference": "UNC-0001"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["amount_vnd"] == 80_000 and resp.get_json()["item_count"] == 2
    again = as_user("clerk").post("/api/v1/remittances", json={"agency_code": "UBND-14812", "until": DAY})
    problem(again, 409, "nothing_to_remit")
