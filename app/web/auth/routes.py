"""Staff sign-in and sign-out for the pages."""
from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from app.accounts import services as accounts
from app.accounts.schemas import PasswordIn, TokenIn
from app.errors import Unauthorized, ValidationFailed, flatten_messages
from app.web.layout import home_for
from app.web.session import current_session_token, current_staff, login_required, safe_next, sign_in, sign_out

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


@bp.get("/password")
@login_required()
def password() -> str:
    return render_template("auth/password.html", next=safe_next(request.args.get("next")), errors={})


@bp.post("/password")
@login_required()
def password_post() -> Response | tuple[str, int]:
    """One's own password; required before anything else after an admin's one-time password."""
    next_url = safe_next(request.form.get("next"))
    user, token = current_staff(), current_session_token()
    try:
        body = PasswordIn().load({name: request.form.get(name, "")
                                  for name in ("old_password", "new_password")})
        if body["new_password"] != request.form.get("confirm_password", ""):
            raise ValidationFailed("confirm_password", "Passwords differ.")
        assert token is not None  # login_required found it
        accounts.change_password(user, token, body["old_password"], body["new_password"],
                                 request.remote_addr or "unknown")
    except ValidationError as exc:
        return _password_form(exc.messages), 422
    except ValidationFailed as exc:
        return _password_form(exc.errors), 422
    except TooManyRequests as exc:
        return render_template("auth/password.html", next=next_url, errors={}, message=_(
            "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.",
            minutes=_wait_minutes(exc))), 429
    flash(_("Đã đổi mật khẩu."), "success")
    return redirect(next_url or home_for(user.role), code=303)


_PASSWORD_MESSAGES = {
    "Wrong password.": lambda: _("Mật khẩu hiện tại không đúng."),
    f"At least {accounts.MIN_PASSWORD_LENGTH} characters.": lambda: _(
        "Ít nhất %(count)d ký tự.", count=accounts.MIN_PASSWORD_LENGTH),
    "Must not contain the username.": lambda: _("Không được chứa tên đăng nhập."),
    "Passwords differ.": lambda: _("Hai lần nhập mật khẩu mới không khớp."),
}


def _password_form(messages: Any) -> str:
    errors = {field: _PASSWORD_MESSAGES.get(texts[0], lambda: _("Vui lòng nhập trường này."))()
              for field, texts in flatten_messages(messages).items()}
    return render_template("auth/password.html", next=safe_next(request.form.get("next")), errors=errors)


def _form(status: int, next_url: str | None, *, message: str | None = None,
          errors: dict[str, str] | None = None) -> tuple[str, int]:
    return render_template("auth/login.html", next=next_url, message=message, errors=errors or {},
                           username=request.form.get("username", "")), status


def _wait_minutes(exc: TooManyRequests) -> int:
    retry_after = exc.retry_after  # seconds, or a date
    seconds = retry_after if isinstance(retry_after, int) else 60
    return max(1, math.ceil(seconds / 60))
