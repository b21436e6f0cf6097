from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.orgs import schemas, services

blp = Blueprint("orgs", __name__, url_prefix="/api/v1", description="Post offices and agencies")


@blp.route("/offices")
class Offices(MethodView):
    @requires()
    @blp.response(200, schemas.OfficeList)
    def get(self):
        """All post offices."""
        return {"items": services.list_offices()}

    @requires(Role.admin)
    @blp.arguments(schemas.OfficeIn)
    @blp.response(201, schemas.OfficeOut)
    def post(self, body: dict):
        """Add a post office (admin)."""
        return services.create_office(current_user(), **body)


@blp.route("/agencies")
class Agencies(MethodView):
    @requires()
    @blp.response(200, schemas.AgencyList)
    def get(self):
        """All agencies that decide procedures."""
        return {"items": services.list_agencies()}

    @requires(Role.admin)
    @blp.arguments(schemas.AgencyIn)
    @blp.response(201, schemas.AgencyOut)
    def post(self, body: dict):
        """Add an agency (admin)."""
        return services.create_agency(current_user(), **body)
