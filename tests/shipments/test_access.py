"""Agency and personal-data rules of app.access, seen through the API: another agency's items
are not found, an inactive agency is refused, admins read shipments without personal data."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import update

from app.accounts.models import Role
from app.accounts.services import create_user
from app.extensions import db
from app.orgs.models import Agency

SHIPMENTS = "/api/v1/shipments"


@pytest.fixture
def other_agency(app, client) -> dict[str, str]:
    """Bearer headers of an officer of UBND-15271 (the demo agency officer is UBND-14812's)."""
    with app.app_context():
        create_user(username="hatrung-officer", password="secret-hatrung", role=Role.agency,
                    full_name="Cán bộ Hà Trung", agency_code="UBND-15271")
        db.session.commit()
    resp = client.post("/api/v1/auth/tokens",
                       json={"username": "hatrung-officer", "password": "secret-hatrung"})
    assert resp.status_code == 201, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


@pytest.fixture
def deactivate(app) -> Callable[[str], None]:
    def run(code: str) -> None:
        with app.app_context():
            db.session.execute(update(Agency).where(Agency.code == code).values(active=False))
            db.session.commit()
    return run


def test_an_agency_does_not_see_another_agencys_shipment(client, make_shipment, other_agency, problem):
    tn = make_shipment("agency", service="return")["tracking_number"]
    problem(client.get(f"{SHIPMENTS}/{tn}", headers=other_agency), 404, "shipment_not_found")
    listed = client.get(SHIPMENTS, headers=other_agency).get_json()["items"]
    assert tn not in {s["tracking_number"] for s in listed}


def test_an_inactive_agency_sees_nothing_and_acts_for_no_one(as_user, make_shipment, deactivate, problem):
    tn = make_shipment("agency", service="return")["tracking_number"]
    deactivate("UBND-14812")
    agency = as_user("agency")
    problem(agency.get(f"{SHIPMENTS}/{tn}"), 404, "shipment_not_found")
    assert agency.get(SHIPMENTS).get_json()["items"] == []
    assert agency.get("/api/v1/pickups").get_json()["items"] == []
    problem(agency.post("/api/v1/webhooks", json={"url": "https://example.org/hook"}), 403, "agency_inactive")


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def test_the_admin_reads_shipments_without_personal_data(as_user, make_shipment):
    made = make_shipment("clerk")
    tn = made["tracking_number"]
    assert made["recipient"]["phone"] and made["recipient"]["address"]["line"]

    body = as_user("admin").get(f"{SHIPMENTS}/{tn}")
    assert body.status_code == 200, body.get_json()
    text = body.get_data(as_text=True)
    shown = body.get_json()
    for party in ("sender", "recipient"):
        assert shown[party]["phone"] is None and shown[party]["address"]["line"] is None
        assert shown[party]["address"]["unit_code"] == made[party]["address"]["unit_code"]
        assert made[party]["phone"] not in text and made[party]["address"]["line"] not in text
        assert shown[party]["name"] != made[party]["name"] and "*" in shown[party]["name"]
    assert shown["recipient"]["id_last4"] is None and made["recipient"]["id_last4"] not in _digits(text)

    listed = as_user("admin").get(SHIPMENTS, query_string={"dossier_code": made["dossier"]["code"]})
    assert [s["recipient_name"] for s in listed.get_json()["items"]] == [shown["recipient"]["name"]]


def test_staff_still_read_the_personal_data(as_user, make_shipment):
    made = make_shipment("clerk")
    shown: dict[str, Any] = as_user("supervisor").get(f"{SHIPMENTS}/{made['tracking_number']}").get_json()
    assert shown["recipient"] == made["recipient"] and shown["sender"] == made["sender"]
