"""Discount policies: the list, a new policy from a form, and ending one (its last day)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app.errors import Conflict, NotFound, ValidationFailed
from app.fees import services as fees
from app.fees.models import PolicyKind
from app.fees.schemas import PolicyEndIn, PolicyIn
from app.web.admin.routes import bp
from app.web.forms import FORM_ERROR, body_from_form, field_errors
from app.web.i18n import format_date
from app.web.session import current_staff

KIND_LABELS = {PolicyKind.percentage: _l("Giảm theo tỷ lệ"), PolicyKind.fixed_price: _l("Đồng giá")}
# In Python, not the template: there gettext would read the "%" as a placeholder.
DISCOUNT_LABEL = _l("Tỷ lệ giảm (phần vạn: 5000 = 50%)")
INTEGERS = ("discount_bp", "fixed_price_vnd", "budget_share_bp")


@bp.get("/policies")
def policies() -> str:
    return render_template("admin/policies.html", policies=fees.list_policies(), kind_labels=KIND_LABELS)


@bp.get("/policies/new")
def new_policy() -> str:
    return _policy_form({}, {})


@bp.post("/policies/new")
def create_policy() -> Response | tuple[str, int]:
    form = request.form
    try:
        body = PolicyIn().load(body_from_form(form, integers=INTEGERS))
        policy = fees.create_policy(current_staff(), body)
    except ValidationError as exc:
        return _policy_form(form, field_errors(exc.messages, form)), 422
    except (ValidationFailed, Conflict) as exc:
        errors = field_errors(exc.errors or {FORM_ERROR: [exc.detail]}, form)
        if "code" in errors and isinstance(exc, Conflict):
            errors["code"] = _("Mã này đã có; đặt mã khác.")
        if "valid_to" in errors:
            errors["valid_to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
        return _policy_form(form, errors), 422
    flash(_("Đã thêm chính sách %(code)s.", code=policy.code), "success")
    return redirect(url_for("admin.policies"), code=303)


@bp.post("/policies/<code>/end")
def end_policy(code: str) -> Response:
    try:
        body = PolicyEndIn().load({"valid_to": request.form.get("valid_to", "")})
        policy = fees.end_policy(current_staff(), code, body["valid_to"])
    except (ValidationError, ValidationFailed):
        flash(_("Ngày kết thúc không hợp lệ: sớm nhất là ngày trước ngày bắt đầu."), "error")
    except NotFound:
        flash(_("Không có chính sách này."), "error")
    else:
        flash(_("Chính sách %(code)s kết thúc ngày %(day)s.", code=policy.code,
                day=format_date(body["valid_to"])), "success")
    return redirect(url_for("admin.policies"), code=303)


def _policy_form(values: object, errors: dict[str, str]) -> str:
    return render_template("admin/policy_new.html", values=values, errors=errors, kind_labels=KIND_LABELS,
                           discount_label=DISCOUNT_LABEL)
