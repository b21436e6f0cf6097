from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.files import file_doc, file_response
from app.handovers import schemas, services

blp = ApiBlueprint("handovers", __name__, url_prefix="/api/v1/handovers",
                description="Handover records (Biên bản giao nhận hồ sơ)")


@blp.route("")
class Handovers(MethodView):
    @blp.operation(*services.POST_STAFF, body=schemas.HandoverIn(), answer=schemas.HandoverOut, status=201,
                   idempotent=True)
    def post(self, body: dict):
        """Record a signed handover. To the agency, each dossier becomes `delivered` at `signed_at`;
        from the agency, each result becomes `accepted`. Accepts an Idempotency-Key header."""
        record = services.create_record(current_user(), body)
        return record, 201, {"Location": url_for("handovers.Handover", record_id=record.id)}


@blp.route("/<id:record_id>")
class Handover(MethodView):
    @blp.operation(*services.POST_STAFF, Role.agency, Role.admin, answer=schemas.HandoverOut)
    def get(self, record_id: int):
        """One handover record with its lines."""
        return services.get_record(current_user(), record_id)


@blp.route("/<id:record_id>.pdf")
class HandoverPdf(MethodView):
    @blp.operation(*services.POST_STAFF, Role.agency, Role.admin)
    @blp.doc(**file_doc("The PDF."))
    def get(self, record_id: int) -> Response:
        """The printed record (A4, `handover` template), every line, both signatories."""
        body = services.record_pdf(current_user(), record_id)
        return file_response(body, f"BBGN-{record_id:06d}.pdf")
