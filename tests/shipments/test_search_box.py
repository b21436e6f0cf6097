"""The search box of the pages (shipments.services.search with `q`): a tracking number or a
dossier code exactly, or a part of the recipient's name, within what the reader may see."""
from __future__ import annotations

from app.accounts.services import user_by_username
from app.shipments.services import search


def _found(app, q: str, username: str = "agency") -> list[str]:
    with app.app_context():
        return [s.tracking_number for s in search(user_by_username(username), {"limit": 50, "q": q}).items]


def test_number_dossier_code_or_part_of_the_name(app, make_shipment, shipment_body):
    body = shipment_body()
    body["recipient"] = {**body["recipient"], "name": "Trịnh Thị Tìm_Kiếm"}
    wanted = make_shipment("clerk", **body)
    other = make_shipment("clerk")
    theirs = make_shipment("clerk", **{**shipment_body(agency_code="UBND-14818"),
                                       "recipient": body["recipient"]})

    assert _found(app, wanted["tracking_number"].lower()) == [wanted["tracking_number"]]
    assert _found(app, wanted["dossier"]["code"]) == [wanted["tracking_number"]]
    assert _found(app, "Thị Tìm_Kiếm") == [wanted["tracking_number"]]
    assert _found(app, "trịnh thị") == [wanted["tracking_number"]]  # whatever the case of T
    assert _found(app, "Tìm%Kiếm") == []  # the box's text is matched as typed, not as a pattern
    assert other["tracking_number"] not in _found(app, "Tìm")
    assert theirs["tracking_number"] not in _found(app, "Tìm_Kiếm")  # another agency's
    assert theirs["tracking_number"] in _found(app, "Tìm_Kiếm", "supervisor")
