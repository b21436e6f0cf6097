from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.extensions import db
from app.idempotency.http import idempotent
from app.orgs.models import Office
from app.shipments import presenters, schemas, services

blp = Blueprint("shipments", __name__, url_prefix="/api/v1/shipments",
                description="The shipment registry")

CREATORS = (Role.clerk, Role.supervisor, Role.agency)


def _detail(shipment):
    events = services.events_of(shipment)
    codes = {shipment.office_id: shipment.office.code}  # where most events happen
    missing = {e.office_id for e in events if e.office_id and e.office_id not in codes}
    if missing:
        codes.update(db.session.execute(select(Office.id, Office.code).where(Office.id.in_(missing))).all())
    return presenters.shipment_detail(shipment, events, codes)


@blp.route("")
class Shipments(MethodView):
    @requires(*CREATORS)
    @idempotent
    @blp.arguments(schemas.ShipmentIn())  # an instance: a class would be built anew per request
    @blp.response(201, schemas.ShipmentOut)
    def post(self, body: dict):
        """Create a shipment for a dossier. Accepts an Idempotency-Key header."""
        shipment = services.create_shipment(current_user(), body)
        location = url_for("shipments.Shipment", tracking_number=shipment.tracking_number)
        return _detail(shipment), 201, {"Location": location}

    @requires()
    @blp.arguments(schemas.ShipmentQuery(), location="query")
    @blp.response(200, schemas.ShipmentPage)
    def get(self, args: dict):
        """Search the shipments the caller may see, newest first, with a keyset cursor."""
        page = services.search(current_user(), args)
        return {"items": [presenters.shipment_summary(s) for s in page.items],
                "next_cursor": page.next_cursor}


@blp.route("/<tracking_number>")
class Shipment(MethodView):
    @requires()
    @blp.response(200, schemas.ShipmentOut)
    def get(self, tracking_number: str):
        """One shipment with its events."""
        return _detail(services.get_visible(current_user(), tracking_number))


@blp.route("/<tracking_number>/cancel")
class Cancel(MethodView):
    @requires(*CREATORS)
    @blp.arguments(schemas.CancelIn())
    @blp.response(200, schemas.ShipmentOut)
    def post(self, body: dict, tracking_number: str):
        """Cancel a shipment that has not been accepted yet."""
        return _detail(services.cancel_shipment(current_user(), tracking_number, body["reason"]))
