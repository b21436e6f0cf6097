"""An admin's one-time password must be replaced before its holder may do anything else (issue 12)."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.extensions import db

ME = "/api/v1/auth/me"
PASSWORD = "/api/v1/auth/password"


def _reset(app: Flask, username: str) -> str:
    """As the admin's page does it (the API has no reset)."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        user = db.session.scalar(select(User).where(User.username == username))
        assert admin is not None and user is not None
        password = accounts.reset_password(user.id, admin)[1]
        db.session.commit()
    return password


def test_a_reset_ends_the_sessions_and_only_the_password_change_is_allowed(
        app, client, session_for, sign_in, problem, audited):
    old_session = session_for("clerk")
    one_time = _reset(app, "clerk")
    problem(client.get(ME, headers=old_session), 401, "invalid_token")
    assert [e.detail for e in audited("user.password_reset")] == [{"sessions_ended": 1}]

    resp = sign_in("clerk", one_time)
    assert resp.status_code == 201
    token = {"Authorization": f"Bearer {resp.get_json()['token']}"}
    assert client.get(ME, headers=token).status_code == 200
    problem(client.get("/api/v1/shipments", headers=token), 403, "password_change_required")

    changed = client.post(PASSWORD, headers=token,
                          json={"old_password": one_time, "new_password": "a quiet river 42"})
    assert changed.status_code == 204
    assert client.get("/api/v1/shipments", headers=token).status_code == 200


def test_one_time_passwords_are_long_enough_and_unambiguous():
    passwords = {accounts.one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 14 and password.count("-") == 2
        assert not set(password) & set("0o1lI")
