"""The office's daily reconciliation: what each clerk and courier should hold for the day
(from the acceptances and deliveries they recorded) against the payments they recorded."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from app import clock
from app.accounts.models import Role, User
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.money.models import Payment, PaymentKind
from app.money.services import amount_due
from app.orgs.models import Office
from app.orgs.services import office_by_code
from app.shipments.models import Service, Shipment, TrackingEvent
from app.vocabulary import Event

# The event at which each service's money changes hands (SPEC §3).
COLLECTING_EVENT = {Service.intake: Event.accepted, Service.both: Event.accepted,
                    Service.return_: Event.delivered}


@dataclass
class Line:
    tracking_number: str
    kind: str
    expected_by: str | None
    expected_vnd: int
    recorded_by: str | None
    recorded_vnd: int

    @property
    def difference_vnd(self) -> int:
        return self.recorded_vnd - self.expected_vnd

    @property
    def problem(self) -> str | None:
        if self.recorded_by is None:
            return "missing_payment"
        if self.expected_by is None:
            return "unexpected_payment"
        if self.recorded_by != self.expected_by:
            return "other_collector"
        return "amount_differs" if self.difference_vnd else None


@dataclass
class Reconciliation:
    office: Office
    day: date
    lines: list[Line] = field(default_factory=list)

    @property
    def expected_vnd(self) -> int:
        return sum(x.expected_vnd for x in self.lines)

    @property
    def recorded_vnd(self) -> int:
        return sum(x.recorded_vnd for x in self.lines)

    @property
    def discrepancy_vnd(self) -> int:
        return sum(abs(x.difference_vnd) for x in self.discrepancies)

    @property
    def people(self) -> list[dict[str, Any]]:
        totals: dict[str, dict[str, int]] = defaultdict(lambda: {"expected_vnd": 0, "recorded_vnd": 0})
        for x in self.lines:
            if x.expected_by:
                totals[x.expected_by]["expected_vnd"] += x.expected_vnd
            if x.recorded_by:
                totals[x.recorded_by]["recorded_vnd"] += x.recorded_vnd
        return [{"username": name, **t, "difference_vnd": t["recorded_vnd"] - t["expected_vnd"]}
                for name, t in sorted(totals.items())]

    @property
    def discrepancies(self) -> list[Line]:
        return [x for x in self.lines if x.problem]


def reconcile(actor: User, office_code: str | None, day: date) -> Reconciliation:
    office = _office(actor, office_code)
    start = datetime.combine(day, time.min, tzinfo=clock.PROVINCE_TZ)
    end = start + timedelta(days=1)
    names = dict(db.session.execute(select(User.id, User.username)).tuples().all())
    expected: dict[tuple[str, str], tuple[str | None, int]] = {}
    events = db.session.execute(
        select(Shipment, TrackingEvent.event, TrackingEvent.actor_id).join(TrackingEvent)
        .where(Shipment.office_id == office.id,
               TrackingEvent.occurred_at >= start, TrackingEvent.occurred_at < end,
               TrackingEvent.event.in_((Event.accepted, Event.delivered)))).unique()
    for shipment, event, actor_id in events:
        if COLLECTING_EVENT[shipment.service] != event:
            continue
        for kind in PaymentKind:
            due = amount_due(shipment, kind)
            if due:
                expected[(shipment.tracking_number, kind.value)] = (names.get(actor_id), due)
    recorded: dict[tuple[str, str], tuple[str, int]] = {}
    rows = db.session.execute(
        select(Payment, Shipment.tracking_number).join(Shipment, Payment.shipment_id == Shipment.id)
        .where(Payment.office_id == office.id, Payment.business_day == day))
    for payment, number in rows:
        recorded[(number, payment.kind.value)] = (names[payment.collected_by_id], payment.amount_vnd)
    result = Reconciliation(office, day)
    for key in sorted(expected.keys() | recorded.keys()):
        by, amount = expected.get(key, (None, 0))
        taker, got = recorded.get(key, (None, 0))
        result.lines.append(Line(key[0], key[1], by, amount, taker, got))
    return result


@dataclass
class OfficeDay:
    """One office's line of the reconciliation across offices: its day, and how much of the
    procedure fees taken that day has been paid over to the agencies since."""

    reconciliation: Reconciliation
    remitted_vnd: int

    @property
    def office(self) -> Office:
        return self.reconciliation.office


def reconcile_offices(actor: User, day: date) -> list[OfficeDay]:
    """Every office's reconciliation for a day, by office code: the supervisor's view."""
    if actor.role is not Role.supervisor:
        raise Forbidden("Only supervisors reconcile every office.", code="other_office")
    remitted = dict(db.session.execute(
        select(Payment.office_id, func.sum(Payment.amount_vnd))
        .where(Payment.business_day == day, Payment.kind == PaymentKind.procedure_fee,
               Payment.remittance_id.is_not(None))
        .group_by(Payment.office_id)).tuples().all())
    offices = db.session.scalars(select(Office.code).order_by(Office.code)).all()
    return [OfficeDay(rec, int(remitted.get(rec.office.id) or 0))
            for rec in (reconcile(actor, code, day) for code in offices)]


def _office(actor: User, code: str | None) -> Office:
    if actor.role is Role.supervisor:
        if not code:
            raise ValidationFailed("office", "Name the office.", code="office_required")
        office = office_by_code(code)
        if office is None:
            raise ValidationFailed("office", f"Unknown office {code!r}.", code="unknown_office")
        return office
    if code and code != actor.home_office.code:
        raise Forbidden("Clerks reconcile their own office.", code="other_office")
    return actor.home_office
