"""The service standard (TT17 Điều 6–8): due dates in working days after intake (J+n)."""
from __future__ import annotations

import threading
from datetime import date
from functools import lru_cache

import holidays

from app.fees.models import Zone
from app.fees.zones import is_inter_province

# SPEC §5: centrally-run cities (post-2025 codes): Hà Nội, Hải Phòng, Huế, Đà Nẵng, TP HCM, Cần Thơ.
CENTRAL_CITIES = frozenset({"01", "31", "46", "48", "79", "92"})

_lock = threading.Lock()


def service_days(zone: Zone, destination_province: str) -> int:
    """TT17: local J+1, intra-province J+2, inter-province J+3 to a centrally-run city, else J+4."""
    if zone is Zone.local:
        return 1
    if zone is Zone.intra_province:
        return 2
    assert is_inter_province(zone)
    return 3 if destination_province in CENTRAL_CITIES else 4


@lru_cache(maxsize=256)
def _vietnam_calendar(year: int) -> holidays.HolidayBase:
    # Fully populated up front (expand=False): the object is then only read, safe across threads.
    with _lock:
        return holidays.country_holidays("VN", years=range(year, year + 2), expand=False)


@lru_cache(maxsize=1 << 14)
def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day`, skipping weekends and Vietnamese public holidays
    (lunar ones included, from the `holidays` package), and counting the Saturdays the
    government swaps in as working days."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return _vietnam_calendar(day.year).get_nth_working_day(day, n)


def is_working_day(day: date) -> bool:
    return _vietnam_calendar(day.year).is_working_day(day)
