"""Staff sign-in and sign-out for the pages."""
from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from app.accounts.schemas import TokenIn
from app.errors import Unauthorized
from app.web.layout import home_for
from app.web.session import safe_next, sign_in, sign_out

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.get("/login")
def login() -> str:
    return render_template("auth/login.html", next=safe_next(request.args.get("next")))


@bp.post("/login")
def login_post() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    next_url = safe_next(request.form.get("next"))
    try:
        body = TokenIn().load({"username": request.form.get("username", ""),
                               "password": request.form.get("password", "")})
    except ValidationError as exc:
        errors = {field: _("Vui lòng nhập trường này.") if not request.form.get(field)
                  else _("Giá trị không hợp lệ.") for field in exc.messages}
        return _form(422, next_url, errors=errors)
    try:
        user = sign_in(body["username"], body["password"])
    except Unauthorized:
        return _form(401, next_url, message=_("Tên đăng nhập hoặc mật khẩu không đúng."))
    except TooManyRequests as exc:
        page, status = _form(429, next_url, message=_(
            "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.",
            minutes=_wait_minutes(exc)))
        return page, status, dict(exc.get_headers())  # Retry-After, as the API sends it
    flash(_("Xin chào, %(name)s.", name=user.full_name), "success")
    return redirect(next_url or home_for(user.role), code=303)


@bp.post("/logout")
def logout() -> Response:
    sign_out()
    flash(_("Bạn đã đăng xuất."), "success")
    return redirect(url_for("auth.login"), code=303)


def _form(status: int, next_url: str | None, *, message: str | None = None,
          errors: dict[str, str] | None = None) -> tuple[str, int]:
    return render_template("auth/login.html", next=next_url, message=message, errors=errors or {},
                           username=request.form.get("username", "")), status


def _wait_minutes(exc: TooManyRequests) -> int:
    retry_after = exc.retry_after  # seconds, or a date
    seconds = retry_after if isinstance(retry_after, int) else 60
    return max(1, math.ceil(seconds / 60))
