"""The supervisor's desk (giám sát viên): dispatch of the office's results to couriers with the
run's order and length, pickups to assign, notices and returns due, the daily reconciliation
across offices, the service-standard report with charts and the subsidy claim. Pages call
the same services as the JSON API; each tab's pages are a module of this package."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db
from app.orgs.models import Office
from app.orgs.services import list_offices, office_by_code
from app.web.counter import words
from app.web.layout import Section, Tab
from app.web.session import current_staff, login_required

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor", template_folder="templates")

SECTION = Section(_l("Trang giám sát"), (
    Tab("supervisor.home", _l("Điều phối"), ("supervisor.preview", "supervisor.confirm", "supervisor.run")),
    Tab("supervisor.pickups", _l("Yêu cầu lấy hồ sơ"), ("supervisor.assign_pickup",)),
    Tab("supervisor.due", _l("Báo phát, chuyển hoàn")),
    Tab("supervisor.reconciliation", _l("Đối soát")),
    Tab("supervisor.reports", _l("Báo cáo chất lượng")),
    Tab("supervisor.subsidy", _l("Đề nghị cấp bù")),
), stylesheets=("css/supervisor.css",))

OFFICE_KEY = "supervisor_office"  # the office the desk looks at, kept from tab to tab

REFUSALS = {
    "pickup_closed": _l("Yêu cầu lấy hồ sơ này đã hoàn thành hoặc đã hủy."),
    "pickup_not_found": _l("Không tìm thấy yêu cầu lấy hồ sơ."),
    "not_dispatchable": _l("Chỉ giao cho bưu tá các kết quả đã nhận và chưa phát: có kết quả vừa được "
                           "phát, trả hoặc hủy."),
}


@bp.before_request
@login_required(Role.supervisor)
def _supervisors_only() -> None:
    """Every desk page, for supervisors only: others sign in or get the 403 page."""


@bp.context_processor
def _supervisor_globals() -> dict[str, Any]:
    return {"section": SECTION, "km": km}


def km(value: float) -> str:
    """12.345 -> `12,3 km`, the Vietnamese way whatever the page's language (as money is)."""
    return f"{value:.1f} km".replace(".", ",")


def chosen_office() -> Office:
    """The office the desk shows: the one asked for (`?office=`, or a form's `office`), else the
    one chosen before in this session, else the supervisor's own. A supervisor sees every office."""
    asked = (request.values.get("office") or "").strip()
    office = office_by_code(asked) if asked else None
    if office is None and session.get(OFFICE_KEY):
        office = office_by_code(session[OFFICE_KEY])
    office = office or current_staff().office or list_offices()[0]
    session[OFFICE_KEY] = office.code
    return office


def couriers_at(office: Office) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == Role.courier, User.active, User.office_id == office.id).order_by(User.full_name)))


def refusal(code: str) -> str:
    """A service's refusal code in the reader's words, the code kept for the record."""
    text = REFUSALS.get(code)
    return f"{text} ({code})" if text else words.refusal(code)
