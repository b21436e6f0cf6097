"""Set-up the service-level report and reconciliation tests share: the app's context, the demo
staff as users, and shipments given the office, due date and outcome a report reads."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from app.accounts.models import User
from app.extensions import db
from app.orgs.models import Agency, Office
from app.shipments.models import Shipment, Status, TrackingEvent

AGENCY_OF = {"BC-BIMSON": "UBND-14812", "BC-HATRUNG": "UBND-15271"}  # each office's demo agency


@pytest.fixture
def in_app_context(app: Flask) -> Iterator[None]:
    """The test runs inside the app's context (services called directly, not over HTTP)."""
    with app.app_context():
        yield


@pytest.fixture
def staff_user(in_app_context: None) -> Callable[[str], User]:
    """staff_user("supervisor"): the demo user of that name."""

    def find(username: str) -> User:
        return db.session.scalars(select(User).where(User.username == username)).one()

    return find


@pytest.fixture
def given_outcome(app: Flask) -> Callable[..., None]:
    """given_outcome(number, office, due, outcome, **columns): the shipment as a report reads it,
    made at `office` for its demo agency, due on `due`, and delivered at `outcome` (a `delivered`
    event then) or left in the status `outcome`; other columns as given. Committed."""

    def give(number: str, office: str, due: date, outcome: datetime | Status, **columns: Any) -> None:
        with app.app_context():
            offices = dict(db.session.execute(select(Office.code, Office.id)).tuples().all())
            agencies = dict(db.session.execute(select(Agency.code, Agency.id)).tuples().all())
            shipment_id = db.session.scalar(select(Shipment.id).where(Shipment.tracking_number == number))
            status = Status.delivered if isinstance(outcome, datetime) else outcome
            db.session.execute(update(Shipment).where(Shipment.id == shipment_id).values(
                office_id=offices[office], agency_id=agencies[AGENCY_OF[office]], due_date=due, status=status,
                **columns))
            if isinstance(outcome, datetime):
                db.session.add(TrackingEvent(shipment_id=shipment_id, event="delivered", upu_code="EMI",
                                             occurred_at=outcome.astimezone(UTC), recorded_at=outcome,
                                             office_id=offices[office]))
            db.session.commit()

    return give
