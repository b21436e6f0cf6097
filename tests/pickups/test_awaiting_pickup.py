"""The results an agency may still ask a pickup for (pickups.services.awaiting_pickup): its own
return shipments not yet accepted and on no open pickup, newest first; a cancelled pickup
frees its results again."""
from __future__ import annotations

import pytest

from app.accounts.services import user_by_username
from app.errors import Forbidden
from app.pickups.services import awaiting_pickup

PICKUPS = "/api/v1/pickups"


def _awaiting(app, username: str = "agency", agency_code: str | None = None) -> list[str]:
    with app.app_context():
        return [s.tracking_number for s in awaiting_pickup(user_by_username(username), agency_code, 500)]


def test_only_the_agencys_returns_not_accepted_and_on_no_open_pickup(
        app, as_user, returns, pickup_body, make_shipment, scan_as, clock):
    listed, taken, accepted = returns(3)
    other = make_shipment.number("clerk", agency_code="UBND-14818")
    intake = make_shipment.number("clerk", service="intake")
    scan_as(as_user("clerk"), accepted, "accepted", clock.now())
    pickup = as_user("agency").post(PICKUPS, json=pickup_body([taken])).get_json()

    awaiting = _awaiting(app)
    assert listed in awaiting
    assert not {taken, accepted, other, intake} & set(awaiting)
    newer = returns(1)[0]
    assert _awaiting(app)[:2] == [newer, listed]  # newest first

    assert as_user("agency").post(f"{PICKUPS}/{pickup['id']}/cancel").status_code == 200
    assert taken in _awaiting(app)
    assert other in _awaiting(app, "supervisor", "UBND-14818")


def test_staff_name_an_agency_of_their_office(app):
    with pytest.raises(Forbidden):
        _awaiting(app, "clerk", "UBND-15271")  # served by Hà Trung, the clerk is at Bỉm Sơn
