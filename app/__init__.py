"""HCC Post: the application factory."""
from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from flask import Flask, Response, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from app.config import INSTANCE_DIR, load_config
from app.routing import body_mimetypes, register_converters, view_mark

log = logging.getLogger(__name__)

JSON_MIMETYPES = ("application/json",)
# Longer URLs get a 414 problem; gunicorn lets them through to here (app/gunicorn_conf.py).
MAX_URL_LENGTH = 4096


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.update(load_config())
    app.config.update(config or {})
    _ensure_secrets(app)
    app.config.update(
        API_TITLE="HCC Post API",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=None,  # served by app.docs with local assets
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from app import clock
    from app.db import import_all_models
    from app.extensions import api, counters, db

    import_all_models()
    app.extensions["hcc.clock"] = config.get("CLOCK_OBJECT") if config and config.get("CLOCK_OBJECT") \
        else clock.clock_from_setting(app.config["CLOCK"])
    db.init_app(app)
    from app.tracking.answers import keep_in_step

    keep_in_step(db.sessions)
    register_converters(app)
    _trust_proxies(app)
    counters.init_app(app)
    api.init_app(app, spec_kwargs=_spec_kwargs())
    _register_blueprints(app, api)

    from app.errors import register_error_handlers
    from app.headers import register_headers

    register_error_handlers(app)
    from app.web import init_web

    init_web(app)  # the pages for people; after the error handlers, which its HTML pages wrap
    register_headers(app)  # first registered, so its after_request runs last, on every answer
    _register_request_hooks(app)

    from app.cli import register_cli

    register_cli(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """The client's address and scheme as TRUSTED_PROXY_HOPS proxies tell them (werkzeug's
    ProxyFix): the tracking limit counts per citizen, not per proxy, and links say https."""
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _spec_kwargs() -> dict[str, Any]:
    from app.accounts.auth import BEARER_SCHEME

    problem_schema = {
        "type": "object",
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "code": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "string"}}},
        },
        "required": ["type", "title", "status", "detail", "code"],
    }
    return {
        "info": {"description": "Carrying administrative-procedure dossiers and their results "
                                "through the public-utility postal service."},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": BEARER_SCHEME,
            "schemas": {"Problem": problem_schema},
            "responses": {"Problem": {"description": "An RFC 9457 problem",
                                      "content": {"application/problem+json": {
                                          "schema": {"$ref": "#/components/schemas/Problem"}}}}},
        },
    }


def _register_blueprints(app: Flask, api: Any) -> None:
    from app.accounts.routes import blp as accounts
    from app.delivery.routes import blp as delivery
    from app.dispatch.routes import blp as dispatch
    from app.docs.routes import bp as docs
    from app.fees.routes import blp as fees
    from app.geo.routes import blp as units
    from app.handovers.routes import blp as handovers
    from app.health.routes import bp as health
    from app.labels.routes import blp as labels
    from app.money.routes import blp as money
    from app.notifications.routes import blp as webhooks
    from app.orgs.routes import blp as orgs
    from app.pickups.routes import blp as pickups
    from app.printing.routes import blp as printing
    from app.reports.routes import blp as reports
    from app.scans.routes import blp as scans
    from app.shipments.routes import blp as shipments
    from app.tracking.page import bp as tracking_page
    from app.tracking.routes import blp as tracking

    for blp in (accounts, units, orgs, shipments, fees, labels, webhooks, scans, delivery, tracking,
                handovers, pickups, money, dispatch, reports, printing):
        api.register_blueprint(blp)
    app.register_blueprint(health)
    app.register_blueprint(docs)
    app.register_blueprint(tracking_page)


def _register_request_hooks(app: Flask) -> None:
    from app.accounts.auth import authenticate
    from app.audit.services import remote_addr
    from app.errors import (
        describe_database_error,
        problem,
        rollback_quietly,
        server_failure,
        unreadable_input,
    )
    from app.extensions import db, sqlite_begin

    @app.before_request
    def _check_request() -> Response | None:
        remote_addr.set(request.remote_addr)
        writes = request.method in ("POST", "PUT", "PATCH", "DELETE")
        sqlite_begin.set("BEGIN IMMEDIATE" if writes else "BEGIN")
        if len(request.environ.get("RAW_URI") or request.full_path) > MAX_URL_LENGTH:
            return problem(414, "URI Too Long", f"URLs are limited to {MAX_URL_LENGTH} characters.",
                           "uri_too_long")
        if request.routing_exception is not None:
            return None  # the 404 or 405 is raised next
        refusal = _check_body()
        if refusal is not None and view_mark(app, request.endpoint, request.method, "required_roles"):
            authenticate()  # anonymous callers learn they must sign in, not what their body lacks
        return refusal

    def _check_body() -> Response | None:
        has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
        json_body = request.method in ("POST", "PUT", "PATCH") and has_body
        if not request.path.startswith("/api/v1/"):
            return None
        if has_body and request.content_length is None:  # chunked
            if "wsgi.input_terminated" not in request.environ:
                # A server that does not end chunked input for us leaves no safe way to read it.
                return problem(411, "Length Required", "Send the body with a Content-Length.",
                               "length_required")
            if len(request.get_data(cache=True)) >= app.config["MAX_CONTENT_LENGTH"]:
                raise RequestEntityTooLarge()  # Werkzeug silently cuts a chunked body at the limit
        if json_body and request.mimetype in body_mimetypes(app, request.endpoint, request.method):
            return unreadable_input(request, json_body=False)
        if json_body and request.mimetype not in JSON_MIMETYPES:
            got = request.mimetype or "none"
            return problem(415, "Unsupported Media Type",
                           "Send the body as application/json.", "unsupported_media_type",
                           {"Content-Type": [f"Expected application/json, got {got}."]})
        return unreadable_input(request, json_body=json_body)

    @app.teardown_request
    def _forget_request(_exc: BaseException | None) -> None:
        # Context variables outlive the request in its thread; later work must not inherit them
        # (a leaked BEGIN IMMEDIATE holds SQLite's write lock for whatever runs next).
        remote_addr.set(None)
        sqlite_begin.set("BEGIN")

    @app.after_request
    def _commit_once(response: Response) -> Response:
        # One commit per request, at the edge; everything before only flushed.
        if not db.in_use():
            return response
        if response.status_code >= 400:
            rollback_quietly()
            return response
        try:
            db.session.commit()
        except IntegrityError as exc:
            rollback_quietly()
            log.warning("commit refused by a constraint: %s", describe_database_error(exc))
            return problem(409, "Conflict", "The change conflicts with existing data; nothing was saved.",
                           "conflict")
        except Exception as exc:
            rollback_quietly()
            return server_failure(exc)
        return response


def _ensure_secrets(app: Flask) -> None:
    """Production must set SECRET_KEY and ID_HASH_KEY; the embedded default keeps its own."""
    missing = [k for k in ("SECRET_KEY", "ID_HASH_KEY") if not app.config.get(k)]
    if not missing:
        return
    if app.config["HCC_ENV"] == "production":
        raise RuntimeError(f"Set {', '.join(missing)} in the environment for production.")
    path = INSTANCE_DIR / "secrets.json"
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    stored = json.loads(path.read_text()) if path.exists() else {}
    for key in missing:
        if key not in stored:
            stored[key] = secrets.token_hex(32)
        app.config[key] = stored[key]
    path.write_text(json.dumps(stored, indent=2))
    path.chmod(0o600)
