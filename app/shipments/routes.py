from __future__ import annotations

from flask import jsonify, url_for
from flask.views import MethodView

from app.accounts.auth import current_caller, current_user
from app.accounts.models import Role, TokenKind
from app.api import ApiBlueprint
from app.replica import reads_from_replica_when
from app.shipments import reads, schemas, services

blp = ApiBlueprint("shipments", __name__, url_prefix="/api/v1/shipments",
                description="The shipment registry")

CREATORS = (Role.clerk, Role.supervisor, Role.agency)


def _agency_caller() -> bool:
    """Agencies' lists (officers and their systems' API keys) may be read on a replica."""
    caller = current_caller()
    return caller.role is Role.agency or caller.token_kind is TokenKind.api_key


@blp.route("")
class Shipments(MethodView):
    @blp.operation(*CREATORS, body=schemas.ShipmentIn(), answer=schemas.ShipmentOut, status=201,
                   idempotent=True)
    def post(self, body: dict):
        """Create a shipment for a dossier. Accepts an Idempotency-Key header."""
        shipment = services.create(current_user(), body)
        location = url_for("shipments.Shipment", tracking_number=shipment.tracking_number)
        return shipment, 201, {"Location": location}

    @blp.operation(query=schemas.ShipmentQuery(), answer=schemas.ShipmentPage)
    @reads_from_replica_when(_agency_caller)
    def get(self, args: dict):
        """Search the shipments the caller may see, newest first, with a keyset cursor."""
        page = services.search(current_caller(), args)
        # The dump of schemas.ShipmentPage, made directly (app.shipments.reads).
        return jsonify({"items": [reads.summary(s) for s in page.items], "next_cursor": page.next_cursor})


@blp.route("/<tracking_number>")
class Shipment(MethodView):
    @blp.operation(answer=schemas.ShipmentOut)
    def get(self, tracking_number: str):
        """One shipment with its events. Admins read it without phone numbers, address lines
        or ID digits."""
        number = services.normalise_tracking_number(tracking_number)
        # The dump of schemas.ShipmentOut, made directly (app.shipments.reads).
        return jsonify(reads.shipment_answer(current_caller(), number))


@blp.route("/<tracking_number>/cancel")
class Cancel(MethodView):
    @blp.operation(*CREATORS, body=schemas.CancelIn(), answer=schemas.ShipmentOut)
    def post(self, body: dict, tracking_number: str):
        """Cancel a shipment that has not been accepted yet."""
        return services.cancel_shipment(current_user(), tracking_number, body["reason"])
