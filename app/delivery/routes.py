from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.delivery import collection, schemas, services
from app.delivery.collection import Collection
from app.delivery.models import DeliveryProof
from app.extensions import db
from app.idempotency.http import idempotent
from app.orgs.models import Office
from app.shipments.models import Shipment, TrackingEvent

blp = Blueprint("delivery", __name__, url_prefix="/api/v1",
                description="Delivery: proof of delivery, notices, returns to the agency")

DELIVERERS = (Role.courier, Role.clerk, Role.supervisor)
STAFF = (Role.clerk, Role.supervisor)
PROBLEM = {"$ref": "#/components/responses/Problem"}


@blp.route("/shipments/<tracking_number>/delivery")
class Delivery(MethodView):
    @requires(*DELIVERERS)
    @idempotent
    @blp.arguments(schemas.DeliveryIn())
    @blp.response(201, schemas.DeliveryOut)
    def post(self, body: dict, tracking_number: str):
        """Proof of delivery of a result, at the door or the counter. A self-delivery whose ID
        does not match the recorded one is refused (422 id_mismatch) and recorded as a failed
        attempt; a proxy shows an authorisation and their own ID. Accepts an Idempotency-Key."""
        return _delivery(*services.deliver(current_user(), tracking_number, body))


@blp.route("/shipments/<tracking_number>/notice.pdf")
class Notice(MethodView):
    @requires(*DELIVERERS)
    @blp.doc(responses={
        "200": {"description": "The notice (giấy mời) of the latest failed delivery, A6.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        "404": PROBLEM, "422": PROBLEM})
    def get(self, tracking_number: str) -> Response:
        """The failed-delivery notice to leave at the address (TT17 Điều 5)."""
        body = collection.notice_pdf(current_user(), tracking_number)
        return Response(body, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{tracking_number.strip().upper()}-notice.pdf"',
            "Cache-Control": "no-store"})


@blp.route("/returns/due")
class ReturnsDue(MethodView):
    @requires(*STAFF)
    @blp.arguments(schemas.CollectionQuery(), location="query")
    @blp.response(200, schemas.CollectionPage)
    def get(self, args: dict):
        """Items awaiting collection that may go back to the agency now: refused, or two notices
        two working days apart and the date printed on the last one passed (TT17 Điều 5)."""
        items, cursor = collection.returns_due(current_user(), args)
        return {"items": [_collection(c) for c in items], "next_cursor": cursor}


@blp.route("/notices/due")
class NoticesDue(MethodView):
    @requires(*STAFF)
    @blp.arguments(schemas.CollectionQuery(), location="query")
    @blp.response(200, schemas.CollectionPage)
    def get(self, args: dict):
        """Items awaiting collection whose second notice is due (two working days after the first)."""
        items, cursor = collection.notices_due(current_user(), args)
        return {"items": [_collection(c) for c in items], "next_cursor": cursor}


def _delivery(shipment: Shipment, event: TrackingEvent, proof: DeliveryProof) -> dict:
    return {
        "tracking_number": shipment.tracking_number, "status": shipment.status, "event": _event(event),
        "proof": {"recipient_name": proof.recipient_name, "relationship": proof.relationship,
                  "id_type": proof.id_type, "id_last4": proof.id_last4,
                  "authorization_ref": proof.authorization_ref,
                  "signature_bytes": len(proof.signature_png) if proof.signature_png else None,
                  "photo_bytes": len(proof.photo_jpeg) if proof.photo_jpeg else None,
                  "occurred_at": proof.occurred_at, "lat": proof.lat, "lon": proof.lon},
    }


def _event(e: TrackingEvent) -> dict:
    office = db.session.get(Office, e.office_id) if e.office_id else None  # the identity map first
    return {"event": e.event, "upu_code": e.upu_code, "occurred_at": e.occurred_at,
            "recorded_at": e.recorded_at, "office_code": office.code if office else None,
            "reason": e.reason, "note": e.note}


def _collection(c: Collection) -> dict:
    s = c.shipment
    return {"tracking_number": s.tracking_number, "service": s.service, "office_code": s.office.code,
            "agency_code": s.agency.code, "notices": c.notices, "refused": c.refused,
            "second_notice_from": c.second_notice_from, "collect_by": c.collect_by,
            "return_allowed": c.return_allowed}
