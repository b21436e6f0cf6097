"""Bulk returns: up to 2,000 rows (one district's results in a day), and the progress a caller
is told while the rows are checked, every N rows and after the last, good file or bad."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.errors import ValidationFailed
from app.extensions import db
from app.pickups import bulk
from app.shipments.models import Shipment

PICKUPS = "/api/v1/pickups"


def _agency_officer() -> User:
    user = db.session.scalar(select(User).where(User.username == "agency"))
    assert user is not None
    return user


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Shipment)) or 0


def test_progress_is_told_every_n_rows_and_after_the_last(app, return_row):
    told: list[tuple[int, int]] = []
    with app.app_context():
        before = _count()
        created = bulk.create_returns(_agency_officer(), None, [return_row() for _ in range(12)],
                                      progress=lambda checked, total: told.append((checked, total)), every=5)
        assert len(created) == 12 and _count() == before + 12
    assert told == [(5, 12), (10, 12), (12, 12)]


def test_progress_runs_to_the_end_of_a_bad_file(app, return_row):
    told: list[int] = []
    rows = [return_row() for _ in range(7)]
    rows[3]["recipient"] = {**rows[3]["recipient"], "phone": "12345"}
    with app.app_context():
        before = _count()
        with pytest.raises(bulk.InvalidRows) as refused:
            bulk.create_returns(_agency_officer(), None, rows, every=3,
                                progress=lambda checked, _: told.append(checked))
        assert list(refused.value.errors or {}) == ["rows.4.recipient.phone"]
        db.session.rollback()  # as the request does on the refusal (services only flush)
        assert _count() == before
    assert told == [3, 6, 7]


def test_the_steps_yield_counts_and_return_the_shipments(app, return_row):
    with app.app_context():
        steps = bulk.returns_in_steps(_agency_officer(), None, [return_row() for _ in range(4)], every=2)
        assert [next(steps), next(steps)] == [2, 4]
        with pytest.raises(StopIteration) as done:
            next(steps)
        assert [s.service.value for s in done.value.value] == ["return"] * 4


def test_more_than_2000_rows_are_refused_before_any_is_checked(app, as_user, problem, return_row):
    rows = [return_row() for _ in range(bulk.MAX_ROWS + 1)]
    assert bulk.MAX_ROWS == 2000
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(ValidationFailed) as refused:
            bulk.create_returns(_agency_officer(), None, rows)
        assert refused.value.code == "row_count"
        assert time.monotonic() - started < 1  # refused on the count, not after 2,001 checks
    problem(as_user("agency").post(f"{PICKUPS}/returns", json={"shipments": rows}), 422, None, "shipments")


def test_a_file_over_the_old_500_row_limit_is_taken(as_user):
    header = "dossier_code,recipient_name,recipient_phone,address_line,unit_code,document\n"
    lines = "".join(f"000.00.12.H56-261201-{n:04d},Nguyễn Văn Ất,0912345678,Thôn Đông,14812,Giấy khai sinh\n"
                    for n in range(1, 602))
    resp = as_user("agency").post(f"{PICKUPS}/returns.csv", data=(header + lines).encode(),
                                  content_type="text/csv")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["created"] == 601


def test_an_unknown_commune_is_named_with_the_rows_other_errors(as_user, problem, return_row):
    row = return_row(weight_g="nặng", recipient={"name": "A", "phone": "0912345678",
                                                 "address": {"line": "x", "unit_code": "99999"}})
    answer = problem(as_user("agency").post(f"{PICKUPS}/returns", json={"shipments": [row]}), 422,
                     "invalid_rows", "rows.1.weight_g", "rows.1.recipient.address.unit_code")
    assert answer["errors"]["rows.1.recipient.address.unit_code"] == ["Unknown commune code '99999'."]
