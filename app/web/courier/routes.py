"""The courier app's shell, its web app manifest and its service worker.

The shell needs no session: the app signs in through the JSON API and keeps its token on the
phone. The service worker is served from /courier/ so that its scope covers the app.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.headers import content_security_policy
from app.vocabulary import FailureReason
from app.web.courier.words import app_words
from app.web.i18n import vocabulary_text

bp = Blueprint("courier", __name__, url_prefix="/courier", template_folder="templates")

# The barcode decoder is WebAssembly (zxing-wasm): the app's only relaxation of the policy.
APP_CSP = content_security_policy(script_src="'wasm-unsafe-eval'")
# Failed-delivery reasons a courier records at the door (not_collected is the office's).
DOOR_REASONS = tuple(r for r in FailureReason if r is not FailureReason.not_collected)


@bp.get("/")
def home() -> Response:
    reasons = [(r.value, vocabulary_text(r)) for r in DOOR_REASONS]
    response = current_app.make_response(render_template("courier/app.html", reasons=reasons,
                                                         words=app_words()))
    response.headers["Content-Security-Policy"] = APP_CSP
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    icons = [{"src": url_for("static", filename=f"courier/icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any maskable"} for size in (192, 512)]
    body = {"name": _("HCC Post — Bưu tá"), "short_name": _("Bưu tá"), "lang": "vi",
            "start_url": url_for("courier.home"), "scope": url_for("courier.home"), "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#00539b", "icons": icons}
    return current_app.response_class(current_app.json.dumps(body), mimetype="application/manifest+json")


@bp.get("/sw.js")
def service_worker() -> Response:
    response = send_from_directory(current_app.static_folder or "", "courier/sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
