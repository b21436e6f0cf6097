from __future__ import annotations

from typing import Any, ClassVar

from flask import Request, url_for
from flask.views import MethodView
from marshmallow import Schema
from webargs.flaskparser import FlaskParser

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.pickups import bulk, schemas, services
from app.routing import accepts

CSV_TYPES = ("text/csv", "multipart/form-data")


class UploadParser(FlaskParser):
    """Adds the location `upload`: {"csv": ...} from a text/csv body, the multipart field
    `file`, or a JSON object."""

    def load_upload(self, req: Request, schema: Schema) -> Any:
        if req.mimetype == "multipart/form-data":
            upload = req.files.get("file")
            return {"csv": upload.read()} if upload else {}
        if req.mimetype == "text/csv":
            return {"csv": req.get_data()}
        return self.load_json(req, schema)


UploadParser.__location_map__ = {**FlaskParser.__location_map__, "upload": "load_upload"}


class PickupsBlueprint(ApiBlueprint):
    ARGUMENTS_PARSER = UploadParser()
    # Documented as its JSON form; the other two are added by the route's doc.
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING: ClassVar[dict[str, str]] = {
        **ApiBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "upload": "application/json"}


blp = PickupsBlueprint("pickups", __name__, url_prefix="/api/v1/pickups",
                       description="Agency pickup requests")

REQUESTERS = (Role.agency, Role.clerk, Role.supervisor)


@blp.route("")
class Pickups(MethodView):
    @blp.operation(*REQUESTERS, body=schemas.PickupIn(), answer=schemas.PickupOut, status=201,
                   idempotent=True)
    def post(self, body: dict):
        """Request a pickup of results. Accepts an Idempotency-Key header."""
        pickup = services.request_pickup(current_user(), body)
        return pickup, 201, {"Location": url_for("pickups.Pickup", pickup_id=pickup.id)}

    @blp.operation(query=schemas.PickupQuery(), answer=schemas.PickupPage)
    def get(self, args: dict):
        """Pickups the caller may see, newest first."""
        return services.search(current_user(), args)


@blp.route("/<id:pickup_id>")
class Pickup(MethodView):
    @blp.operation(answer=schemas.PickupOut)
    def get(self, pickup_id: int):
        """One pickup."""
        return services.get_pickup(current_user(), pickup_id)


@blp.route("/<id:pickup_id>/assign")
class Assign(MethodView):
    @blp.operation(Role.supervisor, body=schemas.AssignIn(), answer=schemas.PickupOut)
    def post(self, body: dict, pickup_id: int):
        """Assign (or reassign) a courier."""
        return services.assign(current_user(), pickup_id, body["courier"])


@blp.route("/<id:pickup_id>/complete")
class Complete(MethodView):
    @blp.operation(Role.courier, Role.supervisor, body=schemas.CompleteIn(), answer=schemas.PickupOut,
                   idempotent=True)
    def post(self, body: dict, pickup_id: int):
        """Complete with the items scanned: each is `accepted`, and a handover record is signed."""
        return services.complete(current_user(), pickup_id, body)


@blp.route("/<id:pickup_id>/cancel")
class Cancel(MethodView):
    @blp.operation(*REQUESTERS, answer=schemas.PickupOut)
    def post(self, pickup_id: int):
        """Cancel a pickup not yet completed."""
        return services.cancel(current_user(), pickup_id)


@blp.route("/returns")
class Returns(MethodView):
    @blp.operation(*REQUESTERS, body=schemas.ReturnsIn(), answer=schemas.ReturnsOut, status=201,
                   idempotent=True)
    def post(self, body: dict):
        """Create return shipments in bulk; all or nothing, each bad row's errors under `rows.<n>`."""
        return bulk.create_returns(current_user(), body["agency_code"], body["shipments"])


@blp.route("/returns.csv")
class ReturnsCsv(MethodView):
    @blp.operation(*REQUESTERS, query=schemas.ReturnsCsvQuery(),
                   body=schemas.ReturnsCsvIn(), location="upload", answer=schemas.ReturnsOut, status=201,
                   idempotent=True)
    @accepts(*CSV_TYPES)
    @blp.doc(requestBody={"content": {"text/csv": {"schema": {"type": "string"}},
                                      "multipart/form-data": {"schema": {
                                          "type": "object", "required": ["file"],
                                          "properties": {"file": {"type": "string", "format": "binary"}}}}}})
    def post(self, query: dict, body: dict):
        """Create return shipments from a CSV (text/csv body, multipart field `file`, or JSON {"csv": text});
        all or nothing.
        Columns: dossier_code, procedure, recipient_name, recipient_phone, recipient_id_number,
        address_line, unit_code, document, original, count, weight_g, collect_fee_vnd,
        beneficiary_category, beneficiary_certificate. Query `agency_code` for staff."""
        return bulk.create_returns_from_csv(current_user(), query["agency_code"], body["csv"])
