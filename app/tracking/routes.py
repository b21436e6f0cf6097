from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.extensions import limiter
from app.replica import reads_from_replica
from app.tracking import schemas, services

blp = Blueprint("tracking", __name__, url_prefix="/api/v1/track", description="Public tracking")

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _per_minute() -> str:
    return f"{current_app.config['TRACKING_RATE_LIMIT_PER_MINUTE']}/minute"


def _unlimited() -> bool:
    return current_app.config["TRACKING_RATE_LIMIT_PER_MINUTE"] <= 0


# One allowance per client address for the API and the /t/ page (TRACKING_RATE_LIMIT_PER_MINUTE).
rate_limited = limiter.shared_limit(
    _per_minute, scope="public-tracking", exempt_when=_unlimited,
    error_message="Too many tracking requests from this address; retry later.")


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
