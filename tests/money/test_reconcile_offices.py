"""The reconciliation across offices (the supervisor's desk): every office's day, the one whose
money differs known by its lines, and what of the day's procedure fees was paid over."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import Forbidden
from app.extensions import db
from app.money.reconcile import reconcile, reconcile_offices
from app.orgs.models import Office

DAY = date(2026, 11, 23)  # the fixed clock's province date


pytestmark = pytest.mark.usefixtures("in_app_context")


def test_every_office_is_reconciled_and_the_remittance_counted(as_user, accepted_intake, staff_user):
    unpaid = accepted_intake(beneficiary=None)
    paid = accepted_intake(beneficiary=None, collect_fee_vnd=50_000)
    fee = as_user("clerk").get(f"/api/v1/shipments/{paid}").get_json()["fee"]["total_vnd"]
    for kind, amount in (("postal_fee", fee), ("procedure_fee", 50_000)):
        resp = as_user("clerk").post("/api/v1/payments", json={"tracking_number": paid, "kind": kind,
                                                               "amount_vnd": amount})
        assert resp.status_code == 201, resp.get_json()
    resp = as_user("clerk").post("/api/v1/remittances", json={"agency_code": "UBND-14812", "until": str(DAY)})
    assert resp.status_code == 201, resp.get_json()

    days = reconcile_offices(staff_user("supervisor"), DAY)
    codes = list(db.session.scalars(select(Office.code).order_by(Office.code)))
    assert [d.office.code for d in days] == codes
    by_code = {d.office.code: d for d in days}
    bimson = by_code["BC-BIMSON"]
    alone = reconcile(staff_user("supervisor"), "BC-BIMSON", DAY)
    assert (bimson.reconciliation.expected_vnd, bimson.reconciliation.recorded_vnd) == (
        alone.expected_vnd, alone.recorded_vnd)
    assert [(x.tracking_number, x.problem) for x in bimson.reconciliation.discrepancies] == [
        (unpaid, "missing_payment")]
    assert bimson.remitted_vnd == 50_000
    others = [d for code, d in by_code.items() if code != "BC-BIMSON"]
    assert all(d.remitted_vnd == 0 and not d.reconciliation.lines for d in others)
    # The fees were taken today: the day before has nothing paid over.
    assert not any(d.remitted_vnd for d in reconcile_offices(staff_user("supervisor"), date(2026, 11, 22)))


def test_only_a_supervisor_reconciles_every_office(staff_user):
    with pytest.raises(Forbidden):
        reconcile_offices(staff_user("clerk"), DAY)
