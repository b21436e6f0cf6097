"""Dispatch on the supervisor's desk: the office's results waiting to go out, by commune; the
run a courier would get (order, each leg's km, total) before confirming; the confirmed run and
its delivery list. The same DispatchIn body and services as POST /api/v1/dispatch."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import groupby
from typing import Any, NamedTuple

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app import clock
from app.dispatch import services as dispatching
from app.dispatch.schemas import DispatchIn, RunQuery
from app.errors import DomainError, ValidationFailed
from app.files import file_response
from app.orgs.models import Office
from app.orgs.services import list_offices
from app.shipments.services import normalise_tracking_number
from app.web.forms import FORM_ERROR, field_errors
from app.web.session import current_staff
from app.web.supervisor.routes import bp, chosen_office, couriers_at, refusal

DISPATCH_IN = DispatchIn()
RUN_QUERY = RunQuery()
_MESSAGES = {
    "tracking_numbers": lambda: _("Chọn ít nhất một kết quả (hoặc cả một xã)."),
    "courier": lambda: _("Chọn bưu tá."),
}


@bp.get("/")
def home() -> tuple[str, int]:
    values = {"day": request.args.get("day", "").strip(), "courier": request.args.get("courier", "")}
    try:
        day = RUN_QUERY.load({"day": values["day"] or None})["day"] or clock.today_in_province()
    except ValidationError as exc:
        return _desk(chosen_office(), clock.today_in_province(), values,
                     field_errors(exc.messages, values)), 422
    return _desk(chosen_office(), day, values, {}), 200


@bp.post("/preview")
def preview() -> tuple[str, int]:
    """The run as it would be after this dispatch; nothing is saved."""
    done = _dispatching(dispatching.preview)
    if not isinstance(done, _Done):
        return done
    added = {normalise_tracking_number(n) for n in done.body["tracking_numbers"]}
    return render_template("supervisor/dispatch_preview.html", run=done.answer, office=done.office,
                           added=added, chosen=sorted(added)), 200


@bp.post("/confirm")
def confirm() -> Response | tuple[str, int]:
    confirmed = _dispatching(dispatching.dispatch)
    if not isinstance(confirmed, _Done):
        return confirmed
    done = confirmed.answer
    flash(_("Đã giao %(count)d kết quả cho bưu tá %(name)s.", count=len(done.shipments),
            name=done.courier.full_name), "success")
    where = url_for("supervisor.run", courier=done.courier.username, day=done.day.isoformat())
    return redirect(where, code=303)


@bp.get("/run")
def run() -> tuple[str, int]:
    """A courier's run for a day in route order, with its delivery list to print."""
    query = _run_query()
    found = dispatching.courier_run(current_staff(), query["courier"], query["day"])
    return render_template("supervisor/dispatch_run.html", run=found), 200


@bp.get("/run.pdf")
def run_pdf() -> Response:
    """The delivery list, as GET /api/v1/courier/run.pdf gives it, for the signed-in supervisor."""
    found = dispatching.courier_run(current_staff(), *_run_query().values())
    return file_response(dispatching.run_pdf(found), f"DSP-{found.day:%Y%m%d}-{found.courier.username}.pdf")


def _run_query() -> dict[str, Any]:
    try:
        query = RUN_QUERY.load({"courier": request.args.get("courier") or None,
                                "day": request.args.get("day") or None})
    except ValidationError as exc:
        raise ValidationFailed("day", "Not a date.") from exc
    return {"courier": query["courier"] or "", "day": query["day"]}


class _Done(NamedTuple):
    office: Office
    body: dict[str, Any]
    answer: Any


def _dispatching(action: Callable[[Any, dict[str, Any]], Any]) -> _Done | tuple[str, int]:
    """action(actor, the DispatchIn body of the posted form): done, or the desk again with the
    refusal beside its field."""
    office = chosen_office()
    values, body = _posted(office)
    try:
        return _Done(office, body, action(current_staff(), DISPATCH_IN.load(body)))
    except ValidationError as exc:
        return _refused(office, values, _errors(exc.messages, values)), 422
    except DomainError as exc:
        return _refused(office, values, _refusal(exc, values)), exc.status


def _posted(office: Office) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as typed (to show it again) and the DispatchIn body: the items ticked, and
    every item of a commune whose "whole commune" box is ticked (that works without script)."""
    form = request.form
    communes = set(form.getlist("communes"))
    numbers = list(dict.fromkeys(form.getlist("tracking_numbers")))
    if communes:
        day = _day_or_today(form.get("day", ""))
        numbers += [w.shipment.tracking_number for w in dispatching.waiting(office, day)
                    if w.shipment.recipient_unit_code in communes
                    and w.shipment.tracking_number not in numbers]
    values = {"courier": form.get("courier", "").strip(), "day": form.get("day", "").strip(),
              "tracking_numbers": numbers}
    body: dict[str, Any] = {"courier": values["courier"] or None, "tracking_numbers": numbers}
    if values["day"]:
        body["day"] = values["day"]
    return values, {k: v for k, v in body.items() if v is not None}


def _day_or_today(text: str) -> date:
    try:
        return RUN_QUERY.load({"day": text.strip() or None})["day"] or clock.today_in_province()
    except ValidationError:
        return clock.today_in_province()


def _errors(messages: Any, values: dict[str, Any]) -> dict[str, str]:
    form = {k: v if isinstance(v, str) else ",".join(v) for k, v in values.items()}
    errors = field_errors(messages, form)
    return {name: _MESSAGES[name]() if name in _MESSAGES else text for name, text in errors.items()}


def _refusal(exc: DomainError, values: dict[str, Any]) -> dict[str, str]:
    """The refusal beside the field it names (the items it names listed), else for the form."""
    field = next(iter(exc.errors or {}), FORM_ERROR)
    text = refusal(exc.code)
    if field == "tracking_numbers" and exc.errors:
        text = f"{text}: {', '.join(exc.errors[field])}"
    return {field if field in values else FORM_ERROR: text}


def _refused(office: Office, values: dict[str, Any], errors: dict[str, str]) -> str:
    return _desk(office, _day_or_today(values.get("day", "")), values, errors)


def _desk(office: Office, day: date, values: dict[str, Any], errors: dict[str, str]) -> str:
    chosen = set(values.get("tracking_numbers") or request.args.getlist("tracking_numbers"))
    waiting = dispatching.waiting(office, day)
    communes = [(unit, list(items))
                for unit, items in groupby(waiting, key=lambda w: w.shipment.recipient_unit)]
    return render_template(
        "supervisor/home.html", office=office, offices=list_offices(), couriers=couriers_at(office),
        communes=communes, count=len(waiting), listed_max=dispatching.WAITING_LISTED, day=day,
        values=values, chosen=chosen, errors=errors)
