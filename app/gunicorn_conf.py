"""gunicorn settings for `make run` (gunicorn -c python:app.gunicorn_conf).

gunicorn answers malformed requests itself, before the app sees them, with an HTML page;
here those answers become problem+json like every other error. URLs up to gunicorn's
largest request line reach the app, which refuses those over its own limit with a 414
problem (app/__init__.py MAX_URL_LENGTH).
"""
from __future__ import annotations

import gc
import json
from typing import Any

from gunicorn import util

from app.errors import HTTP_CODES, PROBLEM_MIME, TYPE_BASE

# 8190 is gunicorn's largest bounded value; 0 would mean unlimited (a memory-exhaustion risk).
limit_request_line = 8190
# A bulk upload of 2,000 return shipments is one request (app/pickups/bulk.py): 30 s is too short.
timeout = 120

_DETAILS = {
    400: "The request could not be read as HTTP.",
    414: "The request line is too long.",
    431: "The request headers are too large.",
    500: "An unexpected error occurred; nothing was saved.",
    501: "The transfer coding is not supported.",
}


def problem_bytes(status: int, reason: str) -> bytes:
    """An HTTP/1.1 problem+json answer; the request is not echoed (it may be anything)."""
    code = HTTP_CODES.get(status, "http_error")
    body = json.dumps({"type": TYPE_BASE + code, "title": reason,
                       "status": status, "detail": _DETAILS.get(status, reason), "code": code}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: {PROBLEM_MIME}\r\nContent-Length: {len(body)}\r\n"
            "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n")
    return head.encode("latin-1") + body


def _write_problem(sock: Any, status_int: int, reason: str, _mesg: str) -> None:
    util.write_nonblock(sock, problem_bytes(status_int, reason))


def post_worker_init(_worker: Any) -> None:
    # The workers' error path calls gunicorn.util.write_error; there is no setting for its format.
    util.write_error = _write_problem
    # The app is loaded and lives as long as the worker: its modules, mappers, schemas and
    # compiled statements are moved out of the collector's reach, so a full collection walks
    # only what requests made (it walked all of it: ~11 ms of a 500-scan batch's CPU, measured).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
