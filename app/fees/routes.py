from __future__ import annotations

from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.fees import schemas, services
from app.shipments.schemas import ShipmentIn

blp = ApiBlueprint("fees", __name__, url_prefix="/api/v1",
                   description="Quotes, tariffs and discount policies")

QUOTERS = (Role.clerk, Role.supervisor, Role.agency, Role.admin)
READERS = (Role.clerk, Role.supervisor, Role.admin)


@blp.route("/quotes")
class Quotes(MethodView):
    @blp.operation(*QUOTERS, body=ShipmentIn, answer=schemas.QuoteOut)
    def post(self, body: dict):
        """Price a shipment body without creating anything: the fee it would freeze, and its due date."""
        return services.quote_request(body)


@blp.route("/tariffs")
class Tariffs(MethodView):
    @blp.operation(*READERS, answer=schemas.TariffList)
    def get(self):
        """Every tariff version, newest first."""
        return services.list_tariffs()

    @blp.operation(Role.admin, body=schemas.TariffIn, answer=schemas.TariffOut, status=201, idempotent=True)
    def post(self, body: dict):
        """Add a tariff version, in force from `effective_from` (today or later).

        Versions are never edited.
        """
        return services.create_tariff(current_user(), body)


@blp.route("/tariffs/<version>")
class TariffVersion(MethodView):
    @blp.operation(*READERS, answer=schemas.TariffOut)
    def get(self, version: str):
        """One tariff version."""
        return services.get_tariff(version)


@blp.route("/policies")
class Policies(MethodView):
    @blp.operation(*READERS, answer=schemas.PolicyList)
    def get(self):
        """Every discount policy, past, current and future."""
        return services.list_policies()

    @blp.operation(Role.admin, body=schemas.PolicyIn, answer=schemas.PolicyOut, status=201, idempotent=True)
    def post(self, body: dict):
        """Add a discount policy."""
        return services.create_policy(current_user(), body)


@blp.route("/policies/<code>")
class Policy(MethodView):
    @blp.operation(*READERS, answer=schemas.PolicyOut)
    def get(self, code: str):
        """One discount policy."""
        return services.get_policy(code)

    @blp.operation(Role.admin, body=schemas.PolicyEndIn, answer=schemas.PolicyOut)
    def patch(self, body: dict, code: str):
        """End (or disable) a policy by setting `valid_to`; nothing else about a policy changes."""
        return services.end_policy(current_user(), code, body["valid_to"])
