"""Bearer authentication and role checks for views."""
from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import g, request
from sqlalchemy.orm import joinedload, object_session

from app.accounts.models import ApiToken, Role, User
from app.accounts.services import Caller, caller_for
from app.errors import Forbidden, Unauthorized
from app.extensions import db

BEARER_SCHEME = {"bearerAuth": {"type": "http", "scheme": "bearer",
                                "description": "A session token from POST /api/v1/auth/tokens "
                                               "or an agency API key."}}

ANY_ROLE = tuple(Role)
# All a user holding an admin's one-time password may do until they choose their own.
BEFORE_PASSWORD_CHANGE = frozenset({"accounts.Password", "accounts.Logout", "accounts.Me"})


def current_caller() -> Caller:
    """Who signed this request, as the token check read them: enough for role scoping
    (app.access) without loading the user."""
    return g.caller


def current_user() -> User:
    """The signed-in user, loaded (with their agency) the first time a view asks, in the session
    it reads with (app.replica's, or again in the primary's when a replica read is retried)."""
    user = g.get("user")
    if user is None or object_session(user) is not db.current():
        user = db.session.get(User, g.caller.id, options=[joinedload(User.agency)])
        if user is None:  # removed since the check: as if the token had been revoked
            raise Unauthorized("The token is unknown, expired or revoked.", code="invalid_token")
        g.user = user
    return user


def current_token() -> ApiToken:
    """The session token or API key this request was signed with."""
    token = db.session.get(ApiToken, g.caller.token_id)
    if token is None:
        raise Unauthorized("The token is unknown, expired or revoked.", code="invalid_token")
    return token


def authenticate() -> Caller:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("Send 'Authorization: Bearer <token>'.", code="missing_token")
    caller = caller_for(secret.strip())
    if caller is None:
        raise Unauthorized("The token is unknown, expired or revoked.", code="invalid_token")
    if caller.must_change_password and request.endpoint not in BEFORE_PASSWORD_CHANGE:
        raise Forbidden("Change the one-time password first: POST /api/v1/auth/password.",
                        code="password_change_required")
    return caller


def requires(*roles: Role) -> Callable:
    """Only callers with one of `roles` pass; documents the bearer scheme in OpenAPI."""
    allowed = frozenset(roles or ANY_ROLE)

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = authenticate()
            if caller.role not in allowed:
                raise Forbidden(f"The {caller.role.value} role may not do this.",
                                code="role_forbidden")
            g.caller = caller
            return func(*args, **kwargs)

        wrapper.required_roles = allowed  # type: ignore[attr-defined]  # read by the body check
        wrapper._apidoc = deepcopy(getattr(func, "_apidoc", {}))  # type: ignore[attr-defined]
        manual = wrapper._apidoc.setdefault("manual_doc", {})  # type: ignore[attr-defined]
        manual["security"] = [{"bearerAuth": []}]
        names = ", ".join(sorted(r.value for r in allowed))
        manual.setdefault("description", "")
        manual["description"] = (manual["description"] + f"\n\nRoles: {names}.").strip()
        responses = manual.setdefault("responses", {})
        responses.setdefault("401", {"$ref": "#/components/responses/Problem"})
        responses.setdefault("403", {"$ref": "#/components/responses/Problem"})
        return wrapper

    return decorator
