"""The status machine of SPEC §6, in one place: which event may follow which status, the
notice rule for returns (TT17 Điều 5), and the status a timeline leaves behind.

A shipment's timeline is its events in (occurred_at, id) order, and it always reads as a walk
through the table below. Every path that records an event (scans, proof of delivery, cancel,
`record_event`) places the event at its moment with `place`: it must follow the event before
it, and the event after it (a late scan lands in the middle) must still follow it. The status
is where the walk ends (`status_of`); nothing else decides Shipment.status.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, select

from app.clock import PROVINCE_TZ
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.fees.calendar import add_working_days
from app.shipments.events import STATUS_AFTER
from app.shipments.models import FINAL_STATUSES, Shipment, Status, TrackingEvent
from app.sql import one_of
from app.vocabulary import Event, FailureReason

# An event not stored yet sorts after the stored ones of the same instant.
UNSTORED = 1 << 62
# TT17 Điều 5: the recipient is invited at least twice, two working days apart.
NOTICE_INTERVAL_WORKING_DAYS = 2

_MOVES = frozenset({Event.arrived, Event.departed, Event.out_for_delivery})
# A delivery attempt, successful or not, may be made wherever the item is once accepted:
# at the door (out for delivery) or at the counter (in transit, awaiting collection).
_ATTEMPTS = frozenset({Event.delivery_failed, Event.delivered})

FOLLOWS: dict[Status | None, frozenset[str]] = {
    None: frozenset({Event.created}),
    Status.created: frozenset({Event.accepted, Event.cancelled}),
    Status.accepted: _MOVES | _ATTEMPTS,
    Status.in_transit: _MOVES | _ATTEMPTS,
    Status.out_for_delivery: _MOVES | _ATTEMPTS,
    # Out again, collected at the counter, invited again (not_collected), or sent back.
    Status.awaiting_collection: frozenset({Event.out_for_delivery, Event.delivery_failed, Event.delivered,
                                           Event.returned}),
    **{final: frozenset() for final in FINAL_STATUSES},
}


class TransitionRefused(Conflict, code="invalid_transition", title="Transition refused"):
    """An event that cannot stand at its place in the timeline (SPEC §6)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One event of a timeline, as much of it as the rules read."""

    event: str
    occurred_at: datetime
    order: int = UNSTORED  # the event's id once stored
    reason: str | None = None
    office_id: int | None = None  # where it happened (public answers name the office)

    @property
    def key(self) -> tuple[datetime, int]:
        return self.occurred_at, self.order


def status_of(timeline: Sequence[Step]) -> Status | None:
    return status_after(timeline) if timeline else None


def status_after(timeline: Sequence[Step]) -> Status:
    """The status a stored shipment's timeline leaves (never empty: it begins with `created`)."""
    return STATUS_AFTER[timeline[-1].event]


def check_details(event: str, *, has_office: bool, reason: str | None) -> None:
    """What an event must carry, whatever the timeline (SPEC §6)."""
    if event not in STATUS_AFTER:
        raise ValidationFailed("event", f"Unknown event {event!r}.", code="unknown_event")
    if event in (Event.arrived, Event.departed) and not has_office:
        raise ValidationFailed("office_code", f"An {event} event names the office.", code="office_required")
    if event == Event.delivery_failed:
        if reason is None:
            raise ValidationFailed("reason", "A failed delivery needs a reason code.", code="reason_required")
        if reason not in tuple(FailureReason):
            raise ValidationFailed("reason", f"One of {', '.join(FailureReason)}.", code="unknown_reason")
    elif reason is not None:
        raise ValidationFailed("reason", "Only a delivery_failed event carries a reason.",
                               code="reason_not_applicable")


def place(timeline: Sequence[Step], step: Step) -> list[Step]:
    """The timeline with `step` at its moment, or TransitionRefused if it does not fit there."""
    at = bisect_right([s.key for s in timeline], step.key)
    before = list(timeline[:at])
    _check(before, step)
    if at < len(timeline):
        after = timeline[at]
        try:
            _check([*before, step], after)
        except TransitionRefused as exc:
            raise TransitionRefused(
                f"The event {step.event} at {_when(step.occurred_at)} would come before the "
                f"{after.event} already recorded at {_when(after.occurred_at)}, which cannot follow it "
                f"({exc.detail})", code="out_of_sequence") from None
    return [*before, step, *timeline[at:]]


def _check(before: Sequence[Step], step: Step) -> None:
    state = status_of(before)
    if step.event in FOLLOWS[state]:
        if step.event == Event.returned and not return_allowed(before):
            raise TransitionRefused(_return_refusal(before), code="return_not_allowed")
        return
    if step.event == Event.cancelled:
        where = state.value if state else "not yet created"
        raise TransitionRefused(f"A shipment can be cancelled only before acceptance; it is {where}.",
                                code="not_cancellable")
    if state is None:
        raise TransitionRefused(f"The event {step.event} at {_when(step.occurred_at)} comes before "
                                "the shipment was created.", code="before_creation")
    if state in FINAL_STATUSES:
        raise TransitionRefused(f"The shipment is {state.value} (at {_when(before[-1].occurred_at)}); "
                                "delivered, returned and cancelled are final.", code="shipment_final")
    raise TransitionRefused(f"The event {step.event} cannot follow the status {state.value}.")


# --- the notice rule ------------------------------------------------------------------------

def notice_days(timeline: Iterable[Step]) -> list[date]:
    """Province dates of the notices (giấy mời) left: one per failed delivery."""
    return [s.occurred_at.astimezone(PROVINCE_TZ).date()
            for s in timeline if s.event == Event.delivery_failed]


def refused(timeline: Iterable[Step]) -> bool:
    return any(s.event == Event.delivery_failed and s.reason == FailureReason.refused for s in timeline)


def second_notice_from(timeline: Sequence[Step]) -> date | None:
    """The first day a second notice counts (two working days after the first), if any notice."""
    days = notice_days(timeline)
    return add_working_days(days[0], NOTICE_INTERVAL_WORKING_DAYS) if days else None


def return_allowed(timeline: Sequence[Step]) -> bool:
    # TT17 Điều 5: back to the agency after two notices two working days apart, or a refusal.
    if refused(timeline):
        return True
    days = notice_days(timeline)
    return len(days) >= 2 and days[-1] >= add_working_days(days[0], NOTICE_INTERVAL_WORKING_DAYS)


def _return_refusal(before: Sequence[Step]) -> str:
    days = notice_days(before)
    if not days:
        return "No notice has been left yet: a return needs two notices two working days apart, or a refusal."
    return (f"TT17 Điều 5: a return needs two notices two working days apart, or a refusal; "
            f"the first notice was left on {days[0]:%d/%m/%Y}, a second one counts from "
            f"{second_notice_from(before):%d/%m/%Y}.")


def _when(moment: datetime) -> str:
    return moment.astimezone(PROVINCE_TZ).isoformat(timespec="seconds")


# --- timelines from the database ------------------------------------------------------------

def locked_timeline(shipment_id: int) -> list[Step]:
    """One shipment's timeline, its row locked first: writers of one timeline take turns, so
    each places its event on what the one before it committed (batches lock the same rows)."""
    db.session.execute(select(Shipment.id).where(Shipment.id == shipment_id).with_for_update())
    return timelines_of([shipment_id])[shipment_id]


def timelines_of(shipment_ids: Iterable[int]) -> dict[int, list[Step]]:
    """Each shipment's timeline, in one query."""
    ids = list(shipment_ids)
    out: dict[int, list[Step]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = db.session.execute(
        select(TrackingEvent.shipment_id, TrackingEvent.event, TrackingEvent.occurred_at,
               TrackingEvent.id, TrackingEvent.reason, TrackingEvent.office_id)
        .where(one_of(TrackingEvent.shipment_id, ids, BigInteger()))
        .order_by(TrackingEvent.shipment_id, TrackingEvent.occurred_at, TrackingEvent.id))
    for shipment_id, event, occurred_at, id_, reason, office_id in rows:
        out[shipment_id].append(Step(event, occurred_at, id_, reason, office_id))
    return out
