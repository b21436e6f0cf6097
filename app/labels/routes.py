"""Printing: labels, the dossier sending slip, and many labels in one PDF."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.files import file_doc, file_response
from app.labels import cli, schemas, services

blp = ApiBlueprint("labels", __name__, url_prefix="/api/v1", description="Printed documents (PDF)")
blp.cli.add_command(cli.preview)
blp.cli.add_command(cli.check)

PRINTERS = (Role.clerk, Role.supervisor, Role.agency)
# Labels carry names, phones and addresses: app/headers.py keeps them out of caches.
PDF_DOC = file_doc("The PDF.", problems=(404, 422))
ZPL_DOC = file_doc("ZPL II for a 203 dpi Zebra-type printer: text as graphic fields (^GF), barcodes "
                   "native (^BC, ^BQ); no printer font needed. One ^XA..^XZ per label.", "text/plain",
                   problems=(404, 422))


@blp.route("/shipments/<tracking_number>/label.pdf")
class Label(MethodView):
    @blp.operation(*PRINTERS, query=schemas.LabelQuery)
    @blp.doc(**PDF_DOC)
    def get(self, args: dict, tracking_number: str) -> Response:
        """A shipment's label: `a6` for 100 × 150 mm thermal labels, `a4x4` for four per A4."""
        body = services.label_pdf(current_user(), tracking_number, args["template"])
        return file_response(body, f"{tracking_number.strip().upper()}-{args['template']}.pdf")


@blp.route("/shipments/<tracking_number>/label.zpl")
class LabelZpl(MethodView):
    @blp.operation(*PRINTERS, query=schemas.ZplQuery)
    @blp.doc(**ZPL_DOC)
    def get(self, args: dict, tracking_number: str) -> Response:
        """A shipment's label as ZPL, from the same template as its PDF (`a6`)."""
        body = services.label_zpl(current_user(), tracking_number, args["template"])
        filename = f"{tracking_number.strip().upper()}-{args['template']}.zpl"
        return file_response(body, filename, "text/plain", download=True)


@blp.route("/shipments/<tracking_number>/slip.pdf")
class Slip(MethodView):
    @blp.operation(*PRINTERS)
    @blp.doc(**PDF_DOC)
    def get(self, tracking_number: str) -> Response:
        """The A5 dossier sending slip (Phiếu gửi hồ sơ) for the citizen and the clerk to sign."""
        body = services.slip_pdf(current_user(), tracking_number)
        return file_response(body, f"{tracking_number.strip().upper()}-slip.pdf")


@blp.route("/labels")
class Labels(MethodView):
    @blp.operation(*PRINTERS, body=schemas.LabelsIn)
    @blp.doc(description="Numbers the caller may not see (or that do not exist) answer one 404 naming "
                         "them all in `errors.tracking_numbers`, before anything is drawn. A repeated "
                         "number prints again. Malformed numbers, an empty list, more than 1,000 "
                         "numbers or an unknown template answer 422.", **PDF_DOC)
    def post(self, body: dict) -> Response:
        """Up to 1,000 labels in one PDF, in the order given."""
        pdf = services.labels_pdf(current_user(), body["tracking_numbers"], body["template"])
        return file_response(pdf, f"labels-{len(body['tracking_numbers'])}-{body['template']}.pdf")


@blp.route("/labels.zpl")
class LabelsZpl(MethodView):
    @blp.operation(*PRINTERS, body=schemas.ZplLabelsIn)
    @blp.doc(description="Checked as `POST /labels` is (one 404 naming every number the caller may "
                         "not see, 422 for a bad body or a sheet template) before anything is drawn.",
             **ZPL_DOC)
    def post(self, body: dict) -> Response:
        """Up to 1,000 labels as one ZPL stream for a thermal printer, in the order given."""
        numbers = body["tracking_numbers"]
        text = services.labels_zpl(current_user(), numbers, body["template"])
        return file_response(text, f"labels-{len(numbers)}-{body['template']}.zpl", "text/plain",
                             download=True)
