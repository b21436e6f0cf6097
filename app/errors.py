"""Domain exceptions and their mapping to RFC 9457 problem+json, in one place."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

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
            name = f"{prefix}.{key}" if prefix else str(key)
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
            return problem(400, "Malformed JSON", "The request body is not valid JSON.",
                           "malformed_json", {"_body": ["Invalid JSON body."]})
        fields = ", ".join(sorted(errors))
        return problem(422, "Validation failed", f"Invalid fields: {fields}",
                       "validation_error", errors)
    detail = exc.description or exc.name
    code = _HTTP_CODES.get(status, "http_error")
    return problem(status, exc.name, detail, code)


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
