"""Staff sign-in for pages: the session cookie holds the same revocable bearer token the API
issues (accounts.services.login), so signing out revokes it on the server."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from app.accounts import services as accounts
from app.accounts.models import ApiToken, Role, User
from app.web.i18n import SESSION_KEY as LANG_KEY

TOKEN_KEY = "token"
PASSWORD_PAGES = frozenset({"auth.password", "auth.password_post"})


def init_app(app: Flask) -> None:
    app.add_template_global(signed_in_user)


def sign_in(username: str, password: str) -> User:
    """Check the password (throttled in the service like the API) and start a fresh session."""
    issued = accounts.login(username, password, current_app.config["TOKEN_TTL_SECONDS"],
                            request.remote_addr or "unknown")
    _restart_session()
    session[TOKEN_KEY] = issued.token
    return issued.record.user


def sign_out() -> None:
    user, token = signed_in_user(), _session_token()
    if user is not None and token is not None:
        accounts.logout(user, token)
    _restart_session()


def signed_in_user() -> User | None:
    """The user of this request's session, or None (no, expired or revoked token)."""
    if "web_user" not in g:
        token = _session_token()
        g.web_user = token.user if token is not None else None
    return g.web_user


def current_staff() -> User:
    """The signed-in user, in a view behind login_required."""
    user = signed_in_user()
    if user is None:
        raise RuntimeError("current_staff() outside a login_required view")
    return user


def login_required(*roles: Role) -> Callable:
    """Pages for signed-in staff: others go to the login page, wrong roles get the 403 page."""
    allowed = frozenset(roles or Role)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = signed_in_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            # An admin's one-time password: nothing but the password page until it is changed.
            if user.must_change_password and request.endpoint not in PASSWORD_PAGES:
                return redirect(url_for("auth.password", next=request.full_path.rstrip("?")))
            if user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def current_session_token() -> ApiToken | None:
    """The token behind this request's session, for services that act on the caller's own."""
    return _session_token()


def safe_next(target: str | None) -> str | None:
    """A local path to return to after signing in; anything pointing elsewhere is dropped."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _restart_session() -> None:
    """A new session at every sign-in and sign-out; only the chosen language survives."""
    lang = session.get(LANG_KEY)
    session.clear()
    if lang:
        session[LANG_KEY] = lang
    g.pop("web_user", None)


def _session_token() -> ApiToken | None:
    secret = session.get(TOKEN_KEY)
    return accounts.token_for(secret) if isinstance(secret, str) and secret else None
