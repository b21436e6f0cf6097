from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.fees import schemas, services
from app.idempotency.http import idempotent
from app.shipments.schemas import ShipmentIn

blp = Blueprint("fees", __name__, url_prefix="/api/v1", description="Quotes, tariffs and discount policies")

QUOTERS = (Role.clerk, Role.supervisor, Role.agency, Role.admin)
READERS = (Role.clerk, Role.supervisor, Role.admin)


@blp.route("/quotes")
class Quotes(MethodView):
    @requires(*QUOTERS)
    @blp.arguments(ShipmentIn)
    @blp.response(200, schemas.QuoteOut)
    def post(self, body: dict):
        """Price a shipment body without creating anything: the fee it would freeze, and its due date."""
        q = services.quote_request(body)
        return {**q.fee, "due_date": q.due_date, "service_days": q.service_days}


@blp.route("/tariffs")
class Tariffs(MethodView):
    @requires(*READERS)
    @blp.response(200, schemas.TariffList)
    def get(self):
        """Every tariff version, newest first."""
        return {"items": services.list_tariffs()}

    @requires(Role.admin)
    @idempotent
    @blp.arguments(schemas.TariffIn)
    @blp.response(201, schemas.TariffOut)
    def post(self, body: dict):
        """Add a tariff version, in force from `effective_from` (today or later). Versions are never edited."""
        return services.create_tariff(current_user(), body)


@blp.route("/tariffs/<version>")
class TariffVersion(MethodView):
    @requires(*READERS)
    @blp.response(200, schemas.TariffOut)
    def get(self, version: str):
        """One tariff version."""
        return services.get_tariff(version)


@blp.route("/policies")
class Policies(MethodView):
    @requires(*READERS)
    @blp.response(200, schemas.PolicyList)
    def get(self):
        """Every discount policy, past, current and future."""
        return {"items": services.list_policies()}

    @requires(Role.admin)
    @idempotent
    @blp.arguments(schemas.PolicyIn)
    @blp.response(201, schemas.PolicyOut)
    def post(self, body: dict):
        """Add a discount policy."""
        return services.create_policy(current_user(), body)


@blp.route("/policies/<code>")
class Policy(MethodView):
    @requires(*READERS)
    @blp.response(200, schemas.PolicyOut)
    def get(self, code: str):
        """One discount policy."""
        return services.get_policy(code)

    @requires(Role.admin)
    @blp.arguments(schemas.PolicyEndIn)
    @blp.response(200, schemas.PolicyOut)
    def patch(self, body: dict, code: str):
        """End (or disable) a policy by setting `valid_to`; nothing else about a policy changes."""
        return services.end_policy(current_user(), code, body["valid_to"])
