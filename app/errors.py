"""Domain exceptions and their mapping to RFC 9457 problem+json, in one place."""
from __future__ import annotations

import logging
import re
import traceback
from typing import Any

from flask import Flask, Request, Response, json
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.text import unstorable, unstorable_path

log = logging.getLogger(__name__)

PROBLEM_MIME = "application/problem+json"
TYPE_BASE = "https://hcc-post.example/problems/"


class DomainError(Exception):
    """A refusal the client can act on. A subclass names its problem in its class line:
    `class NotFound(DomainError, status=404, code="not_found", title="Not found")`."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init_subclass__(cls, *, status: int = 0, code: str = "", title: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.status = status or cls.status
        cls.code = code or cls.code
        cls.title = title or cls.title

    def __init__(self, detail: str, *, code: str | None = None,
                 errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class ValidationFailed(DomainError, status=422, code="validation_error", title="Validation failed"):
    """One field's value is refused; `errors` names it."""

    def __init__(self, field: str, message: str, *, code: str | None = None) -> None:
        super().__init__(f"{field}: {message}", code=code, errors={field: [message]})


class Unauthorized(DomainError, status=401, code="unauthorized", title="Authentication required"):
    """No valid credentials came with the request, or they are no longer good."""


class Forbidden(DomainError, status=403, code="forbidden", title="Forbidden"):
    """The caller is known, but this is not theirs to see or do."""


class NotFound(DomainError, status=404, code="not_found", title="Not found"):
    """Nothing by that name, or nothing the caller may know of."""


class Conflict(DomainError, status=409, code="conflict", title="Conflict"):
    """What is stored already refuses it (a state, a uniqueness, a limit)."""


class Unavailable(DomainError, status=503, code="unavailable", title="Service unavailable"):
    """The service cannot do it now; the client may try again later."""


class DatabaseUnavailable(Unavailable, code="database_unavailable"):
    """The database cannot be reached; whatever the request did was rolled back."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self) -> None:
        super().__init__("The database is not reachable; nothing was saved. Try again shortly.",
                         headers={"Retry-After": str(self.RETRY_AFTER_SECONDS)})


# Connection exceptions (08), shutdown or not yet accepting (57P0x), too many connections.
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
# SQLite's busy, I/O error and cannot-open primary result codes.
_UNREACHABLE_SQLITE_CODES = {5, 10, 14}


def database_unreachable(exc: BaseException) -> bool:
    """A failure to reach the database (not a refused statement): the client may retry."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    if exc.connection_invalidated:
        return True
    sqlite_code = getattr(exc.orig, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in _UNREACHABLE_SQLITE_CODES
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_UNREACHABLE_SQLSTATES)


def describe_database_error(exc: DBAPIError) -> str:
    """What operators need, without values: driver messages may quote them (DETAIL: Key ...)."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    parts = [f"{type(exc).__name__}/{type(orig).__name__}",
             f"sqlstate={getattr(orig, 'sqlstate', None) or getattr(orig, 'sqlite_errorname', None)}"]
    if diag is not None and diag.constraint_name:
        parts.append(f"constraint={diag.constraint_name}")
    if diag is None and orig is not None:  # SQLite names the constraint, never the values
        parts.append(str(orig))
    parts.append(f"statement={exc.statement}")
    return " ".join(parts)


def problem(status: int, title: str, detail: str, code: str,
            errors: dict[str, list[str]] | None = None, *,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
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
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIME,
                    headers=headers)
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
            if not prefix and key in {"json", "query", "querystring", "form", "headers", "files", "upload"}:
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


HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 411: "length_required",
    413: "payload_too_large", 414: "uri_too_long", 415: "unsupported_media_type",
    417: "expectation_failed", 422: "validation_error", 429: "too_many_requests",
    431: "request_header_fields_too_large", 500: "internal_error", 501: "not_implemented",
}


def http_exception_to_problem(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages is not None:
        errors = flatten_messages(messages)
        unparsed = any("Invalid JSON" in m for ms in errors.values() for m in ms)
        if (status == 400 and "_body" in errors) or unparsed:
            return malformed_json()
        fields = ", ".join(sorted(errors))
        return problem(422, "Validation failed", f"Invalid fields: {fields}",
                       "validation_error", errors)
    detail = exc.description or exc.name
    code = HTTP_CODES.get(status, "http_error")
    resp = problem(status, exc.name, detail, code)
    for name, value in exc.get_headers():  # e.g. Allow, which a 405 must carry (RFC 9110)
        if name.lower() != "content-type":
            resp.headers[name] = value
    return resp


def domain_problem(exc: DomainError) -> Response:
    return problem(exc.status, exc.title, exc.detail, exc.code, exc.errors,
                   headers=exc.headers, **exc.extra)


def internal_error() -> Response:
    return problem(500, "Internal server error",
                   "An unexpected error occurred; nothing was saved.", "internal_error")


def server_failure(exc: BaseException) -> Response:
    """503 when the database is out of reach, else a logged 500; values a database driver
    quotes in its messages never reach the log."""
    if database_unreachable(exc):
        log.warning("database unreachable: %s", getattr(exc, "orig", None) or type(exc).__name__)
        return domain_problem(DatabaseUnavailable())
    if isinstance(exc, DBAPIError):
        stack = "".join(traceback.format_tb(exc.__traceback__))
        log.error("unhandled database error: %s\n%s", describe_database_error(exc), stack)
    else:
        log.error("unhandled error", exc_info=exc)
    return internal_error()


def rollback_quietly() -> None:
    """Roll the request's transaction back; a connection already lost has nothing to undo."""
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:
        db.session.close()  # the server rolls back a transaction whose connection is gone


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Response:
        rollback_quietly()
        return domain_problem(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        rollback_quietly()
        return http_exception_to_problem(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        rollback_quietly()
        return server_failure(exc)
