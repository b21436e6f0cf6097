"""Pages for citizens, no sign-in: the front page and its tracking form."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

bp = Blueprint("public", __name__, template_folder="templates")


@bp.get("/")
def index() -> str:
    return render_template("public/index.html")


@bp.get("/track")
def track() -> Response:
    """The front page's form (GET, so it works without a session): on to /t/<number>."""
    number = "".join(request.args.get("number", "").split()).upper()
    if not number:
        return redirect(url_for("public.index"), code=303)
    return redirect(url_for("tracking_page.page", tracking_number=number), code=303)
