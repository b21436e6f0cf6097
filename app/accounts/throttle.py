"""Sign-in throttling: failed passwords counted in the counters' storage (memory, or Redis
shared by every worker), in moving windows so no lock outlasts LOGIN_WINDOW_SECONDS.

- account from one address: LOGIN_FAILURES_PER_ACCOUNT_ADDRESS failures in a row, then 429;
  a success from that address starts the streak again. The same account elsewhere is not held.
- address: LOGIN_FAILURES_PER_ADDRESS failures over all accounts (password spraying).
- account: LOGIN_FAILURES_PER_ACCOUNT failures from addresses it never signed in from
  (a distributed guess); addresses it signed in from in LOGIN_KNOWN_ADDRESS_DAYS are exempt,
  so an attacker cannot lock its owner out where the owner works.
If the shared storage does not answer, each process counts in its own memory meanwhile.
The rule is written for people in docs/accounts.md.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItemPerSecond
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from app.counters import with_storage


class LoginThrottled(TooManyRequests):
    description = "Too many failed sign-in attempts; retry later."


@dataclass(frozen=True)
class _Rule:
    setting: str
    scope: str

    def item(self) -> RateLimitItemPerSecond:
        config = current_app.config
        return RateLimitItemPerSecond(config[self.setting], config["LOGIN_WINDOW_SECONDS"],
                                      namespace="hcc-login")


STREAK = _Rule("LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", "account-address")
ADDRESS = _Rule("LOGIN_FAILURES_PER_ADDRESS", "address")
ACCOUNT = _Rule("LOGIN_FAILURES_PER_ACCOUNT", "account")


def check(username: str, address: str) -> None:
    """Refuse (429 with Retry-After) before the password is even looked at."""
    wait = with_storage(lambda storage: _wait(storage, username, address), "login")
    if wait > 0:
        raise LoginThrottled(retry_after=max(1, math.ceil(wait)))


def failed(username: str, address: str) -> None:
    def count(storage: Storage) -> None:
        counters = MovingWindowRateLimiter(storage)
        for rule, keys in _keys(storage, username, address).items():
            counters.hit(rule.item(), *keys)

    with_storage(count, "login")


def succeeded(username: str, address: str) -> None:
    def remember(storage: Storage) -> None:
        MovingWindowRateLimiter(storage).clear(STREAK.item(), STREAK.scope, username, address)
        storage.incr(_known(username, address), expiry=current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"] * 86400)

    with_storage(remember, "login")


def _wait(storage: Storage, username: str, address: str) -> float:
    """Seconds until every exhausted counter has room again (0: none is exhausted)."""
    counters = MovingWindowRateLimiter(storage)
    waits = [0.0]
    for rule, keys in _keys(storage, username, address).items():
        item = rule.item()
        if not counters.test(item, *keys):
            waits.append(counters.get_window_stats(item, *keys).reset_time - time.time())
    return max(waits)


def _keys(storage: Storage, username: str, address: str) -> dict[_Rule, tuple[str, ...]]:
    """The counters an attempt touches; a rule set to 0 is off."""
    keys = {STREAK: (STREAK.scope, username, address), ADDRESS: (ADDRESS.scope, address)}
    if not storage.get(_known(username, address)):
        keys[ACCOUNT] = (ACCOUNT.scope, username)
    return {rule: k for rule, k in keys.items() if current_app.config[rule.setting] > 0}


def _known(username: str, address: str) -> str:
    return f"hcc-login/known/{username}/{address}"
