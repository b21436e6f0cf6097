"""The service-standard report's late items: the shipments completed after their due date,
in working days, with the report's own scope and refusals."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from app.errors import ValidationFailed
from app.reports.service_standard import late_items, service_standard
from app.shipments.models import Status

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


@pytest.fixture
def numbers(make_shipment, given_outcome):
    made = {name: make_shipment("clerk")["tracking_number"] for name in DATA}
    for name, (office, due, outcome) in DATA.items():
        given_outcome(made[name], office, due, outcome)
    return made


pytestmark = pytest.mark.usefixtures("in_app_context")


def test_late_items_are_the_reports_late_ones_with_their_working_days(numbers, staff_user):
    start, end = date(2026, 4, 20), date(2026, 5, 3)
    supervisor = staff_user("supervisor")
    items = late_items(supervisor, start, end)
    assert [(i.tracking_number, i.office_code, i.due_date, i.done_on, i.late_days) for i in items] == [
        (numbers["over_the_break"], "BC-BIMSON", date(2026, 4, 28), date(2026, 5, 4), 2),
        (numbers["at_hatrung"], "BC-HATRUNG", date(2026, 4, 27), date(2026, 4, 28), 1),
    ]
    assert service_standard(supervisor, start, end).totals.late == len(items)
    assert [i.office_name for i in items] == ["Bưu cục Bỉm Sơn", "Bưu cục Hà Trung"]
    assert [i.tracking_number for i in late_items(supervisor, start, end, office="BC-HATRUNG")] == [
        numbers["at_hatrung"]]
    assert len(late_items(supervisor, start, end, limit=1)) == 1
    # A clerk of Bỉm Sơn sees their office's only.
    clerk_sees = late_items(staff_user("clerk"), start, end)
    assert [i.tracking_number for i in clerk_sees] == [numbers["over_the_break"]]


def test_late_items_refuse_what_the_report_refuses(numbers, staff_user):
    with pytest.raises(ValidationFailed) as refused:
        late_items(staff_user("supervisor"), date(2026, 5, 3), date(2026, 4, 20))
    assert refused.value.code == "period_invalid"
    with pytest.raises(ValidationFailed) as refused:
        late_items(staff_user("supervisor"), date(2026, 4, 20), date(2026, 5, 3), office="BC-NOWHERE")
    assert refused.value.code == "unknown_office"
