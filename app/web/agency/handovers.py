"""The agency's handover records (biên bản giao nhận), newest first, each with its printed
PDF: the same document the API serves, read here with the session cookie."""
from __future__ import annotations

from flask import render_template
from werkzeug.wrappers import Response

from app.files import file_response
from app.handovers import services as handovers
from app.handovers.models import Direction
from app.web.agency.routes import bp, page_args
from app.web.session import current_staff


@bp.get("/handovers", endpoint="handovers")
def handovers_page() -> str:
    page = handovers.list_records(current_staff(), page_args())
    return render_template("agency/handovers.html", page=page, direction=Direction)


@bp.get("/handovers/<int:record_id>.pdf")
def handover_pdf(record_id: int) -> Response:
    """Another agency's record is a page not found (the service's NotFound)."""
    return file_response(handovers.record_pdf(current_staff(), record_id), f"BBGN-{record_id:06d}.pdf")
