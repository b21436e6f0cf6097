from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.replica import reads_from_replica
from app.tracking import schemas, services
from app.tracking.allowance import rate_limited

blp = Blueprint("tracking", __name__, url_prefix="/api/v1/track", description="Public tracking")

PROBLEM = {"$ref": "#/components/responses/Problem"}


@blp.route("/<tracking_number>")
class Track(MethodView):
    @rate_limited
    @blp.response(200, schemas.TrackingOut)
    @blp.doc(responses={"404": PROBLEM, "429": PROBLEM})
    @reads_from_replica
    def get(self, tracking_number: str) -> Response:
        """Track an item by its number, without signing in: status and steps in Vietnamese, with
        office names; never phone numbers, ID numbers, addresses or documents. An unknown or
        malformed number answers the same 404. Limited per client address (429, Retry-After);
        the answer reflects every committed event at once."""
        # JSON in the shape of TrackingOut, stored as served by the write path: sent as it is.
        return Response(services.public_json(tracking_number), mimetype="application/json",
                        headers={"Cache-Control": "no-cache"})
