"""The service standard: J+n working days with Vietnamese public holidays (TT17 Điều 6–8)."""
from __future__ import annotations

from datetime import date

import pytest

from app.fees.calendar import add_working_days, is_working_day, service_days
from app.fees.models import Zone


@pytest.mark.parametrize(("day", "n", "due"), [
    (date(2020, 3, 16), 2, date(2020, 3, 18)),    # Monday, plain week
    (date(2020, 3, 20), 1, date(2020, 3, 23)),    # Friday: the weekend is skipped
    (date(2020, 3, 21), 1, date(2020, 3, 23)),    # accepted on a Saturday
    (date(2026, 2, 13), 2, date(2026, 2, 24)),    # Tết Bính Ngọ: 16–20 Feb off
    (date(2020, 4, 1), 1, date(2020, 4, 3)),      # Giỗ Tổ Hùng Vương, 10/3 lunar = 2 Apr 2020
    (date(2020, 4, 29), 1, date(2020, 5, 4)),     # 30/4 and 1/5, then the weekend
    (date(2025, 12, 31), 2, date(2026, 1, 5)),    # New Year, across the year end
    (date(2026, 8, 21), 1, date(2026, 8, 22)),    # a Saturday swapped in as a working day
])
def test_working_days(day, n, due):
    assert add_working_days(day, n) == due


def test_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 2, 17))   # Tết
    assert not is_working_day(date(2026, 9, 2))    # National Day
    assert not is_working_day(date(2026, 2, 14))   # Saturday
    assert is_working_day(date(2026, 2, 24))


@pytest.mark.parametrize(("zone", "province", "days"), [
    (Zone.local, "38", 1), (Zone.intra_province, "38", 2),
    (Zone.inter_adjacent_region, "01", 3), (Zone.inter_far_region, "79", 3),
    (Zone.inter_same_region, "48", 3), (Zone.inter_same_region, "40", 4),
    (Zone.inter_far_region, "96", 4),
])
def test_service_standard(zone, province, days):
    assert service_days(zone, province) == days


def test_due_date_on_a_shipment_counts_from_accepted_on(as_user, body):
    created = as_user("clerk").post("/api/v1/shipments", json=body(accepted_on="2026-02-13")).get_json()
    assert created["due_date"] == "2026-02-24"
