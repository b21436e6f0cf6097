"""Sign-in throttling per account and per client address (issue 9, acceptance 4; docs/accounts.md)."""
from __future__ import annotations

import re
import time

import pytest

ATTACKER = "203.0.113.66"
ELSEWHERE = "198.51.100.20"


def retry_after(resp) -> int:
    assert re.fullmatch(r"\d+", resp.headers["Retry-After"]), resp.headers
    return int(resp.headers["Retry-After"])


def test_the_sixth_attempt_after_five_failures_is_429_even_with_the_right_password(app, sign_in, problem):
    assert [sign_in("courier", "wrong-password", ATTACKER).status_code for _ in range(5)] == [401] * 5
    held = sign_in("courier", address=ATTACKER)
    body = problem(held, 429, "too_many_requests")
    assert "token" not in body
    assert 1 <= retry_after(held) <= app.config["LOGIN_WINDOW_SECONDS"]
    assert sign_in("clerk", address=ATTACKER).status_code == 201  # another user, same address
    assert sign_in("courier", address=ELSEWHERE).status_code == 201  # the owner, elsewhere


def test_a_success_starts_the_streak_again(sign_in):
    for _ in range(2):
        assert [sign_in("clerk", "wrong-password").status_code for _ in range(4)] == [401] * 4
        assert sign_in("clerk").status_code == 201


def test_unknown_usernames_are_counted_like_known_ones(sign_in, problem):
    assert {sign_in("nobody", "wrong-password").status_code for _ in range(5)} == {401}
    problem(sign_in("nobody", "wrong-password"), 429, "too_many_requests")


def test_spraying_one_password_over_accounts_holds_the_address(app, sign_in, problem, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", 3)
    for username in ("clerk", "courier", "agency"):
        assert sign_in(username, "Password123!", ATTACKER).status_code == 401
    problem(sign_in("supervisor", address=ATTACKER), 429, "too_many_requests")
    assert sign_in("supervisor", address=ELSEWHERE).status_code == 201


def test_a_distributed_guess_does_not_lock_the_owner_out_where_they_sign_in(app, sign_in, problem,
                                                                            monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT", 3)
    assert sign_in("courier", address=ELSEWHERE).status_code == 201  # the owner's usual place
    for n in range(3):
        assert sign_in("courier", "wrong-password", f"203.0.113.{n}").status_code == 401
    problem(sign_in("courier", address="203.0.113.99"), 429, "too_many_requests")
    assert sign_in("courier", address=ELSEWHERE).status_code == 201


def test_the_hold_ends_with_the_window(app, sign_in, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_WINDOW_SECONDS", 2)
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", 1)
    assert sign_in("clerk", "wrong-password").status_code == 401
    held = sign_in("clerk")
    assert held.status_code == 429 and 1 <= retry_after(held) <= 2
    time.sleep(2.1)
    assert sign_in("clerk").status_code == 201


def test_the_counts_live_in_redis_when_configured(sign_in, problem, redis_limits):
    assert {sign_in("courier", "wrong-password", ATTACKER).status_code for _ in range(5)} == {401}
    assert any(b"courier" in key for key in redis_limits.keys("*"))  # shared by every worker
    held = sign_in("courier", address=ATTACKER)
    problem(held, 429, "too_many_requests")
    assert retry_after(held) >= 1
    assert sign_in("clerk", address=ATTACKER).status_code == 201


def test_an_unreachable_redis_falls_back_to_counting_in_the_process(sign_in, problem, limits_stored_at,
                                                                    caplog):
    limits_stored_at("redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert {sign_in("courier", "wrong-password", ATTACKER).status_code for _ in range(5)} == {401}
    problem(sign_in("courier", address=ATTACKER), 429, "too_many_requests")
    assert sign_in("clerk", address=ATTACKER).status_code == 201
    assert "rate-limit storage unreachable" in caplog.text


@pytest.mark.parametrize("setting", ["LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", "LOGIN_FAILURES_PER_ADDRESS"])
def test_a_counter_set_to_zero_is_off(app, sign_in, monkeypatch, setting):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", 1000)
    monkeypatch.setitem(app.config, setting, 0)
    assert {sign_in("clerk", "wrong-password").status_code for _ in range(8)} == {401}
    assert sign_in("clerk").status_code == 201


def test_the_rule_is_in_the_openapi_document(client):
    op = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/auth/tokens"]["post"]
    assert {"201", "401", "429"} <= set(op["responses"])
    assert "LOGIN_WINDOW_SECONDS" in op["description"] and "Retry-After" in op["description"]
