"""Notices and returns due on the supervisor's desk (TT17 Điều 5): results waiting for their
recipient whose second notice is due, and those that may go back to the agency; the same lists
as GET /api/v1/notices/due and /api/v1/returns/due, for the office on the desk."""
from __future__ import annotations

from flask import render_template, request
from marshmallow import ValidationError

from app.delivery import collection
from app.delivery.schemas import CollectionQuery
from app.errors import ValidationFailed
from app.orgs.services import list_offices
from app.vocabulary import FailureReason
from app.web.session import current_staff
from app.web.supervisor.routes import bp, chosen_office

PAGE_SIZE = 50
COLLECTION_QUERY = CollectionQuery()


@bp.get("/due")
def due() -> tuple[str, int]:
    office = chosen_office()
    actor = current_staff()
    notices = collection.notices_due(actor, _query(office.code, "notices_cursor"))
    returns = collection.returns_due(actor, _query(office.code, "returns_cursor"))
    return render_template("supervisor/due.html", office=office, offices=list_offices(),
                           notices=notices, returns=returns, refused=FailureReason.refused), 200


def _query(office: str, cursor: str) -> dict:
    """A list's page as the API reads it (a cursor this page did not issue is a 422)."""
    try:
        return COLLECTION_QUERY.load({"limit": PAGE_SIZE, "office": office,
                                      "cursor": request.args.get(cursor) or None})
    except ValidationError as exc:
        raise ValidationFailed(cursor, "Not a cursor this page issued.") from exc


