"""The supervisor's desk (giám sát viên): dispatch of the office's results to couriers with the
run's order and length, pickups to assign, notices and returns due, the daily reconciliation
across offices, the service-standard report with charts and the subsidy claim. Pages call
the same services as the JSON API."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.web.layout import Section, Tab
from app.web.session import login_required

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor", template_folder="templates")

SECTION = Section(_l("Trang giám sát"), (
    Tab("supervisor.home", _l("Điều phối"), ("supervisor.preview", "supervisor.confirm")),
    Tab("supervisor.pickups", _l("Yêu cầu lấy hồ sơ")),
    Tab("supervisor.due", _l("Báo phát, chuyển hoàn")),
    Tab("supervisor.reconciliation", _l("Đối soát")),
    Tab("supervisor.reports", _l("Báo cáo chất lượng")),
    Tab("supervisor.subsidy", _l("Đề nghị cấp bù")),
), stylesheets=("css/supervisor.css",))


@bp.before_request
@login_required(Role.supervisor)
def _supervisors_only() -> None:
    """Every desk page, for supervisors only: others sign in or get the 403 page."""


@bp.context_processor
def _supervisor_globals() -> dict[str, Any]:
    return {"section": SECTION}


@bp.get("/")
def home() -> str:
    return render_template("supervisor/home.html")
