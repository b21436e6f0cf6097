"""Security and caching headers on every answer, set here and nowhere else.

A view or blueprint that needs a wider policy sets its own Content-Security-Policy made
with `content_security_policy(...)` (e.g. script_src="'wasm-unsafe-eval'" for the courier
app); what a response already carries is kept.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request

# The strict policy of every HTML page: nothing from elsewhere, no inline code, never framed.
CSP_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}
HSTS = "max-age=31536000; includeSubDomains"
# Public answers a shared cache may keep; everything else under /api/v1/ is personal or a token.
_CACHEABLE_API = ("/api/v1/track/", "/api/v1/openapi.json")


def content_security_policy(**extra_sources: str) -> str:
    """The strict policy, with sources added per directive: script_src="'wasm-unsafe-eval'"."""
    directives = dict(CSP_DIRECTIVES)
    for name, sources in extra_sources.items():
        directive = name.replace("_", "-")
        directives[directive] = f"{directives.get(directive, '')} {sources}".strip()
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


def register_headers(app: Flask) -> None:
    app.config.setdefault("CONTENT_SECURITY_POLICY", content_security_policy())
    app.after_request(_secure)


def _secure(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    else:  # frame protection for browsers that honour only CSP
        headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
    if request.path.startswith("/api/v1/") and not request.path.startswith(_CACHEABLE_API):
        headers["Cache-Control"] = "no-store"
    if current_app.config["HCC_ENV"] == "production":
        headers["Strict-Transport-Security"] = HSTS
    return response
