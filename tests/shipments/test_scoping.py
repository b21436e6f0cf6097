"""Who may create and see which shipments (acceptance point 4, SPEC §2)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.accounts.models import Role
from app.accounts.services import create_user
from app.extensions import db

SHIPMENTS = "/api/v1/shipments"


def _numbers(resp) -> list[str]:
    assert resp.status_code == 200, resp.get_json()
    return [i["tracking_number"] for i in resp.get_json()["items"]]


@pytest.fixture
def login(app, client) -> Callable[..., dict[str, str]]:
    """login(username, role=..., office_code=..., agency_code=...) -> bearer headers of a new user."""

    def make(username: str, role: Role, **where: str) -> dict[str, str]:
        password = f"secret-{username}"
        with app.app_context():
            create_user(username=username, password=password, role=role, full_name=username, **where)
            db.session.commit()
        resp = client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
        assert resp.status_code == 201, resp.get_json()
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}

    return make


@pytest.fixture
def bimson(make_shipment) -> dict[str, Any]:
    """A shipment of UBND-14812 at BC-BIMSON, made by the demo clerk."""
    return make_shipment("clerk")


@pytest.fixture
def hatrung(make_shipment) -> dict[str, Any]:
    """A shipment of UBND-15271 at BC-HATRUNG, made by the supervisor."""
    out = make_shipment("supervisor", agency_code="UBND-15271")
    assert out["office_code"] == "BC-HATRUNG"
    return out


@pytest.mark.parametrize(("method", "path"), [
    ("post", SHIPMENTS), ("get", SHIPMENTS), ("get", f"{SHIPMENTS}/EE471108151FR"),
    ("post", f"{SHIPMENTS}/EE471108151FR/cancel"),
])
@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer hcc_not-a-token",
                                           "Basic Y2xlcms6ZGVtbw=="])
def test_without_a_valid_token_401(client, shipment_body, method, path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    resp = getattr(client, method)(path, json=shipment_body() if method == "post" else None, headers=headers)
    assert resp.status_code == 401
    assert resp.mimetype == "application/problem+json"
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_401(as_user, clock, bimson):
    clerk = as_user("clerk")
    clock.advance(days=2)
    assert clerk.get(SHIPMENTS).status_code == 401


@pytest.mark.parametrize("username", ["courier", "admin"])
def test_courier_and_admin_may_not_create(as_user, shipment_body, username):
    resp = as_user(username).post(SHIPMENTS, json=shipment_body())
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "role_forbidden"


def test_agency_may_not_read_another_agencys_shipment(as_user, hatrung):
    resp = as_user("agency").get(f"{SHIPMENTS}/{hatrung['tracking_number']}")
    assert resp.status_code == 404
    assert resp.get_json()["code"] == "shipment_not_found"


def test_agency_may_not_read_another_agencys_shipment_at_its_own_office(as_user, make_shipment):
    other = make_shipment("clerk", agency_code="UBND-14818")
    assert other["office_code"] == "BC-BIMSON"
    assert as_user("agency").get(f"{SHIPMENTS}/{other['tracking_number']}").status_code == 404
    assert other["tracking_number"] not in _numbers(as_user("agency").get(SHIPMENTS))


def test_agency_reads_and_lists_only_its_own(as_user, bimson, hatrung):
    agency = as_user("agency")
    assert agency.get(f"{SHIPMENTS}/{bimson['tracking_number']}").status_code == 200
    seen = _numbers(agency.get(SHIPMENTS, query_string={"limit": 200}))
    assert bimson["tracking_number"] in seen
    assert hatrung["tracking_number"] not in seen
    assert _numbers(agency.get(SHIPMENTS, query_string={"agency": "UBND-15271"})) == []
    assert _numbers(agency.get(SHIPMENTS, query_string={"dossier_code": hatrung["dossier"]["code"]})) == []


def test_clerk_of_another_office_sees_nothing_of_bimson(client, login, bimson, hatrung):
    other_clerk = login("clerk-hatrung", Role.clerk, office_code="BC-HATRUNG")
    one = client.get(f"{SHIPMENTS}/{bimson['tracking_number']}", headers=other_clerk)
    assert one.status_code == 404
    seen = _numbers(client.get(SHIPMENTS, headers=other_clerk, query_string={"limit": 200}))
    assert bimson["tracking_number"] not in seen
    assert hatrung["tracking_number"] in seen
    assert _numbers(client.get(SHIPMENTS, headers=other_clerk, query_string={"office": "BC-BIMSON"})) == []


def test_clerk_of_another_office_may_not_cancel_it(client, login, bimson):
    other_clerk = login("clerk-hatrung", Role.clerk, office_code="BC-HATRUNG")
    resp = client.post(f"{SHIPMENTS}/{bimson['tracking_number']}/cancel", json={}, headers=other_clerk)
    assert resp.status_code == 404


def test_clerk_of_another_office_creates_at_its_own_office(client, login, shipment_body):
    other_clerk = login("clerk-hatrung", Role.clerk, office_code="BC-HATRUNG")
    resp = client.post(SHIPMENTS, json=shipment_body(), headers=other_clerk)
    assert resp.status_code == 201
    assert resp.get_json()["office_code"] == "BC-HATRUNG"


def test_clerk_may_not_choose_another_office(as_user, shipment_body):
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body(office_code="BC-HATRUNG"))
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "other_office"


def test_supervisor_may_choose_the_office(as_user, shipment_body):
    resp = as_user("supervisor").post(SHIPMENTS, json=shipment_body(office_code="BC-SAMSON"))
    assert resp.status_code == 201
    assert resp.get_json()["office_code"] == "BC-SAMSON"
    unknown = as_user("supervisor").post(SHIPMENTS, json=shipment_body(office_code="BC-NOWHERE"))
    assert unknown.status_code == 422
    assert "office_code" in unknown.get_json()["errors"]


def test_courier_sees_its_offices_shipments(as_user, bimson, hatrung):
    courier = as_user("courier")
    assert courier.get(f"{SHIPMENTS}/{bimson['tracking_number']}").status_code == 200
    assert courier.get(f"{SHIPMENTS}/{hatrung['tracking_number']}").status_code == 404
    seen = _numbers(courier.get(SHIPMENTS, query_string={"limit": 200}))
    assert bimson["tracking_number"] in seen and hatrung["tracking_number"] not in seen


def test_courier_may_not_cancel(as_user, bimson):
    resp = as_user("courier").post(f"{SHIPMENTS}/{bimson['tracking_number']}/cancel", json={})
    assert resp.status_code == 403


def test_agency_creates_return_shipments_for_its_own_agency(make_shipment):
    out = make_shipment("agency", service="return")
    assert out["agency_code"] == "UBND-14812"
    assert out["tracking_number"].startswith("HB")


@pytest.mark.parametrize("service", ["intake", "both"])
def test_agency_may_not_create_other_services(as_user, shipment_body, service):
    resp = as_user("agency").post(SHIPMENTS, json=shipment_body(service=service))
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "role_forbidden"


@pytest.mark.parametrize("agency_code", ["UBND-15271", "UBND-14818"])
def test_agency_may_not_create_for_another_agency(as_user, shipment_body, agency_code):
    resp = as_user("agency").post(SHIPMENTS, json=shipment_body(agency_code=agency_code))
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "other_agency"


def test_supervisor_sees_all(as_user, bimson, hatrung):
    supervisor = as_user("supervisor")
    for made in (bimson, hatrung):
        assert supervisor.get(f"{SHIPMENTS}/{made['tracking_number']}").status_code == 200
    seen = _numbers(supervisor.get(SHIPMENTS, query_string={"limit": 200}))
    assert {bimson["tracking_number"], hatrung["tracking_number"]} <= set(seen)


def test_agency_filter_for_supervisor(as_user, bimson, hatrung):
    seen = _numbers(as_user("supervisor").get(SHIPMENTS, query_string={"agency": "UBND-15271", "limit": 200}))
    assert hatrung["tracking_number"] in seen and bimson["tracking_number"] not in seen
    seen = _numbers(as_user("supervisor").get(SHIPMENTS, query_string={"office": "BC-BIMSON", "limit": 200}))
    assert bimson["tracking_number"] in seen and hatrung["tracking_number"] not in seen
