from __future__ import annotations

from flask.views import MethodView

from app.api import ApiBlueprint
from app.geo import schemas, services

blp = ApiBlueprint("units", __name__, url_prefix="/api/v1/units",
                description="Administrative units (two-level, since July 2025)")


@blp.route("")
class Units(MethodView):
    @blp.operation(query=schemas.UnitQuery, answer=schemas.UnitList)
    def get(self, args: dict):
        """Search communes by name (accent-insensitive) or code, optionally in one province."""
        return services.search_communes(args)


@blp.route("/convert")
class Convert(MethodView):
    @blp.operation(query=schemas.ConvertQuery, answer=schemas.ConvertOut)
    def get(self, args: dict):
        """Convert an old three-level address (as printed on many CCCD cards) to today's commune."""
        return services.convert_legacy_address(args["address"])
