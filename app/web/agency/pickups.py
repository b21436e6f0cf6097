"""The agency's pickups (hẹn bưu điện đến lấy kết quả): the list with their courier once a
supervisor assigns one, cancelling an open one, and a request for a day and a window in
province time, naming the results concerned from those awaiting pickup. The request is
validated by the API's PickupIn and made by the same service."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app import clock
from app.errors import DomainError
from app.geo.services import get_commune
from app.pickups import services as pickup_services
from app.pickups.models import OPEN_PICKUP_STATUSES, PickupStatus
from app.pickups.schemas import PickupIn, PickupQuery
from app.web.agency.routes import bp, page_args
from app.web.forms import FORM_ERROR, field_errors, in_reader_language
from app.web.session import current_staff

LISTED = 200  # results offered for one pickup, newest first
FIELDS = ("day", "window_start", "window_end", "expected_count", "contact.name", "contact.phone", "note")
PICKUP_IN = PickupIn()
PICKUP_QUERY = PickupQuery()

STATUS_LABELS = {
    PickupStatus.requested: _l("Đã yêu cầu, chờ phân công"),
    PickupStatus.assigned: _l("Đã phân công bưu tá"),
    PickupStatus.completed: _l("Đã lấy kết quả"),
    PickupStatus.cancelled: _l("Đã hủy"),
}

# The service's refusals, said beside the field they concern.
REFUSALS = {
    "window_in_past": ("window_start", _l("Giờ bắt đầu đã qua: chọn một thời điểm sắp tới.")),
    "window_too_long": ("window_end", _l("Một khung giờ dài tối đa 12 tiếng.")),
    "window_invalid": ("window_end", _l("Giờ kết thúc phải sau giờ bắt đầu.")),
    "expected_count_invalid": ("expected_count", _l("Ít nhất 1, và không ít hơn số kết quả đã chọn.")),
    "duplicate_pickup": ("window_start", _l("Đã có một yêu cầu lấy tại địa chỉ này trong khung giờ này.")),
    "duplicate_item": ("tracking_numbers", _l("Một kết quả được chọn hai lần.")),
    "item_not_pickable": ("tracking_numbers", _l("Có kết quả không còn chờ lấy (đã nhận hoặc đã hủy).")),
    "on_another_pickup": ("tracking_numbers", _l("Có kết quả đã nằm trong một yêu cầu lấy khác.")),
    "other_agency": ("tracking_numbers", _l("Có kết quả không thuộc cơ quan của bạn.")),
    "shipments_not_found": ("tracking_numbers", _l("Có kết quả không tìm thấy.")),
    "agency_inactive": (FORM_ERROR, _l("Cơ quan của bạn đang tạm ngừng sử dụng dịch vụ.")),
    "pickup_closed": (FORM_ERROR, _l("Yêu cầu này đã kết thúc, không hủy được nữa.")),
}


@bp.context_processor
def _pickup_words() -> dict[str, Any]:
    return {"pickup_status_labels": STATUS_LABELS}


@bp.get("/pickups")
def pickups() -> tuple[str, int]:
    status = request.args.get("status") or None
    try:
        filters = PICKUP_QUERY.load({"status": status}) if status else {}
    except ValidationError:
        status, filters = None, {}
    page = pickup_services.search(current_staff(), page_args(**filters))
    return render_template("agency/pickups.html", page=page, status=status, statuses=tuple(PickupStatus),
                           open_statuses=OPEN_PICKUP_STATUSES), 200


@bp.post("/pickups/<int:pickup_id>/cancel")
def cancel_pickup(pickup_id: int) -> Response:
    try:
        pickup_services.cancel(current_staff(), pickup_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(str(REFUSALS.get(exc.code, (None, _("Không hủy được yêu cầu này.")))[1]), "error")
    else:
        flash(_("Đã hủy yêu cầu lấy kết quả số %(id)d.", id=pickup_id), "success")
    return redirect(url_for("agency.pickups"), code=303)


@bp.get("/pickups/new")
def new_pickup() -> str:
    actor = current_staff()
    tomorrow = clock.today_in_province() + timedelta(days=1)
    phone = actor.agency.phone if actor.agency else None
    values = {"day": tomorrow.isoformat(), "window_start": "08:00", "window_end": "11:00",
              "contact.name": actor.full_name, "contact.phone": phone or ""}
    return _form(values, [], {})


@bp.post("/pickups/new")
def create_pickup() -> Response | tuple[str, int]:
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    chosen = request.form.getlist("tracking_numbers")
    errors: dict[str, str] = {}
    window = _window(values, errors)
    body: dict[str, Any] = {
        "contact": {"name": values["contact.name"], "phone": values["contact.phone"]},
        "tracking_numbers": chosen, **window}
    for key in ("contact.name", "contact.phone"):
        if not values[key]:
            del body["contact"][key.split(".")[1]]
    if values["expected_count"]:
        body["expected_count"] = int(values["expected_count"]) if values["expected_count"].isdigit() \
            else values["expected_count"]
    if values["note"]:
        body["note"] = values["note"]
    try:
        data = PICKUP_IN.load(body)
    except ValidationError as exc:
        errors = {**field_errors(_without_window(exc.messages, window), values), **errors}
        return _form(values, chosen, errors), 422
    if errors:
        return _form(values, chosen, errors), 422
    try:
        pickup = pickup_services.request_pickup(current_staff(), data)
    except DomainError as exc:
        errors = _refusal(exc)
        if exc.code == "expected_count_invalid" and not chosen and not values["expected_count"]:
            errors = {"tracking_numbers": _("Chọn các kết quả cần lấy, hoặc ghi số kết quả.")}
        return _form(values, chosen, errors), exc.status
    flash(_("Đã gửi yêu cầu lấy kết quả số %(id)d: %(count)d kết quả.", id=pickup.id,
            count=pickup.expected_count), "success")
    return redirect(url_for("agency.pickups"), code=303)


def _window(values: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    """The day and the two times read in province time, as the API's ISO moments; what cannot
    be read is said beside its field (and left for the schema to call missing)."""
    try:
        day = date.fromisoformat(values["day"])
    except ValueError:
        errors["day"] = _("Chọn ngày hẹn.") if not values["day"] else _("Ngày không hợp lệ.")
        day = None
    window = {}
    for name in ("window_start", "window_end"):
        try:
            moment = time.fromisoformat(values[name])
        except ValueError:
            errors[name] = _("Chọn giờ.") if not values[name] else _("Giờ không hợp lệ.")
            continue
        if day is not None:
            window[name] = datetime.combine(day, moment, tzinfo=clock.PROVINCE_TZ).isoformat()
    return window


def _without_window(messages: Any, window: dict[str, str]) -> Any:
    """The schema's "missing" about a window part this page already said is unreadable."""
    if isinstance(messages, dict):
        return {k: v for k, v in messages.items() if k not in ("window_start", "window_end") or k in window}
    return messages


def _refusal(exc: DomainError) -> dict[str, str]:
    code = exc.code
    if code == "window_invalid" and "12 hours" in exc.detail:
        code = "window_too_long"
    field, words = REFUSALS.get(code, (FORM_ERROR, None))
    if words is None:
        text = in_reader_language(exc.detail)
        return {FORM_ERROR: f"{text} ({exc.code})"}
    return {field: str(words)}


def _form(values: dict[str, str], chosen: list[str], errors: dict[str, str]) -> str:
    actor = current_staff()
    awaiting = pickup_services.awaiting_pickup(actor, None, LISTED)
    commune = get_commune(actor.agency.unit_code) if actor.agency else None
    return render_template("agency/pickup_new.html", values=values, chosen=set(chosen), errors=errors,
                           awaiting=awaiting, listed=LISTED, agency=actor.agency, commune=commune)
