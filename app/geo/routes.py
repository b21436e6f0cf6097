from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import requires
from app.geo import schemas, services

blp = Blueprint("units", __name__, url_prefix="/api/v1/units",
                description="Administrative units (two-level, since July 2025)")


@blp.route("")
class Units(MethodView):
    @requires()
    @blp.arguments(schemas.UnitQuery, location="query")
    @blp.response(200, schemas.UnitList)
    def get(self, args: dict):
        """Search communes by name (accent-insensitive) or code, optionally in one province."""
        return services.search_communes(args["q"], args["province"], args["limit"], args["cursor"])


@blp.route("/convert")
class Convert(MethodView):
    @requires()
    @blp.arguments(schemas.ConvertQuery, location="query")
    @blp.response(200, schemas.ConvertOut)
    def get(self, args: dict):
        """Convert an old three-level address (as printed on many CCCD cards) to today's commune."""
        return services.convert_legacy_address(args["address"])
