"""Idempotency-Key on shipment creation (SPEC §7): replay the first answer, refuse a changed body."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.idempotency.models import IdempotencyRecord
from app.shipments.models import Shipment

SHIPMENTS = "/api/v1/shipments"


def _count(app, dossier_code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Shipment).where(
            Shipment.dossier_code == dossier_code))


def _key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def test_replay_returns_the_first_answer(app, as_user, shipment_body):
    body = shipment_body()
    clerk = as_user("clerk")
    first = clerk.post(SHIPMENTS, json=body, headers=_key("k-1"))
    second = clerk.post(SHIPMENTS, json=body, headers=_key("k-1"))

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.mimetype == "application/json"
    assert _count(app, body["dossier"]["code"]) == 1


def test_same_key_with_another_body_is_refused(app, as_user, shipment_body):
    clerk = as_user("clerk")
    body = shipment_body()
    assert clerk.post(SHIPMENTS, json=body, headers=_key("k-2")).status_code == 201
    changed = {**body, "weight_g": 121}
    resp = clerk.post(SHIPMENTS, json=changed, headers=_key("k-2"))
    assert resp.status_code == 409
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["code"] == "idempotency_key_reused"
    assert _count(app, body["dossier"]["code"]) == 1


def test_same_body_in_another_key_order_or_spacing_is_a_replay(as_user, shipment_body):
    clerk = as_user("clerk")
    body = shipment_body()
    first = clerk.post(SHIPMENTS, json=body, headers=_key("k-3"))
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2, ensure_ascii=True)
    again = clerk.post(SHIPMENTS, data=reordered, content_type="application/json", headers=_key("k-3"))
    assert again.status_code == 201, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["tracking_number"] == first.get_json()["tracking_number"]


def test_without_a_key_a_repeat_is_a_new_request(as_user, shipment_body):
    clerk = as_user("clerk")
    body = shipment_body()
    assert clerk.post(SHIPMENTS, json=body).status_code == 201
    again = clerk.post(SHIPMENTS, json=body)
    assert again.status_code == 409
    assert again.get_json()["code"] == "dossier_has_live_shipment"


def test_keys_belong_to_one_user(as_user, shipment_body):
    made = as_user("clerk").post(SHIPMENTS, json=shipment_body(), headers=_key("shared"))
    other = as_user("agency").post(SHIPMENTS, json=shipment_body(), headers=_key("shared"))
    assert made.status_code == other.status_code == 201
    assert "Idempotent-Replayed" not in other.headers
    assert other.get_json()["tracking_number"] != made.get_json()["tracking_number"]


def test_a_refused_request_does_not_keep_the_key(app, as_user, shipment_body):
    clerk = as_user("clerk")
    body = shipment_body(weight_g=0)
    refused = clerk.post(SHIPMENTS, json=body, headers=_key("k-4"))
    assert refused.status_code == 422
    fixed = clerk.post(SHIPMENTS, json={**body, "weight_g": 120}, headers=_key("k-4"))
    assert fixed.status_code == 201, fixed.get_json()
    assert "Idempotent-Replayed" not in fixed.headers


def test_a_conflict_does_not_keep_the_key(as_user, shipment_body):
    clerk = as_user("clerk")
    body = shipment_body()
    first = clerk.post(SHIPMENTS, json=body)
    conflict = clerk.post(SHIPMENTS, json=body, headers=_key("k-5"))
    assert conflict.status_code == 409
    assert clerk.post(f"{SHIPMENTS}/{first.get_json()['tracking_number']}/cancel", json={}).status_code == 200
    retried = clerk.post(SHIPMENTS, json=body, headers=_key("k-5"))
    assert retried.status_code == 201, retried.get_json()


def test_replay_is_only_for_its_owner_after_the_token_changes(client, as_user, shipment_body):
    body = shipment_body()
    first = as_user("clerk").post(SHIPMENTS, json=body, headers=_key("k-6"))
    login = client.post("/api/v1/auth/tokens", json={"username": "clerk", "password": "demo-clerk"})
    fresh = {"Authorization": f"Bearer {login.get_json()['token']}", **_key("k-6")}
    again = client.post(SHIPMENTS, json=body, headers=fresh)
    assert again.status_code == 201
    assert again.get_json()["tracking_number"] == first.get_json()["tracking_number"]


def test_expired_key_may_be_used_again(app, client, as_user, shipment_body, clock):
    clerk = as_user("clerk")
    assert clerk.post(SHIPMENTS, json=shipment_body(), headers=_key("k-7")).status_code == 201
    clock.advance(seconds=app.config["IDEMPOTENCY_TTL_SECONDS"] + 1)
    login = client.post("/api/v1/auth/tokens", json={"username": "clerk", "password": "demo-clerk"})
    headers = {"Authorization": f"Bearer {login.get_json()['token']}", **_key("k-7")}
    resp = client.post(SHIPMENTS, json=shipment_body(), headers=headers)
    assert resp.status_code == 201, resp.get_json()
    assert "Idempotent-Replayed" not in resp.headers
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord).where(
            IdempotencyRecord.key == "k-7")) == 1


def test_key_still_holds_just_before_it_expires(app, client, as_user, shipment_body, clock):
    body = shipment_body()
    first = as_user("clerk").post(SHIPMENTS, json=body, headers=_key("k-8"))
    clock.advance(seconds=app.config["IDEMPOTENCY_TTL_SECONDS"] - 1)
    login = client.post("/api/v1/auth/tokens", json={"username": "clerk", "password": "demo-clerk"})
    headers = {"Authorization": f"Bearer {login.get_json()['token']}", **_key("k-8")}
    again = client.post(SHIPMENTS, json=body, headers=headers)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["tracking_number"] == first.get_json()["tracking_number"]


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there"])
def test_bad_keys_are_refused(as_user, shipment_body, key):
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body(), headers=_key(key))
    assert resp.status_code == 422
    assert "Idempotency-Key" in resp.get_json()["errors"]


def test_longest_key_is_accepted(as_user, shipment_body):
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body(), headers=_key("x" * 255))
    assert resp.status_code == 201


def test_records_expire_and_are_purged(app, as_user, shipment_body, clock):
    from app.idempotency.services import purge_expired

    as_user("clerk").post(SHIPMENTS, json=shipment_body(), headers=_key("k-9"))
    ttl = app.config["IDEMPOTENCY_TTL_SECONDS"]
    with app.app_context():
        assert purge_expired(ttl) == 0
        clock.advance(seconds=ttl + 1)
        assert purge_expired(ttl) >= 1
        assert db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "k-9")) is None

