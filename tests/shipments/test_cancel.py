"""Cancelling before acceptance, one live shipment per dossier and service, serials never reused."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db
from app.shipments import s10, services
from app.shipments.models import Shipment

SHIPMENTS = "/api/v1/shipments"


def _cancel(caller, tn: str, **body):
    return caller.post(f"{SHIPMENTS}/{tn}/cancel", json=body)


def test_cancel_before_acceptance(as_user, make_shipment):
    tn = make_shipment.number()
    resp = _cancel(as_user("clerk"), tn, reason="Công dân đổi ý")
    assert resp.status_code == 200, resp.get_json()
    out = resp.get_json()
    assert out["status"] == "cancelled"
    assert [e["event"] for e in out["events"]] == ["created", "cancelled"]
    cancelled = out["events"][1]
    assert cancelled["upu_code"] is None
    assert cancelled["office_code"] == "BC-BIMSON"
    assert cancelled["note"] == "Công dân đổi ý"
    got = as_user("clerk").get(f"{SHIPMENTS}/{tn}").get_json()
    assert got["status"] == "cancelled" and len(got["events"]) == 2


def test_cancel_without_a_body(as_user, make_shipment):
    tn = make_shipment.number()
    resp = as_user("clerk").post(f"{SHIPMENTS}/{tn}/cancel")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["events"][-1]["note"] is None


def test_cancel_twice_is_refused(as_user, make_shipment):
    tn = make_shipment.number()
    assert _cancel(as_user("clerk"), tn).status_code == 200
    again = _cancel(as_user("clerk"), tn)
    assert again.status_code == 409
    assert again.get_json()["code"] == "not_cancellable"
    events = as_user("clerk").get(f"{SHIPMENTS}/{tn}").get_json()["events"]
    assert [e["event"] for e in events] == ["created", "cancelled"]


def test_accepted_shipment_cannot_be_cancelled(app, as_user, make_shipment):
    tn = make_shipment.number()
    with app.app_context():
        shipment = db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))
        clerk = db.session.scalar(select(User).where(User.username == "clerk"))
        services.record_event(shipment, "accepted", actor=clerk, occurred_at=shipment.created_at,
                              office=clerk.office)
        db.session.commit()
    resp = _cancel(as_user("clerk"), tn)
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "not_cancellable"
    assert as_user("clerk").get(f"{SHIPMENTS}/{tn}").get_json()["status"] == "accepted"


def test_cancel_unknown_or_malformed(as_user):
    assert _cancel(as_user("clerk"), "EE471108151FR").status_code == 404
    bad = _cancel(as_user("clerk"), "EE471108152FR")
    assert bad.status_code == 422 and "tracking_number" in bad.get_json()["errors"]


def test_cancel_reason_is_validated(as_user, make_shipment):
    tn = make_shipment.number()
    resp = _cancel(as_user("clerk"), tn, reason="x" * 301)
    assert resp.status_code == 422 and "reason" in resp.get_json()["errors"]
    assert as_user("clerk").get(f"{SHIPMENTS}/{tn}").get_json()["status"] == "created"


def test_agency_cancels_its_own(as_user, make_shipment):
    tn = make_shipment.number("agency")
    assert _cancel(as_user("agency"), tn).status_code == 200


def test_agency_may_not_cancel_an_intake_shipment_of_its_agency(as_user, make_shipment):
    tn = make_shipment.number("clerk", service="intake")
    assert as_user("agency").get(f"{SHIPMENTS}/{tn}").status_code == 200
    resp = _cancel(as_user("agency"), tn)
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "role_forbidden"
    assert as_user("clerk").get(f"{SHIPMENTS}/{tn}").get_json()["status"] == "created"


def test_cancel_is_audited(app, as_user, make_shipment):
    tn = make_shipment.number()
    _cancel(as_user("clerk"), tn, reason="nhầm")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "shipment.cancel", AuditEntry.entity_id == tn))
        assert entry is not None and entry.detail == {"reason": "nhầm"}


def test_second_live_shipment_for_a_dossier_is_refused(as_user, shipment_body, make_shipment):
    first = make_shipment()
    again = as_user("clerk").post(SHIPMENTS, json=shipment_body(dossier=first["dossier"]))
    assert again.status_code == 409
    problem = again.get_json()
    assert problem["code"] == "dossier_has_live_shipment"
    assert "dossier.code" in problem["errors"]
    assert first["tracking_number"] in problem["detail"]


def test_live_check_sees_other_offices_and_roles(as_user, shipment_body, make_shipment):
    first = make_shipment("supervisor", agency_code="UBND-15271")
    again = as_user("clerk").post(SHIPMENTS, json=shipment_body(dossier=first["dossier"]))
    assert again.status_code == 409


def test_dossier_may_ship_again_after_cancel(as_user, shipment_body, make_shipment):
    first = make_shipment()
    assert _cancel(as_user("clerk"), first["tracking_number"]).status_code == 200
    again = as_user("clerk").post(SHIPMENTS, json=shipment_body(dossier=first["dossier"]))
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["tracking_number"] != first["tracking_number"]
    third = as_user("clerk").post(SHIPMENTS, json=shipment_body(dossier=first["dossier"]))
    assert third.status_code == 409


def test_dossier_may_ship_once_per_service(as_user, shipment_body, make_shipment):
    first = make_shipment(service="return")
    intake = as_user("clerk").post(SHIPMENTS, json=shipment_body(dossier=first["dossier"], service="intake"))
    assert intake.status_code == 201
    both = as_user("clerk").post(SHIPMENTS, json=shipment_body(dossier=first["dossier"], service="both"))
    assert both.status_code == 201
    assert as_user("clerk").post(SHIPMENTS, json=shipment_body(
        dossier=first["dossier"], service="intake")).status_code == 409


def test_refused_creation_leaves_nothing_behind(app, as_user, shipment_body, make_shipment):
    first = make_shipment()
    as_user("clerk").post(SHIPMENTS, json=shipment_body(dossier=first["dossier"]))
    with app.app_context():
        rows = db.session.scalars(select(Shipment.tracking_number).where(
            Shipment.dossier_code == first["dossier"]["code"])).all()
    assert rows == [first["tracking_number"]]


def test_serials_are_never_reused(as_user, make_shipment):
    first = make_shipment.number()
    assert _cancel(as_user("clerk"), first).status_code == 200
    following = make_shipment.number()
    assert s10.is_valid(following)
    assert int(following[2:10]) > int(first[2:10])

