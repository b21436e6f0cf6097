"""POST /api/v1/shipments/{tn}/delivery: identity, proxies, images, the failed attempt kept
on a refusal (acceptance point 2)."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.delivery.models import DeliveryProof
from app.delivery.services import JPEG_MAGIC, PNG_MAGIC, deliver_by_handover
from app.extensions import db
from app.notifications.models import Channel, OutboxMessage
from app.privacy import id_number_matches
from app.shipments.models import Shipment

SHIPMENTS = "/api/v1/shipments"

RIGHT_CCCD = "038090001234"  # the recipient's, as recorded at creation (tests/conftest.py)
WRONG_CCCD = "038090009999"
PNG = PNG_MAGIC + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG = JPEG_MAGIC + b"\xe0" + bytes(200) + b"\xff\xd9"


def b64(blob: bytes) -> str:
    return base64.b64encode(blob).decode()


@pytest.fixture
def out_for_delivery(walk, make_shipment):
    def make(**overrides):
        tn = make_shipment.number("agency", **overrides)
        walk(tn, "accepted", "out_for_delivery")
        return tn
    return make


@pytest.fixture
def deliver(as_user, clock):
    def post(tn, user="courier", headers=None, **overrides):
        clock.advance(minutes=10)
        body = {"recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
                "id_number": RIGHT_CCCD, "occurred_at": clock.now().isoformat(), **overrides}
        return as_user(user).post(f"{SHIPMENTS}/{tn}/delivery", json=body, headers=headers)
    return post


def _shipment(tn: str) -> Shipment:
    return db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))


def test_self_delivery_with_the_right_cccd(app, as_user, out_for_delivery, deliver, shipment_of):
    tn = out_for_delivery()
    resp = deliver(tn, signature_png=b64(PNG), photo_jpeg=b64(JPEG), lat=20.08, lon=105.86)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["status"] == "delivered"
    assert out["event"]["event"] == "delivered" and out["event"]["upu_code"] == "EMI"
    assert out["proof"] == {**out["proof"], "relationship": "self", "id_type": "cccd", "id_last4": "1234",
                            "signature_bytes": len(PNG), "photo_bytes": len(JPEG), "lat": 20.08}
    assert RIGHT_CCCD not in resp.get_data(as_text=True)
    with app.app_context():
        proof = db.session.scalar(select(DeliveryProof).join(Shipment).where(Shipment.tracking_number == tn))
        assert proof.signature_png == PNG and proof.photo_jpeg == JPEG
        assert id_number_matches(RIGHT_CCCD, proof.id_hash) and proof.id_last4 == "1234"
        assert RIGHT_CCCD not in repr(vars(proof))
    assert shipment_of(tn)["status"] == "delivered"


def test_the_wrong_cccd_is_refused_and_kept_as_a_failed_attempt(app, as_user, out_for_delivery, deliver,
                                                                problem, shipment_of):
    """Acceptance point 2."""
    tn = out_for_delivery()
    resp = deliver(tn, id_number=WRONG_CCCD)
    body = problem(resp, 422, "id_mismatch", "id_number")
    assert WRONG_CCCD not in resp.get_data(as_text=True)
    shipment = shipment_of(tn)
    assert shipment["status"] == "awaiting_collection"
    failed = shipment["events"][-1]
    assert (failed["event"], failed["reason"], failed["upu_code"]) == \
        ("delivery_failed", "id_mismatch", "EMH")
    assert "failed" in body["detail"]
    with app.app_context():
        shipment_row = _shipment(tn)
        proof = select(DeliveryProof).where(DeliveryProof.shipment_id == shipment_row.id)
        assert db.session.scalar(proof) is None
        # The failed attempt brings its notice SMS, written with it.
        sms = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.shipment_id == shipment_row.id, OutboxMessage.channel == Channel.sms,
            OutboxMessage.topic == "shipment.delivery_failed")).all()
        assert len(sms) == 1 and "giấy mời" in sms[0].payload["text"]
        audit = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "shipment.delivery_refused", AuditEntry.entity_id == tn))
        assert audit.detail == {"reason": "id_mismatch", "id_type": "cccd", "id_last4": "9999"}
    # The item waits at the counter; the right person collects it there.
    collected = deliver(tn, user="clerk")
    assert collected.status_code == 201, collected.get_json()
    assert [e["event"] for e in shipment_of(tn)["events"]][-2:] == ["delivery_failed", "delivered"]


def test_a_refusal_keeps_only_the_failed_attempt_and_frees_the_idempotency_key(
        as_user, out_for_delivery, deliver, problem, shipment_of):
    tn = out_for_delivery()
    headers = {"Idempotency-Key": f"pod-{tn}"}
    problem(deliver(tn, id_number=WRONG_CCCD, headers=headers), 422, "id_mismatch")
    # The key was not spent on the refusal: the right person's delivery may use it.
    first = deliver(tn, user="courier", headers=headers)
    assert first.status_code == 201, first.get_json()
    replay = as_user("courier").post(f"{SHIPMENTS}/{tn}/delivery", json={
        "recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
        "id_number": RIGHT_CCCD, "occurred_at": first.get_json()["proof"]["occurred_at"]},
        headers=headers)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    events = [e["event"] for e in shipment_of(tn)["events"]]
    assert events[-2:] == ["delivery_failed", "delivered"] and events.count("delivered") == 1


def test_a_proxy_needs_an_authorisation(as_user, out_for_delivery, deliver, problem, shipment_of):
    tn = out_for_delivery()
    resp = deliver(tn, relationship="proxy", recipient_name="Trần Thị Bình", id_number="038195001111")
    problem(resp, 422, "authorization_required", "authorization_ref")
    assert shipment_of(tn)["status"] == "out_for_delivery"  # nothing recorded
    ok = deliver(tn, relationship="proxy", recipient_name="Trần Thị Bình", id_number="038195001111",
                 authorization_ref="GUQ-2026-117")
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["proof"]["authorization_ref"] == "GUQ-2026-117"
    assert ok.get_json()["proof"]["id_last4"] == "1111"


def test_without_a_recorded_id_any_valid_document_does(walk, deliver, make_shipment):
    recipient = {"name": "Lê Thị Cúc", "phone": "0987654321", "address": {"line": "Thôn Tây",
                                                                          "unit_code": "14812"}}
    tn = make_shipment.number("agency", recipient=recipient)
    walk(tn, "accepted", "out_for_delivery")
    resp = deliver(tn, recipient_name="Lê Thị Cúc", id_type="passport", id_number="c1234567")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["proof"]["id_last4"] == "4567"


@pytest.mark.parametrize(("field", "blob", "code"), [
    ("signature_png", JPEG, "invalid_image"),
    ("photo_jpeg", PNG, "invalid_image"),
    ("signature_png", b"GIF89a" + bytes(10), "invalid_image"),
])
def test_images_are_checked_by_their_magic_bytes(out_for_delivery, deliver, field, blob, code, problem):
    problem(deliver(out_for_delivery(), **{field: b64(blob)}), 422, code, field)


def test_image_size_limits_are_configurable(app, monkeypatch, out_for_delivery, deliver, problem):
    monkeypatch.setitem(app.config, "DELIVERY_PHOTO_MAX_BYTES", 100)
    tn = out_for_delivery()
    problem(deliver(tn, photo_jpeg=b64(JPEG)), 422, "image_too_large", "photo_jpeg")
    monkeypatch.setitem(app.config, "DELIVERY_SIGNATURE_MAX_BYTES", 10)
    problem(deliver(tn, signature_png=b64(PNG)), 422, "image_too_large", "signature_png")


def test_a_data_url_is_accepted_and_bad_base64_refused(out_for_delivery, deliver, problem):
    tn = out_for_delivery()
    problem(deliver(tn, signature_png="not base64!"), 422, "validation_error", "signature_png")
    assert deliver(tn, signature_png="data:image/png;base64," + b64(PNG)).status_code == 201


@pytest.mark.parametrize(("overrides", "field"), [
    ({"relationship": "cousin"}, "relationship"),
    ({"id_type": "cccd", "id_number": "12345"}, "id_number"),
    ({"id_type": "cmnd", "id_number": "038090001234"}, "id_number"),
    ({"occurred_at": "2026-11-23T09:00:00"}, "occurred_at"),
    ({"recipient_name": ""}, "recipient_name"),
])
def test_invalid_bodies_are_422(out_for_delivery, deliver, overrides, field, problem):
    problem(deliver(out_for_delivery(), **overrides), 422, "validation_error", field)


def test_a_delivery_from_the_future_or_off_the_map_is_422(out_for_delivery, deliver, clock, problem):
    tn = out_for_delivery()
    future = (clock.now().replace(microsecond=0)).isoformat()
    clock.advance(minutes=-20)  # the server is now 10 minutes behind the device
    problem(deliver(tn, occurred_at=future), 422, "occurred_in_future")
    problem(deliver(tn, lat=48.85, lon=2.35), 422, "invalid_coordinates")


def test_a_second_delivery_is_refused(out_for_delivery, deliver, problem):
    tn = out_for_delivery()
    assert deliver(tn).status_code == 201
    problem(deliver(tn), 409, "shipment_final")
    # A wrong ID after delivery is no attempt at all: nothing is recorded.
    problem(deliver(tn, id_number=WRONG_CCCD), 409, "shipment_final")


def test_a_delivery_before_acceptance_is_refused(deliver, problem, make_shipment):
    problem(deliver(make_shipment.number("agency")), 409, "invalid_transition")


def test_an_intake_dossier_is_delivered_by_handover(app, make_shipment, clock, deliver, problem):
    tn = make_shipment.number("clerk", service="intake")
    problem(deliver(tn, user="clerk"), 409, "use_handover")
    with app.app_context():
        shipment = _shipment(tn)
        clerk = db.session.scalar(select(User).where(User.username == "clerk"))
        from app.shipments.services import record_event

        record_event(shipment, "accepted", actor=clerk, occurred_at=clock.now(), office=clerk.office)
        event = deliver_by_handover(shipment, actor=clerk, occurred_at=clock.now())
        assert (event.event, shipment.status.value) == ("delivered", "delivered")
        db.session.commit()


def test_couriers_deliver_only_what_they_may_see(out_for_delivery, deliver, app, problem):
    from app.accounts.models import Role
    from app.accounts.services import create_user

    with app.app_context():
        create_user(username="courier-samson", password="demo-courier-samson", role=Role.courier,
                    full_name="Đỗ Văn Xa", office_code="BC-SAMSON")
        db.session.commit()
    tn = out_for_delivery()
    problem(deliver(tn, user="courier-samson"), 404, "shipment_not_found")
    problem(deliver(tn, user="agency"), 403, "role_forbidden")
