"""The agency's portal (cán bộ cơ quan): the agency's shipments and their timelines, pickups,
return shipments one by one or from a CSV file, handover records, the on-time report,
webhook subscriptions and API keys. Every page sees the signed-in officer's agency only
(app.access), through the same services as the JSON API."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from app.accounts.models import Role
from app.errors import ValidationFailed
from app.pagination import PageQuery
from app.web.layout import Section, Tab
from app.web.session import login_required

bp = Blueprint("agency", __name__, url_prefix="/agency", template_folder="templates")

PAGE_SIZE = 50
# A secret or key shown once must not stay in a cache or in the browser's back history.
NO_STORE = {"Cache-Control": "no-store"}

SECTION = Section(_l("Trang cơ quan"), (
    Tab("agency.home", _l("Bưu gửi"), ("agency.shipment",)),
    Tab("agency.pickups", _l("Hẹn lấy kết quả"), ("agency.new_pickup", "agency.create_pickup")),
    Tab("agency.returns", _l("Tạo bưu gửi trả"), ("agency.new_return", "agency.create_return",
                                                  "agency.upload_returns")),
    Tab("agency.handovers", _l("Biên bản giao nhận")),
    Tab("agency.report", _l("Báo cáo đúng hạn")),
    Tab("agency.integrations", _l("Kết nối phần mềm"), ("agency.create_webhook", "agency.create_api_key")),
), stylesheets=("css/agency.css",))


@bp.before_request
@login_required(Role.agency)
def _agency_officers_only() -> None:
    """Every portal page, for agency officers only: others sign in or get the 403 page."""


@bp.context_processor
def _agency_globals() -> dict[str, Any]:
    return {"section": SECTION}


def page_args(**filters: Any) -> dict[str, Any]:
    """limit and cursor from the query string, as the API reads them (a bad cursor is a 422)."""
    try:
        return {**PageQuery().load({"limit": PAGE_SIZE, "cursor": request.args.get("cursor") or None}),
                **filters}
    except ValidationError as exc:
        raise ValidationFailed("cursor", "Not a cursor this page issued.") from exc
