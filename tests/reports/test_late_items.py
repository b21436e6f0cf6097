"""The service-standard report's late items: the shipments completed after their due date,
in working days, with the report's own scope and refusals."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.errors import ValidationFailed
from app.extensions import db
from app.orgs.models import Agency, Office
from app.reports.service_standard import late_items, service_standard
from app.shipments.models import Shipment, Status, TrackingEvent

VN = timezone(timedelta(hours=7))
# name: (office, due date, delivered at (province time), or a status)
DATA: dict[str, tuple[str, date, datetime | Status]] = {
    "on_time": ("BC-BIMSON", date(2026, 4, 28), datetime(2026, 4, 28, 16, 0, tzinfo=VN)),
    # Due Tuesday 28/4; 29/4 a working day, 30/4 and 1/5 off, delivered Monday 4/5: 2 days late.
    "over_the_break": ("BC-BIMSON", date(2026, 4, 28), datetime(2026, 5, 4, 9, 0, tzinfo=VN)),
    "at_hatrung": ("BC-HATRUNG", date(2026, 4, 27), datetime(2026, 4, 28, 0, 30, tzinfo=VN)),
    "open": ("BC-BIMSON", date(2026, 4, 27), Status.accepted),
    "returned": ("BC-BIMSON", date(2026, 4, 27), Status.returned),
}
AGENCY_OF = {"BC-BIMSON": "UBND-14812", "BC-HATRUNG": "UBND-15271"}


@pytest.fixture
def numbers(app, make_shipment):
    made = {name: make_shipment("clerk")["tracking_number"] for name in DATA}
    offices = dict(db.session.execute(select(Office.code, Office.id)).tuples().all())
    agencies = dict(db.session.execute(select(Agency.code, Agency.id)).tuples().all())
    for name, (office, due, outcome) in DATA.items():
        shipment_id = db.session.scalar(select(Shipment.id).where(Shipment.tracking_number == made[name]))
        db.session.execute(update(Shipment).where(Shipment.id == shipment_id).values(
            office_id=offices[office], agency_id=agencies[AGENCY_OF[office]], due_date=due,
            status=Status.delivered if isinstance(outcome, datetime) else outcome))
        if isinstance(outcome, datetime):
            db.session.add(TrackingEvent(shipment_id=shipment_id, event="delivered", upu_code="EMI",
                                         occurred_at=outcome.astimezone(UTC), recorded_at=outcome,
                                         office_id=offices[office]))
    db.session.commit()
    return made


@pytest.fixture(autouse=True)
def _in_app(app):
    with app.app_context():
        yield


def user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_late_items_are_the_reports_late_ones_with_their_working_days(numbers):
    start, end = date(2026, 4, 20), date(2026, 5, 3)
    items = late_items(user("supervisor"), start, end)
    assert [(i.tracking_number, i.office_code, i.due_date, i.done_on, i.late_days) for i in items] == [
        (numbers["over_the_break"], "BC-BIMSON", date(2026, 4, 28), date(2026, 5, 4), 2),
        (numbers["at_hatrung"], "BC-HATRUNG", date(2026, 4, 27), date(2026, 4, 28), 1),
    ]
    assert service_standard(user("supervisor"), start, end).totals.late == len(items)
    assert [i.office_name for i in items] == ["Bưu cục Bỉm Sơn", "Bưu cục Hà Trung"]
    assert [i.tracking_number for i in late_items(user("supervisor"), start, end, office="BC-HATRUNG")] == [
        numbers["at_hatrung"]]
    assert len(late_items(user("supervisor"), start, end, limit=1)) == 1
    # A clerk of Bỉm Sơn sees their office's only.
    assert [i.tracking_number for i in late_items(user("clerk"), start, end)] == [numbers["over_the_break"]]


def test_late_items_refuse_what_the_report_refuses(numbers):
    with pytest.raises(ValidationFailed) as refused:
        late_items(user("supervisor"), date(2026, 5, 3), date(2026, 4, 20))
    assert refused.value.code == "period_invalid"
    with pytest.raises(ValidationFailed) as refused:
        late_items(user("supervisor"), date(2026, 4, 20), date(2026, 5, 3), office="BC-NOWHERE")
    assert refused.value.code == "unknown_office"
