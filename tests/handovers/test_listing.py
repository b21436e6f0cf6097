"""The handover records one may list (handovers.services.list_records): an agency its own,
newest first, by direction, paged by the keyset cursor."""
from __future__ import annotations

from app.accounts.services import user_by_username
from app.handovers.models import Direction
from app.handovers.services import list_records

HANDOVERS = "/api/v1/handovers"


def _sign(as_user, agency: str, numbers: list[str]) -> int:
    resp = as_user("clerk").post(HANDOVERS, json={
        "direction": "from_agency", "agency_code": agency, "tracking_numbers": numbers,
        "agency_signatory": "Hoàng Thị Tiếp Nhận"})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def test_an_agency_lists_its_own_records_newest_first(app, as_user, make_shipment):
    first = _sign(as_user, "UBND-14812", [make_shipment.number("clerk")])
    second = _sign(as_user, "UBND-14812", [make_shipment.number("clerk")])
    theirs = _sign(as_user, "UBND-14818", [make_shipment.number("clerk", agency_code="UBND-14818")])
    with app.app_context():
        agency = user_by_username("agency")
        page = list_records(agency, {"limit": 1})
        assert [r.id for r in page.items] == [second] and page.next_cursor
        rest = list_records(agency, {"limit": 50, "cursor": page.next_cursor})
        assert [r.id for r in rest.items] == [first]
        assert list_records(agency, {"limit": 50, "direction": Direction.to_agency}).items == []
        everyone = [r.id for r in list_records(user_by_username("supervisor"), {"limit": 50}).items]
        assert everyone[:3] == [theirs, second, first]
