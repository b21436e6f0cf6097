from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.errors import ValidationFailed
from app.idempotency.http import idempotent
from app.pickups import bulk, schemas, services
from app.shipments import presenters

blp = Blueprint("pickups", __name__, url_prefix="/api/v1/pickups", description="Agency pickup requests")

REQUESTERS = (Role.agency, Role.clerk, Role.supervisor)
CSV_UPLOAD_PATH = "/api/v1/pickups/returns.csv"  # the one non-JSON body (app/__init__.py)


@blp.route("")
class Pickups(MethodView):
    @requires(*REQUESTERS)
    @idempotent
    @blp.arguments(schemas.PickupIn())
    @blp.response(201, schemas.PickupOut)
    def post(self, body: dict):
        """Request a pickup of results. Accepts an Idempotency-Key header."""
        pickup = services.request_pickup(current_user(), body)
        return pickup, 201, {"Location": url_for("pickups.Pickup", pickup_id=pickup.id)}

    @requires()
    @blp.arguments(schemas.PickupQuery(), location="query")
    @blp.response(200, schemas.PickupPage)
    def get(self, args: dict):
        """Pickups the caller may see, newest first."""
        items, cursor = services.search(current_user(), args)
        return {"items": items, "next_cursor": cursor}


@blp.route("/<int:pickup_id>")
class Pickup(MethodView):
    @requires()
    @blp.response(200, schemas.PickupOut)
    def get(self, pickup_id: int):
        """One pickup."""
        return services.get_pickup(current_user(), pickup_id)


@blp.route("/<int:pickup_id>/assign")
class Assign(MethodView):
    @requires(Role.supervisor)
    @blp.arguments(schemas.AssignIn())
    @blp.response(200, schemas.PickupOut)
    def post(self, body: dict, pickup_id: int):
        """Assign (or reassign) a courier."""
        return services.assign(current_user(), pickup_id, body["courier"])


@blp.route("/<int:pickup_id>/complete")
class Complete(MethodView):
    @requires(Role.courier, Role.supervisor)
    @blp.arguments(schemas.CompleteIn())
    @blp.response(200, schemas.PickupOut)
    def post(self, body: dict, pickup_id: int):
        """Complete with the items scanned: each is `accepted`, and a handover record is signed."""
        return services.complete(current_user(), pickup_id, body)


@blp.route("/<int:pickup_id>/cancel")
class Cancel(MethodView):
    @requires(*REQUESTERS)
    @blp.response(200, schemas.PickupOut)
    def post(self, pickup_id: int):
        """Cancel a pickup not yet completed."""
        return services.cancel(current_user(), pickup_id)


@blp.route("/returns")
class Returns(MethodView):
    @requires(*REQUESTERS)
    @idempotent
    @blp.arguments(schemas.ReturnsIn())
    @blp.response(201, schemas.ReturnsOut)
    def post(self, body: dict):
        """Create return shipments in bulk; all or nothing, each bad row's errors under `rows.<n>`."""
        created = bulk.create_returns(current_user(), body["agency_code"], body["shipments"])
        return {"created": len(created), "shipments": [presenters.shipment_summary(s) for s in created]}


@blp.route("/returns.csv")
class ReturnsCsv(MethodView):
    @requires(*REQUESTERS)
    @idempotent
    @blp.doc(requestBody={"content": {"application/json": {"schema": {"type": "object", "required": ["csv"],
                                                                       "properties": {"csv": {"type": "string"}}}},
                                      "text/csv": {"schema": {"type": "string"}},
                                      "multipart/form-data": {"schema": {"type": "object", "properties": {
                                          "file": {"type": "string", "format": "binary"}}}}}})
    @blp.response(201, schemas.ReturnsOut)
    def post(self):
        """Create return shipments from a CSV (text/csv body, multipart field `file`, or JSON {"csv": text});
        all or nothing.
        Columns: dossier_code, procedure, recipient_name, recipient_phone, recipient_id_number,
        address_line, unit_code, document, original, count, weight_g, collect_fee_vnd,
        beneficiary_category, beneficiary_certificate. Query `agency_code` for staff."""
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None:
                raise ValidationFailed("file", "Send the CSV in the field `file`.", code="invalid_csv")
            raw = upload.read()
        elif request.is_json:
            sent = request.get_json(silent=True)
            text = sent.get("csv") if isinstance(sent, dict) else None
            if not isinstance(text, str):
                raise ValidationFailed("csv", "Send the CSV text in the field `csv`.", code="invalid_csv")
            raw = text.encode()
        else:
            raw = request.get_data()
        rows = bulk.rows_from_csv(raw)
        created = bulk.create_returns(current_user(), request.args.get("agency_code"), rows)
        return {"created": len(created), "shipments": [presenters.shipment_summary(s) for s in created]}
