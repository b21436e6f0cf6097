"""Clock adapter: the system clock, or a fixed one for tests and demos."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)


def clock_from_setting(setting: str) -> SystemClock | FixedClock:
    """`system`, or `fixed:2020-03-16T09:00:00+07:00` for a frozen demo."""
    if setting.startswith("fixed:"):
        return FixedClock(datetime.fromisoformat(setting.removeprefix("fixed:")))
    return SystemClock()


def now() -> datetime:
    return current_app.extensions["hcc.clock"].now()


def today_in_province() -> date:
    return now().astimezone(PROVINCE_TZ).date()
