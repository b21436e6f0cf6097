"""Admins list, deactivate and reactivate users (issue 9, acceptance 4)."""
from __future__ import annotations

import pytest

USERS = "/api/v1/users"
ME = "/api/v1/auth/me"


def test_admins_page_through_users(as_user, problem):
    first = as_user("admin").get(f"{USERS}?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = as_user("admin").get(f"{USERS}?limit=2&cursor={first['next_cursor']}").get_json()
    ids = [u["id"] for u in first["items"] + second["items"]]
    assert ids == sorted(set(ids))
    assert {"id", "username", "role", "active"} <= first["items"][0].keys()
    assert "password_hash" not in str(first)
    problem(as_user("admin").get(f"{USERS}?cursor=W1tbWw"), 422, "invalid_cursor", "cursor")


@pytest.mark.parametrize("role", ["clerk", "courier", "agency", "supervisor"])
def test_only_admins_manage_users(as_user, user_id, problem, role):
    problem(as_user(role).get(USERS), 403, "role_forbidden")
    refused = as_user(role).patch(f"{USERS}/{user_id('courier')}", json={"active": False})
    problem(refused, 403, "role_forbidden")


def test_anonymous_callers_are_refused_before_the_body_is_read(client, user_id, problem):
    problem(client.get(USERS), 401, "missing_token")
    problem(client.patch(f"{USERS}/{user_id('courier')}", json={"active": "no"}), 401, "missing_token")


def test_deactivating_the_courier_ends_their_tokens_at_once(as_user, client, session_for, sign_in,
                                                            user_id, problem, audited):
    courier = session_for("courier")
    assert client.get(ME, headers=courier).status_code == 200
    resp = as_user("admin").patch(f"{USERS}/{user_id('courier')}", json={"active": False})
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    problem(client.get(ME, headers=courier), 401, "invalid_token")
    problem(sign_in("courier"), 401, "invalid_credentials")
    [entry] = audited("user.deactivate")
    assert entry.entity_id == str(user_id("courier")) and entry.detail["tokens_revoked"] >= 1

    again = as_user("admin").patch(f"{USERS}/{user_id('courier')}", json={"active": True})
    assert again.status_code == 200 and again.get_json()["active"] is True
    assert sign_in("courier").status_code == 201
    problem(client.get(ME, headers=courier), 401, "invalid_token")  # nothing revoked comes back
    assert len(audited("user.activate")) == 1


def test_deactivating_an_agency_account_ends_its_api_keys(as_user, client, user_id, problem):
    key = as_user("agency").post("/api/v1/api-keys", json={"name": "Một cửa"}).get_json()["key"]
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(ME, headers=headers).status_code == 200
    assert as_user("admin").patch(f"{USERS}/{user_id('agency')}", json={"active": False}).status_code == 200
    problem(client.get(ME, headers=headers), 401, "invalid_token")
    assert as_user("admin").patch(f"{USERS}/{user_id('agency')}", json={"active": True}).status_code == 200
    problem(client.get(ME, headers=headers), 401, "invalid_token")


def test_an_admin_cannot_deactivate_themselves(as_user, user_id, problem):
    problem(as_user("admin").patch(f"{USERS}/{user_id('admin')}", json={"active": False}),
            422, None, "active")


def test_names_can_be_corrected_and_nothing_else(as_user, user_id, problem, audited):
    url = f"{USERS}/{user_id('clerk')}"
    resp = as_user("admin").patch(url, json={"full_name": "  Lê Thị Hoa "})
    assert resp.status_code == 200 and resp.get_json()["full_name"] == "Lê Thị Hoa"
    assert audited("user.update")[0].detail == {"full_name": "Lê Thị Hoa"}
    problem(as_user("admin").patch(url, json={"role": "admin"}), 422, None, "role")
    problem(as_user("admin").patch(url, json={"active": "false"}), 422, None, "active")
    for empty in ({}, None):  # found by schemathesis: a missing body answered 200
        problem(as_user("admin").patch(url, json=empty), 422, "validation_error", "_body")
    problem(as_user("admin").patch(f"{USERS}/999999", json={"active": False}), 404)
