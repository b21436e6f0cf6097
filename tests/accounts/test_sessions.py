"""Logout and password change (issue 9, acceptance 4)."""
from __future__ import annotations

LOGOUT = "/api/v1/auth/logout"
PASSWORD = "/api/v1/auth/password"
ME = "/api/v1/auth/me"
NEW = "a-new-long-passphrase"


def test_logout_revokes_the_calling_token_only(client, session_for, problem, audited):
    mine, other = session_for("clerk"), session_for("clerk")
    assert client.post(LOGOUT, headers=mine).status_code == 204
    problem(client.get(ME, headers=mine), 401, "invalid_token")
    problem(client.post(LOGOUT, headers=mine), 401, "invalid_token")
    assert client.get(ME, headers=other).status_code == 200
    assert [e.detail["token_prefix"] for e in audited("token.revoke")] == [mine["Authorization"][7:17]]


def test_logout_needs_a_token(client, problem):
    problem(client.post(LOGOUT), 401, "missing_token")


def test_a_password_change_ends_the_other_sessions(client, session_for, sign_in, problem, audited):
    caller, other = session_for("clerk"), session_for("clerk")
    resp = client.post(PASSWORD, headers=caller, json={"old_password": "demo-clerk", "new_password": NEW})
    assert resp.status_code == 204, resp.get_json()
    problem(client.get(ME, headers=other), 401, "invalid_token")
    assert client.get(ME, headers=caller).status_code == 200
    problem(sign_in("clerk"), 401, "invalid_credentials")
    assert sign_in("clerk", NEW).status_code == 201
    [entry] = audited("user.password_change")
    assert entry.detail == {"sessions_ended": 1}


def test_a_password_change_keeps_the_api_keys(client, session_for, as_user):
    key = as_user("agency").post("/api/v1/api-keys", json={"name": "Một cửa"}).get_json()["key"]
    body = {"old_password": "demo-agency", "new_password": NEW}
    assert client.post(PASSWORD, headers=session_for("agency"), json=body).status_code == 204
    assert client.get(ME, headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_a_wrong_old_password_is_named_and_counts_as_a_failed_sign_in(client, session_for, problem):
    caller = session_for("clerk")
    wrong = {"old_password": "not-my-password", "new_password": NEW}
    for _ in range(5):
        problem(client.post(PASSWORD, headers=caller, json=wrong), 422, "wrong_password", "old_password")
    held = client.post(PASSWORD, headers=caller, json={"old_password": "demo-clerk", "new_password": NEW})
    problem(held, 429, "too_many_requests")
    assert int(held.headers["Retry-After"]) >= 1


def test_the_new_password_follows_the_policy(client, session_for, problem):
    caller = session_for("courier")
    for new in ("short-pw", "MyCOURIER-2026", "courier"):
        body = {"old_password": "demo-courier", "new_password": new}
        problem(client.post(PASSWORD, headers=caller, json=body), 422, None, "new_password")
    problem(client.post(PASSWORD, headers=caller, json={"new_password": NEW}), 422, None, "old_password")


def test_a_password_change_needs_a_token(client, problem):
    problem(client.post(PASSWORD, json={"old_password": 1}), 401, "missing_token")
