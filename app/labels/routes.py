"""Printing: labels, the dossier sending slip, and many labels in one PDF."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.labels import cli, schemas, services

blp = Blueprint("labels", __name__, url_prefix="/api/v1", description="Printed documents (PDF)")
blp.cli.add_command(cli.preview)
blp.cli.add_command(cli.check)

PRINTERS = (Role.clerk, Role.supervisor, Role.agency)
PROBLEM = {"$ref": "#/components/responses/Problem"}
PDF_DOC = {"responses": {
    "200": {"description": "The PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
    "404": PROBLEM, "422": PROBLEM,
}}


def _pdf(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"',
        # Labels carry names, phones and addresses: no shared caches.
        "Cache-Control": "no-store",
    })


@blp.route("/shipments/<tracking_number>/label.pdf")
class Label(MethodView):
    @requires(*PRINTERS)
    @blp.doc(**PDF_DOC)
    @blp.arguments(schemas.LabelQuery, location="query")
    def get(self, args: dict, tracking_number: str) -> Response:
        """A shipment's label: `a6` for 100 × 150 mm thermal labels, `a4x4` for four per A4."""
        body = services.label_pdf(current_user(), tracking_number, args["template"])
        return _pdf(body, f"{tracking_number.strip().upper()}-{args['template']}.pdf")


@blp.route("/shipments/<tracking_number>/label.zpl")
class LabelZpl(MethodView):
    @requires(*PRINTERS)
    @blp.doc(responses={
        "200": {"description": "ZPL II for a 203 dpi Zebra-type printer (UTF-8, ^CI28).",
                "content": {"text/plain": {"schema": {"type": "string"}}}},
        "404": PROBLEM, "422": PROBLEM})
    @blp.arguments(schemas.ZplQuery, location="query")
    def get(self, args: dict, tracking_number: str) -> Response:
        """A shipment's label as ZPL, from label_templates/<template>.zpl (`a6`)."""
        body = services.label_zpl(current_user(), tracking_number, args["template"])
        filename = f"{tracking_number.strip().upper()}-{args['template']}.zpl"
        return Response(body, mimetype="text/plain", headers={
            "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@blp.route("/shipments/<tracking_number>/slip.pdf")
class Slip(MethodView):
    @requires(*PRINTERS)
    @blp.doc(**PDF_DOC)
    def get(self, tracking_number: str) -> Response:
        """The A5 dossier sending slip (Phiếu gửi hồ sơ) for the citizen and the clerk to sign."""
        body = services.slip_pdf(current_user(), tracking_number)
        return _pdf(body, f"{tracking_number.strip().upper()}-slip.pdf")


@blp.route("/labels")
class Labels(MethodView):
    @requires(*PRINTERS)
    @blp.doc(description="Numbers the caller may not see (or that do not exist) answer one 404 naming "
                         "them all in `errors.tracking_numbers`, before anything is drawn. A repeated "
                         "number prints again. Malformed numbers, an empty list, more than 1,000 "
                         "numbers or an unknown template answer 422.", **PDF_DOC)
    @blp.arguments(schemas.LabelsIn)
    def post(self, body: dict) -> Response:
        """Up to 1,000 labels in one PDF, in the order given."""
        pdf = services.labels_pdf(current_user(), body["tracking_numbers"], body["template"])
        return _pdf(pdf, f"labels-{len(body['tracking_numbers'])}-{body['template']}.pdf")
