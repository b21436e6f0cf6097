from __future__ import annotations

from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.orgs import schemas, services

blp = ApiBlueprint("orgs", __name__, url_prefix="/api/v1", description="Post offices and agencies")


@blp.route("/offices")
class Offices(MethodView):
    @blp.operation(answer=schemas.OfficeList)
    def get(self):
        """All post offices."""
        return services.list_offices()

    @blp.operation(Role.admin, body=schemas.OfficeIn, answer=schemas.OfficeOut, status=201)
    def post(self, body: dict):
        """Add a post office (admin)."""
        return services.create_office(current_user(), **body)


@blp.route("/agencies")
class Agencies(MethodView):
    @blp.operation(answer=schemas.AgencyList)
    def get(self):
        """All agencies that decide procedures."""
        return services.list_agencies()

    @blp.operation(Role.admin, body=schemas.AgencyIn, answer=schemas.AgencyOut, status=201)
    def post(self, body: dict):
        """Add an agency (admin)."""
        return services.create_agency(current_user(), **body)
