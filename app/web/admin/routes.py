"""The administrator's pages: users (one-time passwords, deactivation, resets) and the audit log.
Every change goes through app.accounts.services, which writes the audit entry."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app.accounts import services as accounts
from app.accounts.models import Role
from app.accounts.schemas import UserIn
from app.errors import Conflict, ValidationFailed, flatten_messages
from app.orgs.services import list_agencies, list_offices
from app.pagination import PageQuery
from app.web.forms import in_reader_language
from app.web.layout import Section, Tab
from app.web.session import current_staff, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
@login_required(Role.admin)
def _admins_only() -> None:
    """Every admin page, for admins only: others go to sign in or get the 403 page."""


PAGE_SIZE = 50
ROLE_LABELS = {
    Role.clerk: _l("Giao dịch viên"),
    Role.courier: _l("Bưu tá"),
    Role.agency: _l("Cán bộ cơ quan"),
    Role.supervisor: _l("Giám sát viên"),
    Role.admin: _l("Quản trị viên"),
}
OFFICE_ROLES = frozenset({Role.clerk, Role.courier, Role.supervisor})
USER_FIELDS = ("username", "full_name", "role", "office_code", "agency_code")
# A one-time password must not stay in a cache or in the browser's back history.
NO_STORE = {"Cache-Control": "no-store"}


SECTION = Section(_l("Trang quản trị"), (
    Tab("admin.users", _l("Người dùng"), ("admin.new_user", "admin.create_user")),
    Tab("admin.offices", _l("Bưu cục"), ("admin.new_office", "admin.create_office", "admin.edit_office",
                                         "admin.update_office", "admin.printers", "admin.add_printer",
                                         "admin.edit_printer", "admin.update_printer")),
    Tab("admin.agencies", _l("Cơ quan"), ("admin.new_agency", "admin.create_agency", "admin.edit_agency",
                                          "admin.update_agency")),
    Tab("admin.tariffs", _l("Bảng giá cước"), ("admin.new_tariff", "admin.create_tariff")),
    Tab("admin.policies", _l("Chính sách giảm cước"), ("admin.new_policy", "admin.create_policy")),
    Tab("admin.audit", _l("Nhật ký thay đổi")),
), stylesheets=("css/admin.css",))


@bp.context_processor
def _admin_globals() -> dict[str, Any]:
    return {"role_labels": ROLE_LABELS, "section": SECTION}


@bp.get("/")
def home() -> Response:
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users() -> str:
    args = page_args()
    return render_template("admin/users.html", page=accounts.list_users(args))


@bp.get("/users/new")
def new_user() -> str:
    return _user_form({}, {})


@bp.post("/users/new")
def create_user() -> tuple[str, int, dict[str, str]] | tuple[str, int]:
    values = {name: request.form.get(name, "").strip() for name in USER_FIELDS}
    password = accounts.one_time_password()
    try:
        body = UserIn().load({**_affiliation_for_role(values), "password": password})
        user = accounts.create_user(actor=current_staff(), must_change_password=True, **body)
    except ValidationError as exc:
        return _user_form(values, _errors(exc.messages, values)), 422
    except ValidationFailed as exc:
        return _user_form(values, _errors(exc.errors, values)), 422
    except Conflict:
        return _user_form(values, {"username": _("Tên đăng nhập này đã có người dùng.")}), 409
    return render_template("admin/one_time.html", person=user, password=password, created=True), 201, NO_STORE


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int) -> Response:
    active = request.form.get("active") == "1"
    try:
        user = accounts.update_user(user_id, {"active": active}, current_staff())
    except ValidationFailed:
        flash(_("Bạn không thể tự khóa tài khoản của mình."), "error")
    else:
        flash(_("Đã mở lại tài khoản %(username)s.", username=user.username) if active else
              _("Đã khóa tài khoản %(username)s; các phiên đăng nhập của họ đã kết thúc.",
                username=user.username), "success")
    return redirect(url_for("admin.users", cursor=request.form.get("cursor") or None), code=303)


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int) -> tuple[str, int, dict[str, str]]:
    user, password = accounts.reset_password(user_id, current_staff())
    page = render_template("admin/one_time.html", person=user, password=password, created=False)
    return page, 200, NO_STORE


def page_args(**filters: Any) -> dict[str, Any]:
    """limit and cursor from the query string, as the API reads them (a bad cursor is a 422)."""
    try:
        return {**PageQuery().load({"limit": PAGE_SIZE, "cursor": request.args.get("cursor") or None}),
                **filters}
    except ValidationError as exc:
        raise ValidationFailed("cursor", "Not a cursor this page issued.") from exc


def _affiliation_for_role(values: dict[str, str]) -> dict[str, str | None]:
    """Only the office or agency the chosen role has: a left-over choice in the other is ignored."""
    role = values["role"]
    office_roles = {r.value for r in OFFICE_ROLES}
    return {**values,
            "office_code": (values["office_code"] or None) if role in office_roles else None,
            "agency_code": (values["agency_code"] or None) if role == Role.agency.value else None}


_USER_MESSAGES = {
    "username": lambda: _("2–64 chữ thường không dấu, chữ số, '.', '_' hoặc '-'."),
    "role": lambda: _("Chọn vai trò."),
    "office_code": lambda: _("Giao dịch viên và bưu tá thuộc một bưu cục: chọn bưu cục."),
    "agency_code": lambda: _("Cán bộ cơ quan thuộc một cơ quan: chọn cơ quan."),
}


def _errors(messages: Any, values: dict[str, str]) -> dict[str, str]:
    out = {}
    for field, texts in flatten_messages(messages).items():
        empty = not values.get(field)
        if field in _USER_MESSAGES and not (empty and field in ("username", "role")):
            out[field] = _USER_MESSAGES[field]()
        else:
            out[field] = in_reader_language(texts[0], empty=empty)
    return out


def _user_form(values: dict[str, str], errors: dict[str, str]) -> str:
    return render_template("admin/user_new.html", values=values, errors=errors,
                           offices=list_offices(), agencies=list_agencies())
