"""A scan batch writes its items' answers out directly (app.tracking.answers.store_loaded): the
bytes app.tracking.services.view and encode make, whatever the names, offices, reasons and
offsets, on SQLite and on PostgreSQL (where they travel inside one JSON parameter)."""
from __future__ import annotations

from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.shipments.lifecycle import Step
from app.shipments.models import Shipment
from app.tracking import answers, services
from app.tracking.models import PublicAnswer
from app.vocabulary import Event, FailureReason, Service, Status

# Text as PostgreSQL holds it: anything but NUL.
TEXT = st.characters(exclude_characters="\x00")
STEPS = st.lists(st.tuples(
    st.sampled_from(list(Event)), st.datetimes(timezones=st.timezones()),
    st.none() | st.sampled_from(list(FailureReason)), st.sampled_from([None, 1, 2, 3])), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(TEXT, max_size=30),
       offices=st.lists(st.text(TEXT, min_size=1, max_size=20), min_size=2, max_size=2),
       service=st.sampled_from(list(Service)), status=st.sampled_from(list(Status)),
       due_date=st.none() | st.dates(), steps=STEPS)
def test_the_stored_answer_is_what_the_view_encodes(make_shipment, name, offices, service, status,
                                                   due_date, steps):
    number = make_shipment.number("agency")
    shipment_id = db.session.scalar(select(Shipment.id).where(Shipment.tracking_number == number))
    shipment = SimpleNamespace(id=shipment_id, tracking_number=number, service=service, status=status,
                               due_date=due_date, recipient_name=name)
    # Given in no particular order; office 3 has no name (shown as null).
    timeline = [Step(event, at, order, reason, office) for order, (event, at, reason, office)
                in reversed(list(enumerate(steps)))]
    names = {1: offices[0], 2: offices[1]}
    answers.store_loaded([(shipment, timeline)], names)  # type: ignore[list-item]
    stored = db.session.scalar(select(PublicAnswer.body).where(PublicAnswer.tracking_number == number))
    events = [(step.event, step.occurred_at, step.reason, names.get(step.office_id or 0))
              for step in sorted(timeline, key=lambda step: step.key)]
    assert stored == services.encode(services.view(shipment, events))

