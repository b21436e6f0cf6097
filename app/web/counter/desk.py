"""The counter desk (quầy giao dịch): today's items of the office with filters, a search box a
barcode scanner types into, results waiting at the counter, results to hand to a courier, and
the office's daily reconciliation."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate
from werkzeug.wrappers import Response

from app import clock
from app.accounts.models import Role
from app.errors import DomainError
from app.money import reconcile
from app.money.models import PaymentKind
from app.money.schemas import DailyQuery
from app.shipments.models import Service, Status
from app.shipments.schemas import ShipmentQuery
from app.web.counter import office, words
from app.web.counter.routes import COUNTER_STAFF, bp
from app.web.forms import FORM_ERROR, field_errors
from app.web.session import current_staff, login_required


class DeskQuery(ShipmentQuery):
    """The API's search filters, and the last digits of a phone a citizen reads out."""

    phone = fields.String(load_default=None, validate=validate.Regexp(
        r"^[0-9]{3,11}$", error="Length must be between 3 and 11."))


FILTERS = ("status", "service", "dossier_code", "phone")
DESK_QUERY = DeskQuery()
DAILY_QUERY = DailyQuery()


@bp.get("/")
@login_required(*COUNTER_STAFF)
def desk() -> tuple[str, int]:
    return _desk()


@bp.get("/desk/shipments")
@login_required(*COUNTER_STAFF)
def desk_list() -> tuple[str, int]:
    """The list alone, for the filters' partial updates (htmx), refused filters said in it:
    htmx swaps in 2xx answers only."""
    filters, errors = _filters()
    return render_template("counter/_desk_list.html", errors=errors,
                           shipments=office.todays_shipments(current_staff(), filters)), 200


@bp.get("/find")
@login_required(*COUNTER_STAFF)
def find() -> Response | tuple[str, int]:
    """What the search box (or a scanner reading a label's barcode) typed: a tracking number
    or a dossier code opens its item, or lists them when the dossier has several."""
    query = "".join(request.args.get("q", "").split())
    if not query:
        return redirect(url_for("counter.desk"), code=303)
    found = office.find(current_staff(), query)
    if len(found) == 1:
        return redirect(url_for("counter.shipment", tracking_number=found[0].tracking_number), code=303)
    return render_template("counter/found.html", query=query, found=found), 200 if found else 404


@bp.post("/handover")
@login_required(*COUNTER_STAFF)
def hand_over() -> Response | tuple[str, int]:
    numbers = request.form.getlist("tracking_numbers")
    if not numbers:
        return _desk(_("Chọn ít nhất một bưu gửi để giao."), 422)
    try:
        handed = office.hand_to_courier(current_staff(), request.form.get("courier", ""), numbers)
    except DomainError as exc:
        return _desk(words.refusal(exc.code), exc.status)
    flash(_("Đã giao %(count)d bưu gửi cho bưu tá %(name)s.", count=len(handed.shipments),
            name=handed.courier.full_name), "success")
    return redirect(url_for("counter.desk"), code=303)


@bp.get("/reconciliation")
@login_required(*COUNTER_STAFF)
def reconciliation() -> tuple[str, int]:
    """The office's money for a day; a supervisor names the office (default: their own)."""
    actor = current_staff()
    args = {"day": request.args.get("day") or clock.today_in_province().isoformat()}
    if actor.role is Role.supervisor and actor.office is not None:
        args["office"] = request.args.get("office") or actor.office.code
    try:
        query = DAILY_QUERY.load(args)
        result = reconcile.reconcile(actor, query["office"], query["day"])
    except ValidationError as exc:
        return _reconciliation(None, args["day"], field_errors(exc.messages, args)), 422
    except DomainError as exc:
        return _reconciliation(None, args["day"], {FORM_ERROR: words.refusal(exc.code)}), exc.status
    return _reconciliation(result, query["day"].isoformat(), {}), 200


def _reconciliation(result: reconcile.Reconciliation | None, day: str, errors: dict[str, str]) -> str:
    return render_template("counter/reconciliation.html", result=result, day=day, errors=errors,
                           words=words, kind=PaymentKind)


def _filters() -> tuple[dict, dict[str, str]]:
    given = {name: request.args[name].strip() for name in FILTERS if request.args.get(name, "").strip()}
    try:
        return DESK_QUERY.load(given), {}
    except ValidationError as exc:
        return {}, field_errors(exc.messages, given)


def _desk(message: str | None = None, status: int = 200) -> tuple[str, int]:
    filters, errors = _filters()
    actor = current_staff()
    return render_template(
        "counter/desk.html", filters=request.args, errors=errors, message=message,
        shipments=office.todays_shipments(actor, filters), waiting=office.awaiting_collection(actor),
        to_hand=office.to_hand(actor), couriers=office.couriers_of(actor),
        statuses=tuple(Status), services=tuple(Service), today=clock.today_in_province(),
    ), 422 if errors and status < 400 else status
