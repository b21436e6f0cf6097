"""Network label printers of an office, and one-click printing of a shipment's label."""
from __future__ import annotations

from flask import url_for
from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.printing import schemas, services

blp = ApiBlueprint("printing", __name__, url_prefix="/api/v1",
                   description="Network label printers of an office (raw TCP, ZPL)")

MANAGERS = (Role.admin, Role.supervisor)
READERS = (Role.admin, Role.supervisor, Role.clerk)
PRINTERS = (Role.clerk, Role.supervisor)


@blp.route("/offices/<code>/printers")
class OfficePrinters(MethodView):
    @blp.operation(*READERS, answer=schemas.PrinterList)
    def get(self, code: str):
        """The office's printers, by name (clerks: their own office's only)."""
        return services.list_for_office(current_user(), code)

    @blp.operation(*MANAGERS, body=schemas.PrinterIn, answer=schemas.PrinterOut, status=201)
    def post(self, body: dict, code: str):
        """Register a network label printer at the office (admins; a supervisor at their own
        office). The name is unique within the office."""
        printer = services.register(current_user(), code, **body)
        return printer, 201, {"Location": url_for("printing.Printer", printer_id=printer.id)}


@blp.route("/printers/<id:printer_id>")
class Printer(MethodView):
    @blp.operation(*READERS, answer=schemas.PrinterOut)
    def get(self, printer_id: int):
        """One printer."""
        return services.get(current_user(), printer_id)

    @blp.operation(*MANAGERS, body=schemas.PrinterPatch, answer=schemas.PrinterOut)
    def patch(self, body: dict, printer_id: int):
        """Rename a printer, change its address or port, or switch it off and on."""
        return services.update(current_user(), printer_id, body)

    @blp.operation(*MANAGERS, status=204)
    def delete(self, printer_id: int) -> None:
        """Deactivate a printer: offered to nobody, kept for the record (PATCH active=true
        brings it back)."""
        services.deactivate(current_user(), printer_id)


@blp.route("/shipments/<tracking_number>/print")
class PrintShipment(MethodView):
    @blp.operation(*PRINTERS, body=schemas.PrintIn, answer=schemas.PrintOut)
    @blp.doc(description="Sends the shipment's label (ZPL, UTF-8, exactly what `label.zpl` answers) to "
                         "a printer of the caller's office over raw TCP, and answers once the printer "
                         "has taken every byte. The whole exchange is bounded by a few seconds: a "
                         "printer that does not answer, refuses the connection or cannot be found "
                         "answers 503 with a `printer_*` code and a Vietnamese `detail` for the clerk. "
                         "Nothing about the shipment changes either way; send again, or print the PDF.")
    def post(self, body: dict, tracking_number: str):
        """Print a shipment's label on a network printer, without a print dialog."""
        return services.print_document(current_user(), tracking_number, body["printer_id"], body["document"])
