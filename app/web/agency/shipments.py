"""The agency's shipments: a list with the API's filters and a search box (tracking number,
dossier code or the recipient's name), paged by the API's keyset cursor, and one shipment
with its timeline. An agency sees its own shipments only: another's is a page not found."""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from marshmallow import ValidationError, fields, validate

from app.errors import ValidationFailed
from app.shipments import services as shipments
from app.shipments.models import Service, Status
from app.shipments.schemas import ShipmentQuery
from app.vocabulary import Event, FailureReason
from app.web.agency.routes import PAGE_SIZE, bp
from app.web.forms import field_errors
from app.web.session import current_staff


class PortalQuery(ShipmentQuery):
    """The API's search filters, and what the search box takes."""

    q = fields.String(load_default=None, validate=validate.Length(min=1, max=200))


FILTERS = ("status", "service", "created_from", "created_to", "dossier_code", "q", "cursor")
PORTAL_QUERY = PortalQuery()


@bp.get("/")
def home() -> tuple[str, int]:
    """The list, or (asked by htmx as the filters change) the list alone. Refused filters are
    said beside them; htmx swaps in 2xx answers only, so the list alone answers 200."""
    given = {name: request.args[name].strip() for name in FILTERS if request.args.get(name, "").strip()}
    try:
        query = PORTAL_QUERY.load({**given, "limit": PAGE_SIZE})
        page, errors = shipments.search(current_staff(), query), {}
    except ValidationError as exc:
        page, errors = None, field_errors(exc.messages, given)
    except ValidationFailed as exc:  # a cursor this page did not issue
        page, errors = None, field_errors(exc.errors, given)
    partial = (request.headers.get("HX-Request") == "true"
               and not request.headers.get("HX-History-Restore-Request"))
    template = "agency/_shipment_list.html" if partial else "agency/home.html"
    status = 422 if errors and not partial else 200
    return render_template(template, page=page, errors=errors, filters=given, statuses=tuple(Status),
                           services=tuple(Service), next_args=_next_args(given, page),
                           first_args={k: v for k, v in given.items() if k != "cursor"}), status


@bp.get("/shipments/<tracking_number>")
def shipment(tracking_number: str) -> str:
    actor = current_staff()
    try:
        reading = shipments.read(actor, tracking_number)  # NotFound for another agency's
    except ValidationFailed:
        abort(404)  # not a tracking number: a page that does not exist
    return render_template("agency/shipment.html", s=reading, events=list(reversed(reading.events)),
                           event=Event, reason=FailureReason)


def _next_args(given: dict[str, str], page: Any) -> dict[str, str] | None:
    if page is None or not page.next_cursor:
        return None
    return {**{k: v for k, v in given.items() if k != "cursor"}, "cursor": page.next_cursor}
