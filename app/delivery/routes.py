from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.delivery import collection, schemas, services
from app.files import file_doc, file_response

blp = ApiBlueprint("delivery", __name__, url_prefix="/api/v1",
                description="Delivery: proof of delivery, notices, returns to the agency")

DELIVERERS = (Role.courier, Role.clerk, Role.supervisor)
STAFF = (Role.clerk, Role.supervisor)


@blp.route("/shipments/<tracking_number>/delivery")
class Delivery(MethodView):
    @blp.operation(*DELIVERERS, body=schemas.DeliveryIn(), answer=schemas.DeliveryOut, status=201,
                   idempotent=True)
    def post(self, body: dict, tracking_number: str):
        """Proof of delivery of a result, at the door or the counter. A self-delivery whose ID
        does not match the recorded one is refused (422 id_mismatch) and recorded as a failed
        attempt; a proxy shows an authorisation and their own ID. Accepts an Idempotency-Key."""
        return services.deliver(current_user(), tracking_number, body)


@blp.route("/shipments/<tracking_number>/notice.pdf")
class Notice(MethodView):
    @blp.operation(*DELIVERERS)
    @blp.doc(**file_doc("The notice (giấy mời) of the latest failed delivery, A6.", problems=(404, 422)))
    def get(self, tracking_number: str) -> Response:
        """The failed-delivery notice to leave at the address (TT17 Điều 5)."""
        body = collection.notice_pdf(current_user(), tracking_number)
        return file_response(body, f"{tracking_number.strip().upper()}-notice.pdf")


@blp.route("/shipments/<tracking_number>/notice.zpl")
class NoticeZpl(MethodView):
    @blp.operation(*DELIVERERS)
    @blp.doc(**file_doc("The notice of the latest failed delivery as ZPL, A6 at 203 dpi (docs/labels.md).",
                        "text/plain", problems=(404,)))
    def get(self, tracking_number: str) -> Response:
        """The failed-delivery notice for a Zebra-type thermal printer: its text drawn as
        graphics from the PDF's font, so it prints with the printer's factory fonts."""
        body = collection.notice_zpl(current_user(), tracking_number)
        return file_response(body, f"{tracking_number.strip().upper()}-notice.zpl", "text/plain",
                             download=True)


@blp.route("/returns/due")
class ReturnsDue(MethodView):
    @blp.operation(*STAFF, query=schemas.CollectionQuery(), answer=schemas.CollectionPage)
    def get(self, args: dict):
        """Items awaiting collection that may go back to the agency now: refused, or two notices
        two working days apart and the date printed on the last one passed (TT17 Điều 5)."""
        return collection.returns_due(current_user(), args)


@blp.route("/notices/due")
class NoticesDue(MethodView):
    @blp.operation(*STAFF, query=schemas.CollectionQuery(), answer=schemas.CollectionPage)
    def get(self, args: dict):
        """Items awaiting collection whose second notice is due (two working days after the first)."""
        return collection.notices_due(current_user(), args)

