"""Creating and reading a shipment (acceptance point 2 of the foundation issue)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.shipments import s10
from app.shipments.models import Shipment

SHIPMENTS = "/api/v1/shipments"


def test_demo_clerk_creates_the_spec_body(client, shipment_body):
    login = client.post("/api/v1/auth/tokens", json={"username": "clerk", "password": "demo-clerk"})
    assert login.status_code == 201
    auth = {"Authorization": f"Bearer {login.get_json()['token']}"}
    body = shipment_body()

    resp = client.post(SHIPMENTS, json=body, headers=auth)

    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    tn = out["tracking_number"]
    assert re.fullmatch(r"HB\d{9}VN", tn)
    assert s10.is_valid(tn)
    assert out["status"] == "created"
    assert out["service"] == "return"
    assert out["dossier"] == body["dossier"]
    assert out["agency_code"] == "UBND-14812"
    assert out["office_code"] == "BC-BIMSON"
    assert resp.headers["Location"].endswith(f"{SHIPMENTS}/{tn}")
    assert "Idempotent-Replayed" not in resp.headers
    assert {"fee", "due_date"} <= out.keys()  # SPEC §7; priced by the fee engine
    created_at = datetime.fromisoformat(out["created_at"])
    assert created_at.utcoffset() is not None  # ISO 8601 with an offset
    assert created_at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_intake_gets_the_intake_indicator(make_shipment):
    tn = make_shipment.number(service="intake")
    assert tn.startswith("HA") and tn.endswith("VN") and s10.is_valid(tn)


def test_get_returns_the_shipment_with_its_created_event(as_user, make_shipment):
    made = make_shipment()
    resp = as_user("clerk").get(f"{SHIPMENTS}/{made['tracking_number']}")
    assert resp.status_code == 200
    got = resp.get_json()
    assert got["tracking_number"] == made["tracking_number"]
    assert got["status"] == "created"
    [event] = got["events"]
    assert event["event"] == "created"
    assert event["upu_code"] is None
    assert event["office_code"] == "BC-BIMSON"
    assert event["occurred_at"].startswith("2026-11-23T02:00:00")


def test_location_header_leads_to_the_shipment(as_user, shipment_body):
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body())
    again = as_user("clerk").get(resp.headers["Location"])
    assert again.status_code == 200
    assert again.get_json()["tracking_number"] == resp.get_json()["tracking_number"]


def test_lower_case_tracking_number_is_found(as_user, make_shipment):
    tn = make_shipment.number()
    resp = as_user("clerk").get(f"{SHIPMENTS}/{tn.lower()}")
    assert resp.status_code == 200
    assert resp.get_json()["tracking_number"] == tn


def test_list_filtered_by_dossier_code_finds_it(as_user, make_shipment):
    made = make_shipment()
    code = made["dossier"]["code"]
    resp = as_user("clerk").get(SHIPMENTS, query_string={"dossier_code": code})
    assert resp.status_code == 200
    page = resp.get_json()
    assert [i["tracking_number"] for i in page["items"]] == [made["tracking_number"]]
    assert page["items"][0]["dossier_code"] == code
    assert page["next_cursor"] is None


def test_body_is_stored_as_given(as_user, make_shipment):
    out = make_shipment()
    assert out["sender"]["name"] == "UBND phường Bỉm Sơn"
    assert out["sender"]["address"] == {"line": "Số 1 Trần Phú", "unit_code": "14812",
                                        "unit_name": out["sender"]["address"]["unit_name"],
                                        "province_code": "38"}
    assert out["recipient"]["phone"] == "0912345678"
    assert out["weight_g"] == 120
    assert out["items"] == [{"name": "Trích lục khai sinh", "original": True, "count": 1}]
    assert out["beneficiary"] == {"category": "poor_household", "certificate": "HN-2020-0042"}
    assert out["accepted_on"] == "2020-03-16"
    assert out["collect_fee_vnd"] == 0


def test_id_number_is_kept_only_as_hash_and_last_four(app, make_shipment):
    out = make_shipment()
    assert out["recipient"]["id_type"] == "cccd"
    assert out["recipient"]["id_last4"] == "1234"
    assert "038090001234" not in str(out)
    with app.app_context():
        row = db.session.scalar(select(Shipment).where(Shipment.tracking_number == out["tracking_number"]))
        stored = {c.key: getattr(row, c.key) for c in Shipment.__table__.columns}
    assert "038090001234" not in repr(stored)
    assert row.recipient_id_last4 == "1234"
    assert len(row.recipient_id_hash) == 64


def test_creation_is_audited(app, make_shipment):
    tn = make_shipment.number()
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "shipment.create", AuditEntry.entity_id == tn)).all()
        assert len(entries) == 1
        assert entries[0].entity_type == "shipment"
        assert entries[0].detail["service"] == "return"


def test_accepted_on_defaults_to_today_in_the_province(clock, make_shipment):
    clock.set(datetime(2026, 11, 23, 18, 30, tzinfo=UTC))  # 01:30 on the 24th in Thanh Hóa
    out = make_shipment(accepted_on=None)
    assert out["accepted_on"] == "2026-11-24"


def test_serials_increase(make_shipment):
    first = make_shipment.number()
    second = make_shipment.number()
    assert int(second[2:10]) == int(first[2:10]) + 1


@pytest.mark.parametrize("username", ["supervisor", "agency"])
def test_other_creator_roles(username, make_shipment):
    out = make_shipment(username)
    assert out["status"] == "created"
    assert out["office_code"] == "BC-BIMSON"  # the agency's serving office
