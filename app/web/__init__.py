"""Server-rendered pages for people (UI.md §1): a blueprint per audience, templates beside them.

Pages call the same services as the JSON API. Every path but the API's and the health checks'
(layout.MACHINE_PATHS) is a page: CSRF checks, the session cookie, Vietnamese (or English)
text and HTML error pages. The API never reads the session cookie: it keeps bearer tokens.
"""
from __future__ import annotations

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from app.web import errors, i18n, layout, session
from app.web.layout import MACHINE_PATHS, is_api_request

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

csrf = CSRFProtect()


def init_web(app: Flask) -> None:
    """Call after the API's error handlers are registered: the HTML pages wrap them."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["HCC_ENV"] == "production",
        # Checked below for pages only: the JSON API authenticates by bearer header, which a
        # browser never attaches on its own, so a cross-site form cannot ride on it.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.session_interface = PagesOnlySessions()
    csrf.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    session.init_app(app)

    from app.web.admin import audit, orgs, policies, printers, tariffs  # noqa: F401  (their pages join the admin blueprint)
    from app.web.admin.routes import bp as admin
    from app.web.agency import handovers, integrations, pickups, report, returns, shipments  # noqa: F401  (their pages join the agency blueprint)
    from app.web.agency.routes import bp as agency
    from app.web.auth.routes import bp as auth
    from app.web.counter import desk, shipment  # noqa: F401  (their pages join the counter blueprint)
    from app.web.counter.routes import bp as counter
    from app.web.courier.routes import bp as courier
    from app.web.public.routes import bp as public
    from app.web.supervisor import assign, dispatch, due, reconciliation, reports  # noqa: F401  (their pages join the supervisor blueprint)
    from app.web.supervisor.routes import bp as supervisor

    for bp in (layout.bp, public, auth, counter, courier, agency, supervisor, admin):
        app.register_blueprint(bp)

    @app.before_request
    def _csrf_on_pages() -> None:
        # A request no view will take gets its 404 or 405, not a CSRF refusal.
        if request.method in UNSAFE_METHODS and not is_api_request() and request.routing_exception is None:
            csrf.protect()


class PagesOnlySessions(SecureCookieSessionInterface):
    """The session cookie is the pages' alone: a request to the API or a health check gets an
    empty session, without the signer being built to read a cookie it must ignore (a tenth of a
    bare request's CPU, on every API call)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(MACHINE_PATHS):
            return self.session_class()
        return super().open_session(app, request)
