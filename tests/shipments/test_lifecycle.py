"""The status machine of SPEC §6 (app.shipments.lifecycle), on timelines in memory."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.errors import ValidationFailed
from app.shipments.lifecycle import (
    FOLLOWS,
    Step,
    TransitionRefused,
    check_details,
    place,
    return_allowed,
    second_notice_from,
    status_of,
)
from app.shipments.models import FINAL_STATUSES, Status

# Monday 23 November 2026, 09:00 in Thanh Hóa; Tuesday 24 is a public holiday (Vietnam Cultural Day).
MON = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def at(days: float = 0, hours: float = 0) -> datetime:
    return MON + timedelta(days=days, hours=hours)


def timeline(*events: tuple[str, datetime] | tuple[str, datetime, str]) -> list[Step]:
    out: list[Step] = []
    for n, (event, when, *reason) in enumerate(events, 1):
        out = place(out, Step(event, when, n, reason[0] if reason else None))
    return out


def test_the_status_is_where_the_timeline_ends():
    t = timeline(("created", at()), ("accepted", at(hours=1)), ("arrived", at(hours=2)),
                 ("out_for_delivery", at(hours=3)), ("delivery_failed", at(hours=4), "addressee_absent"))
    assert status_of(t) is Status.awaiting_collection
    assert status_of([]) is None


def test_a_late_event_is_kept_in_time_order():
    t = timeline(("created", at()), ("accepted", at(hours=1)), ("out_for_delivery", at(hours=3)))
    late = place(t, Step("arrived", at(hours=2)))
    assert [s.event for s in late] == ["created", "accepted", "arrived", "out_for_delivery"]
    assert status_of(late) is Status.out_for_delivery


def test_a_late_event_must_not_break_the_one_after_it():
    t = timeline(("created", at()), ("cancelled", at(hours=2)))
    with pytest.raises(TransitionRefused) as refused:
        place(t, Step("accepted", at(hours=1)))
    assert refused.value.code == "out_of_sequence"


def test_equal_times_keep_the_order_of_recording():
    t = timeline(("created", at()), ("accepted", at(hours=1)))
    t = place(t, Step("arrived", at(hours=1)))
    assert [s.event for s in t][-1] == "arrived"


@pytest.mark.parametrize("final", ["delivered", "returned", "cancelled"])
def test_nothing_follows_a_final_status(final):
    if final == "cancelled":
        t = timeline(("created", at()), ("cancelled", at(hours=1)))
    else:
        t = timeline(("created", at()), ("accepted", at(hours=1)), ("out_for_delivery", at(hours=2)),
                     ("delivery_failed", at(hours=3), "refused"))
        t = place(t, Step(final, at(hours=4)))
    assert status_of(t) in FINAL_STATUSES
    for event in ("accepted", "arrived", "out_for_delivery", "delivery_failed", "delivered", "returned"):
        with pytest.raises(TransitionRefused) as refused:
            place(t, Step(event, at(hours=5)))
        assert refused.value.code == "shipment_final"


def test_cancelled_only_before_acceptance():
    created = timeline(("created", at()))
    assert status_of(place(created, Step("cancelled", at(hours=1)))) is Status.cancelled
    accepted = place(created, Step("accepted", at(hours=1)))
    with pytest.raises(TransitionRefused) as refused:
        place(accepted, Step("cancelled", at(hours=2)))
    assert refused.value.code == "not_cancellable"


def test_nothing_comes_before_creation():
    with pytest.raises(TransitionRefused) as refused:
        place(timeline(("created", at())), Step("accepted", at(hours=-1)))
    assert refused.value.code == "before_creation"


@pytest.mark.parametrize(("state_events", "event"), [
    ((), "accepted"),
    (("accepted",), "created"),
    (("accepted",), "returned"),
    (("accepted", "arrived"), "accepted"),
])
def test_transitions_off_the_table_are_refused(state_events, event):
    t = timeline(("created", at()), *((e, at(hours=i + 1)) for i, e in enumerate(state_events)))
    if not state_events and event == "accepted":
        t = place(t, Step("cancelled", at(hours=1)))
    with pytest.raises(TransitionRefused):
        place(t, Step(event, at(hours=9)))


def _failed_on(*days: float, reason: str = "addressee_absent") -> list[Step]:
    t = timeline(("created", at(-1)), ("accepted", at(-1, 1)))
    for d in days:
        t = place(t, Step("out_for_delivery", at(d)))
        t = place(t, Step("delivery_failed", at(d, 1), reason=reason))
    return t


def test_return_needs_two_notices_two_working_days_apart():
    # TT17 Điều 5. Monday's notice: Tuesday is a holiday, so the second counts from Thursday.
    assert second_notice_from(_failed_on(0)) == datetime(2026, 11, 26).date()
    for days in [(0,), (0, 1), (0, 2)]:
        t = _failed_on(*days)
        assert not return_allowed(t)
        with pytest.raises(TransitionRefused) as refused:
            place(t, Step("returned", at(days[-1], 2)))
        assert refused.value.code == "return_not_allowed"
        assert "26/11/2026" in refused.value.detail
    allowed = _failed_on(0, 3)
    assert return_allowed(allowed)
    assert status_of(place(allowed, Step("returned", at(3, 2)))) is Status.returned


def test_a_refusal_allows_the_return_at_once():
    t = _failed_on(0, reason="refused")
    assert status_of(place(t, Step("returned", at(0, 2)))) is Status.returned


def test_a_second_notice_may_be_left_without_a_new_round():
    t = _failed_on(0)
    t = place(t, Step("delivery_failed", at(3), reason="not_collected"))
    assert return_allowed(t)


def test_every_status_has_its_row():
    assert set(FOLLOWS) == {None, *Status}


@pytest.mark.parametrize(("event", "office", "reason", "code"), [
    ("arrived", False, None, "office_required"),
    ("departed", False, None, "office_required"),
    ("delivery_failed", True, None, "reason_required"),
    ("delivery_failed", True, "bored", "unknown_reason"),
    ("accepted", True, "refused", "reason_not_applicable"),
    ("teleported", True, None, "unknown_event"),
])
def test_what_an_event_must_carry(event, office, reason, code):
    with pytest.raises(ValidationFailed) as refused:
        check_details(event, has_office=office, reason=reason)
    assert refused.value.code == code
