from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.handovers import schemas, services
from app.idempotency.http import idempotent

blp = Blueprint("handovers", __name__, url_prefix="/api/v1/handovers",
                description="Handover records (Biên bản giao nhận hồ sơ)")

PDF_DOC = {"responses": {"200": {"description": "The PDF.", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


@blp.route("")
class Handovers(MethodView):
    @requires(*services.POST_STAFF)
    @idempotent
    @blp.arguments(schemas.HandoverIn())
    @blp.response(201, schemas.HandoverOut)
    def post(self, body: dict):
        """Record a signed handover. To the agency, each dossier becomes `delivered` at `signed_at`;
        from the agency, each result becomes `accepted`. Accepts an Idempotency-Key header."""
        record = services.create_record(current_user(), body)
        return record, 201, {"Location": url_for("handovers.Handover", record_id=record.id)}


@blp.route("/<int:record_id>")
class Handover(MethodView):
    @requires(*services.POST_STAFF, Role.agency, Role.admin)
    @blp.response(200, schemas.HandoverOut)
    def get(self, record_id: int):
        """One handover record with its lines."""
        return services.get_record(current_user(), record_id)


@blp.route("/<int:record_id>.pdf")
class HandoverPdf(MethodView):
    @requires(*services.POST_STAFF, Role.agency, Role.admin)
    @blp.doc(**PDF_DOC)
    def get(self, record_id: int) -> Response:
        """The printed record (A4, `handover` template), every line, both signatories."""
        body = services.record_pdf(current_user(), record_id)
        return Response(body, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="BBGN-{record_id:06d}.pdf"',
            "Cache-Control": "no-store"})
