"""POST/GET/DELETE /api/v1/webhooks and POST /api/v1/webhooks/{id}/enable (SPEC §7, §9)."""
from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from app.accounts.services import create_user
from app.extensions import db

WEBHOOKS = "/api/v1/webhooks"

HOOK = "http://127.0.0.1:8999/hcc"


@pytest.fixture
def other_agency(app, client):
    """An officer of another agency (UBND phường Quang Trung), with a token."""
    with app.app_context():
        create_user(username="officer-qt", password="officer-qt-pass", role=Role.agency,
                    full_name="Cán bộ Quang Trung", agency_code="UBND-14818")
        db.session.commit()
    resp = client.post("/api/v1/auth/tokens", json={"username": "officer-qt", "password": "officer-qt-pass"})
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def test_an_agency_subscribes_and_sees_the_secret_once(as_user):
    resp = as_user("agency").post(WEBHOOKS, json={"url": HOOK, "events": ["delivered", "accepted"]})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert re.fullmatch(r"[0-9a-f]{64}", body["secret"])
    assert body["agency_code"] == "UBND-14812" and body["url"] == HOOK
    assert body["events"] == ["accepted", "delivered"] and body["active"] is True
    assert resp.headers["Location"].endswith(f"{WEBHOOKS}/{body['id']}")
    listed = as_user("agency").get(WEBHOOKS).get_json()
    assert [s["id"] for s in listed["items"]] == [body["id"]] and listed["next_cursor"] is None
    assert "secret" not in listed["items"][0]
    assert "secret" not in as_user("agency").get(f"{WEBHOOKS}/{body['id']}").get_json()


def test_an_agency_may_bring_its_own_secret(as_user, problem):
    secret = "k" * 40
    resp = as_user("agency").post(WEBHOOKS, json={"url": HOOK, "secret": secret})
    assert resp.status_code == 201 and resp.get_json()["secret"] == secret
    short = as_user("agency").post(WEBHOOKS, json={"url": HOOK, "secret": "k" * 31})
    problem(short, 422, "validation_error", "secret")


@pytest.mark.parametrize("url", ["ftp://example.vn/x", "http:///nohost", "example.vn/hook",
                                 "https://user:pw@example.vn/hook", "https://example .vn/hook"])
def test_the_url_must_be_http_or_https_with_a_host(as_user, url, problem):
    problem(as_user("agency").post(WEBHOOKS, json={"url": url}), 422, None, "url")


def test_production_takes_https_only_unless_allowed(app, monkeypatch, as_user, problem):
    monkeypatch.setitem(app.config, "HCC_ENV", "production")
    problem(as_user("agency").post(WEBHOOKS, json={"url": "http://mot-cua.thanhhoa.gov.vn/hook"}),
            422, "https_required", "url")
    problem(as_user("agency").post(WEBHOOKS, json={"url": "https://10.0.0.7/hook"}),
            422, "invalid_url", "url")
    assert as_user("agency").post(WEBHOOKS, json={"url": "https://mot-cua.thanhhoa.gov.vn/hook"}
                                  ).status_code == 201
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_HTTP", True)
    assert as_user("agency").post(WEBHOOKS, json={"url": "http://mot-cua.thanhhoa.gov.vn/hook"}
                                  ).status_code == 201


@pytest.mark.parametrize(("events", "field"), [
    (["birthday"], "events.0"), (["delivered", "delivered"], "events"), ("delivered", "events")])
def test_events_are_names_from_spec_section_6(as_user, events, field, problem):
    problem(as_user("agency").post(WEBHOOKS, json={"url": HOOK, "events": events}),
            422, "validation_error", field)


def test_other_roles_may_not_subscribe(as_user, problem):
    for user in ("clerk", "courier", "supervisor"):
        problem(as_user(user).post(WEBHOOKS, json={"url": HOOK}), 403, "role_forbidden")
        problem(as_user(user).get(WEBHOOKS), 403, "role_forbidden")


def test_an_agency_sees_and_manages_only_its_own(client, as_user, other_agency, problem):
    mine = as_user("agency").post(WEBHOOKS, json={"url": HOOK}).get_json()
    theirs = client.post(WEBHOOKS, json={"url": HOOK}, headers=other_agency).get_json()
    assert theirs["agency_code"] == "UBND-14818"
    assert [s["id"] for s in as_user("agency").get(WEBHOOKS).get_json()["items"]] == [mine["id"]]
    for call in (lambda: as_user("agency").get(f"{WEBHOOKS}/{theirs['id']}"),
                 lambda: as_user("agency").delete(f"{WEBHOOKS}/{theirs['id']}"),
                 lambda: as_user("agency").post(f"{WEBHOOKS}/{theirs['id']}/enable")):
        problem(call(), 404, "webhook_not_found")
    problem(as_user("agency").post(WEBHOOKS, json={"url": HOOK, "agency_code": "UBND-14818"}),
            403, "other_agency")
    admin_view = as_user("admin").get(WEBHOOKS).get_json()["items"]
    assert {s["id"] for s in admin_view} >= {mine["id"], theirs["id"]}


def test_an_admin_names_the_agency(as_user, problem):
    problem(as_user("admin").post(WEBHOOKS, json={"url": HOOK}), 422, None, "agency_code")
    problem(as_user("admin").post(WEBHOOKS, json={"url": HOOK, "agency_code": "NOPE"}),
            422, "unknown_agency", "agency_code")
    resp = as_user("admin").post(WEBHOOKS, json={"url": HOOK, "agency_code": "UBND-15271"})
    assert resp.status_code == 201 and resp.get_json()["agency_code"] == "UBND-15271"


def test_a_replayed_idempotency_key_returns_the_first_answer(as_user, problem):
    headers = {"Idempotency-Key": "hook-1"}
    first = as_user("agency").post(WEBHOOKS, json={"url": HOOK}, headers=headers)
    again = as_user("agency").post(WEBHOOKS, json={"url": HOOK}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert len(as_user("agency").get(WEBHOOKS).get_json()["items"]) == 1
    other = as_user("agency").post(WEBHOOKS, json={"url": HOOK + "/2"}, headers=headers)
    problem(other, 409)


def test_delete_then_gone(as_user, problem):
    created = as_user("agency").post(WEBHOOKS, json={"url": HOOK}).get_json()
    resp = as_user("agency").delete(f"{WEBHOOKS}/{created['id']}")
    assert resp.status_code == 204 and resp.data == b""
    problem(as_user("agency").get(f"{WEBHOOKS}/{created['id']}"), 404, "webhook_not_found")
    assert as_user("agency").get(WEBHOOKS).get_json()["items"] == []


def test_enabling_an_active_subscription_changes_nothing(as_user):
    created = as_user("agency").post(WEBHOOKS, json={"url": HOOK}).get_json()
    resp = as_user("agency").post(f"{WEBHOOKS}/{created['id']}/enable")
    assert resp.status_code == 200 and resp.get_json()["active"] is True


def test_at_most_ten_per_agency(as_user, problem):
    for i in range(10):
        assert as_user("agency").post(WEBHOOKS, json={"url": f"{HOOK}/{i}"}).status_code == 201
    problem(as_user("agency").post(WEBHOOKS, json={"url": HOOK}), 409, "too_many_subscriptions")


def test_the_list_pages_with_a_keyset_cursor(as_user, problem):
    ids = [as_user("agency").post(WEBHOOKS, json={"url": f"{HOOK}/{i}"}).get_json()["id"] for i in range(3)]
    first = as_user("agency").get(f"{WEBHOOKS}?limit=2").get_json()
    assert [s["id"] for s in first["items"]] == ids[:2] and first["next_cursor"]
    rest = as_user("agency").get(f"{WEBHOOKS}?limit=2&cursor={first['next_cursor']}").get_json()
    assert [s["id"] for s in rest["items"]] == ids[2:] and rest["next_cursor"] is None
    problem(as_user("agency").get(f"{WEBHOOKS}?cursor=garbage"), 422, "invalid_cursor")


def test_unknown_ids_are_404_and_huge_ones_match_no_route(as_user, problem):
    problem(as_user("agency").get(f"{WEBHOOKS}/987654"), 404, "webhook_not_found")
    problem(as_user("agency").get(f"{WEBHOOKS}/{2**64}"), 404)
