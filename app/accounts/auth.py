"""Bearer authentication and role checks for views."""
from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import g, request

from app.accounts.models import ApiToken, Role, User
from app.accounts.services import token_for
from app.errors import Forbidden, Unauthorized

BEARER_SCHEME = {"bearerAuth": {"type": "http", "scheme": "bearer",
                                "description": "A session token from POST /api/v1/auth/tokens "
                                               "or an agency API key."}}

ANY_ROLE = tuple(Role)
# All a user holding an admin's one-time password may do until they choose their own.
BEFORE_PASSWORD_CHANGE = frozenset({"accounts.Password", "accounts.Logout", "accounts.Me"})


def current_user() -> User:
    return g.user


def current_token() -> ApiToken:
    """The session token or API key this request was signed with."""
    return g.token


def authenticate() -> ApiToken:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("Send 'Authorization: Bearer <token>'.", code="missing_token")
    token = token_for(secret.strip())
    if token is None:
        raise Unauthorized("The token is unknown, expired or revoked.", code="invalid_token")
    if token.user.must_change_password and request.endpoint not in BEFORE_PASSWORD_CHANGE:
        raise Forbidden("Change the one-time password first: POST /api/v1/auth/password.",
                        code="password_change_required")
    return token


def requires(*roles: Role) -> Callable:
    """Only callers with one of `roles` pass; documents the bearer scheme in OpenAPI."""
    allowed = frozenset(roles or ANY_ROLE)

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = authenticate()
            if token.user.role not in allowed:
                raise Forbidden(f"The {token.user.role.value} role may not do this.",
                                code="role_forbidden")
            g.user, g.token = token.user, token
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
