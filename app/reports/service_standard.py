"""The service-standard report (TT17 Điều 6–8): of the shipments due in a period, how many
were completed on time, how late the others were in working days, and what is still open
past its due date. Definitions in docs/operations.md ("Service standard").

The database aggregates: one row per (group, due date, late completion date, state), so a
year of a province (~400k shipments) comes back as a few thousand rows; lateness in working
days is then read off a calendar of the period made in Python (app/fees/calendar.py)."""
from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, literal, select

from app import clock
from app.access import scope
from app.accounts.models import User
from app.errors import ValidationFailed
from app.extensions import db
from app.fees.calendar import is_working_day
from app.fees.models import Zone
from app.fees.pricing import ZONE_LABELS
from app.orgs.models import Agency, Office
from app.shipments.models import Shipment, Status, TrackingEvent
from app.sql import on_postgresql
from app.vocabulary import Event, Service, text

GROUP_BY = ("office", "agency", "zone", "service", "week")
MAX_DAYS = 366
CSV_HEADERS = ("Nhóm", "Tên", "Hoàn thành", "Đúng hạn", "Trễ hạn", "Tỷ lệ đúng hạn (%)",
               "Trễ trung bình (ngày làm việc)", "Trễ P95 (ngày làm việc)", "Quá hạn chưa hoàn thành")


@dataclass
class Group:
    key: str
    label: str
    on_time: int = 0
    open_overdue: int = 0
    late_days: Counter[int] = field(default_factory=Counter)  # working days late -> items

    @property
    def late(self) -> int:
        return sum(self.late_days.values())

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.completed, 4) if self.completed else None

    @property
    def mean_late_days(self) -> float | None:
        late = self.late
        return round(sum(d * n for d, n in self.late_days.items()) / late, 2) if late else None

    @property
    def p95_late_days(self) -> int | None:
        """Nearest rank: the ⌈0.95·n⌉-th smallest lateness of the n late items."""
        rank = math.ceil(0.95 * self.late)
        for days in sorted(self.late_days):
            rank -= self.late_days[days]
            if rank <= 0:
                return days
        return None

    def add(self, other: Group) -> None:
        self.on_time += other.on_time
        self.open_overdue += other.open_overdue
        self.late_days.update(other.late_days)


@dataclass
class Report:
    date_from: date
    date_to: date
    group_by: str
    as_of: date
    groups: list[Group]

    @property
    def totals(self) -> Group:
        total = Group("", "Tổng cộng")
        for group in self.groups:
            total.add(group)
        return total


@dataclass(frozen=True)
class LateItem:
    """A shipment completed after its due date, and by how many working days."""

    tracking_number: str
    office_code: str
    office_name: str
    due_date: date
    done_on: date  # province date of the delivery (to the citizen, or to the agency for intake)
    late_days: int


def service_standard(actor: User, date_from: date, date_to: date, group_by: str = "office",
                     office: str | None = None, agency: str | None = None) -> Report:
    if group_by not in GROUP_BY:
        raise ValidationFailed("group_by", f"Group by one of {', '.join(GROUP_BY)}.", code="unknown_group")
    where = _population(actor, date_from, date_to, office, agency)
    today = clock.today_in_province()
    as_of = min(date_to, today)
    groups = _aggregate(where, group_by, date_from, as_of)
    return Report(date_from, date_to, group_by, as_of, groups)


def late_items(actor: User, date_from: date, date_to: date, office: str | None = None,
               agency: str | None = None, limit: int = 200) -> list[LateItem]:
    """The report's late items (the same population and definitions), latest due date first."""
    where = _population(actor, date_from, date_to, office, agency)
    shipments = (select(Shipment.tracking_number.label("number"), Shipment.office_id.label("office_id"),
                        Shipment.due_date.label("due"), Shipment.status.label("status"),
                        _province_date(_delivered_at()).label("done")).where(*where)
                 .cte("population").prefix_with("MATERIALIZED", dialect="postgresql"))
    c = shipments.c
    rows = db.session.execute(
        select(c.number, Office.code, Office.name, c.due, c.done).join(Office, Office.id == c.office_id)
        .where(c.status == Status.delivered, c.done.is_not(None), c.done > c.due)
        .order_by(c.due.desc(), c.number).limit(limit)).tuples()
    calendar = _WorkingDays(date_from)
    return [LateItem(number, code, name, due, done, calendar.late(due, done))
            for number, code, name, due, done in rows]


def _population(actor: User, date_from: date, date_to: date, office: str | None,
                agency: str | None) -> list[ColumnElement[bool]]:
    """The shipments a report counts: due in the period, not cancelled, seen by the actor."""
    if date_to < date_from:
        raise ValidationFailed("to", "The period ends before it starts.", code="period_invalid")
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationFailed("to", f"A report covers at most {MAX_DAYS} days.", code="period_too_long")
    where = [scope(actor, Shipment), Shipment.due_date >= date_from, Shipment.due_date <= date_to,
             Shipment.status != Status.cancelled]
    if office:
        where.append(Shipment.office_id == _known(Office, office, "office"))
    if agency:
        where.append(Shipment.agency_id == _known(Agency, agency, "agency"))
    return where


def _known(model: type[Office] | type[Agency], code: str, name: str) -> int:
    found = db.session.scalar(select(model.id).where(model.code == code))
    if found is None:
        raise ValidationFailed(name, f"Unknown {name} {code!r}.", code=f"unknown_{name}")
    return found


def _province_date(moment: Any) -> ColumnElement[date]:
    if on_postgresql():
        return cast(func.timezone(clock.PROVINCE_TZ.key, moment), Date)
    return func.date(moment, "+7 hours", type_=Date)  # Vietnam keeps no summer time


def _delivered_at() -> ColumnElement[Any]:
    return (select(func.min(TrackingEvent.occurred_at))
            .where(TrackingEvent.shipment_id == Shipment.id, TrackingEvent.event == Event.delivered)
            .scalar_subquery())


def _aggregate(where: list[ColumnElement[bool]], group_by: str, start: date, as_of: date) -> list[Group]:
    keys, labels = _key(group_by)
    shipments = (select(*keys, Shipment.due_date.label("due"), Shipment.status.label("status"),
                       _province_date(_delivered_at()).label("done")).where(*where)
                 # Materialised: PostgreSQL would otherwise run the delivery look-up once per use.
                 .cte("population").prefix_with("MATERIALIZED", dialect="postgresql"))
    names = [shipments.c[k.key] for k in keys]
    due, status, done = shipments.c.due, shipments.c.status, shipments.c.done
    is_done = and_(status == Status.delivered, done.is_not(None))
    still_open = status.not_in((Status.delivered, Status.returned))
    state = case((and_(is_done, done <= due), literal("on_time")),
                 (is_done, literal("late")),
                 (and_(still_open, due < as_of), literal("open_overdue")),
                 else_=literal("other")).label("state")
    late_on = case((and_(is_done, done > due), done), else_=None).label("late_on")
    rows = db.session.execute(
        select(*names, due, late_on, state, func.count()).group_by(*names, due, late_on, state)).all()
    calendar = _WorkingDays(start)
    groups: dict[str, Group] = {}
    for *key_parts, due_day, late_on_day, row_state, count in rows:
        key, label = labels(key_parts, due_day)
        group = groups.setdefault(key, Group(key, label))
        if row_state == "on_time":
            group.on_time += count
        elif row_state == "late":
            group.late_days[calendar.late(due_day, late_on_day)] += count
        elif row_state == "open_overdue":
            group.open_overdue += count
    return sorted(groups.values(), key=lambda g: g.key)


def _key(group_by: str) -> tuple[list[Any], Any]:
    """The columns a group is keyed on, and how a row's key and Vietnamese label are read."""
    if group_by in ("office", "agency"):
        model, column = (Office, Shipment.office_id) if group_by == "office" else (Agency, Shipment.agency_id)
        # Grouped by id; the few codes and names are read once, not per shipment.
        names = {id_: (code, name) for id_, code, name in db.session.execute(
            select(model.id, model.code, model.name)).tuples()}
        return [column.label("org")], lambda parts, due: names[parts[0]]
    if group_by == "zone":
        return ([Shipment.fee["zone"].as_string().label("zone")], _zone_label)
    if group_by == "service":
        return ([Shipment.service.label("service")],
                lambda parts, due: (Service(parts[0]).value, text(Service(parts[0]))))
    return ([], _week_label)


def _zone_label(parts: list[Any], due: date) -> tuple[str, str]:
    code = parts[0] or "unknown"
    try:
        return code, ZONE_LABELS[Zone(code)]
    except ValueError:
        return code, "không xác định"


def _week_label(parts: list[Any], due: date) -> tuple[str, str]:
    year, week, _ = due.isocalendar()
    monday = due - timedelta(days=due.weekday())
    sunday = monday + timedelta(days=6)
    return f"{year}-W{week:02d}", f"Tuần {week:02d}/{year} ({monday:%d/%m}–{sunday:%d/%m})"


class _WorkingDays:
    """Lateness in working days: the working days after the due date up to the completion
    day; a late completion on a weekend or holiday counts one."""

    def __init__(self, start: date) -> None:
        self._last = start - timedelta(days=1)
        self._ordinal: dict[date, int] = {self._last: 0}  # working days from `start` up to a day

    def late(self, due: date, done: date) -> int:
        return max(1, self._count(done) - self._count(due))

    def _count(self, day: date) -> int:
        while self._last < day:
            running = self._ordinal[self._last]
            self._last += timedelta(days=1)
            self._ordinal[self._last] = running + is_working_day(self._last)
        return self._ordinal[day]


def rows(report: Report) -> list[tuple[Any, ...]]:
    """The table the CSV and the XLSX share: one line per group, then the totals."""
    def line(g: Group) -> tuple[Any, ...]:
        return (g.key, g.label, g.completed, g.on_time, g.late, g.on_time_rate, g.mean_late_days,
                g.p95_late_days, g.open_overdue)
    return [line(g) for g in report.groups] + [line(report.totals)]


def report_csv(report: Report) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel opens it with its Vietnamese intact."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel")
    writer.writerow(CSV_HEADERS)
    for row in rows(report):
        rate = None if row[5] is None else round(row[5] * 100, 2)
        writer.writerow(["" if cell is None else cell for cell in (*row[:5], rate, *row[6:])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
