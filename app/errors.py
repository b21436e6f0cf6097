"""Domain exceptions and their mapping to RFC 9457 problem+json, in one place."""
from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Request, Response, json
from werkzeug.exceptions import HTTPException

from app.text import unstorable, unstorable_path

log = logging.getLogger(__name__)

PROBLEM_MIME = "application/problem+json"
TYPE_BASE = "https://hcc-post.example/problems/"


class DomainError(Exception):
    """A refusal the client can act on. Subclasses set status and code."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None,
                 errors: dict[str, list[str]] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.errors = errors
        self.extra = extra


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    title = "Validation failed"

    def __init__(self, field: str, message: str, *, code: str | None = None) -> None:
        super().__init__(f"{field}: {message}", code=code, errors={field: [message]})


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Unavailable(DomainError):
    status = 503
    code = "unavailable"
    title = "Service unavailable"


def problem(status: int, title: str, detail: str, code: str,
            errors: dict[str, list[str]] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIME)
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="hcc-post"'
    return resp


def malformed_json() -> Response:
    return problem(400, "Malformed JSON", "The request body is not valid JSON.",
                   "malformed_json", {"_body": ["Invalid JSON body."]})


# JSON escapes that decode to NUL or to half of a surrogate pair.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def unreadable_input(req: Request, *, json_body: bool) -> Response | None:
    """Input the parsers or the database would choke on, refused before any view runs.

    webargs turns only syntax errors into a 400; nesting deeper than the parser's stack
    (RecursionError) and integers too long to convert (ValueError) would escape as 500s,
    and so would strings no database can store (NUL, unpaired surrogates).
    """
    for name, value in [*req.args.items(multi=True), *(req.view_args or {}).items()]:
        if unstorable(f"{name}{value}"):
            return _unstorable_problem(name)
    if not json_body:
        return None
    raw = req.get_data(cache=True)
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return malformed_json()
    path = unstorable_path(value) if _RISKY_ESCAPE.search(raw) else None
    return _unstorable_problem(path) if path else None


def _unstorable_problem(field: str) -> Response:
    message = "NUL characters and unpaired surrogates are not allowed."
    return problem(422, "Validation failed", f"{field}: {message}", "validation_error",
                   {field: [message]})


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"recipient.phone": [...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            # webargs nests everything under the location ("json", "query", ...).
            if not prefix and key in {"json", "query", "querystring", "form", "headers", "files"}:
                sub = flatten_messages(value, "")
                for k, v in sub.items():
                    out.setdefault(k, []).extend(v)
                continue
            # A nested object of the wrong type reports under "_schema": name the object itself.
            name = prefix if key == "_schema" and prefix else f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_messages(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_body"] = list(messages)
    elif isinstance(messages, list):
        for m in messages:
            for k, v in flatten_messages(m, prefix).items():
                out.setdefault(k, []).extend(v)
    else:
        out[prefix or "_body"] = [str(messages)]
    return out


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error",
    429: "too_many_requests",
}


def http_exception_to_problem(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages is not None:
        errors = flatten_messages(messages)
        if status == 400 and "_body" in errors or any("Invalid JSON" in m for ms in errors.values() for m in ms):
            return malformed_json()
        fields = ", ".join(sorted(errors))
        return problem(422, "Validation failed", f"Invalid fields: {fields}",
                       "validation_error", errors)
    detail = exc.description or exc.name
    code = _HTTP_CODES.get(status, "http_error")
    resp = problem(status, exc.name, detail, code)
    for name, value in exc.get_headers():  # e.g. Allow, which a 405 must carry (RFC 9110)
        if name.lower() != "content-type":
            resp.headers[name] = value
    return resp


def register_error_handlers(app: Flask) -> None:
    from app.extensions import db

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        db.session.rollback()
        return problem(exc.status, exc.title, exc.detail, exc.code, exc.errors, **exc.extra)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        db.session.rollback()
        return http_exception_to_problem(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        db.session.rollback()
        return problem(500, "Internal server error",
                       "An unexpected error occurred; nothing was saved.", "internal_error")
